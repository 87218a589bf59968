#!/bin/sh
# What is heard is what is rendered: `lathe play` into ALSA's file PCM
# (a self-contained ALSA configuration: `tap`, a file plugin over an
# inline null PCM, capturing raw float32) gives exactly the samples of
# `lathe render --bits 32f` with the same file and settings.
. "$(dirname "$0")/lib.sh"

cat >"$T/asound.conf" <<EOF2
pcm.tap {
	type file
	slave.pcm { type null }
	file "$T/tap.raw"
	format "raw"
}
EOF2
export ALSA_CONFIG_PATH="$T/asound.conf"

# same_as_render NAME INPUT ARGS...: play and render INPUT with ARGS, compare.
same_as_render() {
	name=$1; in=$2; shift 2
	rm -f "$T/tap.raw"
	if ! "$LATHE" play -q -d tap "$@" "$in" 2>"$T/err"; then
		fail "$name: play failed: $(cat "$T/err")"; return
	fi
	if ! "$LATHE" render -q --bits 32f "$@" "$in" -o "$T/ref.wav" 2>"$T/err"; then
		fail "$name: render failed: $(cat "$T/err")"; return
	fi
	if "$WAVCMP" "raw:$T/tap.raw:2" "$T/ref.wav" >"$T/cmp" 2>&1; then
		ok "$name: played = rendered ($(head -1 "$T/cmp"))"
	else
		fail "$name: played differs from rendered: $(cat "$T/cmp")"
	fi
}

"$SIGGEN" --rate 44100 --seconds 4 music "$T/music.wav"
"$SIGGEN" --rate 48000 --channels 1 --format 24 --seconds 3 --seed 3 music "$T/mono.flac"

same_as_render "preset loud plus --set" "$T/music.wav" -p loud --set eq.high_gain=1.5
same_as_render "compression, drive, --ceiling" "$T/music.wav" \
	--set comp.threshold=-24 --set comp.ratio=4 --set limiter.drive=6 --ceiling -0.5
same_as_render "mono FLAC at 48 kHz, defaults" "$T/mono.flac"
finish
