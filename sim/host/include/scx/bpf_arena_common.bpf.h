/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode <scx/bpf_arena_common.bpf.h>: BPF arenas for a scheduler compiled as host C.
 *
 * An arena map (BPF_MAP_TYPE_ARENA, max_entries pages) is a region of the simulator's memory
 * (sim/host/maps.cc); bpf_arena_alloc_pages() hands out its pages (sim/host/runtime/host_arena.c).
 * Host code has one address space, so `__arena` pointers are plain pointers and the address-space
 * casts are nothing; `__arena_global` variables are ordinary globals.
 */
#ifndef __SCXTWIN_HOST_BPF_ARENA_COMMON_BPF_H
#define __SCXTWIN_HOST_BPF_ARENA_COMMON_BPF_H

#include "vmlinux.h"

#ifndef __PAGE_SIZE
#define __PAGE_SIZE 4096
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE __PAGE_SIZE
#endif
#ifndef __arena
#define __arena
#endif
#define __arena_global
#define cast_kern(ptr) ((void)0)
#define cast_user(ptr) ((void)0)
#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE (-1)
#endif
#define arena_container_of(ptr, type, member) \
	((type __arena *)((char __arena *)(ptr) - __builtin_offsetof(type, member)))

/* The verifier's loop bounds: a host loop needs none. */
#ifndef can_loop
#define can_loop 1
#endif
#ifndef cond_break
#define cond_break ((void)0)
#define cond_break_label(label) ((void)0)
#endif

void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt, int node_id,
				    __u64 flags);
void bpf_arena_free_pages(void *map, void __arena *ptr, __u32 page_cnt);
int bpf_arena_reserve_pages(void *map, void __arena *ptr, __u32 page_cnt);
long bpf_arena_mapping_nr_pages(void *map);

/* One callback at a time: preemption has nothing to disable. */
static inline void bpf_preempt_disable(void) {}
static inline void bpf_preempt_enable(void) {}

#endif /* __SCXTWIN_HOST_BPF_ARENA_COMMON_BPF_H */
