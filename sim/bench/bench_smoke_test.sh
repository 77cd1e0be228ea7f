#!/bin/bash
# The benchmarks still run and report their counters (speed is read from `bazel run -c opt
# //sim/bench`, never asserted here).
set -euo pipefail
cd "${TEST_SRCDIR}/scxtwin"
out=$(sim/bench/bench --benchmark_filter='BM_EventQueue/160|BM_Policy/wvtime/16' --benchmark_min_time=0.01 2>&1)
echo "$out"
grep -q 'BM_EventQueue/160' <<<"$out"
grep -Eq 'BM_Policy/wvtime/16/iterations:3/manual_time .*callbacks/s=' <<<"$out"
