/* The record build of a policy (-D__SCXTWIN_RECORD__; included by common.bpf.h in BPF mode, after
 * the kfunc declarations and before anything that calls them).
 *
 * It changes no decision of the policy: each struct_ops callback is wrapped so that it writes an
 * ENTER record (its arguments, the state of the tasks it was given) before the policy's body runs
 * and an EXIT record (the return value, the task fields a policy may write) after; each kfunc or
 * helper in SCXTWIN_REC_KFUNCS (record.h) is renamed by a macro to a wrapper that calls the real
 * one and then writes a CALL record with its arguments and result. Records go to one BPF ring
 * buffer, `scxtwin_rec_rb`, which the loader drains to a file (`load --record=FILE`).
 *
 * The ordinary build never includes this file, so recording costs nothing when off.
 */
#ifndef SCXTWIN_RECORD_BPF_H
#define SCXTWIN_RECORD_BPF_H

#include <scxtwin/record.h>

/* Sized so a few seconds of callbacks fit between two drains of the loader (it polls). */
#ifndef SCXTWIN_REC_RING_BYTES
#define SCXTWIN_REC_RING_BYTES (64 << 20)
#endif

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SCXTWIN_REC_RING_BYTES);
} scxtwin_rec_rb SEC(".maps");

/* The seq of the callback running on this CPU (its ENTER), which CALL records carry. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} scxtwin_rec_cur SEC(".maps");

/* The global sequence: every record takes the next number with one atomic add. */
__u64 scxtwin_rec_seq;
/* Records lost because the ring buffer was full: the loader reports them, the replay refuses. */
__u64 scxtwin_rec_dropped;
/* A known place in .data (initialised, so it lands there), from which .data's start is found. */
__u64 scxtwin_rec_data_anchor = 1;
/* Where the policy's globals are: filled by the loader from BTF before load. */
const volatile struct scxtwin_rec_layout scxtwin_rec_layout;

/* The lowest kernel address with 5-level paging (4-level starts higher): pointer arguments are
 * above it, scalar ones (CPUs, flags) below, but for -1 whose probe reads fail harmlessly. */
#define SCXTWIN_REC_KERNEL_ADDR 0xff00000000000000ULL

static __always_inline __u64 *scxtwin_rec_cur_slot(void)
{
	__u32 zero = 0;

	return (bpf_map_lookup_elem)(&scxtwin_rec_cur, &zero);
}

static __always_inline void *scxtwin_rec_reserve(__u32 size)
{
	void *r = bpf_ringbuf_reserve(&scxtwin_rec_rb, size, 0);

	if (!r)
		__sync_fetch_and_add(&scxtwin_rec_dropped, 1);
	return r;
}

static __always_inline void scxtwin_rec_hdr_fill(struct scxtwin_rec_hdr *h, __u32 kind, __u32 size,
						 __u64 seq, __u64 cb_seq, __u32 id)
{
	h->kind = kind;
	h->size = size;
	h->seq = seq;
	h->cb_seq = cb_seq;
	h->cpu = bpf_get_smp_processor_id();
	h->id = id;
}

/* Reads what a policy can read of the task at `addr` (probe reads: the wrapper does not know
 * which arguments are tasks; the replay does, from the callback's signature, and ignores the
 * slots of other pointers). */
static __always_inline void scxtwin_rec_task_read(struct scxtwin_rec_task *t, __u64 addr)
{
	struct task_struct *p = (void *)addr;
	const struct cpumask *mask = 0;
	void *mm = 0;

	t->addr = addr;
	bpf_probe_read_kernel(&t->pid, sizeof(t->pid), &p->pid);
	bpf_probe_read_kernel(&t->tgid, sizeof(t->tgid), &p->tgid);
	bpf_probe_read_kernel(&t->flags, sizeof(t->flags), &p->flags);
	bpf_probe_read_kernel(&t->scx_flags, sizeof(t->scx_flags), &p->scx.flags);
	bpf_probe_read_kernel(&t->weight, sizeof(t->weight), &p->scx.weight);
	bpf_probe_read_kernel(&t->nr_cpus_allowed, sizeof(t->nr_cpus_allowed), &p->nr_cpus_allowed);
	bpf_probe_read_kernel(&t->prio, sizeof(t->prio), &p->prio);
	bpf_probe_read_kernel(&t->static_prio, sizeof(t->static_prio), &p->static_prio);
	bpf_probe_read_kernel(&t->normal_prio, sizeof(t->normal_prio), &p->normal_prio);
	bpf_probe_read_kernel(&t->policy, sizeof(t->policy), &p->policy);
	bpf_probe_read_kernel(&t->slice, sizeof(t->slice), &p->scx.slice);
	bpf_probe_read_kernel(&t->dsq_vtime, sizeof(t->dsq_vtime), &p->scx.dsq_vtime);
	bpf_probe_read_kernel(&mask, sizeof(mask), &p->cpus_ptr);
	if (mask)
		bpf_probe_read_kernel(&t->cpus_mask, sizeof(t->cpus_mask), mask);
	bpf_probe_read_kernel(&t->migration_disabled, sizeof(__u16), &p->migration_disabled);
	bpf_probe_read_kernel(&mm, sizeof(mm), &p->mm);
	t->has_mm = mm != 0;
	bpf_probe_read_kernel(t->comm, sizeof(t->comm), p->comm);
}

