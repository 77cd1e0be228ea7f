/* scxtwin's scheduler header: the one header a policy includes (with its own NAME.h).
 *
 * Two modes, one set of names:
 * - BPF (default): pulls in vmlinux.h and libbpf's headers and declares the sched_ext kfuncs by
 *   their kernel 7.x names, as `extern ... __ksym`.
 * - Host (-D__SCXTWIN_HOST__, sim/host/include first on the include path): the simulator's
 *   <scxtwin/host.bpf.h> provides the same names, routed to the simulator's runtime.
 * Below the mode switch everything is shared: knob, counter and exit-record helpers in plain C.
 *
 * What <scxtwin/host.bpf.h> must provide (also listed in HOST_CONTRACT.md next to this file):
 * - types: those of vmlinux.h the policies use: u8..u64, s32, s64, __u32, __u64, __s64, bool,
 *   struct task_struct (pid, comm, cpus_ptr, nr_cpus_allowed, scx.weight, scx.dsq_vtime,
 *   scx.slice), struct scx_exit_info (kind, exit_code, reason, msg), struct scx_init_task_args,
 *   struct scx_exit_task_args, struct sched_ext_ops, the SCX_* enum values (SCX_DSQ_LOCAL,
 *   SCX_DSQ_LOCAL_ON, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, SCX_KICK_IDLE, SCX_KICK_PREEMPT,
 *   SCX_ENQ_WAKEUP, SCX_OPS_*), BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_TASK_STORAGE,
 *   BPF_LOCAL_STORAGE_GET_F_CREATE.
 * - macros: SEC, __uint, __type, __ksym, __always_inline, BPF_STRUCT_OPS(name, args...),
 *   BPF_STRUCT_OPS_SLEEPABLE(name, args...), scx_bpf_error(fmt, args...).
 * - helpers: bpf_map_lookup_elem, bpf_task_storage_get, bpf_get_smp_processor_id,
 *   bpf_ktime_get_ns, bpf_probe_read_kernel_str, __sync_fetch_and_add (a compiler builtin).
 * - kfuncs: the ones declared in the #else branch below.
 */
#ifndef SCXTWIN_COMMON_BPF_H
#define SCXTWIN_COMMON_BPF_H

#ifdef __SCXTWIN_HOST__
#include <scxtwin/host.bpf.h> /* provided by sim/host/include */
#else
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* sched_ext kfuncs, kernel 7.x names and signatures (checked against the cached kernel's BTF). */
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
			   bool *is_idle) __ksym;
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym;
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
			      u64 enq_flags) __ksym;
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym;
s32 scx_bpf_dsq_nr_queued(u64 dsq_id) __ksym;
void scx_bpf_kick_cpu(s32 cpu, u64 flags) __ksym;
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) __ksym;
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed, u64 flags) __ksym;
const struct cpumask *scx_bpf_get_idle_cpumask(void) __ksym;
void scx_bpf_put_idle_cpumask(const struct cpumask *cpumask) __ksym;
u32 scx_bpf_nr_cpu_ids(void) __ksym;
u64 scx_bpf_now(void) __ksym;
s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data_len) __ksym;
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __ksym;

/* A struct_ops callback: `BPF_STRUCT_OPS(vtime_enqueue, struct task_struct *p, u64 flags)`. */
#define BPF_STRUCT_OPS(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)

/* A callback that may sleep (ops.init, which creates DSQs). libbpf 1.1 rejects the
 * "struct_ops.s/" section, so the section carries a "sleepable." mark instead and the loader
 * sets BPF_F_SLEEPABLE on such programs between open and load. */
