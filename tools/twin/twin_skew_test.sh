#!/usr/bin/env bash
# The replay must be able to fail (boots the VM twice): twin_skew recorded in the VM replays clean
# through its own host build, and the kept record, replayed through host builds that differ on
# purpose, gives divergences, exit 1, and names the first one at the call where they differ. A
# knob set for the record run (--set) is set on the host build too: recorded with slice_us set,
# the host build whose default differs replays clean.
# usage: twin_skew_test.sh TWIN LOADER HOST BRANCH_HOST KNOB_HOST
set -uo pipefail
source tests/testing/assert.sh
twin=$1 loader=$2 host=$3 branch_host=$4 knob_host=$5
record=$tmp/twin_skew.rec

out=$("$twin" replay --policy=twin_skew --cpus=2 --duration=3s --loader="$loader" --host="$host" \
  --record="$record" 2>&1)
rc=$?
echo "$out"
check_eq "same build: exit status" 0 "$rc"
check "same build: 0 divergences" grep -q "^twin replay: twin_skew: [0-9]* callbacks, [0-9]* kfunc calls replayed, 0 divergences$" <<<"$out"
check "the record was kept" test -s "$record"

out=$("$twin" replay --policy=twin_skew --from="$record" --host="$branch_host" --show=1 2>&1)
rc=$?
echo "$out"
check_eq "branch under __SCXTWIN_HOST__: exit status" 1 "$rc"
check "branch: the first divergence is in enqueue" grep -q "^divergence 1: twin_skew_enqueue seq [0-9]* cpu [0-9]* pid [0-9]*" <<<"$out"
kernel=$(sed -n 's/^  kernel: //p' <<<"$out" | head -n1)
host=$(sed -n 's/^  host:   //p' <<<"$out" | head -n1)
check "branch: the kernel's insertion is named ($kernel)" grep -q "^scx_bpf_dsq_insert_vtime(pid [0-9]*, 0, 3000000, [0-9]*, [0-9]*) = 0$" <<<"$kernel"
# The host's vtime is the kernel's plus one.
kv=$(sed -n 's/^scx_bpf_dsq_insert_vtime(pid [0-9]*, 0, 3000000, \([0-9]*\),.*/\1/p' <<<"$kernel")
hv=$(sed -n 's/^scx_bpf_dsq_insert_vtime(pid [0-9]*, 0, 3000000, \([0-9]*\),.*/\1/p' <<<"$host")
check_eq "branch: the host's vtime is one more" "$((kv + 1))" "$hv"
check "branch: nonzero divergences in the closing line" grep -q "kfunc calls replayed, [1-9][0-9]* divergences$" <<<"$out"

out=$("$twin" replay --policy=twin_skew --from="$record" --host="$knob_host" --show=1 2>&1)
rc=$?
echo "$out"
check_eq "knob default: exit status" 1 "$rc"
check "knob default: the host's slice is 3001000" grep -q "^  host:   scx_bpf_dsq_insert[_a-z]*(pid [0-9]*, [0-9x]*, 3001000," <<<"$out"

out=$("$twin" replay --policy=twin_skew --cpus=2 --duration=2s --loader="$loader" --host="$knob_host" \
  --set slice_us=3000 2>&1)
rc=$?
echo "$out"
check_eq "knob set for the run, set on the host too: exit status" 0 "$rc"
check "knob set: 0 divergences" grep -q "kfunc calls replayed, 0 divergences$" <<<"$out"
exit $fail
