/* unchecked_lookup: a policy whose enqueue writes through a map lookup without checking it for
 * NULL. The verifier must refuse to load it, and the loader must say so with the tail of the
 * verifier's log. */
#include <scxtwin/common.bpf.h>
#include "unchecked_lookup.h"

char _license[] SEC("license") = "GPL";

UNCHECKED_LOOKUP_KNOBS(SCXTWIN_KNOB_DEFINE_ONE)
SCXTWIN_DEFINE_STATS(UNCHECKED_LOOKUP_STATS)

void BPF_STRUCT_OPS(unchecked_lookup_enqueue, struct task_struct *p, u64 enq_flags)
{
	/* A key the verifier cannot bound, so the lookup may fail (with a constant in-range key,
	 * the kernel knows an array lookup cannot). */
	__u32 key = p->pid;
	__u64 *count = bpf_map_lookup_elem(&stats, &key);

	*count += 1; /* the bug: count may be NULL */
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, slice_us * 1000, enq_flags);
}

void BPF_STRUCT_OPS(unchecked_lookup_exit, struct scx_exit_info *ei)
{
	scxtwin_record_exit(ei);
}

SEC(".struct_ops")
struct sched_ext_ops unchecked_lookup_ops = {
	.enqueue = (void *)unchecked_lookup_enqueue,
	.exit = (void *)unchecked_lookup_exit,
	.name = "unchecked_lookup",
};
