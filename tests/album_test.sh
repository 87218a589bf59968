#!/bin/sh
# Album render: tracks of different loudness and tone land on the target
# and on each other, the bright one is flagged, the JSON report is valid,
# --jobs 1 and --jobs 2 write the same bytes, album files are checked, and
# a catalogue can be spread over processes with xargs.
. "$(dirname "$0")/lib.sh"

"$SIGGEN" --seconds 12 music "$T/a.wav" || exit 1
"$SIGGEN" --seconds 12 --seed 3 --level -6 music "$T/quiet.wav" || exit 1
"$SIGGEN" --seconds 12 --seed 5 music "$T/b0.wav" || exit 1
# A bright master, made the way an engineer would: a +6 dB high shelf.
"$LATHE" render -q --bits 32f --set eq.high_gain=6 "$T/b0.wav" -o "$T/bright.wav" || exit 1
TRACKS="$T/a.wav $T/quiet.wav $T/bright.wav"

# JSON check without python: balanced braces and brackets outside strings,
# one top-level value, no NaN or inf.  python3's json.tool too when present.
json_ok() {
	awk 'BEGIN { d = 0; top = 0; bad = 0 }
	{
		s = $0; instr = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (instr) { if (c == "\\") i++; else if (c == "\"") instr = 0; continue }
			if (c == "\"") instr = 1
			else if (c == "{" || c == "[") { if (d == 0) top++; d++ }
			else if (c == "}" || c == "]") { d--; if (d < 0) bad = 1 }
		}
		if (instr) bad = 1
		if ($0 ~ /[^a-z_"]nan|[^a-z_"]inf/) bad = 1
	}
	END { exit !(d == 0 && top == 1 && !bad) }' "$1" || return 1
	if command -v python3 >/dev/null; then python3 -m json.tool "$1" >/dev/null || return 1; fi
	return 0
}

# --album: each track on the target, within 0.1 LU of it and of each other
for j in 1 2; do
	expect_status 0 "render --album --jobs $j" "$LATHE" render -q --album --jobs $j --target -14 -o "$T/out$j" $TRACKS
done
lo=100; hi=-100
for n in a quiet bright; do
	"$LATHE" analyze --json "$T/out1/$n.wav" >"$T/$n.json"
	i=$(json_get integrated_lufs "$T/$n.json"); tp=$(json_get true_peak_dbtp "$T/$n.json")
	near "$i" -14 0.1 && ok "$n: $i LUFS" || fail "$n: $i LUFS, want -14 +- 0.1"
	le "$tp" -1.0 && ok "$n: true peak $tp" || fail "$n: true peak $tp above the -1 dBTP ceiling"
	lo=$(awk -v a="$lo" -v b="$i" 'BEGIN { print (b < a ? b : a) }')
	hi=$(awk -v a="$hi" -v b="$i" 'BEGIN { print (b > a ? b : a) }')
	cmp -s "$T/out1/$n.wav" "$T/out2/$n.wav" && ok "$n: --jobs 1 and 2 identical" \
		|| fail "$n: --jobs 1 and --jobs 2 differ"
done
near "$lo" "$hi" 0.1 && ok "tracks within 0.1 LU of each other ($lo to $hi)" || fail "tracks spread $lo to $hi"
ls -A "$T/out1" | grep -q lathe- && fail "temporary files left: $(ls -A "$T/out1")"

# the report: the bright track flagged for tone, the matched quiet one not
"$LATHE" render --album --target -14 -o "$T/out3" $TRACKS >"$T/report.txt" 2>"$T/report.err"
grep -q "^\\* .*bright.wav" "$T/report.txt" && ok "text report marks bright.wav" \
	|| fail "bright.wav not marked: $(cat "$T/report.txt")"
grep -q "bright.wav: .*\\(air\\|high\\|tilt\\)" "$T/report.txt" && ok "bright.wav flagged for tone: $(grep 'bright.wav:' "$T/report.txt")" \
	|| fail "bright.wav not flagged for tone: $(cat "$T/report.txt")"
grep -q "quiet.wav:" "$T/report.txt" && fail "quiet.wav flagged after matching: $(cat "$T/report.txt")"
"$LATHE" render -q --json --album --target -14 -o "$T/out3" $TRACKS >"$T/report.json"
json_ok "$T/report.json" && ok "JSON report valid" || fail "JSON report invalid: $(cat "$T/report.json")"
for k in album_lufs loudness_spread_lu max_true_peak_dbtp median tracks integrated_lufs lra_lu \
	 true_peak_dbtp plr_db tilt_db_oct bands_db air outlier outliers; do
	grep -q "\"$k\":" "$T/report.json" || fail "JSON report lacks $k"
