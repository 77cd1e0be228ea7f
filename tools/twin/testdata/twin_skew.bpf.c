/* twin_skew: the twin replay's test policy. A small weighted-vtime scheduler (one shared DSQ,
 * idle CPUs taken at wakeup, per-task state in task storage, one global) whose host build can be
 * made to differ from its BPF build on purpose, so the tests can show the replay finds it:
 *
 * - -DTWIN_SKEW_BRANCH (target twin_skew_branch_host): a branch under __SCXTWIN_HOST__ queues
 *   every task one nanosecond of vtime later;
 * - -DTWIN_SKEW_KNOB_DEFAULT (target twin_skew_knob_host): slice_us defaults one higher
 *   (twin_skew.h);
 * - -DTWIN_SKEW_LAYOUT (target twin_skew_layout_host): its global is narrower on the host, which
 *   the layout check (tools/twin/replay_layout.h) finds without a record.
 *
 * Built plain, both builds are the same program and the replay must find no divergence.
 */
#include <scxtwin/common.bpf.h>
#include "twin_skew.h"

char _license[] SEC("license") = "GPL";

TWIN_SKEW_KNOBS(SCXTWIN_KNOB_DEFINE_ONE)
SCXTWIN_DEFINE_STATS(TWIN_SKEW_STATS)

#define SHARED_DSQ 0

struct task_ctx {
	__u64 runs;
	__u64 started_at;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

#if defined(__SCXTWIN_HOST__) && defined(TWIN_SKEW_LAYOUT)
static __u32 vtime_now; /* the deliberate difference */
#else
static __u64 vtime_now;
#endif

s32 BPF_STRUCT_OPS(twin_skew_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);

	if (is_idle) {
		stat_inc(STAT_direct);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_us * 1000, 0);
	}
	return cpu;
}

void BPF_STRUCT_OPS(twin_skew_enqueue, struct task_struct *p, u64 enq_flags)
{
	__u64 vtime = p->scx.dsq_vtime;

	if (vtime_before(vtime, vtime_now - slice_us * 1000))
		vtime = vtime_now - slice_us * 1000;
#if defined(__SCXTWIN_HOST__) && defined(TWIN_SKEW_BRANCH)
	vtime += 1; /* the deliberate difference */
#endif
	stat_inc(STAT_queued);
	scx_bpf_dsq_insert_vtime(p, SHARED_DSQ, slice_us * 1000, vtime, enq_flags);
}

void BPF_STRUCT_OPS(twin_skew_dispatch, s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

void BPF_STRUCT_OPS(twin_skew_running, struct task_struct *p)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);

	if (tctx) {
		tctx->runs++;
		tctx->started_at = scx_bpf_now();
	}
	if (vtime_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(twin_skew_stopping, struct task_struct *p, bool runnable)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	__u64 ran;

	if (!tctx)
		return;
	ran = scx_bpf_now() - tctx->started_at;
	p->scx.dsq_vtime += scale_by_task_weight_inverse(p, ran);
}

s32 BPF_STRUCT_OPS(twin_skew_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	if (!bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE))
		return -12; /* -ENOMEM */
	p->scx.dsq_vtime = vtime_now;
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(twin_skew_init)
{
	return scx_bpf_create_dsq(SHARED_DSQ, -1);
}

void BPF_STRUCT_OPS(twin_skew_exit, struct scx_exit_info *ei)
{
	scxtwin_record_exit(ei);
}

SEC(".struct_ops")
struct sched_ext_ops twin_skew_ops = {
	.select_cpu = (void *)twin_skew_select_cpu,
	.enqueue = (void *)twin_skew_enqueue,
	.dispatch = (void *)twin_skew_dispatch,
	.running = (void *)twin_skew_running,
	.stopping = (void *)twin_skew_stopping,
	.init_task = (void *)twin_skew_init_task,
	.init = (void *)twin_skew_init,
	.exit = (void *)twin_skew_exit,
	.name = "twin_skew",
};
