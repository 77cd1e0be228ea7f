#!/bin/sh
# Runs in the VM guest: a faulty POLICY must be ejected by the kernel; the loader (LOADER) must exit
# with EXIT_CODE and report KIND with the kernel's message containing TEXT, and sched_ext must be
# disabled afterwards.
# usage: ejected.sh LOADER POLICY EXIT_CODE KIND TEXT
loader=$1 policy=$2 want_rc=$3 kind=$4 text=$5
timeout 120 "$loader" --policy="$policy" --stats-interval=0 >/tmp/load.out 2>&1
rc=$?
cat /tmp/load.out
fail() { echo "FAIL: $*"; exit 1; }
[ $rc = "$want_rc" ] || fail "the loader exited $rc, expected $want_rc"
echo "ok: exit code $rc"
grep "^exit: policy=$policy kind=$kind" /tmp/load.out | grep -qF "$text" ||
  fail "no exit line with kind=$kind and '$text'"
echo "ok: reported kind=$kind with the kernel's message"
grep -q "^load: the kernel ejected $policy" /tmp/load.out || fail "no ejection line"
state=$(cat /sys/kernel/sched_ext/state)
[ "$state" = disabled ] || fail "state is '$state' afterwards, expected disabled"
echo "ok: state disabled afterwards"
echo PASS
