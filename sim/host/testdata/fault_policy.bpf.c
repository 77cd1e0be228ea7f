/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scheduler with the bugs the BPF verifier keeps out of the kernel, each behind a knob: a NULL
 * dereference, a division by zero, a trap. Host mode must report each as an ejection naming the
 * callback and the line, never crash.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

const volatile u32 fault_kind;    /* 0 none, 1 NULL dereference, 2 division by zero, 3 trap */
const volatile u32 fault_on_pid;  /* fault when enqueuing this pid (0: any) */

u64 nr_enqueued;
u64 divisor; /* 0: a division by it faults on x86 (BPF defines it as 0) */

struct task_ctx {
	u64 runs;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

void BPF_STRUCT_OPS(fault_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx;

	nr_enqueued++;
	if (fault_kind && (!fault_on_pid || p->pid == fault_on_pid)) {
		switch (fault_kind) {
		case 1:
			/* No BPF_LOCAL_STORAGE_GET_F_CREATE: NULL, which is not checked. */
			tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);
			tctx->runs++;
			break;
		case 2:
			nr_enqueued = nr_enqueued / *(volatile u64 *)&divisor;
			break;
		case 3:
			__builtin_trap();
		}
	}
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SEC(".struct_ops.link")
struct sched_ext_ops fault_ops = {
	.enqueue = (void *)fault_enqueue,
	.name = "fault",
};
