#!/bin/bash
# The workload limits' memory constants (kBytesPerTask, kBytesPerPendingEvent) are at least what
# the simulator uses: each benchmark's measured figure is compared with the constant it reports.
set -euo pipefail
cd "${TEST_SRCDIR}/scxtwin"
out=$(sim/bench/memory_bench 2>&1)
echo "$out"
n=$(grep -cE '^BM_Bytes' <<<"$out")
[[ $n -eq 6 ]] || { echo "FAIL: expected 6 benchmark rows, got $n"; exit 1; }
# "bytes_per_task=2.1k limit_constant=4.096k": Google Benchmark's k is 1000.
num() { awk -v x="$1" 'BEGIN { m = 1; if (x ~ /k$/) { m = 1000; sub(/k$/, "", x) } if (x ~ /M$/) { m = 1e6; sub(/M$/, "", x) } print x * m }'; }
while read -r line; do
  measured=$(grep -oE 'bytes_per_(task|event)=[0-9.]+[kM]?' <<<"$line" | cut -d= -f2)
  limit=$(grep -oE 'limit_constant=[0-9.]+[kM]?' <<<"$line" | cut -d= -f2)
  [[ -n $measured && -n $limit ]] || { echo "FAIL: no figures in: $line"; exit 1; }
  if ! awk -v m="$(num "$measured")" -v l="$(num "$limit")" 'BEGIN { exit !(m > 0 && m <= l) }'; then
    echo "FAIL: measured $measured bytes is not in (0, $limit]: $line"
    exit 1
  fi
done < <(grep -E '^BM_Bytes' <<<"$out")
echo PASS
