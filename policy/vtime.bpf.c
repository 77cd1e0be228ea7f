/* vtime: the reference policy, the control that homing is judged against.
 *
 * Every task that is not placed directly waits in one shared DSQ ordered by weighted virtual
 * time: a task's vtime advances by the time it ran divided by its weight (100 = nice 0), and
 * CPUs always run the waiting task with the smallest vtime. A task that slept keeps its old
 * vtime, which would let it run ahead of everyone for as long as it slept; the credit is capped
 * at `sleep_credit_us` behind the current vtime (the largest vtime of a running task).
 *
 * On wakeup, scx_bpf_select_cpu_dfl() looks for an idle CPU (prev first, then an idle core,
 * then any idle CPU near prev); if it finds one the task is dispatched straight to that CPU's
 * local DSQ, skipping the shared queue. Every task gets the same slice, `slice_us`.
 *
 * It is the simplest complete policy, and the one tests use when they just need "a scheduler".
 */
#include <scxtwin/common.bpf.h>
#include "vtime.h"

char _license[] SEC("license") = "GPL";

VTIME_KNOBS(SCXTWIN_KNOB_DEFINE_ONE)
SCXTWIN_DEFINE_STATS(VTIME_STATS)

/* The one shared DSQ (user DSQ ids are below 2^63). */
#define SHARED_DSQ 0

/* The largest vtime of a task that started running: the "now" of virtual time. */
static __u64 vtime_now;

static __always_inline __u64 slice_ns(void)
{
	return slice_us * 1000;
}

s32 BPF_STRUCT_OPS(vtime_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);

	if (is_idle) {
		stat_inc(STAT_direct_idle);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns(), 0);
	}
	return cpu;
}

void BPF_STRUCT_OPS(vtime_enqueue, struct task_struct *p, u64 enq_flags)
{
	__u64 vtime = p->scx.dsq_vtime;
	__u64 floor = vtime_now - sleep_credit_us * 1000;

	if (vtime_before(vtime, floor)) {
		vtime = floor;
		stat_inc(STAT_credit_capped);
	}
	stat_inc(STAT_queued_shared);
	scx_bpf_dsq_insert_vtime(p, SHARED_DSQ, slice_ns(), vtime, enq_flags);
}

void BPF_STRUCT_OPS(vtime_dispatch, s32 cpu, struct task_struct *prev)
{
	if (scx_bpf_dsq_move_to_local(SHARED_DSQ))
		stat_inc(STAT_dispatched);
}

void BPF_STRUCT_OPS(vtime_running, struct task_struct *p)
{
	if (vtime_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(vtime_stopping, struct task_struct *p, bool runnable)
{
	/* The slice counts down while the task runs: what is gone is what it used. */
	__u64 used = p->scx.slice < slice_ns() ? slice_ns() - p->scx.slice : 0;

	p->scx.dsq_vtime += scale_by_task_weight_inverse(p, used);
}

void BPF_STRUCT_OPS(vtime_enable, struct task_struct *p)
{
	p->scx.dsq_vtime = vtime_now;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(vtime_init)
{
	s32 err = scx_bpf_create_dsq(SHARED_DSQ, -1);

	if (err)
		scx_bpf_error("cannot create the shared DSQ: %d", err);
	return err;
}

void BPF_STRUCT_OPS(vtime_exit, struct scx_exit_info *ei)
{
	scxtwin_record_exit(ei);
}

SEC(".struct_ops")
struct sched_ext_ops vtime_ops = {
	.select_cpu = (void *)vtime_select_cpu,
	.enqueue = (void *)vtime_enqueue,
	.dispatch = (void *)vtime_dispatch,
	.running = (void *)vtime_running,
	.stopping = (void *)vtime_stopping,
	.enable = (void *)vtime_enable,
	.init = (void *)vtime_init,
	.exit = (void *)vtime_exit,
	.name = "vtime",
};
