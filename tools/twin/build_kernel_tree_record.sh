#!/bin/bash
# Builds the record build of a kernel-tree scheduler (tools/sched_ext/NAME.bpf.c, unmodified) into
# a BPF object that `load --object=OUT --record=FILE` runs: record_include/ goes first on the
# include path, so the scheduler's <scx/common.bpf.h> is the shim that adds the record wrappers
# (policy/include/scxtwin/record.bpf.h) to the kernel tree's header.
#
#   build_kernel_tree_record.sh [--ordinary] OUT.bpf.o SRC.bpf.c RECORD_INCLUDE_DIR POLICY_INCLUDE_DIR NR_CPUS
#
# --ordinary builds the same object without -D__SCXTWIN_RECORD__ (no record wrappers, no timer
# wrappers): the scheduler as `load --object=OUT` runs it without recording, what
# //tools/twin:replay_cost measures the record build against.
# NR_CPUS is the CPU count of the machine that will record (its resizable arrays get that many
# elements). A BPF timer callback the scheduler registers (bpf_timer_set_callback(T, FN)) is
# wrapped like a struct_ops callback: its names are found in SRC and listed to record.bpf.h, and
# the wrappers (record.bpf.h: SCXTWIN_REC_TIMER_CALLBACKS) are defined after SRC, which is compiled
# through a unit that includes it.
# The kernel tree's include dir is next to SRC (SRC's dir/include); vmlinux.h is the cache's
# ($SCXTWIN_CACHE, default /var/cache/scxtwin, /kernel/vmlinux.h).
set -euo pipefail
record=1
if [[ ${1:-} == --ordinary ]]; then
  record=0
  shift
fi
if [[ $# -ne 5 ]]; then
  echo "usage: $0 [--ordinary] OUT.bpf.o SRC.bpf.c RECORD_INCLUDE_DIR POLICY_INCLUDE_DIR NR_CPUS" >&2
  exit 2
fi
out=$1 src=$2 rec_inc=$3 pol_inc=$4 nr_cpus=$5
kernel=${SCXTWIN_CACHE:-/var/cache/scxtwin}/kernel
for f in "$src" "$kernel/vmlinux.h"; do
  [[ -f $f ]] || { echo "build_kernel_tree_record: $f: no such file (run sudo tools/setup)" >&2; exit 1; }
done
[[ $nr_cpus =~ ^[1-9][0-9]*$ ]] || { echo "build_kernel_tree_record: NR_CPUS must be a positive number, got '$nr_cpus'" >&2; exit 2; }
src=$(realpath "$src")
tree_inc=$(dirname "$src")/include
timers=
[[ $record == 0 ]] || timers=$({ grep -o 'bpf_timer_set_callback([^,]*, *[A-Za-z_][A-Za-z0-9_]*)' "$src" || true; } |
  sed 's/.*, *\([A-Za-z_][A-Za-z0-9_]*\))$/T(\1)/' | sort -u | tr '\n' ' ')
unit=$(mktemp --suffix=.bpf.c)
trap 'rm -f "$unit"' EXIT
{
  echo "#include \"$src\""
  [[ -z $timers ]] || echo "SCXTWIN_REC_TIMER_CALLBACKS(SCXTWIN_REC_TIMER_DEFINE)"
} >"$unit"
flags=()
[[ $record == 0 ]] || flags+=(-D__SCXTWIN_RECORD__)
[[ -z $timers ]] || flags+=("-DSCXTWIN_REC_TIMER_CALLBACKS(T)=$timers")
clang-16 -g -O2 -target bpf -D__TARGET_ARCH_x86 -mcpu=v3 -Wall -Wno-missing-declarations \
  -Wno-unused-function -DSCXTWIN_REC_NR_CPUS="$nr_cpus" "${flags[@]}" \
  -iquote "$(dirname "$src")" -I"$rec_inc" -I"$pol_inc" -I"$tree_inc" -I"$tree_inc/bpf-compat" \
  -I"$kernel" -c "$unit" -o "$out"
