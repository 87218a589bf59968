#!/bin/sh
# Runs every unit test binary and every shell test; prints one line per
# test and a summary; exits non-zero when anything failed.
BUILD=${BUILD:-build}
export BUILD
cd "$(dirname "$0")/.." || exit 1
pass=0; fail=0; failed=""
log=$(mktemp -d)
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	start=$(date +%s)
	if "$t" >"$log/$name.out" 2>&1; then
		pass=$((pass + 1)); echo "ok    $name ($(( $(date +%s) - start ))s)"
	else
		fail=$((fail + 1)); failed="$failed $name"; echo "FAIL  $name"; tail -30 "$log/$name.out"
	fi
done
for t in tests/*.sh; do
	case "$t" in tests/run.sh|tests/bench.sh|tests/lib.sh) continue ;; esac
	name=$(basename "$t" .sh)
	start=$(date +%s)
	if sh "$t" >"$log/$name.out" 2>&1; then
		pass=$((pass + 1)); echo "ok    $name ($(( $(date +%s) - start ))s)"
	else
		fail=$((fail + 1)); failed="$failed $name"; echo "FAIL  $name"; tail -30 "$log/$name.out"
	fi
done
rm -rf "$log"
echo "$pass passed, $fail failed${failed:+:$failed}"
[ "$fail" = 0 ]
