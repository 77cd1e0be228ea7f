/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode <scx/cid.bpf.h>: the cmask helpers of the kernel tree's header of that name, with the
 * same semantics, written as plain C for a scheduler compiled as host code (the 7.3 cid API).
 *
 * A cmask (struct scx_cmask, vmlinux.h) covers the cids [base, base + nr_cids). Its bits[] are
 * 64-bit words aligned to cid 0: bits[0] holds cids (base & ~63) .. (base | 63), so a mask needs
 * CMASK_NR_WORDS(nr_cids) words (one more than nr_cids / 64 for a base that is not aligned). The
 * helpers keep the bits outside the range clear. Binary operations touch only the intersection
 * of the two ranges; a search returns base + nr_cids when nothing is found.
 *
 * The simulator runs one callback at a time, so the kernel header's compare-and-swap loops are
 * plain read-modify-writes here.
 */
#ifndef __SCXTWIN_HOST_SCX_CID_BPF_H
#define __SCXTWIN_HOST_SCX_CID_BPF_H

#include "bpf_arena_common.bpf.h"

#ifndef BIT_U64
#define BIT_U64(nr) (1ULL << (nr))
#endif
#ifndef GENMASK_U64
#define GENMASK_U64(h, l) ((~0ULL << (l)) & (~0ULL >> (63 - (h))))
#endif
#ifndef CMASK_MAX_WORDS
#define CMASK_MAX_WORDS 129
#endif
#define CMASK_NR_WORDS(nr_cids) ((u32)(((u64)(nr_cids) + 63) / 64 + 1))

static inline bool __cmask_contains(u32 cid, const struct scx_cmask __arena *m)
{
	return cid >= m->base && cid < m->base + m->nr_cids;
}

static inline u64 __arena *__cmask_word(u32 cid, const struct scx_cmask __arena *m)
{
	return (u64 __arena *)&m->bits[cid / 64 - m->base / 64];
}

static inline void __cmask_init(struct scx_cmask __arena *m, u32 base, u32 nr_cids,
				u32 alloc_cids)
{
	if (nr_cids > alloc_cids) {
		scx_bpf_error("__cmask_init: nr_cids=%u exceeds alloc_cids=%u", nr_cids,
			      alloc_cids);
		return;
	}
	m->base = base;
	m->nr_cids = nr_cids;
	m->alloc_words = CMASK_NR_WORDS(alloc_cids);
	for (u32 i = 0; i < m->alloc_words && i < CMASK_MAX_WORDS; i++)
		m->bits[i] = 0;
}

static inline void cmask_init(struct scx_cmask __arena *m, u32 base, u32 nr_cids)
{
	__cmask_init(m, base, nr_cids, nr_cids);
}

/* A new range on the same storage; only the first and last words are cleared. */
static inline void cmask_reframe(struct scx_cmask __arena *m, u32 base, u32 nr_cids)
{
	if (CMASK_NR_WORDS(nr_cids) > m->alloc_words) {
		scx_bpf_error("cmask_reframe: nr_cids=%u exceeds alloc_words=%u", nr_cids,
			      m->alloc_words);
		return;
	}
	if (nr_cids) {
		m->bits[0] = 0;
		m->bits[((base & 63) + nr_cids - 1) / 64] = 0;
	}
	m->base = base;
	m->nr_cids = nr_cids;
}

static inline bool cmask_test(u32 cid, const struct scx_cmask __arena *m)
{
	return __cmask_contains(cid, m) && (*__cmask_word(cid, m) & BIT_U64(cid & 63));
}

static inline void __cmask_set(u32 cid, struct scx_cmask __arena *m)
{
	if (__cmask_contains(cid, m))
		*__cmask_word(cid, m) |= BIT_U64(cid & 63);
}

static inline void __cmask_clear(u32 cid, struct scx_cmask __arena *m)
{
	if (__cmask_contains(cid, m))
		*__cmask_word(cid, m) &= ~BIT_U64(cid & 63);
}

static inline bool __cmask_test_and_set(u32 cid, struct scx_cmask __arena *m)
{
	bool was = cmask_test(cid, m);

	__cmask_set(cid, m);
	return was;
}

static inline bool __cmask_test_and_clear(u32 cid, struct scx_cmask __arena *m)
{
	bool was = cmask_test(cid, m);

	__cmask_clear(cid, m);
	return was;
}

