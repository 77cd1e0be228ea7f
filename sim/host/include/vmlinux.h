/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode vmlinux.h: the kernel types a sched_ext policy touches, for a policy compiled as
 * ordinary host C (-D__SCXTWIN_HOST__) and run inside the simulator.
 *
 * The kernel's own vmlinux.h is generated from the 7.3 kernel's BTF and describes the kernel's
 * memory layout. Here nothing is shared with a kernel: the simulator owns every object, so each
 * struct holds only the fields policies and the simulator use, in an order chosen here. The
 * *values* are the ABI a policy depends on (enum constants, flags, DSQ ids) and are those of the
 * cached 7.3 kernel (checked against /var/cache/scxtwin/kernel/vmlinux.h; see
 * sim/host/tests/enum_values_test.sh, which compares them again at test time).
 *
 * Also compiled as C++ by the simulator (it creates the task_structs and calls the ops).
 */
#ifndef __SCXTWIN_HOST_VMLINUX_H
#define __SCXTWIN_HOST_VMLINUX_H
/* bpftool's guard: headers shared with user space (a scheduler's intf.h) skip their own typedefs. */
#ifndef __VMLINUX_H__
#define __VMLINUX_H__
#endif

#ifndef __SCXTWIN_HOST__
#define __SCXTWIN_HOST__ 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- integer types ---------------------------------------------------------------------- */
typedef signed char s8;
typedef unsigned char u8;
typedef short s16;
typedef unsigned short u16;
typedef int s32;
typedef unsigned int u32;
typedef long long s64;
typedef unsigned long long u64;
typedef s8 __s8;
typedef u8 __u8;
typedef s16 __s16;
typedef u16 __u16;
typedef s32 __s32;
typedef u32 __u32;
typedef s64 __s64;
typedef u64 __u64;
typedef u16 __be16;
typedef u32 __be32;
typedef u64 __be64;
typedef u16 __le16;
typedef u32 __le32;
typedef u64 __le64;
typedef u32 __wsum;
#ifndef __cplusplus
/* The kernel's <linux/types.h> names, as BTF's vmlinux.h has them (the same types as glibc's
 * <stdint.h> on x86-64, so including both is fine). */
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long uint64_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long int64_t;
#endif
typedef int __kernel_pid_t;
#ifndef __cplusplus
/* C++ (the simulator) takes these from libc, with the same underlying types. */
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned long size_t;
typedef long ssize_t;
typedef unsigned long uintptr_t;
/* stdbool.h (if a policy includes it later) defines bool as a macro for _Bool: compatible. */
#ifndef bool
typedef _Bool bool;
#endif
#ifndef true
enum { false = 0, true = 1 };
#endif
#endif

/* What tracing programs' signatures name (scx_lavd's futex fexit and tracepoint programs, which
 * the simulator compiles but never attaches: it has no such kernel functions or tracepoints). */
typedef s64 ktime_t;
struct __kernel_timespec {
	s64 tv_sec;
	long long tv_nsec;
};
struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
};

/* A CPU's frequency policy, the members schedulers read (scx_lavd, through the kernel's
 * `cpufreq_cpu_data`, which the simulator does not have: its address is 0). */
struct cpufreq_cpuinfo {
	unsigned int max_freq;
	unsigned int min_freq;
	unsigned int transition_latency;
};
struct cpufreq_policy {
	unsigned int cpu;
	struct cpufreq_cpuinfo cpuinfo;
	unsigned int min;
	unsigned int max;
	unsigned int cur;
};

typedef struct { int counter; } atomic_t;
typedef struct { s64 counter; } atomic64_t;
typedef atomic64_t atomic_long_t;
typedef struct { atomic_t refs; } refcount_t;

struct list_head {
	struct list_head *next, *prev;
};

struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
};

/* ---- cpumasks ---------------------------------------------------------------------------- */
/*
 * The simulator's CPU count is at most SCXTWIN_MAX_CPUS. The kernel sizes this by NR_CPUS; a
 * policy never depends on the size (it goes through the cpumask kfuncs), only the simulator does.
 */
