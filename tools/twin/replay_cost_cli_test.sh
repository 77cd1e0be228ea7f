#!/usr/bin/env bash
# replay_cost's bad input (no VM): one line naming it, exit 2, before anything is built or booted.
set -uo pipefail
source tests/testing/assert.sh
cost=$1
expect_error "no arguments" "usage: replay_cost POLICY [SECONDS [ROUNDS]]" "$cost"
expect_error "bad SECONDS" "SECONDS expects a positive whole number, got 'soon'" "$cost" homing soon
expect_error "bad ROUNDS" "ROUNDS expects a positive whole number, got '0'" "$cost" homing 5 0
expect_error "too many arguments" "usage: replay_cost" "$cost" homing 5 1 1
expect_error "unknown option" "usage: replay_cost" "$cost" --frobnicate
expect_error "bad --kernel-tree" "--kernel-tree expects a scheduler's name such as scx_simple, got 'Bad!'" "$cost" --kernel-tree='Bad!'
expect_error "no such kernel-tree scheduler" "--kernel-tree=scx_nosuch: no $tmp/none/kernel/src/tools/sched_ext/scx_nosuch.bpf.c" env SCXTWIN_CACHE="$tmp/none" "$cost" --kernel-tree=scx_nosuch
exit $fail