/* The policy's own globals, as the layout places them, into `dst` (probe reads: the sections'
 * starts are the anchors' addresses less their offsets). */
static __always_inline void scxtwin_rec_globals(__u8 *dst)
{
	__u64 bss = (__u64)&scxtwin_rec_seq - scxtwin_rec_layout.bss_anchor;
	__u64 data = (__u64)&scxtwin_rec_data_anchor - scxtwin_rec_layout.data_anchor;
	int i;

#pragma unroll
	for (i = 0; i < SCXTWIN_REC_GLOBAL_VARS; i++) {
		__u32 at = scxtwin_rec_layout.globals[i].at;
		__u32 size = scxtwin_rec_layout.globals[i].size;
		__u64 base = scxtwin_rec_layout.globals[i].section ? data : bss;

		if (i >= scxtwin_rec_layout.nr_globals)
			break;
		if (at >= SCXTWIN_REC_GLOBALS_LEN || size > SCXTWIN_REC_GLOBALS_LEN - at || !size)
			continue;
		bpf_probe_read_kernel(dst + at, size,
				      (void *)(base + scxtwin_rec_layout.globals[i].offset));
	}
}

struct scxtwin_rec_frame {
	__u64 seq;      /* this callback's ENTER */
	__u64 outer_cb; /* the callback this one interrupted on this CPU, if any */
};

static __always_inline void scxtwin_rec_enter(struct scxtwin_rec_frame *f, unsigned long long *ctx,
					      __u32 nr_args, const char *name, __u32 kind)
{
	struct scxtwin_rec_enter *r;
	__u64 *cur = scxtwin_rec_cur_slot();
	int i;

	f->seq = __sync_fetch_and_add(&scxtwin_rec_seq, 1) + 1;
	f->outer_cb = cur ? *cur : 0;
	if (cur)
		*cur = f->seq;
	r = scxtwin_rec_reserve(sizeof(*r));
	if (!r)
		return;
	__builtin_memset(r, 0, sizeof(*r));
	scxtwin_rec_hdr_fill(&r->hdr, SCXTWIN_REC_ENTER, sizeof(*r), f->seq, f->seq, kind);
	__builtin_memcpy(r->name, name, SCXTWIN_REC_NAME_LEN);
	if (nr_args > SCXTWIN_REC_MAX_ARGS)
		nr_args = SCXTWIN_REC_MAX_ARGS;
	r->nr_args = nr_args;
	if (nr_args)
		bpf_probe_read_kernel(r->args, nr_args * sizeof(__u64), ctx);
	for (i = 0; i < SCXTWIN_REC_TASKS; i++)
		if (i < nr_args && r->args[i] >= SCXTWIN_REC_KERNEL_ADDR)
			scxtwin_rec_task_read(&r->task[i], r->args[i]);
	scxtwin_rec_globals(r->globals);
	bpf_ringbuf_submit(r, 0);
}