#define cmask_set(cid, m) __cmask_set((cid), (m))
#define cmask_clear(cid, m) __cmask_clear((cid), (m))
#define cmask_test_and_set(cid, m) __cmask_test_and_set((cid), (m))
#define cmask_test_and_clear(cid, m) __cmask_test_and_clear((cid), (m))

static inline void cmask_zero(struct scx_cmask __arena *m)
{
	for (u32 i = 0; i < CMASK_NR_WORDS(m->nr_cids) && i < CMASK_MAX_WORDS; i++)
		m->bits[i] = 0;
}

enum { BPF_CMASK_OP_AND, BPF_CMASK_OP_OR, BPF_CMASK_OP_COPY, BPF_CMASK_OP_ANDNOT };

/* The intersection of two ranges as [*lo, *hi); false if empty. */
static inline bool __cmask_overlap(u32 a_base, u32 a_nr, u32 b_base, u32 b_nr, u32 *lo, u32 *hi)
{
	u32 a_end = a_base + a_nr, b_end = b_base + b_nr;

	*lo = a_base > b_base ? a_base : b_base;
	*hi = a_end < b_end ? a_end : b_end;
	return *lo < *hi;
}

/* The bits of absolute word `w` that lie in [lo, hi). */
static inline u64 __cmask_window(u32 w, u32 lo, u32 hi)
{
	u64 m = ~0ULL;

	if (w == lo / 64)
		m &= GENMASK_U64(63, lo & 63);
	if (w == (hi - 1) / 64)
		m &= GENMASK_U64((hi - 1) & 63, 0);
	return m;
}

static inline void cmask_op(struct scx_cmask __arena *dst, const struct scx_cmask __arena *src,
			    int op)
{
	u32 lo, hi;

	if (!__cmask_overlap(dst->base, dst->nr_cids, src->base, src->nr_cids, &lo, &hi))
		return;
	for (u32 w = lo / 64; w <= (hi - 1) / 64; w++) {
		u64 *d = (u64 *)&dst->bits[w - dst->base / 64];
		u64 s = src->bits[w - src->base / 64], mask = __cmask_window(w, lo, hi), r;

		switch (op) {
		case BPF_CMASK_OP_AND: r = *d & s; break;
		case BPF_CMASK_OP_OR: r = *d | s; break;
		case BPF_CMASK_OP_ANDNOT: r = *d & ~s; break;
		default: r = s; break;
		}
		*d = (*d & ~mask) | (r & mask);
	}
}

static inline void cmask_and(struct scx_cmask __arena *d, const struct scx_cmask __arena *s)
{
	cmask_op(d, s, BPF_CMASK_OP_AND);
}
static inline void cmask_or(struct scx_cmask __arena *d, const struct scx_cmask __arena *s)
{
	cmask_op(d, s, BPF_CMASK_OP_OR);
}
static inline void cmask_copy(struct scx_cmask __arena *d, const struct scx_cmask __arena *s)
{
	cmask_op(d, s, BPF_CMASK_OP_COPY);
}
static inline void cmask_andnot(struct scx_cmask __arena *d, const struct scx_cmask __arena *s)
{
	cmask_op(d, s, BPF_CMASK_OP_ANDNOT);
}

/* The number of words [base, base + nr_cids) spans. */
static inline u32 __cmask_span(const struct scx_cmask __arena *m)
{
	return m->nr_cids ? (m->base + m->nr_cids - 1) / 64 - m->base / 64 + 1 : 0;
}

static inline bool cmask_equal(const struct scx_cmask __arena *a,
			       const struct scx_cmask __arena *b)
{
	if (a->base != b->base || a->nr_cids != b->nr_cids)
		return false;
	for (u32 i = 0; i < __cmask_span(a); i++)
		if (a->bits[i] != b->bits[i])
			return false;
	return true;
}

static inline u32 cmask_weight(const struct scx_cmask __arena *m)
{
	u32 n = 0;

	for (u32 i = 0; i < __cmask_span(m); i++)
		n += __builtin_popcountll(m->bits[i]);
	return n;
}

/*
 * The first cid at or after `start` set in each of the `n` masks (the first one's range bounded
 * by the intersection of all), or ms[0]'s end.
 */
