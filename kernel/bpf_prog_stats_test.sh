#!/usr/bin/env bash
# bpf_prog_stats end to end in the VM (tag vm): vtime for 3 s; one line per vtime program with
# its instructions, runs and average ns, the callbacks the stress mix drives among them, and no
# other scheduler's programs.
set -uo pipefail
source tests/testing/assert.sh
stats=$1
out=$("$stats" vtime 3 2>&1); rc=$?
table=$(printf '%s\n' "$out" | sed -n '/^program insns runs avg_ns$/,$p' | tail -n +2)
printf '%s\n' "$table"
check_eq "exit status" 0 "$rc"
check "a table" test -n "$table"
check_eq "only vtime's programs" "" "$(printf '%s\n' "$table" | awk '$1 !~ /^vtime_/')"
for prog in vtime_enqueue vtime_dispatch vtime_running; do
  check "$prog ran, with its size and time" \
    grep -qE "^$prog [1-9][0-9]* [1-9][0-9]* [0-9]+$" <<<"$table"
done
exit $fail
