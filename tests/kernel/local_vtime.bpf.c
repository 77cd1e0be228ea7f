/* local_vtime: a deliberately broken policy for the fault tests. Its enqueue inserts tasks into
 * the built-in SCX_DSQ_LOCAL with vtime ordering, which the kernel forbids (built-in DSQs are
 * FIFO only): the first enqueue must make the kernel eject the scheduler with an error, and the
 * loader must report the kernel's message. */
#include <scxtwin/common.bpf.h>
#include "local_vtime.h"

char _license[] SEC("license") = "GPL";

LOCAL_VTIME_KNOBS(SCXTWIN_KNOB_DEFINE_ONE)
SCXTWIN_DEFINE_STATS(LOCAL_VTIME_STATS)

void BPF_STRUCT_OPS(local_vtime_enqueue, struct task_struct *p, u64 enq_flags)
{
	stat_inc(STAT_enqueued);
	scx_bpf_dsq_insert_vtime(p, SCX_DSQ_LOCAL, slice_us * 1000, 0, enq_flags);
}

void BPF_STRUCT_OPS(local_vtime_exit, struct scx_exit_info *ei)
{
	scxtwin_record_exit(ei);
}

SEC(".struct_ops")
struct sched_ext_ops local_vtime_ops = {
	.enqueue = (void *)local_vtime_enqueue,
	.exit = (void *)local_vtime_exit,
	.name = "local_vtime",
};
