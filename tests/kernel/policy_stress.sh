#!/bin/sh
# Runs in the VM guest: load POLICY, run the stress mix for SECONDS, and check that the policy
# stayed the active scheduler throughout, every stress process finished, nothing was ejected,
# the listed counters moved, and SIGINT gives a normal exit and a disabled sched_ext.
# usage: policy_stress.sh POLICY SECONDS COUNTER[,COUNTER...]
policy=$1 seconds=$2 must_move=$3
fail() { echo "FAIL: $*"; echo "--- loader output:"; cat /tmp/load.out; exit 1; }
ok() { echo "ok: $*"; }
. /bin/guest_lib.sh
check_active() {
  state=$(cat $sysfs/state) ops=$(cat $sysfs/root/ops 2>/dev/null)
  [ "$state" = enabled ] || fail "$1: state is '$state', expected enabled"
  [ "$ops" = "$policy" ] || fail "$1: $sysfs/root/ops is '$ops', expected $policy"
  ok "$1: state enabled, ops $ops"
}

load --policy="$policy" --stats-interval=2s >/tmp/load.out 2>&1 &
loader=$!
wait_state enabled || fail "the state never became enabled"
check_active "after attach"

stress "$seconds" >/tmp/stress.out 2>&1 &
stresser=$!
sleep $((seconds / 2))
check_active "during the stress mix"
wait $stresser
stress_rc=$?
cat /tmp/stress.out
[ $stress_rc = 0 ] || fail "the stress mix failed (exit $stress_rc)"
ok "every stress process finished"
check_active "after the stress mix"

kill -INT $loader
wait $loader
load_rc=$?
cat /tmp/load.out
[ $load_rc = 0 ] || fail "the loader exited $load_rc after SIGINT, expected 0"
grep -q "^exit: policy=$policy kind=unregistered(64) " /tmp/load.out ||
  fail "no normal exit (unregistered) reported"
ok "SIGINT: normal exit reported"
wait_state disabled || fail "state is not disabled after the loader exited"
ok "state disabled again"

final=$(grep "^stats final $policy:" /tmp/load.out)
[ -n "$final" ] || fail "no final stats line"
for counter in $(echo "$must_move" | tr , ' '); do
  value=$(echo "$final" | tr ' ' '\n' | sed -n "s/^$counter=//p")
  [ -n "$value" ] || fail "counter $counter is missing from: $final"
  [ "$value" -gt 0 ] || fail "counter $counter did not move: $final"
  ok "counter $counter moved ($value)"
done
echo "PASS: $policy"
