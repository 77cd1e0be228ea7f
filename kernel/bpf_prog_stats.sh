#!/usr/bin/env bash
# `bazel run //kernel:bpf_prog_stats -- POLICY [SECONDS]`: boots the sched_ext VM with 4 CPUs, runs
# POLICY under the stress mix with BPF run-time statistics on, and prints each program's
# instruction count and average run time per call. Times are under emulation (TCG): compare
# programs with each other, not with real hardware.
set -euo pipefail
policy=${1:?usage: bpf_prog_stats POLICY [SECONDS]}
seconds=${2:-15}
runfiles=${RUNFILES_DIR:-$0.runfiles}/scxtwin
exec "$runfiles/tools/vm.sh" --cpus 4 --timeout 300 \
  --add "$runfiles/kernel/load" --add "$runfiles/tests/kernel/stress" \
  --add "$runfiles/tests/kernel/guest_lib.sh" --add "$runfiles/kernel/bpf_stats_guest_lib.sh" \
  --add "$(command -v bpftool || echo /usr/sbin/bpftool)" \
  --add "$runfiles/kernel/bpf_prog_stats_guest.sh" \
  -- sh /bin/bpf_prog_stats_guest.sh "$policy" "$seconds"
