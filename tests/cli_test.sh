#!/bin/sh
# The command line: render, analyze, exit statuses, atomic output.
. "$(dirname "$0")/lib.sh"

"$SIGGEN" --seconds 12 --format 24 music "$T/mix.wav" || exit 1

# analyze --json: every key SPEC.md promises, with sane values
expect_status 0 "analyze --json" "$LATHE" analyze --json "$T/mix.wav"
cp "$T/out" "$T/an.json"
for k in file integrated_lufs short_term_max_lufs lra_lu true_peak_dbtp sample_peak_dbfs \
	 plr_db duration_s sample_rate channels; do
	grep -q "\"$k\":" "$T/an.json" || fail "analyze --json lacks $k"
done
near "$(json_get duration_s "$T/an.json")" 12 0.001 || fail "duration_s"
[ "$(json_get sample_rate "$T/an.json")" = 44100 ] || fail "sample_rate"

# a plain render: same length, never above the -1 dBTP ceiling
expect_status 0 "render default" "$LATHE" render -q "$T/mix.wav" -o "$T/out.wav"
"$LATHE" analyze --json "$T/out.wav" >"$T/o.json"
near "$(json_get duration_s "$T/o.json")" 12 0.00001 || fail "render changed the length: $(json_get duration_s "$T/o.json")"
tp=$(json_get true_peak_dbtp "$T/o.json")
le "$tp" -1.0 && ok "true peak $tp <= -1" || fail "true peak $tp above ceiling -1"

# --target lands within 0.02 LU (kept renders; the promise is 0.1) and keeps the ceiling
for target in -14 -9 -20; do
	expect_status 0 "render --target $target" "$LATHE" render -q --target $target "$T/mix.wav" -o "$T/t.wav"
	"$LATHE" analyze --json "$T/t.wav" >"$T/t.json"
	i=$(json_get integrated_lufs "$T/t.json"); tp=$(json_get true_peak_dbtp "$T/t.json")
	near "$i" $target 0.0205 && ok "target $target: $i LUFS" || fail "target $target: got $i LUFS"
	le "$tp" -1.0 || fail "target $target: true peak $tp above -1"
done

# formats, bit depths, mono input
expect_status 0 "render 16-bit flac" "$LATHE" render -q --bits 16 "$T/mix.wav" -o "$T/o.flac"
expect_status 0 "render 32f aiff" "$LATHE" render -q --bits 32f "$T/mix.wav" -o "$T/o.aiff"
"$SIGGEN" --channels 1 --seconds 3 music "$T/mono.wav"
expect_status 0 "render mono input" "$LATHE" render -q "$T/mono.wav" -o "$T/mono-out.wav"
"$SIGGEN" --rate 96000 --seconds 3 music "$T/hi.flac"
expect_status 0 "render 96 kHz flac input" "$LATHE" render -q "$T/hi.flac" -o "$T/hi-out.wav"
expect_status 0 "render to /dev/null" "$LATHE" render -q "$T/mix.wav" -o /dev/null
[ -c /dev/null ] || fail "/dev/null was replaced"

# bad command lines: exit 1
expect_status 1 "unknown option" "$LATHE" render --frobnicate "$T/mix.wav" -o "$T/x.wav"
# Typos get a suggestion; a word nothing like a command stays a file name.
expect_status 1 "lathe rendr" "$LATHE" rendr "$T/mix.wav"
grep -q "did you mean render?" "$T/err" && ok "rendr -> render" || fail "rendr: $(cat "$T/err")"
expect_status 1 "--targte" "$LATHE" render --targte -14 "$T/mix.wav" -o "$T/x.wav"
grep -q "did you mean --target?" "$T/err" && ok "--targte -> --target" || fail "--targte: $(cat "$T/err")"
expect_status 1 "--frobnicate has no near option" "$LATHE" render --frobnicate "$T/mix.wav" -o "$T/x.wav"
grep -q "did you mean" "$T/err" && fail "--frobnicate got a suggestion: $(cat "$T/err")" || ok "no suggestion for --frobnicate"
expect_status 1 "missing value" "$LATHE" render "$T/mix.wav" -o
expect_status 1 "--set unknown parameter" "$LATHE" render --set comp.foo=1 "$T/mix.wav" -o "$T/x.wav"
expect_status 1 "--set out of range" "$LATHE" render --set comp.ratio=500 "$T/mix.wav" -o "$T/x.wav"
expect_status 1 "--bits 8" "$LATHE" render --bits 8 "$T/mix.wav" -o "$T/x.wav"
expect_status 1 "--target not a number" "$LATHE" render --target loud "$T/mix.wav" -o "$T/x.wav"
expect_status 1 "unknown output format" "$LATHE" render "$T/mix.wav" -o "$T/x.xyz"
[ ! -e "$T/x.wav" ] || fail "a failed render left x.wav"

# bad inputs: exit 2
echo "this is not audio" >"$T/text.wav"
expect_status 2 "text file named .wav" "$LATHE" render "$T/text.wav" -o "$T/x.wav"
expect_status 2 "missing input" "$LATHE" analyze "$T/nope.wav"
expect_status 2 "directory as input" "$LATHE" analyze "$T"
"$SIGGEN" --channels 6 --seconds 1 music "$T/six.wav"
expect_status 2 "six channels" "$LATHE" render "$T/six.wav" -o "$T/x.wav"
"$SIGGEN" --rate 8000 --seconds 1 music "$T/low.wav"
expect_status 2 "8 kHz" "$LATHE" analyze "$T/low.wav"
"$SIGGEN" --seconds 0 silence "$T/empty.wav"
expect_status 2 "zero frames" "$LATHE" render "$T/empty.wav" -o "$T/x.wav"
[ ! -e "$T/x.wav" ] || fail "a failed render left x.wav"

# bad outputs: exit 3, input never touched
cp "$T/mix.wav" "$T/keep.wav"
expect_status 3 "render over its own input" "$LATHE" render "$T/keep.wav" -o "$T/keep.wav"
cmp -s "$T/mix.wav" "$T/keep.wav" || fail "input was modified"
ln -s keep.wav "$T/link.wav"
expect_status 3 "render over its input through a symlink" "$LATHE" render "$T/keep.wav" -o "$T/link.wav"
expect_status 3 "output folder missing" "$LATHE" render "$T/mix.wav" -o "$T/no/such/dir/x.wav"
mkdir "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
	expect_status 3 "read-only folder" "$LATHE" render "$T/mix.wav" -o "$T/ro/x.wav"
fi

# Ctrl-C during a long render: non-zero, nothing under the name, no temp file
"$SIGGEN" --seconds 240 music "$T/long.wav"
"$LATHE" render -q --target -14 "$T/long.wav" -o "$T/long-out.wav" 2>"$T/int.err" &
pid=$!
for i in $(seq 200); do
	ls -a "$T" | grep -q '^\.long-out' && break
	sleep 0.05
done
kill -INT $pid
wait $pid; st=$?
[ "$st" != 0 ] && ok "SIGINT: exit $st" || fail "SIGINT: exit 0"
[ ! -e "$T/long-out.wav" ] || fail "SIGINT left the output"
ls -a "$T" | grep -q '^\.long-out' && fail "SIGINT left a temporary file: $(ls -a "$T")"

# several inputs into a folder
mkdir "$T/outdir"
expect_status 0 "two inputs into a folder" "$LATHE" render -q "$T/mix.wav" "$T/mono.wav" -o "$T/outdir"
[ -f "$T/outdir/mix.wav" ] && [ -f "$T/outdir/mono.wav" ] || fail "folder render outputs missing"

finish
