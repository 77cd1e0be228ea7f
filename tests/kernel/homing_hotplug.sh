#!/bin/sh
# Runs in a guest booted with one CPU online (maxcpus=1, multi-threaded TCG, 2 vCPUs). homing is
# attached while only CPU 0 is online, then CPU 1 comes online. Two CPU-bound threads (1.5 s of
# CPU each) must use both CPUs: (a) started while only CPU 0 is online (both get CPU 0 as their
# home), CPU 1 onlined 0.3 s later; (b) after CPU 1 went offline and online again, started with
# both online. The check is where the threads' CPU time went, from the sched tracepoints
# (workload_runner's cpu_busy_ns), not how long it took: at least a quarter of it on CPU 1 (ideal:
# 45% in (a), 50% in (b); a CPU left idle gets none). homing must survive the hotplugs (no
# ejection) and detach normally. EEVDF, the control, runs phase (b) too.
fail() { echo "FAIL: $*"; cat /tmp/load.out; exit 1; }
. /bin/guest_lib.sh
online() { echo "$1" >/sys/devices/system/cpu/cpu1/online || fail "cannot set CPU 1 online=$1"; }
# phase NAME [online-later]: runs the two threads; CPU 1 must have run >= 25% of their CPU time.
phase() {
  workload_runner --plan=/bin/two_hogs.plan >/tmp/run.json &
  runner=$!
  if [ "$2" = online-later ]; then
    sleep 0.3
    online 1
  fi
  wait $runner || fail "$1: workload_runner failed"
  busy=$(sed -n 's/.*"cpu_busy_ns":\[\([0-9,]*\)\].*/\1/p' /tmp/run.json)
  cpu0=$(echo "$busy" | cut -d, -f1) cpu1=$(echo "$busy," | cut -d, -f2)
  share=$(( ${cpu1:-0} * 100 / (cpu0 + ${cpu1:-0}) ))
  echo "$1: CPU 1 ran ${share}% of the threads' CPU time (CPU 0 ${cpu0} ns, CPU 1 ${cpu1:-0} ns)"
  [ "$share" -ge 25 ] || fail "$1: CPU 1, onlined after homing attached, was left idle (${share}%)"
}

[ "$(cat /sys/devices/system/cpu/online)" = 0 ] || fail "expected only CPU 0 online at boot"
load --policy=homing --stats-interval=0 >/tmp/load.out 2>&1 &
loader=$!
wait_state enabled || fail "homing never became active"
phase "homing (a) hogs homed on CPU 0, CPU 1 onlined during the run" online-later
online 0
online 1
phase "homing (b) CPU 1 offlined and onlined, then the hogs"
[ "$(cat /sys/kernel/sched_ext/state)" = enabled ] || fail "homing was ejected by the hotplug"
# Detach with CPU 1 offline: detaching patches kernel code, which another vCPU must not run
# meanwhile under multi-threaded TCG (docs/twin.md).
online 0
kill -INT $loader
wait $loader || fail "the loader did not exit normally"
cat /tmp/load.out
grep -q "kind=unregistered" /tmp/load.out || fail "homing did not end by unregistering"
wait_state disabled || fail "sched_ext never became disabled"
online 1
phase "eevdf (b), the control"
echo PASS
