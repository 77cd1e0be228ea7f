#!/bin/bash
# Hostile inputs: well-formed specs that ask for too much, never move, never end or get stuck.
# Each is refused with exit status 2 and one line naming the figure, the limit and the flag (or
# the field path), or runs and reports what happened. Every command runs under a memory bound
# (ulimit -v) and a CPU-time bound (ulimit -t): resource ceilings, not timing assertions.
set -uo pipefail
sim=${TEST_SRCDIR}/scxtwin/sim/sim
cd "${TEST_SRCDIR}/scxtwin"
source "${TEST_SRCDIR}/scxtwin/tests/testing/assert.sh"
h=sim/testdata/hostile

# 256 MiB of address space and 1 s of CPU time per command (each takes under 0.05 s and 10 MB
# here): a ceiling far below what the inputs took unchecked (the 100-million-task group ran for
# 104 s and reached 23.8 GB).
bounded() { (ulimit -v 262144 -t 1; exec "$sim" --policy=fifo --topology=2x2x4x2 "$@"); }

expect_error "a group of 100 million tasks" \
  "$h/huge_group.textpb: tasks at start 100000000 is above the limit 1000000; expected at most 1000000 (--max_tasks=N raises the limit)" \
  bounded --workload=$h/huge_group.textpb
expect_error "two billion instances" \
  "$h/huge_instances.textpb: process instances 2000000000 is above the limit 1000000; expected at most 1000000 (--max_instances=N raises the limit)" \
  bounded --workload=$h/huge_instances.textpb
expect_error "raising --max_tasks leaves the memory estimate to refuse it" \
  "$h/huge_group.textpb: estimated memory (MB) 197220 is above the limit 8192; expected at most 8192 (--max_memory_mb=N raises the limit)" \
  bounded --workload=$h/huge_group.textpb --max_tasks=100000000
expect_error "a billion loop iterations" \
  "(--max_loop_iterations=N raises the limit)" bounded --workload=$h/many_iterations.textpb
expect_error "loops 20 deep" "loop nesting depth (at process[0].group[0].program[0].loop.body[0].loop" \
  bounded --workload=$h/deep_loops.textpb
expect_error "loops 20 deep: the message names the flag" "is above the limit 16; expected at most 16 (--max_loop_depth=N raises the limit)" \
  bounded --workload=$h/deep_loops.textpb
expect_error "an endless loop of zero-length sleeps" \
  "$h/zero_sleep_loop.textpb: process[0].group[0].program[0].loop.body: loops forever and can take no simulated time" \
  bounded --workload=$h/zero_sleep_loop.textpb
expect_error "an endless loop of zero-length runs" \
  "$h/zero_run_loop.textpb: process[0].group[0].program[0].loop.body: loops forever and can take no simulated time" \
  bounded --workload=$h/zero_run_loop.textpb
expect_error "zero-length sleeps with free switches: no progress, naming task, op and position" \
  "$h/zero_sleep_finite.textpb: no progress: simulated time stayed at 0 ns for 1048609 events; last stepped: task p.0/g.0 at process[0].group[0].program[0].loop.body[0] (sleep)" \
  bounded --workload=$h/zero_sleep_finite.textpb --set cost.context_switch_ns=0
expect_error "two tasks waking each other forever without a duration" \
  "$h/ping_pong_forever.textpb: process[0].group[0].program[0].loop: loops forever (count 0, no exit in its body) and the run has no end (duration_ns 0)" \
  bounded --workload=$h/ping_pong_forever.textpb
expect_error "endless forks stop at --max_tasks" \
  "$h/fork_forever.textpb: tasks created 1001 (by task p.0/parent.0 at process[0].group[0].program[0].loop.body[0] (fork)) is above the limit 1000; expected at most 1000 (--max_tasks=N raises the limit)" \
  bounded --workload=$h/fork_forever.textpb --max_tasks=1000
