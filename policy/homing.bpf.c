/* homing: the seed experiment's policy (a "modified bpfland" for micro-VM boots).
 *
 * Micro-VM boots are bursts of short runnable threads (vCPUs, QEMU's workers). The fair class
 * keeps a woken task on its CPU and balances only at millisecond intervals, so bursts queue on
 * busy CPUs while others idle. This policy never lets that happen:
 *
 * - Home. Each task remembers a home CPU: the first CPU it ran on (re-assigned if home leaves the
 *   task's affinity). A woken task goes back home as soon as home is idle, which keeps its cache
 *   warm across bursts even after it was pushed elsewhere (`went_home`, `stayed_home`).
 * - Move at once. If home is busy the task stays on its previous CPU when that one is idle
 *   (`stayed_prev`), else it moves right away to any idle CPU it may run on (`moved_idle`):
 *   at wakeup, not after a balancing interval.
 * - One queue. With no idle CPU, the task waits in one run queue shared by all CPUs, ordered by
 *   deadline (`queued_shared`); any CPU that frees up takes the earliest deadline, so no CPU
 *   idles while a task waits. The deadline is the task's weighted virtual time (sleeper credit
 *   capped at `sleep_credit_us`) plus its run time not yet paid back by sleeping (each
 *   nanosecond asleep pays back one of run time; capped at `exec_cap_us`), so tasks that mostly
 *   sleep go first. A nap does not wipe the debt: a task busy 90% of the time in 2 ms bursts would
 *   otherwise look as light as a vCPU's I/O exits and push every longer burst (a vCPU booting)
 *   up to `exec_cap_us` behind it (docs/homing_busy_host.md).
 * - Kick. Queueing a task wakes an idle CPU it may run on, its home first (`kicks`).
 * - Shrinking slice. The slice is `slice_max_us / (1 + waiting tasks)`, never below
 *   `slice_min_us` (`slice_at_min`): when a burst arrives, running tasks yield sooner. Slices
 *   expire at ticks (4 ms at HZ=250), so a floor far below a tick only preempts at the next
 *   tick whatever ran, moving large-working-set tasks for nothing.
 *
 * Every constant is a knob (homing.h); `go_home=0` and `kick_on_enqueue=0` switch the two
 * distinctive mechanisms off for comparisons.
 */
#include <scxtwin/common.bpf.h>
#include "homing.h"

char _license[] SEC("license") = "GPL";

HOMING_KNOBS(SCXTWIN_KNOB_DEFINE_ONE)
SCXTWIN_DEFINE_STATS(HOMING_STATS)

/* The run queue all CPUs share (user DSQ ids are below 2^63). */
#define SHARED_DSQ 0
#define NO_HOME -1

/* Per-task state, in task local storage. */
struct task_ctx {
	s32 home_cpu;     /* NO_HOME until the task first runs */
	__u64 vruntime;   /* weighted virtual time: run time * 100 / weight */
	__u64 exec_ns;    /* run time not yet paid back by sleeping, at most exec_cap_us */
	__u64 started_at; /* scx_bpf_now() when it last started running */
	__u64 slept_at;   /* scx_bpf_now() when it last went to sleep */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

/* The largest vruntime of a task that started running: the "now" of virtual time. */
static __u64 vtime_now;

static __always_inline struct task_ctx *lookup_task_ctx(struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctxs, p, 0, 0);
}

/* slice_max / (1 + waiting tasks), bounded below by slice_min. */
static __always_inline __u64 current_slice_ns(void)
{
	__u64 waiting = scx_bpf_dsq_nr_queued(SHARED_DSQ);
	__u64 slice = slice_max_us * 1000 / (1 + waiting);

	if (slice < slice_min_us * 1000) {
		stat_inc(STAT_slice_at_min);
		slice = slice_min_us * 1000;
	}
	return slice;
}

static __always_inline bool may_run_on(struct task_struct *p, s32 cpu)
{
	return cpu >= 0 && bpf_cpumask_test_cpu(cpu, p->cpus_ptr);
}

s32 BPF_STRUCT_OPS(homing_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	s32 home = tctx ? tctx->home_cpu : NO_HOME;
	s32 cpu;

	/* Home first: claim it if idle. */
	if (go_home && may_run_on(p, home) && scx_bpf_test_and_clear_cpu_idle(home)) {
		stat_inc(home == prev_cpu ? STAT_stayed_home : STAT_went_home);
		cpu = home;
		goto direct;
	}
	/* Then the CPU it last ran on, still warm (home was tried above unless go_home=0). */
	if ((!go_home || prev_cpu != home) && may_run_on(p, prev_cpu) &&
	    scx_bpf_test_and_clear_cpu_idle(prev_cpu)) {
		stat_inc(STAT_stayed_prev);
		cpu = prev_cpu;
		goto direct;
	}
	/* Then any idle CPU, now rather than at the next balancing. */
	cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	if (cpu >= 0) {
		stat_inc(STAT_moved_idle);
		goto direct;
	}
	/* Every allowed CPU is busy: ops.enqueue queues it in the shared DSQ. */
	return prev_cpu;

direct:
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, current_slice_ns(), 0);
	return cpu;
}

