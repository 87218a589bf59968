#!/bin/sh
# Codec listening in the console: ':codec mp3:128' makes the master's MP3
# decode in the background and plays it in the master's place; then
# ':codec opus:12', ':codec mp3:320', a new decode after a change of
# settings, r between decode and live master, ':codec off' the master
# again.  Heard through the ALSA file tap on an 18 kHz tone peaking at
# -20 dBFS, which the default chain passes: LAME's 128 kbps low-pass
# (17 kHz) and Opus at 12 kbps take it away, 320 kbps keeps it, so what
# plays is the decode and not the master or a mute.  The header, at
# 80x24, names what is heard.
. "$(dirname "$0")/lib.sh"
tmux_setup codec
tap_setup 44100
"$SIGGEN" --rate $RATE --seconds 40 --level -20 sine:18000 "$T/hf.wav" || fail "siggen"

# pos: the frame the capture has reached (8 bytes a frame).
pos() { echo $(( $(stat -c %s "$T/cap.raw" 2>/dev/null || echo 0) / 8 )); }
# rms FROM: the level of one second of the capture from frame FROM.
rms() { "$TAPREAD" rms "$T/cap.raw" "$1" $RATE | awk '{ printf "%.1f", $NF }'; }
half=$((RATE / 2))

tap_start "'$T/hf.wav'"
check ' ▶ ' "the console plays the tone into the tap" 150
sleep 2
tm send-keys : 'codec mp3:128' Enter
check 'mp3 128 kbps DECODE +no preset' "the header says the mp3 128 decode is heard" 300
a=$(pos); sleep 2.5
tm capture-pane -p >"$T/snap128"
# Opus decodes at 48 kHz: converted to the track's rate as it plays; at
# 12 kbps its band stops far under 18 kHz.
tm send-keys : 'codec opus:12' Enter
check 'opus 12 kbps DECODE +no preset' "the header says the opus 12 decode is heard" 300
o=$(pos); sleep 2.5
tm send-keys : 'codec mp3:320' Enter
check 'mp3 320 kbps DECODE +no preset' "the header says the mp3 320 decode is heard" 300
b=$(pos); sleep 2.5
tm capture-pane -p >"$T/snap320"
playing=$(find "$XDG_STATE_HOME" -name 'codec-decode-*' | wc -l)
# A change of settings: a new decode of the new master once they settle.
tm send-keys : 'set output.gain -6' Enter
check 'mp3 320 kbps DECODE +no preset\*' "a new decode after output.gain -6" 300
d=$(pos); sleep 2.5
# r: the live master and the decode in turn.
tm send-keys r
check 'master \(r: the mp3 320 kbps decode\)' "r goes back to the live master" 50
tm send-keys r
check "hearing the master's mp3 320 kbps decode" "r hears the decode again" 50
tm send-keys : 'codec off' Enter
wait_for 'codec listening off' 50
c=$(pos); sleep 2.5
tm capture-pane -p >"$T/snapoff"
tap_quit

master=$(rms $half)
l128=$(rms $((a + half)))
l320=$(rms $((b + half)))
lopus=$(rms $((o + half)))
loff=$(rms $((c + half)))
lgain=$(rms $((d + half)))
echo "# master $master, mp3 128 decode $l128, opus 12 decode $lopus, mp3 320 decode $l320, at -6 dB $lgain, off $loff (dB FS)"
# (siggen's level is the peak: a sine's RMS is 3 dB under it)
near "$master" -23 1 && ok "the master plays the tone at $master dB FS" || fail "the master plays at $master dB FS, want -23"
le "$l128" -45 && ok "mp3 128 kbps decode heard: the 18 kHz tone is gone ($l128 dB FS)" \
	|| fail "mp3 128 kbps: $l128 dB FS, the decode would have no 18 kHz tone"
le "$lopus" -45 && ok "opus 12 kbps decode heard: the tone is gone ($lopus dB FS)" \
	|| fail "opus 12 kbps: $lopus dB FS, the decode would have no 18 kHz tone"
near "$l320" "$master" 1 && ok "mp3 320 kbps decode heard: the tone is back ($l320 dB FS)" \
	|| fail "mp3 320 kbps: $l320 dB FS, the decode keeps the tone (master $master)"
want=$(awk -v m="$master" 'BEGIN { print m - 6 }')
near "$lgain" "$want" 0.3 && ok "the decode of the master at output.gain -6 plays $lgain dB FS" \
	|| fail "after output.gain -6: $lgain dB FS, want $want (a new decode of the new settings)"
near "$loff" "$want" 0.2 && ok ":codec off: the master again ($loff dB FS)" \
	|| fail ":codec off: $loff dB FS, the master at -6 dB plays at $want"
grep -q 'DECODE' "$T/snapoff" && fail "still marked after :codec off: $(grep 'DECODE' "$T/snapoff")" \
	|| ok "no decode mark after :codec off"
[ "$playing" = 1 ] && ok "one decode file in the session folder while it plays" \
	|| fail "$playing decode files in the session folder while one plays"
left=$(find "$XDG_STATE_HOME" "$T" -name 'codec-*' 2>/dev/null | head -3)
[ -z "$left" ] && ok "no decode or master file left after quitting" || fail "left behind: $left"
finish
