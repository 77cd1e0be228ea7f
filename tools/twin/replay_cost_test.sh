#!/usr/bin/env bash
# replay_cost end to end in the VM (tag vm): the kernel tree's scx_simple, its ordinary build and
# its record build for 3 s each: both ran callbacks (the ordinary build loads through `load
# --object` too), the record build's record is complete, and the ratios are printed.
set -uo pipefail
source tests/testing/assert.sh
cost=$1
out=$("$cost" --kernel-tree=scx_simple 3 1 2>&1); rc=$?
printf '%s\n' "$out" | grep '^cost'
check_eq "exit status" 0 "$rc"
for build in ordinary record; do
  n=$(printf '%s\n' "$out" | sed -n "s/^cost $build callbacks=\([0-9]*\) .*/\1/p")
  check "$build build ran callbacks (got '$n')" test "${n:-0}" -gt 0
done
check "the record build's record is complete" grep -q "^cost round 1 record load: record: [0-9]* records .* 0 dropped" <<<"$out"
check "the ratios" grep -q "^cost ratio record/ordinary: callbacks_per_s [0-9.]*, avg_ns [0-9.]*$" <<<"$out"
exit $fail
