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
# lands in $T/exit.  $ENVX (env words: -u VAR, VAR=VALUE) replaces the
# test's XDG_STATE_HOME.
start() {
	new_sock; rm -f "$T/exit"; rm -rf "$XDG_STATE_HOME"
	tm new-session -d -x 100 -y 30 "cd '$T' && env ${ENVX:-XDG_STATE_HOME='$XDG_STATE_HOME'} \
		ALSA_CONFIG_PATH='$T/asound.conf' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \
		LANG=C.UTF-8 TERM=xterm-256color '$LATHE' $*; echo \"EXIT=\$?\" >'$T/exit'; sleep 60"
}
pid_of_console() { pgrep -f -n "^$LATHE mix.wav" 2>/dev/null || pgrep -n -x lathe; }
no_temp() { ! ls -a "$T" | grep -q '^\.fifo'; }

# ---- a background render into a FIFO nobody reads -----------------------
echo '== a background render into a FIFO nobody reads'
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

# ---- the state folder: ours, or no session at all -----------------------
echo '== the state folder: ours, or no session at all'
# The session and the log live in $XDG_STATE_HOME/lathe, else
# $HOME/.local/state/lathe, else the password entry's home: never a shared
# /tmp folder.  A state folder that is a symlink, or another user's, is
# refused: the console says so, runs, and writes nothing there.
# state_case NAME: the console on mix.wav with $ENVX, a tweak, SIGHUP.
state_case() {
	start mix.wav
	if ! wait_for '^ output +on' 300; then fail "state ($1): the console did not start"; tm capture-pane -p; return 1; fi
	wait_for "sessions not saved" 20; tm capture-pane -p >"$T/screen"
	tm send-keys : 'set comp.ratio 2.2' Enter
	wait_for 'ratio +2\.2:1' 100 || fail "state ($1): the tweak does not show"
	kill -HUP "$(pgrep -n -f "$LATHE mix.wav")"
	st=$(exited 150)
	[ "$st" = 129 ] || fail "state ($1): exit '${st:-still running}' after SIGHUP, want 129"
	tm kill-server 2>/dev/null
}
uid=$(id -u)
before_tmp=$(ls -d /tmp/lathe-"$uid" 2>/dev/null)
mkdir -p "$T/home"
ENVX="-u XDG_STATE_HOME HOME='$T/home'"
state_case "HOME only"
d="$T/home/.local/state/lathe"
if ls "$d"/session-*.ini >/dev/null 2>&1 && [ "$(stat -c %a "$d")" = 700 ] \
   && [ "$(stat -c %a "$d/lathe.log")" = 600 ]; then
	ok "state without XDG_STATE_HOME: under \$HOME/.local/state/lathe, folder 0700, log 0600"
else
	fail "state without XDG_STATE_HOME: $(ls -la "$d" 2>&1)"
fi
# No HOME at all: the password entry's home; never /tmp/lathe-UID.
ENVX="-u XDG_STATE_HOME -u HOME"
state_case "no HOME"
pwhome=$(getent passwd "$uid" | cut -d: -f6)
if [ -z "$before_tmp" ] && [ -e "/tmp/lathe-$uid" ]; then
	fail "no HOME: a shared /tmp/lathe-$uid was created"
elif [ -n "$pwhome" ] && grep -lq "$T/mix.wav" "$pwhome/.local/state/lathe"/session-*.ini 2>/dev/null; then
	ok "no HOME: the session went under the password entry's home ($pwhome), not /tmp"
	# What this test put there goes again (the file for $T/mix.wav).
	grep -l "$T/mix.wav" "$pwhome/.local/state/lathe"/session-*.ini 2>/dev/null | xargs rm -f
else
	fail "no HOME: no session under $pwhome/.local/state/lathe"
fi
# The state folder is a symlink (planted to catch our writes).
mkdir -p "$T/st" "$T/elsewhere"
ln -s "$T/elsewhere" "$T/st/lathe"
ENVX="XDG_STATE_HOME='$T/st'"
state_case "symlinked folder"
if [ -z "$(ls -A "$T/elsewhere")" ] && grep -q 'sessions not saved: .*symbolic link' "$T/screen"; then
	ok "state folder a symlink: refused, said on screen, nothing written through it"
else
	fail "state folder a symlink: $(ls -A "$T/elsewhere") / $(grep -i session "$T/screen")"
fi
rm -f "$T/st/lathe"
# Another user's folder (as root: chown it to nobody).
if [ "$uid" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -p "$T/st/lathe"; chown nobody "$T/st/lathe"; chmod 777 "$T/st/lathe"
	state_case "another user's folder"
	if [ -z "$(ls -A "$T/st/lathe")" ] && grep -q "sessions not saved: .*user [0-9]*'s folder" "$T/screen"; then
		ok "state folder owned by nobody: refused, said on screen, nothing written there"
	else
		fail "state folder of another user: $(ls -la "$T/st/lathe") / $(grep -i session "$T/screen")"
	fi
	rm -rf "$T/st/lathe"
else
	echo "skip: another user's state folder (needs root)"
fi
# Our own folder, but open to everyone, and a log planted as a symlink.
mkdir -p "$T/st/lathe"; chmod 777 "$T/st/lathe"
printf 'victim\n' >"$T/victim"; ln -s "$T/victim" "$T/st/lathe/lathe.log"
state_case "open folder, linked log"
if [ "$(stat -c %a "$T/st/lathe")" = 700 ] && [ "$(cat "$T/victim")" = victim ] \
   && ls "$T/st/lathe"/session-*.ini >/dev/null 2>&1; then
	ok "state folder 0777 of ours: closed to 0700; a log planted as a symlink is not followed"
else
	fail "open folder, linked log: $(stat -c %a "$T/st/lathe") victim=$(cat "$T/victim")"
fi
ENVX=

# ---- numbers on the ':' line that overflow ---------------------------------
echo '== numbers on the : line that overflow'
# Each is refused with a usage line and the console goes on (under
# build-san UBSan would abort on an overflowing conversion).
start mix.wav
if wait_for '^ output +on' 300; then
	for cmdl in 'track 99999999999' 'track -99999999999' 'track 1e400' 'copy 4294967297' \
		    'seek 1e400' 'seek -1e308' 'seek 99999999999:00' 'seek 1:1e19' 'loop 0 1e19' 'loop -0 1e308' \
		    'target 1e308' 'target -1e400' 'target nan' 'set comp.ratio 1e400' 'set limiter.drive -1e308' \
		    'set comp.ratio 0x10' 'set eq.high_gain inf'; do
		tm send-keys : "$cmdl" Enter
		sleep 0.3
		if tm capture-pane -p | grep -Eq 'usage|out of range|not a (decimal )?number|no track|track [0-9]+ of|only 1 track|is not'; then
			ok "':$cmdl': refused on the status line"
		else
			fail "':$cmdl': no refusal shown: $(tm capture-pane -p | tail -2)"
		fi
		tm send-keys Escape
	done
	tm send-keys q; wait_for 'Quit' 30 && tm send-keys y
	st=$(exited 150)
	[ "$st" = 0 ] && ok "after the overflowing numbers the console quits cleanly" \
		|| fail "after the overflowing numbers: exit '${st:-still running}'"
else
	fail "':' numbers: the console did not start"
fi
tm kill-server 2>/dev/null

finish
