#!/bin/sh
# An album plays on in the console: at the end of a track the next one
# follows after its `gap` of digital silence, with its fades, as the
# continuous file has them; the screen says which track plays.  The
# console plays into ALSA's file PCM (a file plugin over an inline null
# PCM, raw float32 into a FIFO that tests/tools/tapread reads at the
# sample rate, as in tui_heard.sh), and the capture is measured: where
# the silence falls and how long it lasts, the levels of each track, the
# fade-in half way, and that a segue (gap 0) leaves no silence.
. "$(dirname "$0")/lib.sh"
tmux_setup album_play
tap_setup 44100
BLOCK=$((RATE / 50))    # the device period: 20 ms at the default 40 ms latency

# Steady tones the default chain passes unchanged, each track its own
# level, so the capture tells them apart.
"$SIGGEN" --rate $RATE --seconds 3 --level -20 sine:1000 "$T/one.wav"
"$SIGGEN" --rate $RATE --seconds 3 --level -10 sine:500 "$T/two.wav"
"$SIGGEN" --rate $RATE --seconds 1.5 --level -20 sine:700 "$T/three.wav"
cat >"$T/album.ini" <<EOF2
[album]
name = Play On
version = 1
[track1]
file = one.wav
[track2]
file = two.wav
gap = 1
fade_in = 0.5
[track3]
file = three.wav
gap = 0
EOF2

tap_start album.ini
check ' ▶ .*1/3' "track 1 of 3 plays into the tap" 150
check 'track 2/3: two(\.wav)?, after its 1\.0 s gap' "track 1 ends and track 2 follows, after its gap, by itself" 200
check '▶2 two' "the track list marks track 2 as the one playing" 30
check 'track 3/3: three' "track 3 follows track 2 (a segue)" 150
# The last track ends in a stop.
check ' ■ .*3/3|3/3.* ■ ' "after the last track the transport stops" 150
tap_quit

one=$((RATE * 3)) two=$((RATE * 3)) three=$((RATE * 3 / 2)) gap=$RATE
frames=$(($(wc -c <"$T/cap.raw") / 8))
want=$((one + gap + two + three))
if [ "$frames" -ge $((want - BLOCK)) ] && [ "$frames" -le $((want + 2 * BLOCK)) ]; then
	ok "the capture holds the three tracks and the gap: $frames frames (want $want)"
else
	fail "the capture holds $frames frames, want $want (3 s + 1 s gap + 3 s + 1.5 s)"
fi
# Runs of digital silence of 10 frames or more: the gap, and nothing
# else (a sine's zero crossing is one frame; a segue has none).
"$TAPREAD" silences "$T/cap.raw" 10 >"$T/sil"
if [ "$(wc -l <"$T/sil")" = 1 ]; then
	read -r at len <"$T/sil"
	if [ $((at - one)) -ge 0 ] && [ $((at - one)) -le "$BLOCK" ] &&
	   [ $((len - gap)) -ge 0 ] && [ $((len - gap)) -le "$BLOCK" ]; then
		ok "the gap: $len frames of silence (want $gap, within a block of $BLOCK) from frame $at (track 1 is $one)"
	else
		fail "the gap: $len frames of silence from frame $at, want $gap from $one (within $BLOCK)"
	fi
else
	fail "want one run of silence (the gap), got: $(cat "$T/sil" | head -5)"
	at=$one len=$gap
fi
s2=$((at + gap))   # track 2's first frame (its own first sample may be a zero)
l1=$("$TAPREAD" rms "$T/cap.raw" $((RATE / 2)) $RATE)
l2=$("$TAPREAD" rms "$T/cap.raw" $((s2 + RATE)) $RATE)
l3=$("$TAPREAD" rms "$T/cap.raw" $((s2 + two + RATE / 4)) $((RATE / 2)))
near "$l1" -23.01 0.1 && near "$l2" -13.01 0.1 && near "$l3" -23.01 0.1 &&
	ok "each track at its own level: $l1, $l2, $l3 dB RMS (the tones' -23.01, -13.01, -23.01)" ||
	fail "levels $l1, $l2, $l3 dB RMS, want -23.01, -13.01, -23.01"
# Track 2's equal-power fade-in, as its master has it: -3.01 dB half way
# (20 ms around 0.25 s), the first 10 ms far down.
h=$("$TAPREAD" rms "$T/cap.raw" $((s2 + RATE / 4 - RATE / 100)) $((RATE / 50)))
z=$("$TAPREAD" rms "$T/cap.raw" "$s2" $((RATE / 100)))
d=$(awk -v a="$h" 'BEGIN { printf "%.2f", a + 13.01 }')
near "$d" -3.01 0.15 && le "$z" -40 &&
	ok "track 2 fades in as rendered: $d dB half way (want -3.01), first 10 ms at $z dB" ||
	fail "track 2's fade-in: $d dB half way (want -3.01), first 10 ms $z dB (want < -40)"

# What is heard is the master: past its fade, track 2 is its render's
# samples (32-bit float, so no dither), starting from a fresh chain as
# the render does.
fi=$((RATE / 2))
if "$LATHE" render -q --bits 32f "$T/two.wav" -o "$T/two_m.wav" 2>"$T/rerr"; then
	# (sox would pass float samples through 32-bit integers: python
	# reads both as they are.)
	r=$(python3 - "$T/cap.raw" "$T/two_m.wav" $((s2 + fi)) "$fi" $((two - fi)) <<'PY'
import array, sys
cap, wav, at, fi, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
c = array.array('f', open(cap, 'rb').read()[8 * at:8 * (at + n)])
w = open(wav, 'rb').read()
k = w.index(b'data') + 8
m = array.array('f', w[k + 8 * fi:k + 8 * (fi + n)])
d = [i // 2 for i in range(min(len(c), len(m))) if c[i] != m[i]]
print(len(c) // 2, len(m) // 2, d[0] if d else -1)
PY
)
	set -- $r
	if [ "${1:-0}" = $((two - fi)) ] && [ "${2:-0}" = "$1" ] && [ "${3:-0}" = -1 ]; then
		ok "track 2 as heard is its render's samples after the fade ($1 frames)"
	else
		fail "track 2 as heard differs from its render: frames $r (count, count, first differing)"
	fi
else
	fail "render of two.wav: $(cat "$T/rerr")"
fi
finish
