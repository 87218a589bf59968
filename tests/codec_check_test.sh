#!/bin/sh
# Codec preview against an independent encoder: analyze --codec's true
# peak after an MP3 (libsndfile -> LAME) or Opus (libsndfile -> libopus)
# round trip within 0.3 dB of ffmpeg's libmp3lame / libopus at the same
# bit rate (both decodes measured by the same meter); render --codec-safe
# keeps the decode under the ceiling; analyze --check / --junit gate a
# catalogue with exit 6.
. "$(dirname "$0")/lib.sh"
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg missing (make deps-test)"; exit 77; }

# 48 kHz, so that neither side resamples for Opus: the encoders are compared.
"$SIGGEN" --rate 48000 --seconds 8 music "$T/m.wav" || exit 1
"$LATHE" render -q --bits 32f --set limiter.drive=9 "$T/m.wav" -o "$T/hot.wav" || exit 1

# ffmpeg CODEC KBPS OPTS...: true peak of ffmpeg's encode, decoded by lathe.
ff_tp() {
	ffmpeg -y -v error -i "$T/hot.wav" -c:a "$1" -b:a "$2k" "$3" "$4" "$T/ff.$5" || return 1
	"$LATHE" analyze --json "$T/ff.$5" | sed -n 's/.*"true_peak_dbtp": *\([^,]*\).*/\1/p'
}
for spec in mp3:128:libmp3lame:-abr:0:mp3 mp3:320:libmp3lame:-abr:0:mp3 \
	    opus:128:libopus:-vbr:constrained:opus opus:192:libopus:-vbr:constrained:opus; do
	IFS=: read fmt kbps enc o1 o2 ext <<EOT
$spec
EOT
	"$LATHE" analyze --json --codec "$fmt:$kbps" "$T/hot.wav" >"$T/a.json" || { fail "analyze --codec $fmt:$kbps: $(cat "$T/a.json")"; continue; }
	ours=$(json_get codec_true_peak_dbtp "$T/a.json"); master=$(json_get true_peak_dbtp "$T/a.json")
	theirs=$(ff_tp "$enc" "$kbps" "$o1" "$o2" "$ext")
	if near "$ours" "$theirs" 0.3; then ok "$fmt $kbps kbps: lathe $ours dBTP, ffmpeg $enc $theirs dBTP (master $master)"
	else fail "$fmt $kbps kbps: lathe $ours dBTP, ffmpeg $enc $theirs dBTP: more than 0.3 dB apart"; fi
done

# --codec-safe: the decode of the delivered master holds the ceiling.
expect_status 0 "render --codec-safe opus:128" "$LATHE" render --codec-safe opus:128 --set limiter.drive=9 "$T/m.wav" -o "$T/safe.wav"
grep -q "codec-safe for opus 128 kbps: ceiling" "$T/err" && ok "says the ceiling: $(tail -1 "$T/err")" || fail "no codec-safe line: $(cat "$T/err")"
"$LATHE" analyze --json --codec opus:128 "$T/safe.wav" >"$T/s.json"
tp=$(json_get codec_true_peak_dbtp "$T/s.json")
le "$tp" -1.0 && ok "decoded opus 128 of the codec-safe master: $tp dBTP <= -1" || fail "decoded opus peaks at $tp dBTP"
ffmpeg -y -v error -i "$T/safe.wav" -c:a libopus -b:a 128k -vbr constrained "$T/safe.opus"
fftp=$("$LATHE" analyze --json "$T/safe.opus" | sed -n 's/.*"true_peak_dbtp": *\([^,]*\).*/\1/p')
le "$fftp" -0.7 && ok "ffmpeg's opus 128 of it: $fftp dBTP" || fail "ffmpeg's opus 128 of it peaks at $fftp dBTP"
expect_status 1 "--codec-safe aac" "$LATHE" render --codec-safe aac "$T/m.wav" -o "$T/x.wav"
expect_status 1 "--codec mp3:999" "$LATHE" analyze --codec mp3:999 "$T/m.wav"

# ---- --check and --junit -----------------------------------------------
"$LATHE" render -q --target -14 "$T/m.wav" -o "$T/good.wav"
"$LATHE" render -q --target -9 "$T/m.wav" -o "$T/loud.wav" 2>/dev/null
RULES="integrated_lufs=-15..-13,true_peak_dbtp<=-1,plr_db>=8"
expect_status 0 "--check passes a -14 LUFS master" "$LATHE" analyze --check "$RULES" "$T/good.wav"
grep -q "^PASS " "$T/out" && ok "PASS printed" || fail "no PASS: $(cat "$T/out")"
"$LATHE" analyze --check "$RULES" --junit "$T/j.xml" "$T/good.wav" "$T/loud.wav" >"$T/out" 2>"$T/err"; st=$?
[ "$st" = 6 ] && ok "--check fails the -9 LUFS master: exit 6" || fail "exit $st, want 6"
grep -q "^FAIL .*loud.wav: integrated_lufs .* breaks integrated_lufs=-15..-13" "$T/out" && ok "the reason: $(grep FAIL "$T/out")" \
	|| fail "no reason: $(cat "$T/out")"
grep -q 'tests="2" failures="1"' "$T/j.xml" && grep -q '<failure message="integrated_lufs' "$T/j.xml" \
	&& ok "JUnit XML: 2 tests, 1 failure" || fail "JUnit XML: $(cat "$T/j.xml")"
if command -v python3 >/dev/null; then
	python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$T/j.xml" && ok "JUnit XML parses" || fail "JUnit XML does not parse"
fi
"$LATHE" analyze --json --check "$RULES" "$T/loud.wav" >"$T/c.json"
[ "$(json_get check "$T/c.json")" = fail ] && ok "--json carries check: fail" || fail "--json: $(cat "$T/c.json")"
expect_status 0 "--check on the codec peak" "$LATHE" analyze --codec mp3 --check "codec_true_peak_dbtp<=0" "$T/good.wav"
expect_status 1 "--check with an unknown key" "$LATHE" analyze --check "loudness<=-14" "$T/good.wav"
expect_status 1 "--check codec key without --codec" "$LATHE" analyze --check "codec_true_peak_dbtp<=-1" "$T/good.wav"
expect_status 1 "--check with a bad range" "$LATHE" analyze --check "plr_db=9..8" "$T/good.wav"
expect_status 1 "--junit without --check" "$LATHE" analyze --junit "$T/x.xml" "$T/good.wav"
expect_status 2 "--check on a missing file" "$LATHE" analyze --check "$RULES" "$T/none.wav"
finish
