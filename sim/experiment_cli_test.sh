#!/bin/bash
# The CLI's multi-run path end to end: `sim --policy=A,B,... --runs=N` prints the seed
# experiment's table; same inputs give the same bytes whatever --jobs; run i's sample is the
# plain run with seed i; per-policy knobs reach their policy and no other; one-line errors.
set -uo pipefail
sim=${TEST_SRCDIR}/scxtwin/sim/sim
cd "${TEST_SRCDIR}/scxtwin"
source "${TEST_SRCDIR}/scxtwin/tests/testing/assert.sh"
w=workloads/bursty_boot.textpb
exp() { "$sim" --workload=$w --topology=16 --runs=6 "$@"; }

exp --policy=eevdf,vtime,homing --jobs=1 >"$tmp/t1.txt" 2>"$tmp/t1.err"
exp --policy=eevdf,vtime,homing --jobs=3 >"$tmp/t3.txt"
check "table identical with 1 and 3 processes" cmp -s "$tmp/t1.txt" "$tmp/t3.txt"
check "no progress bar when stderr is not a terminal" test ! -s "$tmp/t1.err"
exp --policy=eevdf,vtime,homing --jobs=2 --format=json >"$tmp/a.json"
exp --policy=eevdf,vtime,homing --jobs=3 --format=json >"$tmp/b.json"
check "json identical across runs" cmp -s "$tmp/a.json" "$tmp/b.json"

# The table: a header naming the metric, then one row per policy in the order given, N runs
# each, the first policy's speedup 1.000x.
check "table structure" python3 - "$tmp/t1.txt" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
head = [i for i, l in enumerate(lines) if l.startswith("policy ")]
assert len(head) == 1 and "(boot time, s)" in lines[head[0]], lines
assert lines[head[0]].split()[:7] == ["policy", "runs", "mean", "stdev", "p50", "p99", "speedup"], lines[head[0]]
rows = [l.split() for l in lines[head[0] + 1:head[0] + 4]]
assert [r[0] for r in rows] == ["eevdf", "vtime", "homing"], rows
assert all(r[1] == "6" for r in rows), rows
assert rows[0][6] == "1.000x", rows
for r in rows:
    mean, stdev, p50, p99 = map(float, r[2:6])
    assert 0 < mean and 0 < stdev and p50 <= p99, r
assert "6 runs per policy" in lines[0], lines[0]
PY

# JSON: the same seeds for every policy (paired), N samples each, summary consistent with them.
check "json structure and paired seeds" python3 - "$tmp/a.json" <<'PY'
import json, statistics, sys
d = json.load(open(sys.argv[1]))
assert d["runs"] == 6 and len(d["seeds"]) == 6 and len(set(d["seeds"])) == 6, d["seeds"]
assert [p["policy"] for p in d["policies"]] == ["eevdf", "vtime", "homing"]
for p in d["policies"]:
    assert len(p["samples"]) == 6 and p["completed"] == [8] * 6, p
    assert abs(p["mean"] - statistics.mean(p["samples"])) < 1e-12, p
    assert abs(p["stdev"] - statistics.stdev(p["samples"])) < 1e-12, p
base = d["policies"][0]["mean"]
assert all(abs(p["speedup"] - base / p["mean"]) < 1e-12 for p in d["policies"])
PY

# Run 2 of homing is exactly a plain run of homing with run 2's seed.
seed2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seeds"][2])' "$tmp/a.json")
"$sim" --policy=homing --workload=$w --topology=16 --seed="$seed2" --format=json >"$tmp/single.json"
check "sample of run 2 = the single run with its seed" python3 - "$tmp/a.json" "$tmp/single.json" <<'PY'
import json, sys
exp, one = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
boots = [(i["completed_ns"] - i["arrival_ns"]) * 1e-9 for i in one["instances"]]
sample = exp["policies"][2]["samples"][2]
assert abs(sample - sum(boots) / len(boots)) < 1e-12, (sample, boots)
PY

