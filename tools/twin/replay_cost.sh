#!/usr/bin/env bash
# `bazel run //tools/twin:replay_cost -- POLICY [SECONDS]`: what recording costs in the kernel.
# Boots the VM once (4 vCPUs) and runs POLICY's ordinary build, then its record build, under the
# stress mix with bpf_stats on (replay_cost_guest.sh). Under emulation (TCG, one host thread):
# compare the two builds with each other, not with real hardware.
set -euo pipefail
policy=${1:?usage: replay_cost POLICY [SECONDS]}
seconds=${2:-10}
runfiles=${RUNFILES_DIR:-$0.runfiles}/scxtwin
exec "$runfiles/tools/vm.sh" --cpus 4 --timeout 400 \
  --add "$runfiles/kernel/load" --add "$runfiles/tests/kernel/stress" \
  --add "$runfiles/tests/kernel/guest_lib.sh" \
  --add "$(command -v bpftool || echo /usr/sbin/bpftool)" \
  --add "$runfiles/tools/twin/replay_cost_guest.sh" \
  -- sh /bin/replay_cost_guest.sh "$policy" "$seconds"
