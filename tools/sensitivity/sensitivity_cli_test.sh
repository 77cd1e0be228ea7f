#!/bin/bash
# //tools:sensitivity end to end on a small boot: every term is a row, sorted by effect, the
# same bytes twice, the closing line; one-line errors with exit status 2.
set -uo pipefail
bin=${TEST_SRCDIR}/scxtwin/tools/sensitivity/sensitivity
cd "${TEST_SRCDIR}/scxtwin"
source "${TEST_SRCDIR}/scxtwin/tests/testing/assert.sh"
run() { "$bin" --workload=workloads/bursty_boot.textpb --topology=1x1x4x2 --policy=eevdf,vtime --runs=2 --jobs=2 "$@"; }

run --svg="$tmp/t.svg" >"$tmp/a.txt" 2>"$tmp/a.err"
check "runs" test -s "$tmp/a.txt"
run >"$tmp/b.txt" 2>/dev/null
check "same bytes on a second run" cmp -s "$tmp/a.txt" "$tmp/b.txt"
check "closing line" grep -Eq '^sensitivity: 6 terms, largest: [a-z_]+ \(speedup [0-9.]+x\.\.[0-9.]+x\)$' <(tail -1 "$tmp/a.txt")
check "rows sorted by swing, every term once" python3 - "$tmp/a.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
i = next(i for i, l in enumerate(lines) if l.startswith("term "))
rows = []
for l in lines[i + 2:]:
    if not l.strip():
        break
    rows.append(l.split())
assert rows[-1][0] == "noise", rows  # the reference row comes last, out of the ranking
rows = rows[:-1]
names = [r[0] for r in rows]
assert sorted(names) == sorted(["idle_exit", "smt", "freq", "halt_poll", "tick_cost", "background"]), names
swings = [float(r[r.index("|") + 2 + 3]) for r in rows]
assert swings == sorted(swings, reverse=True), swings
last = lines[-1]
assert last.split("largest: ")[1].split(" ")[0] == names[0], (last, names)
PY
check "the tornado picture: SVG with one series per row and the default" python3 - "$tmp/t.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
names = [p.get("data-name") for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("class") == "series"]
assert sorted(names) == sorted(["idle_exit", "smt", "freq", "halt_poll", "tick_cost", "background", "noise", "default"]), names
PY
expect_error "one policy" "two or more policies" "$bin" --workload=workloads/bursty_boot.textpb --policy=eevdf
expect_error "one run" "--runs=1: expected at least 2" run --runs=1
expect_error "unknown background" "--background=nosuch" run --background=nosuch
expect_error "a --set item without =" "expected NAME=VALUE" run --set=cost.smt
expect_error "bad cost" "unknown cost 'nosuch'" run --set=cost.nosuch=1
exit $fail
