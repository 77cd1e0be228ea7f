#!/bin/bash
# Schedulers from the scx repository, compiled unmodified in host mode
# (build_host_policy --scx-include=CHECKOUT/scheds/include) and run in the simulator on a library
# workload. The scx sources are no package and are never committed: the test runs when SCX_SRC
# points at a checkout (bazel test --test_env=SCX_SRC=/path/to/scx ...), else prints one skip
# line and passes.
set -uo pipefail
cd "${TEST_SRCDIR}/scxtwin"
source tests/testing/assert.sh
sim=sim/sim
build=sim/host/build_host_policy.sh

if [[ -z ${SCX_SRC:-} || ! -f ${SCX_SRC}/scheds/include/scx/common.bpf.h ]]; then
  echo "SKIP: SCX_SRC does not point at an scx checkout (scheds/include/scx/common.bpf.h); scx schedulers not tested"
  exit 0
fi

# Their extra units: the library units each one's build links in (relative to the checkout).
declare -A units=(
  [cosmos]="lib/pmu.bpf.c"
  [p2dq]="lib/arena.bpf.c lib/atq.bpf.c lib/dhq.bpf.c lib/bitmap.bpf.c lib/cpumask.bpf.c lib/minheap.bpf.c lib/rbtree.bpf.c lib/sdt_alloc.bpf.c lib/sdt_task.bpf.c lib/topology.bpf.c"
  # scx_lavd: its own nine further units (its build.rs), then the library's.
  [lavd]="$(for u in balance idle introspec lat_cri lock power preempt sys_stat util; do
    printf 'scheds/rust/scx_lavd/src/bpf/%s.bpf.c ' "$u"; done)lib/arena.bpf.c lib/atq.bpf.c lib/bitmap.bpf.c lib/cgroup_bw.bpf.c lib/cpumask.bpf.c lib/rbtree.bpf.c lib/minheap.bpf.c lib/sdt_alloc.bpf.c lib/sdt_task.bpf.c lib/topology.bpf.c lib/ravg.bpf.c"
)
build() {  # build NAME: compiles scx_NAME (and its units) into $tmp/scx_NAME.so
  local name=$1 with=() u
  for u in ${units[$name]:-}; do with+=(--with="$SCX_SRC/$u"); done
  "$build" --scx-include="$SCX_SRC/scheds/include" "${with[@]}" "$tmp/scx_$name.so" \
    "$SCX_SRC/scheds/rust/scx_$name/src/bpf/main.bpf.c"
}

# The ones that compile and run (sim/host/README.md has the table of all tried).
for name in bpfland beerland flash cosmos p2dq lavd; do
  so=$tmp/scx_$name.so
  check "$name: compiles unmodified" build "$name"
  [[ -f $so ]] || continue
  out=$tmp/$name.txt
  "$sim" --policy="$so" --workload=workloads/bursty_boot.textpb --topology=2x2x4x2 > "$out" 2> "$tmp/$name.err"
  rc=$?
  check_eq "$name: the run exits 0" 0 "$rc"
  check "$name: the run names the scheduler" grep -q "^scxtwin sim: policy $name," "$out"
  # Not ejected: every task ran to its end under the scheduler, which was detached at the end.
  check "$name: every task exited, not ejected" grep -q "^ended: all tasks exited; policy exit: SCX_EXIT_UNREG " "$out"
  check "$name: its callbacks ran" grep -Eq "[1-9][0-9]* callbacks" "$out"
done

# scx_p2dq runs as its Rust loader sets it up (sim/host/loader_defaults.h): the machine's four
# LLCs in its topology globals, its arena library initialised by its SEC("syscall") programs
# (without either it is ejected: above). Its per-CPU stats map counts its decisions.
if [[ -f $tmp/scx_p2dq.so ]]; then
  check "p2dq: its stats map counted events" grep -Eq "^policy stats: .*\[[0-9]+\]=[1-9]" "$tmp/p2dq.txt"
fi
exit $fail
