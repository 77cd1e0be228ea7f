#!/bin/sh
# The guest half of `twin compare`: compare_guest.sh PLAN RUNS POLICY...
# Runs the workload plan RUNS times under each policy (seeds 1..RUNS, the simulator's), EEVDF with
# no scheduler loaded, any other policy loaded by `load` for each run. Prints the guest's timing
# fidelity (twin-calibration {...}, workload_runner --calibrate) before and after, and per run:
#   twin-run POLICY RUN
#   twin-json {the runner's report}
#   twin-counters-start stats mark POLICY: k=v ... (when a policy was loaded: its counters
#   twin-counters stats mark POLICY: k=v ...        just before and just after the run)
#   twin-progs-start progs mark POLICY: PROG=RUNS/NS ...  (its BPF programs' run counts and
#   twin-progs progs mark POLICY: PROG=RUNS/NS ...        times, likewise)
# then twin-done; a failure prints twin-error WHAT and exits 1.
. /bin/guest_lib.sh
# Attaching and detaching a scheduler patches kernel code (static keys); under multi-threaded TCG
# another vCPU executing that code meanwhile can fault (a panic in ttwu_do_activate was seen), so
# every CPU but CPU 0 is offline while a policy attaches or detaches. The policy must implement
# cpu_online/cpu_offline, or the kernel ejects it when they come back.
others() {
  for f in /sys/devices/system/cpu/cpu[1-9]*/online; do
    [ -e "$f" ] || continue
    echo $([ "$1" = online ] && echo 1 || echo 0) >"$f" || { echo "twin-error cannot set $f $1"; exit 1; }
  done
}
# The loader's counters now: SIGUSR1, then its Nth "stats mark" line (N = $1). Taken around the run
# only, so the kernel threads that wake while CPUs go offline and come back are not counted.
mark() {
  kill -USR1 "$loader"
  tries=0
  while [ "$(grep -c '^stats mark' /tmp/load.out)" -lt "$1" ]; do
    tries=$((tries + 1))
    [ $tries -gt 100 ] && { echo "twin-error the $policy loader printed no counters: $(cat /tmp/load.out)"; exit 1; }
    sleep 0.05
  done
  grep '^stats mark' /tmp/load.out | sed -n "$1p"
}
# The loader's Nth "progs mark" line, printed just before its Nth "stats mark" line.
progs() { grep '^progs mark' /tmp/load.out | sed -n "$1p"; }
# The kernel counts each BPF program's runs and run time while this is 1 (the emulated cost of
# the policy's callbacks, which the simulator side charges). Turning it on flips a static key, so
# with the other CPUs offline, as for an attach.
others offline
echo 1 >/proc/sys/kernel/bpf_stats_enabled || { echo "twin-error cannot enable bpf_stats_enabled"; exit 1; }
others online
plan=$1 runs=$2
shift 2
# The guest's timing fidelity (one thread, nothing else running), before and after the runs.
echo "twin-calibration $(workload_runner --calibrate)"
for policy in "$@"; do
  run=1
  while [ $run -le "$runs" ]; do
    loader=
    if [ "$policy" != eevdf ]; then
      others offline
      load --policy="$policy" --stats-interval=0 >/tmp/load.out 2>&1 &
      loader=$!
      wait_state enabled || { echo "twin-error $policy never became active: $(cat /tmp/load.out)"; exit 1; }
      others online
    fi
    echo "twin-run $policy $run"
    if [ -n "$loader" ]; then
      m=$(mark 1) || { echo "$m"; exit 1; }
      echo "twin-counters-start $m"
      echo "twin-progs-start $(progs 1)"
    fi
    workload_runner --plan="$plan" --seed="$run" --policy="$policy" >/tmp/run.json 2>/tmp/run.err ||
      { echo "twin-error workload_runner: $(cat /tmp/run.err)"; exit 1; }
    echo "twin-json $(cat /tmp/run.json)"
    if [ -n "$loader" ]; then
      m=$(mark 2) || { echo "$m"; exit 1; }
      echo "twin-counters $m"
      echo "twin-progs $(progs 2)"
      others offline
      kill -INT $loader
      wait $loader || { echo "twin-error the $policy loader did not exit normally: $(cat /tmp/load.out)"; exit 1; }
      wait_state disabled
      others online
    fi
    run=$((run + 1))
  done
done
echo "twin-calibration $(workload_runner --calibrate)"
echo twin-done
