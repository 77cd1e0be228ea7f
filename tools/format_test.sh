#!/usr/bin/env bash
# tools/format: --check lists unformatted files and exits 1, formats in place without --check,
# and refuses bad usage with exit 2. Needs clang-format-16 (tools/setup installs it).
set -uo pipefail
source "${TEST_SRCDIR}/scxtwin/tests/testing/assert.sh"
format="${TEST_SRCDIR}/scxtwin/tools/format"
tmp=${TEST_TMPDIR}

printf '#include <vector>\nint  f( int x ){return x+1;}\n' >"$tmp/messy.cc"
printf 'int g(int x) { return x - 1; }\n' >"$tmp/tidy.cc"

out=$("$format" --check "$tmp/messy.cc" "$tmp/tidy.cc"); rc=$?
check_eq "--check exits 1 with an unformatted file" 1 "$rc"
check_eq "--check lists only the unformatted file" "$tmp/messy.cc" "$out"

out=$("$format" --check "$tmp/tidy.cc"); rc=$?
check_eq "--check exits 0 when all are formatted" 0 "$rc"
check_eq "--check lists nothing then" "" "$out"

"$format" "$tmp/messy.cc"; rc=$?
check_eq "formatting in place exits 0" 0 "$rc"
check_eq "the file is in the project's style" \
  "$(printf '#include <vector>\nint f(int x) { return x + 1; }')" "$(cat "$tmp/messy.cc")"
"$format" --check "$tmp/messy.cc" >/dev/null; rc=$?
check_eq "--check passes after formatting" 0 "$rc"

err=$("$format" --frobnicate 2>&1 >/dev/null); rc=$?
check_eq "an unknown option exits 2" 2 "$rc"
check_eq "and names it" "tools/format: unknown option '--frobnicate' (expected --check or file names)" "$err"
err=$("$format" --check "$tmp/absent.cc" 2>&1 >/dev/null); rc=$?
check_eq "a missing file exits 2" 2 "$rc"
exit $fail
