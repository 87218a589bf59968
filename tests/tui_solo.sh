#!/bin/sh
# A multiband band solo'd for listening: `o` on a band of the multiband
# (or ':solo low') plays that band alone, which the capture through ALSA's
# file PCM shows in its spectrum (a 100 Hz + 5 kHz twin tone: the low
# band keeps 100 Hz and loses 5 kHz); it is never rendered: ':render' with
# the solo on is byte-identical to `lathe render` without one.
. "$(dirname "$0")/lib.sh"
tmux_setup solo
tap_setup 44100

"$SIGGEN" --rate $RATE --seconds 40 --level -30 twin:100:5000 "$T/twin.wav"

# spectrum RAW SECONDS: the third-octave levels of SECONDS of the
# capture that end half a second before its end (the quit's fade-out is
# not the band's), "HZ DB" per band.
spectrum() {
	frames=$(($(wc -c <"$1") / 8))
	from=$((frames - RATE * $2 - RATE / 2))
	tail -c +$((from * 8 + 1)) "$1" | head -c $((RATE * $2 * 8)) >"$T/seg.raw"
	# Faded in and out over 50 ms: a cut edge would splash into every band.
	sox -t raw -r $RATE -e floating-point -b 32 -c 2 "$T/seg.raw" "$T/seg.wav" fade h 0.05 -0 0.05
	"$LATHE" analyze --json --spectrum "$T/seg.wav" | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
for hz, db in zip(d["spectrum_hz"], d["spectrum_db"]):
    print(hz, db)'
}
band() { awk -v f="$1" '$1 == f { print $2 }' "$2"; }

tap_start twin.wav
check ' ▶ ' "the console plays the twin tone into the tap" 150
# The multiband (fifth module), engaged; down its low band's column, o.
tm send-keys l l l l b
check 'mbcomp +on' "the multiband is engaged"
tm send-keys o
check 'solo: select a band of the multiband|solo low band' "o on a crossover row asks for a band, or solos" 30
tm send-keys j j j
tm send-keys o
check 'solo (low|mid|high) band of the multiband \(listening only, not rendered\)' "o solos the selected band" 30
check 'SOLO (low|mid|high)' "the strip says which band is solo'd"
tm send-keys : 'solo low' Enter
check 'solo low band of the multiband' "':solo low'"
sleep 3
tm send-keys : "render $T/solo.wav" Enter
check 'rendered .*solo\.wav' "':render' with the solo on" 300
tap_quit

# The master without solo (at -30 dBFS nothing compresses or limits;
# its render, the same settings) against a second of the solo'd capture.
"$LATHE" render -q --set mbcomp.bypass=0 "$T/twin.wav" -o "$T/cli.wav" || fail "command-line render"
sox "$T/cli.wav" -e floating-point -b 32 "$T/src1.wav" trim 20 1 fade h 0.05 -0 0.05
"$LATHE" analyze --json --spectrum "$T/src1.wav" | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
for hz, db in zip(d["spectrum_hz"], d["spectrum_db"]):
    print(hz, db)' >"$T/src.spec"
spectrum "$T/cap.raw" 1 >"$T/cap.spec"
s100=$(band 100 "$T/src.spec") s5k=$(band 5000 "$T/src.spec")
c100=$(band 100 "$T/cap.spec") c5k=$(band 5000 "$T/cap.spec")
echo "  master: 100 Hz $s100 dB, 5 kHz $s5k dB; solo'd low band: 100 Hz $c100 dB, 5 kHz $c5k dB"
# Alone, the low band is its Linkwitz-Riley low-pass: at 100 Hz, an
# octave under the 200 Hz crossover, 1 / (1 + (1/2)^4): -0.53 dB.
want=$(awk -v a="$s100" 'BEGIN { printf "%.2f", a - 0.53 }')
near "$c100" "$want" 0.2 && ok "the low band keeps the 100 Hz tone: $c100 dB (the master's $s100 less the crossover's 0.53)" ||
	fail "100 Hz in the solo'd capture: $c100 dB, want $want (the master's $s100 less 0.53)"
awk -v a="$c5k" -v b="$s5k" 'BEGIN { exit !(a < b - 90) }' &&
	ok "the 5 kHz tone is gone from the low band: $c5k dB (the master's $s5k)" ||
	fail "5 kHz in the solo'd low band: $c5k dB, want 90 dB under the master's $s5k"

cmp -s "$T/solo.wav" "$T/cli.wav" && ok "the solo is not rendered: ':render' equals lathe render without it" ||
	fail "':render' with the solo on differs from the command line's render"
finish
