#!/bin/sh
# Deliverables: --tag read back by ffprobe from WAV and FLAC, --rate with
# the true-peak ceiling holding at the output rate, --manifest and
# lathe verify (0 identical, 6 differs).
. "$(dirname "$0")/lib.sh"

"$SIGGEN" --seconds 8 music "$T/m.wav" || exit 1

# ---- tags --------------------------------------------------------------
for ext in wav flac; do
	expect_status 0 "render --tag to .$ext" "$LATHE" render -q --tag "title=Night Drive" --tag artist=Somebody \
		--tag album=EP --tag tracknumber=3/7 --tag date=2026 --tag "comment=mastered; with lathe" \
		"$T/m.wav" -o "$T/t.$ext"
	ffprobe -v error -show_entries format_tags -of default=nw=1 "$T/t.$ext" | tr 'A-Z' 'a-z' >"$T/tags"
	for want in "title=night drive" "artist=somebody" "album=ep" "track=3/7" "date=2026" "comment=mastered; with lathe"; do
		grep -qx "tag:$want" "$T/tags" && ok ".$ext: ffprobe reads $want" || fail ".$ext: no $want in: $(cat "$T/tags")"
	done
done
expect_status 1 "--tag mood=happy" "$LATHE" render -q --tag mood=happy "$T/m.wav" -o "$T/x.wav"
expect_status 1 "--tag isrc=bad" "$LATHE" render -q --tag isrc=12345 "$T/m.wav" -o "$T/x.wav"
for bad in US-RC1-76-0783 US-RC1-76-078390 1S-RC1-76-07839 US-RC1-7A-07839 "US RC1 76 07839"; do
	expect_status 1 "--tag isrc=$bad refused" "$LATHE" render -q --tag "isrc=$bad" "$T/m.wav" -o "$T/x.flac"
done
expect_status 1 "--tag isrc into a WAV (no field for it)" "$LATHE" render -q --tag isrc=US-RC1-76-07839 "$T/m.wav" -o "$T/x.wav"
grep -q "WAV and AIFF have no field for an ISRC" "$T/err" || fail "isrc into WAV: $(cat "$T/err")"
expect_status 1 "--tag isrc into an AIFF" "$LATHE" render -q --tag isrc=US-RC1-76-07839 "$T/m.wav" -o "$T/x.aiff"
# FLAC carries it as the Vorbis comment ISRC (dashes dropped, upper case),
# next to the others, and the audio is that of the render without it.
expect_status 0 "--tag isrc into a FLAC" "$LATHE" render -q --tag isrc=us-rc1-76-07839 --tag title=T \
	"$T/m.wav" -o "$T/isrc.flac"
ffprobe -v error -show_entries format_tags -of default=nw=1 "$T/isrc.flac" >"$T/tags"
grep -qx "TAG:ISRC=USRC17607839" "$T/tags" && grep -qx "TAG:title=T" "$T/tags" && ok "ffprobe reads ISRC=USRC17607839 and the title" \
	|| fail "FLAC ISRC: $(cat "$T/tags")"
"$LATHE" render -q --tag title=T "$T/m.wav" -o "$T/noisrc.flac"
"$WAVCMP" "$T/isrc.flac" "$T/noisrc.flac" | grep -q "max_diff 0$" && ok "the ISRC changes no sample" || fail "the ISRC changed the audio"
flac -s -t "$T/isrc.flac" 2>/dev/null && ok "flac -t: the rewritten file decodes and its MD5 holds" || fail "flac -t fails on the file with an ISRC"
ls -A "$T" | grep -q "^\.isrc" && fail "temporary files left: $(ls -A "$T")"
[ -e "$T/x.wav" ] && fail "a refused tag left x.wav" || ok "nothing written for a refused tag"

