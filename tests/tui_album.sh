#!/bin/sh
# An album file in the console (tmux, 80x24, the clock-paced silent sink):
# the album's target is applied on open, every track, in the background
# (as ':target LUFS all'), and the status line says so; the status line
# names the preset the album file (or a track of it) loaded.
. "$(dirname "$0")/lib.sh"
tmux_setup album

printf 'pcm.!default { type hw card 99 }\n' >"$T/asound.conf"
start() { # start ARGS...: the console in a new server, in $T
	rm -f "$T/exit"
	new_sock; tm new-session -d -x 80 -y 24 -c "$T" "env ALSA_CONFIG_PATH='$T/asound.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
		LANG=C.UTF-8 TERM=xterm-256color '$LATHE' $* 2>'$T/stderr'; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
	wait_for '^ output +on' 100 || { fail "console did not start ($*)"; tm capture-pane -p; cat "$T/stderr"; }
}
"$SIGGEN" --seconds 10 --level -12 music "$T/a.wav" || fail "siggen a.wav"
"$SIGGEN" --seconds 8 --level -10 music "$T/b.wav" || fail "siggen b.wav"

# 1. target and preset from the album file; track 2 has its own preset.
printf '[album]\nname = T\nversion = 1\ntarget = -14\npreset = glue\n[track1]\nfile = a.wav\n[track2]\nfile = b.wav\npreset = warm\n' >"$T/album.ini"
start album.ini
# The search may be over before the first look: its own line, the job's
# progress or a track's result all show it ran with nothing typed.
check 'album target -14\.0 LUFS: searching|target -14\.0 LUFS: [a-z]+ track [12]|target -14\.0 track [12]: drive' \
	"the album's target starts on open, and the status line says so" 100
check ' glue\*? *$' "the status line names the album's preset, glue"
# Both tracks searched, one after the other; each lands on the target.
check 'target -14\.0 track 2: drive [-+0-9.]+ dB, lands at -1[34]\.[0-9]+ LUFS' \
	"track 2 is brought to the album's target too" 600
l=$(tm capture-pane -p | sed -n 's/.*lands at \(-[0-9.]*\) LUFS.*/\1/p' | head -1)
near "$l" -14 0.1 && ok "track 2 lands at $l LUFS" || fail "track 2 lands at '$l', not -14"
tm send-keys n
check ' warm\*? *$' "track 2's status line names its own preset, warm"
tm send-keys p
check ' glue\*? *$' "back on track 1: glue"
# The drive was set: track 1's limiter drive is no longer 0.
tm send-keys : 'target -14' Enter
check 'target -14\.0: drive [-+0-9.]+ dB|target -14\.0 track 1: drive' "':target' after the album's agrees" 600
tm send-keys q
sleep 1
tm send-keys y

# 2. No target in the file: nothing is searched; a --preset names itself.
printf '[album]\nname = T\nversion = 1\n[track1]\nfile = a.wav\n[track2]\nfile = b.wav\n' >"$T/plain.ini"
start --preset loud plain.ini
check ' loud\*? *$' "--preset with an album file: the status line names it"
sleep 2
tm capture-pane -p | grep -Eq 'target -14|album target' && fail "a target search without a target" ||
	ok "no target in the album file: no search"
tm send-keys q

finish
