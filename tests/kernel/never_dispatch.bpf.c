/* never_dispatch: a policy that queues every task in its own DSQ and never moves one to a CPU.
 * Runnable tasks then wait forever, so the kernel's watchdog must eject it after timeout_ms
 * (kept short here) with SCX_EXIT_ERROR_STALL, and the loader must report a stall. */
#include <scxtwin/common.bpf.h>
#include "never_dispatch.h"

char _license[] SEC("license") = "GPL";

NEVER_DISPATCH_KNOBS(SCXTWIN_KNOB_DEFINE_ONE)
SCXTWIN_DEFINE_STATS(NEVER_DISPATCH_STATS)

#define PARKING_DSQ 0

s32 BPF_STRUCT_OPS(never_dispatch_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return prev_cpu; /* no direct dispatch: everything goes through enqueue */
}

void BPF_STRUCT_OPS(never_dispatch_enqueue, struct task_struct *p, u64 enq_flags)
{
	stat_inc(STAT_enqueued);
	scx_bpf_dsq_insert(p, PARKING_DSQ, slice_us * 1000, enq_flags);
}

void BPF_STRUCT_OPS(never_dispatch_dispatch, s32 cpu, struct task_struct *prev)
{
}

s32 BPF_STRUCT_OPS_SLEEPABLE(never_dispatch_init)
{
	return scx_bpf_create_dsq(PARKING_DSQ, -1);
}

void BPF_STRUCT_OPS(never_dispatch_exit, struct scx_exit_info *ei)
{
	scxtwin_record_exit(ei);
}

SEC(".struct_ops")
struct sched_ext_ops never_dispatch_ops = {
	.select_cpu = (void *)never_dispatch_select_cpu,
	.enqueue = (void *)never_dispatch_enqueue,
	.dispatch = (void *)never_dispatch_dispatch,
	.init = (void *)never_dispatch_init,
	.exit = (void *)never_dispatch_exit,
	.timeout_ms = 2000,
	.name = "never_dispatch",
};
