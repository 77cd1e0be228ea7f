/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kfuncs a host-compiled policy may call, with the 7.3 kernel's names and signatures. Each
 * is defined by sim/host/runtime/host_kfuncs.c (linked into every policy object) and forwards
 * to the simulator through struct scxtwin_host_api. Both the kernel-tree compatible headers
 * (<scx/common.bpf.h>) and the project's own (<scxtwin/host.bpf.h>) include this list.
 */
#ifndef __SCXTWIN_HOST_KFUNCS_H
#define __SCXTWIN_HOST_KFUNCS_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* The kfuncs kfunc_list.inc forwards plainly (its FWD rows). */
#define SCXTWIN_KFUNC(type, entry, params, args, forwarder, dflt, kfunc, ...) \
	SCXTWIN_DECLARE_##forwarder(type, kfunc, params)
#define SCXTWIN_KFUNC_VOID(entry, params, args, forwarder, kfunc, ...) \
	SCXTWIN_DECLARE_##forwarder(void, kfunc, params)
#define SCXTWIN_DECLARE_FWD(type, kfunc, params) type(kfunc) SCXTWIN_PROTOTYPE(params);
#define SCXTWIN_DECLARE_OWN(type, kfunc, params)
#include <scxtwin/kfunc_list.inc>
#undef SCXTWIN_KFUNC
#undef SCXTWIN_KFUNC_VOID
#undef SCXTWIN_DECLARE_FWD
#undef SCXTWIN_DECLARE_OWN

/* The kfuncs host_kfuncs.c writes by hand (OWN rows and aliases). */

/* DSQs */
bool scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags);
bool __scx_bpf_dsq_insert_vtime(struct task_struct *p, struct scx_bpf_dsq_insert_vtime_args *args);
/* Kernels before the enq_flags argument took the DSQ alone; accept both spellings. */
#define ___scxtwin_move_to_local1(dsq_id) scx_bpf_dsq_move_to_local((dsq_id), 0)
#define ___scxtwin_move_to_local2(dsq_id, enq_flags) scx_bpf_dsq_move_to_local((dsq_id), (enq_flags))
#define scx_bpf_dsq_move_to_local(args...)                                                   \
	___bpf_apply(___scxtwin_move_to_local, ___bpf_narg(args))(args)
void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it);

/* CPU selection and idle tracking */
s32 __scx_bpf_select_cpu_and(struct task_struct *p, const struct cpumask *cpus_allowed,
			     struct scx_bpf_select_cpu_and_args *args);
s32 scx_bpf_pick_idle_cpu(const cpumask_t *cpus_allowed, u64 flags);
s32 scx_bpf_pick_idle_cpu_node(const cpumask_t *cpus_allowed, int node, u64 flags);
s32 scx_bpf_pick_any_cpu(const cpumask_t *cpus_allowed, u64 flags);
s32 scx_bpf_pick_any_cpu_node(const cpumask_t *cpus_allowed, int node, u64 flags);
const struct cpumask *scx_bpf_get_idle_cpumask(void);
const struct cpumask *scx_bpf_get_idle_cpumask_node(int node);
const struct cpumask *scx_bpf_get_idle_smtmask(void);
const struct cpumask *scx_bpf_get_idle_smtmask_node(int node);
void scx_bpf_put_idle_cpumask(const struct cpumask *cpumask);
void scx_bpf_put_cpumask(const struct cpumask *cpumask);

/* kicks, topology, time */
u32 scx_bpf_nr_node_ids(void);
int scx_bpf_cpu_node(s32 cpu);
u32 scx_bpf_cpuperf_cap(s32 cpu);
u32 scx_bpf_cpuperf_cur(s32 cpu);
void scx_bpf_cpuperf_set(s32 cpu, u32 perf);

