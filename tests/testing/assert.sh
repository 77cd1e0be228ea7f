# Sourced by the project's sh_tests (bash), so that every test reports its checks the same way:
# one "ok: ..." or "FAIL: ..." line per check; `exit $fail` at the end fails the test if any
# check failed. Gives $tmp, a scratch directory.
fail=0
tmp=${TEST_TMPDIR:-$(mktemp -d)}

check() {  # check DESCRIPTION COMMAND...: passes when COMMAND succeeds
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

check_eq() {  # check_eq NAME EXPECTED ACTUAL: passes when the two strings are equal
  if [[ $2 == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: expected '$2', got '$3'"; fail=1; fi
}

# Bad input must give exit status 2 and one line on stderr that contains PATTERN.
expect_error() {  # expect_error DESCRIPTION PATTERN COMMAND...
  local what=$1 pattern=$2; shift 2
  local out rc
  out=$("$@" 2>&1 >/dev/null); rc=$?
  if [[ $rc -eq 2 && $out == *"$pattern"* && $(printf '%s\n' "$out" | wc -l) -eq 1 ]]; then
    echo "ok: $what"
  else
    echo "FAIL: $what (rc $rc): $out"; fail=1
  fi
}
