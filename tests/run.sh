#!/bin/sh
# Runs every unit test binary and every shell test (or, given NAMEs, only
# those: tests/run.sh tui_bugs test_eq; make test T="tui_bugs test_eq");
# prints one line per test and a summary; exits non-zero when anything
# failed.
#   ok    NAME  passed          FAIL  NAME  failed, or ran past its limit
#   SKIP  NAME  exit 77: could not run here (a tool missing, a sanitizer
#               build); counted apart, never as passed
# Each test gets TEST_TIMEOUT seconds (default 900; a sanitizer build runs
# slower, so twice that): a stalled test fails, it never hangs the suite.
BUILD=${BUILD:-build}
export BUILD
cd "$(dirname "$0")/.." || exit 1
limit=${TEST_TIMEOUT:-$([ "${SAN:-0}" = 1 ] && echo 1800 || echo 900)}
pass=0; fail=0; skip=0; failed=""; skipped=""
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# wanted NAME: whether NAME was asked for (every test when none was).
wanted() {
	[ -z "$only" ] && return 0
	case " $only " in *" $1 "*) return 0 ;; esac
	return 1
}
only="$*"

# one NAME CMD...: runs one test under the time limit and reports it.
one() {
	name=$1; shift
	wanted "$name" || return 0
	start=$(date +%s)
	timeout -k 10 "$limit" "$@" >"$log/$name.out" 2>&1 </dev/null
	st=$?
	took=$(( $(date +%s) - start ))
	case $st in
	0) pass=$((pass + 1)); echo "ok    $name (${took}s)" ;;
	77) skip=$((skip + 1)); skipped="$skipped $name"
	    echo "SKIP  $name: $(tail -1 "$log/$name.out")" ;;
	124|137) fail=$((fail + 1)); failed="$failed $name"
	    echo "FAIL  $name: still running after ${limit}s, stopped"; tail -30 "$log/$name.out" ;;
	*) fail=$((fail + 1)); failed="$failed $name"
	   echo "FAIL  $name (exit $st)"
	   # The failing checks first: a long test's own FAIL lines can lie
	   # above the tail.
	   grep -E '^FAIL' "$log/$name.out" | head -20; echo "  (last lines:)"
	   tail -30 "$log/$name.out" ;;
	esac
}

for t in "$BUILD"/tests/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	one "$(basename "$t")" "$t"
done
for t in tests/*.sh; do
	case "$t" in tests/run.sh|tests/bench*.sh|tests/lib.sh) continue ;; esac
	one "$(basename "$t" .sh)" sh "$t"
done
[ $((pass + fail)) -gt 0 ] || { echo "no test ran"; exit 1; }
echo "$pass passed, $fail failed, $skip skipped${failed:+ (failed:$failed)}${skipped:+ (skipped:$skipped)}"
[ "$fail" = 0 ]
