#!/usr/bin/env bash
# `bazel run //tools/twin:replay_cost -- POLICY [SECONDS [ROUNDS]]`: what recording costs in the
# kernel. `bazel run //tools/twin:replay_cost -- --kernel-tree=NAME [SECONDS [ROUNDS]]`: the same
# for a scheduler of the cached kernel tree (tools/sched_ext/NAME.bpf.c), compiled here twice from
# its unmodified source as `twin replay --kernel-tree` compiles it (build_kernel_tree_record.sh):
# its ordinary build (--ordinary) and its record build, which differ only by the record wrappers.
# Boots the VM once (4 vCPUs) and runs the ordinary build, then the record build, under the
# stress mix with bpf_stats on, SECONDS each (10), ROUNDS times in turn (1), and totals each build
# over the rounds (replay_cost_guest.sh). Under emulation (TCG, one host thread):
# compare the two builds with each other, not with real hardware.
set -euo pipefail
usage="usage: replay_cost POLICY [SECONDS [ROUNDS]] | replay_cost --kernel-tree=NAME [SECONDS [ROUNDS]]"
[[ $# -ge 1 && $# -le 3 ]] || { echo "$usage" >&2; exit 2; }
which=$1
seconds=${2:-10}
rounds=${3:-1}
[[ $seconds =~ ^[1-9][0-9]*$ ]] ||
  { echo "replay_cost: SECONDS expects a positive whole number, got '$seconds'" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] ||
  { echo "replay_cost: ROUNDS expects a positive whole number, got '$rounds'" >&2; exit 2; }
runfiles=${RUNFILES_DIR:-$0.runfiles}/scxtwin
cpus=4
adds=()
case $which in
  --kernel-tree=*)
    name=${which#--kernel-tree=}
    [[ $name =~ ^[A-Za-z0-9_]+$ ]] || {
      echo "replay_cost: --kernel-tree expects a scheduler's name such as scx_simple, got '$name'" >&2
      exit 2
    }
    cache=${SCXTWIN_CACHE:-/var/cache/scxtwin}
    src=$cache/kernel/src/tools/sched_ext/$name.bpf.c
    [[ -f $src ]] || {
      echo "replay_cost: --kernel-tree=$name: no $src (the cached kernel tree's schedulers are tools/sched_ext/*.bpf.c; run sudo tools/setup)" >&2
      exit 2
    }
    dir=$(mktemp -d /tmp/scxtwin-replay-cost.XXXXXX)
    trap 'rm -rf "$dir"' EXIT
    for build in ordinary record; do
      out=$dir/$name.bpf.o flag=--ordinary
      [[ $build == ordinary ]] || out=$dir/$name.record.bpf.o flag=
      # shellcheck disable=SC2086 # $flag is empty or one word
      "$runfiles/tools/twin/build_kernel_tree_record.sh" $flag "$out" "$src" \
        "$runfiles/tools/twin/record_include" "$runfiles/policy/include" "$cpus"
      adds+=(--add "$out")
    done
    adds+=(--add "$cache/kernel/config:/bin/kconfig")
    ordinary=--object=/bin/$name.bpf.o record=--object=/bin/$name.record.bpf.o
    ;;
  -*) echo "$usage" >&2; exit 2 ;;
  *) ordinary=--policy=$which record=--policy=$which ;;
esac
# Not exec: the trap removes the kernel-tree builds after the VM.
"$runfiles/tools/vm.sh" --cpus "$cpus" --timeout $((300 + 4 * seconds * rounds)) \
  --add "$runfiles/kernel/load" --add "$runfiles/tests/kernel/stress" \
  --add "$runfiles/tests/kernel/guest_lib.sh" --add "$runfiles/kernel/bpf_stats_guest_lib.sh" \
  --add "$(command -v bpftool || echo /usr/sbin/bpftool)" \
  --add "$runfiles/tools/twin/replay_cost_guest.sh" "${adds[@]}" \
  -- sh /bin/replay_cost_guest.sh "$seconds" "$rounds" "$ordinary" "$record"
