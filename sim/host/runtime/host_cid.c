/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A cid-form scheduler (struct sched_ext_ops_cid, 7.3) seen through the CPU-form table the
 * simulator drives. The simulator's cids are its CPU ids, so every callback that names a cid
 * (select_cid, dispatch, update_idle, dump_cid, cid_online/offline) is the CPU-form one with the
 * same number, and the cpuctl_* callbacks are the cgroup_* ones; both tables have the same layout
 * up to `priv`. What differs:
 *   - set_cmask takes a cmask, built here from the task's cpumask;
 *   - enable takes the task's cmask (struct scx_enable_args), and set_cmask follows it with the
 *     same mask before the task is first runnable (what the enable_cmask selftest checks);
 *   - init_cids runs just before init (where the kernel calls it, the layout not yet fixed).
 * Each policy instance is its own copy of the object, so the statics are per instance.
 */
#include <scx/common.bpf.h>

static struct sched_ext_ops cpu_form;
static struct sched_ext_ops_cid *cid_form;
/* A cmask with room for every cid the simulator can have. */
static u64 cmask_storage[(sizeof(struct scx_cmask) + 7) / 8 + CMASK_NR_WORDS(SCXTWIN_MAX_CPUS)];

/* The task's cpumask as a cmask over every cid. */
static struct scx_cmask *cmask_of(const struct cpumask *cpumask)
{
	struct scx_cmask *m = (struct scx_cmask *)cmask_storage;

	cmask_init(m, 0, scx_bpf_nr_cids());
	cmask_from_cpumask(m, cpumask);
	return m;
}

static void set_cpumask_as_cmask(struct task_struct *p, const struct cpumask *cpumask)
{
	cid_form->set_cmask(p, cmask_of(cpumask));
}

/* 7.3's enable of a cid-form scheduler: ops.enable with the task's cmask, then set_cmask with
 * the same mask, before the task is first runnable. */
static void enable_with_cmask(struct task_struct *p)
{
	struct scx_cmask *m = cmask_of(p->cpus_ptr);
	struct scx_enable_args args = {.cmask_arena_addr = (u64)(unsigned long)m};

	if (cid_form->enable)
		cid_form->enable(p, &args);
	if (cid_form->set_cmask)
		cid_form->set_cmask(p, m);
}

static s32 init_cids_then_init(void)
{
	if (cid_form->init_cids) {
		s32 ret = cid_form->init_cids();

		if (ret)
			return ret;
	}
	return cid_form->init ? cid_form->init() : 0;
}

struct sched_ext_ops *scxtwin_ops_from_cid(struct sched_ext_ops_cid *ops)
{
	_Static_assert(__builtin_offsetof(struct sched_ext_ops, priv) ==
			       __builtin_offsetof(struct sched_ext_ops_cid, priv),
		       "the cid-form and CPU-form tables share their layout up to priv");
	cid_form = ops;
	__builtin_memset(&cpu_form, 0, sizeof(cpu_form));
	__builtin_memcpy(&cpu_form, ops, __builtin_offsetof(struct sched_ext_ops_cid, priv));
	cpu_form.set_cpumask = ops->set_cmask ? set_cpumask_as_cmask : NULL;
	cpu_form.enable = (ops->enable || ops->set_cmask) ? enable_with_cmask : NULL;
	cpu_form.init_cids = NULL;
	cpu_form.init = (ops->init || ops->init_cids) ? init_cids_then_init : NULL;
	return &cpu_form;
}
