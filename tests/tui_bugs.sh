#!/bin/sh
# Console bugs found in use, each shown fixed in a real terminal:
# the loop set while playing loops, help leaves nothing behind, :target
# moves the drive once (to its result), an edit cancels a search and says
# so, a failed :target leaves the drive as it was and says so, the track
# line at 80 columns never runs texts together, n n keeps the relative
# position, a loud unprocessed mix raises no drive warning, and the restore
# prompt lets other keys work.
. "$(dirname "$0")/lib.sh"
tmux_setup bugs
printf 'pcm.!default { type hw card 99 }\n' >"$T/asound.conf"  # the clock-paced silent sink: plays in real time
"$SIGGEN" --seconds 40 --level -12 --seed 7 music "$T/song.wav" || fail "siggen"

# Typos on the command line get a suggestion (tui/cli.c, delivery).
expect_status 1 "lathe rendr suggests render" "$LATHE" rendr "$T/song.wav"
grep -q "did you mean render?" "$T/err" || fail "no suggestion: $(cat "$T/err")"
expect_status 1 "--targte suggests --target" "$LATHE" render --targte -14 "$T/song.wav" -o "$T/o.wav"
grep -q "did you mean --target?" "$T/err" || fail "no suggestion: $(cat "$T/err")"

start() {
	new_sock
	tm new-session -d -x 80 -y 24 "env ALSA_CONFIG_PATH='$T/asound.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
		LANG=C.UTF-8 TERM=xterm-256color '$LATHE' $*; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
	wait_for '^ output +on' 100 || { fail "console did not start on $*"; tm capture-pane -p; }
}
# pos: the playhead in seconds, from the header "m:ss.s/".
pos() {
	tm capture-pane -p | head -1 | sed -n 's/^ *[^ ]* *\([0-9]*\):\([0-9.]*\)\/.*/\1 \2/p' |
		awk '{ print $1 * 60 + $2 }'
}
# residue: characters in the gap before the side panel (help's leftovers
# showed as "NLRA", "]Spotify", "GR    A").
residue() {
	# The side panel's played loudness line sits beside the lim row, its
	# codec true-peak line beside the cmp (or lim) row.
	tm capture-pane -p | grep -Ev '^lim .* dB GR {6}played +-?[0-9.]+ LUFS \(i resets\) *$' |
		grep -Ev '^(cmp|lim) .* dB GR {6}codec TP mp3 *(-|-?[0-9.]+) *opus *(-|-?[0-9.]+) *~? *$' |
		grep -Ec '[^ ](LRA|Spotify|Apple Music|Deezer| no over)|dB GR {1,6}[^ !]'
}
stop() { tm send-keys : 'q!' Enter; sleep 0.3; tm kill-server 2>/dev/null; }

