/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wvtime: the simulator's own test scheduler (not a project policy). One shared DSQ ordered by
 * weighted virtual time; a waking task goes straight to an idle CPU found by the built-in idle
 * selection; otherwise it queues by vtime and any CPU that runs out of work takes the front.
 * Written for the simulator's tests and benchmarks, so that they do not depend on the kernel
 * tree being cached. Knob: slice_ns. Counters (per-CPU array `stats`): [direct, queued].
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

const volatile u64 slice_ns = 5000000;

#define WVTIME_DSQ 1

static u64 vtime_floor;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, 2);
} stats SEC(".maps");

static void count(u32 idx)
{
	u64 *c = bpf_map_lookup_elem(&stats, &idx);
	if (c)
		(*c)++;
}

s32 BPF_STRUCT_OPS(wvtime_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool idle = false;
	s32 cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &idle);

	if (idle) {
		count(0);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	}
	return cpu;
}

void BPF_STRUCT_OPS(wvtime_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 v = p->scx.dsq_vtime;

	/* A sleeper keeps at most one slice of credit. */
	if (time_before(v, vtime_floor - slice_ns))
		v = vtime_floor - slice_ns;
	count(1);
	scx_bpf_dsq_insert_vtime(p, WVTIME_DSQ, slice_ns, v, enq_flags);
}

void BPF_STRUCT_OPS(wvtime_dispatch, s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(WVTIME_DSQ, 0);
}

void BPF_STRUCT_OPS(wvtime_running, struct task_struct *p)
{
	if (time_before(vtime_floor, p->scx.dsq_vtime))
		vtime_floor = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(wvtime_stopping, struct task_struct *p, bool runnable)
{
	u64 used = slice_ns > p->scx.slice ? slice_ns - p->scx.slice : 0;

	p->scx.dsq_vtime += scale_by_task_weight_inverse(p, used);
}

void BPF_STRUCT_OPS(wvtime_enable, struct task_struct *p)
{
	p->scx.dsq_vtime = vtime_floor;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(wvtime_init)
{
	return scx_bpf_create_dsq(WVTIME_DSQ, -1);
}

SCX_OPS_DEFINE(wvtime_ops,
	       .select_cpu		= (void *)wvtime_select_cpu,
	       .enqueue			= (void *)wvtime_enqueue,
	       .dispatch		= (void *)wvtime_dispatch,
	       .running			= (void *)wvtime_running,
	       .stopping		= (void *)wvtime_stopping,
	       .enable			= (void *)wvtime_enable,
	       .init			= (void *)wvtime_init,
	       .name			= "wvtime");
