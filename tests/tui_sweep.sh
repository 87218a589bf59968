#!/bin/sh
# The console's drive sweep (real tmux, the ALSA null PCM, paused: nothing
# is played through): the sweep view's figures match `lathe sweep --json`
# of the same file and settings (within 0.05 LU at the drives it names),
# its stop mark sits on the column of stop_drive_db, the over-limiting
# warning shows past the stop point and not at or below it (turning the
# drive does not re-run the sweep), and the side panel's codec true peak
# matches `lathe analyze --codec` of the render within 0.1 dB.
. "$(dirname "$0")/lib.sh"
tmux_setup sweep
printf 'pcm.!default { type null }\n' >"$T/asound.conf"

"$SIGGEN" --seconds 12 --level -6 --seed 7 music "$T/m.wav" || fail "siggen"
"$LATHE" sweep --json "$T/m.wav" >"$T/s.json" || fail "lathe sweep"
STOP=$(json_get stop_drive_db "$T/s.json")
STOP_L=$(json_get stop_lufs "$T/s.json")
# step D: the JSON step's loudness at drive D.
step() { sed -n "s/.*\"drive_db\": $1, \"integrated_lufs\": \([-0-9.]*\).*/\1/p" "$T/s.json" | head -1; }
STOP_I=$(awk -v s="$STOP" 'BEGIN { printf "%d", s }')
[ "$(json_get stop_within_range "$T/s.json")" = true ] && [ "$STOP_I" -ge 3 ] && [ "$STOP_I" -le 15 ] ||
	fail "the test signal's stop point ($STOP dB) should lie inside the sweep, 3 dB below its top or more"
OVER=$(awk -v s="$STOP" 'BEGIN { printf "%.2f", s + 3 }')
UNDER=$(awk -v s="$STOP" 'BEGIN { printf "%.2f", s - 2 }')

new_sock
tm new-session -d -x 80 -y 24 "env ALSA_CONFIG_PATH='$T/asound.conf' \
	XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
	LANG=C.UTF-8 TERM=xterm-256color '$LATHE' --set limiter.drive=$STOP '$T/m.wav'; sleep 30"
check '^ output +on' "the console starts"
tm send-keys space   # paused: the figures come from the background jobs alone
tries=8
while [ $tries -gt 0 ]; do
	tm send-keys v
	wait_for '^drive sweep:' 20 && break
	tries=$((tries - 1))
done
[ $tries -gt 0 ] || fail "v never reached the drive sweep"
check '^drive sweep: .*stop' "the sweep lands" 400
tm capture-pane -p >"$T/screen"
grep -q remeasuring "$T/screen" && fail "a sweep of other settings: $(cat "$T/screen")"

# The figures in words: the stop point, the current drive (at it), the top.
S_D=$(sed -n 's/^drive sweep:.*stop \([-+0-9.]*\) dB .*/\1/p' "$T/screen")
S_L=$(sed -n 's/^drive sweep:.*stop [-+0-9.]* dB \([-0-9.]*\) LUFS.*/\1/p' "$T/screen")
N_L=$(sed -n 's/^now [-+0-9.]* dB \([-0-9.]*\) LUFS.*/\1/p' "$T/screen")
T_D=$(sed -n 's/.*| top \([-+0-9.]*\) dB .*/\1/p' "$T/screen")
T_L=$(sed -n 's/.*| top [-+0-9.]* dB \([-0-9.]*\) LUFS.*/\1/p' "$T/screen")
near "$S_D" "$STOP" 0.05 && ok "stop at $S_D dB, sweep --json $STOP" || fail "stop $S_D dB on screen, sweep --json $STOP"
near "$S_L" "$STOP_L" 0.05 && ok "stop loudness $S_L, sweep $STOP_L" || fail "stop loudness $S_L, sweep $STOP_L"
near "$N_L" "$STOP_L" 0.05 && ok "at the current drive $N_L" || fail "at the current drive $N_L, sweep $STOP_L"
TOP_J=$(step "$(printf '%.2f' "$T_D")")
near "$T_L" "$TOP_J" 0.05 && ok "top $T_D dB: $T_L, sweep $TOP_J" || fail "top $T_D dB: $T_L, sweep $TOP_J"

# The stop mark: under the stop step's column on the axis row (with the
# current drive there too, '*').  Columns: 5 of labels, then one group of
# (80 - 9) / steps cells per step.
NSTEPS=$(grep -c '"drive_db"' "$T/s.json")
COL=$(awk -v i="$STOP_I" -v n="$NSTEPS" 'BEGIN { print 5 + i * int(71 / n) + 1 }')
MARK=$(grep '^drive[0-9]' "$T/screen" | cut -c "$COL")
[ "$MARK" = '*' ] && ok "the stop mark (with the current drive) at column $COL" ||
	fail "column $COL of the axis is '$MARK': $(grep '^drive[0-9]' "$T/screen")"
