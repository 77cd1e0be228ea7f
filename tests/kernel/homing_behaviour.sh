#!/bin/sh
# Runs in the VM guest (4 CPUs): homing_probe checks where woken tasks run under homing; the
# counters must show the decisions that placed them (went home, moved to an idle CPU). Control:
# under vtime (scx_bpf_select_cpu_dfl keeps a task on its idle previous CPU) the probe's
# "back at home" phase must fail, so the probe tells homing apart.
fail() { echo "FAIL: $*"; cat /tmp/load.out; exit 1; }
. /bin/guest_lib.sh
load --policy=homing --stats-interval=0 >/tmp/load.out 2>&1 &
loader=$!
wait_state enabled || fail "homing never became active"
homing_probe
probe_rc=$?
kill -INT $loader
wait $loader || fail "the loader did not exit normally"
cat /tmp/load.out
[ $probe_rc = 0 ] || fail "homing_probe: tasks did not run where homing should put them"
final=$(grep "^stats final homing:" /tmp/load.out)
for counter in went_home moved_idle stayed_home; do
  value=$(echo "$final" | tr ' ' '\n' | sed -n "s/^$counter=//p")
  [ -n "$value" ] && [ "$value" -gt 0 ] || fail "counter $counter did not move: $final"
  echo "ok: counter $counter moved ($value)"
done

load --policy=vtime --stats-interval=0 >/tmp/control.out 2>&1 &
loader=$!
wait_state enabled || fail "vtime never became active"
# Under vtime the "back at home" phase fails only when the wake finds the task's previous CPU
# idle; on an emulated guest a wake now and then lands on another idle CPU instead, so a control
# that happens to pass is probed once more before the verdict.
control() {
  homing_probe >/tmp/probe.out
  echo "control under vtime:"
  cat /tmp/probe.out
  grep -q "^FAIL: 3 home idle again" /tmp/probe.out
}
told=0
if control; then
  told=1
else
  echo "note: under vtime the probe's wakes went back home this time; probing once more"
  control && told=1
fi
kill -INT $loader
wait $loader || fail "the vtime loader did not exit normally"
[ $told = 1 ] || fail "the probe cannot tell homing from vtime"
echo "ok: under vtime the task stays away from home, as the probe expects"

# Knobs reach the policy: with go_home=0 no wakeup is sent home.
load --policy=homing --set go_home=0 --set slice_max_us=3000 --duration=3s --stats-interval=0 \
  >/tmp/knobs.out 2>&1 || { cat /tmp/knobs.out; fail "homing with go_home=0 did not run"; }
cat /tmp/knobs.out
grep -q "^load: homing attached (slice_max_us=3000 .* go_home=0 " /tmp/knobs.out ||
  fail "the knobs were not set"
final=$(grep "^stats final homing:" /tmp/knobs.out)
for counter in went_home stayed_home; do
  echo "$final" | grep -q " $counter=0 " || fail "go_home=0 but $counter moved: $final"
done
echo "$final" | grep -q " stayed_prev=0 " && fail "stayed_prev did not move: $final"
echo "ok: with go_home=0 no task went or stayed home, wakeups stayed on their previous CPU"
echo PASS
