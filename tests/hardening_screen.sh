#!/bin/sh
# Hostile names on the console's screen, in a real terminal (tmux): file
# names, a reference, a preset (its file and the name inside it), an ALSA
# device, a keymap's folder, an album file's name and tracks, holding
# escape sequences, newlines, carriage returns, BEL, bytes that are not
# UTF-8, C1 controls, a bidirectional override, wide characters and a
# 250-byte name.  What the console sends the terminal (pipe-pane's raw
# bytes) must hold none of the names' control bytes, and the screen
# (capture-pane) must keep its layout: 30 rows, the header on row 1, the
# chain's strips where a plain name leaves them, one row per track.
. "$(dirname "$0")/lib.sh"
tmux_setup screen
TRIED=0
mkdir -p "$T/n"
cd "$T/n" || exit 1
"$SIGGEN" --seconds 3 music plain.wav || exit 1
long=$(printf '%0240d' 0 | tr 0 L)
# Markers (zq, ZQ...) follow each control byte so that the raw output can
# be searched for the name's own sequence, not for what curses sends.
k=0
for raw in 'osc\033]0;ownedzq\007.wav' 'clr\033[2Jzq.wav' 'two\nlineszq.wav' 'cr\rZQcr.wav' \
	   'bad\377\376utf8.wav' 'c1\302\233[31mzq.wav' 'bidi\342\200\256vaw.wav' 'tab\tbell\007zq.wav' \
	   'wide\344\275\240\345\245\275\344\270\226\347\225\214.wav' "$long.wav"; do
	k=$((k + 1))
	name=$(printf "$raw"; printf '/'); name=${name%/}
	cp plain.wav "$name"
	eval "name$k=\$name"
done
NNAMES=$k
# A preset whose file name and [preset] name hold escapes; a reference; a
# device named with them (ALSA's configuration takes octal escapes); a
# keymap folder (the help page names where the keys came from).
# (A preset file refuses control bytes inside: its name holds a C1 CSI
# and a bidirectional override, its file name the escapes.)
pname=$(printf 'pre\033[2Jzq\007set')
mkdir -p "$T/p"
printf '[preset]\nname = "in\302\233[31mzq\342\200\256side"\nversion = 1\n\n[comp]\nratio = 3\n' >"$T/p/$pname.ini"
ref=$(printf 'ref\033]0;refzq\007.wav'); cp plain.wav "$ref"
printf 'pcm.!default { type hw card 99 }\npcm."dev\\033]0;devzq\\007ice" { type null }\n' >"$T/asound.conf"
dev=$(printf 'dev\033]0;devzq\007ice')
kdir="$T/$(printf 'keys\033[2Jzq')"
mkdir -p "$kdir/lathe"
printf '[keymap]\nversion = 1\n\n[keys]\nh = help\n' >"$kdir/lathe/keymap.ini"

# start ARGS...: the console in a fresh tmux server, its raw output in
# $T/raw.  The command goes through a script: tmux's own command line
# would have to carry the names' control bytes.
start() {
	new_sock; : >"$T/raw"; rm -f "$T/exit"
	printf '%s\n' "sleep 1; cd '$T/n' && ALSA_CONFIG_PATH='$T/asound.conf' XDG_CONFIG_HOME='$kdir' \
		XDG_STATE_HOME='$XDG_STATE_HOME' LANG=${SLANG:-C.UTF-8} TERM=xterm-256color $*; echo EXIT=\$? >'$T/exit'; sleep 60" \
		>"$T/run.sh"
	tm new-session -d -x 100 -y 30 "sh '$T/run.sh'"
	tm pipe-pane -o "cat >>'$T/raw'"
}
# layout WHAT: the screen as a plain name leaves it.
layout() {
	TRIED=$((TRIED + 1))
	tm capture-pane -p >"$T/screen"
	rows=$(wc -l <"$T/screen")
	out_row=$(grep -n '^ output  *on' "$T/screen" | cut -d: -f1)
	bad=""
	[ "$rows" = 30 ] || bad="$bad rows=$rows"
	head -1 "$T/screen" | grep -Eq '^ . [0-9]+:[0-9]{2}\.[0-9]/' || bad="$bad header"
	[ "$out_row" = "$want_out_row" ] || bad="$bad output-strip-row=$out_row"
	# Every track row: a number then a name, none split over two rows.
	nrows=$(grep -Ec '^(▶|>| ) +[0-9]+  ' "$T/screen")
	[ "$nrows" = "$want_rows" ] || bad="$bad track-rows=$nrows (want $want_rows)"
	if [ -z "$bad" ]; then ok "$1: layout kept"; else fail "$1: layout broken:$bad"; cat "$T/screen"; fi
}
# clean WHAT: none of the names' control sequences reached the terminal
# (each searched with the name's own bytes around it: curses itself
# sends ESC, CR and LF).
clean() {
	TRIED=$((TRIED + 1))
	found=""
	for seq in 'osc\033' '\033]0;ownedzq' '\033]0;refzq' '\033]0;devzq' 'clr\033' '\033[2Jzq' 'cr\rZQ' \
		   'tab\tbell' '\007' '\377' '\376' '\302\233' '\342\200\256'; do
		# (doubled backslashes: dash's echo in fail() would obey them)
		LC_ALL=C grep -q "$(printf "$seq")" "$T/raw" 2>/dev/null \
			&& found="$found $(printf '%s' "$seq" | sed 's/\\/\\\\/g')"
	done
	# grep cannot look for a newline: od can.
	od -An -c "$T/raw" | tr -d ' \n' | grep -q 'two\\nlines' && found="$found two\\nlines"
	[ -s "$T/raw" ] || found=" (no output captured)"
	if [ -z "$found" ]; then ok "$1: no control byte of a name reached the terminal ($(wc -c <"$T/raw") bytes)"
	else fail "$1: the terminal was sent:$found"; fi
}

