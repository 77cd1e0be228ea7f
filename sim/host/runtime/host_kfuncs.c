// SPDX-License-Identifier: GPL-2.0
/*
 * Every kfunc and helper a host-compiled policy may call, linked into each policy object. Each
 * forwards to the simulator (or to the loader's maps) through the struct scxtwin_host_api the
 * loader installs with scxtwin_set_host_api() before the first callback. Nothing here keeps
 * scheduling state: the simulator does.
 *
 * Including <scx/common.bpf.h> makes the compiler check each definition against the
 * declaration policies see.
 */
#include <scx/common.bpf.h>
#include <scxtwin/host_api.h>

#include <stdarg.h>

/* libc, declared here rather than included: vmlinux.h already defines the kernel's types. */
int vsnprintf(char *buf, unsigned long size, const char *fmt, va_list ap);
int snprintf(char *buf, unsigned long size, const char *fmt, ...);
void *calloc(unsigned long n, unsigned long size);
void free(void *ptr);

#define SCXTWIN_EXPORT __attribute__((visibility("default")))

static const struct scxtwin_host_api *api;

/* The table layout this object was compiled against; the loader refuses a mismatch (tests
 * build a stale object with -DSCXTWIN_BUILT_FOR_API_VERSION=N to check that). */
#ifndef SCXTWIN_BUILT_FOR_API_VERSION
#define SCXTWIN_BUILT_FOR_API_VERSION SCXTWIN_HOST_API_VERSION
#endif
SCXTWIN_EXPORT const u32 scxtwin_host_api_version = SCXTWIN_BUILT_FOR_API_VERSION;

SCXTWIN_EXPORT void scxtwin_set_host_api(const struct scxtwin_host_api *host_api)
{
	api = host_api;
}

/* A kfunc the simulator does not provide: the policy is ejected, as the kernel would refuse
 * to load it. */
static void unsupported(const char *what)
{
	char msg[160];
	snprintf(msg, sizeof(msg), "kfunc %s is not supported by the simulator", what);
	api->error(api->sim, msg);
}

