#!/bin/sh
# Runs in the VM guest: loads POLICY with kernel.bpf_stats_enabled=1, runs the stress mix for
# SECONDS, and prints, for each of the policy's BPF programs, its size in instructions (xlated
# bytes / 8) and its average run time per call, from `bpftool prog show`.
# usage: bpf_prog_stats_guest.sh POLICY SECONDS
policy=$1 seconds=$2
echo 1 >/proc/sys/kernel/bpf_stats_enabled
load --policy="$policy" --stats-interval=0 >/tmp/load.out 2>&1 &
loader=$!
i=0
until [ "$(cat /sys/kernel/sched_ext/state)" = enabled ]; do
  i=$((i + 1))
  [ $i -gt 600 ] && { cat /tmp/load.out; exit 1; }
  sleep 0.1
done
stress "$seconds"
bpftool prog show >/tmp/progs.txt
kill -INT $loader
wait $loader
rc=$?
cat /tmp/load.out
echo "program insns runs avg_ns"
awk -v prefix="${policy}_" '
  $2 == "struct_ops" {
    name = ""; rt = 0; rc = 0
    for (i = 1; i <= NF; i++) {
      if ($i == "name") name = $(i + 1)
      if ($i == "run_time_ns") rt = $(i + 1)
      if ($i == "run_cnt") rc = $(i + 1)
    }
  }
  $1 == "xlated" && index(name, prefix) == 1 {
    x = $2; sub("B", "", x)
    printf "%s %d %d %s\n", name, x / 8, rc, (rc > 0 ? sprintf("%.0f", rt / rc) : "-")
  }' /tmp/progs.txt
exit $rc