#define SCXTWIN_MAX_CPUS 1024
struct cpumask {
	unsigned long bits[SCXTWIN_MAX_CPUS / (8 * sizeof(unsigned long))];
};
typedef struct cpumask cpumask_t;

struct bpf_cpumask {
	cpumask_t cpumask;
	refcount_t usage;
};

/* ---- BPF object types (layouts are the host's own) --------------------------------------- */
struct bpf_spin_lock {
	u32 val;
};
struct bpf_res_spin_lock {
	u32 val;
};

/*
 * A BPF timer embedded in a map value. The kernel keeps an opaque pointer here; the host keeps
 * what it needs to fire the callback: the map and the element (key and value) the timer lives in.
 */
struct bpf_timer {
	void *callback;  /* int (*)(void *map, void *key, void *value) */
	void *map;
	void *value;
	u64 key;         /* the element's key (array index or the first 8 bytes of a hash key) */
	u64 flags;
	u64 __reserved[2];
};

struct bpf_list_head { u64 __opaque[2]; };
struct bpf_list_node { u64 __opaque[3]; };
struct bpf_rb_root { u64 __opaque[2]; };
struct bpf_rb_node { u64 __opaque[4]; };
struct bpf_refcount { u32 __opaque[1]; };

/* ---- opaque kernel objects a policy may hold pointers to --------------------------------- */
struct rq;
struct mm_struct;
struct scx_sched;
struct scx_dispatch_q;
struct scx_cmask;
struct scx_enable_args;
struct scx_sub_attach_args;
struct scx_sub_detach_args;
struct scx_event_stats;
struct scx_cid_topo;

struct kernfs_node {
	const char *name;
	u64 id;
};

enum cgroup_subsys_id {
	cpu_cgrp_id = 1,
	CGROUP_SUBSYS_COUNT = 14,
};

struct cgroup;

/* A cgroup's state for one controller, or the cgroup's own (cgroup->self). The kernel links a
 * css to its children with list heads; host mode keeps the same tree as first-child and
 * next-sibling pointers (children in the order they were created, as the kernel's list), which
 * the css iterator (bpf_iter_css_*, runtime/host_css_iter.c) walks. */
struct cgroup_subsys_state {
	struct cgroup *cgroup;
	struct cgroup_subsys_state *parent;  /* NULL for the root's */
	struct cgroup_subsys_state *scxtwin_first_child;
	struct cgroup_subsys_state *scxtwin_next_sibling;
};

/* The deepest cgroup level the simulator builds (sim/workload/spec.h, kMaxCgroupLevel). */
#define SCXTWIN_CGROUP_MAX_LEVEL 15

struct cgroup {
	/* The cgroup's own css, first as in the kernel: self.cgroup is the cgroup, self.parent the
	 * parent's self. */
	struct cgroup_subsys_state self;
	/* The nearest domain cgroup: the cgroup itself (the simulator builds no threaded ones). */
	struct cgroup *dom_cgrp;
	struct kernfs_node *kn;
	int level;          /* the root's is 0 */
	u64 kn_id;          /* kn->id */
	/* Controller states; the simulator fills the cpu controller's (a struct task_group, whose
	 * scx.weight is the cgroup's cpu.weight). */
	struct cgroup_subsys_state *subsys[CGROUP_SUBSYS_COUNT];
	/* ancestors[i] is the ancestor at level i, ancestors[level] the cgroup itself (the
	 * kernel's array is a flexible one; here it has room for every level the simulator builds). */
	struct cgroup *ancestors[SCXTWIN_CGROUP_MAX_LEVEL + 1];
};

/* What task_struct.cgroups points at: the task's cgroup on the default hierarchy and its
 * controllers' states (subsys[cpu_cgrp_id] is that cgroup's task_group css). */
struct css_set {
	struct cgroup_subsys_state *subsys[CGROUP_SUBSYS_COUNT];
	struct cgroup *dfl_cgrp;
};

/* ---- sched_ext entity and task ----------------------------------------------------------- */
struct scx_dsq_list_node {
	struct list_head node;
	u32 flags;
	u32 priv;
};

