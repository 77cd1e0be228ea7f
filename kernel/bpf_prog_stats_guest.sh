#!/bin/sh
# Runs in the VM guest for `bazel run //kernel:bpf_prog_stats`: loads POLICY with
# kernel.bpf_stats_enabled=1, runs the stress mix for SECONDS, and prints, for each of the
# policy's BPF programs, its size in instructions (xlated bytes / 8), its run count and its
# average run time per call, from `bpftool prog show` (bpf_stats_guest_lib.sh).
# usage: bpf_prog_stats_guest.sh POLICY SECONDS
policy=$1 seconds=$2
. /bin/guest_lib.sh
. /bin/bpf_stats_guest_lib.sh
bpf_stats_run "$seconds" --policy="$policy"
rc=$?
cat /tmp/stress.out /tmp/load.out
echo "program insns runs avg_ns"
awk '{ printf "%s %s %s %s\n", $1, $2, $3, ($3 > 0 ? sprintf("%.0f", $4 / $3) : "-") }' \
  /tmp/bpf_stats.txt
exit $rc
