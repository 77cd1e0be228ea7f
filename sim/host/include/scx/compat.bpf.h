/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode <scx/compat.bpf.h>. The kernel tree's version picks, at load time, between kfunc
 * generations of different kernels; the host offers one generation (7.3), so the compat names
 * resolve to it directly.
 */
#ifndef __SCXTWIN_HOST_SCX_COMPAT_BPF_H
#define __SCXTWIN_HOST_SCX_COMPAT_BPF_H

#include "common.bpf.h"

#define __COMPAT_ENUM_OR_ZERO(__type, __ent) (__ent)

#define __COMPAT_scx_bpf_nr_node_ids() scx_bpf_nr_node_ids()
#define __COMPAT_scx_bpf_cpu_node(cpu) scx_bpf_cpu_node(cpu)
#define __COMPAT_scx_bpf_get_idle_cpumask_node(node) scx_bpf_get_idle_cpumask_node(node)
#define __COMPAT_scx_bpf_get_idle_smtmask_node(node) scx_bpf_get_idle_smtmask_node(node)
#define __COMPAT_scx_bpf_pick_idle_cpu_node(cpus_allowed, node, flags)                       \
	scx_bpf_pick_idle_cpu_node(cpus_allowed, node, flags)
#define __COMPAT_scx_bpf_pick_any_cpu_node(cpus_allowed, node, flags)                        \
	scx_bpf_pick_any_cpu_node(cpus_allowed, node, flags)
#define __COMPAT_HAS_scx_bpf_select_cpu_and 1
/* The event counters the simulator keeps; the others read 0 (sim/ext/README.md). */
#define __COMPAT_scx_bpf_events(events, size) scx_bpf_events((events), (size))

static inline struct task_struct *__COMPAT_scx_bpf_dsq_peek(u64 dsq_id)
{
	return scx_bpf_dsq_peek(dsq_id);
}

static inline struct task_struct *__COMPAT_scx_bpf_cpu_curr(int cpu)
{
	return scx_bpf_cpu_curr(cpu);
}

static inline bool __COMPAT_is_enq_cpu_selected(u64 enq_flags)
{
	return enq_flags & SCX_ENQ_CPU_SELECTED;
}

static inline bool __COMPAT_has_generic_reenq(void)
{
	return false;
}

static inline bool __COMPAT_scx_bpf_reenqueue_local_from_anywhere(void)
{
	return false;
}

/* Neither the generic reenqueue nor the void local one (above): the wrapper's "not supported". */
static inline int scx_bpf_reenqueue_local_from_anywhere(void)
{
	return -EOPNOTSUPP;
}

/*
 * bpf_cpumask_populate(dst, src, size): `size` bytes of CPU bits from `src` into `dst`, the rest
 * cleared; -EACCES if that is more than a cpumask holds (the kernel's check).
 */
static inline int scxtwin_cpumask_populate(struct cpumask *dst, void *src, size_t size)
{
	if (size > sizeof(*dst))
		return -EACCES;
	__builtin_memset(dst, 0, sizeof(*dst));
	__builtin_memcpy(dst, src, size);
	return 0;
}
#define __COMPAT_bpf_cpumask_populate(mask, src, size__sz)                                   \
	scxtwin_cpumask_populate((struct cpumask *)(mask), (src), (size__sz))

/*
 * scx_bpf_dsq_reenq() on a kernel without the generic reenqueue kfunc (__COMPAT_has_generic_reenq()
 * is false here): the local DSQ through scx_bpf_reenqueue_local(), anything else is an error, as
 * the kernel tree's compat wrapper does.
 */
static inline void scx_bpf_dsq_reenq(u64 dsq_id, u64 reenq_flags)
{
	if (dsq_id == SCX_DSQ_LOCAL && reenq_flags == 0)
		scx_bpf_reenqueue_local();
	else
		scx_bpf_error("kernel too old to reenqueue foreign local or user DSQs");
}

/* The ops definition: the section the loader looks for, the kernel tree's macro name. */
#define SCX_OPS_DEFINE(__name, ...)                                                          \
	SEC(".struct_ops.link") struct sched_ext_ops __name = { __VA_ARGS__ };

/* A cid-form ops table (struct sched_ext_ops_cid); the registry reports it as sched_ext_ops. */
#define SCX_OPS_CID_DEFINE(__name, ...)                                                      \
	SEC(".struct_ops.link") struct sched_ext_ops_cid __name = { __VA_ARGS__ };

#endif /* __SCXTWIN_HOST_SCX_COMPAT_BPF_H */
