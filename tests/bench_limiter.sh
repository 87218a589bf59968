#!/bin/sh
# make bench, limiter section: lathe's limiter side by side with x42-dpl
# and LSP's limiter (hosted by tests/tools/lv2host on lilv), all at a
# -1 dBTP ceiling, in one run:
#   THD+N of 40, 100 and 1000 Hz sines for 3, 6 and 10 dB of reduction;
#   on music (generated excerpts of four kinds plus siggen's default) at
#   +6 and +12 dB of drive: mean integrated loudness, mean distortion
#   (the output against the input under the best slowly varying gain:
#   limstat resid), and the highest true peak by libebur128 and by
#   ffmpeg's ebur128 (when ffmpeg is installed);
#   IMD of 19 + 20 kHz and the alias products of a 5 kHz tone;
#   speed of the limiter alone (CPU seconds inside the process call).
# A peer that is not installed is skipped, and the line says so.
# Settings: lathe at its defaults (other modules bypassed); x42-dpl at
# its defaults with true peak on (its default is off, which would not be a
# true-peak ceiling); LSP at its defaults with threshold -1 dB, gain boost
# off (it would raise the output to 0 dBFS) and 4x oversampling.
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LATHE="$ROOT/$BUILD/lathe"
TOOLS="$ROOT/$BUILD/tests/tools"
make -s -C "$ROOT" BUILD="$BUILD" "$BUILD/tests/tools/siggen" "$BUILD/tests/tools/limstat" >/dev/null || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/lathe-benchlim.XXXXXX")
trap 'rm -rf "$T"' EXIT
S="$TOOLS/siggen" LS="$TOOLS/limstat" H="$TOOLS/lv2host"
X42=http://gareus.org/oss/lv2/dpl#stereo
LSP=http://lsp-plug.in/plugins/lv2/limiter_stereo

echo "--- limiter: lathe, x42-dpl and LSP limiter at a -1 dBTP ceiling"
"$S" --seconds 0.2 --level -20 sine:1000 "$T/probe.wav"
PEERS=lathe
if ! make -s -C "$ROOT" BUILD="$BUILD" "$BUILD/tests/tools/lv2host" >/dev/null 2>&1; then
	echo "  x42-dpl, LSP: skipped (lilv not installed: apt-get install liblilv-dev, or make deps-bench)"
else
	for p in x42 lsp; do
		uri=$X42; [ $p = lsp ] && uri=$LSP
		if "$H" "$uri" "$T/probe.wav" "$T/probe-o.wav" 2>"$T/err"; then PEERS="$PEERS $p"
		else echo "  $p: skipped ($(cat "$T/err"); apt-get install x42-plugins lsp-plugins-lv2)"; fi
	done
fi

BYP="--set hpf.bypass=1 --set eq.bypass=1 --set comp.bypass=1 --set imager.bypass=1"
# lim PEER DRIVE IN OUT: the peer limiting IN driven by DRIVE dB.
lim() {
	case $1 in
	lathe) "$LATHE" render -q --bits 32f $BYP --set limiter.drive=$2 "$3" -o "$4" ;;
	x42) "$H" $X42 "$3" "$4" gain=$2 truepeak=1 2>"$T/h.err" ;;
	lsp) "$H" $LSP "$3" "$4" g_in=$(awk -v d=$2 'BEGIN { print 10 ^ (d / 20) }') \
		th=0.891251 boost=0 ovs=16 2>"$T/h.err" ;;
	esac
}
ffmpeg_tp() {
	ffmpeg -nostdin -nostats -hide_banner -i "$1" -af "adelay=100|100,apad=pad_dur=0.1,ebur128=peak=true" -f null - 2>&1 |
		awk '/True peak:/ { tp = 1 } tp && /Peak:/ { v = $2 } END { print v }'
}