#define SIM(fn, dflt, ...)                                                                   \
	(api->fn ? api->fn(api->sim, ##__VA_ARGS__) : (unsupported(#fn), (dflt)))

/* ---- formatting: printf-style and the kernel's "bstr" (format + array of u64) ------------- */

enum { SCXTWIN_MSG_LEN = 1024 };

/*
 * Prints one conversion `conv` of `v` into out[0..size) with the flags, width and precision of
 * `spec` (n characters, starting with '%'; the length modifier is re-derived from `conv`).
 * *fmt is past the conversion (for %p, past its extension letters too). Returns snprintf's.
 */
static int format_one(char *out, unsigned long size, char *spec, unsigned long n, char conv,
		      u64 v, const char **fmt)
{
	switch (conv) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		spec[n++] = 'l';
		spec[n++] = 'l';
		spec[n++] = conv;
		spec[n] = '\0';
		if (conv == 'd' || conv == 'i')
			return snprintf(out, size, spec, (long long)v);
		return snprintf(out, size, spec, (unsigned long long)v);
	case 'c':
	case 's':
		spec[n++] = conv;
		spec[n] = '\0';
		if (conv == 'c')
			return snprintf(out, size, spec, (int)v);
		return snprintf(out, size, spec, v ? (const char *)(unsigned long)v : "(null)");
	case 'p':
		/* %pS, %pI4, ...: print the pointer itself. */
		while (**fmt && ((**fmt >= 'A' && **fmt <= 'Z') || (**fmt >= 'a' && **fmt <= 'z') ||
				 (**fmt >= '0' && **fmt <= '9')))
			(*fmt)++;
		return snprintf(out, size, "0x%llx", (unsigned long long)v);
	default:
		return snprintf(out, size, "%%%c", conv);
	}
}

/*
 * Formats `fmt` with arguments given as u64 words, the way the kernel's bstr kfuncs receive
 * them. Each conversion takes one word, cast to what the conversion prints.
 */
static void format_bstr(char *out, unsigned long size, const char *fmt, const u64 *data, u32 nr)
{
	unsigned long len = 0;
	u32 arg = 0;

	out[0] = '\0';
	while (*fmt && len + 1 < size) {
		char spec[32];
		unsigned long n = 0;
		char conv;
		int w;

		if (*fmt != '%' || fmt[1] == '%') {
			out[len++] = *fmt;
			out[len] = '\0';
			fmt += *fmt == '%' ? 2 : 1;
			continue;
		}
		/* %[flags][width][.precision][length]conversion */
		spec[n++] = *fmt++;
		while (*fmt && __builtin_strchr("-+ #0123456789.", *fmt) && n < 20)
			spec[n++] = *fmt++;
		while (*fmt && __builtin_strchr("hlzjt", *fmt))
			fmt++;
		conv = *fmt ? *fmt++ : 'd';
		w = format_one(out + len, size - len, spec, n, conv, arg < nr ? data[arg] : 0, &fmt);
		arg++;
		if (w < 0)
			break;
		len += (unsigned long)w;
		if (len >= size)
			len = size - 1;
	}
}

/* The printf-style entries below: their arguments formatted into a local `msg`, as the
 * bstr entries above format theirs (truncated to SCXTWIN_MSG_LEN, as the kernel truncates). */
#define FORMAT_VARARGS(msg, fmt)                                                            \
	char msg[SCXTWIN_MSG_LEN];                                                          \
	do {                                                                                \
		va_list ap_;                                                                \
		va_start(ap_, fmt);                                                         \
		vsnprintf(msg, sizeof(msg), fmt, ap_);                                      \
		va_end(ap_);                                                                \
	} while (0)

void scx_bpf_exit_bstr(s64 exit_code, char *fmt, unsigned long long *data, u32 data__sz)
{
	char msg[SCXTWIN_MSG_LEN];
	format_bstr(msg, sizeof(msg), fmt, data, data__sz / 8);
	api->exit(api->sim, exit_code, msg);
}

void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data_len)
{
	char msg[SCXTWIN_MSG_LEN];
	format_bstr(msg, sizeof(msg), fmt, data, data_len / 8);
	api->error(api->sim, msg);
}

void scx_bpf_dump_bstr(char *fmt, unsigned long long *data, u32 data_len)
{
	char msg[SCXTWIN_MSG_LEN];
	format_bstr(msg, sizeof(msg), fmt, data, data_len / 8);
	if (api->dump)
		api->dump(api->sim, msg);
}

void scxtwin_exit_fmt(s64 exit_code, const char *fmt, ...)
{
	FORMAT_VARARGS(msg, fmt);
	api->exit(api->sim, exit_code, msg);
}

void scxtwin_error_fmt(const char *fmt, ...)
{
	FORMAT_VARARGS(msg, fmt);
	api->error(api->sim, msg);
}

void scxtwin_dump_fmt(const char *fmt, ...)
{
	FORMAT_VARARGS(msg, fmt);
	if (api->dump)
		api->dump(api->sim, msg);
}

s32 scx_bpf_sub_kill_bstr(u64 cgroup_id, char *fmt, unsigned long long *data, u32 data__sz)
{
	char msg[SCXTWIN_MSG_LEN];
	format_bstr(msg, sizeof(msg), fmt, data, data__sz / 8);
	return api->sub_kill ? api->sub_kill(api->sim, cgroup_id, msg) : -ENOENT;
}

s32 scxtwin_sub_kill_fmt(u64 cgroup_id, const char *fmt, ...)
{
	FORMAT_VARARGS(msg, fmt);
	return api->sub_kill ? api->sub_kill(api->sim, cgroup_id, msg) : -ENOENT;
}

long scxtwin_printk(const char *fmt, ...)
{
	FORMAT_VARARGS(msg, fmt);
	if (api->printk)
		api->printk(api->sim, msg);
	return (long)__builtin_strlen(msg);
}

long bpf_trace_vprintk(const char *fmt, u32 fmt_size, const void *data, u32 data_len)
{
	char msg[SCXTWIN_MSG_LEN];
	(void)fmt_size;
	format_bstr(msg, sizeof(msg), fmt, (const u64 *)data, data_len / 8);
	if (api->printk)
		api->printk(api->sim, msg);
	return (long)__builtin_strlen(msg);
}

