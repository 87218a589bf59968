#!/bin/sh
# The lower panel's analysis views in a real terminal (tmux), while the
# demo mix plays on the silent sink: each view at 80x24 and 120x40, in
# UTF-8 and in plain ASCII (LANG=C, TERM=vt100: not one byte above 0x7f),
# with what each must show; at 80x24 the bytes each view sends during
# playback (pipe-pane), under 4 KB/s; :spectrum pre, :seek and a mouse
# click on the overview.  LATHE_VIEWS_SAVE=DIR keeps the screens.
. "$(dirname "$0")/lib.sh"
tmux_setup views
LIMIT=4096
BW_S=${LATHE_BW_SECONDS:-3}
SAVE=${LATHE_VIEWS_SAVE:-}
[ -n "$SAVE" ] && mkdir -p "$SAVE"

printf 'pcm.!default { type hw card 99 }\n' >"$T/asound.conf"

start() { # W H LANG TERM (a state folder of its own: no earlier run's session)
	new_sock; tm new-session -d -x "$1" -y "$2" "env ALSA_CONFIG_PATH='$T/asound.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME/$1x$2-$3' \
		LANG=$3 LC_ALL= LC_CTYPE= TERM=$4 ESCDELAY=1000 '$LATHE' --set limiter.drive=6 \
		--set hpf.freq=60 --set eq.mid1_gain=-4 --set eq.high_gain=3; sleep 60"
	wait_for 'no audio device: metering only' 100 || { fail "$1x$2 $3: console did not start"; tm capture-pane -p; return 1; }
	# A leftover session's restore prompt would take the keys.
	tm capture-pane -p | grep -q 'Restore the session' && tm send-keys n
	tm send-keys .   # into the drums, playing
	wait_for '^ (▶|>) 0:0[4-9]' 100 || fail "$1x$2 $3: not playing"
}

# view NAME [TITLE]: v until NAME is the panel: the status line says so, or
# (when a warning has already taken the status line) the view's own title
# is on screen.
view() {
	tries=6   # (wait_for uses n)
	while [ $tries -gt 0 ]; do
		tm send-keys v
		wait_for "lower panel: $1 ${2:+|$2}" 30 && break
		tries=$((tries - 1))
	done
	[ $tries -gt 0 ] || { fail "$TAG: v never reached $1"; return 1; }
}

shot() { # NAME
	tm capture-pane -p >"$T/screen"
	[ -n "$SAVE" ] && cp "$T/screen" "$SAVE/$TAG-$1.txt"
	return 0
}

# bw NAME: bytes per second sent while the view is shown (80x24 only).
bw() {
	: >"$T/bytes"
	tm pipe-pane -o "cat >>'$T/bytes'"
	sleep "$BW_S"
	tm pipe-pane
	bytes=$(wc -c <"$T/bytes"); rate=$((bytes / BW_S))
	if [ "$rate" -lt "$LIMIT" ]; then
		ok "$TAG $1: $rate bytes/s during playback ($bytes in ${BW_S} s)"
	else
		fail "$TAG $1: $rate bytes/s during playback (limit $LIMIT)"
	fi
	if [ "$ASCII" = 1 ]; then
		high=$(LC_ALL=C tr -d '\000-\177' <"$T/bytes" | wc -c)
		[ "$high" = 0 ] || fail "$TAG $1: $high bytes above 0x7f in ASCII"
	fi
	echo "$rate" >>"$T/rates"
}

# has PATTERN WHAT: on the last shot.
has() {
	if grep -Eq -- "$1" "$T/screen"; then ok "$TAG: $2"; else fail "$TAG: $2: no /$1/ in"; cat "$T/screen"; fi
}

