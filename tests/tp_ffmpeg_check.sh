#!/bin/sh
# Independent check of the limiter's ceiling with ffmpeg's ebur128 filter
# (it upsamples to 192 kHz, unlike libebur128's 4x FIR).  tp_wav (from
# tests/tools/, built by make tests) renders the worst-case signals; fails
# if any true peak reads above the ceiling.  SKIP (exit 77) when ffmpeg is not installed.
#   make tp-check TP_ARGS="[RATE [CEILING [DRIVE [RELEASE [LOOKAHEAD]]]]]"
set -eu
if ! command -v ffmpeg >/dev/null 2>&1; then
	echo "tp_ffmpeg_check: ffmpeg not installed, skipped"
	exit 77
fi
cd "$(dirname "$0")/.."
RATE=${1:-44100} CEIL=${2:--1} DRIVE=${3:-0} REL=${4:-60} LA=${5:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
TPWAV=${BUILD:-build}/tests/tools/tp_wav
[ -x "$TPWAV" ] || { echo "tp_ffmpeg_check: $TPWAV missing: run make tests"; exit 1; }
"$TPWAV" "$tmp" "$RATE" "$CEIL" "$DRIVE" "$REL" "$LA" > "$tmp/list"
fail=0
while read -r path ebur ref name1 name2; do
	ff=$(ffmpeg -hide_banner -nostats -nostdin -i "$path" -af "adelay=100|100,apad=pad_dur=0.1,ebur128=peak=true:metadata=1,ametadata=print:file=-" -f null - 2>/dev/null |
		awk -F= '/r128.true_peak=/ {v = $2} END {printf "%.3f", 20 * log(v) / log(10)}')
	verdict=ok
	if awk -v a="$ff" -v c="$CEIL" 'BEGIN { exit !(a > c) }'; then verdict=OVER; fail=1; fi
	if awk -v a="$ebur" -v c="$CEIL" 'BEGIN { exit !(a > c) }'; then verdict=OVER; fail=1; fi
	printf '%-16s ceiling %6s  ffmpeg %7s  libebur128 %7s  reference %7s  %s\n' \
		"$name1 $name2" "$CEIL" "$ff" "$ebur" "$ref" "$verdict"
done < "$tmp/list"
exit $fail
