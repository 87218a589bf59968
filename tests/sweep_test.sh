#!/bin/sh
# lathe sweep: each step's figures are those of a render at that drive
# (analyze of the render: loudness, true peak, PLR and LRA within 0.05),
# they do not depend on the number of threads, the stop rule is applied
# as the README states it, and --target stop renders at the stop drive.
. "$(dirname "$0")/lib.sh"

"$SIGGEN" --seconds 15 music "$T/m.wav" || exit 1
expect_status 0 "sweep --json" "$LATHE" sweep --json --max 12 --step 3 "$T/m.wav"
cp "$T/out" "$T/s.json"
n=$(grep -c '"drive_db"' "$T/s.json")
[ "$n" = 5 ] && ok "5 steps for --max 12 --step 3" || fail "want 5 steps, got $n: $(cat "$T/s.json")"

# step_get DRIVE KEY: KEY of the step at DRIVE
step_get() { grep "\"drive_db\": $1," "$T/s.json" | sed -n "s/.*\"$2\": *\\([^,}]*\\).*/\\1/p"; }

for d in 0 6 12; do
	"$LATHE" render -q --bits 32f --set limiter.drive=$d "$T/m.wav" -o "$T/r$d.wav" || fail "render at $d"
	"$LATHE" analyze --json "$T/r$d.wav" >"$T/a$d.json"
	for k in integrated_lufs:0.05 true_peak_dbtp:0.05 plr_db:0.05 lra_lu:0.05; do
		key=${k%%:*}; tol=${k#*:}
		want=$(json_get "$key" "$T/a$d.json"); got=$(step_get "$d.00" "$key")
		if near "$got" "$want" "$tol"; then ok "drive $d: sweep $key $got, render $want (within $tol)"
		else fail "drive $d: sweep $key $got, render $want (more than $tol apart)"; fi
	done
done

# With the clipper engaged (one clipper feeds every step's limiter, as it
# does not depend on the drive) a step is still the render at its drive.
clip="--set clip.bypass=0 --set clip.drive=4"
expect_status 0 "sweep with the clipper" "$LATHE" sweep --json --max 6 --step 6 $clip "$T/m.wav"
cp "$T/out" "$T/sc.json"
"$LATHE" render -q --bits 32f --set limiter.drive=6 $clip "$T/m.wav" -o "$T/rc6.wav" || fail "render with the clipper"
"$LATHE" analyze --json "$T/rc6.wav" >"$T/ac6.json"
for key in integrated_lufs true_peak_dbtp lra_lu; do
	want=$(json_get "$key" "$T/ac6.json")
	got=$(grep '"drive_db": 6.00,' "$T/sc.json" | sed -n "s/.*\"$key\": *\([^,}]*\).*/\1/p")
	near "$got" "$want" 0.05 && ok "clipper on, drive 6: sweep $key $got, render $want" \
		|| fail "clipper on, drive 6: sweep $key $got, render $want (more than 0.05 apart)"
done
expect_status 0 "sweep with the clipper, --jobs 1" "$LATHE" sweep --json --jobs 1 --max 6 --step 6 $clip "$T/m.wav"
cmp -s "$T/out" "$T/sc.json" && ok "clipper on: --jobs 1 gives the same figures" || fail "clipper on: --jobs 1 differs"

# One thread or three: the same figures, digit for digit.
expect_status 0 "sweep --jobs 1" "$LATHE" sweep --json --jobs 1 --max 12 --step 3 "$T/m.wav"
cmp -s "$T/out" "$T/s.json" && ok "--jobs 1 gives the figures of the default threads" || fail "--jobs 1 differs: $(diff "$T/out" "$T/s.json" | head -4)"
expect_status 0 "sweep --jobs 3" "$LATHE" sweep --json --jobs 3 --max 12 --step 3 "$T/m.wav"
cmp -s "$T/out" "$T/s.json" && ok "--jobs 3 gives the same figures" || fail "--jobs 3 differs: $(diff "$T/out" "$T/s.json" | head -4)"

# Loudness rises with drive; distortion and gain reduction do too.
l0=$(step_get 0.00 integrated_lufs); l12=$(step_get 12.00 integrated_lufs)
r0=$(step_get 0.00 residual_db); r12=$(step_get 12.00 residual_db)
g0=$(step_get 0.00 gr_mean_db); g12=$(step_get 12.00 gr_mean_db)
le "$l0" "$l12" && le "$r0" "$r12" && le "$g0" "$g12" \
	&& ok "loudness $l0 -> $l12, residual $r0 -> $r12, GR $g0 -> $g12" \
	|| fail "not monotonic: loudness $l0 -> $l12, residual $r0 -> $r12, GR $g0 -> $g12"

# The rule: the stop step is the last one whose step into it bought >= 0.5
# LU per dB with the residual <= -12 dB (checked here from the printed steps).
stop=$(json_get stop_drive_db "$T/s.json")
want=$(awk -v step=3 '
	/"drive_db"/ {
		d = $0; sub(/.*"drive_db": */, "", d); sub(/,.*/, "", d)
		l = $0; sub(/.*"integrated_lufs": */, "", l); sub(/,.*/, "", l)
		r = $0; sub(/.*"residual_db": */, "", r); sub(/[,}].*/, "", r)
		if (n == 0) { stop = d; ok = 1 }
		else if (ok && (l - pl) / step >= 0.5 && r + 0 <= -12) stop = d
		else ok = 0
		pl = l; n++
	}
	END { printf "%.2f\n", stop }' "$T/s.json")
[ "$stop" = "$want" ] && ok "stop_drive_db $stop follows the rule" || fail "stop_drive_db $stop, the rule gives $want"

# --target stop renders at that drive.
expect_status 0 "render --target stop" "$LATHE" render --bits 32f --target stop --max 12 --step 3 "$T/m.wav" -o "$T/stop.wav"
grep -q "limiter drive $(printf '%+.1f' "$stop") dB" "$T/err" && ok "render says drive $stop" || fail "render --target stop: $(cat "$T/err")"
"$LATHE" render -q --bits 32f --set limiter.drive="$stop" "$T/m.wav" -o "$T/stop2.wav"
# (wavcmp: a float WAV's PEAK chunk holds the time it was written)
"$WAVCMP" "$T/stop.wav" "$T/stop2.wav" | grep -q "max_diff 0$" && ok "--target stop = --set limiter.drive=$stop, sample for sample" \
	|| fail "--target stop differs from a render at drive $stop"

# With --rate the sweep runs at the output rate (the render converts before
# the chain): its figures are the 48 kHz render's, and --target stop --rate
# is the 48 kHz render at the drive that sweep --rate chose.
expect_status 0 "sweep --rate 48000" "$LATHE" sweep --json --rate 48000 --max 12 --step 6 "$T/m.wav"
cp "$T/out" "$T/s48.json"
[ "$(json_get sample_rate "$T/s48.json")" = 48000 ] && ok "sweep --rate 48000 sweeps at 48000 Hz" || fail "sweep --rate: $(head -c 200 "$T/s48.json")"
"$LATHE" render -q --bits 32f --rate 48000 --set limiter.drive=12 "$T/m.wav" -o "$T/r48.wav" || fail "render --rate 48000"
"$LATHE" analyze --json "$T/r48.wav" >"$T/a48.json"
want=$(json_get integrated_lufs "$T/a48.json"); wtp=$(json_get true_peak_dbtp "$T/a48.json")
got=$(grep '"drive_db": 12.00,' "$T/s48.json" | sed -n 's/.*"integrated_lufs": *\([^,}]*\).*/\1/p')
gtp=$(grep '"drive_db": 12.00,' "$T/s48.json" | sed -n 's/.*"true_peak_dbtp": *\([^,}]*\).*/\1/p')
near "$got" "$want" 0.05 && near "$gtp" "$wtp" 0.05 && ok "sweep --rate 48000 at +12: $got LUFS $gtp dBTP, the 48 kHz render $want $wtp" \
	|| fail "sweep --rate 48000 at +12: $got LUFS $gtp dBTP, the 48 kHz render $want $wtp"
stop48=$(json_get stop_drive_db "$T/s48.json")
"$LATHE" render -q --bits 32f --rate 48000 --target stop --max 12 --step 6 "$T/m.wav" -o "$T/stop48.wav" || fail "render --target stop --rate"
"$LATHE" render -q --bits 32f --rate 48000 --set limiter.drive="$stop48" "$T/m.wav" -o "$T/stop48b.wav"
"$WAVCMP" "$T/stop48.wav" "$T/stop48b.wav" | grep -q "max_diff 0$" && ok "--target stop --rate 48000 = --rate 48000 --set limiter.drive=$stop48" \
	|| fail "--target stop --rate 48000 differs from the 48 kHz render at drive $stop48"

# Bad input: one line, the right status.
"$SIGGEN" --seconds 2 silence "$T/silent.wav"
expect_status 2 "sweep of silence" "$LATHE" sweep "$T/silent.wav"
expect_status 2 "sweep of a missing file" "$LATHE" sweep "$T/none.wav"
expect_status 1 "sweep --step 0" "$LATHE" sweep --step 0 "$T/m.wav"
expect_status 1 "sweep of two files" "$LATHE" sweep "$T/m.wav" "$T/m.wav"
finish
