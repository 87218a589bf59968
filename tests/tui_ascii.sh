#!/bin/sh
# The console in a plain terminal: with LANG=C and TERM=vt100 not one byte
# above 0x7f reaches the terminal and the screen still reads (selection in
# brackets, bars in '#'); with NO_COLOR no colour sequence is sent.
. "$(dirname "$0")/lib.sh"
tmux_setup ascii

printf 'pcm.!default { type null }\n' >"$T/asound.conf"

# run_console LANG TERM NO_COLOR OUT: start, record every byte, tweak, quit.
run_console() {
	rm -f "$T/exit"
	new_sock; tm new-session -d -x 80 -y 24 "sleep 0.3; env ALSA_CONFIG_PATH='$T/asound.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
		LANG=$1 LC_ALL= LC_CTYPE= TERM=$2 NO_COLOR=$3 '$LATHE'; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
	tm pipe-pane "cat >'$4'"
	wait_for '^ output +on' || { fail "$1 $2: console did not start"; tm capture-pane -p; }
	tm send-keys l l l j + '?'
	wait_for 'lathe help' || fail "$1 $2: no help"
	tm send-keys Escape
	wait_for '\[ratio +2\.1:1\]' || { fail "$1 $2: the selected parameter is not bracketed"; tm capture-pane -p; }
	# I is the whole master's, measured in the background after the tweak.
	wait_for '^ I .*[0-9] LUFS( +[^~ ]| *$)' 100 || { fail "$1 $2: no measured I figure"; tm capture-pane -p; }
	tm capture-pane -p >"$4.screen"
	tm send-keys q y
	n=50; while [ ! -f "$T/exit" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	[ "$(cat "$T/exit" 2>/dev/null)" = "EXIT=0" ] || fail "$1 $2: exit $(cat "$T/exit" 2>&1)"
	tm kill-server 2>/dev/null
}

run_console C vt100 "" "$T/ascii"
high=$(LC_ALL=C tr -d '\000-\177' <"$T/ascii" | wc -c)
total=$(wc -c <"$T/ascii")
if [ "$total" -gt 1000 ] && [ "$high" = 0 ]; then
	ok "LANG=C TERM=vt100: $total bytes written, none above 0x7f"
else
	fail "LANG=C TERM=vt100: $high of $total bytes above 0x7f"
fi
grep -Eq '^ I +#+' "$T/ascii.screen" || fail "LANG=C: loudness bars are not drawn in '#'"
grep -Eq '^>comp' "$T/ascii.screen" && ok "LANG=C: the selected module is marked with '>'" ||
	fail "LANG=C: no '>' on the selected module"

run_console C.UTF-8 xterm-256color 1 "$T/nocolor"
# setaf/setab on xterm-256color: ESC [ 3x m, ESC [ 4x m, ESC [ 38;5;n m ...
if LC_ALL=C grep -Eq "$(printf '\033')\\[([0-9;]*;)?(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9;]*)?m" "$T/nocolor"; then
	fail "NO_COLOR: colour sequences were sent"
else
	ok "NO_COLOR: no colour sequence in $(wc -c <"$T/nocolor") bytes"
fi
LC_ALL=C grep -q "$(printf '\342\226')" "$T/nocolor" && ok "UTF-8 locale draws block glyphs" ||
	fail "UTF-8 locale drew no block glyphs"
finish