#define SCXTWIN_SLEEPABLE_SECTION_PREFIX "struct_ops/sleepable."
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) \
	SEC("struct_ops/sleepable." #name) BPF_PROG(name, ##args)

/* Ejects the scheduler with a formatted message (the kernel reports it as SCX_EXIT_ERROR_BPF). */
#define scx_bpf_error(fmt, args...)                                                 \
	({                                                                          \
		static char ___fmt[] = fmt;                                         \
		unsigned long long ___param[___bpf_narg(args)];                     \
		_Pragma("GCC diagnostic push")                                      \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")              \
		___bpf_fill(___param, args);                                        \
		_Pragma("GCC diagnostic pop")                                       \
		scx_bpf_error_bstr(___fmt, ___param, sizeof(___param));             \
	})

/* The record build (-D__SCXTWIN_RECORD__, the scx_policy target NAME_record_bpf): every callback,
 * kfunc and helper call also writes a record for the replay (record.bpf.h). */
#ifdef __SCXTWIN_RECORD__
#include <scxtwin/record.bpf.h>
#endif
#endif /* __SCXTWIN_HOST__ */

/* ---- Shared by both modes: plain C over the names above. ---- */

#include <scxtwin/exit_info.h>

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#define SCXTWIN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SCXTWIN_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Describing the tables to the simulator: in host mode <scxtwin/host.bpf.h> defines these hooks
 * to emit one descriptor per knob / counter, which the simulator's loader collects so it checks
 * --set against the same NAME_KNOBS rows as the kernel loader (whose tables are generated from
 * NAME.h, so the BPF object needs nothing). */
#ifndef SCXTWIN_KNOB_DESCRIBE
#define SCXTWIN_KNOB_DESCRIBE(name, dflt, min, max, help)
#endif
#ifndef SCXTWIN_STATS_DESCRIBE
#define SCXTWIN_STATS_DESCRIBE(LIST)
#endif

/* Knobs: `NAME_KNOBS(SCXTWIN_KNOB_DEFINE_ONE)` (or `SCXTWIN_DEFINE_KNOBS(NAME_KNOBS)`) makes each
 * `KNOB(name, default, min, max, help)` a `const volatile __u64 name = default;` in .rodata, set
 * by the loader or simulator before load (both check it against [min, max] first). */
#define SCXTWIN_KNOB_DEFINE_ONE(name, dflt, min, max, help)                                 \
	const volatile __u64 name = (dflt);                                                 \
	SCXTWIN_KNOB_DESCRIBE(name, dflt, min, max, help)
#define SCXTWIN_DEFINE_KNOBS(LIST) LIST(SCXTWIN_KNOB_DEFINE_ONE)

/* Counters: `SCXTWIN_DEFINE_STATS(NAME_STATS)` makes an enum STAT_<name> per counter, in list
 * order, and the per-CPU array map `stats` that readers sum over CPUs. */
#define SCXTWIN_STAT_ENUM_ONE(name, help) STAT_##name,
#define SCXTWIN_DEFINE_STATS(LIST)                                  \
	enum scxtwin_stat_id { LIST(SCXTWIN_STAT_ENUM_ONE) SCXTWIN_NR_STATS }; \
	SCXTWIN_STATS_DESCRIBE(LIST)                                \
	struct {                                                    \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);            \
		__uint(max_entries, SCXTWIN_NR_STATS);                      \
		__type(key, __u32);                                 \
		__type(value, __u64);                               \
	} stats SEC(".maps");                                       \
	static __always_inline void stat_add(enum scxtwin_stat_id id, __u64 n) \
	{                                                           \
		__u32 key = id;                                     \
		__u64 *v = bpf_map_lookup_elem(&stats, &key);       \
		if (v)                                              \
			*v += n; /* per-CPU: no other writer */     \
	}                                                           \
	static __always_inline void stat_inc(enum scxtwin_stat_id id) { stat_add(id, 1); }

/* The exit record every policy fills in ops.exit with scxtwin_record_exit(ei). */
struct scxtwin_exit_info exit_info;

static __always_inline void scxtwin_record_exit(struct scx_exit_info *ei)
{
	exit_info.exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(exit_info.reason, sizeof(exit_info.reason), ei->reason);
	bpf_probe_read_kernel_str(exit_info.msg, sizeof(exit_info.msg), ei->msg);
	/* Publish the kind last: readers poll it and then trust the strings. */
	__sync_fetch_and_add(&exit_info.kind, ei->kind);
}

/* Virtual time comparison that survives wrap-around. */
static __always_inline bool vtime_before(__u64 a, __u64 b)
{
	return (__s64)(a - b) < 0;
}

/* A duration scaled by the inverse of the task's weight (100 is nice 0): a heavier task's
 * virtual time advances more slowly. */
static __always_inline __u64 scale_by_task_weight_inverse(const struct task_struct *p, __u64 v)
{
	__u64 w = p->scx.weight ? p->scx.weight : 1;
	return v * 100 / w;
}

#endif /* SCXTWIN_COMMON_BPF_H */
