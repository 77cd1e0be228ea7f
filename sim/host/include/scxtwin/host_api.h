/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one interface between a host-compiled policy and the simulator.
 *
 * A policy `.bpf.c` compiled in host mode becomes a shared object that defines every kfunc and
 * helper it may call (sim/host/runtime/host_kfuncs.c, linked into each policy object). Each of
 * those forwards through this table, which the loader installs before the first callback runs.
 * So the policy object has no undefined symbols into the simulator; one process can hold many
 * policy instances, each with its own globals, its own table and its own context.
 *
 * Who fills what:
 *   - `sim` and every entry under "simulator" are the simulator's (sim/ext/);
 *   - `maps` and the entries under "maps" are the loader's (sim/host/), which owns map storage.
 * Entries the simulator leaves NULL make the kfunc report an error through `error` (as the
 * kernel would reject a program calling a kfunc it does not offer); `error` and `exit` must be
 * set. A few have harmless defaults instead: the put_* and *_destroy releases, dump, printk,
 * cpuperf_* (SCX_CPUPERF_ONE), nr_node_ids (1), cpu_node (0), task_set_slice/dsq_vtime (write
 * the field).
 *
 * Conventions:
 *   - every function takes the owner's context first (`sim` or `maps`);
 *   - task pointers are the simulator's `struct task_struct`s (see vmlinux.h; the simulator
 *     keeps its own record in `task_struct.scxtwin_task`);
 *   - `node` arguments are NUMA node ids, -1 (NUMA_NO_NODE) for "any node";
 *   - messages passed to exit/error/dump/printk are already formatted, NUL terminated.
 *
 * Plain C, also compiled as C++ by the simulator.
 */
#ifndef __SCXTWIN_HOST_API_H
#define __SCXTWIN_HOST_API_H

#include "vmlinux.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever an entry is added, removed or changes meaning; also when the registry
 * (host_registry.h) changes, since the loader and the object share it too.
 * 2: the registry sink reports knob and counter tables (knob, stat). */
#define SCXTWIN_HOST_API_VERSION 2

struct scxtwin_host_api {
	u32 version;  /* SCXTWIN_HOST_API_VERSION */
	u32 size;     /* sizeof(struct scxtwin_host_api) */

	/* ================================ simulator ================================ */
	void *sim;

	/* -- DSQs -- */
	s32 (*create_dsq)(void *sim, u64 dsq_id, s32 node);
	void (*destroy_dsq)(void *sim, u64 dsq_id);
	/* scx_bpf_dsq_insert(): direct dispatch from select_cpu/enqueue, buffered from dispatch. */
	void (*dsq_insert)(void *sim, struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags);
	void (*dsq_insert_vtime)(void *sim, struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
				 u64 enq_flags);
	bool (*dsq_move_to_local)(void *sim, u64 dsq_id, u64 enq_flags);
	s32 (*dsq_nr_queued)(void *sim, u64 dsq_id);
	struct task_struct *(*dsq_peek)(void *sim, u64 dsq_id);
	u32 (*dispatch_nr_slots)(void *sim);
	void (*dispatch_cancel)(void *sim);
	/* Re-enqueue the tasks of the current CPU's local DSQ (scx_bpf_reenqueue_local). */
	u32 (*reenqueue_local)(void *sim);
	/* DSQ iteration (bpf_iter_scx_dsq_*); the simulator keeps its cursor in `it`. */
	int (*dsq_iter_new)(void *sim, struct bpf_iter_scx_dsq *it, u64 dsq_id, u64 flags);
	struct task_struct *(*dsq_iter_next)(void *sim, struct bpf_iter_scx_dsq *it);
	void (*dsq_iter_destroy)(void *sim, struct bpf_iter_scx_dsq *it);
	void (*dsq_move_set_slice)(void *sim, struct bpf_iter_scx_dsq *it, u64 slice);
	void (*dsq_move_set_vtime)(void *sim, struct bpf_iter_scx_dsq *it, u64 vtime);
	bool (*dsq_move)(void *sim, struct bpf_iter_scx_dsq *it, struct task_struct *p, u64 dsq_id,
			 u64 enq_flags);
	bool (*dsq_move_vtime)(void *sim, struct bpf_iter_scx_dsq *it, struct task_struct *p,
			       u64 dsq_id, u64 enq_flags);

	/* -- CPU selection and idle tracking -- */
	s32 (*select_cpu_dfl)(void *sim, struct task_struct *p, s32 prev_cpu, u64 wake_flags,
			      bool *is_idle);
	/* scx_bpf_select_cpu_and(): like select_cpu_dfl within `cpus_allowed`; -EBUSY if none idle. */
	s32 (*select_cpu_and)(void *sim, struct task_struct *p, s32 prev_cpu, u64 wake_flags,
			      const struct cpumask *cpus_allowed, u64 flags);
	bool (*test_and_clear_cpu_idle)(void *sim, s32 cpu);
	s32 (*pick_idle_cpu)(void *sim, const struct cpumask *cpus_allowed, int node, u64 flags);
	s32 (*pick_any_cpu)(void *sim, const struct cpumask *cpus_allowed, int node, u64 flags);
	const struct cpumask *(*get_idle_cpumask)(void *sim, int node);
	const struct cpumask *(*get_idle_smtmask)(void *sim, int node);
	void (*put_idle_cpumask)(void *sim, const struct cpumask *mask);
	const struct cpumask *(*get_possible_cpumask)(void *sim);
	const struct cpumask *(*get_online_cpumask)(void *sim);
	void (*put_cpumask)(void *sim, const struct cpumask *mask);

