#!/bin/sh
# The engine's UI/audio/reader exchange under ThreadSanitizer: `make tsan`
# builds the engine test with -fsanitize=thread into build-tsan and runs
# it.  SKIP (exit 77) when the compiler cannot build TSan programs here.
set -eu
cd "$(dirname "$0")/.."
# The ASan/UBSan pass of the suite (SAN=1) has nothing to add here.
if [ "${SAN:-}" = 1 ]; then
	echo "tsan_engine: already run in the plain pass: skipped under SAN=1"
	exit 77
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int main(void){return 0;}\n' > "$probe/p.c"
if ! ${CC:-cc} -fsanitize=thread -o "$probe/p" "$probe/p.c" 2>/dev/null || ! "$probe/p"; then
	echo "tsan_engine: ${CC:-cc} cannot build ThreadSanitizer programs here: skipped"
	exit 77
fi
# halt_on_error (set by make tsan): a race fails the run.
make --no-print-directory -j2 tsan
echo "tsan_engine: no data race reported"
