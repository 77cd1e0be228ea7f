/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF arena kfuncs for a policy object: pages of an arena map (BPF_MAP_TYPE_ARENA), whose memory
 * the loader reserved (sim/host/maps.cc) and whose C view the map variable's second word points
 * to (struct scxtwin_arena in scxtwin/host_registry.h). Linked into every policy object.
 */
#include "vmlinux.h"
#include <scxtwin/host_registry.h>

static struct scxtwin_arena *arena_of(void *map)
{
	return map ? ((struct scxtwin_arena **)map)[1] : 0;
}

/* The page index of `addr` in the arena, or -1 if it is not a page of it. */
static long page_of(const struct scxtwin_arena *a, const void *addr)
{
	const char *p = addr;
	if (!a || p < a->base || p >= a->base + a->nr_pages * SCXTWIN_ARENA_PAGE_SIZE ||
	    (p - a->base) % SCXTWIN_ARENA_PAGE_SIZE)
		return -1;
	return (p - a->base) / SCXTWIN_ARENA_PAGE_SIZE;
}

/*
 * Allocates `page_cnt` zeroed pages: at `addr` if given (all of them must be free), else the
 * first free run. NULL if there is no room, as the kernel's.
 */
void *bpf_arena_alloc_pages(void *map, void *addr, u32 page_cnt, int node_id, u64 flags)
{
	struct scxtwin_arena *a = arena_of(map);
	long first = -1;
	u64 i, run = 0;

	(void)node_id;
	(void)flags;
	if (!a || page_cnt == 0 || page_cnt > a->nr_pages)
		return 0;
	if (addr) {
		first = page_of(a, addr);
		if (first < 0 || (u64)first + page_cnt > a->nr_pages)
			return 0;
		for (i = 0; i < page_cnt; i++)
			if (a->used[first + i])
				return 0;
	} else {
		for (i = 0; i < a->nr_pages; i++) {
			run = a->used[i] ? 0 : run + 1;
			if (run == page_cnt) {
				first = (long)(i + 1 - page_cnt);
				break;
			}
		}
		if (first < 0)
			return 0;
	}
	for (i = 0; i < page_cnt; i++)
		a->used[first + i] = 1;
	a->nr_used += page_cnt;
	__builtin_memset(a->base + first * SCXTWIN_ARENA_PAGE_SIZE, 0,
			 (u64)page_cnt * SCXTWIN_ARENA_PAGE_SIZE);
	return a->base + first * SCXTWIN_ARENA_PAGE_SIZE;
}

void bpf_arena_free_pages(void *map, void *ptr, u32 page_cnt)
{
	struct scxtwin_arena *a = arena_of(map);
	long first = page_of(a, ptr);
	u64 i;

	if (first < 0)
		return;
	for (i = 0; i < page_cnt && (u64)first + i < a->nr_pages; i++) {
		if (a->used[first + i]) {
			a->used[first + i] = 0;
			a->nr_used--;
		}
	}
}

/* Marks pages used without handing them out (they stay out of later allocations). */
int bpf_arena_reserve_pages(void *map, void *ptr, u32 page_cnt)
{
	struct scxtwin_arena *a = arena_of(map);
	long first = page_of(a, ptr);
	u64 i;

	if (first < 0 || (u64)first + page_cnt > a->nr_pages)
		return -22; /* -EINVAL */
	for (i = 0; i < page_cnt; i++)
		if (a->used[first + i])
			return -16; /* -EBUSY */
	for (i = 0; i < page_cnt; i++)
		a->used[first + i] = 1;
	a->nr_used += page_cnt;
	return 0;
}

long bpf_arena_mapping_nr_pages(void *map)
{
	struct scxtwin_arena *a = arena_of(map);
	return a ? (long)a->nr_pages : -22;
}
