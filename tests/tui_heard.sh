#!/bin/sh
# What is heard follows the console: the console plays into ALSA's file
# PCM (a configuration of the test's own: a file plugin over an inline null
# PCM, writing raw float32 into a FIFO that tests/tools/tapread reads at the
# sample rate, so playback runs in real time), keys change the output gain
# and then the high shelf while it plays, and the captured audio shows each
# change at the level a listener would measure.  Built plain (-O2) as
# shipped: last time a tweak that never reached the engine passed every
# test but this kind.
. "$(dirname "$0")/lib.sh"
tmux_setup heard
tap_setup 44100

# A steady 1 kHz tone at -20 dBFS: the default chain passes it unchanged,
# so every level step in the capture is a tweak.  Then 10 kHz for the
# shelf: one file with the two tones in turn would tie the test to timing.
"$SIGGEN" --rate $RATE --seconds 40 --level -20 sine:1000 "$T/tone.wav"
"$SIGGEN" --rate $RATE --seconds 40 --level -20 sine:10000 "$T/air.wav"

# run_console FILE KEYS...: start the console on FILE playing into the
# tap, send KEYS (tmux send-keys words, "wait:S" sleeps S seconds) and
# quit; the capture is in $T/cap.raw.
run_console() {
	f=$1; shift
	tap_start "'$f'"
	check ' ▶ ' "the console plays $(basename "$f") into the tap" 150
	for k in "$@"; do
		case $k in
		wait:*) sleep "${k#wait:}" ;;
		snap) tm capture-pane -p >"$T/snap" ;;
		*) tm send-keys "$k" ;;
		esac
	done
	tap_quit
}

# steps CAP: the capture's levels per 0.1 s, then the median of the first
# second that has sound and of the last second, and the largest change
# between two neighbouring windows.
levels() {
	"$TAPREAD" levels "$T/cap.raw" $RATE 0.1 >"$T/levels"
	awk '$2 > -60 { n++; v[n] = $2 }
	     END {
		if (n < 40) { print "short", n; exit }
		a = 0; for (i = 3; i <= 12; i++) a += v[i]; a /= 10
		b = 0; for (i = n - 11; i <= n - 2; i++) b += v[i]; b /= 10
		printf "%.2f %.2f %d\n", a, b, n
	     }' "$T/levels"
}

# Output gain: the output strip, then { six times (six coarse steps of
# 1 dB) while the tone plays: the tone drops 6 dB.
run_console "$T/tone.wav" wait:3 snap l l l l l l l l wait:0.3 '{' '{' '{' '{' '{' '{' wait:3
check_drop() {
	what=$1 want=$2
	set -- $(levels)
	if [ "$1" = short ]; then
		fail "$what: the capture holds only $2 windows of sound"; return
	fi
	before=$1 after=$2
	drop=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", a - b }')
	if near "$drop" "$want" 0.3; then
		ok "$what: $before dB before, $after dB after: $drop dB down (want $want), $3 windows"
	else
		fail "$what: $before dB before, $after dB after: $drop dB, want $want"
		head -5 "$T/levels"; tail -5 "$T/levels"
	fi
}
check_drop "output.gain -6 dB by keys reaches what plays" 6
# The side panel's "played" loudness is what was heard: the tone's.
played=$(sed -n 's/.* played *\(-[0-9.]*\) LUFS (i resets).*/\1/p' "$T/snap")
"$LATHE" analyze --json "$T/tone.wav" >"$T/an.json"
I=$(json_get integrated_lufs "$T/an.json")
if [ -n "$played" ] && near "$played" "$I" 0.2; then
	ok "played loudness $played LUFS after 3 s, the tone's $I"
else
	fail "played loudness '$played', the tone's $I: $(grep played "$T/snap")"
fi

# The high shelf, by name: ':set' goes through the same path as the
# keys; -12 dB at 10 kHz on a 10 kHz tone (the shelf is at its full
# depth an octave above its corner, about -11 dB at the corner itself).
run_console "$T/air.wav" wait:2 : 'set eq.high_freq 2500' Enter : 'set eq.high_gain -12' Enter wait:3
check_drop "eq.high_gain -12 dB (corner 2.5 kHz) cuts a 10 kHz tone" 12

finish
