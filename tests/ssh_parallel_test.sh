#!/bin/sh
# The README's catalogue recipe, run for real: GNU parallel renders a folder
# of tracks over SSH (files go out, masters come back, remote copies are
# removed) against an sshd this test starts on 127.0.0.1 with throwaway
# keys, two "hosts" (two logins to it), then analyze --check gates the
# masters.  Needs root (sshd), openssh-server, parallel and rsync
# (`make deps-test`); otherwise SKIP (exit 77).
. "$(dirname "$0")/lib.sh"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "not root: sshd cannot be started"
for t in /usr/sbin/sshd ssh ssh-keygen parallel rsync; do
	command -v "$t" >/dev/null || skip "$t missing (make deps-test)"
done

S="$T/ssh"; mkdir -p "$S" "$T/work" && chmod 700 "$S"
ssh-keygen -q -t ed25519 -N '' -f "$S/host_key" || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$S/id" || exit 1
cp "$S/id.pub" "$S/authorized_keys"
# The remote side finds lathe on its PATH, as an installed one would be.
mkdir -p "$T/bin" && ln -s "$LATHE" "$T/bin/lathe"
PORT=$(( 20000 + $$ % 20000 ))
cat >"$S/sshd_config" <<EOC
Port $PORT
ListenAddress 127.0.0.1
HostKey $S/host_key
AuthorizedKeysFile $S/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $S/sshd.pid
SetEnv PATH=$T/bin:/usr/local/bin:/usr/bin:/bin XDG_CONFIG_HOME=$T/config
EOC
mkdir -p /run/sshd 2>/dev/null
/usr/sbin/sshd -f "$S/sshd_config" -E "$S/sshd.log" || { cat "$S/sshd.log"; fail "sshd did not start"; finish; }
trap 'kill "$(cat "$S/sshd.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$T"' EXIT
cat >"$S/config" <<EOC
Host *
  HostName 127.0.0.1
  Port $PORT
  User root
  IdentityFile $S/id
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  BatchMode yes
  ConnectTimeout 10
EOC
# Two hosts: two names for the same sshd, each with its own remote folder.
printf 'ssh -F %s hostA\nssh -F %s hostB\n' "$S/config" "$S/config" >"$T/hosts.txt"
n=0; while [ $n -lt 50 ] && ! ssh -F "$S/config" hostA true 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
ssh -F "$S/config" hostA true || { cat "$S/sshd.log"; fail "no SSH login to 127.0.0.1:$PORT"; finish; }
ok "sshd on 127.0.0.1:$PORT, key login works"

cd "$T/work" || exit 1
for i in 1 2 3 4; do "$SIGGEN" --seconds 4 --seed $i --level -$((i * 2)) music "t$i.wav"; done
# The README's recipe (hosts.txt instead of user@host lines).
timeout 300 parallel --sshloginfile "$T/hosts.txt" --transferfile {} --return out/{/} --cleanup \
	'mkdir -p out && lathe render -q --target -14 {} -o out/{/}' ::: t*.wav >"$T/par.out" 2>&1
st=$?
[ "$st" = 0 ] && ok "parallel over SSH: exit 0" || fail "parallel over SSH: exit $st: $(tail -5 "$T/par.out")"
for i in 1 2 3 4; do
	[ -s "out/t$i.wav" ] && ok "master t$i.wav came back" || fail "no out/t$i.wav"
done
expect_status 0 "the masters pass the gate" "$LATHE" analyze --check "integrated_lufs=-14.2..-13.8,true_peak_dbtp<=-1" out/t*.wav
[ "$(grep -c '^PASS' "$T/out")" = 4 ] && ok "4 PASS lines" || fail "$(cat "$T/out")"
# Each master is what a local render gives, byte for byte.
for i in 1 4; do
	"$LATHE" render -q --target -14 "t$i.wav" -o "local$i.wav"
	cmp -s "local$i.wav" "out/t$i.wav" && ok "t$i.wav: the remote master equals a local render" || fail "t$i.wav differs from a local render"
done
# --cleanup: nothing left in the remote login's home from this run.
left=$(ssh -F "$S/config" hostA 'ls -d t?.wav out/t?.wav 2>/dev/null' | wc -l)
[ "$left" = 0 ] && ok "no remote copies left" || fail "$left remote files left behind"
finish
