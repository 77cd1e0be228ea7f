/* The record build of a kernel-tree scheduler (tools/sched_ext/NAME.bpf.c, unmodified): this
 * directory goes first on the BPF include path, so the scheduler's `#include <scx/common.bpf.h>`
 * lands here. It includes the kernel tree's header (which declares the kfuncs, its compat
 * wrappers and BPF_STRUCT_OPS) and then the project's record wrappers (scxtwin/record.bpf.h),
 * after adapting the few names whose kernel-tree form differs from the project's.
 *
 * Without __SCXTWIN_RECORD__ it makes the same scheduler's ordinary build as the project's loader
 * loads it (`build_kernel_tree_record.sh --ordinary`, what //tools/twin:replay_cost measures the
 * record build against): every adaptation below but the record wrappers, so the two builds
 * differ only by recording.
 *
 *
 * - the compat wrappers over __weak flavoured kfuncs (below) are replaced by the kfuncs;
 * - scx_bpf_dsq_move_to_local(dsq_id, enq_flags) is a compat macro there: it becomes the
 *   kernel's two-argument version, recorded with both arguments;
 * - scx_bpf_task_set_dsq_vtime() (a compat wrapper there, no project policy calls it) gets its
 *   own wrapper, since the kernel writes p->scx.dsq_vtime through it;
 * - maps declared with __uint(value_size, N) have no `value` member to take the size from, so the
 *   value size is read from the map itself (struct bpf_map, a CO-RE read the verifier allows);
 * - the ops' section and the sleepable section: record.bpf.h's BPF_STRUCT_OPS_SLEEPABLE uses the project's
 *   "struct_ops/sleepable." mark (libbpf 1.1 rejects "struct_ops.s/"), which the loader honours.
 */
#ifndef SCXTWIN_RECORD_KERNEL_TREE_COMMON_BPF_H
#define SCXTWIN_RECORD_KERNEL_TREE_COMMON_BPF_H

/* libbpf 1.1's bpf_helpers.h predates this test of a __weak kfunc, which the kernel tree's compat
 * wrappers use: an unresolved weak ksym is a null address. */
#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) (!!(sym))
#endif

/* Nor has it the numeric open-coded iterator loops the kernel tree's headers use (cid.bpf.h,
 * scx_central): a loop over the kernel's bpf_iter_num kfuncs, destroyed on any way out. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#ifndef bpf_for
extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __weak __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __weak __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __weak __ksym;
/* The loops' cleanup calls this, not the kfunc: clang 16 emits no BTF for an extern reached only
 * through a cleanup attribute, and libbpf then cannot resolve it ("failed to find BTF for
 * extern"); a call in a body of its own is an ordinary one. */
static __always_inline void scxtwin_iter_num_destroy(struct bpf_iter_num *it)
{
	bpf_iter_num_destroy(it);
}
#define bpf_for(i, start, end)                                                                 \
	for (struct bpf_iter_num ___scxtwin_it                                                  \
		     __attribute__((aligned(8), cleanup(scxtwin_iter_num_destroy))),                \
	     *___scxtwin_once __attribute__((unused)) =                                         \
		     (bpf_iter_num_new(&___scxtwin_it, (start), (end)), (void *)0);              \
	     ({                                                                                 \
		     int *___scxtwin_i = bpf_iter_num_next(&___scxtwin_it);                      \
		     ___scxtwin_i ? ((i) = *___scxtwin_i, 1) : 0;                                \
	     });)
#define bpf_repeat(n)                                                                          \
	for (struct bpf_iter_num ___scxtwin_it                                                  \
		     __attribute__((aligned(8), cleanup(scxtwin_iter_num_destroy))),                \
	     *___scxtwin_once __attribute__((unused)) =                                         \
		     (bpf_iter_num_new(&___scxtwin_it, 0, (n)), (void *)0);                      \
	     bpf_iter_num_next(&___scxtwin_it);)
#endif

/* The kernel tree's compat wrappers pick a kfunc by testing __weak flavoured names
 * (scx_bpf_dsq_insert___v2___compat, ...). libbpf 1.1 does not strip a flavour when it resolves a
 * kfunc, so every flavour is unresolved and the verifier rejects the calls left in. These
 * wrappers are kept out of the way (defined under other names, never called), and the kfuncs of
 * the sched_ext kernel are declared by their own names below. */
#define scx_bpf_dsq_insert scxtwin_kt_compat_dsq_insert
#define scx_bpf_dsq_insert_vtime scxtwin_kt_compat_dsq_insert_vtime
#define scx_bpf_task_set_slice scxtwin_kt_compat_task_set_slice
#define scx_bpf_task_set_dsq_vtime scxtwin_kt_compat_task_set_dsq_vtime