# Per-policy knobs: homing.X reaches homing only; an unprefixed knob every policy that has it.
samples() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(*[p["samples"] for p in d["policies"]], sep="\n")' "$1"; }
exp --policy=eevdf,vtime,homing --format=json --set homing.slice_max_us=100 --set homing.slice_min_us=50 >"$tmp/k1.json"
samples "$tmp/a.json" >"$tmp/a.s"; samples "$tmp/k1.json" >"$tmp/k1.s"
check "homing.slice_max_us leaves eevdf and vtime alone" cmp -s <(head -2 "$tmp/a.s") <(head -2 "$tmp/k1.s")
check "homing.slice_max_us changes homing" bash -c "! cmp -s <(sed -n 3p '$tmp/a.s') <(sed -n 3p '$tmp/k1.s')"
check "json lists the knobs a policy got" python3 -c '
import json, sys; d = json.load(open(sys.argv[1]))
assert [p["sets"] for p in d["policies"]] == [{}, {}, {"slice_max_us": "100", "slice_min_us": "50"}], d' "$tmp/k1.json"
exp --policy=eevdf,vtime,homing --format=json --set sleep_credit_us=0 >"$tmp/k2.json"
samples "$tmp/k2.json" >"$tmp/k2.s"
check "unprefixed sleep_credit_us leaves eevdf alone" cmp -s <(head -1 "$tmp/a.s") <(head -1 "$tmp/k2.s")
check "unprefixed sleep_credit_us reaches vtime" bash -c "! cmp -s <(sed -n 2p '$tmp/a.s') <(sed -n 2p '$tmp/k2.s')"
check "unprefixed sleep_credit_us reaches homing" bash -c "! cmp -s <(sed -n 3p '$tmp/a.s') <(sed -n 3p '$tmp/k2.s')"
exp --policy=eevdf,homing --set eevdf.sis_util=0 >"$tmp/k3.txt"
check "knobs set are listed under the table" grep -q '^  eevdf: sis_util=0$' "$tmp/k3.txt"

# One policy, one run: POLICY.K is that policy's knob K.
"$sim" --policy=homing --workload=$w --topology=16 --format=json --set homing.slice_max_us=100 --set homing.slice_min_us=50 \
  --seed="$seed2" >"$tmp/single_k.json"
"$sim" --policy=homing --workload=$w --topology=16 --format=json --set slice_max_us=100 --set slice_min_us=50 \
  --seed="$seed2" >"$tmp/single_k2.json"
check "single run: homing.K is K" cmp -s "$tmp/single_k.json" "$tmp/single_k2.json"
check "single run: the knob took effect" bash -c "! cmp -s '$tmp/single.json' '$tmp/single_k.json'"

# The progress bar appears on a terminal (script gives the command a pseudo-terminal).
script -qec "'$sim' --policy=eevdf --workload=$w --topology=16 --runs=3 --jobs=1 >/dev/null" "$tmp/typescript" >/dev/null 2>&1
check "progress bar on a terminal" grep -q 'sim: runs \[#*\.*\] 3/3' "$tmp/typescript"

# Bad input: exit status 2 and one line naming the input and what was expected.
expect_error "knob no chosen policy has" "--set go_home=0: unknown knob 'go_home': no chosen policy has it (eevdf: " \
  "$sim" --policy=eevdf,vtime --workload=$w --runs=2 --set go_home=0
expect_error "prefix that is not a chosen policy" "--set homing.go_home=0: 'homing' is not a chosen policy (eevdf, vtime) nor cost" \
  "$sim" --policy=eevdf,vtime --workload=$w --runs=2 --set homing.go_home=0
expect_error "policy lacks the prefixed knob" "--set vtime.go_home=0: policy vtime has no knob 'go_home'" \
  "$sim" --policy=eevdf,vtime --workload=$w --runs=2 --set vtime.go_home=0
expect_error "bad knob value" "--set 'slice_max_us=abc': expected a whole number in [100, 1000000] for slice_max_us" \
  "$sim" --policy=eevdf,homing --workload=$w --runs=2 --set homing.slice_max_us=abc
expect_error "knob out of its range" "--set 'slice_us=99': expected a whole number in [100, 1000000] for slice_us" \
  "$sim" --policy=eevdf,vtime --workload=$w --runs=2 --set vtime.slice_us=99
expect_error "unknown policy in the list" "unknown policy 'nosuch'" \
  "$sim" --policy=eevdf,nosuch --workload=$w --runs=2
expect_error "policy listed twice" "--policy: 'eevdf' is listed twice" \
  "$sim" --policy=eevdf,eevdf --workload=$w
expect_error "runs below 1" "--runs=0: expected at least 1" \
  "$sim" --policy=eevdf --workload=$w --runs=0
expect_error "bad metric" "--metric=fast: expected boot, makespan or work" \
  "$sim" --policy=eevdf,homing --workload=$w --metric=fast
expect_error "trace of an experiment" "--perfetto records one run" \
  "$sim" --policy=eevdf,homing --workload=$w --perfetto="$tmp/x.pftrace"
expect_error "boot time of a load that never ends" "use --metric=makespan or --metric=work" \
  "$sim" --policy=eevdf,homing --workload=workloads/cache_steady.textpb --duration=20ms --runs=2
# --process measures one process's instances, and the table says which.
exp --policy=eevdf,homing --runs=2 --workload=workloads/boots_with_ws_large.textpb --param=steady_iterations=20 \
  --param=boots=2 --process=steady >"$tmp/p.txt"
check "--process names the measured process" grep -q '(completion time of steady, s)' "$tmp/p.txt"
exit $fail
