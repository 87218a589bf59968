#!/bin/sh
# Album sequencing: per-track tags read back by ffprobe (WAV and FLAC,
# the ISRC in FLAC), equal-power fades measured on a steady tone, and the
# continuous album file with its CUE sheet: cuebreakpoints' indexes land
# on the frames where each master starts in the file (computed here from
# the masters' lengths and the gaps), shnsplit cuts it back into the
# masters, and its samples are the masters and the gaps' silence to the bit.
. "$(dirname "$0")/lib.sh"
for tool in ffprobe sox soxi cuebreakpoints shnsplit; do
	command -v $tool >/dev/null || { echo "FAIL: $tool missing (make deps-test)"; exit 1; }
done

# Lengths that are not whole CD frames, so the gaps have to absorb them.
"$SIGGEN" --seconds 6.31 music "$T/a.wav" || exit 1
"$SIGGEN" --seconds 5.17 --seed 3 music "$T/b.wav" || exit 1
"$SIGGEN" --seconds 4.02 --seed 5 music "$T/c.wav" || exit 1
cat >"$T/album.ini" <<'EOF'
[album]
name = Night Drive EP
artist = The Band
date = 2026
target = -14
output = masters
format = wav
bits = 16
continuous = Night Drive EP.wav
[track1]
file = a.wav
title = Intro
gap = 1.5
fade_in = 0.2
[track2]
file = b.wav
title = Second
isrc = GB-ABC-26-00002
gap = 2.003
fade_out = 1.5
[track3]
file = c.wav
title = Segue
artist = Guest
comment = no gap before it
EOF
expect_status 0 "album with gaps, fades and a continuous file" "$LATHE" render -q --json "$T/album.ini"
cp "$T/out" "$T/report.json"
O="$T/masters"
CONT="$O/Night Drive EP.wav"; CUE="$O/Night Drive EP.cue"
[ -f "$CONT" ] && [ -f "$CUE" ] && ok "continuous file and CUE sheet written" || fail "no continuous file or CUE: $(ls -A "$O")"
ls -A "$O" | grep -q '^\.' && fail "temporary files left: $(ls -A "$O")"

# ---- tags of each master --------------------------------------------------
tags() { ffprobe -v error -show_entries format_tags -of default=nw=1 "$1" | tr 'A-Z' 'a-z'; }
tags "$O/a.wav" >"$T/t1"; tags "$O/c.wav" >"$T/t3"
for want in "title=intro" "artist=the band" "album=night drive ep" "track=1/3" "date=2026"; do
	grep -qx "tag:$want" "$T/t1" && ok "track 1: ffprobe reads $want" || fail "track 1: no $want in $(cat "$T/t1")"
done
for want in "title=segue" "artist=guest" "track=3/3" "comment=no gap before it"; do
	grep -qx "tag:$want" "$T/t3" && ok "track 3: ffprobe reads $want" || fail "track 3: no $want in $(cat "$T/t3")"
done

# ---- the CUE sheet ---------------------------------------------------------
grep -q '^FILE "Night Drive EP.wav" WAVE$' "$CUE" && grep -q '^    ISRC GBABC2600002$' "$CUE" \
	&& grep -q '^TITLE "Night Drive EP"$' "$CUE" && grep -q '^    PERFORMER "Guest"$' "$CUE" \
	&& [ "$(grep -c '^  TRACK 0[1-3] AUDIO$' "$CUE")" = 3 ] && ok "CUE: FILE, 3 TRACKs, TITLE, PERFORMER, ISRC" \
	|| fail "CUE sheet: $(cat "$CUE")"
command -v cueprint >/dev/null && { cueprint -t '%n %t %p %i\n' "$CUE" >"$T/cp" 2>&1; \
	grep -q "^2 Second The Band GBABC2600002" "$T/cp" && ok "cueprint reads track 2's title, performer, ISRC" \
	|| fail "cueprint: $(cat "$T/cp")"; }
# Where each track must start, from the masters' lengths and the gaps: a
# gap is rounded to samples and grown to the next CD frame (588 samples
# at 44.1 kHz); a track without one starts where the last ended.
l1=$(soxi -s "$O/a.wav"); l2=$(soxi -s "$O/b.wav"); l3=$(soxi -s "$O/c.wav")
expect=$(awk -v l1="$l1" -v l2="$l2" -v l3="$l3" 'BEGIN {
	split("1.5 2.003 0", g, " "); split(l1 " " l2 " " l3, l, " "); pos = 0
	for (i = 1; i <= 3; i++) {
		s = pos + int(g[i] * 44100 + 0.5)
		if (s > pos) { s = int((s + 587) / 588) * 588; i0 = int((pos + 587) / 588) } else i0 = -1
		printf "%d %d %d %d\n", i, s, int(s / 588), i0
		pos = s + l[i]
	}
	printf "total %d\n", pos }')
