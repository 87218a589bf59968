#!/bin/sh
# Where outputs may go and how names travel: symlinked outputs, album
# files that point outside their folder, input paths longer than
# libsndfile's own limit, and names with control characters, non-UTF-8
# bytes and INI metacharacters on the terminal, in JSON and in INI files.
. "$(dirname "$0")/lib.sh"
TRIED=0
one_line() {
	[ "$(wc -l <"$T/err")" = 1 ] && grep -qF -- "$2" "$T/err" && return 0
	fail "$1: want one line naming $2 on stderr, got: $(head -c 400 "$T/err")"
	return 1
}
"$SIGGEN" --seconds 0.3 music "$T/in.wav" || exit 1

# ---- a symlinked output ------------------------------------------------
# Followed, as a shell's > follows it: the file the link points to gets
# the master (atomically, renamed in its own folder), the link stays a
# link.  A link to nothing is refused: exit 3, one line, nothing created.
mkdir -p "$T/real" "$T/links"
"$LATHE" render -q "$T/in.wav" -o "$T/ref.wav" || fail "reference render"
printf 'old' >"$T/real/master.wav"
ln -s ../real/master.wav "$T/links/master.wav"
TRIED=$((TRIED + 1))
"$LATHE" render -q "$T/in.wav" -o "$T/links/master.wav" 2>"$T/err"; st=$?
if [ "$st" = 0 ] && [ -L "$T/links/master.wav" ] && cmp -s "$T/real/master.wav" "$T/ref.wav" \
   && [ -z "$(ls -A "$T/links" | grep -v '^master.wav$')" ]; then
	ok "output through a symlink: its target holds the master, the link stays a link"
else
	fail "output through a symlink: exit $st, $(ls -la "$T/links" "$T/real"): $(cat "$T/err")"
fi
for dangling in "$T/links/nothing.wav" "$T/links/loop.wav"; do
	TRIED=$((TRIED + 1))
	case $dangling in
	*nothing*) ln -s ../real/not-there.wav "$dangling" ;;
	*loop*) ln -s loop.wav "$dangling" ;;
	esac
	"$LATHE" render -q "$T/in.wav" -o "$dangling" 2>"$T/err"; st=$?
	[ "$st" = 3 ] && one_line "output: dangling symlink" "$(basename "$dangling")" \
		&& [ -L "$dangling" ] && [ ! -e "$T/real/not-there.wav" ] \
		&& [ -z "$(ls -A "$T/links" | grep '^\.')" ] \
		&& ok "output a symlink to nothing ($(basename "$dangling")): refused: $(cat "$T/err")" \
		|| fail "output a symlink to nothing ($(basename "$dangling")): exit $st: $(ls -la "$T/links") $(cat "$T/err")"
done
# A symlink to a symlink to a file: followed to the end.
ln -s master.wav "$T/links/second.wav"
TRIED=$((TRIED + 1))
printf 'old' >"$T/real/master.wav"
"$LATHE" render -q "$T/in.wav" -o "$T/links/second.wav" 2>"$T/err" \
	&& cmp -s "$T/real/master.wav" "$T/ref.wav" && [ -L "$T/links/second.wav" ] && [ -L "$T/links/master.wav" ] \
	&& ok "output through two symlinks: the last target holds the master" \
	|| fail "output through two symlinks: $(cat "$T/err")"
# An album output folder's file planted as a dangling link is refused too.
mkdir -p "$T/alb/out"
"$SIGGEN" --seconds 2 music "$T/alb/a.wav"
ln -s /nonexistent/x.wav "$T/alb/out/a.wav"
TRIED=$((TRIED + 1))
"$LATHE" render -q --album --target -14 -o "$T/alb/out" "$T/alb/a.wav" 2>"$T/err"; st=$?
[ "$st" = 3 ] && [ -L "$T/alb/out/a.wav" ] && [ "$(wc -l <"$T/err")" -le 2 ] \
	&& ok "album: a planted dangling link in the output folder is refused (exit 3)" \
	|| fail "album: dangling link in the output folder: exit $st: $(cat "$T/err")"

echo "paths: $TRIED cases tried, $FAILS misbehaved"
finish
