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
echo '== a symlinked output'
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

# ---- an album file's output folder stays below the file's folder ----------
echo '== an album files output folder stays below the files folder'
# output = /etc, ../.., a/../../b: refused as a mistake in the file (exit
# 1, FILE:LINE).  A folder name that is a symlink leading out: refused
# before any folder is made (exit 3).  -o on the command line may write
# anywhere: the person running it chose that.
mkdir -p "$T/shared/alb" "$T/outside"
"$SIGGEN" --seconds 2 music "$T/shared/alb/a.wav"
album() {   # album OUTPUT: writes $T/shared/alb/album.ini
	printf '[album]\nname = x\nversion = 1\ntarget = -14\noutput = %s\nformat = wav\n\n[track1]\nfile = a.wav\n' "$1" \
		>"$T/shared/alb/album.ini"
}
snap() { find "$T" -newer "$T/shared/alb/album.ini" -type f | grep -v "$T/out\$\|$T/err\$" | sort; }
for o in /etc "$T/outside" .. ../.. ../outside sub/../../outside "sub/../.." "./../outside" sub/../inner; do
	TRIED=$((TRIED + 1))
	album "$o"; sleep 0.01
	"$LATHE" render -q "$T/shared/alb/album.ini" 2>"$T/err"; st=$?
	[ "$st" = 1 ] && one_line "album output = $o" "album.ini:5:" && [ -z "$(snap)" ] \
		&& [ -z "$(ls -A "$T/outside")" ] \
		&& ok "album output = $o: refused: $(cat "$T/err")" \
		|| fail "album output = $o: exit $st, wrote: $(snap) $(cat "$T/err")"
done
ln -s "$T/outside" "$T/shared/alb/masters"
for o in masters masters/deeper; do
	TRIED=$((TRIED + 1))
	album "$o"; sleep 0.01
	"$LATHE" render -q "$T/shared/alb/album.ini" 2>"$T/err"; st=$?
	[ "$st" = 3 ] && one_line "album output = $o (a symlink out)" "album.ini" && [ -z "$(ls -A "$T/outside")" ] \
		&& ok "album output = $o, a symlink leading out: refused, nothing made: $(cat "$T/err")" \
		|| fail "album output = $o (symlink out): exit $st: $(ls -A "$T/outside") $(cat "$T/err")"
done
for o in sub/dir inner; do
	TRIED=$((TRIED + 1))
	album "$o"
	"$LATHE" render -q "$T/shared/alb/album.ini" 2>"$T/err"; st=$?
	f=$(find "$T/shared/alb" -name '*.wav' -newer "$T/shared/alb/album.ini" | head -1)
	[ "$st" = 0 ] && [ -n "$f" ] && ok "album output = $o: rendered below the album's folder (${f#$T/shared/alb/})" \
		|| fail "album output = $o: exit $st: $(cat "$T/err")"
	[ -n "$f" ] && rm -f "$f"
done
TRIED=$((TRIED + 1))
album masters
"$LATHE" render -q -o "$T/outside" "$T/shared/alb/album.ini" 2>"$T/err" && [ -n "$(ls -A "$T/outside")" ] \
	&& ok "album with -o DIR outside its folder: written (the command line chose it)" \
	|| fail "album with -o outside: $(cat "$T/err")"

