#!/bin/sh
# Runs in the VM guest for `bazel run //tools/twin:replay_cost`: a scheduler's ordinary build and
# then its record build, each under the stress mix for SECONDS with BPF run-time statistics on, in
# the same guest (bpf_stats_guest_lib.sh). Prints per build: callbacks run (the sum of its
# struct_ops programs' run counts), callbacks per second, average ns per callback, the stress
# mix's own progress line; the loader's record line (records written, dropped); then the record
# build's figures as ratios of the ordinary build's.
# usage: replay_cost_guest.sh SECONDS ORDINARY RECORD
#   ORDINARY, RECORD: the loader's argument naming each build: --policy=NAME (a project policy,
#   both builds linked in) or --object=/bin/FILE.bpf.o (a kernel-tree scheduler's two objects).
seconds=$1 ordinary=$2 record=$3
. /bin/guest_lib.sh
. /bin/bpf_stats_guest_lib.sh
# A kernel-tree scheduler's __kconfig externs are resolved by libbpf from /boot/config-$(uname -r):
# the host brings the cached kernel's config along (as for `twin replay`).
if [ -f /bin/kconfig ]; then
  mkdir -p /boot && cp /bin/kconfig "/boot/config-$(uname -r)"
fi
for build in ordinary record; do
  if [ $build = ordinary ]; then
    bpf_stats_run "$seconds" "$ordinary" || { cat /tmp/load.out; exit 1; }
  else
    bpf_stats_run "$seconds" "$record" --record=/tmp/cost.rec || { cat /tmp/load.out; exit 1; }
  fi
  awk -v build=$build -v secs="$seconds" '
    { runs += $3; ns += $4 }
    END { printf "cost %s callbacks=%.0f per_s=%.0f avg_ns=%.0f\n", build, runs, runs / secs, runs ? ns / runs : 0 }
  ' /tmp/bpf_stats.txt | tee -a /tmp/cost.txt
  echo "cost $build $(tail -n1 /tmp/stress.out)"
  [ $build = record ] && echo "cost record $(grep -m1 'dropped' /tmp/load.out)"
  rm -f /tmp/cost.rec
done
awk '
  /^cost ordinary callbacks=/ { split($4, a, "="); o_s = a[2]; split($5, b, "="); o_ns = b[2] }
  /^cost record callbacks=/ { split($4, a, "="); r_s = a[2]; split($5, b, "="); r_ns = b[2] }
  END { printf "cost ratio record/ordinary: callbacks_per_s %.2f, avg_ns %.2f\n", r_s / o_s, r_ns / o_ns }
' /tmp/cost.txt
