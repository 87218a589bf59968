#!/bin/sh
# Editing values in a real terminal (tmux): Enter on a parameter opens a
# field with its value, Enter sets what was typed (clamped, said once when
# out of range) as one undo step, Esc leaves it; coarse steps keep the
# parameter's grid.  Audio goes to an inline ALSA null PCM.
. "$(dirname "$0")/lib.sh"
tmux_setup edit

printf 'pcm.!default { type null }\n' >"$T/asound.conf"
tm new-session -d -x 80 -y 24 "env ALSA_CONFIG_PATH='$T/asound.conf' \
	XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
	LANG=C.UTF-8 TERM=xterm-256color '$LATHE'; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
check '^ output +on' "the console starts at 80x24"

# input.gain is selected at the start.
tm send-keys Enter
check '^input\.gain = 0 +dB +\(-24 to 24; Enter sets, Esc cancels\)' "Enter opens a field with the value"
tm send-keys 3 . 5 Enter
check '\[gain +\+3\.5dB\]' "typing 3.5 and Enter sets input.gain"
check 'input\.gain \+0\.0 -> \+3\.5dB \(u undoes\)' "the status line says what changed"
tm send-keys Enter 9 9 Enter
check '\[gain \+24\.0dB\]' "99 is clamped to the range's top"
check 'input\.gain: 99 is out of range \(-24 to 24 dB\): set to \+24\.0' "and the clamp is said"
tm send-keys Enter x Enter
check "input\\.gain: 'x' is not a number" "a word is refused"
check '^input\.gain = x' "and the field stays open"
tm send-keys Escape
check 'input\.gain: unchanged' "Esc leaves the value"
check '\[gain \+24\.0dB\]' "as it was"
tm send-keys u
check '\[gain +\+3\.5dB\]' "u undoes the typed value in one step"
tm send-keys u
check '\[gain +\+0\.0dB\]' "and the one before"

# Coarse steps stay on the parameter's 0.1 dB grid: 0.3, } + + gives 1.5.
tm send-keys Enter 0 . 3 Enter '}' + +
check '\[gain +\+1\.5dB\]' "0.3, } + + reads +1.5 dB"

tm send-keys : 'q!' Enter
n=100
while [ ! -f "$T/exit" ] && [ "$n" -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
grep -q 'EXIT=0' "$T/exit" 2>/dev/null && ok "the console quits with 0" || fail "exit: $(cat "$T/exit" 2>&1)"
finish