void BPF_STRUCT_OPS(homing_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	__u64 vtime = vtime_now, deadline;
	s32 cpu;

	if (tctx) {
		__u64 floor = vtime_now - sleep_credit_us * 1000;

		vtime = tctx->vruntime;
		if (vtime_before(vtime, floor))
			vtime = floor;
		tctx->vruntime = vtime;
	}
	deadline = vtime + scale_by_task_weight_inverse(p, tctx ? tctx->exec_ns : 0);

	stat_inc(STAT_queued_shared);
	scx_bpf_dsq_insert_vtime(p, SHARED_DSQ, current_slice_ns(), deadline, enq_flags);

	if (!kick_on_enqueue)
		return;
	/* Wake an idle CPU to take it: home if it is idle, else any. */
	cpu = tctx ? tctx->home_cpu : NO_HOME;
	if (!(go_home && may_run_on(p, cpu) && scx_bpf_test_and_clear_cpu_idle(cpu)))
		cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	if (cpu >= 0) {
		stat_inc(STAT_kicks);
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
	}
}

void BPF_STRUCT_OPS(homing_dispatch, s32 cpu, struct task_struct *prev)
{
	if (scx_bpf_dsq_move_to_local(SHARED_DSQ))
		stat_inc(STAT_dispatched);
}

void BPF_STRUCT_OPS(homing_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	__u64 now, slept;

	if (!tctx || !(enq_flags & SCX_ENQ_WAKEUP))
		return;
	/* Each nanosecond asleep pays back one of run time. */
	now = scx_bpf_now();
	slept = now > tctx->slept_at ? now - tctx->slept_at : 0;
	tctx->exec_ns = tctx->exec_ns > slept ? tctx->exec_ns - slept : 0;
}

void BPF_STRUCT_OPS(homing_running, struct task_struct *p)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	s32 cpu = scx_bpf_task_cpu(p);

	if (!tctx)
		return;
	tctx->started_at = scx_bpf_now();
	if (tctx->home_cpu == NO_HOME || !may_run_on(p, tctx->home_cpu)) {
		tctx->home_cpu = cpu;
		stat_inc(STAT_homes_set);
	}
	if (vtime_before(vtime_now, tctx->vruntime))
		vtime_now = tctx->vruntime;
}

void BPF_STRUCT_OPS(homing_stopping, struct task_struct *p, bool runnable)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	__u64 now = scx_bpf_now(), ran;

	if (!tctx)
		return;
	ran = now > tctx->started_at ? now - tctx->started_at : 0;
	tctx->exec_ns = SCXTWIN_MIN(tctx->exec_ns + ran, exec_cap_us * 1000);
	tctx->vruntime += scale_by_task_weight_inverse(p, ran);
	if (!runnable)
		tctx->slept_at = now;
}

s32 BPF_STRUCT_OPS(homing_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct task_ctx *tctx =
		bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!tctx)
		return -12; /* -ENOMEM */
	tctx->home_cpu = NO_HOME;
	tctx->vruntime = vtime_now;
	tctx->exec_ns = 0;
	tctx->started_at = 0;
	tctx->slept_at = 0;
	return 0;
}

/* CPU hotplug: the shared queue needs no per-CPU state, so there is nothing to move; having these
 * callbacks keeps the kernel from ejecting the scheduler when CPUs come and go. */
void BPF_STRUCT_OPS(homing_cpu_online, s32 cpu)
{
}

void BPF_STRUCT_OPS(homing_cpu_offline, s32 cpu)
{
}

s32 BPF_STRUCT_OPS_SLEEPABLE(homing_init)
{
	s32 err = scx_bpf_create_dsq(SHARED_DSQ, -1);

	if (err)
		scx_bpf_error("cannot create the shared DSQ: %d", err);
	return err;
}

void BPF_STRUCT_OPS(homing_exit, struct scx_exit_info *ei)
{
	scxtwin_record_exit(ei);
}

SEC(".struct_ops")
struct sched_ext_ops homing_ops = {
	.select_cpu = (void *)homing_select_cpu,
	.enqueue = (void *)homing_enqueue,
	.dispatch = (void *)homing_dispatch,
	.runnable = (void *)homing_runnable,
	.running = (void *)homing_running,
	.stopping = (void *)homing_stopping,
	.init_task = (void *)homing_init_task,
	.cpu_online = (void *)homing_cpu_online,
	.cpu_offline = (void *)homing_cpu_offline,
	.init = (void *)homing_init,
	.exit = (void *)homing_exit,
	.name = "homing",
};