static __always_inline void scxtwin_rec_exit(struct scxtwin_rec_frame *f, unsigned long long *ctx,
					     __u32 nr_args, __u64 ret)
{
	struct scxtwin_rec_exit *r;
	__u64 *cur = scxtwin_rec_cur_slot();
	__u64 before, seq;
	int i;

	/* The globals right after the body, then the seq: a CPU switch in between shows as a gap.
	 * They are read straight into the reserved record (the snapshot is too big for the stack
	 * next to a callback's own frame); a full ring buffer still takes its seq. */
	r = scxtwin_rec_reserve(sizeof(*r));
	before = *(volatile __u64 *)&scxtwin_rec_seq;
	if (r) {
		__builtin_memset(r, 0, sizeof(*r));
		scxtwin_rec_globals(r->globals);
	}
	seq = __sync_fetch_and_add(&scxtwin_rec_seq, 1) + 1;
	if (r) {
		scxtwin_rec_hdr_fill(&r->hdr, SCXTWIN_REC_EXIT, sizeof(*r), seq, f->seq, 0);
		r->seq_before_globals = before;
		r->ret = ret;
		for (i = 0; i < SCXTWIN_REC_TASKS; i++) {
			__u64 addr = 0;
			struct task_struct *p;

			if (i >= nr_args)
				break;
			bpf_probe_read_kernel(&addr, sizeof(addr), &ctx[i]);
			if (addr < SCXTWIN_REC_KERNEL_ADDR)
				continue;
			p = (void *)addr;
			bpf_probe_read_kernel(&r->slice[i], sizeof(__u64), &p->scx.slice);
			bpf_probe_read_kernel(&r->dsq_vtime[i], sizeof(__u64), &p->scx.dsq_vtime);
		}
		bpf_ringbuf_submit(r, 0);
	}
	if (cur)
		*cur = f->outer_cb;
}

/* A CALL record for kfunc `id`, zeroed, or NULL when the ring buffer is full. */
static __always_inline struct scxtwin_rec_call *scxtwin_rec_call_begin(__u32 id)
{
	struct scxtwin_rec_call *r;
	__u64 *cur = scxtwin_rec_cur_slot();
	__u64 seq = __sync_fetch_and_add(&scxtwin_rec_seq, 1) + 1;

	r = scxtwin_rec_reserve(sizeof(*r));
	if (!r)
		return 0;
	__builtin_memset(r, 0, sizeof(*r));
	scxtwin_rec_hdr_fill(&r->hdr, SCXTWIN_REC_CALL, sizeof(*r), seq, cur ? *cur : 0, id);
	return r;
}

static __always_inline __u64 scxtwin_rec_pid(const struct task_struct *p)
{
	__s32 pid = 0;

	if (p)
		bpf_probe_read_kernel(&pid, sizeof(pid), &p->pid);
	return (__u64)(__s64)pid;
}

static __always_inline __u64 scxtwin_rec_mask_word(const struct cpumask *mask)
{
	__u64 w = 0;

	if (mask)
		bpf_probe_read_kernel(&w, sizeof(w), mask);
	return w;
}

/* ---- the kfunc wrappers: call the real one (the parenthesised name escapes the renaming
 * macro below), then record. ---- */

#define SCXTWIN_REC_CALL0(id) struct scxtwin_rec_call *r = scxtwin_rec_call_begin(SCXTWIN_KF_##id)