# ---- rate --------------------------------------------------------------
# A hot 44.1 kHz master to 48 and 96 kHz: the output has the rate, the
# loudness of the 44.1 kHz render, and its true peak stays under -1 dBTP
# measured at the output rate (analyze and ffmpeg's ebur128 alike).
"$LATHE" render -q --bits 32f --set limiter.drive=9 "$T/m.wav" -o "$T/r44.wav"
l44=$("$LATHE" analyze --json "$T/r44.wav" | sed -n 's/.*"integrated_lufs": *\([^,]*\).*/\1/p')
for r in 48000 96000; do
	expect_status 0 "render --rate $r" "$LATHE" render -q --bits 32f --rate $r --set limiter.drive=9 "$T/m.wav" -o "$T/r$r.wav"
	"$LATHE" analyze --json "$T/r$r.wav" >"$T/a.json"
	sr=$(json_get sample_rate "$T/a.json"); tp=$(json_get true_peak_dbtp "$T/a.json"); l=$(json_get integrated_lufs "$T/a.json")
	[ "$sr" = "$r" ] && ok "$r: sample rate $sr" || fail "$r: sample rate $sr"
	le "$tp" -1.0 && ok "$r: true peak $tp dBTP <= -1" || fail "$r: true peak $tp dBTP over the ceiling"
	near "$l" "$l44" 0.2 && ok "$r: $l LUFS, at 44.1 kHz $l44" || fail "$r: $l LUFS, at 44.1 kHz $l44"
	fftp=$(ffmpeg -nostats -hide_banner -i "$T/r$r.wav" -af ebur128=peak=true -f null - 2>&1 | sed -n 's/^ *Peak: *\(-*[0-9.]*\) dBFS.*/\1/p' | tail -1)
	le "$fftp" -0.95 && ok "$r: ffmpeg true peak $fftp dBFS" || fail "$r: ffmpeg true peak $fftp dBFS over the ceiling"
done
expect_status 1 "--rate 1000" "$LATHE" render -q --rate 1000 "$T/m.wav" -o "$T/x.wav"
expect_status 1 "--rate 44100.5" "$LATHE" render -q --rate 44100.5 "$T/m.wav" -o "$T/x.wav"

# ---- manifest and verify -------------------------------------------------
expect_status 0 "render --manifest (target, 16-bit, tags)" "$LATHE" render -q --bits 16 --target -14 \
	--tag title=One --manifest "$T/m.json" "$T/m.wav" -o "$T/v.flac"
for k in input_sha256 output_sha256 dither_seed target_lufs limiter_drive_used_db '"limiter.ceiling"' '"libsndfile"' '"libsoxr"'; do
	grep -q "$k" "$T/m.json" && ok "manifest has $k" || fail "manifest lacks $k"
done
[ "$(json_get output_sha256 "$T/m.json")" = "$(sha256sum "$T/v.flac" | cut -d' ' -f1)" ] \
	&& ok "output_sha256 is the file's (sha256sum)" || fail "output_sha256 is not sha256sum's"
[ "$(json_get input_sha256 "$T/m.json")" = "$(sha256sum "$T/m.wav" | cut -d' ' -f1)" ] \
	&& ok "input_sha256 is the input's" || fail "input_sha256 is not sha256sum's"
expect_status 0 "verify: identical" "$LATHE" verify "$T/m.json"
"$LATHE" render -q --bits 32f --manifest "$T/f.json" "$T/m.wav" -o "$T/f.wav"
sleep 1  # a float WAV must not carry the time it was written (PEAK chunk)
expect_status 0 "verify a 32-bit float WAV a second later" "$LATHE" verify "$T/f.json"
cp "$T/v.flac" "$T/v.bak"
printf 'x' >>"$T/v.flac"
expect_status 6 "verify: the master changed" "$LATHE" verify "$T/m.json"
cp "$T/v.bak" "$T/v.flac"
sed 's/"limiter.ceiling": -1/"limiter.ceiling": -1.5/' "$T/m.json" >"$T/m2.json"
expect_status 6 "verify: a setting changed" "$LATHE" verify "$T/m2.json"
cp "$T/m.wav" "$T/m.bak"; "$SIGGEN" --seconds 8 --seed 9 music "$T/m.wav"
expect_status 6 "verify: the input changed" "$LATHE" verify "$T/m.json"
cp "$T/m.bak" "$T/m.wav"
echo '{"not": "a manifest"}' >"$T/bad.json"
expect_status 1 "verify: not a manifest" "$LATHE" verify "$T/bad.json"
expect_status 2 "verify: no such manifest" "$LATHE" verify "$T/none.json"
expect_status 1 "--manifest with two inputs" "$LATHE" render -q --manifest "$T/x.json" "$T/m.wav" "$T/m.wav" -o "$T"
finish
