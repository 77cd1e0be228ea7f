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
[[ $fail -eq 0 ]] && echo "all checks passed"
exit $fail
