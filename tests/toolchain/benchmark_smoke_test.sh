#!/usr/bin/env bash
# The benchmark binary runs and reports its benchmark in JSON.
set -euo pipefail
out=$(tests/toolchain/benchmark_smoke --benchmark_min_time=0.001 --benchmark_format=json)
echo "$out" | grep -q '"name": "BM_SumToN/1024"' || { echo "no BM_SumToN/1024 in output:"; echo "$out"; exit 1; }
echo "$out" | grep -q '"items_per_second"' || { echo "no items_per_second in output"; exit 1; }
