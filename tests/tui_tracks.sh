#!/bin/sh
# Several tracks and a reference in the console (tmux, 80x24, the
# clock-paced silent sink so positions and meters move in real time).
# Each track keeps its own settings across switches, a switch goes on at
# the same relative position, settings copy to the other tracks and the
# copy undoes; an album file starts each track on its own settings; SIGHUP
# saves every track's session; --reference switches between master and
# reference at matched loudness and says which plays and how far it is
# turned down.
. "$(dirname "$0")/lib.sh"
tmux_setup tracks

# No card: the engine plays on its silent sink, paced by the clock.
printf 'pcm.!default { type hw card 99 }\n' >"$T/asound.conf"
start() { # start ARGS...: the console in a new server, in $T
	rm -f "$T/exit"
	new_sock; tm new-session -d -x 80 -y 24 -c "$T" "env ALSA_CONFIG_PATH='$T/asound.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
		LANG=C.UTF-8 TERM=xterm-256color '$LATHE' $* 2>'$T/stderr'; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
	wait_for '^ output +on' || { fail "console did not start ($*)"; tm capture-pane -p; cat "$T/stderr"; }
}
wait_exit() {
	n=50; while [ ! -f "$T/exit" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
}
# pos: the position in the header, in seconds.
pos() { tm capture-pane -p | head -1 | sed -n 's/^ *[^ ]* \([0-9]*\):\([0-9.]*\)\/.*/\1 \2/p' |
	awk '{ print $1 * 60 + $2 }'; }

"$SIGGEN" --seconds 20 music "$T/a.wav" || fail "siggen a.wav"
"$SIGGEN" --seconds 10 --level -8 music "$T/b.wav" || fail "siggen b.wav"

# 1. Two files: a track line, each track with its own settings.
start a.wav b.wav
# A line, or a panel when the collapsed strips leave it the rows.
check '1 a\.wav [-0-9.~]+ +2 b\.wav|^> +1 +a\.wav' "the track line lists both tracks at 80x24, each with its loudness"
check '^.limiter +on' "the strips are all still there beside the track line"
check '1/2 a\.wav' "the header names track 1 of 2"
tm send-keys l l l j +
check '\[ratio +2\.1:1\]' "track 1: comp.ratio up to 2.1"
check '1 a\.wav\*' "the track line marks track 1 as edited"
# A few seconds into the 20 s track, paused so the figures hold still,
# then to the 10 s one: the relative position carries over.
sleep 2
tm send-keys space
sleep 0.5
p1=$(pos); tm send-keys n
check '2/2 b\.wav' "n switches to track 2"
n=30; p2=0; while [ "$p2" = 0 ] && [ $n -gt 0 ]; do sleep 0.1; p2=$(pos); n=$((n - 1)); done
if le 1 "$p1" && near "$(awk -v a="$p1" 'BEGIN { print a / 20 }')" "$(awk -v b="$p2" 'BEGIN { print b / 10 }')" 0.01; then
	ok "same relative position: ${p1} s of 20 -> ${p2} s of 10"
else
	fail "relative position: ${p1} s of 20 -> ${p2} s of 10"
fi
tm send-keys space
check '\[ratio +2\.0:1\]' "track 2 shows its own (default) ratio 2.0"
tm send-keys p
check '1/2 a\.wav' "p goes back to track 1"
check '^ ▶ ' "playback goes on after a switch"
check '\[ratio +2\.1:1\]' "track 1 kept its tweak, 2.1"
tm send-keys : 'track 2' Enter
check '2/2 b\.wav' "':track 2' switches too"
check '\[ratio +2\.0:1\]' "track 2 still at 2.0"
tm send-keys : 'prev' Enter
check '1/2 a\.wav' "':prev' switches back"

# 2. Copy to all, undo the copy.
tm send-keys C
check 'copied to 1 track' "C copies track 1's settings to the other track"
tm send-keys n
check '\[ratio +2\.1:1\]' "track 2 now has ratio 2.1"
tm send-keys u
check '\[ratio +2\.0:1\]' "u undoes the copy on track 2"
tm send-keys : 'copy all' Enter
check 'copied to 1 track' "':copy all' from track 2 copies its 2.0 to track 1"
tm send-keys p
check '\[ratio +2\.0:1\]' "track 1 now at 2.0"
tm send-keys u
check '\[ratio +2\.1:1\]' "u gives track 1 its 2.1 back"
tm send-keys n
check '2/2 b\.wav' "n to track 2 again"
# Track 2 its own tweak: output gain -0.1 (comp, mbcomp, imager, clip,
# limiter, output).
tm send-keys l l l l l -
check '\[gain +-0\.1dB\]' "track 2: output gain -0.1"

# 3. SSH drop: every track's session is saved with its own settings.
tm kill-server
STATE="$XDG_STATE_HOME/lathe"
n=50; while [ "$(ls "$STATE"/session-*.ini 2>/dev/null | wc -l)" -lt 2 ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
sa=$(grep -l 'a\.wav"' "$STATE"/session-*.ini 2>/dev/null | head -1)
sb=$(grep -l 'b\.wav"' "$STATE"/session-*.ini 2>/dev/null | head -1)
if [ -n "$sa" ] && grep -Eq '^comp\.ratio *= *2\.1( |$)' "$sa" && grep -Eq '^output\.gain *= *0( |$)' "$sa"; then
	ok "SIGHUP: a.wav's session holds comp.ratio 2.1"
else
	fail "a.wav's session: $(cat "$sa" 2>&1 | head -40)"
fi
if [ -n "$sb" ] && grep -Eq '^comp\.ratio *= *2( |$)' "$sb" && grep -Eq '^output\.gain *= *-0\.1( |$)' "$sb"; then
	ok "SIGHUP: b.wav's session holds output.gain -0.1, ratio 2"
else
	fail "b.wav's session: $(cat "$sb" 2>&1 | head -40)"
fi
start a.wav b.wav
check 'Restore the sessions .*2 tracks' "the next start offers both tracks' sessions"
tm send-keys y
check 'sessions of 2 tracks restored' "y restores them"
check ' ratio +2\.1:1 ' "track 1 back at ratio 2.1"
tm send-keys n
check 'output +on +gain +-0\.1dB' "track 2 back at output gain -0.1"
tm send-keys q
check 'Quit with unsaved' "q asks: unsaved tweaks"
tm send-keys y
wait_exit
[ "$(cat "$T/exit" 2>/dev/null)" = "EXIT=0" ] && ok "q y exits 0" || fail "exit: $(cat "$T/exit" 2>&1)"
[ -n "$(ls "$STATE"/session-*.ini 2>/dev/null)" ] && fail "a deliberate quit left sessions: $(ls "$STATE")" ||
	ok "a deliberate quit removes every track's session"
tm kill-server 2>/dev/null

# 4. An album file: each track starts from its own preset and sets.
printf '[album]\nname = T\nversion = 1\nset = comp.ratio=3\n[track1]\nfile = a.wav\n[track2]\nfile = b.wav\nset = comp.ratio=4, eq.low_gain=-1\n' >"$T/album.ini"
start album.ini
check '1/2 a\.wav' "an album file opens its tracks"
check ' ratio +3\.0:1 ' "track 1: the album's set, ratio 3"
tm send-keys n
check ' ratio +4\.0:1 ' "track 2: its own set, ratio 4"
check ' low -1\.0dB' "track 2: its own set, eq.low_gain -1"
tm send-keys q
wait_exit
[ "$(cat "$T/exit" 2>/dev/null)" = "EXIT=0" ] && ok "album: q exits 0 (nothing edited)" || fail "album exit: $(cat "$T/exit" 2>&1)"
tm kill-server 2>/dev/null

# 5. The reference: master b.wav (quiet), reference a.wav (8 dB louder),
# with a second track so the track line and the album figure show too.
start --reference a.wav b.wav a.wav
check 'MASTER 0\.0 dB' "with --reference the screen says MASTER plays, untouched"
check 'album -[0-9]' "the album loudness shows once the track is measured"
# The track line and the reference's figures must not cost the slow
# link its budget: bytes per second to the terminal while it plays.
: >"$T/bytes"
tm pipe-pane -o "cat >>'$T/bytes'"
sleep 3
tm pipe-pane
rate=$(( $(wc -c <"$T/bytes") / 3 ))
if [ "$rate" -gt 200 ] && [ "$rate" -lt 4096 ]; then
	ok "$rate bytes/s at 80x24 with tracks and a reference (under 4 KB/s)"
else
	fail "$rate bytes/s at 80x24 with tracks and a reference (want 200..4096)"
fi
tm send-keys r
check 'REFERENCE -[0-9]+\.[0-9] dB' "r: the screen says REFERENCE, turned down"
off=$(tm capture-pane -p | sed -n 's/.*REFERENCE \(-[0-9.]*\) dB.*/\1/p' | head -1)
if [ -n "$off" ] && le "$off" -5 && le -11 "$off"; then
	ok "the reference is turned down by $off dB (the files differ by 8 dB)"
else
	fail "reference offset '$off' (want -11..-5)"
fi
check ' REF +no preset' "the status line marks the reference"
tm send-keys r
check 'MASTER 0\.0 dB' "r again: back to the master"
tm send-keys : 'ref on' Enter
check 'REFERENCE -' "':ref on' switches to the reference"
tm send-keys a
check 'A/B: dry' "A/B takes over from the reference"
check 'MASTER' "and the reference is off"
tm send-keys q
wait_exit
[ "$(cat "$T/exit" 2>/dev/null)" = "EXIT=0" ] && ok "reference: q exits 0" || fail "reference exit: $(cat "$T/exit" 2>&1)"
[ -s "$T/stderr" ] && fail "stderr while curses owned the screen: $(head -c 300 "$T/stderr")"
tm kill-server 2>/dev/null

# 6. --target at start-up: every track is searched in the background,
# one after the other, each getting its own drive (b.wav is 8 dB quieter,
# so it needs about 8 dB more).
start --target -14 a.wav b.wav
check 'target -14\.0 track 2: drive' "--target: the search reaches track 2 in the background" 300
drive() { tm capture-pane -p | sed -n 's/^.limiter .*drive *\([-+][0-9.]*\)dB.*/\1/p' | head -1; }
d1=$(drive); tm send-keys n
check '2/2 b\.wav' "n switches to track 2"
sleep 0.3; d2=$(drive)
if [ -n "$d1" ] && [ -n "$d2" ] && le 4 "$(awk -v a="$d1" -v b="$d2" 'BEGIN { print b - a }')" &&
   le "$(awk -v a="$d1" -v b="$d2" 'BEGIN { print b - a }')" 12; then
	ok "each track has its own drive for -14 LUFS: track 1 $d1 dB, track 2 $d2 dB"
else
	fail "drives after --target: track 1 '$d1', track 2 '$d2' (want track 2 about 8 dB more)"
fi
# ':target T all' from track 2: this track first, then the others.
tm send-keys : 'target -11 all' Enter
check 'target -11\.0 track 1: drive' "':target -11 all' reaches track 1 after track 2" 300
d2b=$(drive)
if [ -n "$d2b" ] && le 2 "$(awk -v a="$d2" -v b="$d2b" 'BEGIN { print b - a }')"; then
	ok "track 2's drive rose for -11 LUFS: $d2 -> $d2b dB"
else
	fail "track 2's drive after ':target -11 all': '$d2' -> '$d2b'"
fi
tm send-keys q
wait_for 'Quit with unsaved' && tm send-keys y
wait_exit
[ "$(cat "$T/exit" 2>/dev/null)" = "EXIT=0" ] && ok "target: q exits 0" || fail "target exit: $(cat "$T/exit" 2>&1)"
tm kill-server 2>/dev/null

# A reference that is not audio: one line, exit 2, before the screen.
echo "not audio" >"$T/bad.wav"
new_sock; rm -f "$T/exit"
tm new-session -d -x 80 -y 24 -c "$T" "env ALSA_CONFIG_PATH='$T/asound.conf' \
	XDG_STATE_HOME='$XDG_STATE_HOME' '$LATHE' --reference bad.wav b.wav 2>'$T/stderr'; \
	echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
wait_exit
if [ "$(cat "$T/exit" 2>/dev/null)" = "EXIT=2" ] && [ "$(wc -l <"$T/stderr")" = 1 ] && grep -q 'bad.wav' "$T/stderr"; then
	ok "a bad reference: exit 2, $(cat "$T/stderr")"
else
	fail "bad reference: $(cat "$T/exit" 2>&1) $(cat "$T/stderr")"
fi
finish
