#!/bin/bash
# The CLI end to end: determinism (same inputs and seed -> byte-identical table, JSON and
# JSON Lines log; another seed -> different output) and the one-line errors for bad input.
set -uo pipefail
sim=${TEST_SRCDIR}/scxtwin/sim/sim
cd "${TEST_SRCDIR}/scxtwin"
source "${TEST_SRCDIR}/scxtwin/tests/testing/assert.sh"

run() { "$sim" --policy=wvtime --topology=2x2x4x2 "$@"; }

for w in bursty_boot messaging fork_exec_storm; do
  run --workload=workloads/$w.textpb --seed=7 --log="$tmp/$w.a.jsonl" >"$tmp/$w.a.txt"
  run --workload=workloads/$w.textpb --seed=7 --log="$tmp/$w.b.jsonl" >"$tmp/$w.b.txt"
  check "$w: table identical across runs" cmp -s "$tmp/$w.a.txt" "$tmp/$w.b.txt"
  check "$w: log identical across runs" cmp -s "$tmp/$w.a.jsonl" "$tmp/$w.b.jsonl"
  check "$w: log is not empty" test -s "$tmp/$w.a.jsonl"
  check "$w: every log line is JSON" python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$tmp/$w.a.jsonl"
  run --workload=workloads/$w.textpb --seed=7 --format=json >"$tmp/$w.a.json"
  run --workload=workloads/$w.textpb --seed=7 --format=json >"$tmp/$w.b.json"
  check "$w: json identical across runs" cmp -s "$tmp/$w.a.json" "$tmp/$w.b.json"
  check "$w: json parses" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/$w.a.json"
done
run --workload=workloads/bursty_boot.textpb --seed=8 >"$tmp/seed8.txt"

run --workload=workloads/bursty_boot.textpb --seed=7 >"$tmp/seed7.txt"
check "another seed differs from seed 7" bash -c "! cmp -s '$tmp/seed7.txt' '$tmp/seed8.txt'"
check "log records callbacks and kfuncs" bash -c "grep -q '\"cb\":\"select_cpu\"' '$tmp/bursty_boot.a.jsonl' && grep -q '\"kfunc\":\"scx_bpf_select_cpu_dfl\"' '$tmp/bursty_boot.a.jsonl'"
check "table has the results sections" bash -c "grep -q '^process instances' '$tmp/seed7.txt' && grep -q '^wait time' '$tmp/seed7.txt' && grep -q '^cpus' '$tmp/seed7.txt' && grep -q '^utilisation' '$tmp/seed7.txt'"

# Bad input: exit status 2 and one clear line naming the input.
expect_error "unknown policy" "unknown policy 'nosuch'; expected one of: " \
  "$sim" --policy=nosuch --workload=workloads/messaging.textpb
expect_error "unknown knob" "--set nosuch=1: unknown knob 'nosuch'" \
  "$sim" --policy=wvtime --workload=workloads/messaging.textpb --set nosuch=1
expect_error "bad knob value" "--set slice_ns=abc" \
  "$sim" --policy=wvtime --workload=workloads/messaging.textpb --set slice_ns=abc
expect_error "unknown cost" "unknown cost 'nope'" \
  "$sim" --policy=wvtime --workload=workloads/messaging.textpb --set cost.nope=1
expect_error "missing workload" "nope.textpb: cannot open" \
  "$sim" --policy=wvtime --workload=nope.textpb
printf 'process { name: "p" group { name: "g" nice: 99 program { exit: true } } }\n' >"$tmp/bad.textpb"
expect_error "invalid workload" "bad.textpb: process[0].group[0].nice: 99 is outside -20..19" \
  "$sim" --policy=wvtime --workload="$tmp/bad.textpb"
expect_error "bad topology" "--topology='2x2': has 2 fields" \
  "$sim" --policy=wvtime --workload=workloads/messaging.textpb --topology=2x2
expect_error "nohz_full CPU outside the machine" "--nohz_full: CPU 7 in '7' does not exist; expected CPUs 0..3" \
  "$sim" --policy=wvtime --workload=workloads/messaging.textpb --topology=4 --nohz_full=7
expect_error "nohz_full without a housekeeping CPU" "--nohz_full=0-3: names every CPU of the machine" \
  "$sim" --policy=wvtime --workload=workloads/messaging.textpb --topology=4 --nohz_full=0-3
# nohz_full stops the tick only for a task with an infinite slice, which wvtime never gives.
run --workload=workloads/messaging.textpb --topology=4 --duration=200ms >"$tmp/nohz0.txt"
run --workload=workloads/messaging.textpb --topology=4 --duration=200ms --nohz_full=1-3 >"$tmp/nohz1.txt"
check "nohz_full leaves finite slices ticking" cmp -s "$tmp/nohz0.txt" "$tmp/nohz1.txt"
expect_error "bad format" "--format=xml: expected table or json" \
  "$sim" --policy=wvtime --workload=workloads/messaging.textpb --format=xml
expect_error "knob on a built-in class" "the built-in class 'fifo' has no knobs" \
  "$sim" --policy=fifo --workload=workloads/messaging.textpb --set slice_ns=1
# A built-in class runs by name.
check "built-in fifo class runs" bash -c "'$sim' --policy=fifo --workload=workloads/fork_exec_storm.textpb --format=json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"policy\"]==\"fifo\" and d[\"context_switches\"]>0'"
# A knob takes effect: a different slice changes the run.
run --workload=workloads/cache_steady.textpb --topology=16 --duration=200ms >"$tmp/s5.txt"
run --workload=workloads/cache_steady.textpb --topology=16 --duration=200ms --set slice_ns=1000000 >"$tmp/s1.txt"
check "knob changes the run" bash -c "! cmp -s '$tmp/s5.txt' '$tmp/s1.txt'"
exit $fail
