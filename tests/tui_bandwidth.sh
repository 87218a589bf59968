#!/bin/sh
# Bytes per second written to an 80x24 terminal while the demo mix plays:
# the console redraws only what changed at a capped frame rate, so it must
# stay under 4 KB/s (usable over a slow SSH link).  No usable ALSA default
# here, so the console plays on its clock-paced silent sink and the meters
# move in real time; the limiter and compressor work hard so their GR
# meters and history move too.  Prints the figure.
. "$(dirname "$0")/lib.sh"
tmux_setup bw
SECONDS_=${LATHE_BW_SECONDS:-3}
LIMIT=4096

printf 'pcm.!default { type hw card 99 }\n' >"$T/asound.conf"

for mode in "C.UTF-8 xterm-256color" "C vt100"; do
	set -- $mode
	new_sock; tm new-session -d -x 80 -y 24 "env ALSA_CONFIG_PATH='$T/asound.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
		LANG=$1 LC_ALL= TERM=$2 '$LATHE' --set limiter.drive=6 --set comp.threshold=-24; sleep 30"
	wait_for 'no audio device: metering only' || { fail "$mode: not on the silent sink"; tm capture-pane -p; }
	# Into the drums (from 4 s on), where every meter moves.
	tm send-keys . 
	wait_for '^ I +[^ ]' || fail "$mode: the meters do not move"
	: >"$T/bytes"
	tm pipe-pane -o "cat >>'$T/bytes'"
	sleep "$SECONDS_"
	tm pipe-pane
	wait_for '[0-9]:[0-9.]+/0:3' 10 || fail "$mode: playback stopped"
	tm capture-pane -p | head -1 | grep -q '0:0[0-9]\|0:1[0-9]\|0:2[0-9]' || fail "$mode: position not advancing"
	bytes=$(wc -c <"$T/bytes")
	rate=$((bytes / SECONDS_))
	if [ "$rate" -gt 200 ] && [ "$rate" -lt "$LIMIT" ]; then
		ok "$mode: $rate bytes/s at 80x24 during playback ($bytes bytes in ${SECONDS_} s)"
	else
		fail "$mode: $rate bytes/s at 80x24 (want 200..$LIMIT: moving meters, but few bytes)"
	fi
	tm kill-server 2>/dev/null
	sleep 0.2
done
finish
