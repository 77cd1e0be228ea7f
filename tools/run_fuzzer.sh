#!/bin/bash
# Runs a libFuzzer binary for a bounded time over a fresh copy of its seed corpus (fuzz.bzl's
# fuzz_test). Usage: run_fuzzer.sh FUZZER SECONDS SEED...
# Fails on any crash, sanitizer report, leak, out-of-memory or slow input; the input that did it
# is left in $TEST_UNDECLARED_OUTPUTS_DIR (Bazel's test outputs) for a regression test.
set -uo pipefail
fuzzer=$1
seconds=$2
shift 2
work=${TEST_TMPDIR:-$(mktemp -d)}
corpus="$work/corpus"
mkdir -p "$corpus"
for seed in "$@"; do cp "$seed" "$corpus/$(basename "$seed")"; done
artifacts=${TEST_UNDECLARED_OUTPUTS_DIR:-$work}/
# One input may take 60 s (wall time: CI machines are shared) and 2 GB at most: more is a
# finding (a hang or a blow-up; alone, every seed runs in milliseconds).
# A fixed seed: every run explores in the same order, so a CI failure comes from a change in the
# code, not from where one run's mutations happened to wander (FUZZ_SEED picks another order).
"$fuzzer" -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" 2>"$work/fuzz.log"
rc=$?
grep -E '^(stat::|#[0-9]+ +DONE|==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$work/fuzz.log" | head -40
if ((rc != 0)); then
  echo "FAIL: $(basename "$fuzzer") exited with $rc; the log's end:"
  tail -60 "$work/fuzz.log"
  exit 1
fi
echo "PASS: $(basename "$fuzzer"): $(ls "$corpus" | wc -l) inputs in the corpus after ${seconds}s"
