#!/usr/bin/env bash
# The seed experiment in simulation, the README's main job: a micro-VM boot with as many vCPUs
# as the host has CPUs (16 by default; workloads/microvm_boot.textpb), under Linux's default scheduler (EEVDF, the baseline),
# the seed experiment's policy `homing` and the reference policy `vtime`, 30 runs each on the same
# seeds, printed as the seed experiment's table (boot time mean, stdev, p50, p99, speedup).
#
#   bazel run //:seed [-- --cpus=N --runs=N --jobs=J --topology=SPEC --format=json ...]
#
# Any other flag goes to //sim as is (e.g. --set homing.slice_max_us=2000). The first line
# printed is the //sim command this runs, so the experiment can be rerun or varied by hand.
set -euo pipefail

cpus=16
runs=30
topology=""
policies=eevdf,homing,vtime
extra=()
for a in "$@"; do
  case $a in
    --cpus=*) cpus=${a#--cpus=} ;;
    --runs=*) runs=${a#--runs=} ;;
    --topology=*) topology=${a#--topology=} ;;
    --policy=*) policies=${a#--policy=} ;;
    -h|--help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) extra+=("$a") ;;
  esac
done
if ! [[ $cpus =~ ^[1-9][0-9]*$ ]]; then
  echo "seed: --cpus=$cpus: expected a whole number of host CPUs >= 1" >&2
  exit 2
fi
# The host: SMT pairs, one LLC per 16 cores (a common server shape); an odd count is flat.
if [[ -z $topology ]]; then
  if ((cpus % 2 == 0 && cpus >= 4)); then
    cores=$((cpus / 2))
    llcs=1
    ((cores > 16 && cores % 16 == 0)) && llcs=$((cores / 16))
    topology="1x${llcs}x$((cores / llcs))x2"
  else
    topology=$cpus
  fi
fi

# The simulator and the workload library from this target's runfiles.
root=""
for d in "${RUNFILES_DIR:-}" "$0.runfiles" "${TEST_SRCDIR:-}" "$(dirname "$0")/../../.."; do
  if [[ -n $d && -x $d/scxtwin/sim/sim ]]; then root=$(cd "$d/scxtwin" && pwd); break; fi
done
if [[ -z $root ]]; then
  echo "seed: cannot find the simulator in the runfiles; run it as: bazel run //:seed" >&2
  exit 2
fi
# One boot of workloads/microvm_boot.textpb (calibrated on the traces; see its top comment)
# with one vCPU thread per host CPU, as `vng -r` gives QEMU -smp = the host's CPU count.
workload=workloads/microvm_boot.textpb
args=(--policy="$policies" --workload="$workload" --param=vcpus="$cpus" --topology="$topology" --runs="$runs"
  ${extra[@]+"${extra[@]}"})
# The command heads the table; with --format=json it goes to stderr, so stdout stays JSON.
to=1
for a in ${extra[@]+"${extra[@]}"}; do [[ $a == --format=json ]] && to=2; done
echo "command: bazel run //sim -- ${args[*]}" >&$to
cd "$root"
# Relative paths name the runfiles' copy, so the output does not depend on where it was run.
export RUNFILES_DIR=${root%/scxtwin}  # where //sim finds the policies
exec env -u BUILD_WORKING_DIRECTORY sim/sim "${args[@]}"
