/*
 * The host-mode meanings of the BPF and scx macros, checked in plain C (this file is compiled
 * like a policy: -D__SCXTWIN_HOST__, sim/host/include first).
 */
#include <scx/common.bpf.h>
#include <scxtwin/host_registry.h>

int printf(const char *fmt, ...);

static int failures;
#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			printf("%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);      \
			failures++;                                                          \
		}                                                                            \
	} while (0)

/* BPF_STRUCT_OPS declares the callback with its real arguments (and (void) without any). */
s32 BPF_STRUCT_OPS(t_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return prev_cpu + (s32)wake_flags + (p ? 100 : 0);
}
s32 BPF_STRUCT_OPS_SLEEPABLE(t_init)
{
	return 7;
}

u64 four[4];
bool RESIZABLE_ARRAY(data, per_cpu_flags);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, u32);
	__type(value, struct scx_exit_info);
} typed_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, 24);
	__uint(max_entries, 3);
} sized_map SEC(".maps");

static struct scxtwin_map_def described;
static void describe(void *ctx, const struct scxtwin_map_def *def) { described = *def; }

/* A project policy's tables (common.bpf.h calls these hooks in host mode). The first knob is last
 * by name: the descriptors must keep the list's order, not the symbol table's. */
#define T_KNOBS(KNOB)                                                                        \
	KNOB(zeta_us, 7, 1, 90, "first in the list") KNOB(alpha, 0, 0, 1, "a switch")
T_KNOBS(SCXTWIN_KNOB_DESCRIBE)
enum { STAT_hits, STAT_misses };
#define T_STATS(STAT) STAT(hits, "lookups that hit") STAT(misses, "lookups that missed")
SCXTWIN_STATS_DESCRIBE(T_STATS)

static const struct scxtwin_knob_spec_def *seen_knob;
static const struct scxtwin_stat_spec_def *seen_stat;
static void see_knob(void *ctx, const struct scxtwin_knob_spec_def *def) { seen_knob = def; }
static void see_stat(void *ctx, const struct scxtwin_stat_spec_def *def) { seen_stat = def; }

/* The task a helper reports as current: this test's own stand-in for the runtime's. */
static struct task_struct *current_task;
struct task_struct *bpf_get_current_task_btf(void)
{
	return current_task;
}

int main(void)
{
	s32 (*select_cpu)(struct task_struct *, s32, u64) = t_select_cpu;
	s32 (*init)(void) = t_init;
	struct task_struct task = {0};
	struct scxtwin_registry_sink sink = {0, describe, 0, 0};
	u64 *ptr = four;
	int i, n = 0;

	CHECK(select_cpu(&task, 3, 2) == 105);
	CHECK(init() == 7);

	/* ARRAY_ELEM_PTR: NULL past n and past the array's own end. */
	CHECK(ARRAY_ELEM_PTR(four, 3, 8) == &four[3]);
	CHECK(ARRAY_ELEM_PTR(four, 4, 8) == NULL);
	CHECK(ARRAY_ELEM_PTR(four, 2, 2) == NULL);
	CHECK(ARRAY_ELEM_PTR(ptr, 5, 8) == &ptr[5]);
	CHECK(MEMBER_VPTR(four, [2]) == &four[2]);

	/* Resizable arrays have room for every simulated CPU. */
	CHECK(sizeof(per_cpu_flags) / sizeof(per_cpu_flags[0]) == SCXTWIN_MAX_CPUS);

	/* Loops. */
	bpf_for(i, 2, 7) n++;
	CHECK(n == 5);
	n = 0;
	bpf_repeat(4) n++;
	CHECK(n == 4);

	/* Wrap-safe time comparisons. */
	CHECK(time_before(~0ULL - 5, 3));
	CHECK(!time_after(~0ULL - 5, 3));
	CHECK(time_delta(10, 4) == 6 && time_delta(4, 10) == 0);

	/* Weights: 100 is nice 0. */
	task.scx.weight = 200;
	CHECK(scale_by_task_weight_inverse(&task, 1000) == 500);
	CHECK(scale_by_task_weight(&task, 1000) == 2000);

	/*
	 * is_migration_disabled: a count of 1 is the running BPF program's own on the current
	 * task, a real migrate_disable() on any other (a replayed scx_central dispatch met one).
	 */
	task.migration_disabled = 0;
	CHECK(!is_migration_disabled(&task));
	task.migration_disabled = 1;
	CHECK(is_migration_disabled(&task));
	current_task = &task;
	CHECK(!is_migration_disabled(&task));
	task.migration_disabled = 2;
	CHECK(is_migration_disabled(&task));
	current_task = NULL;
	task.migration_disabled = 0;

	/* CO-RE reads are member accesses. */
	task.real_parent = &task;
	task.pid = 42;
	CHECK(BPF_CORE_READ(&task, real_parent, pid) == 42);
	CHECK(bpf_core_field_exists(task.scx.slice));

	/* Map definitions: both the key_size/value_size and the __type(key/value) styles. */
	SCXTWIN_REGISTER_MAP(&sink, typed_map);
	CHECK(described.type == BPF_MAP_TYPE_HASH);
	CHECK(described.max_entries == 64);
	CHECK(described.key_size == 4);
	CHECK(described.value_size == sizeof(struct scx_exit_info));
	CHECK(described.addr == &typed_map);
	SCXTWIN_REGISTER_MAP(&sink, sized_map);
	CHECK(described.type == BPF_MAP_TYPE_PERCPU_ARRAY);
	CHECK(described.max_entries == 3);
	CHECK(described.key_size == 4 && described.value_size == 24);

	/* Knob kinds. */
	CHECK(SCXTWIN_SCALAR_KIND(task.pid) == SCXTWIN_SCALAR_SIGNED);
	CHECK(SCXTWIN_SCALAR_KIND(task.scx.slice) == SCXTWIN_SCALAR_UNSIGNED);
	CHECK(SCXTWIN_SCALAR_KIND(task.scx.disallow) == SCXTWIN_SCALAR_BOOL);
	CHECK(SCXTWIN_SCALAR_KIND(four) == SCXTWIN_SCALAR_NONE);

	/* Knob and counter table rows, and their registration. */
	CHECK(!__builtin_strcmp(__scxtwin_knob_zeta_us.name, "zeta_us"));
	CHECK(__scxtwin_knob_zeta_us.default_value == 7);
	CHECK(__scxtwin_knob_zeta_us.min == 1 && __scxtwin_knob_zeta_us.max == 90);
	CHECK(!__builtin_strcmp(__scxtwin_knob_zeta_us.help, "first in the list"));
	CHECK(__scxtwin_knob_zeta_us.order < __scxtwin_knob_alpha.order);
	CHECK(!__builtin_strcmp(__scxtwin_stat_misses.name, "misses"));
	CHECK(!__builtin_strcmp(__scxtwin_stat_misses.help, "lookups that missed"));
	CHECK(__scxtwin_stat_hits.index == 0 && __scxtwin_stat_misses.index == 1);
	sink.knob = see_knob;
	sink.stat = see_stat;
	SCXTWIN_REGISTER_KNOB_SPEC(&sink, __scxtwin_knob_alpha);
	SCXTWIN_REGISTER_STAT_SPEC(&sink, __scxtwin_stat_hits);
	CHECK(seen_knob == &__scxtwin_knob_alpha);
	CHECK(seen_stat == &__scxtwin_stat_hits);

	printf("%d failures\n", failures);
	return failures != 0;
}