done
[ "$(grep -c '"status": "ok"' "$T/report.json")" = 3 ] || fail "JSON report: not 3 tracks ok"
grep 'bright.wav' "$T/report.json" | grep -q '"outlier": true' && ok "JSON: bright.wav is an outlier" \
	|| fail "JSON: bright.wav not an outlier"
grep '"input".*quiet.wav' "$T/report.json" | grep -q '"outlier": false' || fail "JSON: quiet.wav an outlier"

# analyze on several files: the same table, unmatched loudness flagged
expect_status 0 "analyze several files" "$LATHE" analyze $TRACKS
grep -q "quiet.wav: loudness -" "$T/out" && ok "analyze flags the quiet file" || fail "analyze: $(cat "$T/out")"
"$LATHE" analyze --json $TRACKS >"$T/an.json"
[ "$(wc -l <"$T/an.json")" = 3 ] || fail "analyze --json: want one line per file"
while read -r line; do
	echo "$line" >"$T/line.json"
	json_ok "$T/line.json" || fail "analyze --json line invalid: $line"
	for k in file integrated_lufs short_term_max_lufs lra_lu true_peak_dbtp sample_peak_dbfs \
		 plr_db duration_s sample_rate channels; do
		grep -q "\"$k\":" "$T/line.json" || fail "analyze --json lacks $k"
	done
done <"$T/an.json"
grep quiet.wav "$T/an.json" | grep -q '"outliers": {"loudness_off_lu": -6' && ok "analyze --json: quiet.wav -6 LU" \
	|| fail "analyze --json: quiet.wav not flagged: $(grep quiet "$T/an.json")"

# an album file, mode album: relative loudness kept, the album on target
mkdir "$T/album" && cp $TRACKS "$T/album/"
cat >"$T/album/ep.ini" <<'INI'
[album]
name = Test EP
version = 1
target = -18
ceiling = -1
mode = album
output = masters
format = flac
bits = 24

[track1]
file = a.wav
output = 01 A

[track2]
file = quiet.wav
set = comp.bypass=1, hpf.freq=20

[track3]
file = bright.wav
INI
expect_status 0 "render album.ini (mode album)" "$LATHE" render -q "$T/album/ep.ini"
for f in "01 A.flac" quiet.flac bright.flac; do
	[ -f "$T/album/masters/$f" ] || fail "album.ini: $f missing: $(ls "$T/album/masters")"
done
"$LATHE" analyze --json "$T/album/masters/01 A.flac" "$T/album/masters/quiet.flac" \
	"$T/album/masters/bright.flac" >"$T/ep.json"
ia=$(json_get integrated_lufs "$T/ep.json")
iq=$(sed -n 2p "$T/ep.json" | sed 's/.*"integrated_lufs": *\([^,]*\).*/\1/')
ib=$(sed -n 3p "$T/ep.json" | sed 's/.*"integrated_lufs": *\([^,]*\).*/\1/')
album=$(awk -v a="$ia" -v b="$iq" -v c="$ib" 'BEGIN { print 10 * log((10^(a/10) + 10^(b/10) + 10^(c/10)) / 3) / log(10) }')
near "$album" -18 0.1 && ok "album mode: album at $album LUFS" || fail "album mode: album at $album LUFS, want -18"
gap=$(awk -v a="$ia" -v b="$iq" 'BEGIN { print a - b }')
near "$gap" 6 0.3 && ok "album mode: quiet track still $gap LU below" || fail "album mode: gap $gap LU, want 6 (kept)"

