#!/bin/bash
# A fault in a policy is an ejection, never a crash: testdata/fault_policy.bpf.c dereferences
# NULL (or divides by zero) in ops.enqueue. A single run reports the callback, the signal, the
# address and the policy's function+offset and source line, goes on under the fair class, and
# exits 4 (the kernel loader's "ejected with an error"); an experiment's table names the ejection.
set -uo pipefail
cd "${TEST_SRCDIR}/scxtwin"
source tests/testing/assert.sh
sim=sim/sim
policy=sim/host/fault_policy.so
workload=workloads/bursty_boot.textpb

"$sim" --policy=$policy --workload=$workload --topology=4 --set fault_kind=1 > "$tmp/segv.txt" 2> "$tmp/segv.err"
check_eq "a NULL dereference: exit status 4" 4 "$?"
check "the report names callback, signal, address, function and line" \
  grep -Eq "ops\.enqueue faulted: SIGSEGV at address 0x0 in fault_policy\.so: fault_enqueue\+0x[0-9a-f]+ \(fault_policy\.bpf\.c:38\)" "$tmp/segv.txt"
check "the policy was ejected as with an error" grep -q "policy exit: SCX_EXIT_ERROR" "$tmp/segv.txt"
check "the fair class ran the rest and every task ended" \
  bash -c "grep -q '^policy ejected at' '$tmp/segv.txt' && grep -q '^ended: all tasks exited' '$tmp/segv.txt'"
# The exit dump that follows the report repeats the exit's reason in its header, as the
# kernel's does: count the reports before it.
check "one report" test "$(awk '/^policy exit dump:/ { exit } /faulted:/ { n++ } END { print n + 0 }' "$tmp/segv.txt")" -eq 1
check "the exit dump follows, its header naming the fault" \
  bash -c "sed -n '/^policy exit dump:/,\$p' '$tmp/segv.txt' | grep -q '^  .*faulted: SIGSEGV'"

"$sim" --policy=$policy --workload=$workload --topology=4 --set fault_kind=2 > "$tmp/fpe.txt" 2>&1
check_eq "a division by zero: exit status 4" 4 "$?"
check "named SIGFPE at its line" grep -Eq "ops\.enqueue faulted: SIGFPE .*fault_enqueue\+0x[0-9a-f]+ \(fault_policy\.bpf\.c:41\)" "$tmp/fpe.txt"

"$sim" --policy=$policy --workload=$workload --topology=4 > "$tmp/ok.txt" 2>&1
check_eq "without the bug: exit status 0" 0 "$?"

"$sim" --policy=$policy --workload=$workload --topology=4 --set fault_kind=1 --runs=3 --jobs=2 > "$tmp/exp.txt" 2>&1
check_eq "an experiment with the fault: exit status 0" 0 "$?"
check "the table names the ejection" \
  grep -Eq "note: fault_policy was ejected in 3 of 3 runs .*the first: ops\.enqueue faulted: SIGSEGV at address 0x0 in fault_policy\.so: fault_enqueue" "$tmp/exp.txt"
check "no run died" bash -c "! grep -q 'child process died' '$tmp/exp.txt'"
exit $fail
