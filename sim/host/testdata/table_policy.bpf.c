/* table_policy: a one-queue FIFO written the project's way (policy/README.md), for the loader's
 * tests of the knob and counter tables a project policy reports in host mode. */
#include <scxtwin/common.bpf.h>
#include "table_policy.h"

char _license[] SEC("license") = "GPL";

TABLE_POLICY_KNOBS(SCXTWIN_KNOB_DEFINE_ONE)
SCXTWIN_DEFINE_STATS(TABLE_POLICY_STATS)

void BPF_STRUCT_OPS(table_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 flags = 0;

	if (boost && (enq_flags & SCX_ENQ_WAKEUP)) {
		stat_inc(STAT_boosted);
		flags = SCX_ENQ_HEAD;
	}
	stat_inc(STAT_queued);
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, slice_us * 1000, flags);
}

void BPF_STRUCT_OPS(table_exit, struct scx_exit_info *ei)
{
	scxtwin_record_exit(ei);
}

SEC(".struct_ops")
struct sched_ext_ops table_ops = {
	.enqueue = (void *)table_enqueue,
	.exit = (void *)table_exit,
	.name = "table",
};
