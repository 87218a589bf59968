/* Multiband compressor: the bands sum flat (impulse, DFT), each band's
 * static curve is the soft-knee formula, solo, per-band gain reduction
 * through the chain's meters, block sizes and NaN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/biquad.h"
#include "dsp/chain.h"
#include "dsp/comp.h"
#include "dsp/mbcomp.h"
#include "dsp/params.h"
#include "test_helpers.h"

#define RATE 44100

static double rms(const float *x, int n)
{
	double e = 0;
	for (int i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return sqrt(e / n);
}

static void base(double p[P_COUNT], double fl, double fh)
{
	params_defaults(p);
	p[P_MBCOMP_BYPASS] = 0;
	p[P_MBCOMP_XOVER_LOW] = fl;
	p[P_MBCOMP_XOVER_HIGH] = fh;
	for (int b = 0; b < MB_BANDS; b++)
		p[P_MB_BAND(b) + MBB_THRESHOLD] = 0; /* nothing compresses */
}

/* With nothing compressing the three bands sum to an all-pass: within
 * 0.05 dB from 20 Hz to 20 kHz, for several crossover pairs, through
 * the module and through the chain with everything else bypassed. */
static void test_flat_sum(void **state)
{
	enum { N = 16384 };
	static float L[N], R[N];
	static const double xo[][2] = { { 200, 3000 }, { 60, 8000 }, { 1000, 1000 }, { 400, 12000 } };
	(void)state;

	for (size_t k = 0; k < sizeof xo / sizeof xo[0]; k++)
		for (int via_chain = 0; via_chain < 2; via_chain++) {
			double p[P_COUNT];
			base(p, xo[k][0], xo[k][1]);
			memset(L, 0, sizeof L);
			memset(R, 0, sizeof R);
			L[0] = R[0] = 0.25f;
			if (via_chain) {
				struct chain *c = chain_new(RATE);
				assert_non_null(c);
				for (int m = 0; m < MOD_COUNT; m++)
					if (m != MOD_MBCOMP)
						p[param_bypass(m)] = 1;
				chain_set_all(c, p);
				chain_reset(c);
				chain_process(c, L, R, N);
				chain_free(c);
			} else {
				struct mbcomp *m = mbcomp_new(RATE);
				assert_non_null(m);
				mbcomp_set(m, p);
				mbcomp_reset(m);
				mbcomp_process(m, L, R, N);
				mbcomp_free(m);
			}
			int lat = 0;
			if (via_chain) {
				/* the limiter's delay, bypassed or not */
				while (lat < N && L[lat] == 0)
					lat++;
			}
			double worst = 0;
			for (double f = 20; f <= 20000; f *= 1.03)
				worst = fmax(worst, fabs(dft_db(L + lat, N - lat, RATE, f) - 20 * log10(0.25)));
			print_message("  xovers %5.0f / %5.0f Hz%s: sum flat within %.4f dB\n", xo[k][0],
			              xo[k][1], via_chain ? " (chain)" : "", worst);
			assert_true(worst < 0.05);
		}
}

/* Each band soloed, nothing compressing: its magnitude is the
 * Linkwitz-Riley product it stands for (the split computes low and high
 * by the all-pass identity, so this is what holds it to its meaning):
 * low |LP(fl)|^4, mid |HP(fl) LP(fh)|^4, high |HP(fl) HP(fh)|^4, within
 * 0.01 dB wherever the band is above -60 dB, 20 Hz to 20 kHz. */
