#!/bin/sh
# Runs in the VM guest: a policy the verifier refuses; the loader must exit 3 ("cannot load")
# with one line saying the verifier rejected it, followed by the log's tail containing TEXT,
# and sched_ext must stay disabled.
# usage: rejected.sh LOADER POLICY TEXT
loader=$1 policy=$2 text=$3
fail() { echo "FAIL: $*"; exit 1; }
"$loader" --policy="$policy" >/tmp/load.out 2>&1
rc=$?
cat /tmp/load.out
[ $rc = 3 ] || fail "the loader exited $rc, expected 3"
echo "ok: exit code 3"
head -n1 /tmp/load.out | grep "^load: the verifier rejected policy $policy (program ${policy}_[a-z_]*): " | grep -qF "$text" ||
  fail "the first line does not say the verifier rejected $policy with '$text'"
grep "^load:   | " /tmp/load.out | grep -qF "$text" || fail "the log tail does not contain '$text'"
echo "ok: verifier rejection reported with the log's tail"
[ "$(cat /sys/kernel/sched_ext/state)" = disabled ] || fail "sched_ext is not disabled"
echo PASS
