#!/usr/bin/env bash
# The trace2workload command line: a spec on stdout or in --out, --stats, and its errors.
set -uo pipefail
bin="$TEST_SRCDIR/scxtwin/tools/trace2workload/trace2workload"
trace="$TEST_SRCDIR/scxtwin/tools/trace2workload/testdata/tiny_boot.trace"
fail() { echo "FAIL: $*"; exit 1; }

out=$("$bin" "$trace" --root=vmm) || fail "import exited $?"
grep -q 'name: "tiny_boot"' <<<"$out" || fail "workload not named after the trace: $out"
grep -q 'name: "vmm-201"' <<<"$out" || fail "no group for thread 201"
grep -q 'on_fork: true' <<<"$out" || fail "forked thread not on_fork"
grep -q 'group: "vmm-201"' <<<"$out" || fail "no fork/wake aimed at vmm-201"
grep -q 'wait: true' <<<"$out" || fail "no wait"
grep -q 'fixed_ns: 2000000' <<<"$out" || fail "no 2 ms timed sleep"

"$bin" "$trace" --root=vmm --out="$TEST_TMPDIR/w.textpb" || fail "--out exited $?"
cmp -s <(echo "$out") "$TEST_TMPDIR/w.textpb" || fail "--out differs from stdout"

stats=$("$bin" "$trace" --root=vmm --stats) || fail "--stats exited $?"
grep -q '^vmm-200 ' <<<"$stats" || fail "--stats lacks vmm-200: $stats"

err=$("$bin" "$trace" 2>&1) && fail "no --root accepted"
grep -q -- '--root is required' <<<"$err" || fail "unclear message: $err"
err=$("$bin" "$trace" --root=nothere 2>&1) && fail "unknown root accepted"
grep -q "no sched_process_exec of 'nothere'" <<<"$err" || fail "unclear message: $err"
err=$("$bin" /nonexistent.trace --root=vmm 2>&1) && fail "missing file accepted"
grep -q '/nonexistent.trace' <<<"$err" || fail "missing file not named: $err"
echo PASS
