#!/bin/bash
# //:seed (the README's main job) runs the experiment it prints: the //sim command line first,
# then the table with EEVDF as the baseline, homing and vtime, on a host of --cpus CPUs.
set -uo pipefail
seed=${TEST_SRCDIR}/scxtwin/sim/experiment/seed
source "${TEST_SRCDIR}/scxtwin/tests/testing/assert.sh"
out=$("$seed" --cpus=8 --runs=3 2>&1); rc=$?
echo "$out"
check "exit 0" test $rc -eq 0
check "prints the //sim command it runs" grep -q '^command: bazel run //sim -- --policy=eevdf,homing,vtime --workload=workloads/microvm_boot.textpb --param=vcpus=8 --topology=1x1x4x2 --runs=3$' <<<"$out"
check "one vCPU per host CPU" grep -q '^workload params: vcpus=8 ' <<<"$out"
check "8 CPUs as SMT pairs" grep -q 'topology 1x1x4x2 (8 CPUs), 3 runs per policy' <<<"$out"
check "EEVDF is the baseline row" grep -Eq '^eevdf +3 .* 1\.000x$' <<<"$out"
check "homing and vtime rows" bash -c "grep -Eq '^homing +3 ' <<<\"\$1\" && grep -Eq '^vtime +3 ' <<<\"\$1\"" _ "$out"
again=$("$seed" --cpus=8 --runs=3 2>&1)
check "same bytes twice" test "$out" == "$again"
check "64 CPUs: two LLCs of 16 cores" grep -q 'topology=1x2x16x2' <<<"$("$seed" --cpus=64 --runs=1 --policy=eevdf 2>&1 | head -1)"
# Started by a relative path, without Bazel's environment: finds its runfiles all the same.
check "runs from a relative path outside bazel run" bash -c "cd '$(dirname "$seed")' && env -u TEST_SRCDIR -u RUNFILES_DIR ./seed --cpus=4 --runs=1 --policy=eevdf,homing >/dev/null"
check "--format=json: stdout is one JSON object" bash -c "'$seed' --cpus=4 --runs=2 --format=json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"params\"][\"vcpus\"] == 4 and len(d[\"policies\"]) == 3'"
bad=$("$seed" --cpus=abc 2>&1); rc=$?
check "bad --cpus: exit 2 and one line" bash -c "[[ $rc -eq 2 && \"\$1\" == 'seed: --cpus=abc: expected a whole number of host CPUs >= 1' ]]" _ "$bad"
exit $fail
