#!/bin/sh
# The console under attack, in a real terminal (tmux): a background job
# that would wait forever, numbers that overflow on the ':' line, names
# with escape sequences, a state folder that is not ours, and a keymap
# that moves the keys the footer names.
. "$(dirname "$0")/lib.sh"
tmux_setup harden
printf 'pcm.!default { type hw card 99 }\n' >"$T/asound.conf"
"$SIGGEN" --seconds 4 music "$T/mix.wav" || exit 1

# start ARGS...: the console in a fresh tmux server; its exit status
# lands in $T/exit.  Environment from $ENVX (extra VAR=VALUE words).
start() {
	new_sock; rm -f "$T/exit"; rm -rf "$XDG_STATE_HOME"
	tm new-session -d -x 100 -y 30 "cd '$T' && env ALSA_CONFIG_PATH='$T/asound.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' ${ENVX:-} \
		LANG=C.UTF-8 TERM=xterm-256color '$LATHE' $*; echo \"EXIT=\$?\" >'$T/exit'; sleep 60"
}
# exited TENTHS: wait for the console to end; prints its status.
exited() {
	n=$1
	while [ "$n" -gt 0 ] && [ ! -s "$T/exit" ]; do sleep 0.1; n=$((n - 1)); done
	[ -s "$T/exit" ] && sed 's/EXIT=//' "$T/exit"
}
pid_of_console() { pgrep -f -n "^$LATHE mix.wav" 2>/dev/null || pgrep -n -x lathe; }
no_temp() { ! ls -a "$T" | grep -q '^\.fifo'; }

# ---- a background render into a FIFO nobody reads -----------------------
# ':render fifo.flac' waits for a reader in the job thread; quitting,
# SIGHUP and SIGTERM must still end the console within seconds, with the
# FIFO left a FIFO and no temporary file.
for how in quit HUP TERM reader-stalls; do
	rm -f "$T/fifo.flac"; mkfifo "$T/fifo.flac"
	start mix.wav
	if ! wait_for '^ output +on' 300; then fail "FIFO ($how): the console did not start"; tm capture-pane -p; continue; fi
	if [ "$how" = reader-stalls ]; then
		# A reader that opens the FIFO and never reads: the job's
		# writes fill the pipe and block in the kernel.
		sleep 1000 <"$T/fifo.flac" & stall=$!
	fi
	tm send-keys : "render fifo.flac" Enter
	check 'rendering .*fifo\.flac' "FIFO ($how): the render waits in the background" 100
	sleep 1
	pid=$(pgrep -n -f "$LATHE mix.wav")
	case $how in
	quit|reader-stalls) tm send-keys q; wait_for 'Quit' 30 && tm send-keys y ;;
	HUP) kill -HUP "$pid" ;;
	TERM) kill -TERM "$pid" ;;
	esac
	st=$(exited 150)
	want=0; [ "$how" = HUP ] && want=129; [ "$how" = TERM ] && want=143
	if [ "$st" = "$want" ] && [ -p "$T/fifo.flac" ] && no_temp; then
		ok "FIFO with no reading reader, $how: the console ends (exit $st), the FIFO stays a FIFO"
	else
		fail "FIFO, $how: exit '${st:-still running}', want $want: $(ls -la "$T" | grep fifo)"
		tm capture-pane -p | tail -5
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	fi
	[ "$how" = reader-stalls ] && kill "$stall" 2>/dev/null
	tm kill-server 2>/dev/null
done

finish
