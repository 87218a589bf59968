#!/bin/sh
# The GR bars hold their deepest reading for a moment, as the peak bars
# do: with the limiter driven hard on the demo mix (on the clock-paced
# silent sink, so it plays in real time), the limiter row shows a hold
# mark beyond the live bar while the bar has fallen back, in UTF-8 and in
# plain ASCII.
. "$(dirname "$0")/lib.sh"
tmux_setup grhold
printf 'pcm.!default { type hw card 99 }\n' >"$T/nocard.conf"

for lang in C.UTF-8 C; do
	case $lang in C) mark='|' ;; *) mark='│' ;; esac
	tm new-session -d -x 100 -y 30 "env ALSA_CONFIG_PATH='$T/nocard.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
		LANG=$lang TERM=xterm-256color '$LATHE' --set limiter.drive=12; sleep 30"
	check '^ output +on' "the console starts ($lang)"
	# A row like "lim ████▎      │   4.6 dB GR": bar, gap, hold mark.
	seen=0; n=40
	while [ $seen = 0 ] && [ $n -gt 0 ]; do
		tm capture-pane -p | grep -E "^lim [^ ]* +\\$mark" >/dev/null && seen=1
		sleep 0.15; n=$((n - 1))
	done
	if [ $seen = 1 ]; then
		ok "the limiter GR bar holds its deepest reading ($lang)"
	else
		fail "no GR hold mark on the limiter row ($lang):"; tm capture-pane -p | grep '^lim'
	fi
	tm kill-server; new_sock
done
finish
