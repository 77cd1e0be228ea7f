#!/bin/sh
# Runs in the VM guest for `twin replay`: loads POLICY's record build with the record going to
# $SCXTWIN_OUT/record (brought back by `vm --out`), runs the stress mix for SECONDS, detaches.
# POLICY is a linked-in policy's name, or the path of a record build's BPF object (a kernel-tree
# scheduler, loaded with `load --object`).
# usage: replay_guest.sh POLICY SECONDS [KNOB=VALUE ...]
policy=$1 seconds=$2
shift 2
. /bin/guest_lib.sh
# A kernel-tree scheduler's __kconfig externs (scx_central reads CONFIG_PREEMPT_RCU) are resolved
# by libbpf from /boot/config-$(uname -r): the host brings the cached kernel's config along.
if [ -f /bin/kconfig ]; then
  mkdir -p /boot && cp /bin/kconfig "/boot/config-$(uname -r)"
fi
sets=
for s in "$@"; do sets="$sets --set=$s"; done
# shellcheck disable=SC2086 # $sets is a list of words
case $policy in
  /*) which="--object=$policy" ;;
  *) which="--policy=$policy" ;;
esac
load "$which" --record="$SCXTWIN_OUT/record" --stats-interval=0 $sets >/tmp/load.out 2>&1 &
loader=$!
# The loader drains the record's ring buffer while the stress mix runs under the recorded
# policy: at nice -20 it keeps up on a loaded host (at nice 0 a homing run once dropped 6%).
renice -n -20 -p $loader >/dev/null 2>&1
if ! wait_state enabled; then
  kill -INT $loader 2>/dev/null
  wait $loader
  cat /tmp/load.out
  echo "replay_guest: $policy never became the scheduler"
  exit 1
fi
stress "$seconds" || echo "replay_guest: the stress mix failed (the record is still replayed)"
kill -INT $loader
wait $loader
rc=$?
cat /tmp/load.out
exit $rc
