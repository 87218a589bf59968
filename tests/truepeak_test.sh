#!/bin/sh
# The true-peak promise, measured from outside: worst-case inter-sample-peak
# signals rendered through the limiter never read above the ceiling on
# libebur128 (lathe analyze) nor on ffmpeg's ebur128 filter (192 kHz
# upsampling), when ffmpeg is installed.
. "$(dirname "$0")/lib.sh"

ffmpeg_tp() {
	ffmpeg -nostdin -nostats -hide_banner -i "$1" -af ebur128=peak=true -f null - 2>&1 |
		awk '/True peak:/ { tp = 1 } tp && /Peak:/ { v = $2 } END { print v }'
}

# 100 ms of silence around each signal: ffmpeg's resampler over-reads a
# tone that starts at full scale on the file's first sample by ~0.5 dB
# (an exact sinc reconstruction overshoots 0.09 dB there); the padding
# keeps the measurement about the limiter, not about the meter's edges.
G() { "$SIGGEN" --pad 0.1 "$@"; }
"$SIGGEN" --seconds 4 isp "$T/isp-nopad.wav"
G --seconds 4 isp "$T/isp.wav"
G --seconds 4 square:1000 "$T/square.wav"
G --seconds 4 square:6300 "$T/square6k.wav"
G --seconds 4 clipnoise:12 "$T/clipnoise.wav"
G --seconds 4 sine:19500:30 "$T/sine19k.wav"
G --seconds 8 music "$T/music.wav"
G --seconds 4 --rate 48000 isp "$T/isp48.wav"

for ceiling in -1 -0.1 -3; do
	for sig in isp square square6k clipnoise sine19k music isp48; do
		for drive in 0 12; do
			out="$T/o-$sig.wav"
			if ! "$LATHE" render -q --bits 32f --ceiling $ceiling --set limiter.drive=$drive "$T/$sig.wav" -o "$out"; then
				fail "render $sig"; continue
			fi
			tp=$("$LATHE" analyze --json "$out" | sed -n 's/.*"true_peak_dbtp": \([^,]*\).*/\1/p')
			if le "$tp" "$ceiling"; then ok "$sig drive $drive ceiling $ceiling: libebur128 $tp dBTP"
			else fail "$sig drive $drive ceiling $ceiling: libebur128 reads $tp dBTP"; fi
			if command -v ffmpeg >/dev/null; then
				ftp=$(ffmpeg_tp "$out")
				if le "$ftp" "$ceiling"; then ok "   ffmpeg ebur128 $ftp dBTP"
				else fail "$sig drive $drive ceiling $ceiling: ffmpeg ebur128 reads $ftp dBTP"; fi
			fi
		done
	done
done
# The fastest settings the table allows, on the hardest signals.
for sig in clipnoise square isp sine19k music; do
	out="$T/x-$sig.wav"
	"$LATHE" render -q --bits 32f --ceiling -0.1 --set limiter.drive=12 --set limiter.release=5 \
		--set limiter.lookahead=1 "$T/$sig.wav" -o "$out" || { fail "render fast $sig"; continue; }
	tp=$("$LATHE" analyze --json "$out" | sed -n 's/.*"true_peak_dbtp": \([^,]*\).*/\1/p')
	le "$tp" -0.1 && ok "$sig at release 5 ms, lookahead 1 ms: libebur128 $tp dBTP" ||
		fail "$sig at release 5 ms, lookahead 1 ms: libebur128 reads $tp dBTP"
	if command -v ffmpeg >/dev/null; then
		ftp=$(ffmpeg_tp "$out")
		le "$ftp" -0.1 && ok "   ffmpeg ebur128 $ftp dBTP" || fail "$sig fast settings: ffmpeg reads $ftp dBTP"
	fi
done

# Unpadded, libebur128 (whose reading of the file's edge is sound) holds.
"$LATHE" render -q --bits 32f "$T/isp-nopad.wav" -o "$T/o-nopad.wav" || fail "render isp-nopad"
tp=$("$LATHE" analyze --json "$T/o-nopad.wav" | sed -n 's/.*"true_peak_dbtp": \([^,]*\).*/\1/p')
le "$tp" -1 && ok "isp from sample 0: libebur128 $tp dBTP" || fail "isp from sample 0: libebur128 $tp dBTP"
command -v ffmpeg >/dev/null || echo "note: ffmpeg not installed, checked with libebur128 only"
finish