static void test_band_shapes(void **state)
{
	enum { N = 16384 };
	static float L[N], R[N];
	static const double xo[][2] = { { 200, 3000 }, { 60, 8000 }, { 400, 12000 } };
	double worst = 0;
	(void)state;

	for (size_t k = 0; k < sizeof xo / sizeof xo[0]; k++) {
		struct bq lpl, hpl, lph, hph;
		bq_lowpass(&lpl, RATE, xo[k][0], M_SQRT1_2);
		bq_highpass(&hpl, RATE, xo[k][0], M_SQRT1_2);
		bq_lowpass(&lph, RATE, xo[k][1], M_SQRT1_2);
		bq_highpass(&hph, RATE, xo[k][1], M_SQRT1_2);
		for (int b = 0; b < MB_BANDS; b++) {
			double p[P_COUNT];
			struct mbcomp *m = mbcomp_new(RATE);
			assert_non_null(m);
			base(p, xo[k][0], xo[k][1]);
			mbcomp_set(m, p);
			mbcomp_reset(m);
			mbcomp_set_solo(m, b);
			memset(L, 0, sizeof L);
			memset(R, 0, sizeof R);
			L[0] = R[0] = 0.25f;
			mbcomp_process(m, L, R, N);
			mbcomp_free(m);
			for (double f = 20; f <= 20000; f *= 1.05) {
				double a = b == 0 ? bq_mag2(&lpl, RATE, f)
				         : b == 1 ? bq_mag2(&hpl, RATE, f) * bq_mag2(&lph, RATE, f)
				                  : bq_mag2(&hpl, RATE, f) * bq_mag2(&hph, RATE, f);
				double want = 10 * log10(a * a), got = dft_db(L, N, RATE, f) - 20 * log10(0.25);
				if (want < -60)
					continue;
				if (fabs(got - want) > 0.01)
					fail_msg("xovers %g/%g band %d at %.0f Hz: %.4f dB, LR4 %.4f dB", xo[k][0],
					         xo[k][1], b, f, got, want);
				worst = fmax(worst, fabs(got - want));
			}
		}
	}
	print_message("  band shapes: within %.5f dB of the LR4 products\n", worst);
}

/* Steady gain of band b soloed, for a sine of level lev at f. */
static double band_gain(const double p[P_COUNT], int b, double lev, double f)
{
	int n = (int)(1.5 * RATE), tail = (int)(0.2 * RATE);
	float *L = malloc(sizeof(float) * n), *R = malloc(sizeof(float) * n);
	float *in = malloc(sizeof(float) * n);
	double a = pow(10, lev / 20);
	assert_non_null(L);
	assert_non_null(R);
	assert_non_null(in);
	for (int i = 0; i < n; i++)
		in[i] = L[i] = R[i] = (float)(a * sin(2 * M_PI * f * i / RATE));
	struct mbcomp *m = mbcomp_new(RATE);
	assert_non_null(m);
	mbcomp_set(m, p);
	mbcomp_reset(m);
	mbcomp_set_solo(m, b);
	mbcomp_process(m, L, R, n);
	double g = 20 * log10(rms(L + n - tail, tail) / rms(in + n - tail, tail));
	mbcomp_free(m);
	free(L);
	free(R);
	free(in);
	return g;
}

/* Each band's curve within 0.1 dB of comp_curve_db (6 dB knee) plus
 * makeup, on a tone inside the band; the level the band's compressor
 * sees is the tone's through the band's own crossover filters (their
 * designed magnitude; 0.03 dB for the low band's 300 Hz).  The low band's
 * tone is no lower, and attack is slow, because a 5 ms RMS detector
 * ripples on slower waves and a fast attack turns that ripple into bias. */
static void test_band_curves(void **state)
{
	static const struct { double fl, fh, f; } at[MB_BANDS] = {
		{ 1000, 12000, 300 }, { 40, 12000, 700 }, { 40, 1000, 15000 },
	};
	(void)state;

	for (int b = 0; b < MB_BANDS; b++) {
		double p[P_COUNT], worst = 0;
		base(p, at[b].fl, at[b].fh);
		int q = P_MB_BAND(b);
		p[q + MBB_THRESHOLD] = -24 + 4 * b;
		p[q + MBB_RATIO] = 3 + b;
		p[q + MBB_ATTACK] = 100;
		p[q + MBB_RELEASE] = 400;
		p[q + MBB_MAKEUP] = 2;
		struct bq lp1, hp1, lp2, hp2;
		bq_lowpass(&lp1, RATE, at[b].fl, M_SQRT1_2);
		bq_highpass(&hp1, RATE, at[b].fl, M_SQRT1_2);
		bq_lowpass(&lp2, RATE, at[b].fh, M_SQRT1_2);
		bq_highpass(&hp2, RATE, at[b].fh, M_SQRT1_2);
		double f = at[b].f;
		double m2 = b == 0 ? bq_mag2(&lp1, RATE, f)
		          : b == 1 ? bq_mag2(&hp1, RATE, f) * bq_mag2(&lp2, RATE, f)
		                   : bq_mag2(&hp1, RATE, f) * bq_mag2(&hp2, RATE, f);
		double filt = 20 * log10(m2); /* two sections: |H|^2 in amplitude */
		for (double lev = -40; lev <= 0; lev += 2.5) {
			double in = lev + filt;
			double want = comp_curve_db(in, p[q + MBB_THRESHOLD], p[q + MBB_RATIO], MBCOMP_KNEE_DB) -
			              lev + 2;
			double got = band_gain(p, b, lev, at[b].f);
			if (fabs(got - want) > 0.1)
				print_error("band %d level %.1f: gain %.3f dB, curve says %.3f\n", b, lev, got, want);
			assert_true(fabs(got - want) <= 0.1);
			worst = fmax(worst, fabs(got - want));
		}
		print_message("  band %d: static curve within %.4f dB\n", b, worst);
	}
}

