#!/usr/bin/env bash
# `sim --policy=eevdf`: the fair class runs a library workload from the command line, takes
# its knobs and the machine costs through --set, and rejects unknown knobs clearly.
set -uo pipefail
sim="$TEST_SRCDIR/scxtwin/sim/sim"
wl="$TEST_SRCDIR/scxtwin/workloads/bursty_boot.textpb"
fail() { echo "FAIL: $*"; exit 1; }

out=$("$sim" --policy=eevdf --workload="$wl" --topology=4 --format=json) || fail "exit $?: $out"
grep -q '"policy":"eevdf"' <<<"$out" || fail "not an eevdf run: ${out:0:300}"
grep -q '"running":0' <<<"$out" || fail "some instance did not finish"
table=$("$sim" --policy=eevdf --workload="$wl" --topology=4) || fail "table exit $?"
grep -q '^eevdf: base slice 2.100 ms' <<<"$table" || fail "4 CPUs: base slice 0.7 ms x3 expected"
# Same seed, same bytes.
again=$("$sim" --policy=eevdf --workload="$wl" --topology=4 --format=json)
[[ "$out" == "$again" ]] || fail "two runs with the same seed differ"
# Knobs change the run.
slow=$("$sim" --policy=eevdf --workload="$wl" --topology=4 --format=json \
  --set eevdf.base_slice_normalized_ns=3000000 --set cost.context_switch_ns=20000) ||
  fail "--set exit $?"
[[ "$slow" != "$out" ]] || fail "knobs had no effect"
err=$("$sim" --policy=eevdf --workload="$wl" --set eevdf.nope=1 2>&1)
rc=$?
[[ $rc -eq 2 ]] || fail "unknown knob: exit $rc, expected 2"
grep -q "eevdf has no knob 'nope'" <<<"$err" || fail "unclear message: $err"
echo PASS
