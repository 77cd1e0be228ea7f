#!/bin/sh
# Runs in the VM guest: a loader killed with SIGKILL cannot clean up; the kernel must still drop
# the scheduler (its link dies with the process) and return to the default scheduler.
fail() { echo "FAIL: $*"; exit 1; }
. /bin/guest_lib.sh
load --policy=vtime --stats-interval=0 >/tmp/load.out 2>&1 &
loader=$!
wait_state enabled || fail "vtime never became active"
echo "ok: vtime active ($(cat /sys/kernel/sched_ext/root/ops))"
kill -KILL $loader
wait $loader
echo "ok: loader killed (wait status $?)"
wait_state disabled 300 || fail "state still '$(cat /sys/kernel/sched_ext/state)' 30 s after SIGKILL"
echo "ok: state disabled after SIGKILL"
[ ! -e /sys/kernel/sched_ext/root/ops ] || [ -z "$(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)" ] ||
  fail "an ops name is still listed: $(cat /sys/kernel/sched_ext/root/ops)"
# The default scheduler runs things again, and a new scheduler can load.
load --policy=homing --duration=1s --stats-interval=0 >/tmp/again.out 2>&1 || { cat /tmp/again.out; fail "a new loader failed"; }
echo "ok: a new loader attaches and exits normally"
echo PASS
