#!/bin/sh
# An SSH drop: the terminal goes away (SIGHUP) with a tweak unsaved; the
# session file under $XDG_STATE_HOME/lathe/ holds it, and the next start on
# the same input offers it back.  Also SIGTERM, on a real file, and the
# log: nothing the console says goes to the terminal's stderr.
. "$(dirname "$0")/lib.sh"
tmux_setup session

printf 'pcm.!default { type null }\n' >"$T/asound.conf"
start() { # start ARGS...: the console in a new server
	new_sock; tm new-session -d -x 80 -y 24 "env ALSA_CONFIG_PATH='$T/asound.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
		LANG=C.UTF-8 TERM=xterm-256color '$LATHE' $* 2>'$T/stderr'; echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
	wait_for '^ output +on' || { fail "console did not start"; tm capture-pane -p; }
}
STATE="$XDG_STATE_HOME/lathe"

# 1. The demo mix: tweak comp.ratio to 2.1, then the terminal hangs up.
start
tm send-keys l l l j +
wait_for '\[ratio +2\.1:1\]' || fail "tweak not shown"
tm kill-server # tmux sends SIGHUP to the pane's processes, like sshd does
n=50; while [ ! -f "$STATE/session-demo.ini" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
if grep -Eq '^comp\.ratio *= *2\.1( |$)' "$STATE/session-demo.ini" 2>/dev/null; then
	ok "SIGHUP leaves session-demo.ini with comp.ratio = 2.1"
else
	fail "no session with the tweak: $(ls -la "$STATE" 2>&1; cat "$STATE/session-demo.ini" 2>&1)"
fi

start
if wait_for 'Restore the session of .*1 change'; then ok "the next start offers the session"; else
	fail "no restore offer"; tm capture-pane -p; fi
tm send-keys y
wait_for ' ratio +2\.1:1 ' && ok "y restores comp.ratio 2.1" || { fail "not restored"; tm capture-pane -p; }
tm send-keys q
wait_for 'Quit with unsaved' && tm send-keys y
n=50; while [ ! -f "$T/exit" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
[ "$(cat "$T/exit" 2>/dev/null)" = "EXIT=0" ] || fail "exit after restore: $(cat "$T/exit" 2>&1)"
[ -f "$STATE/session-demo.ini" ] && fail "a deliberate quit left the session behind" ||
	ok "a deliberate quit removes the session"
tm kill-server 2>/dev/null

# 2. A real file and SIGTERM: the session is keyed by the file.
"$SIGGEN" --seconds 3 --level -10 --format 16 sine:440 "$T/tone.wav" ||
	fail "siggen could not make tone.wav"
rm -f "$T/exit"
start "'$T/tone.wav'"
# input to output: hpf eq comp mbcomp imager clip limiter output
tm send-keys l l l l l l l l -
wait_for '\[gain +-0\.1dB\]' || { fail "output gain tweak not shown"; tm capture-pane -p; }
# The pane's shell runs env, which becomes lathe: its only child.
pid=$(pgrep -P "$(tm display -p '#{pane_pid}')" | head -1)
kill -TERM "$pid" 2>/dev/null
n=50; while [ ! -f "$T/exit" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
f=$(grep -l 'tone.wav' "$STATE"/session-*.ini 2>/dev/null | head -1)
if [ -n "$f" ] && grep -Eq '^output\.gain *= *-0\.1( |$)' "$f"; then
	ok "SIGTERM saves the session of tone.wav ($(basename "$f"))"
else
	fail "SIGTERM: no session for tone.wav: $(ls "$STATE")"
fi
[ -s "$T/stderr" ] && fail "stderr while curses owned the screen: $(head -c 300 "$T/stderr")" ||
	ok "nothing on stderr"
[ -s "$STATE/lathe.log" ] && ok "the log is in \$XDG_STATE_HOME/lathe/lathe.log" || fail "no log file"
tm kill-server 2>/dev/null

# 3. A crash gives the terminal back: the handler resets it before dying.
rm -f "$T/exit"
new_sock; tm new-session -d -x 80 -y 24 "env ALSA_CONFIG_PATH='$T/asound.conf' \
	XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
	LANG=C.UTF-8 TERM=xterm-256color '$LATHE' 2>/dev/null; echo \"EXIT=\$?\" >'$T/exit'; \
	stty -a >'$T/stty' 2>&1; sleep 30"
wait_for '^ output +on' || fail "console did not start for the crash test"
wait_for 'Restore the session' 5 && tm send-keys n
kill -SEGV "$(pgrep -P "$(tm display -p '#{pane_pid}')" | head -1)"
n=50; while [ ! -s "$T/stty" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
if grep -Eq '(^| )icanon' "$T/stty" && grep -Eq '(^| )echo( |$)' "$T/stty" &&
	! tm capture-pane -p | grep -q 'Spotify'; then
	ok "after SIGSEGV the terminal is restored ($(cat "$T/exit"))"
else
	fail "SIGSEGV left the terminal raw: $(cat "$T/stty"; tm capture-pane -p)"
fi
finish
