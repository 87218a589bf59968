#!/bin/sh
# Bad input, end to end: a corpus of broken audio files, hostile but valid
# audio, broken presets, keymaps and album files, and bad command lines,
# all generated here.  Every refusal must be the exit status SPEC.md gives,
# one line on stderr naming the file, no crash and nothing written; every
# hostile file that is processed must come out with no NaN, no infinity
# and nothing above the ceiling.  Ends with the count of inputs tried.
. "$(dirname "$0")/lib.sh"
HXGEN="$ROOT/$BUILD/tests/tools/hx_gen"
HXCHECK="$ROOT/$BUILD/tests/tools/hx_check"
HXKEYMAP="$ROOT/$BUILD/tests/tools/hx_keymap"
TRIED=0
O="$T/o"        # outputs of renders that must not happen
mkdir -p "$O" "$T/in"

# refuse STATUS WHAT NAME CMD...: exit STATUS, exactly one line on stderr
# and it names NAME, no file under $O, done within 30 s.
refuse() {
	want=$1; what=$2; name=$3; shift 3
	TRIED=$((TRIED + 1))
	timeout -k 5 30 "$@" >"$T/out" 2>"$T/err"; got=$?
	if [ "$got" != "$want" ]; then
		fail "$what: exit $got, want $want: $(head -c 300 "$T/err")"
	elif [ "$(wc -l <"$T/err")" != 1 ]; then
		fail "$what: want one line on stderr, got: $(head -c 400 "$T/err")"
	elif ! grep -qF -- "$name" "$T/err"; then
		fail "$what: the message does not name $name: $(cat "$T/err")"
	elif [ -n "$(ls -A "$O")" ]; then
		fail "$what: left $(ls -A "$O") behind"
	else
		ok "$what: $(cat "$T/err")"
	fi
	rm -rf "$O" && mkdir "$O"
}

# json_clean FILE: analyze's JSON holds no NaN or infinity (not JSON).
json_clean() {
	! grep -qiE '(:|\[|,) *-?(nan|inf)' "$1"
}

# clean WHAT IN [OPTIONS...]: analyze gives valid JSON, a render exits 0 and
# its output has no NaN or infinity and stays under the -1 dBTP ceiling, by
# samples (hx_check) and by libebur128's true peak (analyze).
clean() {
	what=$1; in=$2; shift 2
	TRIED=$((TRIED + 1))
	if ! timeout -k 5 60 "$LATHE" analyze --json "$in" >"$T/a.json" 2>"$T/err"; then
		fail "$what: analyze failed: $(head -c 300 "$T/err")"; return
	fi
	json_clean "$T/a.json" || fail "$what: analyze printed NaN or inf: $(cat "$T/a.json")"
	if ! timeout -k 5 60 "$LATHE" render -q "$@" "$in" -o "$T/clean.wav" >"$T/out" 2>"$T/err"; then
		fail "$what: render failed: $(head -c 300 "$T/err")"; return
	fi
	if ! "$HXCHECK" "$T/clean.wav" -1 >"$T/chk"; then
		fail "$what: bad samples out: $(cat "$T/chk")"; return
	fi
	"$LATHE" analyze --json "$T/clean.wav" >"$T/c.json"
	tp=$(json_get true_peak_dbtp "$T/c.json")
	if [ "$tp" = null ] || le "$tp" -1.0; then
		ok "$what: $(cat "$T/chk"), true peak $tp dBTP"
	else
		fail "$what: true peak $tp dBTP above the -1 ceiling"
	fi
}

# either WHAT IN: a damaged file may be refused (as refuse) or processed
# (as clean); crashing, hanging or writing garbage is the failure.
either() {
	TRIED=$((TRIED + 1))
	timeout -k 5 30 "$LATHE" render -q "$2" -o "$O/x.wav" >"$T/out" 2>"$T/err"; got=$?
	if [ "$got" = 0 ]; then
		TRIED=$((TRIED - 1)); rm -rf "$O" && mkdir "$O"; clean "$1 (processed)" "$2"
	else
		TRIED=$((TRIED - 1)); rm -rf "$O" && mkdir "$O"
		refuse 2 "$1 (refused)" "$(basename "$2")" "$LATHE" render -q "$2" -o "$O/x.wav"
	fi
}