# 1. Loop: ( at the playhead, 3 s later ): playback jumps back to the
#    start at once and stays between the two.
start "'$T/song.wav'"
sleep 1
tm send-keys '('
sleep 3
tm send-keys ')'
check 'loop [0-9.]+-[0-9.]+ s' "')' sets the loop end"
A=$(tm capture-pane -p | sed -n 's/.*loop \([0-9.]*\)-\([0-9.]*\) s.*/\1 \2/p' | head -1)
a=${A% *}; b=${A#* }
bad=0
for i in 1 2 3 4 5 6 7 8; do
	sleep 0.5
	p=$(pos)
	awk -v p="$p" -v a="$a" -v b="$b" 'BEGIN { exit !(p >= a - 0.3 && p <= b + 0.3) }' || bad=$((bad + 1))
done
[ "$bad" = 0 ] && ok "playback stays in the loop $a-$b s" || fail "playback left the loop $a-$b s ($bad of 8 samples, last at $p)"
tm capture-pane -p | head -1 | grep -q 'loop 0:0' && ok "the header shows the loop" || fail "header lacks the loop: $(tm capture-pane -p | head -1)"

# 2. Help residue: ? then j eleven times and Esc leave nothing in the
#    column between the meters and the side panel; nor does Ctrl-L.
tm send-keys '?' ; check 'lathe help' "help opens"
tm send-keys j j j j j j j j j j j Escape
check '^ output +on' "Esc closes help"
sleep 0.5
res=$(residue)
[ "$res" = 0 ] && ok "no help characters left beside the meters" || { fail "$res rows with help characters left beside the side panel"; tm capture-pane -p; }
tm send-keys '?' ; check 'lathe help' "help opens again"
tm resize-window -x 90 -y 26; sleep 0.3; tm resize-window -x 80 -y 24
tm send-keys Escape C-l
sleep 0.5
res=$(residue)
[ "$res" = 0 ] && ok "nothing left after a resize with help open" || { fail "$res characters left after resize"; tm capture-pane -p; }

# 3. :target moves the drive once, to its result.
tm send-keys x   # loop off
tm send-keys : 'target -11' Enter
# The drive is read from the same capture that shows the search running: a
# fast search can land between two captures (CI once read the result).
early=
for i in $(seq 100); do
	cap=$(tm capture-pane -p)
	if printf '%s\n' "$cap" | grep -q 'searching the drive'; then
		early=$(printf '%s\n' "$cap" | sed -n 's/.*drive *\([-+][0-9.]*\)dB.*/\1/p' | head -1)
		break
	fi
	sleep 0.05
done
if [ -z "$early" ]; then
	fail "':target' shows no search"
else
	ok "':target' starts its search"
	[ "$early" = "+0.0" ] && ok "the drive does not jump while the search runs" || fail "drive $early while the search runs"
fi
check 'target -11\.0: drive .* lands at -1[01]\.[0-9]+ LUFS' "the search lands" 300
final=$(tm capture-pane -p | sed -n 's/.*drive *\([-+][0-9.]*\)dB.*/\1/p' | head -1)
near "$final" 0 0.05 && fail "the drive did not move to the result" || ok "the drive moves to the result ($final dB)"

# 4. An edit while a search runs cancels it, and says so.
tm send-keys : 'target -13' Enter
tm send-keys : 'set limiter.drive 1' Enter
check 'search cancelled, the settings changed' "an edit cancels the search and says so" 300
sleep 1
tm capture-pane -p | grep -Eq 'drive +\+1\.0dB' && ok "the edit's drive stays" || { fail "drive not the edit's"; tm capture-pane -p; }

# 5. An unreachable target leaves the drive as it was and says so.
tm send-keys : 'target -0.5' Enter
check 'drive stays at 1\.0 dB' "a failed target leaves the drive and says which" 400
tm capture-pane -p | grep -Eq 'drive +\+1\.0dB' && ok "the drive is the old one" || fail "drive changed by a failed target"

# 6. A loud unprocessed mix: no drive warning with nothing driving.
tm send-keys : reset Enter
check ' no over-limiting|PLR' "the side panel shows the master's state" 100
sleep 2
tm capture-pane -p | grep -q 'drive wasted\|drive buy nothing' && fail "a drive warning with no drive" || ok "no drive warning with nothing engaged"
stop

# 7. 80 columns, three tracks and a reference: texts never run together.
"$SIGGEN" --seconds 10 --seed 8 music "$T/music-eleven-long-name.wav"
"$SIGGEN" --seconds 10 --seed 9 music "$T/ref.wav"
start "--reference '$T/ref.wav' '$T/song.wav' '$T/music-eleven-long-name.wav' '$T/song.wav'"
tm send-keys space
sleep 2
line=$(tm capture-pane -p | grep -E 'MASTER|REFERENCE' | head -1)
echo "$line" | grep -Eq '[^ ]album|[^ ]MASTER' && fail "texts run together: $line" || ok "track line at 80 columns: $line"

# 8. n n quickly keeps the relative position.
tm send-keys space
sleep 4
p1=$(pos)
tm send-keys n n
check '^ +. +[0-9:.]+/[0-9:.]+ +3/3 ' "n n goes to track 3"
sleep 0.5
p3=$(pos)
# 40 s track at p1, 40 s track 3: the same seconds, give or take the wait.
awk -v a="$p1" -v b="$p3" 'BEGIN { exit !(b >= a - 0.5 && b > 1) }' && ok "track 3 at $p3 s after $p1 s on track 1" ||
	fail "track 3 at $p3 s, track 1 was at $p1 s"
stop

# 9. The restore prompt lets other keys work, and says "resume" for a
#    position alone.
start "'$T/song.wav'"
sleep 2.5   # it plays from the start
tm kill-server
sleep 0.5
start "'$T/song.wav'"
check 'Resume where you left off' "a position alone is offered as a resume" 50
tm send-keys l
check '^.hpf ' "another key works under the prompt"
tm capture-pane -p | grep -q 'Resume where' && ok "the prompt stays until y or n" || fail "the prompt went away"
tm send-keys y
check '0:0[2-3]' "y resumes at the position"
stop
finish