/* Solo hears one band; the chain meters report each band's reduction
 * (a loud 60 Hz tone: the low band works, the others do not). */
static void test_solo_and_meters(void **state)
{
	enum { N = 44100 };
	static float L[N], R[N];
	double p[P_COUNT];
	(void)state;

	base(p, 200, 3000);
	for (int b = 0; b < MB_BANDS; b++) {
		p[P_MB_BAND(b) + MBB_THRESHOLD] = -30;
		p[P_MB_BAND(b) + MBB_RATIO] = 4;
	}
	struct chain *c = chain_new(RATE);
	assert_non_null(c);
	chain_set_all(c, p);
	chain_set(c, P_LIMITER_BYPASS, 1);
	chain_reset(c);
	for (int i = 0; i < N; i++)
		L[i] = R[i] = (float)(0.5 * sin(2 * M_PI * 60 * i / RATE));
	chain_process(c, L, R, N);
	struct chain_meters cm;
	chain_read_meters(c, &cm);
	print_message("  60 Hz at -6 dBFS: GR low %.2f, mid %.2f, high %.2f dB\n", cm.mbcomp_gr_db[0],
	              cm.mbcomp_gr_db[1], cm.mbcomp_gr_db[2]);
	assert_true(cm.mbcomp_gr_db[0] > 10);
	assert_true(cm.mbcomp_gr_db[1] < 0.5 && cm.mbcomp_gr_db[2] < 0.01);
	/* Solo the high band: the 60 Hz tone all but vanishes. */
	chain_set_mbcomp_solo(c, 2);
	for (int i = 0; i < N; i++)
		L[i] = R[i] = (float)(0.5 * sin(2 * M_PI * 60 * i / RATE));
	chain_process(c, L, R, N);
	double hi = 20 * log10(rms(L + N / 2, N / 2) / (0.5 / sqrt(2)));
	print_message("  high band soloed, 60 Hz: %.1f dB\n", hi);
	assert_true(hi < -60);
	chain_set_mbcomp_solo(c, -1);
	chain_free(c);
}

/* A fresh multiband at 48 kHz set to the parameters ctx points to, run in
 * blocks of `block`. */
DEFINE_RUN_SETTLED(run_settled, mbcomp, 48000)

/* Same samples whatever the blocks; NaN in, finite out. */
static void test_blocks_and_nan(void **state)
{
	enum { N = 30000 };
	static float L[N], R[N];
	static const int blocks[] = { 1, 77, 300 };
	double p[P_COUNT];
	(void)state;

	base(p, 150, 4000);
	for (int b = 0; b < MB_BANDS; b++)
		p[P_MB_BAND(b) + MBB_THRESHOLD] = -30;
	lcg_noise(L, N, 9);
	for (int i = 0; i < N; i++)
		R[i] = 0.7f * L[i];
	assert_block_independent(run_settled, p, L, R, N, blocks, 3);
	struct chain *c = chain_new(48000);
	assert_non_null(c);
	chain_set_all(c, p);
	chain_reset(c);
	L[10] = NAN;
	R[20] = -INFINITY;
	chain_process(c, L, R, N);
	for (int i = 0; i < N; i++)
		assert_true(isfinite(L[i]) && isfinite(R[i]));
	assert_true(rms(L + N - 1000, 1000) > 1e-3);
	chain_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_sum),
		cmocka_unit_test(test_band_shapes),
		cmocka_unit_test(test_band_curves),
		cmocka_unit_test(test_solo_and_meters),
		cmocka_unit_test(test_blocks_and_nan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
