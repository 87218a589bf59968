#!/bin/sh
# The idle status line's key hint comes from the loaded keymap: the
# defaults read "? help  : command  q quit"; a keymap that moves quit to x
# and help to F2 says so, and an action left unbound is not offered.
. "$(dirname "$0")/lib.sh"
tmux_setup footer

printf 'pcm.!default { type null }\n' >"$T/asound.conf"

# start: the console with the keymap now in $XDG_CONFIG_HOME/lathe, and a
# state folder of its own (the session the last one saved on its way out
# would put a restore prompt where the hint goes).
start() {
	new_sock; mkdir -p "$T/state$K"
	tm new-session -d -x 80 -y 24 "sleep 0.3; env ALSA_CONFIG_PATH='$T/asound.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$T/state$K' '$LATHE'; sleep 30"
	wait_for '^ output +on' 100 || { fail "console did not start"; tm capture-pane -p; }
}

start
check '^\? help  : command  q quit' "default keymap: the hint names ? : q" 300
tm kill-server 2>/dev/null

mkdir -p "$XDG_CONFIG_HOME/lathe"
printf '[keys]\nq = none\nx = quit\n? = none\nf1 = none\nf2 = help\n' >"$XDG_CONFIG_HOME/lathe/keymap.ini"
start
check '^F2 help  : command  x quit' "rebound keymap: the hint names F2 and x" 300
tm capture-pane -p | grep -Eq '(^| )q quit|\? help' && fail "rebound keymap: the hint still names q or ?"
tm kill-server 2>/dev/null

printf '[keys]\nq = none\nx = none\n' >"$XDG_CONFIG_HOME/lathe/keymap.ini"
printf '[keys]\ncolon = none\n' >>"$XDG_CONFIG_HOME/lathe/keymap.ini"
start
check '^\? help *($|[^:])' "quit and the command line unbound: only help is offered" 300
tm capture-pane -p | grep -Eq 'q quit|: command' && fail "unbound actions still offered"
tm kill-server 2>/dev/null
finish
