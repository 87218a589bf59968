/* The figures of one sweep step, measured as the limiter's output streams
 * past, in constant memory whatever the track's length: integrated
 * loudness, LRA and true peak as `lathe analyze` (libebur128, histogram
 * mode) reads them from the rendered file, and the residual.
 *
 * Why not libebur128 itself: per step it was a fifth of the sweep's time
 * and its true-peak interpolator (double sums, one sample at a time)
 * another half of what the chain's own meter costs.  Here the K-weighting
 * is lufs.c's (both channels in one vector), the gating and LRA run on
 * the 100 ms energies with libebur128's bins and percentile rule, and the
 * true peak is libebur128's interpolator (49-tap Hann sinc, 4x below
 * 96 kHz, 2x below 192 kHz, none above) vectorised along time.
 * tests/unit/test_sweep_meter.c holds it to libebur128 on generated
 * signals. */
#ifndef LATHE_SWEEP_METER_H
#define LATHE_SWEEP_METER_H

struct smeter;

struct smeter_result {
	double integrated_lufs, lra_lu, true_peak_dbtp, residual_db;
};

struct smeter *smeter_new(int rate); /* NULL when out of memory */
void smeter_free(struct smeter *m);
/* n output frames y (planar) and the frames x of the limiter's input they
 * line up with (x may be NULL: no residual).  n <= SMETER_MAX_N. */
#define SMETER_MAX_N 4096
void smeter_add(struct smeter *m, const float *yL, const float *yR, const float *xL,
		const float *xR, int n);
void smeter_result(const struct smeter *m, struct smeter_result *r);
#endif
