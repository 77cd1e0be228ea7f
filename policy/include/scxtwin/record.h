/* The record a policy's record build writes (one BPF ring buffer, drained by `load --record`):
 * what the kernel passed to each struct_ops callback, every kfunc and helper call the callback
 * made with its arguments and result, and what the callback returned. The replay
 * (tools/twin/replay_*) feeds it to the host build of the same policy file and compares.
 *
 * Shared by BPF (the record build, common.bpf.h with -D__SCXTWIN_RECORD__) and C/C++ user space,
 * so it uses only the __u64-style types; the includer provides them (vmlinux.h in BPF,
 * <linux/types.h> in user space).
 *
 * A record file is a struct scxtwin_rec_file_header followed by the ring buffer's records as
 * they were drained, each starting with a struct scxtwin_rec_hdr whose `size` covers the whole
 * record. Records of different CPUs interleave; `seq` (one counter shared by all CPUs, taken
 * with an atomic add) orders them, `cb_seq` ties a call or an exit to its callback's entry.
 */
#ifndef SCXTWIN_RECORD_H
#define SCXTWIN_RECORD_H

#define SCXTWIN_REC_FILE_MAGIC 0x3143455257545853ULL /* "SXTWREC1", little-endian */
#define SCXTWIN_REC_VERSION 2
#define SCXTWIN_REC_NAME_LEN 32  /* a callback's program name (homing_select_cpu) */
#define SCXTWIN_REC_MAP_LEN 24   /* a map's variable name (task_ctxs) */
#define SCXTWIN_REC_VALUE_LEN 64 /* bytes of a map value kept per call; longer values are cut */
#define SCXTWIN_REC_MAX_ARGS 6
#define SCXTWIN_REC_TASKS 2      /* task snapshots per callback (the first two pointer args) */
/* Bytes of the policy's own global variables per snapshot, and how many variables: scx_central
 * has 13 (110 bytes on 4 CPUs, its per-CPU arrays included). A record build whose globals do not
 * fit is refused when its layout is computed from its BTF (kernel/record_writer.h), before
 * anything runs: by `twin replay` right after it compiles a kernel-tree scheduler, by the
 * loader for a project policy. */
#define SCXTWIN_REC_GLOBALS_LEN 256
#define SCXTWIN_REC_GLOBAL_VARS 16

enum scxtwin_rec_kind {
	SCXTWIN_REC_ENTER = 1, /* a callback starts: its arguments and the tasks it was given */
	SCXTWIN_REC_CALL = 2,  /* a kfunc or helper returned */
	SCXTWIN_REC_EXIT = 3,  /* a callback returned */
};

/* What an ENTER's hdr.id says the callback is. */
enum scxtwin_rec_callback_kind {
	SCXTWIN_REC_CB_STRUCT_OPS = 0, /* a struct_ops callback: args as the kernel passed them */
	SCXTWIN_REC_CB_TIMER = 1,      /* a BPF timer's callback (no args recorded; `name` is it) */
};

/* The kfuncs and helpers the record build records: each one the host build reaches through
 * its host API table (sim/host/include/scxtwin/host_api.h), so the replay sees the same calls.
 * Pure ones the host runtime computes itself (bpf_cpumask_test_cpu, bpf_get_smp_processor_id,
 * scx_bpf_nr_cpu_ids) are not recorded: their inputs are (the task's CPU mask, the record's CPU,
 * the header's CPU count); the host runtime also calls them on its own (a cpumask kfunc bounds
 * the CPU by nr_cpu_ids), which the kernel does not.
 * K(name, number): the number is the record's `id`; never reuse one (12 was nr_cpu_ids). */
#define SCXTWIN_REC_KFUNCS(K)                    \
	K(scx_bpf_create_dsq, 1)                 \
	K(scx_bpf_select_cpu_dfl, 2)             \
	K(scx_bpf_dsq_insert, 3)                 \
	K(scx_bpf_dsq_insert_vtime, 4)           \
	K(scx_bpf_dsq_move_to_local, 5)          \
	K(scx_bpf_dsq_nr_queued, 6)              \
	K(scx_bpf_kick_cpu, 7)                   \
	K(scx_bpf_test_and_clear_cpu_idle, 8)    \
	K(scx_bpf_pick_idle_cpu, 9)              \
	K(scx_bpf_get_idle_cpumask, 10)          \
	K(scx_bpf_put_idle_cpumask, 11)          \
	K(scx_bpf_now, 13)                       \
	K(scx_bpf_task_cpu, 14)                  \
	K(scx_bpf_error_bstr, 15)                \
	K(bpf_ktime_get_ns, 16)                  \
	K(bpf_get_prandom_u32, 17)               \
	K(bpf_map_lookup_elem, 18)               \
	K(bpf_map_update_elem, 19)               \
	K(bpf_map_delete_elem, 20)               \
	K(bpf_task_storage_get, 21)              \
	K(bpf_task_storage_delete, 22)           \
	K(scx_bpf_task_set_dsq_vtime, 23)        \
	K(scx_bpf_dispatch_nr_slots, 24)         \
	K(scx_bpf_task_running, 25)              \
	K(bpf_task_from_pid, 26)                 \
	K(bpf_map_push_elem, 27)                 \
	K(bpf_map_pop_elem, 28)                  \
	K(bpf_timer_start, 29)

