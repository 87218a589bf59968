#!/bin/sh
# The audio device fails mid-play (an ALSA file PCM writing to /dev/full:
# every write fails once the device runs): playback stops, the header says
# what happened, the console stays up and keeps its tweaks, q exits 0.
# The same device under `lathe play` exits 4 with one line.
. "$(dirname "$0")/lib.sh"
tmux_setup devfail
printf 'pcm.full { type file; slave.pcm { type null }; file "/dev/full"; format "raw" }\n' >"$T/asound.conf"
"$SIGGEN" --seconds 20 music "$T/mix.wav" || exit 1

expect_status 4 "lathe play on a failing device" env ALSA_CONFIG_PATH="$T/asound.conf" \
	"$LATHE" play -d full "$T/mix.wav"
grep -q "full" "$T/err" || fail "the message does not name the device: $(cat "$T/err")"

tm new-session -d -x 80 -y 24 "env ALSA_CONFIG_PATH='$T/asound.conf' \
	XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
	LANG=C.UTF-8 TERM=xterm-256color '$LATHE' -d full '$T/mix.wav'; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
check 'full was lost' "the header says the device was lost" 100
check '^ output +on' "the console is still up"
tm send-keys l l l j +
check '\[ratio +2\.1:1\]' "keys still work after the failure"
tm send-keys q
wait_for 'Quit with unsaved' && tm send-keys y
n=50; while [ ! -f "$T/exit" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
grep -q 'EXIT=0' "$T/exit" 2>/dev/null && ok "q exits 0" || fail "exit: $(cat "$T/exit" 2>/dev/null)"
finish
