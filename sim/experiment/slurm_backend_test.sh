#!/bin/bash
# The Slurm backend end to end on a one-node cluster (tools/slurm-local): an experiment run as a
# job array prints the same bytes (table and JSON) as the local backend; a task lost on its first
# submission is resubmitted and the bytes still match; a run that can never complete is named by
# its index with exit 1; the tuner's batches run there with the same bytes; bad backend flags are
# one-line errors. Slurm is stopped at the end, even
# on failure, unless it was already running before the test.
set -uo pipefail
root=${TEST_SRCDIR}/scxtwin
sim=$root/sim/sim
slurm_local=$root/tools/slurm-local
cd "$root"
source "$root/tests/testing/assert.sh"

if [[ $(id -u) -ne 0 ]]; then
  echo "FAIL: needs root to start the one-node Slurm (CI runs as root)"
  exit 1
fi
started_here=0
if ! "$slurm_local" status >/dev/null 2>&1; then
  started_here=1
  trap '"$slurm_local" stop >/dev/null 2>&1' EXIT
  if ! "$slurm_local" start; then
    echo "FAIL: tools/slurm-local start"
    exit 1
  fi
fi

w=workloads/bursty_boot.textpb
exp() { "$sim" --policy=eevdf,homing --workload=$w --topology=8 --runs=6 --jobs=2 "$@"; }
slurm=(--backend=slurm --slurm_dir="$tmp/shared")

exp >"$tmp/local.txt"
exp "${slurm[@]}" >"$tmp/slurm.txt" 2>"$tmp/slurm.err"
check "slurm backend: the table's bytes are the local backend's" cmp -s "$tmp/local.txt" "$tmp/slurm.txt"
check "a complete run removes its directory from the shared dir" test -z "$(ls -A "$tmp/shared")"

exp --format=json >"$tmp/local.json"
exp "${slurm[@]}" --format=json --slurm_chunk=2 >"$tmp/slurm.json"
check "slurm backend, 6 array tasks: the JSON's bytes are the local backend's" cmp -s "$tmp/local.json" "$tmp/slurm.json"

# Array task 1 of the first submission is killed before it runs anything (a lost node).
SCXTWIN_SLURM_FAULT=task:1 exp "${slurm[@]}" --slurm_chunk=2 >"$tmp/retry.txt" 2>"$tmp/retry.err"
check "a lost task's runs are resubmitted" grep -q "resubmitting 2 run(s)" "$tmp/retry.err"
check "after the resubmission the bytes are the local backend's" cmp -s "$tmp/local.txt" "$tmp/retry.txt"

# Run 3's process dies on every attempt: after the retries, it is named, and nothing is printed.
SCXTWIN_SLURM_FAULT=run:3 exp "${slurm[@]}" --slurm_chunk=2 --slurm_retries=1 >"$tmp/lost.txt" 2>"$tmp/lost.err"
check_eq "a run that never completes: exit status" 1 $?
check "it is reported by its index" grep -q "slurm: run 3 (of 12) left no result after 2 submissions" "$tmp/lost.err"
check "no table is printed for an incomplete experiment" test ! -s "$tmp/lost.txt"
check "an incomplete experiment keeps its directory (logs) in the shared dir" test -n "$(ls -A "$tmp/shared")"

# The tuner hands its batches to the same backend: the same report, closing line included.
tune=$root/tools/tune/tune
t=(--policy=homing --workload=$w --topology=8 --budget=12 --held_out=3 --jobs=2)
"$tune" "${t[@]}" >"$tmp/tune_local.txt" 2>"$tmp/tune_local.err" || cat "$tmp/tune_local.err"
"$tune" "${t[@]}" --backend=slurm --slurm_dir="$tmp/shared_tune" >"$tmp/tune_slurm.txt" 2>"$tmp/tune_slurm.err" ||
  cat "$tmp/tune_slurm.err"
check "tune --backend=slurm prints the local backend's bytes" cmp -s "$tmp/tune_local.txt" "$tmp/tune_slurm.txt"
check "tune's output ends with its closing line" grep -q "^tune: best " "$tmp/tune_slurm.txt"
check "tune leaves nothing in the shared dir" test -z "$(ls -A "$tmp/shared_tune")"

expect_error "unknown backend" "--backend=cloud: expected local or slurm" exp --backend=cloud
expect_error "one run is not an experiment" "runs experiments" \
  "$sim" --policy=homing --workload=$w --topology=8 --backend=slurm
expect_error "bad chunk" "--slurm_chunk=-1" exp "${slurm[@]}" --slurm_chunk=-1
expect_error "sbatch's own refusal" "sbatch failed" exp "${slurm[@]}" --slurm_time=notatime

exit $fail
