/* The sweep's per-step meter against libebur128 in the mode lathe analyze
 * uses (I, LRA, true peak, histogram): the sweep promises a step's
 * figures are analyze's of the render at that drive, so the two must
 * agree closely on what a master contains -- loud and quiet sections
 * (both gates, the LRA percentiles), inter-sample peaks (a tone at fs/4
 * sampled 45 degrees off its crests reads 3 dB over its samples), bright
 * clipped noise -- at 44.1, 48 (4x interpolation) and 96 kHz (2x), fed in
 * odd block sizes.  The residual: 0 for a scaled copy, the share of an
 * added signal otherwise. */
#include <ebur128.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "audio/sweep_meter.h"

enum kind { MUSIC, TONE_FS4, CLIPPED_NOISE };

/* Planar stereo, seconds long. */
static void make(enum kind k, unsigned rate, double seconds, float **L, float **R, size_t *n)
{
	*n = (size_t)(seconds * rate);
	*L = malloc(*n * sizeof **L);
	*R = malloc(*n * sizeof **R);
	assert_true(*L && *R);
	uint32_t s = 12345;
	double lp = 0;
	for (size_t i = 0; i < *n; i++) {
		double t = (double)i / rate, l, r;
		s = s * 1664525u + 1013904223u;
		double w = (double)(s >> 8) / 8388608.0 - 1.0;
		lp += 0.05 * (w - lp);
		if (k == MUSIC) {
			/* 5 s loud, 3 s 12 dB down, 1 s near silence, a
			 * slow swell: LRA of several LU */
			double ph = fmod(t, 9.0), g = ph < 5 ? 0.5 : ph < 8 ? 0.125 : 1e-5;
			g *= 1 + 0.5 * sin(2 * M_PI * t / 23);
			l = g * (0.6 * sin(2 * M_PI * 80 * t) + lp + 0.2 * w);
			r = g * (0.5 * sin(2 * M_PI * 3000 * t) + 0.8 * lp - 0.1 * w);
		} else if (k == TONE_FS4) {
			l = 0.7 * sin(2 * M_PI * i / 4.0 + M_PI / 4);
			r = 0.3 * sin(2 * M_PI * 997 * t);
		} else {
			double v = 1.6 * (lp * 3 + 0.6 * w);
			l = v > 0.9 ? 0.9 : v < -0.9 ? -0.9 : v;
			r = -l;
		}
		(*L)[i] = (float)l;
		(*R)[i] = (float)r;
	}
}

struct fig {
	double I, lra, tp;
};

static void reference(const float *L, const float *R, size_t n, unsigned rate, struct fig *f)
{
	ebur128_state *st = ebur128_init(2, rate, EBUR128_MODE_I | EBUR128_MODE_LRA |
					 EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_SAMPLE_PEAK |
					 EBUR128_MODE_HISTOGRAM);
	float *x = malloc(n * 2 * sizeof *x);
	assert_true(st && x);
	for (size_t i = 0; i < n; i++) {
		x[2 * i] = L[i];
		x[2 * i + 1] = R[i];
	}
	assert_int_equal(ebur128_add_frames_float(st, x, n), EBUR128_SUCCESS);
	ebur128_loudness_global(st, &f->I);
	ebur128_loudness_range(st, &f->lra);
	double tp = 0, v;
	for (unsigned c = 0; c < 2; c++) {
		ebur128_true_peak(st, c, &v);
		tp = v > tp ? v : tp;
		ebur128_sample_peak(st, c, &v);
		tp = v > tp ? v : tp;
	}
	f->tp = 20 * log10(tp);
	ebur128_destroy(&st);
	free(x);
}

static void ours(const float *L, const float *R, size_t n, unsigned rate, struct smeter_result *r)
{
	struct smeter *m = smeter_new((int)rate);
	assert_non_null(m);
	/* odd pieces, up to the largest the meter takes */
	size_t i = 0;
	for (int k = 0; i < n; k++) {
		size_t len = (size_t)(k % 3 == 0 ? 441 : k % 3 == 1 ? 17 : SMETER_MAX_N);
		if (len > n - i)
			len = n - i;
		smeter_add(m, L + i, R + i, L + i, R + i, (int)len);
		i += len;
	}
	smeter_result(m, r);
	smeter_free(m);
}

