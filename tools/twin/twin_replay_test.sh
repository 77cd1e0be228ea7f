#!/usr/bin/env bash
# `twin replay` end to end (boots the VM): POLICY recorded under the stress mix and replayed
# through its host build must give at least MIN callbacks and 0 divergences, exit 0.
# usage: twin_replay_test.sh TWIN POLICY MIN [TWIN ARGS...]
set -uo pipefail
source tests/testing/assert.sh
twin=$1 policy=$2 min=$3
shift 3
# A kernel-tree scheduler is named by its --kernel-tree=NAME among the arguments.
if [[ " $* " == *" --kernel-tree="* ]]; then
  out=$("$twin" replay "$@" 2>&1)
else
  out=$("$twin" replay --policy="$policy" "$@" 2>&1)
fi
rc=$?
echo "$out"
line=$(grep "^twin replay: $policy: " <<<"$out" | tail -n1)
callbacks=$(sed -n 's/^twin replay: [^:]*: \([0-9]*\) callbacks.*/\1/p' <<<"$line")
divergences=$(sed -n 's/.*replayed, \([0-9]*\) divergences$/\1/p' <<<"$line")
check "closing line present" test -n "$line"
check "at least $min callbacks replayed (got ${callbacks:-none})" test "${callbacks:-0}" -ge "$min"
check_eq "divergences" 0 "$divergences"
check_eq "exit status" 0 "$rc"
exit $fail