expect_error "a limit below 1" "--max_tasks=0: expected a limit of at least 1" bounded --workload=$h/stuck.textpb --max_tasks=0
expect_error "a time cap of 0" "--max_sim_time must be positive" bounded --workload=$h/stuck.textpb --max_sim_time=0

# The same ping-pong with a duration is a steady load: it runs to its end.
out=$(bounded --workload=$h/ping_pong_forever.textpb --duration=2ms); rc=$?
check_eq "ping-pong with --duration runs" 0 "$rc"
check "ping-pong with --duration ends at it" grep -q '^ended: duration reached' <<<"$out"

# Stuck tasks: the run ends when nothing can happen, lists them in the table and the JSON.
out=$(bounded --workload=$h/stuck.textpb); rc=$?
check_eq "stuck: the run itself succeeds" 0 "$rc"
check "stuck: the table says how it ended" grep -q '^ended: nothing left to happen, 2 tasks stuck in a wait;' <<<"$out"
check "stuck: the table warns" grep -q '^warning: 2 tasks were still blocked in a wait nobody answers at the end' <<<"$out"
check "stuck: the table lists each task" grep -q '^  p.0/waiter.1 at process\[0\].group\[0\].program\[1\], channel (default), 1 wakes missing, since 0.003 ms$' <<<"$out"
bounded --workload=$h/stuck.textpb --format=json >"$tmp/stuck.json"
check "stuck: the JSON lists them" python3 - "$tmp/stuck.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["stuck_tasks"]
assert [t["name"] for t in s] == ["p.0/waiter.0", "p.0/waiter.1"], s
assert s[0] == {"name": "p.0/waiter.0", "at": "process[0].group[0].program[1]", "channel": "", "wakes_missing": 1, "since_ns": 2500}, s[0]
assert len(r["warnings"]) == 1 and "blocked in a wait nobody answers" in r["warnings"][0], r["warnings"]
PY
out=$(bounded --workload=workloads/messaging.textpb --format=json)
check "a run without stuck tasks has empty lists" python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert r["stuck_tasks"] == [] and r["warnings"] == []' "$out"

# A run without a duration that outlasts --max_sim_time stops there, with a warning.
out=$(bounded --workload=workloads/messaging.textpb --max_sim_time=1ms); rc=$?
check_eq "time cap: the run itself succeeds" 0 "$rc"
check "time cap: the table says so" grep -q '^warning: the run did not end by itself and was stopped at the simulated-time cap of 1.000 ms (--max_sim_time raises it' <<<"$out"
out=$(bounded --workload=workloads/messaging.textpb --max_sim_time=1ms --format=json)
check "time cap: the JSON says so" python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert r["end_ns"] == 1000000 and "simulated-time cap" in r["warnings"][0], r["warnings"]' "$out"

# An experiment counts a run with stuck tasks as failed, says so, and exits 1.
out=$( (ulimit -v 262144 -t 2; exec "$sim" --policy=fifo,eevdf --workload=$h/stuck.textpb --runs=2 --jobs=1 --metric=makespan) 2>"$tmp/exp.err"); rc=$?
check_eq "experiment with stuck runs exits 1" 1 "$rc"
check "experiment: a note names the failed runs" grep -q '^note: fifo: 2 of 2 runs FAILED (their samples are in the figures above): run 0 (seed [0-9]*): 2 tasks stuck in a wait nobody answers' <<<"$out"
check_eq "experiment: stderr says why" "sim: 4 of 4 runs failed (tasks stuck in a wait nobody answers, or stopped at --max_sim_time): see the notes" "$(cat "$tmp/exp.err")"
out=$( (ulimit -v 262144 -t 2; exec "$sim" --policy=fifo --workload=$h/stuck.textpb --runs=2 --jobs=1 --metric=makespan --format=json) 2>/dev/null)
check "experiment JSON: failed_runs and stuck per run" python3 -c 'import json,sys; p=json.loads(sys.argv[1])["policies"][0]; assert p["failed_runs"] == 2 and p["stuck"] == [2, 2], p' "$out"
exit $fail
