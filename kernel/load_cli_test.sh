#!/usr/bin/env bash
# The loader's answers that need no sched_ext kernel: each bad input or unusable environment gives
# one line naming the problem and its own exit code, before anything is loaded.
set -uo pipefail
load=$1
source "${TEST_SRCDIR}/scxtwin/tests/testing/assert.sh"

out=$("$load" --policy=nosuch 2>&1); rc=$?
check_eq "unknown policy exit code" 2 "$rc"
check_eq "unknown policy message" "load: unknown policy 'nosuch' (known: homing, vtime)" "$out"

out=$("$load" --object="$TEST_TMPDIR/scx_x.bpf.o" --policy=homing 2>&1); rc=$?
check_eq "--object with --policy exit code" 2 "$rc"
check_eq "--object with --policy message" "load: give --policy=NAME or --object=FILE, not both" "$out"

out=$("$load" --object=/nonexistent/scx_x.bpf.o 2>&1); rc=$?
check_eq "missing --object exit code" 2 "$rc"
check_eq "missing --object message" "load: --object=/nonexistent/scx_x.bpf.o: cannot read it (No such file or directory)" "$out"

out=$("$load" --policy=homing --set slice_max_us=50 2>&1); rc=$?
check_eq "knob out of range exit code" 2 "$rc"
check_eq "knob out of range message" "load: --set 'slice_max_us=50': expected a whole number in [100, 1000000] for slice_max_us (time slice when no task waits; it shrinks as more tasks wait)" "$out"

out=$("$load" --policy=vtime --set slice_us=500 --set nope=1 2>&1); rc=$?
check_eq "unknown knob exit code" 2 "$rc"
check_eq "unknown knob message" "load: --set 'nope=1': policy vtime has no knob 'nope' (knobs: slice_us, sleep_credit_us)" "$out"

out=$("$load" --policy=homing --sysfs_root="$TEST_TMPDIR/none" 2>&1); rc=$?
check_eq "no sched_ext exit code" 3 "$rc"
check_eq "no sched_ext is one line" 1 "$(echo "$out" | wc -l)"
case $out in
  "load: this kernel ("*") has no sched_ext ($TEST_TMPDIR/none is missing); run the loader in the sched_ext VM instead: bazel run //tools:vm -- --cpus 4 -- load --policy=homing") check_eq "no sched_ext message" ok ok ;;
  *) check_eq "no sched_ext message" "points to the VM runner" "$out" ;;
esac

fake=$TEST_TMPDIR/sched_ext
mkdir -p "$fake/root"
echo enabled >"$fake/state"
echo scx_other >"$fake/root/ops"
out=$("$load" --policy=homing --sysfs_root="$fake" 2>&1); rc=$?
check_eq "another scheduler / not root exit code" 3 "$rc"
if (($(id -u) == 0)); then
  check_eq "another scheduler message" "load: another sched_ext scheduler is active: 'scx_other' (state enabled); stop it before loading homing" "$out"
else
  check_eq "not root message" "load: must run as root to load a sched_ext scheduler (homing): try sudo" "$out"
fi

"$load" --list | grep -q '^    went_home: '; check_eq "--list shows homing's counters" 0 $?

exit $fail
