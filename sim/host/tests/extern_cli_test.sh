#!/bin/bash
# A scheduler reading `extern unsigned CONFIG_HZ __kconfig` in ops.init runs in the simulator (it
# used to read address 0) and reads the simulated tick: 250 by default, --set cost.hz=N after.
set -uo pipefail
cd "${TEST_SRCDIR}/scxtwin"
source tests/testing/assert.sh
sim=sim/sim
run() { "$sim" --policy=sim/host/extern_policy.so --workload=workloads/bursty_boot.textpb --topology=4 --set report_externs=1 "$@"; }

run > "$tmp/default.txt" 2>&1
check_eq "default run: exit status 0" 0 "$?"
check "CONFIG_HZ is the simulator's default tick, 250" grep -q "CONFIG_HZ=250 LINUX_KERNEL_VERSION=$(( (7 << 16) + (3 << 8) + 4 ))" "$tmp/default.txt"
run --set cost.hz=1000 > "$tmp/hz1000.txt" 2>&1
check_eq "hz 1000: exit status 0" 0 "$?"
check "CONFIG_HZ follows cost.hz" grep -q "CONFIG_HZ=1000 " "$tmp/hz1000.txt"
exit $fail