struct sched_ext_entity {
	struct scx_dispatch_q *dsq;
	u64 ddsp_dsq_id;
	u64 ddsp_enq_flags;
	u64 ddsp_slice;
	u64 ddsp_vtime;
	struct scx_dsq_list_node dsq_list;
	struct rb_node dsq_priq;
	u32 dsq_seq;
	u32 dsq_flags;
	u32 flags;          /* SCX_TASK_* (enum scx_ent_flags) */
	u32 weight;         /* 1..10000, 100 for nice 0 */
	s32 sticky_cpu;
	s32 holding_cpu;
	s32 selected_cpu;
	u32 kf_mask;
	unsigned long runnable_at;
	u64 tid;
	u64 slice;          /* remaining slice, ns; charged by the simulator at each tick */
	u64 dsq_vtime;      /* the vtime a vtime DSQ orders this task by */
	bool disallow;
};

#define TASK_COMM_LEN 16

/* A hardware counter's reading (bpf_perf_event_read_value). */
struct bpf_perf_event_value {
	u64 counter;
	u64 enabled;
	u64 running;
};

/* The fair class's entity: what a policy reads of it (CPU time consumed, in ns). */
struct sched_entity {
	u64 sum_exec_runtime;
	u64 vruntime;
};

struct task_struct {
	unsigned int __state;
	unsigned int flags;        /* PF_* */
	int on_cpu;
	int on_rq;
	int prio;
	int static_prio;
	int normal_prio;
	unsigned int rt_priority;
	unsigned int policy;
	int nr_cpus_allowed;
	const cpumask_t *cpus_ptr;  /* points at cpus_mask */
	cpumask_t cpus_mask;
	unsigned short migration_disabled;
	s32 pid;
	s32 tgid;
	char comm[TASK_COMM_LEN];
	struct mm_struct *mm;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	struct sched_ext_entity scx;
	struct sched_entity se;
	/* CPU time in user and system mode, ns (all of a simulated task's time counts as user). */
	u64 utime;
	u64 stime;
	/* The task's cgroups: the css_set of the cgroup it is in (each cgroup has one). */
	struct css_set *cgroups;
	/* The simulator's own record of this task; policies never touch it. */
	void *scxtwin_task;
};

/* ---- sched_ext callback arguments -------------------------------------------------------- */
enum scx_exit_kind {
	SCX_EXIT_NONE = 0,
	SCX_EXIT_DONE = 1,
	SCX_EXIT_UNREG = 64,
	SCX_EXIT_UNREG_BPF = 65,
	SCX_EXIT_UNREG_KERN = 66,
	SCX_EXIT_SYSRQ = 67,
	SCX_EXIT_PARENT = 68,
	SCX_EXIT_PARENT_KILL = 69,
	SCX_EXIT_ERROR = 1024,
	SCX_EXIT_ERROR_BPF = 1025,
	SCX_EXIT_ERROR_STALL = 1026,
	SCX_EXIT_ERROR_REENQ = 1027,
	SCX_EXIT_ERROR_RESCUE = 1028,
};

struct scx_exit_info {
	enum scx_exit_kind kind;
	s32 exit_cpu;
	s64 exit_code;
	u64 flags;
	const char *reason;
	unsigned long *bt;
	u32 bt_len;
	char *msg;
	char *dump;
};

struct scx_init_task_args {
	bool fork;
	struct cgroup *cgroup;
};

struct scx_exit_task_args {
	bool cancelled;
};

enum scx_cpu_preempt_reason {
	SCX_CPU_PREEMPT_RT = 0,
	SCX_CPU_PREEMPT_DL = 1,
	SCX_CPU_PREEMPT_STOP = 2,
	SCX_CPU_PREEMPT_UNKNOWN = 3,
};

struct scx_cpu_acquire_args {
	int __unused_field;
};

struct scx_cpu_release_args {
	enum scx_cpu_preempt_reason reason;
	struct task_struct *task;
};

struct scx_cgroup_init_args {
	u32 weight;
	u64 bw_period_us;
	u64 bw_quota_us;
	u64 bw_burst_us;
	bool sched_idle;
};