#define SCXTWIN_REC_KFUNC_ID(name, number) SCXTWIN_KF_##name = number,
enum scxtwin_rec_kfunc { SCXTWIN_REC_KFUNCS(SCXTWIN_REC_KFUNC_ID) };
#undef SCXTWIN_REC_KFUNC_ID

/* Where the policy's own global variables (its .bss and .data, less the record's and the exit
 * record's) are, and where each lands in a snapshot. The loader fills it from the object's BTF
 * before load (it is .rodata); the file header carries it with the names for the replay. */
struct scxtwin_rec_global {
	char name[24];
	__u32 section; /* 0: .bss, 1: .data */
	__u32 offset;  /* in its section */
	__u32 size;
	__u32 at;      /* in a snapshot */
};

struct scxtwin_rec_layout {
	__u32 bss_anchor;  /* offset of scxtwin_rec_seq in .bss */
	__u32 data_anchor; /* offset of scxtwin_rec_data_anchor in .data */
	__u32 nr_globals;
	__u32 pad;
	struct scxtwin_rec_global globals[SCXTWIN_REC_GLOBAL_VARS];
};

struct scxtwin_rec_file_header {
	__u64 magic;   /* SCXTWIN_REC_FILE_MAGIC */
	__u32 version; /* SCXTWIN_REC_VERSION */
	__u32 nr_cpus; /* CPUs of the machine that recorded */
	char policy[32];
	__u64 dropped; /* records the ring buffer had no room for (a complete record has 0) */
	__u64 records; /* records that follow */
	/* The knobs set for the run ("slice_us=3000 go_home=0"), which the replay sets too; knobs
	 * not listed kept their defaults. */
	char knob_sets[256];
	struct scxtwin_rec_layout layout;
};

struct scxtwin_rec_hdr {
	__u32 kind; /* enum scxtwin_rec_kind */
	__u32 size; /* of the whole record, header included */
	__u64 seq;
	__u64 cb_seq; /* the seq of the ENTER of the callback this record belongs to */
	__u32 cpu;
	__u32 id; /* CALL: enum scxtwin_rec_kfunc */
};

/* What a policy can read of a task (the fields of the host build's struct task_struct that
 * carry scheduling state; sim/host/include/vmlinux.h), at callback entry and again at exit. */
struct scxtwin_rec_task {
	__u64 addr; /* the argument it was read from; 0: this slot holds no task */
	__s32 pid;
	__s32 tgid;
	__u32 flags; /* PF_* */
	__u32 scx_flags;
	__u32 weight;
	__s32 nr_cpus_allowed;
	__s32 prio;
	__s32 static_prio;
	__s32 normal_prio;
	__u32 policy;
	__u64 slice;
	__u64 dsq_vtime;
	__u64 cpus_mask; /* CPUs 0-63 of cpus_ptr */
	__u32 migration_disabled;
	__u32 has_mm; /* p->mm != NULL: a user task, not a kernel thread */
	char comm[16];
};

struct scxtwin_rec_enter {
	struct scxtwin_rec_hdr hdr;
	char name[SCXTWIN_REC_NAME_LEN];
	__u32 nr_args;
	__u32 pad;
	__u64 args[SCXTWIN_REC_MAX_ARGS];
	struct scxtwin_rec_task task[SCXTWIN_REC_TASKS];
	__u8 globals[SCXTWIN_REC_GLOBALS_LEN]; /* the policy's globals at entry (layout) */
};

struct scxtwin_rec_exit {
	struct scxtwin_rec_hdr hdr;
	__u64 ret;
	/* The writable task fields after the callback (policies write p->scx.slice/dsq_vtime). */
	__u64 slice[SCXTWIN_REC_TASKS];
	__u64 dsq_vtime[SCXTWIN_REC_TASKS];
	__u8 globals[SCXTWIN_REC_GLOBALS_LEN]; /* the policy's globals at exit */
	/* The global seq just before `globals` was read (taken before hdr.seq): if it is not
	 * hdr.seq - 1, another CPU took a record meanwhile and may have written the globals. */
	__u64 seq_before_globals;
};

/* What bpf_task_from_pid's CALL record keeps of the task it returned, in `value` (the fields of
 * struct scxtwin_rec_task a policy reads of a task it looked up; 64 bytes). */
struct scxtwin_rec_task_brief {
	__u64 addr;
	__s32 pid;
	__s32 tgid;
	__u32 flags;
	__u32 scx_flags;
	__u32 weight;
	__s32 nr_cpus_allowed;
	__u64 slice;
	__u64 dsq_vtime;
	__u64 cpus_mask;
	__u32 migration_disabled;
	__u32 has_mm;
};

/* Arguments are recorded as words the host build can reproduce: a task as its pid, a CPU mask
 * as its first 64 bits, a map key as its first 8 bytes, a pointer out-parameter (is_idle) or a
 * map value by its contents in `value`. */
struct scxtwin_rec_call {
	struct scxtwin_rec_hdr hdr;
	__u64 args[SCXTWIN_REC_MAX_ARGS];
	__u64 ret;
	char map[SCXTWIN_REC_MAP_LEN]; /* maps: the map's variable name */
	__u32 value_len;               /* bytes of `value` that hold data */
	__u32 value_size;              /* the value's full size (value_len is at most 64) */
	__u8 value[SCXTWIN_REC_VALUE_LEN];
};

#endif /* SCXTWIN_RECORD_H */
