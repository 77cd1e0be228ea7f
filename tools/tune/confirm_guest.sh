#!/bin/sh
# Runs in the VM guest for `tune --confirm`: load POLICY with the given knobs, run the stress mix
# for SECONDS, and check that the policy attached, stayed the active scheduler throughout, every
# stress process finished, and SIGINT detached it normally.
# usage: confirm_guest.sh POLICY SECONDS [KNOB=VALUE ...]
policy=$1 seconds=$2
shift 2
fail() { echo "confirm: FAIL: $*"; echo "--- loader output:"; cat /tmp/load.out; exit 1; }
. /bin/guest_lib.sh
sets=""
for kv in "$@"; do sets="$sets --set $kv"; done
# shellcheck disable=SC2086 # one word per --set and value
load --policy="$policy" $sets >/tmp/load.out 2>&1 &
loader=$!
wait_state enabled 600 || fail "the policy never attached (the verifier's or loader's words are below)"
[ "$(cat $sysfs/root/ops)" = "$policy" ] || fail "root/ops is '$(cat $sysfs/root/ops)', expected $policy"
echo "confirm: $policy attached with:${sets:- its defaults}"
stress "$seconds" >/tmp/stress.out 2>&1
stress_rc=$?
[ $stress_rc = 0 ] || fail "the stress mix failed (exit $stress_rc): $(cat /tmp/stress.out)"
[ "$(cat $sysfs/state)" = enabled ] || fail "state is '$(cat $sysfs/state)' after the stress mix: ejected"
echo "confirm: $policy stayed up through $seconds s of the stress mix"
kill -INT $loader
wait $loader
rc=$?
[ $rc = 0 ] || fail "the loader exited $rc after SIGINT, expected 0"
grep -q "^exit: policy=$policy kind=unregistered(64) " /tmp/load.out || fail "no normal exit reported"
wait_state disabled || fail "state is not disabled after the loader exited"
echo "confirm: PASS: $policy loaded, passed the verifier, ran $seconds s of stress and detached normally"
