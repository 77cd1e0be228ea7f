/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scheduler written for the host-mode tests: each callback exercises one part of the host
 * runtime (knobs of several types, a per-CPU stats array, task local storage, a hash map, a
 * queue map, a timer in an array map, exits with formatted messages). It includes the kernel
 * tree's header name, like an example scheduler would.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

const volatile bool fifo_mode;
const volatile s32 signed_knob = -3;
const volatile u64 slice_ns = 5000000;
const volatile u8 small_knob;
const volatile u32 error_on_pid;   /* 0: never; else scx_bpf_error() when enqueuing this pid */
const volatile u32 exit_on_pid;    /* 0: never; else scx_bpf_exit() when enqueuing this pid */

u64 nr_enqueued;
u64 nr_timer_fires;
s32 last_timer_cpu = -1;
UEI_DEFINE(uei);

#define SHARED_DSQ 7

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, 3); /* [local, shared, dispatched] */
} stats SEC(".maps");

struct task_ctx {
	u64 enqueues;
	u64 last_vtime;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2);
	__type(key, s32);
	__type(value, u64);
} per_pid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 16);
	__type(value, s32);
} pid_queue SEC(".maps");

struct probe_timer {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct probe_timer);
} timers SEC(".maps");

static void stat_inc(u32 idx)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);
	if (cnt)
		(*cnt)++;
}

s32 BPF_STRUCT_OPS(probe_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);

	if (is_idle) {
		stat_inc(0);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	}
	return cpu;
}

void BPF_STRUCT_OPS(probe_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx;
	u64 one = 1, *seen;
	s32 pid = p->pid;

	if (error_on_pid && p->pid == error_on_pid) {
		scx_bpf_error("refusing pid %d (%s)", p->pid, p->comm);
		return;
	}
	if (exit_on_pid && p->pid == exit_on_pid) {
		scx_bpf_exit(42, "pid %d asked to exit", p->pid);
		return;
	}

	tctx = bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!tctx) {
		scx_bpf_error("no task storage");
		return;
	}
	tctx->enqueues++;
	tctx->last_vtime = p->scx.dsq_vtime;

	seen = bpf_map_lookup_elem(&per_pid, &pid);
	if (seen)
		(*seen)++;
	else
		bpf_map_update_elem(&per_pid, &pid, &one, BPF_NOEXIST);

	__sync_fetch_and_add(&nr_enqueued, 1);
	stat_inc(1);
	bpf_map_push_elem(&pid_queue, &pid, 0);
	if (fifo_mode)
		scx_bpf_dsq_insert(p, SHARED_DSQ, slice_ns, enq_flags);
	else
		scx_bpf_dsq_insert_vtime(p, SHARED_DSQ, slice_ns, p->scx.dsq_vtime, enq_flags);
}

void BPF_STRUCT_OPS(probe_dispatch, s32 cpu, struct task_struct *prev)
{
	s32 pid;

	if (bpf_map_pop_elem(&pid_queue, &pid) == 0)
		stat_inc(2);
	scx_bpf_dsq_move_to_local(SHARED_DSQ, 0);
}

static int probe_timerfn(void *map, int *key, struct bpf_timer *timer)
{
	nr_timer_fires++;
	last_timer_cpu = bpf_get_smp_processor_id();
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(probe_init)
{
	u32 key = 0;
	struct bpf_timer *timer;
	s32 ret;

	ret = scx_bpf_create_dsq(SHARED_DSQ, -1);
	if (ret)
		return ret;
	timer = bpf_map_lookup_elem(&timers, &key);
	if (!timer)
		return -ESRCH;
	bpf_timer_init(timer, &timers, CLOCK_MONOTONIC);
	bpf_timer_set_callback(timer, probe_timerfn);
	return bpf_timer_start(timer, 1000000, 0);
}

void BPF_STRUCT_OPS(probe_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

/* Run from user space (bpf_prog_test_run in the kernel, PolicyInstance::FindProgram here). */
struct probe_args {
	s32 pid;
	s32 result;
};

SEC("syscall")
int probe_syscall(struct probe_args *args)
{
	struct task_struct *p = bpf_task_from_pid(args->pid);

	if (!p)
		return -ESRCH;
	args->result = scx_bpf_task_cpu(p) + 1000;
	bpf_task_release(p);
	return 0;
}

SCX_OPS_DEFINE(probe_ops,
	       .select_cpu = (void *)probe_select_cpu,
	       .enqueue = (void *)probe_enqueue,
	       .dispatch = (void *)probe_dispatch,
	       .init = (void *)probe_init,
	       .exit = (void *)probe_exit,
	       .name = "probe");