	/* -- kicks -- */
	void (*kick_cpu)(void *sim, s32 cpu, u64 flags);

	/* -- topology, time, the current CPU -- */
	u32 (*nr_cpu_ids)(void *sim);
	u32 (*nr_node_ids)(void *sim);
	int (*cpu_node)(void *sim, s32 cpu);
	u64 (*now)(void *sim);          /* scx_bpf_now() */
	u64 (*ktime_get_ns)(void *sim); /* bpf_ktime_get_ns() and friends */
	/* The CPU the current callback runs on (also selects the per-CPU map slot). */
	s32 (*smp_processor_id)(void *sim);
	u32 (*cpuperf_cap)(void *sim, s32 cpu);
	u32 (*cpuperf_cur)(void *sim, s32 cpu);
	void (*cpuperf_set)(void *sim, s32 cpu, u32 perf);

	/* -- tasks -- */
	s32 (*task_cpu)(void *sim, const struct task_struct *p);
	bool (*task_running)(void *sim, const struct task_struct *p);
	/* NULL if no such task; the host ignores acquire/release counts (tasks outlive callbacks). */
	struct task_struct *(*task_from_pid)(void *sim, s32 pid);
	struct task_struct *(*cpu_curr)(void *sim, s32 cpu);
	struct rq *(*cpu_rq)(void *sim, s32 cpu);
	void (*task_set_slice)(void *sim, struct task_struct *p, u64 slice);
	void (*task_set_dsq_vtime)(void *sim, struct task_struct *p, u64 vtime);
	struct cgroup *(*task_cgroup)(void *sim, struct task_struct *p);

	/* -- timers (bpf_timer_*); the simulator calls scxtwin_timer_fire() when one is due -- */
	long (*timer_start)(void *sim, struct bpf_timer *timer, u64 nsecs, u64 flags);
	long (*timer_cancel)(void *sim, struct bpf_timer *timer);

	/* -- exits and output -- */
	/* scx_bpf_exit_bstr(): a clean exit (SCX_EXIT_UNREG_BPF) with `exit_code`. */
	void (*exit)(void *sim, s64 exit_code, const char *msg);
	/* scx_bpf_error_bstr() and every misuse the host runtime detects: SCX_EXIT_ERROR_BPF. */
	void (*error)(void *sim, const char *msg);
	void (*dump)(void *sim, const char *msg);
	void (*printk)(void *sim, const char *msg);
	/* bpf_get_prandom_u32(): from the simulator's seeded generator, for determinism. */
	u32 (*prandom_u32)(void *sim);

	/* ================================== maps =================================== */
	void *maps;
	/* `map` is the address of the policy's map variable (declared in SEC(".maps")). */
	void *(*map_lookup_elem)(void *maps, void *map, const void *key);
	long (*map_update_elem)(void *maps, void *map, const void *key, const void *value, u64 flags);
	long (*map_delete_elem)(void *maps, void *map, const void *key);
	long (*map_push_elem)(void *maps, void *map, const void *value, u64 flags);
	long (*map_pop_elem)(void *maps, void *map, void *value);
	long (*map_peek_elem)(void *maps, void *map, void *value);
	void *(*map_lookup_percpu_elem)(void *maps, void *map, const void *key, u32 cpu);
	void *(*task_storage_get)(void *maps, void *map, struct task_struct *task, void *value,
				  u64 flags);
	long (*task_storage_delete)(void *maps, void *map, struct task_struct *task);
	/* Where an address inside a map value lives (for timers): 0 and key/value set, or -ENOENT. */
	long (*map_elem_of)(void *maps, void *map, const void *addr, u64 *key, void **value);
};

/*
 * The simulator runs a due timer through this: it calls the callback that bpf_timer_set_callback
 * registered with the map, key and value of the element the timer lives in.
 */
static inline int scxtwin_timer_fire(struct bpf_timer *timer)
{
	typedef int (*scxtwin_timer_cb)(void *map, void *key, void *value);
	scxtwin_timer_cb cb = (scxtwin_timer_cb)timer->callback;
	if (!cb)
		return 0;
	return cb(timer->map, &timer->key, timer->value);
}

/* Exported by every policy object: the loader installs the table through it. */
#define SCXTWIN_SET_HOST_API_SYMBOL "scxtwin_set_host_api"
/* Exported by every policy object: the SCXTWIN_HOST_API_VERSION it was compiled with. */
#define SCXTWIN_HOST_API_VERSION_SYMBOL "scxtwin_host_api_version"
typedef void (*scxtwin_set_host_api_fn)(const struct scxtwin_host_api *api);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* __SCXTWIN_HOST_API_H */
