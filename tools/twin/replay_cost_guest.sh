#!/bin/sh
# Runs in the VM guest for `bazel run //tools/twin:replay_cost`: POLICY's ordinary build and then
# its record build, each under the stress mix for SECONDS with BPF run-time statistics on, in the
# same guest. Prints per build: callbacks run (the sum of its struct_ops programs' run counts),
# callbacks per second, average ns per callback, the stress mix's own progress line; then the
# record build's figures as ratios of the ordinary build's.
# usage: replay_cost_guest.sh POLICY SECONDS
policy=$1 seconds=$2
. /bin/guest_lib.sh
echo 1 >/proc/sys/kernel/bpf_stats_enabled
for build in ordinary record; do
  args=
  [ $build = record ] && args="--record=/tmp/cost.rec"
  # shellcheck disable=SC2086 # $args is empty or one word
  load --policy="$policy" --stats-interval=0 $args >/tmp/load.out 2>&1 &
  loader=$!
  wait_state enabled || { cat /tmp/load.out; exit 1; }
  stress "$seconds" >/tmp/stress.out 2>&1
  bpftool prog show >/tmp/progs.txt
  kill -INT $loader
  wait $loader || { cat /tmp/load.out; exit 1; }
  wait_state disabled
  awk -v prefix="${policy}_" -v build=$build -v secs="$seconds" '
    $2 == "struct_ops" {
      name = ""; rt = 0; rc = 0
      for (i = 1; i <= NF; i++) {
        if ($i == "name") name = $(i + 1)
        if ($i == "run_time_ns") rt = $(i + 1)
        if ($i == "run_cnt") rc = $(i + 1)
      }
      if (index(name, prefix) == 1) { runs += rc; ns += rt }
    }
    END { printf "cost %s callbacks=%d per_s=%.0f avg_ns=%.0f\n", build, runs, runs / secs, runs ? ns / runs : 0 }
  ' /tmp/progs.txt | tee -a /tmp/cost.txt
  echo "cost $build $(tail -n1 /tmp/stress.out)"
  rm -f /tmp/cost.rec
done
awk '
  /^cost ordinary callbacks=/ { split($4, a, "="); o_s = a[2]; split($5, b, "="); o_ns = b[2] }
  /^cost record callbacks=/ { split($4, a, "="); r_s = a[2]; split($5, b, "="); r_ns = b[2] }
  END { printf "cost ratio record/ordinary: callbacks_per_s %.2f, avg_ns %.2f\n", r_s / o_s, r_ns / o_ns }
' /tmp/cost.txt
