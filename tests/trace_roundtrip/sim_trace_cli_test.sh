#!/usr/bin/env bash
# `sim --perfetto=F --ftrace=G`: Debian's protoc decodes the Perfetto trace against our subset
# .proto, each CPU's bundles close idle, and trace2workload reads the ftrace text back.
set -uo pipefail
sim="$TEST_SRCDIR/scxtwin/sim/sim"
t2w="$TEST_SRCDIR/scxtwin/tools/trace2workload/trace2workload"
proto_dir="$TEST_SRCDIR/scxtwin/sim/trace"
wl="$TEST_SRCDIR/scxtwin/workloads/bursty_boot.textpb"
fail() { echo "FAIL: $*"; exit 1; }

"$sim" --policy=eevdf --workload="$wl" --topology=4 --perfetto="$TEST_TMPDIR/run.pftrace" \
  --ftrace="$TEST_TMPDIR/run.trace" >"$TEST_TMPDIR/table.txt" || fail "sim exited $?"
decoded=$(/usr/bin/protoc --proto_path="$proto_dir" --decode=perfetto.protos.Trace \
  perfetto_trace.proto <"$TEST_TMPDIR/run.pftrace" 2>&1) || fail "protoc: ${decoded:0:300}"
if grep -qE '^ *[0-9]+: ' <<<"$decoded"; then fail "fields protoc cannot name"; fi
for cpu in 0 1 2 3; do
  grep -q "^    cpu: $cpu\$" <<<"$decoded" || fail "no bundle for cpu $cpu"
done
grep -q 'sched_waking {' <<<"$decoded" || fail "no sched_waking"
grep -q 'task_newtask {' <<<"$decoded" || fail "no task_newtask"
grep -q 'sched_process_free {' <<<"$decoded" || fail "no sched_process_free"
grep -q 'cmdline: "/sim/vm #0"' <<<"$decoded" || fail "no process tree entry for vm #0"
# The same switches in both files.
bin_switches=$(grep -c 'sched_switch {' <<<"$decoded")
txt_switches=$(grep -c ': sched_switch: ' "$TEST_TMPDIR/run.trace")
[[ $bin_switches -eq $txt_switches ]] || fail "switches: perfetto $bin_switches, ftrace $txt_switches"
# trace2workload reads the first VM's tree back: a main thread and four vCPUs.
stats=$("$t2w" "$TEST_TMPDIR/run.trace" --root=vm --stats) || fail "trace2workload exited $?"
[[ $(grep -cE '^vcpu-[0-9]+ +[0-9]' <<<"$stats") -eq 4 ]] || fail "expected 4 vcpu rows: $stats"
grep -q 'wakers from sched_waking' <<<"$stats" || fail "not read as sched_waking: $stats"
err=$("$sim" --policy=eevdf --workload="$wl" --perfetto=/nonexistent-dir/x 2>&1)
[[ $? -eq 2 ]] || fail "unwritable --perfetto accepted"
grep -q -- '--perfetto: /nonexistent-dir/x' <<<"$err" || fail "unclear message: $err"
echo PASS