# The screen as plain names leave it: as many tracks, the same lengths
# of list.
plain=""
i=1; while [ $i -le $NNAMES ]; do cp plain.wav "p$i.wav"; plain="$plain p$i.wav"; i=$((i + 1)); done
start "'$LATHE' plain.wav $plain"
wait_for '^ output +on' 300 || { fail "the console did not start"; tm capture-pane -p; finish; }
tm capture-pane -p >"$T/screen"
want_out_row=$(grep -n '^ output  *on' "$T/screen" | cut -d: -f1)
want_rows=$(grep -Ec '^(▶|>| ) +[0-9]+  ' "$T/screen")
tm send-keys : "q!" Enter; sleep 0.5

# Every hostile file name as a track, with the reference, the preset and
# the device: each track made current in turn (header, status line,
# track list), the reference, then the help page.
set -- plain.wav
i=1; while [ $i -le $NNAMES ]; do eval "set -- \"\$@\" \"\$name$i\""; i=$((i + 1)); done
args=""
for a in "$@"; do args="$args '$a'"; done
start "'$LATHE' -p '$T/p/$pname.ini' --reference '$ref' -d '$dev' $args"
want_tracks=$((NNAMES + 1))
if wait_for '^ output +on' 300; then
	layout "$want_tracks hostile tracks, first screen"
	i=1
	while [ $i -le $NNAMES ]; do
		tm send-keys n
		wait_for "^ . [0-9]:[0-9]{2}\\.[0-9]/[0-9:.]+ +$((i + 1))/$want_tracks " 100
		layout "track $((i + 1)) current (name $i)"
		i=$((i + 1))
	done
	tm send-keys r; sleep 1; layout "the reference"
	tm send-keys h; sleep 1; tm capture-pane -p >"$T/help"
	TRIED=$((TRIED + 1))
	grep -q 'keys.*zq' "$T/help" && ok "help page: the keymap's folder named, escaped" \
		|| { fail "help page: no keymap folder shown"; cat "$T/help"; }
	tm send-keys h; sleep 0.5
	tm send-keys : "q!" Enter
	sleep 1
	clean "hostile tracks, reference, preset, device, keymap folder"
else
	fail "the console did not start with hostile names"; tm capture-pane -p
fi

# An album file: its name and its tracks' names hostile, in the bytes an
# album file takes (it refuses control bytes: that is tested elsewhere).
aname=$(printf 'alb\302\233[31mzq\342\200\256um\377')
{ printf '[album]\nname = "%s"\nversion = 1\n' "$aname"
  t=0; for i in 5 6 7 10; do t=$((t + 1)); eval "printf '\n[track%d]\nfile = \"%s\"\n' $t \"\$name$i\""; done
} >"$T/n/album.ini"
start "'$LATHE' album.ini"
want_rows=4
if wait_for '^ output +on' 300; then
	layout "album of hostile names"
	tm send-keys n; sleep 1; tm send-keys n; sleep 1
	layout "album, track 3"
	tm send-keys : "q!" Enter; sleep 1
	clean "album of hostile names"
else
	TRIED=$((TRIED + 1)); fail "the console did not start on the album"; tm capture-pane -p
fi

# A plain ASCII terminal (LANG=C): every byte outside ASCII is a '?', so
# the terminal is sent no byte above 127 at all.
SLANG=C
start "'$LATHE' plain.wav '$name3' '$name5' '$name6' '$name7' '$name10'"
want_rows=6
if wait_for '^ output +on' 300; then
	layout "ASCII terminal, hostile names"
	tm send-keys n; sleep 1; tm send-keys n; sleep 1
	layout "ASCII terminal, track 3"
	tm send-keys : "q!" Enter; sleep 1
	clean "ASCII terminal"
	TRIED=$((TRIED + 1))
	LC_ALL=C grep -q "$(printf '[\200-\377]')" "$T/raw" && fail "ASCII terminal: a byte above 127 was sent" \
		|| ok "ASCII terminal: no byte above 127 sent ($(wc -c <"$T/raw") bytes)"
else
	TRIED=$((TRIED + 1)); fail "the console did not start in an ASCII terminal"; tm capture-pane -p
fi
SLANG=

echo "screen: $TRIED cases tried, $FAILS misbehaved"
finish
