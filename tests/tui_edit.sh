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

# Two dimensions: the EQ is a grid of bands (columns) by rows; l l
# reaches it, j goes down the low band's column to gain, H goes round to
# the high band's gain: four keys from the start to eq.high_gain.
tm send-keys g d l l j H
check '^.eq +on +low +mid1 +mid2 +mid3 +high *$' "the EQ shows its bands as columns"
check '^ +gain +\+0\.0dB +\+0\.0dB +\+0\.0dB +\+0\.0dB +\[\+0\.0dB\]' "l l j H selects eq.high_gain"
tm send-keys Enter 1 . 5 Enter
check '^ +gain +\+0\.0dB( +\+0\.0dB){3} +\[\+1\.5dB\]' "Enter 1.5 Enter sets it in its cell"
check 'eq\.high_gain \+0\.0 -> \+1\.5dB' "and the status names the parameter"
tm send-keys L
check '^ +gain +\[\+0\.0dB\]' "L goes round to the low band"
S=$(tm capture-pane -p)
for m in input hpf eq comp mbcomp imager clip limiter output; do
	echo "$S" | grep -Eq "^.$m +(on|OFF) " || fail "80x24 with the EQ open: no strip for $m"
done
echo "$S" | grep -Eq '^ +freq +100Hz +250Hz +1\.00kHz +4\.00kHz +10\.0kHz' || fail "no frequency row: $S"
echo "$S" | grep -Eq '^ +q +0\.71 +0\.70' || fail "no Q row"
echo "$S" | grep -Eq '^ I .*LUFS' || fail "the meters lost their I row"
# Down the column past what fits: the rows scroll, the header stays.
tm send-keys j j j j j
check '^.? +dyn att +\[5\.0ms\]' "j down the column scrolls to dyn attack"
check '^.eq +on +low +mid1' "with the band names still on top"
tm send-keys l l
check '^ eq +on +low \+0\.0dB +mid1 \+0\.0dB +mid2 \+0\.0dB +mid3 \+0\.0dB +high \+1\.5dB' "collapsed, the EQ shows each band's gain"
check '^.mbcomp +OFF.*xover_low +200Hz.*xover_high' "l l reaches the multiband, on its crossovers"
check '^ +threshold +-20\.0dB +-20\.0dB +-20\.0dB' "its bands in columns"
check 'low +GR +0\.0 +mid +GR +0\.0 +high' "with each band's gain reduction" 10
S=$(tm capture-pane -p)
for m in input hpf eq comp mbcomp imager clip limiter output; do
	echo "$S" | grep -Eq "^.$m +(on|OFF)" || fail "80x24 with the multiband open: no strip for $m: $S"
done
tm send-keys j j H
check '^ +threshold +-20\.0dB +-20\.0dB +\[-20\.0dB\]' "j from the crossovers goes into the grid, H round to high"

# :load says what it changed: glue moves five comp values and the
# limiter's release, and the high shelf set above goes back to 0.
tm send-keys : 'load glue' Enter
check 'loaded glue: 7 changes: eq\.high_gain \+1\.5 -> \+0\.0 and 6 more values' "':load glue' names what it changed, what fits in 80 columns"
grep -q 'load glue (.*glue.ini): eq.high_gain +1.5 -> +0.0, comp.threshold 0.0 -> -20.0, comp.ratio 2.0 -> 1.5, comp.attack 10.0 -> 30.0, comp.makeup +0.0 -> +1.5, comp.sc_hpf 60.0 -> 90.0, limiter.release 7.0 -> 12.0' \
	"$XDG_STATE_HOME/lathe/lathe.log" && ok "and the log all seven" || fail "the log lacks the seven changes: $(grep 'load glue' "$XDG_STATE_HOME/lathe/lathe.log")"

tm send-keys i
check 'played loudness: counting afresh from here' "i counts the played loudness afresh"

# The console's target range is the command line's.
tm send-keys : 'target -70' Enter
check 'target LUFS \[all\] \(-60 to 0' "':target -70' is refused with the CLI's range"
"$LATHE" render --target -70 "$T/none.wav" -o "$T/x.wav" 2>"$T/err"
grep -q 'out of range (-60 to 0)' "$T/err" && ok "as --target -70 is" || fail "--target -70: $(cat "$T/err")"

tm send-keys : 'q!' Enter
n=100
while [ ! -f "$T/exit" ] && [ "$n" -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
grep -q 'EXIT=0' "$T/exit" 2>/dev/null && ok "the console quits with 0" || fail "exit: $(cat "$T/exit" 2>&1)"

# A search long enough to watch names its phases as it goes.
ffmpeg -v error -f lavfi -i "anoisesrc=d=240:a=0.2:seed=7" -ac 2 -ar 44100 "$T/noise.wav" ||
	fail "ffmpeg could not make the noise"
new_sock
tm new-session -d -x 80 -y 24 "env ALSA_CONFIG_PATH='$T/asound.conf' \
	XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
	LANG=C.UTF-8 TERM=xterm-256color '$LATHE' --target -14 '$T/noise.wav'; sleep 30"
check 'target -14\.0 LUFS: measuring +[0-9]+%' "the target search says it is measuring" 300
# The model-based search that follows is too quick to watch for sure.
check 'target -14\.0 LUFS: searching +[0-9]+%|target -14\.0: drive [-+]?[0-9.]+ dB, lands at' "then searching, then done" 600
tm kill-server

# The platform monitor says how far it turns a loud master down: the
# whole master's I less -14.
new_sock
tm new-session -d -x 80 -y 24 "env ALSA_CONFIG_PATH='$T/asound.conf' \
	XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
	LANG=C.UTF-8 TERM=xterm-256color '$LATHE' --set limiter.drive=10; sleep 30"
check '^ I .* -[0-9.]+ LUFS +' "the master's I is measured" 300
wait_for '^ I .* -[0-9.]+ LUFS ~' 1 && sleep 3
I=$(tm capture-pane -p | sed -n 's/^ I .* \(-[0-9.]*\) LUFS.*/\1/p')
want=$(awk -v i="$I" 'BEGIN { printf "%.1f", i + 14 }')
tm send-keys 7
check "platform monitor: -$want dB, as at -14 LUFS" "7: the platform monitor says it turns I $I down $want dB"
check "mon:platform -$want""dB" "and the status line keeps the figure"
tm kill-server
finish