static inline u32 __cmask_next_and_n(const struct scx_cmask __arena *const *ms, int n, u32 start)
{
	u32 end = ms[0]->base + ms[0]->nr_cids, lo = ms[0]->base, hi = end;

	for (int k = 1; k < n; k++)
		if (!__cmask_overlap(lo, hi - lo, ms[k]->base, ms[k]->nr_cids, &lo, &hi))
			return end;
	if (lo >= hi)
		return end;
	if (start < lo)
		start = lo;
	for (u32 w = start / 64; start < hi && w <= (hi - 1) / 64; w++) {
		u64 word = ~0ULL;

		for (int k = 0; k < n; k++)
			word &= ms[k]->bits[w - ms[k]->base / 64];
		if (w == start / 64)
			word &= GENMASK_U64(63, start & 63);
		if (word) {
			u32 found = w * 64 + __builtin_ctzll(word);

			return found < hi ? found : end;
		}
	}
	return end;
}

static inline u32 cmask_next_set(const struct scx_cmask __arena *m, u32 cid)
{
	const struct scx_cmask __arena *ms[] = {m};

	return __cmask_next_and_n(ms, 1, cid);
}

static inline u32 cmask_first_set(const struct scx_cmask __arena *m)
{
	return cmask_next_set(m, m->base);
}

#define cmask_for_each(cid, m)                                                               \
	for ((cid) = cmask_first_set(m); (cid) < (m)->base + (m)->nr_cids;                   \
	     (cid) = cmask_next_set((m), (cid) + 1))

static inline u32 cmask_next_and_set(const struct scx_cmask __arena *a,
				     const struct scx_cmask __arena *b, u32 start)
{
	const struct scx_cmask __arena *ms[] = {a, b};

	return __cmask_next_and_n(ms, 2, start);
}

static inline u32 cmask_next_and2_set(const struct scx_cmask __arena *a,
				      const struct scx_cmask __arena *b,
				      const struct scx_cmask __arena *c, u32 start)
{
	const struct scx_cmask __arena *ms[] = {a, b, c};

	return __cmask_next_and_n(ms, 3, start);
}

/* Round-robin searches: from `start` to the end, then from the range's base up to `start`. */
static inline u32 __cmask_wrap(const struct scx_cmask __arena *const *ms, int n, u32 start)
{
	u32 end = ms[0]->base + ms[0]->nr_cids, found = __cmask_next_and_n(ms, n, start);

	if (found < end || start <= ms[0]->base)
		return found;
	found = __cmask_next_and_n(ms, n, ms[0]->base);
	return found < start ? found : end;
}

static inline u32 cmask_next_set_wrap(const struct scx_cmask __arena *m, u32 start)
{
	const struct scx_cmask __arena *ms[] = {m};

	return __cmask_wrap(ms, 1, start);
}

static inline u32 cmask_next_and_set_wrap(const struct scx_cmask __arena *a,
					  const struct scx_cmask __arena *b, u32 start)
{
	const struct scx_cmask __arena *ms[] = {a, b};

	return __cmask_wrap(ms, 2, start);
}

static inline u32 cmask_next_and2_set_wrap(const struct scx_cmask __arena *a,
					   const struct scx_cmask __arena *b,
					   const struct scx_cmask __arena *c, u32 start)
{
	const struct scx_cmask __arena *ms[] = {a, b, c};

	return __cmask_wrap(ms, 3, start);
}

static inline bool cmask_intersects(const struct scx_cmask __arena *a,
				    const struct scx_cmask __arena *b)
{
	return cmask_next_and_set(a, b, 0) < a->base + a->nr_cids;
}

/* Every bit set in `a` is set in `b` (bits of `a` outside `b`'s range fail). */
static inline bool cmask_subset(const struct scx_cmask __arena *a,
				const struct scx_cmask __arena *b)
{
	u32 cid;

	cmask_for_each(cid, a)
		if (!cmask_test(cid, b))
			return false;
	return true;
}

static inline void cmask_from_cpumask(struct scx_cmask __arena *m, const struct cpumask *cpumask)
{
	u32 nr_cpu_ids = scx_bpf_nr_cpu_ids();

	cmask_zero(m);
	for (u32 cpu = 0; cpu < nr_cpu_ids; cpu++) {
		s32 cid;

		if (!bpf_cpumask_test_cpu(cpu, cpumask))
			continue;
		cid = scx_bpf_cpu_to_cid(cpu);
		if (cid >= 0)
			__cmask_set(cid, m);
	}
}

#endif /* __SCXTWIN_HOST_SCX_CID_BPF_H */
