/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for scx_p2dq's loader-facing half (sim/host/loader_defaults.h): a scheduler named
 * "p2dq" with the globals its Rust loader sets, laid out as its BPF file declares them, and the
 * scx arena library's SEC("syscall") programs, which here only record how the loader called
 * them (their order, each topology node's id and CPU mask).
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

const volatile struct {
	u32 nr_cpus;
	u32 nr_llcs;
	u32 nr_nodes;
	bool smt_enabled;
	bool has_little_cores;
} topo_config = {.nr_cpus = 64, .nr_llcs = 32, .nr_nodes = 32, .smt_enabled = true};

const volatile struct {
	u64 min_slice_us;
	u64 max_exec_ns;
	bool autoslice;
	bool deadline;
} timeline_config = {.min_slice_us = 100, .max_exec_ns = 20000000};

const volatile u32 debug = 2;
const volatile u32 nr_cpu_ids = 1;
const volatile u64 fail_node_id = ~0ULL;  /* arena_topology_node_init fails for this id */

u64 llc_ids[32];
u32 cpu_core_ids[64];
u64 cpu_llc_ids[64];
u64 cpu_node_ids[64];
u16 cpu_capacity[64];
u64 dsq_time_slices[3];

/* What the arena programs saw. */
u64 init_static_pages, init_task_ctx_size;
u32 max_children[5];
u32 nr_calls;           /* every program call, in order: */
char calls[64];         /* 'i' arena_init, 't' topology_init, 'm' alloc_mask, 'n' node_init */
u32 nr_nodes;
u64 node_ids[64];
u64 node_masks[64];
u64 mask_store[64];     /* arena_alloc_mask hands out one of these per call */
u32 nr_masks;

static void record(char c)
{
	if (nr_calls < sizeof(calls))
		calls[nr_calls] = c;
	nr_calls++;
}

struct arena_init_args { u64 static_pages; u64 task_ctx_size; };
struct arena_alloc_mask_args { u64 bitmap; };
struct arena_topology_node_init_args { u64 bitmap; u64 data_size; u64 id; };
struct arena_topology_init_args { u32 max_children[5]; };

SEC("syscall")
int arena_init(struct arena_init_args *args)
{
	record('i');
	init_static_pages = args->static_pages;
	init_task_ctx_size = args->task_ctx_size;
	return 0;
}

SEC("syscall")
int arena_topology_init(struct arena_topology_init_args *args)
{
	record('t');
	for (int i = 0; i < 5; i++)
		max_children[i] = args->max_children[i];
	return 0;
}

SEC("syscall")
int arena_alloc_mask(struct arena_alloc_mask_args *args)
{
	record('m');
	if (nr_masks >= 64)
		return -ENOMEM;
	args->bitmap = (u64)&mask_store[nr_masks++];
	return 0;
}

SEC("syscall")
int arena_topology_node_init(struct arena_topology_node_init_args *args)
{
	record('n');
	if (nr_nodes >= 64)
		return -ENOSPC;
	node_ids[nr_nodes] = args->id;
	node_masks[nr_nodes] = *(u64 *)args->bitmap;
	nr_nodes++;
	return args->id == fail_node_id ? -EINVAL : 0;
}

void BPF_STRUCT_OPS(p2dq_enqueue, struct task_struct *p, u64 enq_flags)
{
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SCX_OPS_DEFINE(p2dq_ops,
	       .enqueue = (void *)p2dq_enqueue,
	       .name = "p2dq");