# bad album files: one clear line, the right status
printf '[album]\ntarget = -14\nloudness = 3\n[track1]\nfile = a.wav\n' >"$T/album/bad1.ini"
expect_status 1 "album file: unknown key" "$LATHE" render "$T/album/bad1.ini"
grep -q "bad1.ini:3: unknown key album.loudness" "$T/err" || fail "unknown key message: $(cat "$T/err")"
printf '[album]\ntarget = -14\n[track1]\nfile = a.wav\n[track2]\nfile = gone.wav\n' >"$T/album/bad2.ini"
expect_status 1 "album file: missing track file" "$LATHE" render "$T/album/bad2.ini"
grep -q "bad2.ini:6: track2.file = gone.wav: no such file" "$T/err" || fail "missing file message: $(cat "$T/err")"
printf '[album]\ntarget = -1O\n[track1]\nfile = a.wav\n' >"$T/album/bad3.ini"
expect_status 1 "album file: bad number" "$LATHE" render "$T/album/bad3.ini"
grep -q "bad3.ini:2: album.target = -1O is not a number" "$T/err" || fail "bad number message: $(cat "$T/err")"
echo "not audio" >"$T/album/text.wav"
printf '[album]\ntarget = -14\noutput = m2\n[track1]\nfile = text.wav\n' >"$T/album/bad4.ini"
expect_status 2 "album file: track not audio" "$LATHE" render "$T/album/bad4.ini"
[ ! -e "$T/album/m2" ] || fail "a refused album made its output folder"
expect_status 1 "--album without a target" "$LATHE" render --album -o "$T/x" $TRACKS
printf '[album]\ntarget = -14\n[track1]\nfile = a.wav\n' >"$T/album/noout.ini"
expect_status 1 "album file without an output folder" "$LATHE" render "$T/album/noout.ini"
grep -q "no output folder" "$T/err" || fail "no output folder message: $(cat "$T/err")"
expect_status 0 "album file with -o" "$LATHE" render -q "$T/album/noout.ini" -o "$T/album/o"
[ -f "$T/album/o/a.wav" ] || fail "album file with -o: $(ls "$T/album/o")"
expect_status 1 "album file with a bad --set" "$LATHE" render "$T/album/noout.ini" -o "$T/album/o" --set comp.foo=1

# a target out of reach is said clearly, the other tracks still render
"$SIGGEN" --seconds 4 --level -50 music "$T/faint.wav"
expect_status 1 "a track that cannot reach the target" "$LATHE" render -q --album --target -3 -o "$T/reach" "$T/faint.wav"
grep -q "cannot reach" "$T/err" || fail "unreachable target message: $(cat "$T/err")"

# Ctrl-C: non-zero, no temporary file, nothing half-written
"$SIGGEN" --seconds 180 music "$T/long1.wav"
cp "$T/long1.wav" "$T/long2.wav"
"$LATHE" render -q --album --jobs 2 --target -14 -o "$T/int" "$T/long1.wav" "$T/long2.wav" 2>"$T/int.err" &
pid=$!
# Interrupt while a temporary file is being written, so its removal is
# what is checked (a fixed delay goes stale as renders get faster).
for i in $(seq 200); do
	[ -n "$(ls -A "$T/int" 2>/dev/null)" ] && break
	sleep 0.05
done
kill -INT $pid
wait $pid; st=$?
[ "$st" = 130 ] && ok "SIGINT: exit $st ($(cat "$T/int.err"))" || fail "SIGINT: exit $st, want 130"
[ -z "$(ls -A "$T/int" 2>/dev/null)" ] || fail "SIGINT left files: $(ls -A "$T/int")"

# the README's catalogue example: one process per file, side by side
mkdir "$T/cat" "$T/cat/out"
for n in 1 2 3 4; do "$SIGGEN" --seconds 5 --seed $n --level -$((n * 3)) music "$T/cat/song$n.wav"; done
(cd "$T/cat" && ls *.wav | xargs -P 2 -I{} "$LATHE" render -q --target -14 {} -o out/{}) \
	&& ok "xargs -P 2 over a catalogue" || fail "xargs -P 2 failed"
for n in 1 2 3 4; do
	"$LATHE" analyze --json "$T/cat/out/song$n.wav" >"$T/c.json" || { fail "song$n.wav not rendered"; continue; }
	near "$(json_get integrated_lufs "$T/c.json")" -14 0.1 || fail "catalogue song$n: $(json_get integrated_lufs "$T/c.json")"
done
if command -v parallel >/dev/null; then
	rm -f "$T/cat/out/"*
	(cd "$T/cat" && parallel -j 2 "$LATHE" render -q --target -14 {} -o out/{/} ::: *.wav) \
		&& [ "$(ls "$T/cat/out" | wc -l)" = 4 ] && ok "GNU parallel -j 2 over a catalogue" \
		|| fail "GNU parallel: $(ls "$T/cat/out")"
fi

finish
