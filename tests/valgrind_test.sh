#!/bin/sh
# valgrind memcheck over one render and one analyze of ~2 s of audio: no
# invalid read or write, no use of uninitialised values, no leak.  SKIP
# (exit 77) when valgrind is not installed or under a sanitizer build.
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind >/dev/null; then
	echo "skip: valgrind not installed (make deps-test installs it)"
	exit 77
fi
# A sanitizer build (make test-san) cannot run under valgrind.
if [ "${SAN:-0}" = 1 ]; then
	echo "skip: a sanitizer build cannot run under valgrind"
	exit 77
fi
"$SIGGEN" --seconds 2 --channels 1 --format 16 music "$T/in.wav" || exit 1
# Mono in, so the dual-mono path runs; --target, so the measuring passes run.
VG="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --track-origins=yes -q"
for what in render analyze; do
	if [ $what = render ]; then
		set -- render -q --target -14 --set comp.ratio=3 "$T/in.wav" -o "$T/out.flac"
	else
		set -- analyze --json "$T/in.wav"
	fi
	$VG "$LATHE" "$@" >"$T/out" 2>"$T/vg"; st=$?
	if [ "$st" = 0 ] && [ ! -s "$T/vg" ]; then
		ok "valgrind memcheck: lathe $what: clean"
	else
		fail "valgrind memcheck: lathe $what: exit $st: $(head -40 "$T/vg")"
	fi
done
[ -s "$T/out.flac" ] || fail "the render under valgrind wrote nothing"
finish
