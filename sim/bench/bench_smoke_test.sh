#!/bin/bash
# The benchmarks still run and report their counters (speed is read from `bazel run -c opt
# //sim/bench`, never asserted here).
set -euo pipefail
cd "${TEST_SRCDIR}/scxtwin"
out=$(sim/bench/bench --benchmark_filter='BM_EventQueue/160|BM_Policy/wvtime/16|BM_Policy/wvtime/effects_off/16|BM_Boot/homing/16|BM_MainJob' --benchmark_min_time=0.01 2>&1)
echo "$out"
grep -q 'BM_EventQueue/160' <<<"$out"
grep -Eq 'BM_Policy/wvtime/16/iterations:3/manual_time .*callbacks/s=' <<<"$out"
grep -Eq 'BM_Boot/homing/16/.*boots/s=' <<<"$out"
# The host effects' cost: wvtime on 16 CPUs with and without them.
grep -Eq '^wvtime +16 +[0-9]+ +[0-9]+ +[0-9.]+x$' <<<"$out"
grep -Eq 'BM_MainJob/iterations:1/manual_time .*runs=90' <<<"$out"
# The closing figures: boots per second per policy and the main job's wall time.
grep -Eq '^homing +16 +[0-9.]+ ' <<<"$out"
grep -q '^main job (bazel run //:seed, 30 runs x 3 policies, 16 CPUs): [0-9.]* s wall' <<<"$out"
# Every project policy is benchmarked, found from the scx_policy list (//policy:policies_host in
# the runfiles), not from a list here: the policy directory's host objects and the registered
# benchmarks name the same policies.
policies=$(ls policy/ | sed -n 's/_host\.so$//p' | sort)
[[ -n $policies ]]
list=$(sim/bench/bench --benchmark_list_tests)
for p in $policies; do
  grep -qx "BM_Policy/$p/16/iterations:3/manual_time" <<<"$list"
  grep -qx "BM_Boot/$p/16/min_time:1.000/manual_time" <<<"$list"
done
