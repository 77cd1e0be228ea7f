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
 *   - `sim` and every entry under "simulator" are the simulator's (sim/ext/); the entries are the
 *     rows of scxtwin/kfunc_list.inc, which documents each;
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
#include <cstddef> /* size_t (vmlinux.h leaves it to libc in C++) */
extern "C" {
#endif

/* Bumped whenever an entry is added, removed or changes meaning; also when the registry
 * (host_registry.h) changes, since the loader and the object share it too.
 * 2: the registry sink reports knob and counter tables (knob, stat). */
#define SCXTWIN_HOST_API_VERSION 5

struct scxtwin_host_api {
	u32 version;  /* SCXTWIN_HOST_API_VERSION */
	u32 size;     /* sizeof(struct scxtwin_host_api) */

	/* ================================ simulator ================================ */
	void *sim;

	/* Every kfunc and helper entry, in the order of kfunc_list.inc. */
#define SCXTWIN_KFUNC(type, entry, params, args, forwarder, dflt, kfunc, method, log, ...) \
	type (*entry) SCXTWIN_WITH_CONTEXT(void *sim, params);
#define SCXTWIN_KFUNC_VOID(entry, params, args, forwarder, kfunc, method, log, ...) \
	void (*entry) SCXTWIN_WITH_CONTEXT(void *sim, params);
#include "scxtwin/kfunc_list.inc"
#undef SCXTWIN_KFUNC
#undef SCXTWIN_KFUNC_VOID

	/* ================================== maps =================================== */
	void *maps;
	/* Every map helper entry, in the order of map_helper_list.inc. */
#define SCXTWIN_MAP_HELPER(type, entry, params, ...) type (*entry) SCXTWIN_WITH_CONTEXT(void *maps, params);
#include "scxtwin/map_helper_list.inc"
#undef SCXTWIN_MAP_HELPER
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
