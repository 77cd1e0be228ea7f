#!/usr/bin/env bash
# The replay of a kernel-tree scheduler must be able to fail (boots the VM once): scx_central,
# recorded in the VM from its unmodified source, replays clean through its own host build; the
# kept record, replayed through a host build compiled with one -D that makes ARRAY_ELEM_PTR
# off by one (the last CPU's per-CPU element is out of bounds on the host only), gives
# divergences, exit 1, and names the first one at the call where the builds part.
# usage: twin_kernel_tree_skew_test.sh TWIN BUILD_HOST_POLICY HOST_INCLUDE_DIR HOST_KFUNCS_C
set -uo pipefail
source tests/testing/assert.sh
twin=$1 build_host=$2 host_include=$3 host_kfuncs=$4
src=${SCXTWIN_CACHE:-/var/cache/scxtwin}/kernel/src/tools/sched_ext/scx_central.bpf.c
record=$tmp/scx_central.rec

out=$("$twin" replay --kernel-tree=scx_central --cpus=4 --duration=3s --record="$record" 2>&1)
rc=$?
echo "$out"
check_eq "same source: exit status" 0 "$rc"
check "same source: 0 divergences" grep -q "^twin replay: scx_central: [0-9]* callbacks, [0-9]* kfunc calls replayed, 0 divergences$" <<<"$out"
check "the record was kept" test -s "$record"

off=$tmp/scx_central_off_by_one.so
"$build_host" "$off" "$src" "$host_include" "$host_kfuncs" \
  '-DARRAY_ELEM_PTR(arr, i, n)=((u64)(i) + 1 < (u64)(n) ? &(arr)[i] : (__typeof__(&(arr)[0]))0)'
check_eq "the off-by-one host build compiles" 0 "$?"
out=$("$twin" replay --kernel-tree=scx_central --from="$record" --host="$off" --show=1 2>&1)
rc=$?
echo "$out"
check_eq "off by one: exit status" 1 "$rc"
check "off by one: the first divergence is named" grep -q "^divergence 1: central_[a-z_]* seq [0-9]* cpu [0-9]*" <<<"$out"
check "off by one: kernel and host lines" grep -q "^  host:   " <<<"$out"
check "off by one: nonzero divergences in the closing line" grep -q "^twin replay: scx_central: .* kfunc calls replayed, [1-9][0-9]* divergences$" <<<"$out"
exit $fail