/* tasks */
void scx_bpf_task_set_slice(struct task_struct *p, u64 slice);
void scx_bpf_task_set_dsq_vtime(struct task_struct *p, u64 vtime);
struct task_struct *bpf_task_acquire(struct task_struct *p);
void bpf_task_release(struct task_struct *p);
struct cgroup *bpf_cgroup_acquire(struct cgroup *cgrp);
void bpf_cgroup_release(struct cgroup *cgrp);
/* The ancestor of `cgrp` at `level` (cgrp->ancestors[level]), NULL past cgrp's own level. */
struct cgroup *bpf_cgroup_ancestor(struct cgroup *cgrp, int level);
/* The css iterator (runtime/host_css_iter.c): descendants pre- or post-order, or ancestors up. */
int bpf_iter_css_new(struct bpf_iter_css *it, struct cgroup_subsys_state *start,
		     unsigned int flags);
struct cgroup_subsys_state *bpf_iter_css_next(struct bpf_iter_css *it);
void bpf_iter_css_destroy(struct bpf_iter_css *it);

/* exits and output */
void scx_bpf_exit_bstr(s64 exit_code, char *fmt, unsigned long long *data, u32 data__sz);
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data_len);
void scx_bpf_dump_bstr(char *fmt, unsigned long long *data, u32 data_len);
/* printf-style forms the host-mode macros use (the format is checked by the compiler). */
void scxtwin_exit_fmt(s64 exit_code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void scxtwin_error_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void scxtwin_dump_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* the cid API's sub-scheduler kill: bstr and printf-style forms, like the exits */
s32 scx_bpf_sub_kill_bstr(u64 cgroup_id, char *fmt, unsigned long long *data, u32 data__sz);
s32 scxtwin_sub_kill_fmt(u64 cgroup_id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* cpumasks */
struct bpf_cpumask *bpf_cpumask_create(void);
struct bpf_cpumask *bpf_cpumask_acquire(struct bpf_cpumask *cpumask);
void bpf_cpumask_release(struct bpf_cpumask *cpumask);
u32 bpf_cpumask_first(const struct cpumask *cpumask);
u32 bpf_cpumask_first_zero(const struct cpumask *cpumask);
u32 bpf_cpumask_first_and(const struct cpumask *src1, const struct cpumask *src2);
void bpf_cpumask_set_cpu(u32 cpu, struct bpf_cpumask *cpumask);
void bpf_cpumask_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask);
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask);
bool bpf_cpumask_test_and_set_cpu(u32 cpu, struct bpf_cpumask *cpumask);
bool bpf_cpumask_test_and_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask);
void bpf_cpumask_setall(struct bpf_cpumask *cpumask);
void bpf_cpumask_clear(struct bpf_cpumask *cpumask);
bool bpf_cpumask_and(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2);
void bpf_cpumask_or(struct bpf_cpumask *dst, const struct cpumask *src1,
		    const struct cpumask *src2);
void bpf_cpumask_xor(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2);
bool bpf_cpumask_equal(const struct cpumask *src1, const struct cpumask *src2);
bool bpf_cpumask_intersects(const struct cpumask *src1, const struct cpumask *src2);
bool bpf_cpumask_subset(const struct cpumask *src1, const struct cpumask *src2);
bool bpf_cpumask_empty(const struct cpumask *cpumask);
bool bpf_cpumask_full(const struct cpumask *cpumask);
void bpf_cpumask_copy(struct bpf_cpumask *dst, const struct cpumask *src);
u32 bpf_cpumask_any_distribute(const struct cpumask *cpumask);
u32 bpf_cpumask_any_and_distribute(const struct cpumask *src1, const struct cpumask *src2);
u32 bpf_cpumask_weight(const struct cpumask *cpumask);

/* RCU: a single-threaded simulator has no concurrent readers or writers. */
void bpf_rcu_read_lock(void);
void bpf_rcu_read_unlock(void);
int bpf_res_spin_lock(struct bpf_res_spin_lock *lock);
void bpf_res_spin_unlock(struct bpf_res_spin_lock *lock);

/* Kconfig values a policy may read (the loader fills them from the kernel config, as libbpf). */
extern int LINUX_KERNEL_VERSION __kconfig;
extern const char CONFIG_CC_VERSION_TEXT[64] __kconfig __weak;
extern const char CONFIG_LOCALVERSION[64] __kconfig __weak;
extern bool CONFIG_PREEMPT_RCU __kconfig __weak;

#endif /* __SCXTWIN_HOST_KFUNCS_H */