grep -Eq 'last [0-9.]+ dB drive|drive wasted' "$T/screen" && fail "an over-limiting warning at the stop point" ||
	ok "no over-limiting warning at the stop point"

# The codec column, against analyze --codec of the render.
check 'codec TP mp3 *-?[0-9.]+ opus *-?[0-9.]+ *$' "the codec true peak lands" 600
C_MP3=$(tm capture-pane -p | sed -n 's/.*codec TP mp3 *\(-\{0,1\}[0-9.]*\) opus.*/\1/p')
C_OPUS=$(tm capture-pane -p | sed -n 's/.*codec TP mp3 *-\{0,1\}[0-9.]* opus *\(-\{0,1\}[0-9.]*\).*/\1/p')
"$LATHE" render -q --set limiter.drive="$STOP" "$T/m.wav" -o "$T/r.wav" || fail "render"
A_MP3=$("$LATHE" analyze --codec mp3 "$T/r.wav" | sed -n 's/.*after mp3 [0-9]* kbps \([-0-9.]*\) dBTP.*/\1/p')
A_OPUS=$("$LATHE" analyze --codec opus "$T/r.wav" | sed -n 's/.*after opus [0-9]* kbps \([-0-9.]*\) dBTP.*/\1/p')
near "$C_MP3" "$A_MP3" 0.1 && ok "mp3 true peak $C_MP3, analyze --codec $A_MP3" || fail "mp3 $C_MP3, analyze --codec $A_MP3"
near "$C_OPUS" "$A_OPUS" 0.1 && ok "opus true peak $C_OPUS, analyze --codec $A_OPUS" || fail "opus $C_OPUS, analyze --codec $A_OPUS"

# Past the stop point: the warning, with the loudness the sweep says the
# last 3 dB buy.  The drive alone changed: the same sweep, no re-run.
tm send-keys : "set limiter.drive $OVER" Enter
check 'last 3\.0 dB drive: \+[0-9.]+ LU' "past the stop point the warning shows" 100
BOUGHT=$(tm capture-pane -p | sed -n 's/.*last 3\.0 dB drive: +\([0-9.]*\) LU.*/\1/p' | head -1)
WANT=$(awk -v a="$(step "$(printf '%.2f' "$OVER")")" -v b="$STOP_L" 'BEGIN { printf "%.2f", a - b }')
near "$BOUGHT" "$WANT" 0.06 && ok "the last 3 dB buy $BOUGHT LU (sweep: $WANT)" || fail "the warning says $BOUGHT LU, the sweep $WANT"
tm capture-pane -p | grep -q remeasuring && fail "turning the drive re-ran the sweep" || ok "turning the drive keeps the sweep"
DCOL=$(awk -v i="$STOP_I" -v n="$NSTEPS" 'BEGIN { print 5 + (i + 3) * int(71 / n) + 1 }')
DMARK=$(tm capture-pane -p | grep '^drive[0-9]' | cut -c "$DCOL")
[ "$DMARK" = '|' ] && ok "the current drive marked at column $DCOL" || fail "column $DCOL of the axis is '$DMARK'"

# Below it: none.
tm send-keys : "set limiter.drive $UNDER" Enter
wait_for "limiter on +drive +\\+$(printf '%.1f' "$UNDER")dB" 50
sleep 1
tm capture-pane -p | grep -Eq 'last [0-9.]+ dB drive|drive wasted' && fail "an over-limiting warning below the stop point" ||
	ok "no over-limiting warning below the stop point"

# Another setting: the sweep runs again (and lands again).
tm send-keys : "set input.gain -3" Enter
check 'remeasuring' "a change other than the drive re-runs the sweep" 50
check '^drive sweep: .*(stop [-+0-9.]+ dB [-0-9.]+ LUFS|no stop up to [-+0-9.]+ dB) *$' "the new sweep lands" 400
NEW=$(tm capture-pane -p | sed -n 's/^drive sweep: .*stop\( up to\)\{0,1\} \([-+0-9.]*\) dB.*/\2/p')
"$LATHE" sweep --json --set input.gain=-3 "$T/m.wav" >"$T/s3.json" || fail "lathe sweep, gain -3"
WANT=$(json_get stop_drive_db "$T/s3.json")
near "$NEW" "$WANT" 0.05 && ok "the new stop $NEW dB, sweep --json $WANT" || fail "the new stop $NEW dB, sweep --json $WANT"
tm send-keys q
finish