struct scx_dump_ctx {
	enum scx_exit_kind kind;
	s64 exit_code;
	const char *reason;
	u64 at_ns;
	u64 at_jiffies;
};

struct scx_bpf_select_cpu_and_args {
	s32 prev_cpu;
	u64 wake_flags;
	u64 flags;
};

struct scx_bpf_dsq_insert_vtime_args {
	u64 dsq_id;
	u64 slice;
	u64 vtime;
	u64 enq_flags;
};

/* A DSQ iterator; the simulator keeps its cursor in these words. */
struct bpf_iter_scx_dsq {
	u64 __opaque[6];
};

/* The css iterator's walk orders (uapi bpf.h); bpf_iter_css_new takes DESCENDANTS_PRE,
 * DESCENDANTS_POST and ANCESTORS_UP. */
enum bpf_cgroup_iter_order {
	BPF_CGROUP_ITER_ORDER_UNSPEC = 0,
	BPF_CGROUP_ITER_SELF_ONLY,
	BPF_CGROUP_ITER_DESCENDANTS_PRE,
	BPF_CGROUP_ITER_DESCENDANTS_POST,
	BPF_CGROUP_ITER_ANCESTORS_UP,
};
struct bpf_iter_css {
	u64 __opaque[3];
};

/* ---- the ops table (7.3 callback signatures, in the kernel's order) ---------------------- */
struct sched_ext_ops {
	s32 (*select_cpu)(struct task_struct *p, s32 prev_cpu, u64 wake_flags);
	void (*enqueue)(struct task_struct *p, u64 enq_flags);
	void (*dequeue)(struct task_struct *p, u64 deq_flags);
	void (*dispatch)(s32 cpu, struct task_struct *prev);
	void (*tick)(struct task_struct *p);
	void (*runnable)(struct task_struct *p, u64 enq_flags);
	void (*running)(struct task_struct *p);
	void (*stopping)(struct task_struct *p, bool runnable);
	void (*quiescent)(struct task_struct *p, u64 deq_flags);
	bool (*yield)(struct task_struct *from, struct task_struct *to);
	bool (*core_sched_before)(struct task_struct *a, struct task_struct *b);
	void (*set_weight)(struct task_struct *p, u32 weight);
	void (*set_cpumask)(struct task_struct *p, const struct cpumask *cpumask);
	void (*update_idle)(s32 cpu, bool idle);
	s32 (*init_task)(struct task_struct *p, struct scx_init_task_args *args);
	void (*exit_task)(struct task_struct *p, struct scx_exit_task_args *args);
	void (*enable)(struct task_struct *p);
	void (*disable)(struct task_struct *p);
	void (*dump)(struct scx_dump_ctx *ctx);
	void (*dump_cpu)(struct scx_dump_ctx *ctx, s32 cpu, bool idle);
	void (*dump_task)(struct scx_dump_ctx *ctx, struct task_struct *p);
	s32 (*cgroup_init)(struct cgroup *cgrp, struct scx_cgroup_init_args *args);
	void (*cgroup_exit)(struct cgroup *cgrp);
	s32 (*cgroup_prep_move)(struct task_struct *p, struct cgroup *from, struct cgroup *to);
	void (*cgroup_move)(struct task_struct *p, struct cgroup *from, struct cgroup *to);
	void (*cgroup_cancel_move)(struct task_struct *p, struct cgroup *from, struct cgroup *to);
	void (*cgroup_set_weight)(struct cgroup *cgrp, u32 weight);
	void (*cgroup_set_bandwidth)(struct cgroup *cgrp, u64 period_us, u64 quota_us, u64 burst_us);
	void (*cgroup_set_idle)(struct cgroup *cgrp, bool idle);
	s32 (*sub_attach)(struct scx_sub_attach_args *args);
	void (*sub_detach)(struct scx_sub_detach_args *args);
	void (*sub_caps_updated)(const struct scx_cmask *cmask, u64 caps);
	void (*sub_ecaps_updated)(s32 cid, u64 old_caps, u64 new_caps);
	void (*cpu_online)(s32 cpu);
	void (*cpu_offline)(s32 cpu);
	s32 (*init_cids)(void);
	s32 (*init)(void);
	void (*exit)(struct scx_exit_info *info);
	u32 dispatch_max_batch;
	u64 flags;
	u32 timeout_ms;
	u32 exit_dump_len;
	u64 hotplug_seq;
	u32 cid_shard_size;
	u32 rescue_bandwidth_ppt;
	u32 rescue_quantum_us;
	u64 sub_cgroup_id;
	char name[128];
	void *priv;
	void (*cpu_acquire)(s32 cpu, struct scx_cpu_acquire_args *args);
	void (*cpu_release)(s32 cpu, struct scx_cpu_release_args *args);
};

