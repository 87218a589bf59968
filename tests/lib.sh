# Shared helpers for the shell tests: sourced, never run on its own.
# Each test gets a fresh temporary folder, removed on exit.
set -u
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LATHE="$ROOT/$BUILD/lathe"
SIGGEN="$ROOT/$BUILD/tests/tools/siggen"
WAVCMP="$ROOT/$BUILD/tests/tools/wavcmp"
T=$(mktemp -d "${TMPDIR:-/tmp}/lathe-test.XXXXXX")
export XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state"
trap 'rm -rf "$T"' EXIT
FAILS=0

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# expect_status WANT DESCRIPTION CMD...: runs CMD, checks its exit status
# and that it printed exactly one line on stderr when it failed.
expect_status() {
	want=$1; what=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"; got=$?
	if [ "$got" != "$want" ]; then
		fail "$what: exit $got, want $want ($(head -c 300 "$T/err"))"
		return 1
	fi
	if [ "$want" != 0 ] && [ "$(wc -l <"$T/err")" != 1 ]; then
		fail "$what: want one line on stderr, got: $(cat "$T/err")"
		return 1
	fi
	ok "$what (exit $got${want:+: $(head -c 160 "$T/err")})"
}

# json_get KEY FILE: the value of KEY in the first JSON object of FILE.
json_get() {
	sed -n "s/.*\"$1\": *\\([^,}]*\\).*/\\1/p" "$2" | head -1 | tr -d '"'
}

# le A B: true when number A <= number B.
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
# near A B TOL: |A - B| <= TOL
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

# Waits up to 10 s until process $1 catches signal $2 (INT, TERM or HUP):
# one sent earlier, while it starts, is ignored (a background job's
# SIGINT) or kills it, and says nothing of what lathe does with it.
catches() {
	case $2 in HUP) _b=0 ;; INT) _b=1 ;; TERM) _b=14 ;; *) return 1 ;; esac
	_n=0
	while [ $_n -lt 1000 ]; do
		_m=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
		[ -n "$_m" ] || return 1
		[ $(( (0x$_m >> _b) & 1 )) = 1 ] && return 0
		sleep 0.01
		_n=$((_n + 1))
	done
	return 1
}

finish() {
	if [ "$FAILS" -gt 0 ]; then echo "$FAILS failure(s)"; exit 1; fi
	echo "all passed"; exit 0
}

# The console tests drive lathe in tmux.  tmux_setup NAME gives:
#   new_sock    a fresh private server for each start (a new server on the
#               socket of one still shutting down fails)
#   tm ARGS     tmux on the current server
#   wait_for PATTERN [TENTHS]  poll the screen until an extended regex shows
#   check PATTERN WHAT [TENTHS] the same, as a test
# and kills every server it started on exit.
tmux_setup() {
	command -v tmux >/dev/null || { echo "tmux missing"; exit 1; }
	TMUX_NAME="lathe-$1-$$"; K=0; SOCK="$TMUX_NAME-0"; SOCKS="$SOCK"
	trap 'for s in $SOCKS; do tmux -L "$s" -f /dev/null kill-server 2>/dev/null; done; rm -rf "$T"' EXIT
}
new_sock() { K=$((K + 1)); SOCK="$TMUX_NAME-$K"; SOCKS="$SOCKS $SOCK"; }
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
wait_for() {
	n=${2:-50}
	while [ "$n" -gt 0 ]; do
		tm capture-pane -p 2>/dev/null | grep -Eq -- "$1" && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}
# exited TENTHS: wait up to TENTHS for a console started with
# 'echo "EXIT=$?" >$T/exit' after it to end; prints its exit status.
exited() {
	n=$1
	while [ "$n" -gt 0 ] && [ ! -s "$T/exit" ]; do sleep 0.1; n=$((n - 1)); done
	[ -s "$T/exit" ] && sed 's/EXIT=//' "$T/exit"
}
check() {
	if wait_for "$1" "${3:-50}"; then ok "$2"; else fail "$2: no /$1/ on screen:"; tm capture-pane -p; fi
}

# Hearing the console: ALSA's file PCM (a file plugin over an inline null
# PCM) writes raw float32 into a FIFO that tests/tools/tapread reads at the
# sample rate, so playback runs in real time and what was played is kept.
#   tap_setup RATE        the FIFO and $T/asound.conf with pcm.tap
#   tap_start ARGS        a console at 80x24 in $T playing ARGS (shell
#                         words, quoted by the caller) into the tap; the
#                         capture goes to $T/cap.raw
#   tap_quit              ':q!', the console must exit 0, the capture ends
tap_setup() {
	RATE=$1
	TAPREAD="$ROOT/$BUILD/tests/tools/tapread"
	mkfifo "$T/tap.fifo"
	cat >"$T/asound.conf" <<EOF2
pcm.tap {
	type file
	slave.pcm { type null }
	file "$T/tap.fifo"
	format "raw"
}
EOF2
}
tap_start() {
	new_sock
	rm -f "$T/cap.raw" "$T/exit"
	"$TAPREAD" pace "$T/tap.fifo" "$T/cap.raw" $((RATE * 8)) &
	tap_reader=$!
	tm new-session -d -x 80 -y 24 -c "$T" "env ALSA_CONFIG_PATH='$T/asound.conf' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
		LANG=C.UTF-8 TERM=xterm-256color '$LATHE' -d tap $*; \
		echo \"EXIT=\$?\" >'$T/exit'; sleep 30"
}
tap_quit() {
	tm send-keys : 'q!' Enter
	n=300
	while [ ! -f "$T/exit" ] && [ "$n" -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	grep -q 'EXIT=0' "$T/exit" 2>/dev/null || fail "the console did not quit cleanly: $(cat "$T/exit" 2>&1)"
	wait "$tap_reader"
	tm kill-server 2>/dev/null
}
