/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode <bpf/bpf_helpers.h>: the annotations and helpers a BPF program uses, for a program
 * compiled as host C. Annotations become ordinary C attributes; helpers become ordinary
 * functions, defined by sim/host/runtime/host_kfuncs.c in every policy object.
 */
#ifndef __SCXTWIN_HOST_BPF_HELPERS_H
#define __SCXTWIN_HOST_BPF_HELPERS_H

#include "vmlinux.h"

/*
 * Sections are kept (the build lists the objects in ".maps", ".struct_ops*", ".data",
 * ".rodata", ".bss" to register them with the loader).
 */
#define SEC(name) __attribute__((section(name), used))

/*
 * Map definitions. As in BPF, type/max_entries are encoded in array sizes and key/value types
 * in pointer types: the variable holds no data (the loader keeps the map's storage). __type()
 * adds a second member whose type spells the size out, so the loader reads every map's
 * parameters with __builtin_dump_struct() whichever of key/key_size a program used.
 */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) __typeof__(val) *name; char (*__scxtwin_sizeof_##name)[sizeof(val)]
/*
 * A map of maps' inner definition: also embedded as a member, so the loader reads the inner
 * maps' parameters the same way (__array() comes last in a map definition, as in BPF).
 */
#define __array(name, val) __typeof__(val) __scxtwin_inner_##name; __typeof__(val) *name[]
#define __ulong(name, val) enum { ___scxtwin_##name = val } __attribute__((unused)) *name

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif
#ifndef __weak
#define __weak __attribute__((weak))
#endif
#ifndef __hidden
#define __hidden __attribute__((visibility("hidden")))
#endif
/*
 * kfuncs and helpers are plain functions of the policy object. Kconfig values are data the build
 * gives storage and the loader fills from the kernel config (build_host_policy.sh); as in libbpf,
 * only an extern declared __weak may be missing.
 */
#define __ksym
#define __kconfig
#define __kptr_untrusted
#define __kptr
#define __percpu_kptr
#define __uptr
#define __arg_ctx
#define __arg_nonnull
#define __arg_nullable
#define __arg_trusted
#define __arg_untrusted
#define __arg_arena
#define __arena
#define __tag(x)
#define __btf_decl_tag(x)
#define __bpf_fastcall

#ifndef __bpf_unreachable
#define __bpf_unreachable() __builtin_unreachable()
#endif
#ifndef barrier
#define barrier() __asm__ __volatile__("" : : : "memory")
#endif
#ifndef barrier_var
#define barrier_var(var) __asm__ __volatile__("" : "+r"(var))
#endif

#ifndef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif
#ifndef container_of
#define container_of(ptr, type, member)                                                     \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif

/* A weak kfunc the policy object does not define resolves to address 0, as in libbpf. */
#define bpf_ksym_exists(sym) (!!(&(sym)))

/* ---- loops: the BPF open-coded iterators become plain loops ------------------------------- */
#define BPF_MAX_LOOPS (8 * 1024 * 1024)
#define bpf_for(i, start, end) for ((i) = (start); (i) < (end); (i)++)
#define ___scxtwin_concat(a, b) a##b
#define ___scxtwin_uniq(name) ___scxtwin_concat(name, __LINE__)
#define bpf_repeat(N)                                                                       \
	for (long ___scxtwin_uniq(___rep) = 0; ___scxtwin_uniq(___rep) < (long)(N);          \
	     ___scxtwin_uniq(___rep)++)
/* bpf_for_each(type, cur, args...): bpf_iter_<type>_new/next/destroy, destroyed on exit. */
#define bpf_for_each(type, cur, args...)                                                    \
	for (struct bpf_iter_##type ___it                                                   \
		     __attribute__((cleanup(bpf_iter_##type##_destroy))),                   \
	     *___scxtwin_p __attribute__((unused)) =                                       \
		     (bpf_iter_##type##_new(&___it, ##args), (void *)0);                    \
	     ((cur) = bpf_iter_##type##_next(&___it));)

/* ---- helpers ----------------------------------------------------------------------------- */
void *bpf_map_lookup_elem(void *map, const void *key);
long bpf_map_update_elem(void *map, const void *key, const void *value, u64 flags);
long bpf_map_delete_elem(void *map, const void *key);
long bpf_map_push_elem(void *map, const void *value, u64 flags);
long bpf_map_pop_elem(void *map, void *value);
long bpf_map_peek_elem(void *map, void *value);
void *bpf_map_lookup_percpu_elem(void *map, const void *key, u32 cpu);
void *bpf_task_storage_get(void *map, struct task_struct *task, void *value, u64 flags);
long bpf_task_storage_delete(void *map, struct task_struct *task);
void *bpf_cgrp_storage_get(void *map, struct cgroup *cgrp, void *value, u64 flags);
long bpf_cgrp_storage_delete(void *map, struct cgroup *cgrp);
void *bpf_ringbuf_reserve(void *ringbuf, u64 size, u64 flags);
long bpf_ringbuf_output(void *ringbuf, void *data, u64 size, u64 flags);
void bpf_ringbuf_submit(void *data, u64 flags);
void bpf_ringbuf_discard(void *data, u64 flags);

u64 bpf_ktime_get_ns(void);
u64 bpf_ktime_get_boot_ns(void);
u64 bpf_ktime_get_coarse_ns(void);
u64 bpf_jiffies64(void);
u32 bpf_get_smp_processor_id(void);
u32 bpf_get_prandom_u32(void);
u64 bpf_get_current_pid_tgid(void);
long bpf_get_current_comm(void *buf, u32 size_of_buf);
struct task_struct *bpf_get_current_task_btf(void);

long bpf_probe_read_kernel(void *dst, u32 size, const void *unsafe_ptr);
long bpf_probe_read_kernel_str(void *dst, u32 size, const void *unsafe_ptr);
long bpf_probe_read_user(void *dst, u32 size, const void *unsafe_ptr);
long bpf_probe_read_user_str(void *dst, u32 size, const void *unsafe_ptr);
long bpf_strncmp(const char *s1, u32 s1_sz, const char *s2);
void *bpf_kptr_xchg(void *map_value, void *ptr);
long bpf_loop(u32 nr_loops, void *callback_fn, void *callback_ctx, u64 flags);

/*
 * Kernel per-CPU variables (`extern struct rq runqueues __ksym`, ...): the simulator has none, so
 * every such __ksym is absent (address 0, bpf_ksym_exists() false) and a per-CPU pointer to one
 * is NULL, what the kernel's helpers return for a CPU they cannot give.
 */
static inline void *bpf_per_cpu_ptr(const void *percpu_ptr, u32 cpu)
{
	(void)percpu_ptr;
	(void)cpu;
	return (void *)0;
}
static inline void *bpf_this_cpu_ptr(const void *percpu_ptr)
{
	(void)percpu_ptr;
	return (void *)0;
}

/*
 * Hardware performance counters: the simulated CPUs have none, so a perf event array holds no
 * events and reading one fails as for an empty slot (-ENOENT); a scheduler that measures with
 * them (scx_cosmos's PMU mode) sees no counts.
 */
static inline long bpf_perf_event_read_value(void *map, u64 flags, struct bpf_perf_event_value *buf,
					     u32 buf_size)
{
	(void)map;
	(void)flags;
	if (buf && buf_size >= sizeof(*buf))
		__builtin_memset(buf, 0, sizeof(*buf));
	return -2; /* -ENOENT */
}

/* Single-threaded simulator: locks and RCU sections have nothing to exclude. */
void bpf_spin_lock(struct bpf_spin_lock *lock);
void bpf_spin_unlock(struct bpf_spin_lock *lock);

long bpf_timer_init(struct bpf_timer *timer, void *map, u64 flags);
long bpf_timer_set_callback(struct bpf_timer *timer, void *callback_fn);
long bpf_timer_start(struct bpf_timer *timer, u64 nsecs, u64 flags);
long bpf_timer_cancel(struct bpf_timer *timer);

long bpf_trace_vprintk(const char *fmt, u32 fmt_size, const void *data, u32 data_len);
/* printf-style on the host: the BPF format specifiers are a subset of printf's. */
long scxtwin_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define bpf_printk(fmt, args...) scxtwin_printk(fmt, ##args)
/* BPF streams (stdout 1, stderr 2) go where bpf_printk goes. */
#define bpf_stream_printk(stream_id, fmt, args...) ((void)(stream_id), scxtwin_printk(fmt, ##args))

/* Argument counting, as the BPF headers offer it (used by scx_bpf_bstr_preamble and friends). */
#define ___bpf_concat(a, b) a##b
#define ___bpf_apply(fn, n) ___bpf_concat(fn, n)
#define ___bpf_nth(_, _1, _2, _3, _4, _5, _6, _7, _8, _9, _a, _b, _c, N, ...) N
#define ___bpf_narg(...) ___bpf_nth(_, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
/* ___bpf_fill(arr, args...): arr[i] = the i-th argument (the u64 array of a bstr/vprintk call). */
#define ___bpf_fill0(arr, p, x)
#define ___bpf_fill1(arr, p, x) arr[p] = x
#define ___bpf_fill2(arr, p, x, args...) arr[p] = x; ___bpf_fill1(arr, p + 1, args)
#define ___bpf_fill3(arr, p, x, args...) arr[p] = x; ___bpf_fill2(arr, p + 1, args)
#define ___bpf_fill4(arr, p, x, args...) arr[p] = x; ___bpf_fill3(arr, p + 1, args)
#define ___bpf_fill5(arr, p, x, args...) arr[p] = x; ___bpf_fill4(arr, p + 1, args)
#define ___bpf_fill6(arr, p, x, args...) arr[p] = x; ___bpf_fill5(arr, p + 1, args)
#define ___bpf_fill7(arr, p, x, args...) arr[p] = x; ___bpf_fill6(arr, p + 1, args)
#define ___bpf_fill8(arr, p, x, args...) arr[p] = x; ___bpf_fill7(arr, p + 1, args)
#define ___bpf_fill9(arr, p, x, args...) arr[p] = x; ___bpf_fill8(arr, p + 1, args)
#define ___bpf_fill10(arr, p, x, args...) arr[p] = x; ___bpf_fill9(arr, p + 1, args)
#define ___bpf_fill11(arr, p, x, args...) arr[p] = x; ___bpf_fill10(arr, p + 1, args)
#define ___bpf_fill12(arr, p, x, args...) arr[p] = x; ___bpf_fill11(arr, p + 1, args)
#define ___bpf_fill(arr, args...) ___bpf_apply(___bpf_fill, ___bpf_narg(args))(arr, 0, args)

#endif /* __SCXTWIN_HOST_BPF_HELPERS_H */