for size in "80 24" "120 40"; do
	for mode in "C.UTF-8 xterm-256color 0" "C vt100 1"; do
		set -- $size $mode
		W=$1; H=$2; ASCII=$5; TAG="${W}x${H} $3"
		start "$W" "$H" "$3" "$4" || continue
		if [ "$ASCII" = 1 ]; then BAR='#|=|-|\.'; else BAR='[▁▂▃▄▅▆▇█]'; fi

		view spectrum '^ *spectrum (post|pre) '
		sleep 2.5   # the long frame fills (1.4 s) and the slow bars settle
		[ "$W" = 80 ] && bw spectrum
		shot spectrum
		has 'spectrum post \(output\)' "spectrum: titled, post by default"
		has '^ Hz .*100 .*1k .*10k' "spectrum: frequency labels on a log axis"
		has '^ +-[0-9]+ ' "spectrum: a dB scale"
		grep -A"$((H - 3))" 'spectrum post' "$T/screen" | grep -Eq -- "$BAR{3}" &&
			ok "$TAG: spectrum: bars are drawn" || { fail "$TAG: spectrum: no bars"; cat "$T/screen"; }

		view stereo '^ *stereo: correlation'
		sleep 1.5
		[ "$W" = 80 ] && bw stereo
		shot stereo
		has '^correlation .* [+-][01]\.[0-9][0-9] play [+-][01]\.[0-9][0-9]' "stereo: live and whole-play correlation"
		has '^balance L-R .* [LRC] [0-9]+\.[0-9] dB' "stereo: balance"
		has '^low <150 .* [+-][01]\.[0-9][0-9] width' "stereo: the bass range"
		has '^high >5k .* [+-][01]\.[0-9][0-9]' "stereo: the high range"

		view 'loudness over time' '^ *loudness  S '
		sleep 1
		[ "$W" = 80 ] && bw loudness
		shot loudness
		has 'loudness  S -[0-9.]+ bars \((whole|as played)' "loudness: short-term figure"
		has 'target -14 LUFS' "loudness: the target"
		has '^LUFS0:00\.0 .*0:32\.0' "loudness: the track's time axis"
		grep -A"$((H - 3))" 'loudness  S' "$T/screen" | grep -Eq -- "$BAR" &&
			ok "$TAG: loudness: the played part is drawn" || fail "$TAG: loudness: nothing drawn"

		view overview '^ *row: '
		sleep 1
		[ "$W" = 80 ] && bw overview
		shot overview
		has '^0:00\.0 +at 0:[0-9.]+ +loop off +0:32\.0' "overview: times and loop state"
		# :seek moves the play position the overview shows
		tm send-keys : 's' 'e' 'e' 'k' ' ' '2' '5' Enter
		check 'at 0:2[5-9]' "$TAG: overview follows :seek 25"
		# a click on the envelope row seeks (SGR mouse report, column 8 of 80 = 10% in);
		# ESCDELAY=1000 above: under load tmux once wrote the report in pieces
		# more than 25 ms apart, and its bytes ran as keys.  Only where the
		# terminal has a mouse: vt100's terminfo has none, so the console asks
		# for no reports there and tmux would send none (a report sent anyway
		# ran as keys: '0' seeks to the start, and the play past 0:03 once
		# passed this check by accident).
		flags=$(tm display -p '#{mouse_any_flag}#{mouse_sgr_flag}')
		y=$(grep -n '^0:00\.0 ' "$T/screen" | head -1 | cut -d: -f1)
		if [ "$4" = vt100 ]; then
			[ "$flags" = 00 ] && ok "$TAG: no mouse in vt100's terminfo: no clicks asked for" ||
				fail "$TAG: vt100: mouse reports asked for ($flags)"
		elif [ "$flags" != 11 ]; then
			fail "$TAG: the overview asks for no SGR mouse reports ($flags)"
		elif [ -n "$y" ]; then
			col=$((W / 10 + 1)); row=$((y - 1))
			tm send-keys -l "$(printf '\033[<0;%d;%dM\033[<0;%d;%dm' "$col" "$row" "$col" "$row")"
			check 'at 0:0[3-5]' "$TAG: a click at 10% of the row seeks to 0:03.2" 20
		else
			fail "$TAG: no envelope row to click on"
		fi
		tm send-keys : 's' 'p' 'e' 'c' 't' 'r' 'u' 'm' ' ' 'p' 'r' 'e' Enter
		check "spectrum: the chain's input" "$TAG: :spectrum pre"
		view spectrum '^ *spectrum (post|pre) '
		sleep 0.6
		shot spectrum-pre
		has 'spectrum PRE \(input\)' "spectrum: the input on request"
		view 'GR history'
		shot gr
		has '^cmp' "GR history stays a view"
		tm kill-server 2>/dev/null
		sleep 0.2
	done
done
[ -f "$T/rates" ] && echo "bytes/s per view at 80x24: $(tr '\n' ' ' <"$T/rates")"
finish
