#!/bin/sh
# make bench: speed and memory of lathe against ffmpeg on the same input,
# in the same run (the machine is shared: only the ratios mean much).
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LATHE="$ROOT/$BUILD/lathe"
TOOLS="$ROOT/$BUILD/tests/tools"
make -s -C "$ROOT" BUILD="$BUILD" "$BUILD/tests/tools/siggen" "$BUILD/tests/tools/runstat" "$BUILD/tests/tools/glidebench" "$BUILD/tests/tools/refopen" >/dev/null || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/lathe-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
SECONDS_AUDIO=300

echo "generating ${SECONDS_AUDIO} s of 44.1 kHz stereo..."
"$TOOLS/siggen" --seconds $SECONDS_AUDIO --level -3 music "$T/in.wav" || exit 1

# run NAME CMD...: prints one line of figures, keeps wall/cpu in $T/NAME.
# With REPEAT=N the best of N runs counts, for wall and cpu time each (the
# least disturbed by whatever else the shared machine is doing); each peer
# gets the same treatment.
run() {
	name=$1; shift
	bc=; bw=
	for k in $(seq "${REPEAT:-1}"); do
		"$TOOLS/runstat" "$@" >"$T/$name.out" 2>"$T/$name.err.$k"
		l=$(grep '^runstat' "$T/$name.err.$k" | tail -1)
		c=$(echo "$l" | sed 's/.*cpu=\([^ ]*\).*/\1/')
		w=$(echo "$l" | sed 's/.*wall=\([^ ]*\).*/\1/')
		if [ -z "$bc" ] || awk -v a="$c" -v b="$bc" 'BEGIN { exit !(a < b) }'; then
			bc=$c; cp "$T/$name.err.$k" "$T/$name.err"
		fi
		if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'; then
			bw=$w
		fi
	done
	line=$(grep '^runstat' "$T/$name.err" | tail -1)
	rss=$(echo "$line" | sed 's/.*maxrss_kb=\([^ ]*\).*/\1/')
	st=$(echo "$line" | sed 's/.*status=\([^ ]*\).*/\1/')
	echo "$bw $bc" >"$T/$name"
	awk -v n="$name" -v w="$bw" -v c="$bc" -v r="$rss" -v s="$st" -v a=$SECONDS_AUDIO -v k="${REPEAT:-1}" \
		'BEGIN { printf "%-22s %7.2f s wall %7.2f s cpu %6.0fx real time %7.1f MB peak  (best of %d, exit %s)\n", n, w, c, a / c, r / 1024, k, s }'
	[ "$st" = 0 ] || { echo "  $name failed:"; tail -3 "$T/$name.err"; }
}
# ratio A B TEXT [GOAL]: how many times faster A is than its peer B, in cpu
# and in wall time.
ratio() {
	awk -v a="$(cat "$T/$1" 2>/dev/null)" -v b="$(cat "$T/$2" 2>/dev/null)" -v t="$3" -v g="$4" \
		'BEGIN { split(a, x, " "); split(b, y, " ")
		         if (x[2] > 0 && y[2] > 0)
		                 printf "  %s: lathe is %.1fx faster in cpu time, %.1fx in wall time%s\n",
		                        t, y[2] / x[2], y[1] / x[1], g != "" ? " (goal: " g "x)" : "" }'
}
# slower A B TEXT: how many times B's time A's is (for "at most 3x").
slower() {
	awk -v a="$(cat "$T/$1" 2>/dev/null)" -v b="$(cat "$T/$2" 2>/dev/null)" -v t="$3" \
		'BEGIN { split(a, x, " "); split(b, y, " ")
		         if (x[2] > 0 && y[2] > 0) printf "  %s: %.2fx in cpu time, %.2fx in wall time\n", t, x[2] / y[2], x[1] / y[1] }'
}

SETS="--set hpf.freq=25 --set eq.mid2_gain=2 --set eq.high_gain=1.5 --set comp.threshold=-18 --set comp.ratio=2 --set limiter.drive=4"
REPEAT=3; run lathe_chain "$LATHE" render -q $SETS "$T/in.wav" -o "$T/lathe.wav"
if command -v ffmpeg >/dev/null; then
	run ffmpeg_chain ffmpeg -nostdin -v error -y -filter_threads 1 -i "$T/in.wav" \
		-af "highpass=f=25,equalizer=f=1000:t=q:w=0.7:g=2,acompressor=threshold=-18dB:ratio=2,alimiter=limit=0.89" \
		-c:a pcm_s24le "$T/ffmpeg.wav"
	ratio lathe_chain ffmpeg_chain "full chain vs ffmpeg highpass,equalizer,acompressor,alimiter (-filter_threads 1)" 3
	# The same render on one thread (the pipe's worker off): the same
	# bytes, and what the second core buys.
	export LATHE_THREADS=1
	run lathe_chain_1thread "$LATHE" render -q $SETS "$T/in.wav" -o "$T/lathe1.wav"
	unset LATHE_THREADS
	cmp -s "$T/lathe.wav" "$T/lathe1.wav" && echo "  one thread and two write the same bytes" ||
		echo "  one thread and two DIFFER"
	ratio lathe_chain_1thread ffmpeg_chain "full chain on one thread vs the same ffmpeg"