echo "$expect" >"$T/expect"
# cuebreakpoints prints m:ss.ff: INDEX 01 of tracks 2 and 3, and with
# --prepend-gaps INDEX 00 where there is one.
frames() { awk -F'[:.]' '{ print ($1 * 60 + $2) * 75 + $3 }'; }
got=$(cuebreakpoints "$CUE" | frames | tr '\n' ' ')
want=$(awk '$1 == 2 || $1 == 3 { printf "%d ", $3 }' "$T/expect")
[ "$got" = "$want" ] && ok "INDEX 01 of tracks 2, 3 at frames $got" || fail "INDEX 01 at frames '$got', want '$want'"
got=$(cuebreakpoints --prepend-gaps "$CUE" | frames | tr '\n' ' ')
want=$(awk '$1 == 2 { printf "%d ", $4 } $1 == 3 { printf "%d ", $3 }' "$T/expect")
[ "$got" = "$want" ] && ok "INDEX 00 of track 2 at frame ${got%% *}" || fail "with pregaps: '$got', want '$want'"
grep -q "INDEX 01 00:01:38" "$CUE" && grep -q "INDEX 00 00:00:00" "$CUE" && ok "track 1: INDEX 00 00:00:00, INDEX 01 00:01:38 (1.5 s: 113 frames)" \
	|| fail "track 1 indexes: $(grep INDEX "$CUE" | head -2)"
for k in 1 2 3; do
	s=$(awk -v k=$k '$1 == k { print $2 }' "$T/expect")
	sed -n "/\"track\": $k,/p" "$T/report.json" | grep -q "\"start_frame\": $s," && ok "report: track $k starts at sample $s" \
		|| fail "report: track $k does not start at $s: $(sed -n "/\"track\": $k,/p" "$T/report.json" | head -c 300)"
done

# ---- the samples -----------------------------------------------------------
total=$(awk '$1 == "total" { print $2 }' "$T/expect")
[ "$(soxi -s "$CONT")" = "$total" ] && ok "continuous file: $total samples" || fail "continuous file: $(soxi -s "$CONT") samples, want $total"
# The same file built by sox from the masters and runs of digital silence.
set -- ; pos=0; k=0
for m in a b c; do
	k=$((k + 1)); s=$(awk -v k=$k '$1 == k { print $2 }' "$T/expect")
	if [ "$s" -gt "$pos" ]; then
		sox -r 44100 -c 2 -b 16 -n "$T/sil$k.wav" trim 0 "$((s - pos))s"
		set -- "$@" "$T/sil$k.wav"
	fi
	set -- "$@" "$O/$m.wav"
	pos=$((s + $(soxi -s "$O/$m.wav")))
done
sox "$@" "$T/expect.wav"
"$WAVCMP" "$T/expect.wav" "$CONT" >"$T/cmp" && grep -q "max_diff 0$" "$T/cmp" \
	&& ok "continuous = silence + masters, sample for sample ($(head -c 80 "$T/cmp"))" || fail "continuous differs: $(cat "$T/cmp")"
# shnsplit cuts at INDEX 01, the gaps going to the end of the track before:
# each piece is the file from one INDEX 01 to the next, and a track
# followed by a gap comes back whole, followed by silence only.
mkdir "$T/split"
shnsplit -q -d "$T/split" -f "$CUE" -o wav "$CONT" 2>"$T/shn.err" || fail "shnsplit: $(cat "$T/shn.err")"
for k in 1 2 3; do
	a=$(( $(awk -v k=$k '$1 == k { print $3 }' "$T/expect") * 588 ))
	b=$(awk -v k=$((k + 1)) '$1 == k { print $3 * 588 } $1 == "total" && k == 4 { print $2 }' "$T/expect")
	sox "$T/expect.wav" "$T/span$k.wav" trim "${a}s" "=${b}s"
	"$WAVCMP" "$T/split/split-track0$k.wav" "$T/span$k.wav" | grep -q "max_diff 0$" \
		&& ok "shnsplit track $k: samples $a to $b of the file" || fail "shnsplit track $k: $("$WAVCMP" "$T/split/split-track0$k.wav" "$T/span$k.wav")"
