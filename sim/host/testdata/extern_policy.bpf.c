/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scheduler that reads what libbpf resolves from the running kernel: `__kconfig` values of
 * several types and `__ksym` existence (bpf_ksym_exists). Its ops.init copies them into globals
 * the test reads. Built against testdata/kconfig (host_policy's `kconfig`).
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

extern unsigned CONFIG_HZ __kconfig;
extern bool CONFIG_HZ_250 __kconfig __weak;
extern bool CONFIG_HZ_1000 __kconfig __weak;
extern int LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_SCHED_CLASS_EXT __kconfig;
extern u64 CONFIG_NR_CPUS __kconfig;
extern bool CONFIG_SCXTWIN_NOT_IN_THE_CONFIG __kconfig __weak;
extern const char CONFIG_LOCALVERSION[64] __kconfig __weak;

/* kfuncs: one the simulator provides, one no kernel has; a kernel variable (per-CPU data). */
extern void scx_bpf_kick_cpu(s32 cpu, u64 flags) __ksym __weak;
extern void scx_bpf_no_such_kfunc(u64 arg) __ksym __weak;
extern int sd_llc_size __ksym __weak;

/* Set: ops.init ends the run at once with the values it read (for a whole-simulator test). */
const volatile bool report_externs;

u64 seen_hz, seen_version, seen_nr_cpus;
bool seen_hz_250, seen_hz_1000, seen_ext, seen_absent;
bool has_kick_cpu, has_no_such_kfunc, has_sd_llc_size;
char seen_localversion[64];

s32 BPF_STRUCT_OPS_SLEEPABLE(extern_init)
{
	seen_hz = CONFIG_HZ;
	seen_hz_250 = CONFIG_HZ_250;
	seen_hz_1000 = CONFIG_HZ_1000;
	seen_version = LINUX_KERNEL_VERSION;
	seen_ext = CONFIG_SCHED_CLASS_EXT;
	seen_nr_cpus = CONFIG_NR_CPUS;
	seen_absent = CONFIG_SCXTWIN_NOT_IN_THE_CONFIG;
	__builtin_memcpy(seen_localversion, CONFIG_LOCALVERSION, sizeof(seen_localversion));
	has_kick_cpu = bpf_ksym_exists(scx_bpf_kick_cpu);
	has_no_such_kfunc = bpf_ksym_exists(scx_bpf_no_such_kfunc);
	has_sd_llc_size = bpf_ksym_exists(sd_llc_size);
	if (bpf_ksym_exists(scx_bpf_no_such_kfunc))
		scx_bpf_no_such_kfunc(1);
	if (report_externs)
		scx_bpf_exit(0, "CONFIG_HZ=%u LINUX_KERNEL_VERSION=%d", CONFIG_HZ, LINUX_KERNEL_VERSION);
	return 0;
}

void BPF_STRUCT_OPS(extern_enqueue, struct task_struct *p, u64 enq_flags)
{
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SEC(".struct_ops.link")
struct sched_ext_ops extern_ops = {
	.enqueue = (void *)extern_enqueue,
	.init = (void *)extern_init,
	.name = "extern",
};