/* ---- the plain forwarders: kfunc_list.inc's FWD rows ------------------------------------- */

#define SCXTWIN_KFUNC(type, entry, params, args, forwarder, dflt, kfunc, ...)                    \
	SCXTWIN_FORWARD_##forwarder(type, entry, params, args, dflt, kfunc)
#define SCXTWIN_KFUNC_VOID(entry, params, args, forwarder, kfunc, ...)                          \
	SCXTWIN_FORWARD_VOID_##forwarder(entry, params, args, kfunc)
#define SCXTWIN_FORWARD_FWD(type, entry, params, args, dflt, kfunc)                              \
	type(kfunc) SCXTWIN_PROTOTYPE(params)                                                    \
	{                                                                                        \
		return api->entry ? api->entry SCXTWIN_WITH_CONTEXT(api->sim, args)              \
				  : (unsupported(#entry), (dflt));                               \
	}
#define SCXTWIN_FORWARD_VOID_FWD(entry, params, args, kfunc)                                     \
	void(kfunc) SCXTWIN_PROTOTYPE(params)                                                    \
	{                                                                                        \
		if (api->entry)                                                                  \
			api->entry SCXTWIN_WITH_CONTEXT(api->sim, args);                         \
		else                                                                             \
			unsupported(#entry);                                                     \
	}
#define SCXTWIN_FORWARD_OWN(type, entry, params, args, dflt, kfunc)
#define SCXTWIN_FORWARD_VOID_OWN(entry, params, args, kfunc)
#include <scxtwin/kfunc_list.inc>
#undef SCXTWIN_KFUNC
#undef SCXTWIN_KFUNC_VOID

/* ---- DSQs (the OWN rows) ------------------------------------------------------------------- */

bool scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags)
{
	if (!api->dsq_insert) {
		unsupported("dsq_insert");
		return false;
	}
	api->dsq_insert(api->sim, p, dsq_id, slice, enq_flags);
	return true;
}

bool __scx_bpf_dsq_insert_vtime(struct task_struct *p, struct scx_bpf_dsq_insert_vtime_args *args)
{
	if (!api->dsq_insert_vtime) {
		unsupported("dsq_insert_vtime");
		return false;
	}
	api->dsq_insert_vtime(api->sim, p, args->dsq_id, args->slice, args->vtime, args->enq_flags);
	return true;
}

void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it)
{
	if (api->dsq_iter_destroy)
		api->dsq_iter_destroy(api->sim, it);
}

/* ---- CPU selection and idle tracking ----------------------------------------------------- */

s32 __scx_bpf_select_cpu_and(struct task_struct *p, const struct cpumask *cpus_allowed,
			     struct scx_bpf_select_cpu_and_args *args)
{
	return scx_bpf_select_cpu_and(p, args->prev_cpu, args->wake_flags, cpus_allowed,
				      args->flags);
}
s32 scx_bpf_pick_idle_cpu(const cpumask_t *cpus_allowed, u64 flags)
{
	return SIM(pick_idle_cpu, -EBUSY, cpus_allowed, NUMA_NO_NODE, flags);
}
s32 scx_bpf_pick_idle_cpu_node(const cpumask_t *cpus_allowed, int node, u64 flags)
{
	return SIM(pick_idle_cpu, -EBUSY, cpus_allowed, node, flags);
}
s32 scx_bpf_pick_any_cpu(const cpumask_t *cpus_allowed, u64 flags)
{
	return SIM(pick_any_cpu, -EBUSY, cpus_allowed, NUMA_NO_NODE, flags);
}
s32 scx_bpf_pick_any_cpu_node(const cpumask_t *cpus_allowed, int node, u64 flags)
{
	return SIM(pick_any_cpu, -EBUSY, cpus_allowed, node, flags);
}
const struct cpumask *scx_bpf_get_idle_cpumask(void)
{
	return SIM(get_idle_cpumask, NULL, NUMA_NO_NODE);
}
const struct cpumask *scx_bpf_get_idle_cpumask_node(int node)
{
	return SIM(get_idle_cpumask, NULL, node);
}
const struct cpumask *scx_bpf_get_idle_smtmask(void)
{
	return SIM(get_idle_smtmask, NULL, NUMA_NO_NODE);
}
const struct cpumask *scx_bpf_get_idle_smtmask_node(int node)
{
	return SIM(get_idle_smtmask, NULL, node);
}
void scx_bpf_put_idle_cpumask(const struct cpumask *cpumask)
{
	if (api->put_idle_cpumask)
		api->put_idle_cpumask(api->sim, cpumask);
}
void scx_bpf_put_cpumask(const struct cpumask *cpumask)
{
	if (api->put_cpumask)
		api->put_cpumask(api->sim, cpumask);
}

/* ---- kicks, topology, time ----------------------------------------------------------------- */

u32 scx_bpf_nr_node_ids(void) { return api->nr_node_ids ? api->nr_node_ids(api->sim) : 1; }
int scx_bpf_cpu_node(s32 cpu) { return api->cpu_node ? api->cpu_node(api->sim, cpu) : 0; }
u32 scx_bpf_cpuperf_cap(s32 cpu) { return api->cpuperf_cap ? api->cpuperf_cap(api->sim, cpu) : SCX_CPUPERF_ONE; }
u32 scx_bpf_cpuperf_cur(s32 cpu) { return api->cpuperf_cur ? api->cpuperf_cur(api->sim, cpu) : SCX_CPUPERF_ONE; }
void scx_bpf_cpuperf_set(s32 cpu, u32 perf)
{
	if (api->cpuperf_set)
		api->cpuperf_set(api->sim, cpu, perf);
}

u64 bpf_ktime_get_boot_ns(void) { return SIM(ktime_get_ns, 0); }
u64 bpf_ktime_get_coarse_ns(void) { return SIM(ktime_get_ns, 0); }
u64 bpf_jiffies64(void) { return SIM(ktime_get_ns, 0) / 4000000ULL; /* HZ=250 */ }
u32 bpf_get_smp_processor_id(void) { return (u32)SIM(smp_processor_id, 0); }

/* ---- tasks ------------------------------------------------------------------------------- */

void scx_bpf_task_set_slice(struct task_struct *p, u64 slice)
{
	if (api->task_set_slice)
		api->task_set_slice(api->sim, p, slice);
	else
		p->scx.slice = slice;
}
void scx_bpf_task_set_dsq_vtime(struct task_struct *p, u64 vtime)
{
	if (api->task_set_dsq_vtime)
		api->task_set_dsq_vtime(api->sim, p, vtime);
	else
		p->scx.dsq_vtime = vtime;
}
/* Tasks outlive every callback in the simulator: references need no counting. */
struct task_struct *bpf_task_acquire(struct task_struct *p) { return p; }
void bpf_task_release(struct task_struct *p) { (void)p; }
struct cgroup *bpf_cgroup_acquire(struct cgroup *cgrp) { return cgrp; }
void bpf_cgroup_release(struct cgroup *cgrp) { (void)cgrp; }
/* The simulator fills every cgroup's ancestors[] (sim/ext/cgroups.cc). */
struct cgroup *bpf_cgroup_ancestor(struct cgroup *cgrp, int level)
{
	if (!cgrp || level < 0 || level > cgrp->level || level > SCXTWIN_CGROUP_MAX_LEVEL)
		return NULL;
	return cgrp->ancestors[level];
}

u64 bpf_get_current_pid_tgid(void)
{
	struct task_struct *p = bpf_get_current_task_btf();
	return p ? ((u64)p->tgid << 32) | (u32)p->pid : 0;
}
long bpf_get_current_comm(void *buf, u32 size_of_buf)
{
	struct task_struct *p = bpf_get_current_task_btf();
	return bpf_probe_read_kernel_str(buf, size_of_buf, p ? p->comm : "swapper");
}
struct task_struct *bpf_get_current_task_btf(void)
{
	return api->cpu_curr ? api->cpu_curr(api->sim, bpf_get_smp_processor_id()) : NULL;
}

/* ---- memory helpers ---------------------------------------------------------------------- */

long bpf_probe_read_kernel(void *dst, u32 size, const void *unsafe_ptr)
{
	if (!unsafe_ptr) {
		__builtin_memset(dst, 0, size);
		return -EFAULT;
	}
	__builtin_memcpy(dst, unsafe_ptr, size);
	return 0;
}
long bpf_probe_read_kernel_str(void *dst, u32 size, const void *unsafe_ptr)
{
	char *d = dst;
	const char *s = unsafe_ptr;
	u32 i;
	if (!size)
		return 0;
	if (!s) {
		d[0] = '\0';
		return -EFAULT;
	}
	for (i = 0; i + 1 < size && s[i]; i++)
		d[i] = s[i];
	d[i] = '\0';
	return (long)i + 1;
}
long bpf_probe_read_user(void *dst, u32 size, const void *unsafe_ptr)
{
	return bpf_probe_read_kernel(dst, size, unsafe_ptr);
}
long bpf_probe_read_user_str(void *dst, u32 size, const void *unsafe_ptr)
{
	return bpf_probe_read_kernel_str(dst, size, unsafe_ptr);
}
long bpf_strncmp(const char *s1, u32 s1_sz, const char *s2)
{
	return __builtin_strncmp(s1, s2, s1_sz);
}
void *bpf_kptr_xchg(void *map_value, void *ptr)
{
	void **slot = map_value;
	void *old = *slot;
	*slot = ptr;
	return old;
}
long bpf_loop(u32 nr_loops, void *callback_fn, void *callback_ctx, u64 flags)
{
	long (*cb)(u64 index, void *ctx) = (long (*)(u64, void *))callback_fn;
	u32 i;
	(void)flags;
	for (i = 0; i < nr_loops; i++)
		if (cb(i, callback_ctx))
			return (long)i + 1;
	return (long)nr_loops;
}

/*
 * The kernel's per-CPU frequency policies (`extern struct cpufreq_policy *cpufreq_cpu_data
 * __ksym`, which scx_lavd reads CPU by CPU): the simulated machine has no cpufreq driver, so every
 * CPU's entry is NULL, as on a kernel without one (a guest, or a CPU whose firmware controls its
 * frequency).
 */
__attribute__((aligned(8))) struct cpufreq_policy *cpufreq_cpu_data[SCXTWIN_MAX_CPUS];

/* Single-threaded simulator: nothing runs concurrently with a callback. */
void bpf_spin_lock(struct bpf_spin_lock *lock) { (void)lock; }
void bpf_spin_unlock(struct bpf_spin_lock *lock) { (void)lock; }
int bpf_res_spin_lock(struct bpf_res_spin_lock *lock) { (void)lock; return 0; }
void bpf_res_spin_unlock(struct bpf_res_spin_lock *lock) { (void)lock; }
void bpf_rcu_read_lock(void) {}
void bpf_rcu_read_unlock(void) {}

/* ---- maps -------------------------------------------------------------------------------- */

#define SCXTWIN_MAP_HELPER(type, entry, params, args, forwarder, dflt, helper, ...)            \
	SCXTWIN_MAP_FORWARD_##forwarder(type, entry, params, args, dflt, helper)
#define SCXTWIN_MAP_FORWARD_FWD(type, entry, params, args, dflt, helper)                          \
	type(helper) SCXTWIN_PROTOTYPE(params)                                                   \
	{                                                                                        \
		return api->entry ? api->entry SCXTWIN_WITH_CONTEXT(api->maps, args)             \
				  : (unsupported(#entry), (dflt));                               \
	}
#define SCXTWIN_MAP_FORWARD_OWN(type, entry, params, args, dflt, helper)
#include <scxtwin/map_helper_list.inc>
#undef SCXTWIN_MAP_HELPER

/*
 * A ring buffer record is complete when reserved (maps.cc): with no reader, committing or
 * discarding it changes nothing anyone sees.
 */
void bpf_ringbuf_submit(void *data, u64 flags) { (void)data; (void)flags; }
void bpf_ringbuf_discard(void *data, u64 flags) { (void)data; (void)flags; }

/*
 * Cgroup local storage is the same map kind keyed by another owner: the map (created as local
 * storage, maps.cc) keys its values by the owner's address, a cgroup's here.
 */
void *bpf_cgrp_storage_get(void *map, struct cgroup *cgrp, void *value, u64 flags)
{
	return api->task_storage_get
		       ? api->task_storage_get(api->maps, map, (struct task_struct *)cgrp, value, flags)
		       : (unsupported("task_storage_get"), (void *)0);
}
long bpf_cgrp_storage_delete(void *map, struct cgroup *cgrp)
{
	return api->task_storage_delete
		       ? api->task_storage_delete(api->maps, map, (struct task_struct *)cgrp)
		       : (unsupported("task_storage_delete"), -EINVAL);
}

/* ---- timers ------------------------------------------------------------------------------ */

long bpf_timer_init(struct bpf_timer *timer, void *map, u64 flags)
{
	u64 key = 0;
	void *value = NULL;
	if (timer->map)
		return -EBUSY;
	if (!api->map_elem_of || api->map_elem_of(api->maps, map, timer, &key, &value))
		return -EINVAL;
	timer->map = map;
	timer->key = key;
	timer->value = value;
	timer->flags = flags;
	return 0;
}
long bpf_timer_set_callback(struct bpf_timer *timer, void *callback_fn)
{
	if (!timer->map)
		return -EINVAL;
	timer->callback = callback_fn;
	return 0;
}
long bpf_timer_start(struct bpf_timer *timer, u64 nsecs, u64 flags)
{
	if (!timer->map)
		return -EINVAL;
	return SIM(timer_start, -EINVAL, timer, nsecs, flags);
}
long bpf_timer_cancel(struct bpf_timer *timer)
{
	if (!timer->map)
		return -EINVAL;
	return SIM(timer_cancel, -EINVAL, timer);
}

/* ---- cpumasks ---------------------------------------------------------------------------- */

#define MASK_WORDS (sizeof(cpumask_t) / sizeof(unsigned long))
#define WORD_BITS (8 * sizeof(unsigned long))

static u32 nr_cpus(void)
{
	u32 n = api->nr_cpu_ids ? api->nr_cpu_ids(api->sim) : SCXTWIN_MAX_CPUS;
	return n > SCXTWIN_MAX_CPUS ? SCXTWIN_MAX_CPUS : n;
}
static bool test_bit(u32 cpu, const struct cpumask *m)
{
	return (m->bits[cpu / WORD_BITS] >> (cpu % WORD_BITS)) & 1;
}

struct bpf_cpumask *bpf_cpumask_create(void)
{
	struct bpf_cpumask *m = calloc(1, sizeof(*m));
	if (m)
		m->usage.refs.counter = 1;
	return m;
}
struct bpf_cpumask *bpf_cpumask_acquire(struct bpf_cpumask *cpumask)
{
	cpumask->usage.refs.counter++;
	return cpumask;
}
void bpf_cpumask_release(struct bpf_cpumask *cpumask)
{
	if (cpumask && --cpumask->usage.refs.counter == 0)
		free(cpumask);
}
u32 bpf_cpumask_first(const struct cpumask *cpumask)
{
	u32 cpu, n = nr_cpus();
	for (cpu = 0; cpu < n; cpu++)
		if (test_bit(cpu, cpumask))
			return cpu;
	return n;
}
u32 bpf_cpumask_first_zero(const struct cpumask *cpumask)
{
	u32 cpu, n = nr_cpus();
	for (cpu = 0; cpu < n; cpu++)
		if (!test_bit(cpu, cpumask))
			return cpu;
	return n;
}
u32 bpf_cpumask_first_and(const struct cpumask *src1, const struct cpumask *src2)
{
	u32 cpu, n = nr_cpus();
	for (cpu = 0; cpu < n; cpu++)
		if (test_bit(cpu, src1) && test_bit(cpu, src2))
			return cpu;
	return n;
}
void bpf_cpumask_set_cpu(u32 cpu, struct bpf_cpumask *cpumask)
{
	if (cpu < nr_cpus())
		cpumask->cpumask.bits[cpu / WORD_BITS] |= 1UL << (cpu % WORD_BITS);
}
void bpf_cpumask_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask)
{
	if (cpu < nr_cpus())
		cpumask->cpumask.bits[cpu / WORD_BITS] &= ~(1UL << (cpu % WORD_BITS));
}
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask)
{
	return cpu < nr_cpus() && test_bit(cpu, cpumask);
}
bool bpf_cpumask_test_and_set_cpu(u32 cpu, struct bpf_cpumask *cpumask)
{
	bool was = bpf_cpumask_test_cpu(cpu, &cpumask->cpumask);
	bpf_cpumask_set_cpu(cpu, cpumask);
	return was;
}
bool bpf_cpumask_test_and_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask)
{
	bool was = bpf_cpumask_test_cpu(cpu, &cpumask->cpumask);
	bpf_cpumask_clear_cpu(cpu, cpumask);
	return was;
}
void bpf_cpumask_setall(struct bpf_cpumask *cpumask)
{
	u32 cpu, n = nr_cpus();
	__builtin_memset(&cpumask->cpumask, 0, sizeof(cpumask->cpumask));
	for (cpu = 0; cpu < n; cpu++)
		bpf_cpumask_set_cpu(cpu, cpumask);
}
void bpf_cpumask_clear(struct bpf_cpumask *cpumask)
{
	__builtin_memset(&cpumask->cpumask, 0, sizeof(cpumask->cpumask));
}
bool bpf_cpumask_and(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2)
{
	unsigned long any = 0;
	u32 i;
	for (i = 0; i < MASK_WORDS; i++)
		any |= dst->cpumask.bits[i] = src1->bits[i] & src2->bits[i];
	return any != 0;
}
void bpf_cpumask_or(struct bpf_cpumask *dst, const struct cpumask *src1,
		    const struct cpumask *src2)
{
	u32 i;
	for (i = 0; i < MASK_WORDS; i++)
		dst->cpumask.bits[i] = src1->bits[i] | src2->bits[i];
}
void bpf_cpumask_xor(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2)
{
	u32 i;
	for (i = 0; i < MASK_WORDS; i++)
		dst->cpumask.bits[i] = src1->bits[i] ^ src2->bits[i];
}
bool bpf_cpumask_equal(const struct cpumask *src1, const struct cpumask *src2)
{
	u32 cpu, n = nr_cpus();
	for (cpu = 0; cpu < n; cpu++)
		if (test_bit(cpu, src1) != test_bit(cpu, src2))
			return false;
	return true;
}
bool bpf_cpumask_intersects(const struct cpumask *src1, const struct cpumask *src2)
{
	return bpf_cpumask_first_and(src1, src2) < nr_cpus();
}
bool bpf_cpumask_subset(const struct cpumask *src1, const struct cpumask *src2)
{
	u32 cpu, n = nr_cpus();
	for (cpu = 0; cpu < n; cpu++)
		if (test_bit(cpu, src1) && !test_bit(cpu, src2))
			return false;
	return true;
}
bool bpf_cpumask_empty(const struct cpumask *cpumask)
{
	return bpf_cpumask_first(cpumask) >= nr_cpus();
}
bool bpf_cpumask_full(const struct cpumask *cpumask)
{
	return bpf_cpumask_first_zero(cpumask) >= nr_cpus();
}
void bpf_cpumask_copy(struct bpf_cpumask *dst, const struct cpumask *src)
{
	__builtin_memcpy(&dst->cpumask, src, sizeof(*src));
}
/* The kernel spreads these picks; the simulator picks the first, for determinism. */
u32 bpf_cpumask_any_distribute(const struct cpumask *cpumask) { return bpf_cpumask_first(cpumask); }
u32 bpf_cpumask_any_and_distribute(const struct cpumask *src1, const struct cpumask *src2)
{
	return bpf_cpumask_first_and(src1, src2);
}
u32 bpf_cpumask_weight(const struct cpumask *cpumask)
{
	u32 cpu, n = nr_cpus(), w = 0;
	for (cpu = 0; cpu < n; cpu++)
		w += test_bit(cpu, cpumask);
	return w;
}
