#!/bin/sh
# The console's figures are the master's: on music with a quiet intro, the
# I row, LRA and PLR match `lathe analyze` of the render with the same
# settings within 0.1 (as shown, to one decimal), without the track being
# played through; a settings change marks I as being measured (~) until
# the new figure lands; the track list shows each track's figure; the
# platform column uses the figure.
. "$(dirname "$0")/lib.sh"
tmux_setup master
printf 'pcm.!default { type null }\n' >"$T/asound.conf"

# 8 s of quiet music, then 16 s loud: what plays first is unlike the whole.
"$SIGGEN" --seconds 8 --level -34 --seed 3 music "$T/intro.wav" || fail "siggen intro"
"$SIGGEN" --seconds 16 --level -10 --seed 4 music "$T/body.wav" || fail "siggen body"
ffmpeg -v error -i "$T/intro.wav" -i "$T/body.wav" -filter_complex concat=n=2:v=0:a=1 \
	-c:a pcm_s24le "$T/song.wav" || fail "ffmpeg concat"
"$SIGGEN" --seconds 12 --level -18 --seed 5 music "$T/other.wav" || fail "siggen other"

start() {
	new_sock
	tm new-session -d -x 80 -y 24 "env ALSA_CONFIG_PATH='$T/asound.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
		LANG=C.UTF-8 TERM=xterm-256color '$LATHE' $*; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
	check '^ output +on' "the console starts on $*"
}
# screen_num PATTERN: the first number after PATTERN on the screen.
screen_num() {
	tm capture-pane -p | sed -n "s/$1 *\(-\{0,1\}[0-9][0-9.]*\).*/\1/p" | head -1
}

start "'$T/song.wav'"
tm send-keys space   # paused at once: nothing is played through
tm send-keys : 'set limiter.drive 7' Enter
check '^ I .*LUFS ~' "a change marks I as being measured" 30
check '^ I .*[0-9] LUFS( +[^~ ]| *$)' "the new figure lands" 150
I=$(screen_num '^ I [^-]*')
LRA=$(screen_num '.*LRA')
PLR=$(screen_num '.*PLR')
SPOT=$(tm capture-pane -p | sed -n 's/.*Spotify\/YT\/Tidal -14 *\([-+][0-9.]*\).*/\1/p' | head -1)
tm send-keys q y
"$LATHE" render -q --set limiter.drive=7 "$T/song.wav" -o "$T/render.wav" || fail "render"
"$LATHE" analyze --json "$T/render.wav" >"$T/a.json" || fail "analyze"
AI=$(json_get integrated_lufs "$T/a.json")
ALRA=$(json_get lra_lu "$T/a.json")
APLR=$(json_get plr_db "$T/a.json")
near "$I" "$AI" 0.1 && ok "I $I LUFS, analyze of the render $AI" || fail "I $I LUFS, analyze says $AI"
near "$LRA" "$ALRA" 0.15 && ok "LRA $LRA LU, analyze $ALRA" || fail "LRA $LRA LU, analyze says $ALRA"
near "$PLR" "$APLR" 0.15 && ok "PLR $PLR dB, analyze $APLR" || fail "PLR $PLR dB, analyze says $APLR"
WANT=$(awk -v i="$AI" 'BEGIN { printf "%.1f", -14 - i }')
near "$SPOT" "$WANT" 0.1 && ok "Spotify column $SPOT dB from the figure" || fail "Spotify column $SPOT, want $WANT"

# Two tracks: the list shows both tracks' figures, the second one never played.
start "'$T/song.wav' '$T/other.wav'"
tm send-keys space
check ' 2 +other\.wav +-[0-9.]+ ' "the track list shows a track never played" 150
L2=$(tm capture-pane -p | sed -n 's/.* 2  *other\.wav  *\(-[0-9.]*\) .*/\1/p' | head -1)
"$LATHE" render -q "$T/other.wav" -o "$T/other-r.wav" && "$LATHE" analyze --json "$T/other-r.wav" >"$T/o.json" || fail "analyze other"
AO=$(json_get integrated_lufs "$T/o.json")
near "$L2" "$AO" 0.1 && ok "track 2 lists $L2 LUFS, analyze $AO" || fail "track 2 lists $L2, analyze says $AO"
tm send-keys q
finish