# ---- broken audio: refused by analyze and render with exit 2 -------------
echo '== broken audio: refused by analyze and render with exit 2'
I="$T/in"
"$SIGGEN" --seconds 1 music "$I/good.wav" || exit 1
"$SIGGEN" --seconds 1 music "$I/good.flac" || exit 1
head -c 30 "$I/good.wav" >"$I/trunc-header.wav"
head -c 44 "$I/good.wav" >"$I/header-only.wav"
"$SIGGEN" --seconds 0 silence "$I/zero-frames.wav"
"$SIGGEN" --seconds 0.00003 music "$I/one-frame.wav"
"$SIGGEN" --seconds 0.005 music "$I/five-ms.wav"
"$SIGGEN" --channels 6 --seconds 0.5 music "$I/six-channels.wav"
"$SIGGEN" --channels 3 --seconds 0.5 music "$I/three-channels.flac"
"$SIGGEN" --rate 8000 --seconds 0.5 music "$I/8k.wav"
"$SIGGEN" --rate 22049 --seconds 0.5 music "$I/22049.wav"
"$SIGGEN" --rate 384000 --seconds 0.2 music "$I/384k.wav"
echo "this is not audio" >"$I/text.wav"
: >"$I/empty.wav"
# "Random" bytes that are the same on every run: noise samples, no header.
"$SIGGEN" --seconds 0.5 --format 16 noise "$I/noise.wav"
noise() { tail -c +1000 "$I/noise.wav" | head -c "$1"; }
noise 20000 >"$I/random.wav"
noise 20000 >"$I/random.flac"
mkdir "$I/folder.wav"
mkfifo "$I/fifo.wav"
ln -s loop2.wav "$I/loop1.wav"; ln -s loop1.wav "$I/loop2.wav"
# Headers that lie: 1000 channels, a sample rate of 0 (little-endian fields
# of the canonical 44-byte WAV header).
cp "$I/good.wav" "$I/1000-channels.wav"
printf '\350\003' | dd of="$I/1000-channels.wav" bs=1 seek=22 conv=notrunc 2>/dev/null
cp "$I/good.wav" "$I/rate-zero.wav"
printf '\0\0\0\0' | dd of="$I/rate-zero.wav" bs=1 seek=24 conv=notrunc 2>/dev/null
long=$(printf '%0300d' 0)
longpath="$I/$long/$long/$long/$long/$long/$long/$long/$long/$long/$long/$long/$long/$long/$long.wav"

for f in trunc-header header-only zero-frames one-frame five-ms six-channels 8k 22049 384k \
	 text empty random folder fifo loop1 1000-channels rate-zero; do
	refuse 2 "analyze $f.wav" "$f.wav" "$LATHE" analyze "$I/$f.wav"
	refuse 2 "render $f.wav" "$f.wav" "$LATHE" render -q "$I/$f.wav" -o "$O/x.wav"
done
for f in random three-channels; do
	refuse 2 "render $f.flac" "$f.flac" "$LATHE" render -q "$I/$f.flac" -o "$O/x.wav"
done
refuse 2 "render a missing file" "nope.wav" "$LATHE" render -q "$I/nope.wav" -o "$O/x.wav"
refuse 2 "analyze a path too long" "0.wav: File name too long" "$LATHE" analyze "$longpath"
refuse 2 "analyze /dev/zero" "/dev/zero" "$LATHE" analyze /dev/zero
refuse 2 "render /dev/urandom" "/dev/urandom" "$LATHE" render -q /dev/urandom -o "$O/x.wav"
# An unreadable file: only meaningful for a user the permissions bind.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	AS_USER="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	$AS_USER true 2>/dev/null || AS_USER=""
else
	AS_USER=""
