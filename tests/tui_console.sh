#!/bin/sh
# The console in a real terminal (tmux): every strip and meter shows, a key
# changes a parameter and the strip shows it, ':save' writes the value to a
# preset, '?' shows the loaded bindings, resizing to 40x10 and back
# relayouts, and 'q' asks about unsaved tweaks, exits 0 and gives the
# terminal back.  Audio goes to an inline ALSA null PCM.
. "$(dirname "$0")/lib.sh"
tmux_setup tui

printf 'pcm.!default { type null }\n' >"$T/asound.conf"

tm new-session -d -x 80 -y 24 "env ALSA_CONFIG_PATH='$T/asound.conf' \
	XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
	LANG=C.UTF-8 TERM=xterm-256color '$LATHE'; echo \"EXIT=\$?\" >'$T/exit'; \
	stty -a >'$T/stty' 2>&1; sleep 30"

check '^ output +on' "the console starts at 80x24"
S=$(tm capture-pane -p)
for m in input hpf eq comp imager limiter output; do
	echo "$S" | grep -Eq "^.$m +(on|OFF) " || fail "no strip for $m"
done
# The strips do not fit 80x24 whole: a strip not selected shows one row
# (the EQ its bands' gains), the selected one its rows (tui_edit.sh).
for p in 'gain' 'slope' 'mid1 \+0\.0dB' 'high \+0\.0dB' 'threshold' 'release' 'xover_high' 'bass_mono' 'lookahead' 'ceiling'; do
	echo "$S" | grep -Eq -- "$p" || fail "parameter $p not on screen"
done
for mtr in '^ L ' '^ R ' '^ M .*LUFS' '^ S .*LUFS' '^ I .*LUFS' 'LRA' 'PLR' '^cmp .*dB GR' '^lim .*dB GR' \
	'Spotify/YT/Tidal -14' 'Apple Music +-16' 'Deezer +-15' 'GR'; do
	echo "$S" | grep -Eq -- "$mtr" || fail "meter /$mtr/ not on screen"
done
echo "$S" | head -1 | grep -Eq '0:[0-9.]+/0:3[0-9]' || fail "header lacks position/duration: $(echo "$S" | head -1)"
[ "$FAILS" = 0 ] && ok "every strip, parameter and meter is on screen"

# Move to comp, down to ratio, one step up: 2 * 1.05 = 2.1.
tm send-keys l l l j +
check '\[ratio +2\.1:1\]' "a key changes comp.ratio and the strip shows 2.1"
check 'no preset\*' "the status line marks unsaved tweaks"

tm send-keys : 'save x' Enter
check 'saved .*x\.ini' "':save x' reports the file"
P="$XDG_CONFIG_HOME/lathe/presets/x.ini"
if [ -f "$P" ] && awk '/^\[/{s=$0} s=="[comp]" && /^ratio *= *2\.1( |$)/{f=1} END{exit !f}' "$P"; then
	ok "x.ini holds [comp] ratio = 2.1"
else
	fail "x.ini lacks comp ratio 2.1: $(cat "$P" 2>&1 | head -40)"
fi
check ' x *$' "the status line names the preset, no longer unsaved"

# The command line: set, a bad set named, load back the saved preset.
tm send-keys : 'set limiter.ceiling -2' Enter
check '\[ceiling +-2\.0dBTP\]' "':set limiter.ceiling -2' shows in the strip"
tm send-keys : 'set comp.bogus 1' Enter
check 'comp\.bogus' "':set comp.bogus 1' is refused, naming the parameter"
tm send-keys : 'load x' Enter
check 'loaded x' "':load x' reports the preset"
check 'ceiling +-1\.0dBTP' "':load x' brings the ceiling back to -1.0"
# History (Up walks back as in a shell) and Tab completion of commands
# and parameter names.
tm send-keys : Up Up Up
check '^:set limiter\.ceiling -2 *$' "Up Up Up on ':' brings back the third-last command"
tm send-keys Enter
check '\[ceiling +-2\.0dBTP\]' "the recalled command runs again"
tm send-keys : 'pres' Tab
check '^:presets *$' "Tab completes 'pres' to presets"
tm send-keys C-u 'set limiter.c' Tab
check '^:set limiter\.ceiling *$' "Tab completes 'limiter.c' to limiter.ceiling"
tm send-keys C-u 'set li' Tab
check '^:set limiter\..*ceiling' "Tab on an ambiguous prefix extends it and lists the matches"
tm send-keys 'ceiling -1' Enter
check '\[ceiling +-1\.0dBTP\]' "the completed command runs"

# The ':' table: a typo gets a suggestion, :load completes preset names,
# the help lists the table's commands.
tm send-keys : 'rendr /tmp/x.wav' Enter
check "unknown command 'rendr': did you mean render\\?" "a mistyped command gets a suggestion"
tm send-keys : 'load stre' Tab
check '^:load streaming *$' "Tab after :load completes a preset's name"
tm send-keys Escape

tm send-keys h h h h
check '\[ratio +2\.1:1\]' "h h h h goes back to comp (past clip, imager and mbcomp), on the parameter last used there"

tm send-keys '?'
check 'lathe help' "'?' opens the help"
S=$(tm capture-pane -p)
echo "$S" | grep -Eq '^ *j down +next parameter' || fail "help lacks the j binding"
echo "$S" | grep -Eq 'u +undo' || fail "help lacks undo"
echo "$S" | grep -Eq ':set MOD\.PARAM VALUE +set a value' || fail "help lacks the :set line of the command table"
tm send-keys Escape
check '^ output +on' "Esc closes the help"
tm send-keys v
check 'lower panel: [A-Za-z ]+ \([0-9]+ of [0-9]+\)' "v names the lower panel's view"
check '^lim ' "the GR history is drawn under the meters"

tm resize-window -x 40 -y 10
check 'terminal too small' "40x10 says the terminal is too small"
tm resize-window -x 80 -y 24
check 'Spotify/YT/Tidal' "back at 80x24 the meters are redrawn"
check '^.limiter +on' "back at 80x24 the strips are redrawn"

# A new tweak, then q: it must ask, and n must keep the console running.
tm send-keys +
check '\[ratio +2\.2:1\]' "a second step reads 2.2"
tm send-keys q
check 'Quit with unsaved tweaks' "q asks when there are unsaved tweaks"
tm send-keys n
sleep 0.3
[ -f "$T/exit" ] && fail "n quit anyway"
tm send-keys u
check '\[ratio +2\.1:1\]' "u undoes the step"
check 'undo: comp\.ratio 2\.2 -> 2\.1' "undo says what it undid"
check ' x *$' "back at the saved value nothing is unsaved"
tm send-keys C-r
check '\[ratio +2\.2:1\]' "Ctrl-R redoes it"
tm send-keys q
check 'Quit with unsaved tweaks' "q asks again"
tm send-keys y
n=50; while [ ! -f "$T/exit" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
if [ "$(cat "$T/exit" 2>/dev/null)" = "EXIT=0" ]; then ok "q exits 0"; else fail "exit: $(cat "$T/exit" 2>&1)"; fi
if grep -Eq '(^| )icanon' "$T/stty" && grep -Eq '(^| )echo( |$)' "$T/stty"; then
	ok "the terminal is restored (icanon, echo)"
else
	fail "terminal not restored: $(cat "$T/stty")"
fi
# The shell's screen is back: the console used the alternate screen.
tm capture-pane -p | grep -q 'Spotify' && fail "the console's screen was left behind"
finish
