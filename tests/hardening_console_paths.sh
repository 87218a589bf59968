#!/bin/sh
# The console with names an attacker (or a deep archive) hands it, in a real
# terminal (tmux): a track and a reference 3,000 bytes deep, a ':render' to
# such a path typed on the ':' line, the session of that track saved on a
# hang-up and restored, a name typed in UTF-8, and a ':' line typed past
# its end.
. "$(dirname "$0")/lib.sh"
tmux_setup cpaths
printf 'pcm.!default { type hw card 99 }\n' >"$T/asound.conf"
"$SIGGEN" --seconds 6 music "$T/mix.wav" || exit 1
"$SIGGEN" --seconds 5 music "$T/ref.wav" || exit 1
long="$T/long"
while [ ${#long} -lt 3000 ]; do long="$long/$(printf '%0200d' 0 | tr 0 d)"; done
mkdir -p "$long" || { echo "cannot make a 3,000-byte folder"; exit 1; }
# siggen opens by name (libsndfile's limit): copies, not renders, go deep.
cp "$T/mix.wav" "$T/ref.wav" "$long/" || exit 1

start() {
	new_sock; rm -f "$T/exit"
	tm new-session -d -x 80 -y 24 "cd '$T' && env XDG_STATE_HOME='$XDG_STATE_HOME' \
		ALSA_CONFIG_PATH='$T/asound.conf' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \
		LANG=C.UTF-8 TERM=xterm-256color '$LATHE' $*; echo \"EXIT=\$?\" >'$T/exit'; sleep 60"
}
# wait_file PATH TENTHS: until a render's file is in place (renamed).
wait_file() {
	n=$2
	while [ "$n" -gt 0 ] && [ ! -s "$1" ]; do sleep 0.1; n=$((n - 1)); done
	[ -s "$1" ]
}

echo "== a track and a reference ${#long} bytes deep"
start "'$long/mix.wav' --reference '$long/ref.wav'"
if ! wait_for '^ output +on' 300; then
	fail "3,000-byte track: the console did not start"; tm capture-pane -p
	finish
fi
check ' 0:0[0-9]\.[0-9]/0:06\.0 ' "3,000-byte track: opened, 6.0 s long"
check 'reference ref\.wav, -[0-9]+\.[0-9] LUFS' "3,000-byte reference: loaded and measured" 100
# The footer names the reference before its loudness is known: never 'nan'.
tm capture-pane -p >"$T/screen"
grep -qi 'nan' "$T/screen" && fail "no 'nan' on the first screen: $(grep -i nan "$T/screen")" \
	|| ok "no 'nan' on the first screen (the reference's loudness is being measured or shown)"
tm send-keys r
check 'REF ' "3,000-byte reference: r switches to it"
tm send-keys r
check 'master' "and back to the master"

echo '== :render to a 3,000-byte path typed on the : line'
tm send-keys : "render $long/o.wav"
# The line scrolls: its end (what is being typed) is on screen.
check '^:<d+/o\.wav' "the ':' line shows the end of a line wider than the screen" 20
tm send-keys Enter
if wait_file "$long/o.wav" 300 && check 'rendered .*: -[0-9.]+ LUFS' "':render' to the deep path: done" 100; then
	"$LATHE" render -q "$long/mix.wav" -o "$T/cli.wav" 2>"$T/err" \
		|| fail "CLI render of the deep track: $(cat "$T/err")"
	cmp -s "$T/cli.wav" "$long/o.wav" && ok "the console's master at 3,000 bytes is the CLI's, byte for byte" \
		|| fail "the console's deep master differs from the CLI's"
else
	fail "':render' to the deep path: no master: $(ls "$long")"
fi

echo '== a name typed in UTF-8'
tm send-keys : "render café.wav"
check '^:render café\.wav' "UTF-8 on the ':' line: shown as typed" 20
# Backspace takes the whole 'é' (two bytes), then it is typed again.
tm send-keys BSpace BSpace BSpace BSpace BSpace
check '^:render caf *$' "Backspace removes a whole UTF-8 character" 20
tm send-keys "é.wav" Enter
wait_file "$T/café.wav" 300 && wait_for 'rendered café' 100 && [ "$(ls "$T" | grep -c '^caf')" = 1 ] \
	&& ok "':render café.wav' writes café.wav (the bytes typed, nothing else)" \
	|| fail "UTF-8 name: $(ls "$T" | grep caf | od -c | head -2)"

echo '== a : line typed past its end'
# 4,300 characters: the line takes what fits, says it is full, and the
# command is refused as a whole rather than cut into another file's name.
big=$(printf '%04300d' 0 | tr 0 x)
tm send-keys : "render $big"
check '\(line full: [0-9]+ bytes\)' "a ':' line past its end says it is full" 50
tm send-keys Enter
check 'output path too long|render failed' "the overlong ':render' is refused on the status line" 100
ls "$T" | grep -q '^xxxx' && fail "an overlong name wrote a file: $(ls "$T" | grep -c '^x')" \
	|| ok "nothing written under a cut-down name"

echo '== the deep track session: saved on a hang-up, restored'
tm send-keys : 'set comp.ratio 3.5' Enter
check 'ratio +3\.5:1' "a tweak on the deep track"
# The console is the pane shell's child (env execs it): not another test's lathe.
kill -HUP "$(pgrep -P "$(tm list-panes -F '#{pane_pid}')" -x lathe)"
st=$(exited 150)
[ "$st" = 129 ] && ok "SIGHUP: exit 129" || fail "SIGHUP: exit '${st:-still running}', want 129"
tm kill-server 2>/dev/null
start "'$long/mix.wav'"
check 'Restore the session' "the deep track's session is offered again" 300
tm send-keys y
check 'ratio +3\.5:1' "restored: the tweak on the 3,000-byte track is back"
tm send-keys : 'q!' Enter
st=$(exited 150)
[ "$st" = 0 ] && ok "quits cleanly" || fail "quit: exit '${st:-still running}'"
tm kill-server 2>/dev/null

finish