fi
cp "$I/good.wav" "$I/unreadable.wav" && chmod 000 "$I/unreadable.wav"
if [ "$(id -u)" != 0 ]; then
	refuse 2 "analyze an unreadable file" "unreadable.wav" "$LATHE" analyze "$I/unreadable.wav"
elif [ -n "$AS_USER" ]; then
	chmod 755 "$T" "$I"; chmod 777 "$O"
	refuse 2 "analyze an unreadable file (as nobody)" "unreadable.wav" $AS_USER "$LATHE" analyze "$I/unreadable.wav"
	chmod 777 "$O"
	refuse 2 "render an unreadable file (as nobody)" "unreadable.wav" $AS_USER "$LATHE" render -q "$I/unreadable.wav" -o "$O/x.wav"
else
	echo "skip: unreadable file (root without setpriv)"
fi
# Noise bytes named .mp3: libmpg123 (inside libsndfile) prints its own
# warnings on stderr, which lathe cannot silence; lathe's own line must
# still be there, last, and the status right.
TRIED=$((TRIED + 1))
noise 20000 >"$I/random.mp3"
"$LATHE" analyze "$I/random.mp3" >"$T/out" 2>"$T/err"; got=$?
if [ "$got" = 2 ] && tail -1 "$T/err" | grep -q "^lathe: .*random.mp3"; then
	ok "noise bytes as .mp3: exit 2 ($(wc -l <"$T/err") line(s) on stderr, $(grep -vc '^lathe:' "$T/err") from libmpg123)"
else
	fail "noise bytes as .mp3: exit $got: $(cat "$T/err")"
fi

# ---- damaged but possibly usable: processed cleanly or refused -----------
echo '== damaged but possibly usable: processed cleanly or refused'
head -c 50000 "$I/good.wav" >"$I/trunc-data.wav"
head -c 30000 "$I/good.flac" >"$I/trunc-data.flac"
cp "$I/good.flac" "$I/flac-named.wav"
cp "$I/good.wav" "$I/wav-named.flac"
cp "$I/good.wav" "$I/wav-named.mp3"
for f in trunc-data.wav trunc-data.flac flac-named.wav wav-named.flac wav-named.mp3; do
	either "$f" "$I/$f"
done

