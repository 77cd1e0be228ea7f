/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The first of two translation units of one scheduler (the other: two_unit_lib.bpf.c), as an scx
 * scheduler links a library unit in: the callback calls the library, which counts in its own map
 * and global; the exit record is defined there and recorded here.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

u64 lib_count(u32 slot); /* in two_unit_lib.bpf.c */
extern u64 lib_calls;    /* defined there */

u64 main_enqueues;

/* The exit record is defined in the library unit and recorded here, as scx_lavd splits it. */
extern char uei_dump[];
extern const volatile u32 uei_dump_len;
extern struct user_exit_info uei;

void BPF_STRUCT_OPS(two_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

void BPF_STRUCT_OPS(two_enqueue, struct task_struct *p, u64 enq_flags)
{
	main_enqueues++;
	lib_count(p->pid % 2);
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SEC(".struct_ops.link")
struct sched_ext_ops two_ops = {
	.enqueue = (void *)two_enqueue,
	.exit = (void *)two_exit,
	.name = "two_unit",
};
