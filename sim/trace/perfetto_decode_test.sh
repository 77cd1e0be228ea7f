#!/usr/bin/env bash
# Debian's protoc decodes the simulator's binary Perfetto trace against perfetto_trace.proto:
# the file is a well-formed perfetto.protos.Trace with the expected structure.
set -uo pipefail
dir="$TEST_SRCDIR/scxtwin/sim/trace"
fail() { echo "FAIL: $*"; exit 1; }
"$dir/write_sample_traces" "$TEST_TMPDIR/run.perfetto-trace" "$TEST_TMPDIR/run.trace" ||
  fail "write_sample_traces exited $?"
decoded=$(/usr/bin/protoc --proto_path="$dir" --decode=perfetto.protos.Trace \
  perfetto_trace.proto <"$TEST_TMPDIR/run.perfetto-trace" 2>&1) || fail "protoc: $decoded"
# protoc prints fields it cannot name by number: there must be none.
if grep -qE '^ *[0-9]+: ' <<<"$decoded"; then fail "unknown fields in the trace"; fi
count() { grep -c -- "$1" <<<"$decoded"; }
[[ $(count '^  ftrace_events {') -eq 2 ]] || fail "expected one bundle per CPU (2)"
[[ $(count 'sched_switch {') -eq 12 ]] || fail "expected 12 sched_switch, got $(count 'sched_switch {')"
[[ $(count 'sched_waking {') -eq 4 ]] || fail "expected 4 sched_waking"
[[ $(count 'task_newtask {') -eq 1 ]] || fail "expected 1 task_newtask"
[[ $(count 'sched_process_free {') -eq 1 ]] || fail "expected 1 sched_process_free"
[[ $(count 'sched_migrate_task {') -eq 1 ]] || fail "expected 1 sched_migrate_task"
[[ $(count 'trusted_packet_sequence_id: 1') -eq 3 ]] || fail "every packet carries sequence 1"
grep -q 'cmdline: "/usr/bin/vmm -smp 1"' <<<"$decoded" || fail "no process tree cmdline"
grep -q 'next_comm: "swapper/1"' <<<"$decoded" || fail "idle not named swapper/N"
grep -q 'prev_state: 16' <<<"$decoded" || fail "no dead (X = 0x10) prev_state"
# The text twin is the kernel's format and names the same number of switches.
[[ $(grep -c ': sched_switch: ' "$TEST_TMPDIR/run.trace") -eq 12 ]] || fail "ftrace text switches"
echo PASS