# ---- hostile but valid: processed with nothing bad coming out ------------
echo '== hostile but valid: processed with nothing bad coming out'
H="$T/h"; mkdir "$H"
"$SIGGEN" --seconds 2 --format 32f nan "$H/nan-sprinkled.wav"
"$SIGGEN" --seconds 2 --format 64f nan "$H/nan-sprinkled-64f.wav"
for k in allnan allinf denormal over nyquist nanburst; do "$HXGEN" $k 2 "$H/$k.wav" || exit 1; done
"$SIGGEN" --seconds 2 dc:0.5 "$H/dc-half.wav"
"$SIGGEN" --seconds 2 --format 32f dc:1 "$H/dc-full.wav"
"$SIGGEN" --seconds 2 --format 16 square:1000 "$H/square-1k.wav"
"$SIGGEN" --seconds 2 square:11025 "$H/square-fs4.wav"
"$SIGGEN" --seconds 2 --channels 1 square:60 "$H/square-mono.wav"
"$SIGGEN" --seconds 2 clipnoise:20 "$H/clipnoise.wav"
"$SIGGEN" --seconds 2 --rate 22050 clipnoise:30 "$H/clipnoise-22k.wav"
"$SIGGEN" --seconds 2 isp "$H/isp.wav"
"$SIGGEN" --seconds 1 --rate 192000 isp "$H/isp-192k.flac"
"$SIGGEN" --seconds 0.01 music "$H/ten-ms.wav"
"$SIGGEN" --seconds 2 silence "$H/silence.wav"
for f in "$H"/*; do
	clean "$(basename "$f")" "$f"
done
clean "square-1k.wav --target -8" "$H/square-1k.wav" --target -8
clean "clipnoise.wav --target -6" "$H/clipnoise.wav" --target -6
clean "over.wav, input gain and drive at +24 dB" "$H/over.wav" --set input.gain=24 --set limiter.drive=24
refuse 2 "--target on silence" "silence.wav" "$LATHE" render -q --target -14 "$H/silence.wav" -o "$O/x.wav"
refuse 2 "--target on all-NaN" "allnan.wav" "$LATHE" render -q --target -14 "$H/allnan.wav" -o "$O/x.wav"

# ---- bad presets: exit 1 for bad contents, 2 for no file ----------------
echo '== bad presets: exit 1 for bad contents, 2 for no file'
P="$T/p"; mkdir "$P"
printf '[comp]\nratio = 2\n[comp\nthreshold = -20\n' >"$P/syntax.ini"
printf '[comp]\nratio = strong\n' >"$P/wrong-type.ini"
printf '[comp]\nratio = 50\n' >"$P/out-of-range.ini"
printf '[limiter]\nceiling = 1e308\n' >"$P/absurd-big.ini"
printf '[limiter]\nceiling = -1e999\n' >"$P/absurd-overflow.ini"
printf '[eq]\nlow_gain = nan\n' >"$P/nan.ini"
printf '[eq]\nlow_gain = inf\n' >"$P/inf.ini"
printf '[eq]\nlow_gain = 0x10\n' >"$P/hex.ini"
printf '[eq]\nlow_gain = 2,5\n' >"$P/comma.ini"
printf '[eq]\nlow_gain = 1e-400\nhigh_gain = 99999999999999999999999\n' >"$P/underflow.ini"
printf '[hpf]\nslope = 18\n' >"$P/slope.ini"
printf '[input]\nbypass = 2\n' >"$P/bypass.ini"
printf '[reverb]\nsize = 1\n' >"$P/unknown-section.ini"
printf '[comp]\nsqueeze = 1\n' >"$P/unknown-key.ini"
printf '[comp]\nratio = 2\nRatio = 3\n' >"$P/duplicate-key.ini"
printf '[comp]\nratio = 2\n[eq]\n[comp]\nratio = 3\n' >"$P/duplicate-section.ini"
printf 'ratio = 2\n' >"$P/no-section.ini"
printf '[preset]\nversion = 99\n[comp]\nratio = 2\n' >"$P/newer.ini"
printf '[preset]\nversion = one\n' >"$P/bad-version.ini"
printf '[comp]\nratio = 2 \\\n' >"$P/continued-eof.ini"
printf '\357\273\277[comp]\nratio = 2\n' >"$P/utf8-bom.ini"
printf '\377\376[\000c\000o\000m\000p\000]\000\n\000' >"$P/utf16.ini"
printf '[preset]\nnotes = caf\351\n' >"$P/latin1.ini"
: >"$P/empty.ini"
printf '; only a comment\n\n' >"$P/comments-only.ini"
noise 4096 >"$P/binary.ini"
cp "$I/good.wav" "$P/a-wav-file.ini"
{ printf '[preset]\nnotes = '; head -c 1048576 /dev/zero | tr '\0' x; printf '\n'; } >"$P/1mb-line.ini"
{ printf '[preset]\n'; yes "; $long" | head -n 4000; } >"$P/huge.ini"
mkdir "$P/folder.ini"
mkfifo "$P/fifo.ini"
for f in syntax wrong-type out-of-range absurd-big absurd-overflow nan inf hex comma underflow \
	 slope bypass unknown-section unknown-key duplicate-key duplicate-section no-section newer \
	 bad-version continued-eof utf16 latin1 empty comments-only binary a-wav-file \
	 1mb-line huge; do
	refuse 1 "preset $f.ini" "$f.ini" "$LATHE" render -q -p "$P/$f.ini" "$I/good.wav" -o "$O/x.wav"
done
for f in missing folder fifo; do
	refuse 2 "preset $f.ini" "$f.ini" "$LATHE" render -q -p "$P/$f.ini" "$I/good.wav" -o "$O/x.wav"
done
refuse 1 "preset name not found" "no-such-preset" "$LATHE" render -q -p no-such-preset "$I/good.wav" -o "$O/x.wav"
refuse 1 "preset name with a slash-less dot-dot" ".." "$LATHE" render -q -p .. "$I/good.wav" -o "$O/x.wav"
# Neither is the byte-order mark Windows editors put at the start of
# UTF-8: the preset must be read, not just accepted.
TRIED=$((TRIED + 1))
printf '\357\273\277[output]\r\ngain = -6\r\n' >"$P/utf8-bom-crlf.ini"
if "$LATHE" render -q -p "$P/utf8-bom.ini" "$I/good.wav" -o "$T/bom0.wav" 2>"$T/err" &&
   "$LATHE" render -q -p "$P/utf8-bom-crlf.ini" "$I/good.wav" -o "$T/bom.wav" 2>>"$T/err" &&
   "$LATHE" render -q --set output.gain=-6 "$I/good.wav" -o "$T/bom-set.wav" 2>>"$T/err" &&
   cmp -s "$T/bom.wav" "$T/bom-set.wav" && ! cmp -s "$T/bom.wav" "$T/bom0.wav"; then
	ok "a UTF-8 BOM preset is read: the same render as --set output.gain=-6"
else
	fail "a UTF-8 BOM preset: $(cat "$T/err")"
fi
# Line endings from Windows are not an error.
printf '[comp]\r\nratio = 2\r\n' >"$P/crlf.ini"
TRIED=$((TRIED + 1))
if "$LATHE" render -q -p "$P/crlf.ini" "$I/good.wav" -o "$T/crlf.wav" 2>"$T/err"; then
	ok "CRLF preset accepted"
else
	fail "CRLF preset refused: $(cat "$T/err")"
fi

# ---- bad keymaps: hx_keymap loads them the way the console does --------
echo '== bad keymaps: hx_keymap loads them the way the console does'
K="$T/k"; mkdir "$K"
printf '[keys]\nj = param_next\n[keys\n' >"$K/syntax.ini"
printf '[keys]\nj = fly\n' >"$K/unknown-command.ini"
printf '[keys]\nhyper-j = quit\n' >"$K/unknown-key.ini"
printf '[keys]\nf99 = help\n' >"$K/absurd-fkey.ini"
printf '[keys]\nf1e308 = help\n' >"$K/absurd-number.ini"
printf '[keys]\nj = \n' >"$K/empty-command.ini"
printf '[keys]\nq = quit\n[keys:x]\n' >"$K/sub-section.ini"
printf '[colours]\nbg = red\n' >"$K/unknown-section.ini"
printf '[keymap]\nversion = 2\n' >"$K/newer.ini"
printf '[keymap]\nversion = 1\nauthor = me\n' >"$K/unknown-meta.ini"
printf '[keys]\nq = quit\nQ = help\n' >"$K/duplicate-key.ini"
printf '[keys]\ntab = quit\nC-i = help\n' >"$K/same-key-two-names.ini"
noise 4096 >"$K/binary.ini"
{ printf '[keys]\nj = '; head -c 1048576 /dev/zero | tr '\0' x; printf '\n'; } >"$K/1mb-line.ini"
for f in syntax unknown-command unknown-key absurd-fkey absurd-number empty-command sub-section \
	 unknown-section newer unknown-meta duplicate-key same-key-two-names binary 1mb-line; do
	refuse 1 "keymap $f.ini" "$f.ini" "$HXKEYMAP" "$K/$f.ini"
done
refuse 2 "keymap missing.ini" "missing.ini" "$HXKEYMAP" "$K/missing.ini"

# ---- bad album files: lathe render ALBUM.ini ----------------------------
echo '== bad album files: lathe render ALBUM.ini'
A="$T/al"; mkdir "$A"
cp "$I/good.wav" "$A/one.wav"
album() { printf '[album]\noutput = out\n%b\n[track1]\nfile = one.wav\n%b\n' "$1" "$2" >"$A/$3.ini"; }
album 'target = -14' '[track1]' duplicate-track
album 'target = -14\ntarget = -9' '' duplicate-key
album 'target = 1e308' '' absurd-target
album 'target = -nan' '' nan-target
album 'ceiling = +inf' '' inf-ceiling
album 'bits = 12' '' bits
album 'mode = loudest' '' mode
album 'tempo = 120' '' unknown-key
album '' 'set = comp.ratio=1e999' absurd-set
album '' 'set = comp.nothing=1' unknown-set
album '' '[track0]\nfile = one.wav' track-zero
album '' '[track99999999999]\nfile = one.wav' track-huge
album '' '[track2]\nfile = missing.wav' missing-track
album '' '[track2]\nfile = .' folder-track
album '' '[bonus]\nfile = one.wav' unknown-section
noise 4096 >"$A/binary.ini"
: >"$A/empty.ini"
{ printf '[album]\nname = '; head -c 1048576 /dev/zero | tr '\0' x; printf '\n'; } >"$A/1mb-line.ini"
for f in duplicate-track duplicate-key absurd-target nan-target inf-ceiling bits mode unknown-key \
	 absurd-set unknown-set track-zero track-huge missing-track folder-track unknown-section \
	 binary empty 1mb-line; do
	refuse 1 "album $f.ini" "$f.ini" "$LATHE" render -q "$A/$f.ini"
	[ -e "$A/out" ] && { fail "album $f.ini: made the output folder"; rm -rf "$A/out"; }
done
echo "not audio" >"$A/text.wav"
album 'target = -14' '[track2]\nfile = text.wav' text-track
refuse 2 "album with a text file as a track" "text.wav" "$LATHE" render -q "$A/text-track.ini"
refuse 2 "album file missing" "nope.ini" "$LATHE" render -q "$A/nope.ini"

# ---- bad command lines: exit 1 -------------------------------------------
echo '== bad command lines: exit 1'
G="$I/good.wav"
refuse 1 "unknown option" "--frobnicate" "$LATHE" render --frobnicate "$G" -o "$O/x.wav"
refuse 1 "unknown short option" "-Z" "$LATHE" render -Z "$G" -o "$O/x.wav"
refuse 1 "option with a value it does not take" "--json" "$LATHE" analyze --json=yes "$G"
refuse 1 "-o without a value" "-o" "$LATHE" render "$G" -o
refuse 1 "--set without a value" "--set" "$LATHE" render "$G" -o "$O/x.wav" --set
refuse 1 "--set without =" "comp.ratio" "$LATHE" render --set comp.ratio "$G" -o "$O/x.wav"
refuse 1 "--set on a parameter that does not exist" "comp.warmth" "$LATHE" render --set comp.warmth=1 "$G" -o "$O/x.wav"
refuse 1 "--set on a module that does not exist" "reverb" "$LATHE" render --set reverb.size=1 "$G" -o "$O/x.wav"
refuse 1 "--set with no module" "ratio" "$LATHE" render --set ratio=2 "$G" -o "$O/x.wav"
refuse 1 "--set with an empty value" "comp.ratio" "$LATHE" render --set comp.ratio= "$G" -o "$O/x.wav"
refuse 1 "--set nan" "comp.ratio" "$LATHE" render --set comp.ratio=nan "$G" -o "$O/x.wav"
refuse 1 "--set 1e999" "comp.ratio" "$LATHE" render --set comp.ratio=1e999 "$G" -o "$O/x.wav"
refuse 1 "--set a=b=c" "comp.ratio" "$LATHE" render --set comp.ratio=2=3 "$G" -o "$O/x.wav"
refuse 1 "--set 1000 characters" "--set" "$LATHE" render --set "comp.ratio=$long$long$long$long" "$G" -o "$O/x.wav"
refuse 1 "--ceiling +3" "--ceiling" "$LATHE" render --ceiling 3 "$G" -o "$O/x.wav"
refuse 1 "--ceiling nan" "--ceiling" "$LATHE" render --ceiling nan "$G" -o "$O/x.wav"
refuse 1 "--target +5" "--target" "$LATHE" render --target 5 "$G" -o "$O/x.wav"
refuse 1 "--target -inf" "--target" "$LATHE" render --target -inf "$G" -o "$O/x.wav"
refuse 1 "--target 1e999" "--target" "$LATHE" render --target 1e999 "$G" -o "$O/x.wav"
refuse 1 "--bits 0" "--bits" "$LATHE" render --bits 0 "$G" -o "$O/x.wav"
refuse 1 "--bits 32f to FLAC" "x.flac" "$LATHE" render --bits 32f "$G" -o "$O/x.flac"
refuse 1 "--jobs 0" "--jobs" "$LATHE" render --jobs 0 --album "$G" -o "$O"
refuse 1 "--seconds -1" "--seconds" "$LATHE" play --seconds -1 -d null "$G"
refuse 1 "render with no output" "-o" "$LATHE" render "$G"
refuse 1 "render with no input" "IN" "$LATHE" render -o "$O/x.wav"
refuse 1 "analyze with no file" "FILE" "$LATHE" analyze
refuse 1 "output format from a bad extension" "x.mp3" "$LATHE" render "$G" -o "$O/x.mp3"


# ---- standard output that cannot be written: exit 3, one line -----------
echo '== standard output that cannot be written: exit 3, one line'
if [ -c /dev/full ]; then
	for args in "--help" "--version" "analyze $G" "analyze --json $G" "analyze --json $G $G"; do
		# shellcheck disable=SC2086
		refuse 3 "$args >/dev/full" "standard output" sh -c "exec '$LATHE' $args >/dev/full"
	done
fi
refuse 3 "analyze --json with stdout closed" "standard output" sh -c "exec '$LATHE' analyze --json '$G' >&-"

# ---- hex and other non-decimal numbers are refused ------------------------
echo '== hex and other non-decimal numbers are refused'
for v in 0x10 0X2 0x1p4 0x 1e +-2 0b1 "2 0x1"; do
	refuse 1 "--set comp.ratio=$v" "comp.ratio" "$LATHE" render --set "comp.ratio=$v" "$G" -o "$O/x.wav"
done
for v in 0x10 0X2 0x1.8p1; do
	printf '[comp]\nratio = %s\n' "$v" >"$T/hex.ini"
	refuse 1 "preset comp.ratio = $v" "hex.ini" "$LATHE" render -p "$T/hex.ini" "$G" -o "$O/x.wav"
done

# ---- no usable terminal: one line, exit 1 ----------------------------------
echo '== no usable terminal: one line, exit 1'
if command -v script >/dev/null; then
	for how in "-u TERM" "TERM=" "TERM=no-such-terminal" "TERM=../../etc/passwd"; do
		TRIED=$((TRIED + 1))
		script -qec "env $how '$LATHE' -d null '$G' 2>'$T/err'" /dev/null >/dev/null </dev/null; st=$?
		if [ "$st" = 1 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q TERM "$T/err"; then
			ok "console with env $how: exit 1: $(cat "$T/err")"
		else
			fail "console with env $how: exit $st: $(cat "$T/err")"
		fi
	done
else
	echo "skip: no terminal (script(1) missing)"
fi

echo "badinput: $TRIED bad or hostile inputs tried, $FAILS misbehaved"
finish