static __always_inline s32 scxtwin_rec_scx_bpf_create_dsq(u64 dsq_id, s32 node)
{
	s32 ret = (scx_bpf_create_dsq)(dsq_id, node);
	SCXTWIN_REC_CALL0(scx_bpf_create_dsq);

	if (r) {
		r->args[0] = dsq_id;
		r->args[1] = (__u64)(__s64)node;
		r->ret = (__u64)(__s64)ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline s32 scxtwin_rec_scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu,
							      u64 wake_flags, bool *is_idle)
{
	s32 ret = (scx_bpf_select_cpu_dfl)(p, prev_cpu, wake_flags, is_idle);
	SCXTWIN_REC_CALL0(scx_bpf_select_cpu_dfl);

	if (r) {
		r->args[0] = scxtwin_rec_pid(p);
		r->args[1] = (__u64)(__s64)prev_cpu;
		r->args[2] = wake_flags;
		r->ret = (__u64)(__s64)ret;
		r->value[0] = *is_idle;
		r->value_len = r->value_size = 1;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline void scxtwin_rec_scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id,
							   u64 slice, u64 enq_flags)
{
	(scx_bpf_dsq_insert)(p, dsq_id, slice, enq_flags);
	SCXTWIN_REC_CALL0(scx_bpf_dsq_insert);

	if (r) {
		r->args[0] = scxtwin_rec_pid(p);
		r->args[1] = dsq_id;
		r->args[2] = slice;
		r->args[3] = enq_flags;
		bpf_ringbuf_submit(r, 0);
	}
}

static __always_inline void scxtwin_rec_scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id,
								 u64 slice, u64 vtime,
								 u64 enq_flags)
{
	(scx_bpf_dsq_insert_vtime)(p, dsq_id, slice, vtime, enq_flags);
	SCXTWIN_REC_CALL0(scx_bpf_dsq_insert_vtime);

	if (r) {
		r->args[0] = scxtwin_rec_pid(p);
		r->args[1] = dsq_id;
		r->args[2] = slice;
		r->args[3] = vtime;
		r->args[4] = enq_flags;
		bpf_ringbuf_submit(r, 0);
	}
}

static __always_inline bool scxtwin_rec_scx_bpf_dsq_move_to_local(u64 dsq_id)
{
	bool ret = (scx_bpf_dsq_move_to_local)(dsq_id);
	SCXTWIN_REC_CALL0(scx_bpf_dsq_move_to_local);

	if (r) {
		r->args[0] = dsq_id;
		r->ret = ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline s32 scxtwin_rec_scx_bpf_dsq_nr_queued(u64 dsq_id)
{
	s32 ret = (scx_bpf_dsq_nr_queued)(dsq_id);
	SCXTWIN_REC_CALL0(scx_bpf_dsq_nr_queued);

	if (r) {
		r->args[0] = dsq_id;
		r->ret = (__u64)(__s64)ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline void scxtwin_rec_scx_bpf_kick_cpu(s32 cpu, u64 flags)
{
	(scx_bpf_kick_cpu)(cpu, flags);
	SCXTWIN_REC_CALL0(scx_bpf_kick_cpu);

	if (r) {
		r->args[0] = (__u64)(__s64)cpu;
		r->args[1] = flags;
		bpf_ringbuf_submit(r, 0);
	}
}

static __always_inline bool scxtwin_rec_scx_bpf_test_and_clear_cpu_idle(s32 cpu)
{
	bool ret = (scx_bpf_test_and_clear_cpu_idle)(cpu);
	SCXTWIN_REC_CALL0(scx_bpf_test_and_clear_cpu_idle);

	if (r) {
		r->args[0] = (__u64)(__s64)cpu;
		r->ret = ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline s32 scxtwin_rec_scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed,
							     u64 flags)
{
	s32 ret = (scx_bpf_pick_idle_cpu)(cpus_allowed, flags);
	SCXTWIN_REC_CALL0(scx_bpf_pick_idle_cpu);

	if (r) {
		r->args[0] = scxtwin_rec_mask_word(cpus_allowed);
		r->args[1] = flags;
		r->ret = (__u64)(__s64)ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline const struct cpumask *scxtwin_rec_scx_bpf_get_idle_cpumask(void)
{
	const struct cpumask *ret = (scx_bpf_get_idle_cpumask)();
	SCXTWIN_REC_CALL0(scx_bpf_get_idle_cpumask);

	if (r) {
		__u64 w = scxtwin_rec_mask_word(ret);

		r->ret = ret != 0;
		__builtin_memcpy(r->value, &w, sizeof(w));
		r->value_len = r->value_size = sizeof(w);
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline void scxtwin_rec_scx_bpf_put_idle_cpumask(const struct cpumask *cpumask)
{
	SCXTWIN_REC_CALL0(scx_bpf_put_idle_cpumask);

	if (r) {
		r->args[0] = scxtwin_rec_mask_word(cpumask);
		bpf_ringbuf_submit(r, 0);
	}
	(scx_bpf_put_idle_cpumask)(cpumask);
}

static __always_inline u64 scxtwin_rec_scx_bpf_now(void)
{
	u64 ret = (scx_bpf_now)();
	SCXTWIN_REC_CALL0(scx_bpf_now);

	if (r) {
		r->ret = ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline s32 scxtwin_rec_scx_bpf_task_cpu(const struct task_struct *p)
{
	s32 ret = (scx_bpf_task_cpu)(p);
	SCXTWIN_REC_CALL0(scx_bpf_task_cpu);

	if (r) {
		r->args[0] = scxtwin_rec_pid(p);
		r->ret = (__u64)(__s64)ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

/* The error is recorded before it is raised (the kernel may stop calling us right after). */
static __always_inline void scxtwin_rec_scx_bpf_error_bstr(char *fmt, unsigned long long *data,
							   u32 data_len)
{
	SCXTWIN_REC_CALL0(scx_bpf_error_bstr);

	if (r) {
		u32 n = data_len > sizeof(r->args) ? sizeof(r->args) : data_len;

		bpf_probe_read_kernel(r->args, n, data);
		r->value_len = SCXTWIN_REC_VALUE_LEN;
		r->value_size = data_len;
		bpf_probe_read_kernel_str(r->value, sizeof(r->value), fmt);
		bpf_ringbuf_submit(r, 0);
	}
	(scx_bpf_error_bstr)(fmt, data, data_len);
}

static __always_inline u64 scxtwin_rec_bpf_ktime_get_ns(void)
{
	u64 ret = (bpf_ktime_get_ns)();
	SCXTWIN_REC_CALL0(bpf_ktime_get_ns);

	if (r) {
		r->ret = ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline u32 scxtwin_rec_bpf_get_prandom_u32(void)
{
	u32 ret = (bpf_get_prandom_u32)();
	SCXTWIN_REC_CALL0(bpf_get_prandom_u32);

	if (r) {
		r->ret = ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

/* Maps: the caller's macro passes the map variable's name and the key and value sizes it knows
 * from the types at the call site. */
static __always_inline void scxtwin_rec_copy_value(struct scxtwin_rec_call *r, const void *value,
						   __u32 size)
{
	__u32 n = size > SCXTWIN_REC_VALUE_LEN ? SCXTWIN_REC_VALUE_LEN : size;

	r->value_size = size;
	if (!value)
		return;
	r->value_len = n;
	bpf_probe_read_kernel(r->value, n, value);
}

static __always_inline __u64 scxtwin_rec_key_word(const void *key, __u32 key_size)
{
	__u64 w = 0;

	bpf_probe_read_kernel(&w, key_size > sizeof(w) ? sizeof(w) : key_size, key);
	return w;
}

static __always_inline void *scxtwin_rec_map_lookup(void *map, const void *key, __u32 key_size,
						    __u32 value_size, const char *name)
{
	void *ret = (bpf_map_lookup_elem)(map, key);
	SCXTWIN_REC_CALL0(bpf_map_lookup_elem);

	if (r) {
		__builtin_memcpy(r->map, name, SCXTWIN_REC_MAP_LEN);
		r->args[0] = scxtwin_rec_key_word(key, key_size);
		r->ret = ret != 0;
		scxtwin_rec_copy_value(r, ret, value_size);
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline long scxtwin_rec_map_update(void *map, const void *key, const void *value,
						   u64 flags, __u32 key_size, __u32 value_size,
						   const char *name)
{
	long ret = (bpf_map_update_elem)(map, key, value, flags);
	SCXTWIN_REC_CALL0(bpf_map_update_elem);

	if (r) {
		__builtin_memcpy(r->map, name, SCXTWIN_REC_MAP_LEN);
		r->args[0] = scxtwin_rec_key_word(key, key_size);
		r->args[1] = flags;
		r->ret = (__u64)ret;
		scxtwin_rec_copy_value(r, value, value_size);
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline long scxtwin_rec_map_delete(void *map, const void *key, __u32 key_size,
						   const char *name)
{
	long ret = (bpf_map_delete_elem)(map, key);
	SCXTWIN_REC_CALL0(bpf_map_delete_elem);

	if (r) {
		__builtin_memcpy(r->map, name, SCXTWIN_REC_MAP_LEN);
		r->args[0] = scxtwin_rec_key_word(key, key_size);
		r->ret = (__u64)ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline void *scxtwin_rec_task_storage_get(void *map, struct task_struct *task,
							  void *value, u64 flags,
							  __u32 value_size, const char *name)
{
	void *ret = (bpf_task_storage_get)(map, task, value, flags);
	SCXTWIN_REC_CALL0(bpf_task_storage_get);

	if (r) {
		__builtin_memcpy(r->map, name, SCXTWIN_REC_MAP_LEN);
		r->args[0] = scxtwin_rec_pid(task);
		r->args[1] = value != 0;
		r->args[2] = flags;
		r->ret = ret != 0;
		scxtwin_rec_copy_value(r, ret, value_size);
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline long scxtwin_rec_task_storage_delete(void *map, struct task_struct *task,
							    const char *name)
{
	long ret = (bpf_task_storage_delete)(map, task);
	SCXTWIN_REC_CALL0(bpf_task_storage_delete);

	if (r) {
		__builtin_memcpy(r->map, name, SCXTWIN_REC_MAP_LEN);
		r->args[0] = scxtwin_rec_pid(task);
		r->ret = (__u64)ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

/* scx_central's kfuncs and helpers: dispatch slots, a task's running state, the pid lookup,
 * queue maps, timers. (The kernel tree's header declares these kfuncs alike; the project's does
 * not, and a policy of its own that calls them needs them declared.) */
u32 scx_bpf_dispatch_nr_slots(void) __ksym;
bool scx_bpf_task_running(const struct task_struct *p) __ksym;
struct task_struct *bpf_task_from_pid(s32 pid) __ksym;

static __always_inline u32 scxtwin_rec_scx_bpf_dispatch_nr_slots(void)
{
	u32 ret = (scx_bpf_dispatch_nr_slots)();
	SCXTWIN_REC_CALL0(scx_bpf_dispatch_nr_slots);

	if (r) {
		r->ret = ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline bool scxtwin_rec_scx_bpf_task_running(const struct task_struct *p)
{
	bool ret = (scx_bpf_task_running)(p);
	SCXTWIN_REC_CALL0(scx_bpf_task_running);

	if (r) {
		r->args[0] = scxtwin_rec_pid(p);
		r->ret = ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

/* The task it found, in `value` (struct scxtwin_rec_task_brief): the replay hands the host build
 * a task in that state. bpf_task_release is not recorded: the host runtime's is no call of its
 * host API (tasks outlive callbacks there), so there is nothing to compare it with. */
static __always_inline struct task_struct *scxtwin_rec_bpf_task_from_pid(s32 pid)
{
	struct task_struct *ret = (bpf_task_from_pid)(pid);
	SCXTWIN_REC_CALL0(bpf_task_from_pid);

	if (r) {
		struct scxtwin_rec_task_brief *b = (void *)r->value;
		const struct cpumask *mask = 0;
		void *mm = 0;

		r->args[0] = (__u64)(__s64)pid;
		r->ret = ret != 0;
		if (ret) {
			r->value_len = r->value_size = sizeof(*b);
			b->addr = (__u64)ret;
			bpf_probe_read_kernel(&b->pid, sizeof(b->pid), &ret->pid);
			bpf_probe_read_kernel(&b->tgid, sizeof(b->tgid), &ret->tgid);
			bpf_probe_read_kernel(&b->flags, sizeof(b->flags), &ret->flags);
			bpf_probe_read_kernel(&b->scx_flags, sizeof(b->scx_flags), &ret->scx.flags);
			bpf_probe_read_kernel(&b->weight, sizeof(b->weight), &ret->scx.weight);
			bpf_probe_read_kernel(&b->nr_cpus_allowed, sizeof(b->nr_cpus_allowed),
					      &ret->nr_cpus_allowed);
			bpf_probe_read_kernel(&b->slice, sizeof(b->slice), &ret->scx.slice);
			bpf_probe_read_kernel(&b->dsq_vtime, sizeof(b->dsq_vtime), &ret->scx.dsq_vtime);
			bpf_probe_read_kernel(&mask, sizeof(mask), &ret->cpus_ptr);
			if (mask)
				bpf_probe_read_kernel(&b->cpus_mask, sizeof(b->cpus_mask), mask);
			bpf_probe_read_kernel(&b->migration_disabled, sizeof(__u16),
					      &ret->migration_disabled);
			bpf_probe_read_kernel(&mm, sizeof(mm), &ret->mm);
			b->has_mm = mm != 0;
		}
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

/* Queue and stack maps: the value pushed, or the value popped (when it succeeded). */
static __always_inline long scxtwin_rec_map_push(void *map, const void *value, u64 flags,
						 __u32 value_size, const char *name)
{
	long ret = (bpf_map_push_elem)(map, value, flags);
	SCXTWIN_REC_CALL0(bpf_map_push_elem);

	if (r) {
		__builtin_memcpy(r->map, name, SCXTWIN_REC_MAP_LEN);
		r->args[0] = flags;
		r->ret = (__u64)ret;
		scxtwin_rec_copy_value(r, value, value_size);
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

static __always_inline long scxtwin_rec_map_pop(void *map, void *value, __u32 value_size,
						const char *name)
{
	long ret = (bpf_map_pop_elem)(map, value);
	SCXTWIN_REC_CALL0(bpf_map_pop_elem);

	if (r) {
		__builtin_memcpy(r->map, name, SCXTWIN_REC_MAP_LEN);
		r->ret = (__u64)ret;
		scxtwin_rec_copy_value(r, ret == 0 ? value : 0, value_size);
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

/* The timer is a map value's address (not the host's): its delay and flags are recorded. */
static __always_inline long scxtwin_rec_bpf_timer_start(struct bpf_timer *timer, u64 nsecs,
							u64 flags)
{
	long ret = (bpf_timer_start)(timer, nsecs, flags);
	SCXTWIN_REC_CALL0(bpf_timer_start);

	if (r) {
		r->args[0] = nsecs;
		r->args[1] = flags;
		r->ret = (__u64)ret;
		bpf_ringbuf_submit(r, 0);
	}
	return ret;
}

/* A BPF timer's callback runs outside any struct_ops callback, so it is wrapped the same way:
 * bpf_timer_set_callback(timer, CB) registers CB__scxtwin_timer, which writes an ENTER (kind
 * SCXTWIN_REC_CB_TIMER, named CB, no arguments: the replay fires the host build's own timer)
 * and an EXIT around CB. The wrapper must be declared before and defined after CB: the build
 * lists the timer callbacks in SCXTWIN_REC_TIMER_CALLBACKS(T) (T(CB) for each) and appends
 * SCXTWIN_REC_TIMER_CALLBACKS(SCXTWIN_REC_TIMER_DEFINE) to the file (build_kernel_tree_record.sh
 * finds them in the source). A policy that sets a timer callback without that list does not
 * compile ("undeclared identifier CB__scxtwin_timer"), so no timer runs unrecorded. */
#define SCXTWIN_REC_TIMER_DECLARE(cb) \
	static int cb##__scxtwin_timer(void *map, void *key, void *value);
#define SCXTWIN_REC_TIMER_DEFINE(cb)                                                        \
	static int cb##__scxtwin_timer(void *map, void *key, void *value)                   \
	{                                                                                   \
		static const char ___scxtwin_name[SCXTWIN_REC_NAME_LEN] = #cb;              \
		struct scxtwin_rec_frame ___scxtwin_frame;                                  \
		int ___scxtwin_ret;                                                         \
		scxtwin_rec_enter(&___scxtwin_frame, 0, 0, ___scxtwin_name,                 \
				  SCXTWIN_REC_CB_TIMER);                                    \
		___scxtwin_ret = cb(map, key, value);                                       \
		scxtwin_rec_exit(&___scxtwin_frame, 0, 0, (__u64)(__s64)___scxtwin_ret);    \
		return ___scxtwin_ret;                                                      \
	}
#ifdef SCXTWIN_REC_TIMER_CALLBACKS
SCXTWIN_REC_TIMER_CALLBACKS(SCXTWIN_REC_TIMER_DECLARE)
#endif

/* ---- the renaming ---- */

/* The map variable's name, padded to the record's field (`&task_ctxs` -> "&task_ctxs"). */
#define SCXTWIN_REC_MAP_NAME(map)                                                  \
	({                                                                         \
		static const char ___scxtwin_map_name[SCXTWIN_REC_MAP_LEN] = #map; \
		___scxtwin_map_name;                                               \
	})
/* A map declared with __type(value, T); a header may define another way first. */
#ifndef SCXTWIN_REC_VALUE_SIZE
#define SCXTWIN_REC_VALUE_SIZE(map) ((__u32)sizeof(*(map)->value))
#endif

#define scx_bpf_create_dsq(...) scxtwin_rec_scx_bpf_create_dsq(__VA_ARGS__)
#define scx_bpf_select_cpu_dfl(...) scxtwin_rec_scx_bpf_select_cpu_dfl(__VA_ARGS__)
#define scx_bpf_dsq_insert(...) scxtwin_rec_scx_bpf_dsq_insert(__VA_ARGS__)
#define scx_bpf_dsq_insert_vtime(...) scxtwin_rec_scx_bpf_dsq_insert_vtime(__VA_ARGS__)
#define scx_bpf_dsq_move_to_local(...) scxtwin_rec_scx_bpf_dsq_move_to_local(__VA_ARGS__)
#define scx_bpf_dsq_nr_queued(...) scxtwin_rec_scx_bpf_dsq_nr_queued(__VA_ARGS__)
#define scx_bpf_kick_cpu(...) scxtwin_rec_scx_bpf_kick_cpu(__VA_ARGS__)
#define scx_bpf_test_and_clear_cpu_idle(...) scxtwin_rec_scx_bpf_test_and_clear_cpu_idle(__VA_ARGS__)
#define scx_bpf_pick_idle_cpu(...) scxtwin_rec_scx_bpf_pick_idle_cpu(__VA_ARGS__)
#define scx_bpf_get_idle_cpumask(...) scxtwin_rec_scx_bpf_get_idle_cpumask(__VA_ARGS__)
#define scx_bpf_put_idle_cpumask(...) scxtwin_rec_scx_bpf_put_idle_cpumask(__VA_ARGS__)
#define scx_bpf_now(...) scxtwin_rec_scx_bpf_now(__VA_ARGS__)
#define scx_bpf_task_cpu(...) scxtwin_rec_scx_bpf_task_cpu(__VA_ARGS__)
#define scx_bpf_error_bstr(...) scxtwin_rec_scx_bpf_error_bstr(__VA_ARGS__)
#define bpf_ktime_get_ns(...) scxtwin_rec_bpf_ktime_get_ns(__VA_ARGS__)
#define bpf_get_prandom_u32(...) scxtwin_rec_bpf_get_prandom_u32(__VA_ARGS__)
#define bpf_map_lookup_elem(map, key)                                                      \
	scxtwin_rec_map_lookup((map), (key), sizeof(*(key)), SCXTWIN_REC_VALUE_SIZE(map), \
			       SCXTWIN_REC_MAP_NAME(map))
#define bpf_map_update_elem(map, key, value, flags)                                          \
	scxtwin_rec_map_update((map), (key), (value), (flags), sizeof(*(key)),               \
			       SCXTWIN_REC_VALUE_SIZE(map), SCXTWIN_REC_MAP_NAME(map))
#define bpf_map_delete_elem(map, key) \
	scxtwin_rec_map_delete((map), (key), sizeof(*(key)), SCXTWIN_REC_MAP_NAME(map))
#define bpf_task_storage_get(map, task, value, flags)                         \
	scxtwin_rec_task_storage_get((map), (task), (value), (flags),         \
				     SCXTWIN_REC_VALUE_SIZE(map), SCXTWIN_REC_MAP_NAME(map))
#define bpf_task_storage_delete(map, task) \
	scxtwin_rec_task_storage_delete((map), (task), SCXTWIN_REC_MAP_NAME(map))
#define scx_bpf_dispatch_nr_slots(...) scxtwin_rec_scx_bpf_dispatch_nr_slots(__VA_ARGS__)
#define scx_bpf_task_running(...) scxtwin_rec_scx_bpf_task_running(__VA_ARGS__)
#define bpf_task_from_pid(...) scxtwin_rec_bpf_task_from_pid(__VA_ARGS__)
#define bpf_map_push_elem(map, value, flags) \
	scxtwin_rec_map_push((map), (value), (flags), SCXTWIN_REC_VALUE_SIZE(map), SCXTWIN_REC_MAP_NAME(map))
#define bpf_map_pop_elem(map, value) \
	scxtwin_rec_map_pop((map), (value), SCXTWIN_REC_VALUE_SIZE(map), SCXTWIN_REC_MAP_NAME(map))
#define bpf_timer_start(...) scxtwin_rec_bpf_timer_start(__VA_ARGS__)
#define bpf_timer_set_callback(timer, cb) (bpf_timer_set_callback)((timer), cb##__scxtwin_timer)

/* ---- the callbacks ---- */

/* The callback's return value as a u64, or 0 for a void callback; `call` runs exactly once. */
#define SCXTWIN_REC_IS_VOID(T) __builtin_types_compatible_p(T, void)
#define SCXTWIN_REC_RESULT(T, call) \
	((__u64)__builtin_choose_expr(SCXTWIN_REC_IS_VOID(T), ((call), 0), (call)))

/* BPF_PROG (libbpf's bpf_tracing.h) with the callback's body between an ENTER and an EXIT. */
#define SCXTWIN_REC_PROG(name, args...)                                                      \
	name(unsigned long long *ctx);                                                       \
	static __always_inline typeof(name(0)) ____##name(unsigned long long *ctx, ##args);  \
	typeof(name(0)) name(unsigned long long *ctx)                                        \
	{                                                                                    \
		static const char ___scxtwin_name[SCXTWIN_REC_NAME_LEN] = #name;             \
		struct scxtwin_rec_frame ___scxtwin_frame;                                   \
		__u64 ___scxtwin_ret;                                                        \
		scxtwin_rec_enter(&___scxtwin_frame, ctx, ___bpf_narg(args), ___scxtwin_name, \
				  SCXTWIN_REC_CB_STRUCT_OPS);                                 \
		_Pragma("GCC diagnostic push")                                               \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")                       \
		___scxtwin_ret = SCXTWIN_REC_RESULT(typeof(name(0)),                         \
						    ____##name(___bpf_ctx_cast(args)));      \
		_Pragma("GCC diagnostic pop")                                                \
		scxtwin_rec_exit(&___scxtwin_frame, ctx, ___bpf_narg(args), ___scxtwin_ret); \
		return (typeof(name(0)))___scxtwin_ret;                                      \
	}                                                                                    \
	static __always_inline typeof(name(0)) ____##name(unsigned long long *ctx, ##args)

#undef BPF_STRUCT_OPS
#undef BPF_STRUCT_OPS_SLEEPABLE
#define BPF_STRUCT_OPS(name, args...) SEC("struct_ops/" #name) SCXTWIN_REC_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) \
	SEC("struct_ops/sleepable." #name) SCXTWIN_REC_PROG(name, ##args)

#endif /* SCXTWIN_RECORD_BPF_H */
