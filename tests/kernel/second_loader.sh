#!/bin/sh
# Runs in the VM guest: while one loader runs vtime, a second loader is refused with one line
# naming vtime, and the first one keeps running and exits normally on SIGTERM.
fail() { echo "FAIL: $*"; exit 1; }
. /bin/guest_lib.sh
load --policy=vtime --stats-interval=0 >/tmp/first.out 2>&1 &
first=$!
wait_state enabled || fail "vtime never became active"
out=$(load --policy=homing 2>&1)
rc=$?
echo "second loader: $out (exit $rc)"
[ $rc = 3 ] || fail "the second loader exited $rc, expected 3"
[ "$(echo "$out" | wc -l)" = 1 ] || fail "expected one line"
echo "$out" | grep -q "^load: another sched_ext scheduler is active: 'vtime'" || fail "the line does not name vtime"
echo "ok: refused, naming vtime"
[ "$(cat /sys/kernel/sched_ext/root/ops)" = vtime ] || fail "vtime is no longer active"
kill -TERM $first
wait $first || { cat /tmp/first.out; fail "the first loader did not exit normally on SIGTERM"; }
grep -q "^exit: policy=vtime kind=unregistered(64) " /tmp/first.out || fail "no normal exit reported"
echo "ok: the first loader exits normally on SIGTERM"
echo PASS
