#!/bin/bash
# //tools:tune end to end: the closing line's form, the same bytes for the same seed, the printed
# //sim line reproducing the held-out figures, the SVG pictures (parsed as XML, with their
# series), `select` on a hand-made trace and a real one, one-line errors.
set -uo pipefail
cd "${TEST_SRCDIR}/scxtwin"
tune=tools/tune/tune
sim=sim/sim
source tests/testing/assert.sh
small=(--policy=homing --workload=workloads/boots_with_ws_large.textpb
       --param=boots=1,arrival_gap_ms=0,steady_tasks=4,vcpus=8,rounds=30 --process=microvm
       --topology=1x1x4x2 --budget=30 --held_out=5 --seed=9)

"$tune" "${small[@]}" --jobs=2 --svg="$tmp/curve.svg" >"$tmp/a.txt" 2>"$tmp/a.err"
check "tune exits 0" test $? -eq 0
"$tune" "${small[@]}" --jobs=1 >"$tmp/b.txt"
check "same output for the same seed, whatever --jobs" cmp -s "$tmp/a.txt" "$tmp/b.txt"
check "no progress bar when stderr is not a terminal" test ! -s "$tmp/a.err"
last=$(tail -n 1 "$tmp/a.txt")
check "closing line: one --set per knob, speedup, CI, held-out seeds ($last)" python3 - "$last" <<'PY'
import re, sys
m = re.fullmatch(r"tune: best ((?:--set homing\.[a-z_]+=\d+ ?)+): (\d\.\d{3})x over defaults \(95% CI \[(\d\.\d{3}), (\d\.\d{3})\]\) on 5 held-out seeds", sys.argv[1])
assert m, sys.argv[1]
knobs = re.findall(r"--set homing\.([a-z_]+)=", m.group(1))
assert sorted(knobs) == sorted(["slice_max_us", "slice_min_us", "sleep_credit_us", "exec_cap_us", "go_home", "kick_on_enqueue"]), knobs
assert float(m.group(3)) <= float(m.group(2)) <= float(m.group(4))
PY
"$tune" "${small[@]}" --seed=10 >"$tmp/c.txt"
check "another seed searches other candidates" bash -c "! cmp -s '$tmp/a.txt' '$tmp/c.txt'"

# The printed //sim lines give the held-out table's means for the tuned knobs and the defaults.
for which in tuned defaults; do
  line=$(sed -n "s/^  $which: *bazel run \/\/sim -- //p" "$tmp/a.txt")
  check "a //sim line for $which" test -n "$line"
  # shellcheck disable=SC2086 # the line is words as printed
  "$sim" $line >"$tmp/sim_$which.txt"
  want=$(awk -v w="homing $which" 'index($0, "  " w " ") == 1 { print $3 }' "$tmp/a.txt")
  got=$(awk '$1 == "homing" { print $3 }' "$tmp/sim_$which.txt")
  check "the $which mean is in the report ($want)" test -n "$want"
  check_eq "//sim reproduces the $which mean" "$want" "$got"
  want=$(awk '$1 == "eevdf" && NF > 5 { print $2; exit }' "$tmp/a.txt")
  got=$(awk '$1 == "eevdf" { print $3 }' "$tmp/sim_$which.txt")
  check_eq "//sim reproduces the eevdf mean ($which line)" "$want" "$got"
done

# Pictures: well-formed SVG with the expected series.
svg_series() {  # svg_series FILE NAME...: the file parses as SVG and has exactly these series
  python3 - "$@" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
paths = [p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("class") == "series"]
names = [p.get("data-name") for p in paths]
assert names == sys.argv[2:], names
assert all(p.get("d", "").startswith("M") and " L" in p.get("d") for p in paths), "empty series"
PY
}
check "tuning curve SVG" svg_series "$tmp/curve.svg" "best so far" "defaults, same seeds"
"$sim" --policy=eevdf,homing --workload=workloads/bursty_boot.textpb --topology=8 --runs=4 --svg="$tmp/exp.svg" >/dev/null
check "experiment CDF SVG" svg_series "$tmp/exp.svg" eevdf homing

# select on a hand-made trace: the tree imported, EEVDF's replay compared with the trace, every
# policy a row, one recommendation.
"$tune" select --trace=tools/trace2workload/testdata/tiny_boot.trace --root=vmm --policies=eevdf,homing,vtime \
  --svg="$tmp/select.svg" >"$tmp/s.txt"
check "select exits 0" test $? -eq 0
check "select: model fit line" grep -q "^model fit: EEVDF replays the tree in [0-9.]* s against [0-9.]* s traced" "$tmp/s.txt"
check "select: a row per policy" test "$(grep -cE '^  (eevdf|homing|vtime) ' "$tmp/s.txt")" = 3
check "select: one recommendation" test "$(grep -c '^recommendation: ' "$tmp/s.txt")" = 1
check "select CDF SVG" svg_series "$tmp/select.svg" eevdf homing vtime
# --tune adds a tuned row per policy with a knob table and names the ones without.
"$tune" select --trace=tools/trace2workload/testdata/tiny_boot.trace --root=vmm \
  --policies=eevdf,vtime,sim/testdata/wvtime.so --tune --budget=12 --held_out=2 >"$tmp/st.txt"
check "select --tune: a tuned vtime row" grep -qE '^  vtime tuned +[0-9.]+ +[0-9.]+x' "$tmp/st.txt"
check "select --tune: the tableless policy named" grep -q "not tuned, no knob table: wvtime" "$tmp/st.txt"
# The real traces in data/traces.
"$tune" select --trace=data/traces/boot_mttcg_smp4.trace.gz --root=qemu-system-x86_64 --runs=3 >"$tmp/r.txt"
check "select on boot_mttcg_smp4: the traced tree's 2.939 s" grep -q "2.939 s traced" "$tmp/r.txt"
check "select on boot_mttcg_smp4: the model's +7.3%" grep -q "(+7.3%)" "$tmp/r.txt"
check "select on boot_mttcg_smp4: homing recommended" grep -q "^recommendation: homing: expected 1.015x" "$tmp/r.txt"

# Bad input: exit 2, one line naming it, nothing written.
expect_error "unknown knob" "--knob=slice_us: policy homing has no such knob" "$tune" "${small[@]}" --knob=slice_us --svg="$tmp/no.svg"
check "nothing written on bad input" test ! -e "$tmp/no.svg"
expect_error "bad guard" "expected PROCESS:METRIC<=RATIO" "$tune" "${small[@]}" --guard=steady:boot
expect_error "budget too small" "--budget=3: too small" "$tune" "${small[@]}" --budget=3
expect_error "no workload" "--workload is required" "$tune" --policy=homing --topology=4
expect_error "eevdf is not tunable" "a built-in class, not a hosted policy" "$tune" "${small[@]}" --policy=eevdf
expect_error "tableless scheduler without --knob" "has no knob table" "$tune" "${small[@]}" --policy=wvtime --process=
expect_error "select without a trace" "select: --trace is required" "$tune" select --root=vmm
expect_error "select with a missing trace" "--trace: " "$tune" select --trace=/nonexistent.trace --root=vmm
expect_error "select with an unknown root" "tiny_boot.trace: " "$tune" select --trace=tools/trace2workload/testdata/tiny_boot.trace --root=nothing
expect_error "--svg on a single //sim run" "--svg draws an experiment" "$sim" --policy=eevdf --workload=workloads/bursty_boot.textpb --svg="$tmp/x.svg"
exit $fail
