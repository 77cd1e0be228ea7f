#!/bin/bash
# --param on //sim end to end: an override reaches the run (and its report), each policy runs
# the boot workloads, the output is deterministic, and a bad --param is one line naming the
# param and what was expected, with exit status 2.
set -uo pipefail
sim=${TEST_SRCDIR}/scxtwin/sim/sim
cd "${TEST_SRCDIR}/scxtwin"
source "${TEST_SRCDIR}/scxtwin/tests/testing/assert.sh"
boot=workloads/microvm_boot.textpb

"$sim" --policy=eevdf --workload=$boot --topology=8 --param vcpus=3 --param rounds=20 >"$tmp/a.txt"
check "the report names the params" grep -q "^workload params: vcpus=3 rounds=20 vcpu_work=0.95 workers=2 fs_reads=1$" "$tmp/a.txt"
check "3 vCPU threads ran" test "$(grep -c '^microvm.0/vcpu\.' "$tmp/a.txt")" = 3
"$sim" --policy=eevdf --workload=$boot --topology=8 --param vcpus=3,rounds=20 >"$tmp/b.txt"
check "comma-separated params, same bytes" cmp -s "$tmp/a.txt" "$tmp/b.txt"
"$sim" --policy=eevdf --workload=$boot --topology=8 --param vcpus=3 --param rounds=20 --format=json >"$tmp/a.json"
check "json carries the params" python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); assert d['params']['vcpus']==3 and d['params']['rounds']==20, d['params']" "$tmp/a.json"

# Each policy runs each workload of issue 5 to its end (shortened by their params).
declare -A short=(
  [microvm_boot]="rounds=10"
  [serverless_burst]="rounds=10,boots=8"
  [ws_large_steady]="iterations=50"
  [boots_with_ws_large]="rounds=10,steady_iterations=50"
)
for p in eevdf vtime homing; do
  for w in "${!short[@]}"; do
    out=$("$sim" --policy=$p --workload=workloads/$w.textpb --topology=1x2x4x2 --param "${short[$w]}" 2>&1)
    check "$w under $p: every task exited" grep -q "ended: all tasks exited" <<<"$out"
  done
done

param_error() {  # param_error WHAT ARGS... : exit 2, one line, containing WHAT
  local what=$1; shift
  expect_error "$* -> exit 2, one line naming '$what'" "$what" \
    "$sim" --policy=eevdf --workload=$boot --topology=8 "$@"
}
param_error "has no param 'cpus'; expected one of: vcpus, rounds, vcpu_work, workers, fs_reads" --param cpus=4
param_error "--param vcpus=0: 0 is below the minimum 1" --param vcpus=0
param_error "--param vcpus=2.5: 2.5 is not a whole number" --param vcpus=2.5
param_error "'lots' is not a number" --param rounds=lots
param_error "--param 'vcpus': expected NAME=VALUE" --param vcpus

exit $fail
