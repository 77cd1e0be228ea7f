/* SPDX-License-Identifier: GPL-2.0 */
/* The library unit of two_unit_main.bpf.c: a map, a global and a static of its own, and the
 * scheduler's exit record. */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, u32);
	__type(value, u64);
} lib_slots SEC(".maps");

u64 lib_calls;
static u64 lib_private;
UEI_DEFINE(uei);

u64 lib_count(u32 slot)
{
	u64 *v = bpf_map_lookup_elem(&lib_slots, &slot);

	lib_calls++;
	lib_private += 2;
	if (v)
		(*v)++;
	return lib_private;
}