#include_next <scx/common.bpf.h>

#undef scx_bpf_dsq_insert
#undef scx_bpf_dsq_insert_vtime
#undef scx_bpf_task_set_slice
#undef scx_bpf_task_set_dsq_vtime
#undef scx_bpf_dsq_move_to_local
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym;
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
			      u64 enq_flags) __ksym;
bool scx_bpf_task_set_slice(struct task_struct *p, u64 slice) __ksym;
bool scx_bpf_task_set_dsq_vtime(struct task_struct *p, u64 vtime) __ksym;
/* One argument (what record.bpf.h's own wrapper calls), and the kernel's second version with
 * the enqueue flags the kernel tree's schedulers pass. */
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym;
bool scx_bpf_dsq_move_to_local___v2(u64 dsq_id, u64 enq_flags) __ksym;
static __always_inline bool scxtwin_kt_dsq_move_to_local(u64 dsq_id, u64 enq_flags)
{
	return scx_bpf_dsq_move_to_local___v2(dsq_id, enq_flags);
}

/* libbpf 1.1 does not know the ".struct_ops.link" section: the ops go in ".struct_ops", and the
 * loader registers them through a link of its own (BPF_F_LINK), as for the project's policies. */
#undef SCX_OPS_DEFINE
#define SCX_OPS_DEFINE(__name, ...) SEC(".struct_ops") struct sched_ext_ops __name = { __VA_ARGS__ };

/* A compat macro there falling back to bpf_ktime_get_ns() on kernels without the kfunc; the
 * sched_ext kernel has it, and record.bpf.h wraps the kfunc itself. */
#undef scx_bpf_now

#define SCXTWIN_REC_VALUE_SIZE(map) ((__u32)((struct bpf_map *)(map))->value_size)

/* A RESIZABLE_ARRAY (per-CPU state in a data section of its own, which the scheduler's loader
 * resizes to the CPU count) goes in .data, sized by the build to the recording machine's CPU
 * count: so the snapshot of the policy's globals holds it (the host build's is the same array,
 * longer; the replay compares this prefix). The callbacks index it directly, without a call the
 * record would see, so it must be in the snapshot. */
#ifndef SCXTWIN_REC_NR_CPUS
#define SCXTWIN_REC_NR_CPUS 1
#endif
#undef RESIZABLE_ARRAY
#define RESIZABLE_ARRAY(elfsec, arr) arr[SCXTWIN_REC_NR_CPUS] SEC("." #elfsec)

#ifdef __SCXTWIN_RECORD__
#include <scxtwin/record.bpf.h>

static __always_inline bool scxtwin_rec_kt_dsq_move_to_local(u64 dsq_id, u64 enq_flags)
{
	bool ret = scxtwin_kt_dsq_move_to_local(dsq_id, enq_flags);
	SCXTWIN_REC_CALL0(scx_bpf_dsq_move_to_local);

	if (r) {
		r->args[0] = dsq_id;
		r->args[1] = enq_flags;
		r->ret = ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}
#undef scx_bpf_dsq_move_to_local
#define scx_bpf_dsq_move_to_local(dsq_id, enq_flags) \
	scxtwin_rec_kt_dsq_move_to_local((dsq_id), (enq_flags))

static __always_inline void scxtwin_rec_scx_bpf_task_set_dsq_vtime(struct task_struct *p, u64 vtime)
{
	(scx_bpf_task_set_dsq_vtime)(p, vtime);
	SCXTWIN_REC_CALL0(scx_bpf_task_set_dsq_vtime);

	if (r) {
		r->args[0] = scxtwin_rec_pid(p);
		r->args[1] = vtime;
		bpf_ringbuf_submit(r, 0);
	}
}
#define scx_bpf_task_set_dsq_vtime(...) scxtwin_rec_scx_bpf_task_set_dsq_vtime(__VA_ARGS__)

#else /* the ordinary build */

/* libbpf 1.1 rejects "struct_ops.s/": the project's sleepable mark, as record.bpf.h uses. */
#undef BPF_STRUCT_OPS_SLEEPABLE
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) \
	SEC("struct_ops/sleepable." #name) BPF_PROG(name, ##args)
#define scx_bpf_dsq_move_to_local(dsq_id, enq_flags) \
	scxtwin_kt_dsq_move_to_local((dsq_id), (enq_flags))

#endif /* __SCXTWIN_RECORD__ */

#endif /* SCXTWIN_RECORD_KERNEL_TREE_COMMON_BPF_H */
