#!/bin/sh
# Runs in the VM guest for `bazel run //tools/twin:replay_cost`: a scheduler's ordinary build and
# then its record build, each under the stress mix for SECONDS with BPF run-time statistics on, in
# the same guest (bpf_stats_guest_lib.sh), ROUNDS times in turn (on a shared host the guest's
# speed drifts: alternating spreads the drift over both builds). Prints per run: callbacks run
# (the sum of its struct_ops programs' run counts), callbacks per second, average ns per callback,
# the stress mix's own progress line, and for the record build the loader's record line (records
# written, dropped); then each build's totals over the rounds and the record build's totals as
# ratios of the ordinary build's.
# usage: replay_cost_guest.sh SECONDS ROUNDS ORDINARY RECORD
#   ORDINARY, RECORD: the loader's argument naming each build: --policy=NAME (a project policy,
#   both builds linked in) or --object=/bin/FILE.bpf.o (a kernel-tree scheduler's two objects).
seconds=$1 rounds=$2 ordinary=$3 record=$4
. /bin/guest_lib.sh
. /bin/bpf_stats_guest_lib.sh
# A kernel-tree scheduler's __kconfig externs are resolved by libbpf from /boot/config-$(uname -r):
# the host brings the cached kernel's config along (as for `twin replay`).
if [ -f /bin/kconfig ]; then
  mkdir -p /boot && cp /bin/kconfig "/boot/config-$(uname -r)"
fi
: >/tmp/cost.txt
round=1
while [ $round -le "$rounds" ]; do
  for build in ordinary record; do
    if [ $build = ordinary ]; then
      bpf_stats_run "$seconds" "$ordinary" || { cat /tmp/load.out; exit 1; }
    else
      bpf_stats_run "$seconds" "$record" --record=/tmp/cost.rec || { cat /tmp/load.out; exit 1; }
    fi
    # One line per run in /tmp/cost.txt: BUILD CALLBACKS RUN_TIME_NS.
    awk -v build=$build '{ runs += $3; ns += $4 } END { printf "%s %.0f %.0f\n", build, runs, ns }' \
      /tmp/bpf_stats.txt >>/tmp/cost.txt
    tail -n1 /tmp/cost.txt | awk -v round=$round -v secs="$seconds" '
      { printf "cost round %d %s callbacks=%.0f per_s=%.0f avg_ns=%.0f\n", round, $1, $2, $2 / secs, $2 ? $3 / $2 : 0 }'
    echo "cost round $round $build $(grep '^stress:' /tmp/stress.out | tr '\n' ' ')"
    [ $build = record ] && echo "cost round $round record $(grep -m1 'dropped' /tmp/load.out)"
    rm -f /tmp/cost.rec
  done
  round=$((round + 1))
done
awk -v secs=$((seconds * rounds)) '
  { runs[$1] += $2; ns[$1] += $3 }
  END {
    for (b = 0; b < 2; b++) {
      build = b ? "record" : "ordinary"
      per_s[build] = runs[build] / secs; avg[build] = runs[build] ? ns[build] / runs[build] : 0
      printf "cost %s callbacks=%.0f per_s=%.0f avg_ns=%.0f\n", build, runs[build], per_s[build], avg[build]
    }
    printf "cost ratio record/ordinary: callbacks_per_s %.2f, avg_ns %.2f\n",
      per_s["record"] / per_s["ordinary"], avg["record"] / avg["ordinary"]
  }' /tmp/cost.txt
