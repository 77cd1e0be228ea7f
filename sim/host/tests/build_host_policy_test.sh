#!/bin/bash
# build_host_policy.sh: the object it makes exports only the two entry points and needs nothing
# from the simulator; bad inputs get one message naming them and a non-zero exit.
set -uo pipefail
script=sim/host/build_host_policy.sh
src=sim/host/testdata/probe_policy.bpf.c
out=$TEST_TMPDIR/probe.so
fail=0
check() { if ! eval "$1"; then echo "FAILED: $1"; fail=1; fi; }

"$script" "$out" "$src" || { echo "FAILED: building $src"; exit 1; }
exports=$(nm -D --defined-only "$out" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort | tr '\n' ' ')
check '[[ "$exports" == "scxtwin_host_api_version scxtwin_registry scxtwin_set_host_api " ]]'
# Undefined symbols: libc only (versioned GLIBC) and the toolchain's weak hooks.
foreign=$(nm -D --undefined-only "$out" | awk '$1 == "U" && $2 !~ /@GLIBC/ {print $2}')
check '[[ -z "$foreign" ]]'

"$script" "$out" 2> "$TEST_TMPDIR/usage.err"; rc=$?
check '[[ $rc -eq 2 ]] && grep -q "usage:" "$TEST_TMPDIR/usage.err"'
"$script" "$out" no/such/file.bpf.c 2> "$TEST_TMPDIR/missing.err"; rc=$?
check '[[ $rc -eq 1 ]] && grep -q "no/such/file.bpf.c: no such file" "$TEST_TMPDIR/missing.err"'
printf 'int broken( {\n' > "$TEST_TMPDIR/broken.bpf.c"
"$script" "$out.broken" "$TEST_TMPDIR/broken.bpf.c" 2> "$TEST_TMPDIR/broken.err"; rc=$?
check '[[ $rc -ne 0 ]] && grep -q "broken.bpf.c:1" "$TEST_TMPDIR/broken.err" && [[ ! -e $out.broken ]]'

# A kfunc the simulator does not provide is a build error naming it (libbpf would refuse the
# load the same way), never a NULL function pointer; nothing is written.
cat > "$TEST_TMPDIR/unsupported.bpf.c" <<'EOF'
#include <scx/common.bpf.h>
void scx_bpf_not_in_the_simulator(s32 cpu) __ksym;
void BPF_STRUCT_OPS(u_enqueue, struct task_struct *p, u64 enq_flags)
{
	scx_bpf_not_in_the_simulator(0);
}
SEC(".struct_ops.link") struct sched_ext_ops u_ops = { .enqueue = (void *)u_enqueue, .name = "u" };
EOF
"$script" "$out.unsupported" "$TEST_TMPDIR/unsupported.bpf.c" 2> "$TEST_TMPDIR/unsupported.err"; rc=$?
check '[[ $rc -eq 1 ]] && [[ ! -e $out.unsupported ]]'
check 'grep -q "uses scx_bpf_not_in_the_simulator, a kfunc/helper/kernel symbol the simulator does not provide" "$TEST_TMPDIR/unsupported.err"'
check '[[ $(wc -l < "$TEST_TMPDIR/unsupported.err") -eq 1 ]]'

# A kfunc the host API lists but the simulator leaves unimplemented is refused the same way.
cat > "$TEST_TMPDIR/cpu_rq.bpf.c" <<'EOF'
#include <scx/common.bpf.h>
void BPF_STRUCT_OPS(r_enqueue, struct task_struct *p, u64 enq_flags)
{
	if (scx_bpf_cpu_rq(0))
		scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}
SEC(".struct_ops.link") struct sched_ext_ops r_ops = { .enqueue = (void *)r_enqueue, .name = "r" };
EOF
"$script" "$out.cpu_rq" "$TEST_TMPDIR/cpu_rq.bpf.c" 2> "$TEST_TMPDIR/cpu_rq.err"; rc=$?
check '[[ $rc -eq 1 ]] && [[ ! -e $out.cpu_rq ]]'
check 'grep -q "uses scx_bpf_cpu_rq, a kfunc the simulator does not implement" "$TEST_TMPDIR/cpu_rq.err"'

# Kconfig externs are resolved against the cached kernel's config and version by default
# ($SCXTWIN_CACHE/kernel/{config,version}); the values go into the object's registry.
mkdir -p "$TEST_TMPDIR/cache/kernel"
printf 'CONFIG_HZ=300\nCONFIG_SCHED_CLASS_EXT=y\nCONFIG_NR_CPUS=64\n' > "$TEST_TMPDIR/cache/kernel/config"
echo "6.12.9+deb13-amd64" > "$TEST_TMPDIR/cache/kernel/version"
SCXTWIN_CACHE=$TEST_TMPDIR/cache "$script" "$out.kconfig" sim/host/testdata/extern_policy.bpf.c \
  || { echo "FAILED: building extern_policy against a cache"; fail=1; }
check 'strings -n 2 "$out.kconfig" | grep -x 300 > /dev/null'
check 'strings -n 2 "$out.kconfig" | grep -x 64 > /dev/null'
check 'strings -n 2 "$out.kconfig" | grep -x $(( (6 << 16) + (12 << 8) + 9 )) > /dev/null'
"$script" --no-such-option "$out" "$src" 2> "$TEST_TMPDIR/option.err"; rc=$?
check '[[ $rc -eq 2 ]] && grep -q "unknown option --no-such-option" "$TEST_TMPDIR/option.err"'
"$script" --scx-include="$TEST_TMPDIR" "$out" "$src" 2> "$TEST_TMPDIR/scx.err"; rc=$?
check '[[ $rc -eq 2 ]] && grep -q "not an scx checkout" "$TEST_TMPDIR/scx.err"'

[[ $fail -eq 0 ]] && echo "all checks passed"
exit $fail