echo "THD+N (dB; sine at -1 dBFS driven into the limiter):"
printf '  %-22s' ""
for p in $PEERS; do printf '%10s' $p; done; echo
for f in 40 100 1000; do
	"$S" --seconds 3 --level -1 sine:$f "$T/s$f.wav"
	for gr in 3 6 10; do
		printf '  %-22s' "$f Hz, $gr dB GR"
		for p in $PEERS; do
			lim $p $gr "$T/s$f.wav" "$T/o.wav" && printf '%10s' "$("$LS" thd "$T/o.wav" $f)" || printf '%10s' fail
		done
		echo
	done
done

echo "music, 5 excerpts x 30 s (siggen music, music:dense, :sparse, :bass, :ballad):"
i=0
for k in music music:dense music:sparse music:bass music:ballad; do
	i=$((i + 1)); "$S" --seconds 30 --seed $i $k "$T/m$i.wav"
done
for d in 6 12; do
	for p in $PEERS; do
		lsum=0 rsum=0 tmax=-99 fmax=-99
		for i in 1 2 3 4 5; do
			lim $p $d "$T/m$i.wav" "$T/o.wav" || { echo "  $p failed"; continue; }
			set -- $("$LS" loud "$T/o.wav")
			lsum=$(awk -v a=$lsum -v b=$1 'BEGIN { print a + b }')
			tmax=$(awk -v a=$tmax -v b=$2 'BEGIN { m = a; if (b + 0 > a + 0) m = b; print m }')
			rsum=$(awk -v a=$rsum -v b="$("$LS" resid "$T/m$i.wav" "$T/o.wav")" 'BEGIN { print a + b }')
			if command -v ffmpeg >/dev/null; then
				fmax=$(awk -v a=$fmax -v b="$(ffmpeg_tp "$T/o.wav")" 'BEGIN { m = a; if (b + 0 > a + 0) m = b; print m }')
			fi
		done
		ff=$(command -v ffmpeg >/dev/null && echo "$fmax" || echo "n/a")
		awk -v p=$p -v d=$d -v l=$lsum -v r=$rsum -v t=$tmax -v f="$ff" 'BEGIN {
			printf "  +%-2d dB %-6s %7.2f LUFS  distortion %6.1f dB  max true peak %6.2f dBTP (ffmpeg %s)\n",
			       d, p, l / 5, r / 5, t, f }'
	done
done

echo "IMD and aliasing (6 dB of reduction; largest product, dB re the tone):"
"$S" --seconds 3 twin:19000:20000 "$T/tw.wav"
"$S" --seconds 3 sine:5000 "$T/s5k.wav"
for p in $PEERS; do
	lim $p 6 "$T/tw.wav" "$T/o.wav" && a=$("$LS" imd "$T/o.wav")
	lim $p 6 "$T/s5k.wav" "$T/o.wav" && b=$("$LS" alias "$T/o.wav" 5000)
	printf '  %-6s 19+20 kHz below 18 kHz %7.1f   5 kHz tone, below 20 kHz %7.1f\n' $p "$a" "$b"
done
"$LATHE" render -q --bits 32f $BYP --set clip.bypass=0 --set clip.ceiling=-6 "$T/s5k.wav" -o "$T/o.wav" &&
	echo "  lathe clip: 5 kHz tone clipped 6 dB (softness 50%), worst product below 20 kHz $("$LS" alias "$T/o.wav" 5000) dB"

echo "speed (limiter alone, CPU seconds for 30 s of music:dense, best of 3):"
best() { awk 'NR == 1 || $1 < m { m = $1 } END { print m }'; }
for d in 6 12; do
	lt=$(for k in 1 2 3; do "$LS" speed "$T/m2.wav" $d; done | best)
	line="  +$d dB: lathe $lt s"
	for p in $PEERS; do
		[ $p = lathe ] && continue
		pt=$(for k in 1 2 3; do lim $p $d "$T/m2.wav" "$T/o.wav" && sed -n 's/.*run_cpu=\([^ ]*\).*/\1/p' "$T/h.err"; done | best)
		line="$line, $p $pt s ($(awk -v a=$lt -v b=$pt 'BEGIN { printf "%.1fx", b / a }') lathe's CPU time)"
	done
	echo "$line"
done
