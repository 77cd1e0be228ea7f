#!/bin/bash
# The twins agree on knobs: for every project policy, the simulator (//sim) and the kernel loader
# (//kernel:load) list the same knob table, refuse the same --set values with the same message
# (after their program-name prefixes), and accept every knob at both ends of its range. The
# policies and their tables come from `load --list`, so a policy added with one scx_policy line,
# or a knob added to NAME.h, is covered without editing this test.
set -uo pipefail
sim=$1 load=$2
cd "${TEST_SRCDIR}/scxtwin"
w=workloads/messaging.textpb
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

# Every project policy the loader links (the scx_policy list), so a new policy is covered too.
policies=$("$load" --list | grep -v '^ ')
[[ -n $policies ]] || bad "load --list names no policy"
for policy in $policies; do
  # The --list entries are the same text.
  load_list=$("$load" --list | awk -v p="$policy" '/^[^ ]/ { on = ($0 == p) } on')
  sim_list=$("$sim" --policy="$policy" --list)
  if [[ -n $load_list && $load_list == "$sim_list" ]]; then ok "$policy: --list identical"
  else bad "$policy: --list differs:"$'\n'"load: $load_list"$'\n'"sim:  $sim_list"; fi

  # The simulator's report names the counters as the loader's stats line does, in table order.
  counters=$(printf '%s\n' "$load_list" | sed -n '/^  counters:/,$ s/^    \([a-z_]*\): .*/\1/p' | tr '\n' ' ')
  sim_counters=$("$sim" --policy="$policy" --workload=$w --duration=5ms | sed -n 's/^policy stats: //p' | sed 's/=[0-9]*//g')
  if [[ -n $counters && "$sim_counters " == "$counters" ]]; then ok "$policy: report names the counters"
  else bad "$policy: report counters '$sim_counters' vs load --list '$counters'"; fi
  json_counters=$("$sim" --policy="$policy" --workload=$w --duration=5ms --format=json |
    python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["counters"]) + " ")')
  if [[ $json_counters == "$counters" ]]; then ok "$policy: JSON counters by name"
  else bad "$policy: JSON counters '$json_counters' vs '$counters'"; fi

  # Every knob of the table: min-1 (when min > 0), max+1, a non-number and the bounds.
  knobs=$(printf '%s\n' "$load_list" | sed -n 's/^    \([a-z_]*\) (default [0-9]*, \([0-9]*\)\.\.\([0-9]*\)).*/\1 \2 \3/p')
  [[ -n $knobs ]] || bad "$policy: no knobs parsed from load --list"
  refused=("nosuch_knob=1")
  while read -r name min max; do
    ((min > 0)) && refused+=("$name=$((min - 1))")
    refused+=("$name=$((max + 1))" "$name=abc" "$name=-1" "$name=0x10")
    for v in "$min" "$max"; do
      "$sim" --policy="$policy" --workload=$w --duration=1ms --set "$name=$v" >/dev/null 2>"$TEST_TMPDIR/err"
      rc=$?
      if [[ $rc -eq 0 ]]; then ok "$policy: sim accepts $name=$v"; else bad "$policy: sim refuses $name=$v (rc $rc): $(cat "$TEST_TMPDIR/err")"; fi
      # The loader accepts the value and goes on to look for sched_ext (absent here: exit 3).
      out=$("$load" --policy="$policy" --sysfs_root="$TEST_TMPDIR/none" --set "$name=$v" 2>&1)
      rc=$?
      if [[ $rc -eq 3 && $out == *"has no sched_ext"* ]]; then ok "$policy: load accepts $name=$v"; else bad "$policy: load refuses $name=$v (rc $rc): $out"; fi
    done
  done <<<"$knobs"

  for a in "${refused[@]}"; do
    sim_out=$("$sim" --policy="$policy" --workload=$w --set "$a" 2>&1 >/dev/null); sim_rc=$?
    load_out=$("$load" --policy="$policy" --set "$a" 2>&1 >/dev/null); load_rc=$?
    if [[ $sim_rc -eq 2 && $load_rc -eq 2 && ${sim_out#sim: } == "${load_out#load: }" && $sim_out == "sim: --set '$a': "* ]]; then
      ok "$policy: both refuse $a alike"
    else
      bad "$policy: $a: sim (rc $sim_rc) '$sim_out' vs load (rc $load_rc) '$load_out'"
    fi
  done

  # The command line itself, read by the one extractor and split both CLIs share
  # (base/set_flags.h): an item without '=', a trailing --set, commas, the single-dash spelling.
  first=$(head -n1 <<<"$knobs")
  read -r name min max <<<"$first"
  same_refusal() {  # same_refusal WHAT EXPECTED ARGS...: both exit 2 with the same line
    local what=$1 expected=$2; shift 2
    sim_out=$("$sim" --policy="$policy" --workload=$w --duration=1ms "$@" 2>&1 >/dev/null); sim_rc=$?
    load_out=$("$load" --policy="$policy" --sysfs_root="$TEST_TMPDIR/none" "$@" 2>&1 >/dev/null); load_rc=$?
    if [[ $sim_rc -eq 2 && $load_rc -eq 2 && $sim_out == "sim: $expected" && $load_out == "load: $expected" ]]; then
      ok "$policy: both refuse $what alike"
    else
      bad "$policy: $what: sim (rc $sim_rc) '$sim_out' vs load (rc $load_rc) '$load_out', expected '$expected'"
    fi
  }
  same_acceptance() {  # same_acceptance WHAT ARGS...: the simulator runs, the loader looks for sched_ext
    local what=$1; shift
    "$sim" --policy="$policy" --workload=$w --duration=1ms "$@" >/dev/null 2>"$TEST_TMPDIR/err"; sim_rc=$?
    load_out=$("$load" --policy="$policy" --sysfs_root="$TEST_TMPDIR/none" "$@" 2>&1); load_rc=$?
    if [[ $sim_rc -eq 0 && $load_rc -eq 3 && $load_out == *"has no sched_ext"* ]]; then
      ok "$policy: both accept $what"
    else
      bad "$policy: $what: sim (rc $sim_rc) '$(cat "$TEST_TMPDIR/err")' vs load (rc $load_rc) '$load_out'"
    fi
  }
  same_refusal "--set $name" "--set '$name': expected NAME=VALUE" --set "$name"
  same_refusal "--set =$min" "--set '=$min': expected NAME=VALUE" --set "=$min"
  same_refusal "a trailing --set" "--set needs a NAME=VALUE argument" --set
  same_refusal "an item without '=' after a comma" "--set '$name': expected NAME=VALUE" --set "$name=$min,$name"
  same_refusal "a bad item after a comma" \
    "$(load_err=$("$load" --policy="$policy" --set "nosuch_knob=1" 2>&1); echo "${load_err#load: }")" \
    --set "$name=$min,nosuch_knob=1"
  same_acceptance "two items in one --set" --set "$name=$min,$name=$max"
  same_acceptance "empty items" --set ",$name=$min,,"
  same_acceptance "-set=K=V and -set K=V" "-set=$name=$min" -set "$name=$max"
done
exit $fail