else
	echo "  (ffmpeg not installed: no peer figures; apt-get install ffmpeg)"
fi
run lathe_plain "$LATHE" render -q "$T/in.wav" -o "$T/lathe-plain.wav"
run lathe_target "$LATHE" render -q --target -14 "$T/in.wav" -o "$T/lathe-14.wav"
slower lathe_target lathe_plain "--target -14 against a plain render of the same file (goal: at most 3x)"
if command -v ffmpeg >/dev/null; then
	# loudnorm's documented two-pass use: measure, then normalise with the
	# measured values.
	cat >"$T/loudnorm.sh" <<LN
#!/bin/sh
ffmpeg -nostdin -hide_banner -filter_threads 1 -i "$T/in.wav" -af loudnorm=I=-14:TP=-1:LRA=20:print_format=json -f null - 2>"$T/ln1.txt" || exit 1
get() { sed -n "s/.*\"\$1\" : \"\\([^\"]*\\)\".*/\\1/p" "$T/ln1.txt"; }
ffmpeg -nostdin -v error -y -filter_threads 1 -i "$T/in.wav" -af "loudnorm=I=-14:TP=-1:LRA=20:measured_I=\$(get input_i):measured_TP=\$(get input_tp):measured_LRA=\$(get input_lra):measured_thresh=\$(get input_thresh):offset=\$(get target_offset):linear=true" -ar 44100 -c:a pcm_s24le "$T/loudnorm.wav"
LN
	run ffmpeg_loudnorm sh "$T/loudnorm.sh"
	REPEAT=1
	ratio lathe_target ffmpeg_loudnorm "--target -14 vs ffmpeg two-pass loudnorm" 20
	for f in lathe-14 loudnorm; do
		[ -f "$T/$f.wav" ] && "$LATHE" analyze --json "$T/$f.wav" |
			sed 's/.*"integrated_lufs": \([^,]*\).*"true_peak_dbtp": \([^,]*\).*/  '"$f"': \1 LUFS integrated, \2 dBTP true peak/'
	done
fi

REPEAT=1
# --- engine: --target at length.  Peak memory must not grow with the
# file (goal: under 64 MB at any length), nor the time beyond 3x a plain
# render.  25 minutes by default; BENCH_LONG=1 adds 2 hours (1.3 GB of
# input, a few minutes).  Needs ffmpeg to make the long files.
if command -v ffmpeg >/dev/null; then
	for mins in 25 ${BENCH_LONG:+120}; do
		# The 5-minute file over and over (siggen would take minutes).
		echo "making $mins min of 44.1 kHz stereo from the 5-minute file..."
		ffmpeg -nostdin -v error -y -stream_loop $((mins / 5 - 1)) -i "$T/in.wav" -c:a pcm_s16le "$T/long.wav" || exit 1
		run "lathe_plain_${mins}min" "$LATHE" render -q "$T/long.wav" -o "$T/long-plain.wav"
		run "lathe_target_${mins}min" "$LATHE" render -q --target -14 "$T/long.wav" -o "$T/long-14.wav"
		slower "lathe_target_${mins}min" "lathe_plain_${mins}min" "--target at $mins min against a plain render"
		rm -f "$T/long-plain.wav" "$T/long-14.wav"
	done

	# --- engine: the console's first screen with a long reference at another
	# rate (a 44.1 kHz master against a 48 kHz track): the engine open, the
	# track and the reference loaded.  Goal: under 1 s at any length; the
	# reference's loudness then arrives in the background.
	echo "the last file above ($mins min, 44.1 kHz) as the reference for a 48 kHz track..."
	"$TOOLS/siggen" --rate 48000 --seconds 30 --level -3 music "$T/track48.wav" || exit 1
	printf 'pcm.!default { type hw card 99 }\n' >"$T/nocard.conf"
	ALSA_CONFIG_PATH="$T/nocard.conf" "$TOOLS/refopen" "$T/track48.wav" "$T/long.wav" |
		awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		       printf "first screen with a long reference: track %s ms + reference %s ms (goal < 1000 ms); its loudness (%s LUFS) %s s later in the background\n",
		              v["load_ms"], v["reference_ms"], v["lufs"], v["measured_s"] }'
	rm -f "$T/long.wav"
