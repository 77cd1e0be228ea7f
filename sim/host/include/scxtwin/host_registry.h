/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a policy object tells its loader about itself: its maps, its struct_ops and its globals.
 *
 * The build (sim/host/build_host_policy.sh) lists the objects a compiled policy places in the
 * BPF sections (.maps, .struct_ops[.link], .data, .bss, .rodata) and generates one function,
 * scxtwin_registry(), compiled in the policy's own translation unit, that reports each of them
 * with its address, size and (for maps) parameters. The loader calls it once after dlopen.
 *
 * A project policy (policy/NAME.bpf.c) also reports its knob and counter tables: in host mode
 * <scxtwin/common.bpf.h> turns each row of NAME_KNOBS / NAME_STATS into a descriptor object
 * (__scxtwin_knob_NAME, __scxtwin_stat_NAME, below), which the build finds by name like the
 * other objects. The simulator then checks --set against the same table as the kernel loader.
 * Kernel-tree schedulers have no such table; their knobs are checked by type only.
 */
#ifndef __SCXTWIN_HOST_REGISTRY_H
#define __SCXTWIN_HOST_REGISTRY_H

#include "vmlinux.h"

#ifdef __cplusplus
extern "C" {
#endif

enum scxtwin_section {
	SCXTWIN_SECTION_DATA = 0,
	SCXTWIN_SECTION_BSS = 1,
	SCXTWIN_SECTION_RODATA = 2, /* const volatile: the knobs */
};

enum scxtwin_scalar {
	SCXTWIN_SCALAR_NONE = 0, /* an array, struct or pointer */
	SCXTWIN_SCALAR_BOOL = 1,
	SCXTWIN_SCALAR_SIGNED = 2,
	SCXTWIN_SCALAR_UNSIGNED = 3,
};

struct scxtwin_map_def {
	const char *name;
	void *addr;      /* the map variable; the loader keeps its handle in the first 8 bytes */
	u64 size;        /* sizeof the map variable */
	u32 type;        /* enum bpf_map_type */
	u32 max_entries;
	u32 key_size;
	u32 value_size;
	u32 map_flags;
	/* A map of maps (__array(values, struct inner)): the inner maps' parameters. */
	u32 inner_type;
	u32 inner_max_entries;
	u32 inner_key_size;
	u32 inner_value_size;
	u32 inner_map_flags;
	u32 __outer_indent; /* used while reading the definition */
};

/*
 * An arena map's memory (BPF_MAP_TYPE_ARENA): `nr_pages` pages at `base`, `used[i]` set for an
 * allocated page. The loader creates it and keeps a pointer to it in the map variable's second
 * word (the first holds the map's handle); runtime/host_arena.c allocates from it.
 */
#define SCXTWIN_ARENA_PAGE_SIZE 4096
struct scxtwin_arena {
	char *base;
	u64 nr_pages;
	u8 *used;
	u64 nr_used;
};

struct scxtwin_global_def {
	const char *name;
	void *addr;
	u64 size;
	u32 section; /* enum scxtwin_section */
	u32 scalar;  /* enum scxtwin_scalar */
};

/* One row of a policy's NAME_KNOBS: KNOB(name, default, min, max, help). */
struct scxtwin_knob_spec_def {
	const char *name;
	u64 default_value;
	u64 min;
	u64 max;
	const char *help;
	u32 order; /* increases along the X-macro list (__COUNTER__): the table's order */
};

/* One row of a policy's NAME_STATS: STAT(name, help); `index` is its key in the `stats` map. */
struct scxtwin_stat_spec_def {
	const char *name;
	const char *help;
	u32 index;
};

/*
 * A Kconfig extern (`extern unsigned CONFIG_HZ __kconfig;`, LINUX_KERNEL_VERSION, ...): its
 * storage in the object and its value in the kernel config the object was built against (the
 * text after "NAME=", e.g. "250", "y", "\"str\""; NULL if that config has none). The loader
 * writes the value as libbpf does at load time.
 */
#define SCXTWIN_KCONFIG_MAX_SIZE 256
struct scxtwin_kconfig_def {
	const char *name;
	void *addr;        /* SCXTWIN_KCONFIG_MAX_SIZE bytes of storage */
	u64 size;          /* sizeof the extern as the policy declares it */
	u32 scalar;        /* enum scxtwin_scalar; NONE for a char array (a string value) */
	u32 weak;          /* declared __weak: may be absent (reads 0) */
	const char *value;
};

/* A SEC("syscall") program, which user space runs (bpf_prog_test_run); `ctx` is its argument. */
typedef int (*scxtwin_syscall_prog_fn)(void *ctx);

struct scxtwin_registry_sink {
	void *ctx;
	void (*map)(void *ctx, const struct scxtwin_map_def *def);
	void (*ops)(void *ctx, const char *name, struct sched_ext_ops *ops);
	void (*global)(void *ctx, const struct scxtwin_global_def *def);
	void (*prog)(void *ctx, const char *name, scxtwin_syscall_prog_fn prog);
	void (*knob)(void *ctx, const struct scxtwin_knob_spec_def *def);
	void (*stat)(void *ctx, const struct scxtwin_stat_spec_def *def);
	void (*kconfig)(void *ctx, const struct scxtwin_kconfig_def *def);
};

#define SCXTWIN_REGISTRY_SYMBOL "scxtwin_registry"
typedef void (*scxtwin_registry_fn)(const struct scxtwin_registry_sink *sink);

#ifndef __cplusplus
/* ---- used by the generated registry, compiled in the policy's translation unit ------------ */
#include <stdarg.h>

/* The number inside the last [...] of a type name such as "int (*)[6]". */
static inline u32 scxtwin_array_bound(const char *type)
{
	const char *open = 0;
	u32 v = 0;
	for (const char *c = type; *c; c++)
		if (*c == '[')
			open = c;
	if (!open)
		return 0;
	for (const char *c = open + 1; *c >= '0' && *c <= '9'; c++)
		v = v * 10 + (u32)(*c - '0');
	return v;
}

/*
 * __builtin_dump_struct() calls this once per line; member lines are "%s%s %s = %p\n" with
 * (indent, type name, member name, value). The map's parameters are in the type names.
 */
static inline int scxtwin_map_def_member(struct scxtwin_map_def *def, const char *fmt, ...)
{
	const char *indent, *type, *member;
	va_list ap;
	u32 v;

	if (__builtin_strncmp(fmt, "%s%s %s = ", 10) != 0)
		return 0;
	va_start(ap, fmt);
	indent = va_arg(ap, const char *);
	type = va_arg(ap, const char *);
	member = va_arg(ap, const char *);
	va_end(ap);
	v = scxtwin_array_bound(type);
	/* The inner map's members (a nested struct) are indented further than the outer's. */
	u32 depth = (u32)__builtin_strlen(indent);
	if (!def->__outer_indent)
		def->__outer_indent = depth;
	int inner = depth > def->__outer_indent;
	u32 *type_p = inner ? &def->inner_type : &def->type;
	u32 *max_p = inner ? &def->inner_max_entries : &def->max_entries;
	u32 *key_p = inner ? &def->inner_key_size : &def->key_size;
	u32 *value_p = inner ? &def->inner_value_size : &def->value_size;
	u32 *flags_p = inner ? &def->inner_map_flags : &def->map_flags;
	if (!__builtin_strcmp(member, "type"))
		*type_p = v;
	else if (!__builtin_strcmp(member, "max_entries"))
		*max_p = v;
	else if (!__builtin_strcmp(member, "key_size") ||
		 !__builtin_strcmp(member, "__scxtwin_sizeof_key"))
		*key_p = v;
	else if (!__builtin_strcmp(member, "value_size") ||
		 !__builtin_strcmp(member, "__scxtwin_sizeof_value"))
		*value_p = v;
	else if (!__builtin_strcmp(member, "map_flags"))
		*flags_p = v;
	return 0;
}

#define SCXTWIN_REGISTER_MAP(sink, var)                                                      \
	do {                                                                                 \
		struct scxtwin_map_def ___def = { #var, (void *)&(var), sizeof(var) };       \
		__builtin_dump_struct(&(var), scxtwin_map_def_member, &___def);              \
		(sink)->map((sink)->ctx, &___def);                                           \
	} while (0)

/* A cid-form table (struct sched_ext_ops_cid) is reported through its CPU-form view. */
struct sched_ext_ops *scxtwin_ops_from_cid(struct sched_ext_ops_cid *ops);
#define SCXTWIN_REGISTER_OPS(sink, var)                                                      \
	(sink)->ops((sink)->ctx, #var,                                                       \
		    _Generic(&(var), struct sched_ext_ops_cid *                              \
			     : scxtwin_ops_from_cid((struct sched_ext_ops_cid *)&(var)),     \
			     default : (struct sched_ext_ops *)&(var)))

#define SCXTWIN_REGISTER_PROG(sink, fn)                                                      \
	(sink)->prog((sink)->ctx, #fn, (scxtwin_syscall_prog_fn)(void *)(fn))

#define SCXTWIN_REGISTER_KNOB_SPEC(sink, var) (sink)->knob((sink)->ctx, &(var))
#define SCXTWIN_REGISTER_STAT_SPEC(sink, var) (sink)->stat((sink)->ctx, &(var))

/*
 * The descriptors themselves, emitted by <scxtwin/common.bpf.h> in host mode (its knob and
 * counter macros call these hooks; in BPF mode the hooks are empty). Not static, and `used`, so
 * that the build's scan of the compiled policy sees them by name.
 */
#define SCXTWIN_KNOB_DESCRIBE(name, dflt, lo, hi, help_text)                                  \
	__attribute__((used)) const struct scxtwin_knob_spec_def __scxtwin_knob_##name = {     \
		#name, (dflt), (lo), (hi), (help_text), __COUNTER__};
#define SCXTWIN_STAT_DESCRIBE_ONE(name, help_text)                                            \
	__attribute__((used)) const struct scxtwin_stat_spec_def __scxtwin_stat_##name = {     \
		#name, (help_text), STAT_##name};
#define SCXTWIN_STATS_DESCRIBE(LIST) LIST(SCXTWIN_STAT_DESCRIBE_ONE)

#define SCXTWIN_SCALAR_KIND(x)                                                               \
	_Generic((x), _Bool: SCXTWIN_SCALAR_BOOL, char: SCXTWIN_SCALAR_SIGNED,                 \
		 signed char: SCXTWIN_SCALAR_SIGNED, short: SCXTWIN_SCALAR_SIGNED,             \
		 int: SCXTWIN_SCALAR_SIGNED, long: SCXTWIN_SCALAR_SIGNED,                      \
		 long long: SCXTWIN_SCALAR_SIGNED, unsigned char: SCXTWIN_SCALAR_UNSIGNED,     \
		 unsigned short: SCXTWIN_SCALAR_UNSIGNED, unsigned int: SCXTWIN_SCALAR_UNSIGNED, \
		 unsigned long: SCXTWIN_SCALAR_UNSIGNED,                                       \
		 unsigned long long: SCXTWIN_SCALAR_UNSIGNED, default: SCXTWIN_SCALAR_NONE)

#define SCXTWIN_REGISTER_KCONFIG(sink, var, is_weak, text)                                   \
	do {                                                                                 \
		struct scxtwin_kconfig_def ___def = { #var, (void *)&(var), sizeof(var),     \
						       SCXTWIN_SCALAR_KIND(var), (is_weak),   \
						       (text) };                              \
		(sink)->kconfig((sink)->ctx, &___def);                                       \
	} while (0)

#define SCXTWIN_REGISTER_GLOBAL(sink, var, section)                                          \
	do {                                                                                 \
		struct scxtwin_global_def ___def = { #var, (void *)&(var), sizeof(var),      \
						     (section), SCXTWIN_SCALAR_KIND(var) };   \
		(sink)->global((sink)->ctx, &___def);                                        \
	} while (0)
#endif /* !__cplusplus */

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* __SCXTWIN_HOST_REGISTRY_H */