/* ---- sched_ext constants (values of the 7.3 kernel) -------------------------------------- */
enum scx_public_consts {
	SCX_OPS_NAME_LEN = 128ULL,
	SCX_SLICE_DFL = 20000000ULL,
	SCX_SLICE_BYPASS = 5000000ULL,
	SCX_SLICE_INF = 18446744073709551615ULL,
};

enum scx_dsq_id_flags {
	SCX_DSQ_FLAG_BUILTIN = 9223372036854775808ULL,
	SCX_DSQ_FLAG_LOCAL_ON = 4611686018427387904ULL,
	SCX_DSQ_INVALID = 9223372036854775808ULL,
	SCX_DSQ_GLOBAL = 9223372036854775809ULL,
	SCX_DSQ_LOCAL = 9223372036854775810ULL,
	SCX_DSQ_BYPASS = 9223372036854775811ULL,
	SCX_DSQ_REJECT = 9223372036854775812ULL,
	SCX_DSQ_RESCUE = 9223372036854775813ULL,
	SCX_DSQ_LOCAL_ON = 13835058055282163712ULL,
	SCX_DSQ_LOCAL_CPU_MASK = 4294967295ULL,
};

enum scx_ent_flags {
	SCX_TASK_QUEUED = 1,
	SCX_TASK_IN_CUSTODY = 2,
	SCX_TASK_RESET_RUNNABLE_AT = 4,
	SCX_TASK_DEQD_FOR_SLEEP = 8,
	SCX_TASK_SUB_INIT = 16,
	SCX_TASK_IMMED = 32,
	SCX_TASK_PROTECTED = 64,
	SCX_TASK_STATE_SHIFT = 8,
	SCX_TASK_STATE_BITS = 3,
	SCX_TASK_STATE_MASK = 1792,
	SCX_TASK_NONE = 0,
	SCX_TASK_INIT_BEGIN = 256,
	SCX_TASK_INIT = 512,
	SCX_TASK_READY = 768,
	SCX_TASK_ENABLED = 1024,
	SCX_TASK_DEAD = 1280,
};

enum scx_ent_dsq_flags {
	SCX_TASK_DSQ_ON_PRIQ = 1,
};

enum scx_enq_flags {
	SCX_ENQ_WAKEUP = 1ULL,
	SCX_ENQ_HEAD = 65536ULL,
	SCX_ENQ_CPU_SELECTED = 1048576ULL,
	SCX_ENQ_PREEMPT = 4294967296ULL,
	SCX_ENQ_IMMED = 8589934592ULL,
	SCX_ENQ_RESCUE = 17179869184ULL,
	SCX_ENQ_REENQ = 1099511627776ULL,
	SCX_ENQ_LAST = 2199023255552ULL,
	__SCX_ENQ_INTERNAL_MASK = 18374686479671623680ULL,
	SCX_ENQ_CLEAR_OPSS = 72057594037927936ULL,
	SCX_ENQ_DSQ_PRIQ = 144115188075855872ULL,
	SCX_ENQ_NESTED = 288230376151711744ULL,
	SCX_ENQ_GDSQ_FALLBACK = 576460752303423488ULL,
};

enum scx_deq_flags {
	SCX_DEQ_SLEEP = 1ULL,
	SCX_DEQ_CORE_SCHED_EXEC = 4294967296ULL,
	SCX_DEQ_SCHED_CHANGE = 8589934592ULL,
};