fi

# Playback: the audio thread's share of one core at 48 kHz with the full
# chain working, and the time from loading a 5-minute file to the first
# sample written (no sound card needed: the clock-paced silent sink).
echo "generating ${SECONDS_AUDIO} s of 48 kHz stereo..."
"$TOOLS/siggen" --rate 48000 --seconds $SECONDS_AUDIO --level -3 music "$T/in48.wav" || exit 1
printf 'pcm.!default { type hw card 99 }\n' >"$T/nocard.conf"
# play_best LABEL ARGS...: the least of three plays, since the shared
# machine's load moves this figure by a factor of two from one play to
# the next; the default chain is what the goal names, the bench's chain
# beside it.
play_best() {
	label=$1; shift
	best=; bp=
	for k in 1 2 3; do
		l=$(ALSA_CONFIG_PATH="$T/nocard.conf" "$LATHE" play --seconds 10 "$@" "$T/in48.wav" 2>&1 | grep 'played')
		p=$(echo "$l" | sed 's/.*audio thread \([0-9.]*\)%.*/\1/')
		if [ -z "$bp" ] || awk -v a="$p" -v b="$bp" 'BEGIN { exit !(a < b) }'; then
			best=$l; bp=$p
		fi
	done
	echo "$best" | sed "s/^lathe: /playback (48 kHz, $label, best of 3): /"
}
play_best "default chain"
play_best "full chain" $SETS

# --- dsp: the audio thread while everything glides (a preset load moves
# every EQ band, the high-pass, the compressor and the limiter at once),
# 48 kHz, 5 ms periods, paced like a sound card.  Goal: worst < 10% of
# the period.  The --sync line is the same load with every EQ fit on the
# audio thread (what playback did before the designer thread).
"$TOOLS/glidebench"
"$TOOLS/glidebench" --sync
# Cost of the shaping tools: the full chain with every part engaged (M/S
# and dynamic EQ bands, the multiband compressor) against ffmpeg's
# one-thread highpass,equalizer,acompressor,alimiter on the same file
# (the ffmpeg_chain run above).
ALL="$SETS --set eq.mid1_mode=2 --set eq.mid1_gain=-1.5 --set eq.mid3_dyn_range=-5 --set eq.mid3_dyn_threshold=-30 --set eq.high_mode=1 --set eq.low_dyn_range=-3 --set mbcomp.bypass=0 --set mbcomp.low_threshold=-24 --set mbcomp.mid_threshold=-20 --set mbcomp.high_threshold=-26"
REPEAT=3; run lathe_everything "$LATHE" render -q $ALL "$T/in.wav" -o "$T/lathe-all.wav"; REPEAT=1
[ -f "$T/ffmpeg_chain" ] && ratio lathe_everything ffmpeg_chain "everything engaged vs ffmpeg highpass,equalizer,acompressor,alimiter (-filter_threads 1)"
# ...and the audio thread playing it (goal: under 2% of a core at 48 kHz).
play_best "everything engaged" $ALL

# --- delivery: lathe sweep (19 steps, 0..18 dB) of the 5-minute file
# against what it replaces, 19 plain renders at those drives (analyze of
# each is extra).  Goal: under 5 s wall on an idle 2-core machine; cpu
# time and peak memory (which must not grow with the file: nothing of the
# track is kept) are the figures that hold on a shared one.
REPEAT=2; run sweep "$LATHE" sweep -q "$T/in.wav"
run sweep_1thread "$LATHE" sweep -q --jobs 1 "$T/in.wav"; REPEAT=1
cat >"$T/renders19.sh" <<R19
#!/bin/sh
for d in \$(seq 0 18); do "$LATHE" render -q --bits 32f --set limiter.drive=\$d "$T/in.wav" -o "$T/d.wav" || exit 1; done
R19
run renders19 sh "$T/renders19.sh"
ratio sweep renders19 "sweep (19 steps) vs 19 plain renders at its drives"
ratio sweep_1thread renders19 "sweep --jobs 1 vs 19 plain renders"

# --- limiter: side by side with x42-dpl and the LSP limiter (its own script).
sh "$ROOT/tests/bench_limiter.sh"
