#!/usr/bin/env bash
# build_kernel_tree_record.sh's two builds of the cached kernel tree's scx_simple and scx_central
# (no VM): both compile from the unmodified source; the ordinary build (--ordinary, what
# replay_cost measures the record build against) has the same struct_ops callbacks and none of
# the record's ring buffer, layout or timer wrappers, which the record build has.
set -uo pipefail
source tests/testing/assert.sh
build=tools/twin/build_kernel_tree_record.sh
src_dir=${SCXTWIN_CACHE:-/var/cache/scxtwin}/kernel/src/tools/sched_ext
# The struct_ops callbacks' sections of an object, one a line, sorted.
callbacks() { llvm-objdump-16 -h "$1" | awk '$2 ~ /^struct_ops\// { print $2 }' | sort; }
symbols() { llvm-nm-16 "$1" | awk '{ print $NF }'; }
for name in scx_simple scx_central; do
  rec=$tmp/$name.record.bpf.o plain=$tmp/$name.bpf.o
  check "$name: record build" "$build" "$rec" "$src_dir/$name.bpf.c" tools/twin/record_include policy/include 4
  check "$name: ordinary build" "$build" --ordinary "$plain" "$src_dir/$name.bpf.c" tools/twin/record_include policy/include 4
  check_eq "$name: the same callbacks" "$(callbacks "$rec")" "$(callbacks "$plain")"
  check "$name: callbacks found" test -n "$(callbacks "$plain")"
  check "$name: record build has the ring buffer" grep -qx scxtwin_rec_rb <(symbols "$rec")
  check_eq "$name: ordinary build has no record symbol" "" "$(symbols "$plain" | grep scxtwin_rec || true)"
done
# scx_central's BPF timer callback is wrapped in the record build only.
check "scx_central: record build wraps its timer" grep -qx central_timerfn__scxtwin_timer <(symbols "$tmp/scx_central.record.bpf.o")
check_eq "scx_central: ordinary build does not" "" "$(symbols "$tmp/scx_central.bpf.o" | grep __scxtwin_timer || true)"
expect_error "bad option" "usage:" "$build" --frobnicate "$tmp/x.o" "$src_dir/scx_simple.bpf.c" tools/twin/record_include policy/include 4
exit $fail