static void check(enum kind k, unsigned rate, double seconds)
{
	float *L, *R;
	size_t n;
	struct fig f;
	struct smeter_result r;

	make(k, rate, seconds, &L, &R, &n);
	reference(L, R, n, rate, &f);
	ours(L, R, n, rate, &r);
	printf("# kind %d at %u Hz: I %.4f / %.4f LUFS, LRA %.3f / %.3f LU, TP %.4f / %.4f dBTP\n", k,
	       rate, r.integrated_lufs, f.I, r.lra_lu, f.lra, r.true_peak_dbtp, f.tp);
	assert_true(fabs(r.integrated_lufs - f.I) < 0.005);
	assert_true(fabs(r.lra_lu - f.lra) < 0.005);
	assert_true(fabs(r.true_peak_dbtp - f.tp) < 0.005);
	/* the output is the input: nothing is left over */
	assert_true(r.residual_db <= -150);
	free(L);
	free(R);
}

static void music_44k(void **s)
{
	(void)s;
	check(MUSIC, 44100, 60);
}

static void music_48k_96k(void **s)
{
	(void)s;
	check(MUSIC, 48000, 40);
	check(MUSIC, 96000, 30);
}

static void intersample_peaks(void **s)
{
	(void)s;
	check(TONE_FS4, 44100, 5);
	check(TONE_FS4, 96000, 5);
	check(CLIPPED_NOISE, 48000, 10);
}

/* The fs/4 tone reads 3 dB over its samples, as a true-peak meter must
 * (libebur128's filter ripples: about 0.1 dB over the crest here). */
static void tone_over_samples(void **s)
{
	(void)s;
	float *L, *R;
	size_t n;
	struct smeter_result r;
	make(TONE_FS4, 44100, 2, &L, &R, &n);
	ours(L, R, n, 44100, &r);
	double samples = 20 * log10(0.7 * sin(M_PI / 4));
	printf("# fs/4 tone: %.3f dBTP, samples %.3f dBFS\n", r.true_peak_dbtp, samples);
	assert_true(fabs(r.true_peak_dbtp - 20 * log10(0.7)) < 0.15);
	assert_true(r.true_peak_dbtp - samples > 2.9);
	free(L);
	free(R);
}

/* y = 0.5 x + d with d uncorrelated at -20 dB of y's power: the residual
 * reads about -20 dB (the scaled copy is not counted). */
static void residual_share(void **s)
{
	(void)s;
	float *L, *R, *yL, *yR;
	size_t n;
	make(MUSIC, 44100, 20, &L, &R, &n);
	yL = malloc(n * sizeof *yL);
	yR = malloc(n * sizeof *yR);
	assert_true(yL && yR);
	double px = 0;
	for (size_t i = 0; i < n; i++)
		px += 0.25 * ((double)L[i] * L[i] + (double)R[i] * R[i]);
	double a = sqrt(px / (2.0 * n) * 0.01 / 0.99) * sqrt(3.0); /* uniform noise of that power */
	uint32_t z = 99;
	for (size_t i = 0; i < n; i++) {
		z = z * 1664525u + 1013904223u;
		double w1 = (double)(z >> 8) / 8388608.0 - 1.0;
		z = z * 1664525u + 1013904223u;
		double w2 = (double)(z >> 8) / 8388608.0 - 1.0;
		yL[i] = (float)(0.5 * L[i] + a * w1);
		yR[i] = (float)(0.5 * R[i] + a * w2);
	}
	struct smeter *m = smeter_new(44100);
	assert_non_null(m);
	for (size_t i = 0; i < n; i += 441)
		smeter_add(m, yL + i, yR + i, L + i, R + i, (int)(n - i < 441 ? n - i : 441));
	struct smeter_result r;
	smeter_result(m, &r);
	smeter_free(m);
	printf("# residual of 0.5 x + noise at -20 dB: %.2f dB\n", r.residual_db);
	assert_true(fabs(r.residual_db - -20.0) < 0.3);
	free(L);
	free(R);
	free(yL);
	free(yR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(music_44k),
		cmocka_unit_test(music_48k_96k),
		cmocka_unit_test(intersample_peaks),
		cmocka_unit_test(tone_over_samples),
		cmocka_unit_test(residual_share),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