enum scx_kick_flags {
	SCX_KICK_IDLE = 1,
	SCX_KICK_PREEMPT = 2,
	SCX_KICK_WAIT = 4,
};

enum scx_ops_flags {
	SCX_OPS_KEEP_BUILTIN_IDLE = 1ULL,
	SCX_OPS_ENQ_LAST = 2ULL,
	SCX_OPS_ENQ_EXITING = 4ULL,
	SCX_OPS_SWITCH_PARTIAL = 8ULL,
	SCX_OPS_ENQ_MIGRATION_DISABLED = 16ULL,
	SCX_OPS_ALLOW_QUEUED_WAKEUP = 32ULL,
	SCX_OPS_BUILTIN_IDLE_PER_NODE = 64ULL,
	SCX_OPS_ALWAYS_ENQ_IMMED = 128ULL,
	SCX_OPS_TID_TO_TASK = 256ULL,
	SCX_OPS_ALL_FLAGS = 511ULL,
	__SCX_OPS_INTERNAL_MASK = 18374686479671623680ULL,
	SCX_OPS_HAS_CPU_PREEMPT = 72057594037927936ULL,
};

/* ---- the 7.3 cid API: cmasks, cid-form ops, sub-scheduler caps ------------------------- */
/*
 * A cid is a scheduler's dense CPU id. The simulator numbers cids as CPUs (the kernel's default
 * layout on a topology whose CPU ids are already in topology order), and every scheduler it
 * hosts is the root one: it holds every cap on every cid and has no sub-schedulers.
 */
struct scx_cmask {
	u32 base;
	u32 nr_cids;
	u32 alloc_words;
	u64 bits[];
};

enum scx_caps {
	SCX_CAP_ENQ_IMMED = 1,
	SCX_CAP_ENQ = 2,
	SCX_CAP_PREEMPT = 4,
	SCX_CAP_PERF = 8,
	SCX_CAP_BASE = 1,
	__SCX_CAP_ALL = 15,
};

enum scx_task_reenq_reason {
	SCX_TASK_REENQ_REASON_SHIFT = 12,
	SCX_TASK_REENQ_REASON_BITS = 3,
	SCX_TASK_REENQ_REASON_MASK = 28672,
	SCX_TASK_REENQ_NONE = 0,
	SCX_TASK_REENQ_KFUNC = 4096,
	SCX_TASK_REENQ_IMMED = 8192,
	SCX_TASK_REENQ_PREEMPTED = 12288,
	SCX_TASK_REENQ_CAP = 16384,
};