# ---- input paths longer than libsndfile's own limit ----------------------
echo '== input paths longer than libsndfiles own limit'
# sf_open refuses a name over about 1,000 bytes; every input is opened
# through a descriptor instead, so a 3,000-byte path reads in every mode
# and gives what the same file gives at a short path.  (The files are
# copied there: the test's own tools open by name.)
long="$T/long"
while [ ${#long} -lt 3000 ]; do long="$long/$(printf '%0200d' 0 | tr 0 d)"; done
mkdir -p "$long" || fail "cannot make a 3,000-byte folder"
"$SIGGEN" --seconds 1 music "$T/l.wav"
cp "$T/l.wav" "$long/in.wav"; cp "$T/l.wav" "$long/b.wav"
ffmpeg -loglevel error -y -i "$T/l.wav" "$T/l.mp3" && ffmpeg -loglevel error -y -i "$T/l.wav" -c:a libvorbis "$T/l.ogg" \
	&& cp "$T/l.mp3" "$T/l.ogg" "$long/" || fail "ffmpeg cannot make the mp3 and ogg inputs"
lf="$long/in.wav"
long_case() {   # long_case WHAT CMD...: exit 0 and nothing on stderr
	TRIED=$((TRIED + 1)); what=$1; shift
	"$@" >"$T/out" 2>"$T/err"; st=$?
	[ "$st" = 0 ] && [ ! -s "$T/err" ] && ok "3,000-byte input path: $what" \
		|| fail "3,000-byte input path: $what: exit $st: $(tail -c 300 "$T/err")"
}
"$LATHE" render -q "$T/l.wav" -o "$T/short.flac"
long_case "render (${#lf} bytes)" "$LATHE" render -q "$lf" -o "$long/out.flac"
TRIED=$((TRIED + 1))
cmp -s "$T/short.flac" "$long/out.flac" && ok "3,000-byte path: the master is the short path's, byte for byte" \
	|| fail "3,000-byte path: the master differs from the short path's"
for pair in in.wav:l.wav out.flac:short.flac l.mp3:l.mp3 l.ogg:l.ogg; do
	f=${pair%%:*}
	long_case "analyze --json $f" "$LATHE" analyze --json "$long/$f"
	"$LATHE" analyze --json "$T/${pair#*:}" >"$T/short.json"
	TRIED=$((TRIED + 1))
	a=$(json_get integrated_lufs "$T/out"); b=$(json_get integrated_lufs "$T/short.json")
	[ -n "$a" ] && [ "$a" = "$b" ] && ok "3,000-byte path, $f: $a LUFS, as at a short path" \
		|| fail "3,000-byte path, $f: '$a' LUFS, at a short path '$b'"
done
long_case "play -d null" "$LATHE" play -q -d null --seconds 0.3 "$lf"
long_case "sweep" "$LATHE" sweep --json --max 2 "$lf"
long_case "analyze --codec mp3" "$LATHE" analyze --codec mp3 "$lf"
long_case "render --codec-safe mp3" "$LATHE" render -q --codec-safe mp3 "$lf" -o "$long/cs.wav"
long_case "render --manifest" "$LATHE" render -q --manifest "$long/m.json" "$lf" -o "$long/m.wav"
long_case "verify of that manifest" "$LATHE" verify "$long/m.json"
long_case "render --album --continuous (the masters read back)" "$LATHE" render -q --album --target -14 \
	"$lf" "$long/b.wav" -o "$long/alb" --continuous all.flac
TRIED=$((TRIED + 1))
[ -s "$long/alb/in.wav" ] && [ -s "$long/alb/b.wav" ] && [ -s "$long/alb/all.flac" ] && [ -s "$long/alb/all.cue" ] \
	&& ok "3,000-byte album folder: both masters, the continuous file and its CUE sheet" \
	|| fail "3,000-byte album folder: $(ls "$long/alb")"
printf '[album]\nname = x\nversion = 1\ntarget = -14\noutput = out\nformat = flac\n\n[track1]\nfile = in.wav\n\n[track2]\nfile = l.ogg\n' \
	>"$long/album.ini"
long_case "an album file's tracks" "$LATHE" render -q "$long/album.ini"
TRIED=$((TRIED + 1))
"$LATHE" analyze "$long/missing.wav" 2>"$T/err" >/dev/null; st=$?
[ "$st" = 2 ] && one_line "3,000-byte missing input" "missing.wav: No such file" \
	&& ok "3,000-byte path to nothing: exit 2, one line: ...$(tail -c 60 "$T/err")"

# ---- names with escape sequences, newlines and bytes that are not UTF-8 ----
echo '== names with escape sequences, newlines and bytes that are not UTF-8'
# On the terminal: every message one line, no ESC, BEL or other control
# byte (shown as \xHH, a newline as \n).  In JSON: valid JSON whatever the
# bytes (a byte outside UTF-8 is \u00XX, its Latin-1 character), and a
# manifest's names come back byte for byte (verify finds the files).
mkdir -p "$T/names"
esc=$(printf '\033')
k=0
for raw in 'a\033]0;owned\007b.wav' 'x\033[2Jy.wav' 'two\nlines.wav' 'bad\377\376utf8.wav' 'c1\302\233[31mred.wav' 'tab\tbell\007.wav'; do
	name=$(printf "$raw"; printf '/')   # keep a trailing newline, if any
	name=${name%/}
	k=$((k + 1))   # messages say "name $k": dash's echo would obey a raw name's escapes
	TRIED=$((TRIED + 1))
	"$LATHE" analyze "$T/names/$name" 2>"$T/err" >/dev/null; st=$?
	if [ "$st" = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && ! grep -q "$esc" "$T/err" \
	   && ! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/err" \
	   && ! LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$T/err"; then
		ok "a missing input $k: one line, escaped: $(cat "$T/err")"
	else
		fail "a missing input $k: exit $st, $(wc -l <"$T/err") lines: $(od -c "$T/err" | head -3)"
	fi
	TRIED=$((TRIED + 1))
	"$LATHE" render -q "$T/in.wav" -o "$T/names/no folder/$name" 2>"$T/err"; st=$?
	[ "$st" = 3 ] && [ "$(wc -l <"$T/err")" = 1 ] && ! grep -q "$esc" "$T/err" \
		&& ok "an output that cannot be written, $k: one line, exit 3" \
		|| fail "an unwritable output $k: exit $st: $(od -c "$T/err" | head -3)"
	# The same name as a real file: JSON and the manifest.
	cp "$T/in.wav" "$T/names/$name"
	TRIED=$((TRIED + 1))
	"$LATHE" analyze --json "$T/names/$name" >"$T/out.json" 2>"$T/err"
	if python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$T/out.json" 2>/dev/null; then
		ok "analyze --json of a file $k: valid JSON"
	else
		fail "analyze --json of name $k: invalid JSON: $(od -c "$T/out.json" | head -4)"
	fi
	TRIED=$((TRIED + 1))
	rm -f "$T/names/m.wav" "$T/names/m.json"
	"$LATHE" render -q --manifest "$T/names/m.json" "$T/names/$name" -o "$T/names/m.wav" 2>"$T/err" \
		&& python3 -c 'import json,sys; json.load(open(sys.argv[1],encoding="utf-8"))' "$T/names/m.json" \
		&& "$LATHE" verify "$T/names/m.json" >/dev/null 2>"$T/err" \
		&& ok "manifest of an input $k: valid JSON, verify finds it again" \
		|| fail "manifest of an input $k: $(cat "$T/err")"
	rm -f "$T/names/$name"
done

echo "paths: $TRIED cases tried, $FAILS misbehaved"
finish
