#!/bin/sh
# The engine's UI/audio/reader exchange under ThreadSanitizer: builds the
# engine test with -fsanitize=thread into build-tsan and runs it.  Works
# without make: any C compiler with TSan support (gcc or clang).
# Skips (exit 0 with a note) when the compiler cannot build TSan programs.
set -eu
cd "$(dirname "$0")/.."
# The ASan/UBSan pass of the suite (SAN=1) has nothing to add here.
if [ "${SAN:-}" = 1 ]; then
	echo "tsan_engine: already run in the plain pass: skipped under SAN=1"
	exit 0
fi
CC=${CC:-cc}
OUT=${TSAN_BUILD:-build-tsan}
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int main(void){return 0;}\n' > "$probe/p.c"
if ! $CC -fsanitize=thread -o "$probe/p" "$probe/p.c" 2>/dev/null || ! "$probe/p"; then
	echo "tsan_engine: $CC cannot build ThreadSanitizer programs here: skipped"
	exit 0
fi
mkdir -p "$OUT"
PKGS="alsa sndfile libebur128 soxr kissfft-float cmocka"
INI=$(dirname "$(ls /usr/include/iniparser/iniparser.h /usr/include/iniparser.h 2>/dev/null | head -1)")
SRC="$(ls dsp/*.c) audio/*.c"
# shellcheck disable=SC2086
$CC -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=thread -fno-omit-frame-pointer -pthread \
	-I. -I"$INI" $(pkg-config --cflags $PKGS) \
	-o "$OUT/test_engine" tests/unit/test_engine.c $SRC \
	$(pkg-config --libs $PKGS) -liniparser -lm
# halt_on_error: a race fails the run instead of scrolling past.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" "$OUT/test_engine"
echo "tsan_engine: no data race reported"
