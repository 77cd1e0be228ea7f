#!/bin/bash
# Builds the record build of a kernel-tree scheduler (tools/sched_ext/NAME.bpf.c, unmodified) into
# a BPF object that `load --object=OUT --record=FILE` runs: record_include/ goes first on the
# include path, so the scheduler's <scx/common.bpf.h> is the shim that adds the record wrappers
# (policy/include/scxtwin/record.bpf.h) to the kernel tree's header.
#
#   build_kernel_tree_record.sh OUT.bpf.o SRC.bpf.c RECORD_INCLUDE_DIR POLICY_INCLUDE_DIR
#
# The kernel tree's include dir is next to SRC (SRC's dir/include); vmlinux.h is the cache's
# ($SCXTWIN_CACHE, default /var/cache/scxtwin, /kernel/vmlinux.h).
set -euo pipefail
if [[ $# -ne 4 ]]; then
  echo "usage: $0 OUT.bpf.o SRC.bpf.c RECORD_INCLUDE_DIR POLICY_INCLUDE_DIR" >&2
  exit 2
fi
out=$1 src=$2 rec_inc=$3 pol_inc=$4
kernel=${SCXTWIN_CACHE:-/var/cache/scxtwin}/kernel
for f in "$src" "$kernel/vmlinux.h"; do
  [[ -f $f ]] || { echo "build_kernel_tree_record: $f: no such file (run sudo tools/setup)" >&2; exit 1; }
done
tree_inc=$(dirname "$src")/include
exec clang-16 -g -O2 -target bpf -D__TARGET_ARCH_x86 -mcpu=v3 -Wall -Wno-missing-declarations \
  -Wno-unused-function -D__SCXTWIN_RECORD__ \
  -I"$rec_inc" -I"$pol_inc" -I"$tree_inc" -I"$tree_inc/bpf-compat" -I"$kernel" \
  -c "$src" -o "$out"
