#!/bin/sh
# The manual page tells the truth about the program it ships with: every
# subcommand and option `lathe --help` prints, every key of the default
# keymap with the action it is bound to, every console action, every `:`
# command and alias of the console's table, every lower-panel view and
# every module are in tui/lathe.1; and groff renders it without a warning.
# When something is added to the program and not to the page, this fails
# and names it.
. "$(dirname "$0")/lib.sh"
MAN="$ROOT/tui/lathe.1"
[ -x "$LATHE" ] || { echo "no $LATHE: build first"; exit 1; }

# The page as plain words: roff's \- as -, font escapes and \& dropped.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\(em/-/g' "$MAN" >"$T/man.txt"
has() { grep -qF -- "$1" "$T/man.txt"; }

# Subcommands and options, from --help itself.
"$LATHE" --help >"$T/help" || fail "lathe --help failed"
for sub in $(sed -n 's/^ *\(usage: \)\{0,1\}lathe \([a-z][a-z]*\) .*/\2/p' "$T/help" | sort -u); do
	grep -qE -- "^\\.B lathe $sub( |\$)" "$T/man.txt" || fail "subcommand '$sub' (lathe --help) has no entry in lathe.1"
done
for opt in $(grep -oE -- '(^|[ ,])--[a-z][a-z-]*' "$T/help" | sed 's/^[ ,]*//' | sort -u); do
	has "$opt" || fail "option $opt (lathe --help) is not in lathe.1"
done
for opt in $(grep -oE -- '^  -[a-z],' "$T/help" | tr -d ' ,' | sort -u); do
	grep -qE -- "(^|[ \"])$opt( |\"|,|\$)" "$T/man.txt" || fail "option $opt (lathe --help) is not in lathe.1"
done
n_opts=$(grep -oE -- '(^|[ ,])--[a-z][a-z-]*' "$T/help" | sort -u | wc -l)
[ "$n_opts" -ge 20 ] || fail "only $n_opts options read from --help: the parse above is broken"

# Modules, from the --help parameter list.
for mod in $(sed -n 's/^  \([a-z][a-z0-9]*\)\.[a-z_0-9]* .*/\1/p' "$T/help" | sort -u); do
	grep -qE -- "\\[$mod\\]" "$T/man.txt" || fail "module $mod has no preset section in lathe.1"
done

# The console keys: one .TP entry per line of bindings, its tag the keys
# and its text the actions in brackets.  Each key=action of the default
# keymap must be in one entry, the key in the tag and the action in the
# text.
awk '
	/^\.SH/ { on = ($0 ~ /CONSOLE KEYS/); next }
	!on { next }
	/^\.TP/ { if (tag != "") print tag "\t" body; tag = ""; body = ""; want = 1; next }
	want { tag = $0; want = 0; next }
	{ body = body " " $0 }
	END { if (tag != "") print tag "\t" body }
' "$T/man.txt" | sed -e 's/^\.BR* //' -e 's/"//g' >"$T/keys.txt"
[ "$(wc -l <"$T/keys.txt")" -ge 20 ] || fail "CONSOLE KEYS has $(wc -l <"$T/keys.txt") entries"
# key_label NAME: the key as the page writes it.
key_label() {
	case $1 in
	S-tab) echo Shift-Tab ;;
	S-?) echo "$1" | cut -c3 | tr a-z A-Z ;;
	S-*) echo "Shift-$(echo "$1" | cut -c3 | tr a-z A-Z)$(echo "$1" | cut -c4-)" ;;
	C-?) echo "Ctrl-$(echo "$1" | cut -c3 | tr a-z A-Z)" ;;
	colon) echo : ;; semicolon) echo ';' ;; hash) echo '#' ;; equal) echo = ;;
	lbracket) echo '[' ;; rbracket) echo ']' ;;
	pgup) echo PgUp ;; pgdn) echo PgDn ;;
	f[0-9]*) echo "F${1#f}" ;;
	?) echo "$1" ;;
	*) echo "$(echo "$1" | cut -c1 | tr a-z A-Z)$(echo "$1" | cut -c2-)" ;;
	esac
}
nkeys=0
sed -n '/^\[keys\]/,/^\[/p' "$ROOT/keymaps/default.ini" | grep -E '^[^;[].* = ' >"$T/bindings"
while read -r key eq action; do
	nkeys=$((nkeys + 1))
	label=$(key_label "$key")
	awk -F'\t' -v k="$label" -v a="$action" '
		{ n = split($1, t, /(, | )/); found = 0
		  for (i = 1; i <= n; i++) if (t[i] == k) found = 1
		  if (found && match($2, "[[][^]]*" a "[],]")) ok = 1 }
		END { exit !ok }' "$T/keys.txt" \
		|| fail "key '$key' ($label) bound to $action in keymaps/default.ini: no CONSOLE KEYS entry says so"
done <"$T/bindings"
[ "$nkeys" -ge 40 ] || fail "only $nkeys bindings read from keymaps/default.ini"

# Every action a keymap may bind (tui/commands.h), bound by default or not.
for a in $(sed -n 's/^[	 ]*X([A-Z_]*, *"\([a-z_]*\)".*/\1/p' "$ROOT/tui/commands.h"); do
	[ "$a" = none ] && { has "none" || fail "'none' (unbind) is not in lathe.1"; continue; }
	grep -qE -- "(^|[[ ])$a([],]|$)" "$T/man.txt" || fail "action $a (tui/commands.h) is not in lathe.1"
done

# The : commands and their aliases, from the console's table.
sed -n 's/^[	 ]*{ "\([^"]*\)", \(NULL\|"\([^"]*\)"\), ".*/\1 \3/p' "$ROOT/tui/console_cmdline.c" >"$T/cmds"
[ "$(wc -l <"$T/cmds")" -ge 15 ] || fail "only $(wc -l <"$T/cmds") : commands read from tui/console_cmdline.c"
for c in $(cat "$T/cmds"); do
	grep -qE -- "(^|[ \"]):$c([ \",]|\$)" "$T/man.txt" || fail ":$c (tui/console_cmdline.c) is not in lathe.1"
done

# The lower panel's views, by the names the status line gives them.
sed -n 's/^[	 ]*\.name = "\(.*\)",$/\1/p' "$ROOT"/tui/view_*.c "$ROOT/tui/ui_meters.c" >"$T/views"
[ "$(wc -l <"$T/views")" -ge 4 ] || fail "only $(wc -l <"$T/views") views read"
while read -r v; do
	grep -qxF -- ".B $v" "$T/man.txt" || fail "lower-panel view '$v' has no entry in lathe.1"
done <"$T/views"

# It renders: groff with every warning on, and man.
if command -v groff >/dev/null; then
	groff -man -Tutf8 -ww -z "$MAN" 2>"$T/groff.err"
	[ -s "$T/groff.err" ] && fail "groff warns: $(head -5 "$T/groff.err")"
	MANWIDTH=80 man -l "$MAN" >"$T/man.out" 2>"$T/man.err" </dev/null
	[ -s "$T/man.err" ] && fail "man -l: $(head -3 "$T/man.err")"
	grep -q "CONSOLE KEYS" "$T/man.out" || fail "man -l did not render the page"
else
	fail "groff is not installed (groff-base is in the Makefile's DEB_TEST)"
fi

[ "$FAILS" = 0 ] && ok "lathe.1: $(wc -l <"$T/bindings") bindings, $(wc -l <"$T/cmds") : commands, $(wc -l <"$T/views") views and every --help option documented"
[ "$FAILS" = 0 ]
