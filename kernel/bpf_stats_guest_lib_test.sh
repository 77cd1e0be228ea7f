#!/usr/bin/env bash
# bpf_stats_guest_lib.sh's reading of `bpftool prog show` (no VM): the struct_ops programs loaded
# after MIN_ID, each with its instructions, run count and run time; others left out.
set -uo pipefail
source tests/testing/assert.sh
# shellcheck source=kernel/bpf_stats_guest_lib.sh
source kernel/bpf_stats_guest_lib.sh
# What bpftool prints: a scheduler loaded before (ids 7-8), a program of another type, one
# struct_ops program never run (bpftool then prints no run_time_ns / run_cnt), two that ran (one
# beyond 32 bits).
cat >"$tmp/progs.txt" <<'PROGS'
7: struct_ops  name homing_enqueue  tag 7f7ef1c0b0c5e0c3  gpl  run_time_ns 900 run_cnt 9
	loaded_at 2026-12-06T20:05:01+0000  uid 0
	xlated 1424B  jited 854B  memlock 4096B  map_ids 12,13
	btf_id 30
8: struct_ops  name homing_dispatch  tag 1111111111111111  gpl  run_time_ns 50 run_cnt 5
	loaded_at 2026-12-06T20:05:01+0000  uid 0
	xlated 208B  jited 150B  memlock 4096B  map_ids 12
	btf_id 30
21: tracing  name dump_bpf_map  tag 2222222222222222  gpl  run_time_ns 77 run_cnt 7
	loaded_at 2026-12-06T20:06:00+0000  uid 0
	xlated 256B  jited 170B  memlock 4096B
	btf_id 41
22: struct_ops  name simple_enqueue  tag 3333333333333333  gpl  run_time_ns 5123456789012 run_cnt 3000000000
	loaded_at 2026-12-06T20:06:00+0000  uid 0
	xlated 472B  jited 301B  memlock 4096B  map_ids 40,41
	btf_id 42
23: struct_ops  name simple_exit  tag 4444444444444444  gpl
	loaded_at 2026-12-06T20:06:00+0000  uid 0
	xlated 160B  jited 98B  memlock 4096B  map_ids 41
	btf_id 42
24: struct_ops  name central_dispatc  tag 5555555555555555  gpl  run_time_ns 4000 run_cnt 8
	loaded_at 2026-12-06T20:06:00+0000  uid 0
	xlated 1168B  jited 700B  memlock 4096B  map_ids 40
	btf_id 42
PROGS
check_eq "programs after id 8, struct_ops only" "simple_enqueue 59 3000000000 5123456789012
simple_exit 20 0 0
central_dispatc 146 8 4000" "$(bpf_stats_table 8 <"$tmp/progs.txt")"
check_eq "all struct_ops programs after id 0" 5 "$(bpf_stats_table 0 <"$tmp/progs.txt" | wc -l)"
check_eq "none after the last id" "" "$(bpf_stats_table 24 <"$tmp/progs.txt")"
# bpf_stats_last_id reads bpftool: a stand-in prints the same text.
bpftool() { cat "$tmp/progs.txt"; }
check_eq "the last program id" 24 "$(bpf_stats_last_id)"
bpftool() { :; }
check_eq "no program loaded" 0 "$(bpf_stats_last_id)"
exit $fail