done
len=$(soxi -s "$O/a.wav"); piece="$T/split/split-track01.wav"
sox "$piece" "$T/head1.wav" trim 0 "${len}s"
"$WAVCMP" "$T/head1.wav" "$O/a.wav" | grep -q "max_diff 0$" && ok "shnsplit track 1 is master a, sample for sample" \
	|| fail "shnsplit track 1: $("$WAVCMP" "$T/head1.wav" "$O/a.wav")"
pk=$(sox "$piece" -n trim "${len}s" stats 2>&1 | awk '/^Pk lev dB/ { print $4 }')
[ "$pk" = "-inf" ] && ok "then $(( $(soxi -s "$piece") - len )) samples of digital silence (track 2's gap)" || fail "after track 1: peak $pk dB"
[ "$(soxi -s "$T/split/split-track00.wav")" = "$(awk '$1 == 1 { print $2 }' "$T/expect")" ] \
	&& ok "the pregap of track 1 comes out as track 00" || fail "pregap: $(ls "$T/split")"

# ---- fades: equal power, measured on a steady tone ---------------------------
"$SIGGEN" --seconds 6 --level -20 sine:1000 "$T/tone.wav" || exit 1
cat >"$T/fade.ini" <<'EOF'
[album]
target = -14
output = fade
bits = 32f
[track1]
file = tone.wav
fade_in = 1
fade_out = 2
[track2]
file = tone.wav
output = plain
EOF
expect_status 0 "album with fades" "$LATHE" render -q "$T/fade.ini"
rms() { sox "$1" -n trim "$2" 0.02 stats 2>&1 | awk '/^RMS lev dB/ { print $4 }'; }
# The steady middle of the faded track is the reference (the faded master
# is matched to the target as it is, fades included, so it sits higher).
ref=$(rms "$T/fade/tone.wav" 3.0)
for at in "0.49:-3.01:fade-in half way" "0.24:-8.35:fade-in a quarter" "4.99:-3.01:fade-out half way" "5.49:-8.35:fade-out three quarters"; do
	t=${at%%:*}; rest=${at#*:}; want=${rest%%:*}; what=${rest#*:}
	got=$(awk -v a="$(rms "$T/fade/tone.wav" "$t")" -v b="$ref" 'BEGIN { printf "%.2f", a - b }')
	near "$got" "$want" 0.15 && ok "$what: $got dB (equal power: $want)" || fail "$what: $got dB, want $want"
done
first=$(sox "$T/fade/tone.wav" -n trim 0 1s stats 2>&1 | awk '/^Pk lev dB/ { print $4 }')
last=$(sox "$T/fade/tone.wav" -n trim -1s stats 2>&1 | awk '/^Pk lev dB/ { print $4 }')
[ "$first" = "-inf" ] && [ "$last" = "-inf" ] && ok "the fades start and end on 0" || fail "first $first, last $last dB"
for f in tone plain; do
	i=$("$LATHE" analyze --json "$T/fade/$f.wav" | sed -n 's/.*"integrated_lufs": *\([^,]*\).*/\1/p')
	near "$i" -14 0.1 && ok "$f: the master as delivered is on the target ($i LUFS)" || fail "$f: $i LUFS, want -14"
done

# ---- FLAC masters carry the ISRC -------------------------------------------
sed -e 's/^format = wav/format = flac/' -e 's/^output = masters/output = flac/' -e '/^continuous/d' "$T/album.ini" >"$T/flac.ini"
expect_status 0 "FLAC album with an ISRC and no continuous file" "$LATHE" render -q "$T/flac.ini"
ffprobe -v error -show_entries format_tags -of default=nw=1 "$T/flac/b.flac" >"$T/tf"
grep -qx "TAG:ISRC=GBABC2600002" "$T/tf" && grep -qix "TAG:title=Second" "$T/tf" && grep -qix "TAG:track=2/3" "$T/tf" \
	&& ok "FLAC track 2: ISRC, title and track number read back" || fail "FLAC track 2 tags: $(cat "$T/tf")"

# ---- refusals: one line, nothing written -----------------------------------
sed -e '/^continuous/d' -e 's/^output = masters/output = none/' "$T/album.ini" >"$T/wavisrc.ini"
expect_status 1 "ISRC for WAV masters with no CUE sheet" "$LATHE" render -q "$T/wavisrc.ini"
grep -q "wavisrc.ini:17: track2.isrc: WAV and AIFF masters have no field for an ISRC" "$T/err" || fail "message: $(cat "$T/err")"
[ -e "$T/none" ] && fail "a refused album wrote $(ls "$T/none")"
"$SIGGEN" --seconds 2 --rate 48000 music "$T/d48.wav"
expect_status 1 "continuous file from two rates" "$LATHE" render -q --album --target -14 --continuous all.wav -o "$T/mixed" "$T/a.wav" "$T/d48.wav"
grep -q "one continuous file needs one rate" "$T/err" || fail "message: $(cat "$T/err")"
expect_status 0 "the same with --rate 48000" "$LATHE" render -q --album --target -14 --rate 48000 --tag artist=X --continuous all.flac -o "$T/mixed" "$T/a.wav" "$T/d48.wav"
grep -q "INDEX 01 00:06:" "$T/mixed/all.cue" && [ "$(soxi -r "$T/mixed/all.flac")" = 48000 ] && ok "--rate 48000: one 48 kHz file, track 2 at 6 s" \
	|| fail "--rate continuous: $(cat "$T/mixed/all.cue")"
expect_status 1 "--tag title on a command-line album" "$LATHE" render -q --album --target -14 --tag title=X -o "$T/x" "$T/a.wav"
expect_status 1 "--continuous with a path" "$LATHE" render -q --album --target -14 --continuous a/b.wav -o "$T/x" "$T/a.wav"
# ---- one manifest for the album, and lathe verify ------------------------------
expect_status 0 "album render with --manifest" "$LATHE" render -q --manifest "$T/album.json" "$T/album.ini"
if command -v python3 >/dev/null; then python3 -m json.tool "$T/album.json" >/dev/null && ok "album manifest is JSON" || fail "album manifest: invalid JSON"; fi
for f in a b c; do
	grep -q "\"output_sha256\": \"$(sha256sum "$O/$f.wav" | cut -c1-64)\"" "$T/album.json" && ok "manifest: $f.wav's SHA-256 (sha256sum agrees)" \
		|| fail "manifest lacks $f.wav's SHA-256"
done
grep -q "\"continuous_sha256\": \"$(sha256sum "$CONT" | cut -c1-64)\"" "$T/album.json" && grep -q '"gap_s": 2.003,' "$T/album.json" \
	&& grep -q '"comp.ratio": ' "$T/album.json" && ok "manifest: the continuous file's SHA-256, gaps, every parameter" || fail "manifest: $(head -c 600 "$T/album.json")"
expect_status 0 "verify the album" "$LATHE" verify "$T/album.json"
cp "$O/b.wav" "$T/b.keep"
printf 'x' | dd of="$O/b.wav" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect_status 6 "verify after a master changed" "$LATHE" verify "$T/album.json"
grep -q "b.wav: DIFFERS: the file has changed" "$T/err" || fail "verify: $(cat "$T/err")"
cp "$T/b.keep" "$O/b.wav"
cp "$CONT" "$T/cont.keep"
printf 'x' | dd of="$CONT" bs=1 seek=400000 conv=notrunc 2>/dev/null
expect_status 6 "verify after the continuous file changed" "$LATHE" verify "$T/album.json"
cp "$T/cont.keep" "$CONT"
cp "$T/c.wav" "$T/c.keep"; "$SIGGEN" --seconds 4.02 --seed 6 music "$T/c.wav"
expect_status 6 "verify after an input changed" "$LATHE" verify "$T/album.json"
grep -q "track 3's input is not the file" "$T/err" || fail "verify: $(cat "$T/err")"
cp "$T/c.keep" "$T/c.wav"
sed 's/"dither_seed": [0-9]*/"dither_seed": 7/' "$T/album.json" >"$T/seed.json"
expect_status 6 "verify with another dither seed: the render differs" "$LATHE" verify "$T/seed.json"
expect_status 0 "verify again once restored" "$LATHE" verify "$T/album.json"
# A command-line album: each track's searched drive is recorded with the rest.
expect_status 0 "render --album with --manifest" "$LATHE" render -q --album --target -16 --manifest "$T/cli.json" \
	-o "$T/cliout" "$T/a.wav" "$T/b.wav"
expect_status 0 "verify it" "$LATHE" verify "$T/cli.json"
finish
