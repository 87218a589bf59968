#!/bin/sh
# What the console renders is what the command line renders: tweak in the
# console, ':render PATH' in the background while playback goes on, and
# the file is byte-identical to `lathe render` with the same settings
# given as --set.  ':target -14' then lands the drive on -14 LUFS.
. "$(dirname "$0")/lib.sh"
tmux_setup render
printf 'pcm.!default { type hw card 99 }\n' >"$T/asound.conf"
"$SIGGEN" --seconds 8 music "$T/mix.wav" || exit 1

tm new-session -d -x 100 -y 30 "cd '$T' && env ALSA_CONFIG_PATH='$T/asound.conf' \
	XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
	LANG=C.UTF-8 TERM=xterm-256color '$LATHE' mix.wav; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
check '^ output +on' "the console starts on mix.wav"
tm send-keys : 'set comp.threshold -20' Enter
tm send-keys : 'set eq.high_gain 2' Enter
tm send-keys : 'set limiter.drive 3' Enter
check 'drive +\+3\.0dB' "three :set commands show on the strips"
tm send-keys : "render $T/console.wav" Enter
check "rendered .*console\.wav" "':render' finishes in the background" 200
"$LATHE" render -q --set comp.threshold=-20 --set eq.high_gain=2 --set limiter.drive=3 \
	"$T/mix.wav" -o "$T/cli.wav" || fail "command-line render"
if cmp -s "$T/console.wav" "$T/cli.wav"; then ok "console and command-line renders are byte-identical"
else fail "console render differs from the command-line render"; fi

tm send-keys : 'target -14' Enter
check 'target -14.0: drive .* lands at -1(4\.0|3\.9)[0-9]* LUFS' "':target' finishes its search in the background" 200
tm send-keys : "render $T/t.wav" Enter
check "rendered .*t\.wav" "render after ':target'" 200
check "rendered .*t\.wav: -1[34]\.[0-9] LUFS, true peak -[0-9.]+ dBTP" "':render' reports loudness and true peak" 100
"$LATHE" analyze --json "$T/t.wav" >"$T/t.json"
i=$(json_get integrated_lufs "$T/t.json")
near "$i" -14 0.1 && ok "':target -14' lands at $i LUFS" || fail "':target -14' lands at $i LUFS"
tm send-keys q
wait_for 'Quit with unsaved' && tm send-keys y
finish
