#!/bin/sh
# `lathe play` from the outside: exit statuses, --seconds, the silent sink
# when there is no sound card, Ctrl-C.
. "$(dirname "$0")/lib.sh"

# No `default` PCM in this configuration: the no-card case.
cat >"$T/asound.conf" <<EOF2
pcm.tap {
	type file
	slave.pcm { type null }
	file "$T/tap.raw"
	format "raw"
}
EOF2
export ALSA_CONFIG_PATH="$T/asound.conf"
"$SIGGEN" --rate 48000 --seconds 10 music "$T/music.wav"

expect_status 4 "a named device that cannot be opened" "$LATHE" play -d no_such_pcm "$T/music.wav"
grep -q no_such_pcm "$T/err" || fail "the message names the device: $(cat "$T/err")"
expect_status 2 "a file that does not exist" "$LATHE" play -d tap "$T/missing.wav"
expect_status 1 "two files" "$LATHE" play -d tap "$T/music.wav" "$T/music.wav"

# --seconds: exactly that much audio, ending faded.
rm -f "$T/tap.raw"
expect_status 0 "--seconds 0.5 on the file PCM" "$LATHE" play -q -d tap --seconds 0.5 "$T/music.wav"
bytes=$(wc -c <"$T/tap.raw")
[ "$bytes" = $((24000 * 8)) ] && ok "--seconds 0.5: 24000 frames" || fail "--seconds 0.5 wrote $bytes bytes, want $((24000 * 8))"
python3 - "$T/tap.raw" <<'PY' && ok "--seconds ends faded" || fail "--seconds ends with a cut"
import array, sys
a = array.array('f'); a.frombytes(open(sys.argv[1], 'rb').read())
sys.exit(0 if max(abs(x) for x in a[-4:]) < 1e-3 else 1)
PY

# No card: plays on the silent sink, at the pace of the clock, and says so.
start=$(date +%s.%N)
expect_status 0 "no sound card: the silent sink" "$LATHE" play --seconds 0.6 "$T/music.wav"
end=$(date +%s.%N)
grep -q "no audio device" "$T/err" || fail "the silent sink is announced: $(cat "$T/err")"
el=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
le 0.55 "$el" && le "$el" 2.5 && ok "silent sink paced by the clock (${el}s for 0.6 s)" \
	|| fail "silent sink took ${el}s for 0.6 s of audio"

# Ctrl-C stops with a fade and exits 0, promptly.
"$LATHE" play -q "$T/music.wav" 2>"$T/err" &
pid=$!
sleep 0.5
kill -INT $pid
t0=$(date +%s.%N)
wait $pid; rc=$?
t1=$(date +%s.%N)
el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
[ "$rc" = 0 ] && le "$el" 1 && ok "SIGINT: exit 0 after ${el}s" || fail "SIGINT: exit $rc after ${el}s: $(cat "$T/err")"
# --latency sets the device buffer, read back from ALSA (and from the
# silent sink); out of range is a usage error.
for ms in 10 50; do
	"$LATHE" play -d tap --latency $ms --seconds 0.2 "$T/music.wav" 2>"$T/err"
	want=$((48 * ms))
	grep -q "buffer $want frames" "$T/err" && ok "--latency $ms: a $want-frame buffer" ||
		fail "--latency $ms: want buffer $want frames: $(cat "$T/err")"
done
expect_status 1 "--latency 0.5 (below 2 ms)" "$LATHE" play -d tap --latency 0.5 "$T/music.wav"
finish