/* The cid-form ops table (7.3 signatures and order). */
struct sched_ext_ops_cid {
	s32 (*select_cid)(struct task_struct *p, s32 prev_cid, u64 wake_flags);
	void (*enqueue)(struct task_struct *p, u64 enq_flags);
	void (*dequeue)(struct task_struct *p, u64 deq_flags);
	void (*dispatch)(s32 cid, struct task_struct *prev);
	void (*tick)(struct task_struct *p);
	void (*runnable)(struct task_struct *p, u64 enq_flags);
	void (*running)(struct task_struct *p);
	void (*stopping)(struct task_struct *p, bool runnable);
	void (*quiescent)(struct task_struct *p, u64 deq_flags);
	bool (*yield)(struct task_struct *from, struct task_struct *to);
	bool (*core_sched_before)(struct task_struct *a, struct task_struct *b);
	void (*set_weight)(struct task_struct *p, u32 weight);
	void (*set_cmask)(struct task_struct *p, const struct scx_cmask *cmask);
	void (*update_idle)(s32 cid, bool idle);
	s32 (*init_task)(struct task_struct *p, struct scx_init_task_args *args);
	void (*exit_task)(struct task_struct *p, struct scx_exit_task_args *args);
	void (*enable)(struct task_struct *p, struct scx_enable_args *args);
	void (*disable)(struct task_struct *p);
	void (*dump)(struct scx_dump_ctx *ctx);
	void (*dump_cid)(struct scx_dump_ctx *ctx, s32 cid, bool idle);
	void (*dump_task)(struct scx_dump_ctx *ctx, struct task_struct *p);
	s32 (*cpuctl_init)(struct cgroup *cgrp, struct scx_cgroup_init_args *args);
	void (*cpuctl_exit)(struct cgroup *cgrp);
	s32 (*cpuctl_prep_move)(struct task_struct *p, struct cgroup *from, struct cgroup *to);
	void (*cpuctl_move)(struct task_struct *p, struct cgroup *from, struct cgroup *to);
	void (*cpuctl_cancel_move)(struct task_struct *p, struct cgroup *from, struct cgroup *to);
	void (*cpuctl_set_weight)(struct cgroup *cgrp, u32 weight);
	void (*cpuctl_set_bandwidth)(struct cgroup *cgrp, u64 period_us, u64 quota_us,
				     u64 burst_us);
	void (*cpuctl_set_idle)(struct cgroup *cgrp, bool idle);
	s32 (*sub_attach)(struct scx_sub_attach_args *args);
	void (*sub_detach)(struct scx_sub_detach_args *args);
	void (*sub_caps_updated)(const struct scx_cmask *cmask, u64 caps);
	void (*sub_ecaps_updated)(s32 cid, u64 before, u64 after);
	void (*cid_online)(s32 cid);
	void (*cid_offline)(s32 cid);
	s32 (*init_cids)(void);
	s32 (*init)(void);
	void (*exit)(struct scx_exit_info *info);
	u32 dispatch_max_batch;
	u64 flags;
	u32 timeout_ms;
	u32 exit_dump_len;
	u64 hotplug_seq;
	u32 cid_shard_size;
	u32 rescue_bandwidth_ppt;
	u32 rescue_quantum_us;
	u64 sub_cgroup_id;
	char name[128];
	void *priv;
};

/* A cid-form ops.enable's argument: the task's cmask (cids of p->cpus_ptr), in the arena. */
struct scx_enable_args {
	u64 cmask_arena_addr;
};

struct scx_sub_attach_args {
	struct sched_ext_ops *ops;
	char *cgroup_path;
};

struct scx_sub_detach_args {
	struct sched_ext_ops *ops;
	char *cgroup_path;
};

/* What scx_bpf_events() fills (its counters, in the kernel's order). */
struct scx_event_stats {
	s64 SCX_EV_SELECT_CPU_FALLBACK;
	s64 SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE;
	s64 SCX_EV_DISPATCH_KEEP_LAST;
	s64 SCX_EV_ENQ_SKIP_EXITING;
	s64 SCX_EV_ENQ_SKIP_MIGRATION_DISABLED;
	s64 SCX_EV_REENQ_IMMED;
	s64 SCX_EV_REENQ_REPEAT;
	s64 SCX_EV_REFILL_SLICE_DFL;
	s64 SCX_EV_SLICE_CLAMPED;
	s64 SCX_EV_SLICE_DENIED;
	s64 SCX_EV_BYPASS_DURATION;
	s64 SCX_EV_BYPASS_DISPATCH;
	s64 SCX_EV_BYPASS_ACTIVATE;
	s64 SCX_EV_INSERT_NOT_OWNED;
	s64 SCX_EV_SUB_BYPASS_DISPATCH;
	s64 SCX_EV_SUB_FORCED_ADMIT;
	s64 SCX_EV_SUB_PREEMPT_DENIED;
	s64 SCX_EV_SUB_KICK_DENIED;
	s64 SCX_EV_SUB_REENQ_DENIED;
	s64 SCX_EV_SUB_CIDPERF_DENIED;
	s64 SCX_EV_SUB_RESCUE;
};

struct scx_task_group {
	struct scx_sched *sched;
	u32 flags;
	u32 weight;
	u64 bw_period_us;
	u64 bw_quota_us;
	u64 bw_burst_us;
	bool idle;
};
struct task_group {
	struct cgroup_subsys_state css;
	struct scx_task_group scx;
};

enum scx_exit_code {
	SCX_ECODE_RSN_HOTPLUG = 4294967296ULL,
	SCX_ECODE_RSN_CGROUP_OFFLINE = 8589934592ULL,
	SCX_ECODE_ACT_RESTART = 281474976710656ULL,
};

