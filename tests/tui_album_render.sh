#!/bin/sh
# ':render DIR' in an album renders every track as `lathe render
# ALBUM.ini -o DIR` does: the same names and the same bytes (tags, fades,
# dither seeds, the loudness search), with a report line per track;
# ':cancel' stops it and leaves no temporary files.  tmux, 80x24, the
# clock-paced silent sink.
. "$(dirname "$0")/lib.sh"
tmux_setup album_render

printf 'pcm.!default { type hw card 99 }\n' >"$T/asound.conf"
"$SIGGEN" --seconds 20 --level -12 music "$T/a.wav" || fail "siggen a.wav"
"$SIGGEN" --seconds 16 --level -8 --seed 2 music "$T/b.wav" || fail "siggen b.wav"
cat >"$T/album.ini" <<EOF2
[album]
name = Render All
version = 1
target = -14
format = flac
bits = 16
artist = The Testers
[track1]
file = a.wav
output = 01 First
title = First
[track2]
file = b.wav
title = Second
gap = 1
fade_out = 3
EOF2

new_sock
tm new-session -d -x 80 -y 24 -c "$T" "env ALSA_CONFIG_PATH='$T/asound.conf' \
	XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
	LANG=C.UTF-8 TERM=xterm-256color '$LATHE' album.ini 2>'$T/stderr'; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
wait_for '^ output +on' 100 || { fail "console did not start"; tm capture-pane -p; cat "$T/stderr"; }
check 'target -14\.0 track 2: drive' "the album's target is searched on open, track 2 last" 600
tm send-keys : "render $T/out" Enter
check 'album render: track [12]/2|track 1/2 .*01 First\.flac: -1[34]\.[0-9] LUFS|album rendered' \
	"':render DIR' renders the album in the background" 100
check 'track 1/2 .*01 First\.flac: -1[34]\.[0-9] LUFS, true peak -[0-9.]+ dBTP|album rendered' \
	"a report line for track 1" 600
check "album rendered into $T/out: 2 tracks" "the album render finishes" 600
grep -q 'album render: track 2 .*b\.flac: -1[34]\.[0-9]* LUFS, true peak' "$XDG_STATE_HOME/lathe/lathe.log" &&
	ok "the log has the report line of track 2" || fail "no report of track 2 in the log: $(grep 'album render' "$XDG_STATE_HOME/lathe/lathe.log")"

"$LATHE" render -q "$T/album.ini" -o "$T/cli" 2>"$T/cli.err" || fail "lathe render album.ini: $(cat "$T/cli.err")"
n=0
for f in "$T"/cli/*; do
	b=$(basename "$f")
	if cmp -s "$f" "$T/out/$b"; then n=$((n + 1)); else fail "$b: the console's differs from the command line's"; fi
done
[ "$n" = 2 ] && [ "$(ls "$T/out" | wc -l)" = 2 ] &&
	ok "both masters byte-identical to lathe render's, same names: $(ls "$T/out" | tr '\n' ' ')" ||
	fail "$n of 2 identical; console wrote: $(ls "$T/out" | tr '\n' ' '), CLI: $(ls "$T/cli" | tr '\n' ' ')"

# Cancelled at once: nothing half-written under any name.
tm send-keys : "render $T/out2" Enter : cancel Enter
# The first render's "album rendered into .../out" may still be on the
# status line: only this render's own end counts.
check 'album render cancelled: [0-2] of 2 tracks finished|album rendered into .*out2' "':cancel' stops the album render" 300
if tm capture-pane -p | grep -q 'album render cancelled'; then
	left=$(ls -A "$T/out2" 2>/dev/null | grep -v -x -e 'a\.flac' -e '01 First\.flac' -e 'b\.flac')
	[ -z "$left" ] && ok "cancelled: no temporary files left ($(ls -A "$T/out2" 2>/dev/null | wc -l) finished masters)" ||
		fail "cancelled render left: $left"
else
	ok "the render finished before ':cancel' reached it (nothing to check)"
fi
tm send-keys : cancel Enter
check 'nothing runs in the background' "':cancel' with nothing running says so"
tm send-keys : 'q!' Enter
finish
