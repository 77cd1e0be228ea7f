/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode <scx/common.bpf.h>: the kernel tree's scheduler header (tools/sched_ext/include/scx/)
 * under its own name, so the kernel's example schedulers and selftests compile unmodified as
 * host C. Written for the simulator: kfuncs are the functions of scxtwin/host_kfuncs.h; the
 * BPF-verifier workarounds (MEMBER_VPTR's bounds asm, __sink, ...) become plain C.
 */
#ifndef __SCXTWIN_HOST_SCX_COMMON_BPF_H
#define __SCXTWIN_HOST_SCX_COMMON_BPF_H

#include <scxtwin/host.bpf.h>
#include <asm-generic/errno.h>
#include "user_exit_info.bpf.h"
#include "enums.bpf.h"

#define PF_IDLE 0x00000002
#define PF_EXITING 0x00000004
#define PF_IO_WORKER 0x00000010
#define PF_WQ_WORKER 0x00000020
#define PF_KCOMPACTD 0x00010000
#define PF_KSWAPD 0x00020000
#define PF_KTHREAD 0x00200000
#define CLOCK_MONOTONIC 1

#ifndef NR_CPUS
#define NR_CPUS SCXTWIN_MAX_CPUS
#endif
#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE (-1)
#endif

#define BPF_FOR_EACH_ITER (&___it)

#define scx_bpf_dump_header() scx_bpf_dump("kernel: scxtwin simulator\n")

/*
 * In BPF a resizable array is declared with one element and user space resizes its data section
 * before loading (scx_central sizes its per-CPU arrays to nr_cpu_ids). A host object cannot be
 * resized after the fact, so the array gets room for every CPU the simulator can have; a
 * "resize" to at most SCXTWIN_MAX_CPUS elements is then a no-op.
 */
#define RESIZABLE_ARRAY(elfsec, arr) arr[SCXTWIN_MAX_CPUS] SEC("." #elfsec "." #arr)

/* The verifier-friendly pointer forms: on the host, plain addresses (bounds are the C ones). */
#ifndef MEMBER_VPTR
#define MEMBER_VPTR(base, member) (&((base)member))
#endif
/*
 * ARRAY_ELEM_PTR(arr, i, n): &arr[i] if i < n, else NULL (the BPF code checks for NULL, as the
 * verifier makes it). On the host an array's own size bounds it too: the verifier would reject
 * an access past a global array, here it becomes NULL instead of memory corruption.
 */
#ifndef ARRAY_ELEM_PTR
#define ___scxtwin_elems(arr)                                                                \
	(__builtin_types_compatible_p(__typeof__(arr), __typeof__(&(arr)[0]))                \
		 ? ~0ULL                                                                     \
		 : (u64)(sizeof(__typeof__(arr)) / sizeof(__typeof__((arr)[0]))))
#define ARRAY_ELEM_PTR(arr, i, n)                                                            \
	({                                                                                   \
		__typeof__(&(arr)[0]) ___elem = (arr);                                       \
		(u64)(i) < (u64)(n) && (u64)(i) < ___scxtwin_elems(arr)                      \
			? ___elem + (i)                                                      \
			: (__typeof__(___elem))0;                                            \
	})
#endif
#define __sink(expr) __asm__ __volatile__("" : "+g"(expr))

#define __contains(name, node)
#define private(name) SEC(".data." #name) __hidden __attribute__((aligned(8)))

/*
 * Allocated objects and rbtrees (sim/host/runtime/host_graph.c). The kernel's bpf_obj_new passes
 * the type's BTF id and the verifier supplies its size; host code passes the size itself.
 */
void *scxtwin_obj_new(u64 size);
void bpf_obj_drop_impl(void *kptr, void *meta);
#define bpf_obj_new(type) ((type *)scxtwin_obj_new(sizeof(type)))
#define bpf_obj_drop(kptr) bpf_obj_drop_impl(kptr, NULL)
int bpf_rbtree_add_impl(struct bpf_rb_root *root, struct bpf_rb_node *node,
			bool (*less)(struct bpf_rb_node *a, const struct bpf_rb_node *b), void *meta,
			u64 off);
#define bpf_rbtree_add(head, node, less) bpf_rbtree_add_impl(head, node, less, NULL, 0)
struct bpf_rb_node *bpf_rbtree_first(struct bpf_rb_root *root);
struct bpf_rb_node *bpf_rbtree_remove(struct bpf_rb_root *root, struct bpf_rb_node *node);

static inline const struct cpumask *cast_mask(struct bpf_cpumask *mask)
{
	return (const struct cpumask *)mask;
}

/*
 * The kernel header's reading: a BPF program runs with migration disabled, so a count of 1 on
 * the current task is the program's own and means disabled only for another task (one
 * preempted inside a migrate_disable() section, as scx_central's dispatch meets).
 */
static inline bool is_migration_disabled(const struct task_struct *p)
{
	if (p->migration_disabled == 1)
		return bpf_get_current_task_btf() != p;
	return p->migration_disabled;
}

/* ---- time comparisons that survive wraparound ---- */
static inline s64 time_delta(u64 after, u64 before)
{
	return (s64)(after - before) > 0 ? (s64)(after - before) : 0;
}
static inline bool time_after(u64 a, u64 b) { return (s64)(b - a) < 0; }
static inline bool time_before(u64 a, u64 b) { return time_after(b, a); }
static inline bool time_after_eq(u64 a, u64 b) { return (s64)(a - b) >= 0; }
static inline bool time_before_eq(u64 a, u64 b) { return time_after_eq(b, a); }
static inline bool time_in_range(u64 a, u64 b, u64 c)
{
	return time_after_eq(a, b) && time_before_eq(a, c);
}
static inline bool time_in_range_open(u64 a, u64 b, u64 c)
{
	return time_after_eq(a, b) && time_before(a, c);
}

#define __maybe_unused __attribute__((__unused__))

/* Single-threaded: a volatile access is all READ_ONCE/WRITE_ONCE need to mean here. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) ((*(volatile __typeof__(x) *)&(x)) = (val))

#define __calc_avg(old, new, decay)                                                          \
	({                                                                                   \
		__typeof__(decay) ___thr = (1 << (decay)) - 1;                               \
		__typeof__(old) ___old = (old);                                              \
		__typeof__(new) ___new = (new);                                              \
		___old <= ___thr ? ___new : ((___old << (decay)) - ___old + ___new) >> (decay); \
	})

static inline u32 log2_u32(u32 v)
{
	return v ? 31 - __builtin_clz(v) : 0;
}
static inline u32 log2_u64(u64 v)
{
	return v ? 63 - __builtin_clzll(v) : 0;
}
static inline int ctzll(u64 v)
{
	return v ? __builtin_ctzll(v) : 64;
}
static inline u64 __sqrt_u64(u64 x)
{
	u64 r = 0, bit = 1ULL << 62;
	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* Weights: 100 is nice 0 (sched_ext's scale). */
static inline u64 scale_by_task_weight(const struct task_struct *p, u64 value)
{
	return (value * p->scx.weight) / 100;
}
static inline u64 scale_by_task_weight_inverse(const struct task_struct *p, u64 value)
{
	return value * 100 / p->scx.weight;
}

static inline u64 get_prandom_u64(void)
{
	return ((u64)bpf_get_prandom_u32() << 32) | bpf_get_prandom_u32();
}

#define flex_array_size(p, member, count) ((count) * sizeof(*(p)->member))
#define struct_size(p, member, count) (sizeof(*(p)) + flex_array_size(p, member, count))
#define struct_size_t(type, member, count) struct_size((type *)0, member, count)

/* scx_bpf_events() fills every counter; one the simulator cannot produce reads 0. */
#define scx_read_event(e, name) ((e)->name)

/*
 * The scx repository's per-CPU run-queue clocks, which its header reads from the kernel's
 * `runqueues` (a kernel variable the simulator does not have). The simulator charges no IRQ or
 * steal time and runs every CPU at capacity 1024, so the task clock and the PELT clock are both
 * the simulated clock, read fresh (the kernel's may be stale for a remote idle CPU); the IRQ and
 * steal clocks stay 0.
 */
static inline u64 scx_clock_task(u32 cpu)
{
	return bpf_ktime_get_ns();
}
static inline u64 scx_clock_pelt(u32 cpu)
{
	return bpf_ktime_get_ns();
}
static inline u64 scx_clock_virt(u32 cpu)
{
	return 0;
}
static inline u64 scx_clock_irq(u32 cpu)
{
	return 0;
}

#include "compat.bpf.h"
#include "cid.bpf.h"

/*
 * A scheduler from the scx repository (--scx-include, which defines __BPF__): its
 * <bpf_experimental.h> through the host wrapper, before any of its headers includes it by a path
 * the wrapper cannot intercept ("bpf_experimental.h" from a header of the same directory), so
 * its loop-budget macros are host C wherever they are used.
 */
#if defined(__BPF__)
#include <bpf_experimental.h>
#endif

#endif /* __SCXTWIN_HOST_SCX_COMMON_BPF_H */