enum scx_wake_flags {
	SCX_WAKE_FORK = 4,
	SCX_WAKE_TTWU = 8,
	SCX_WAKE_SYNC = 16,
};

enum scx_pick_idle_cpu_flags {
	SCX_PICK_IDLE_CORE = 1,
	SCX_PICK_IDLE_IN_NODE = 2,
};

enum scx_dsq_iter_flags {
	SCX_DSQ_ITER_REV = 65536,
	__SCX_DSQ_ITER_HAS_SLICE = 1073741824,
	__SCX_DSQ_ITER_HAS_VTIME = 2147483648,
	__SCX_DSQ_ITER_USER_FLAGS = 65536,
	__SCX_DSQ_ITER_ALL_FLAGS = 3221291008,
};

enum scx_reenq_flags {
	SCX_REENQ_ANY = 1ULL,
	SCX_REENQ_CAP_REVOKE = 2ULL,
};

enum scx_consts {
	SCX_DSP_DFL_MAX_BATCH = 32,
	SCX_DSP_MAX_LOOPS = 32,
	SCX_WATCHDOG_MAX_TIMEOUT = 7500,
	SCX_EXIT_BT_LEN = 64,
	SCX_EXIT_MSG_LEN = 1024,
	SCX_EXIT_DUMP_DFL_LEN = 32768,
	SCX_CPUPERF_ONE = 1024,
	SCX_TASK_ITER_BATCH = 32,
};

enum scx_rq_flags {
	SCX_RQ_ONLINE = 1,
	SCX_RQ_CAN_STOP_TICK = 2,
	SCX_RQ_CLK_VALID = 32,
	SCX_RQ_BAL_CB_PENDING = 64,
	SCX_RQ_IN_WAKEUP = 65536,
	SCX_RQ_IN_DISPATCH = 131072,
};

/* ---- BPF uapi constants ------------------------------------------------------------------ */
enum bpf_map_type {
	BPF_MAP_TYPE_UNSPEC = 0,
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PROG_ARRAY = 3,
	BPF_MAP_TYPE_PERF_EVENT_ARRAY = 4,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_STACK_TRACE = 7,
	BPF_MAP_TYPE_CGROUP_ARRAY = 8,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_LRU_PERCPU_HASH = 10,
	BPF_MAP_TYPE_LPM_TRIE = 11,
	BPF_MAP_TYPE_ARRAY_OF_MAPS = 12,
	BPF_MAP_TYPE_HASH_OF_MAPS = 13,
	BPF_MAP_TYPE_DEVMAP = 14,
	BPF_MAP_TYPE_SOCKMAP = 15,
	BPF_MAP_TYPE_CPUMAP = 16,
	BPF_MAP_TYPE_XSKMAP = 17,
	BPF_MAP_TYPE_SOCKHASH = 18,
	BPF_MAP_TYPE_CGROUP_STORAGE = 19,
	BPF_MAP_TYPE_REUSEPORT_SOCKARRAY = 20,
	BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE = 21,
	BPF_MAP_TYPE_QUEUE = 22,
	BPF_MAP_TYPE_STACK = 23,
	BPF_MAP_TYPE_SK_STORAGE = 24,
	BPF_MAP_TYPE_DEVMAP_HASH = 25,
	BPF_MAP_TYPE_STRUCT_OPS = 26,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_INODE_STORAGE = 28,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
	BPF_MAP_TYPE_BLOOM_FILTER = 30,
	BPF_MAP_TYPE_USER_RINGBUF = 31,
	BPF_MAP_TYPE_CGRP_STORAGE = 32,
	BPF_MAP_TYPE_ARENA = 33,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
	BPF_F_LOCK = 4,
};

enum {
	BPF_F_NO_PREALLOC = 1,
	BPF_F_MMAPABLE = 1024,
};

enum {
	BPF_F_TIMER_ABS = 1,
	BPF_F_TIMER_CPU_PIN = 2,
};

enum {
	BPF_LOCAL_STORAGE_GET_F_CREATE = 1,
};

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* __SCXTWIN_HOST_VMLINUX_H */
