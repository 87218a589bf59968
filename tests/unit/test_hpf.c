/* High-pass: response of the real hpf_process against analog Butterworth,
 * the slope switch without a click, partitions, bad input, extreme rates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/hpf.h"
#include "dsp/params.h"
#include "test_helpers.h"

static struct hpf *make(double rate, double f, int slope)
{
	double p[P_COUNT];
	struct hpf *m = hpf_new(rate);

	assert_non_null(m);
	params_defaults(p);
	p[P_HPF_FREQ] = f;
	p[P_HPF_SLOPE] = slope;
	hpf_set(m, p);
	return m;
}

static float *impulse(double rate, double f, int slope, int n)
{
	struct hpf *m = make(rate, f, slope);
	float *L = calloc((size_t)n, sizeof *L), *R = calloc((size_t)n, sizeof *R);

	L[0] = R[0] = 1.0f;
	for (int i = 0; i < n; i += 333)
		hpf_process(m, L + i, R + i, n - i < 333 ? n - i : 333);
	assert_memory_equal(L, R, (size_t)n * sizeof *L);
	free(R);
	hpf_free(m);
	return L;
}

/* Analog Butterworth high-pass of order 2 (12 dB/oct) or 4 (24 dB/oct). */
static double butter_db(double f, double fc, int slope)
{
	double x = pow(f / fc, slope == 12 ? 4 : 8);
	return 10 * log10(x / (1 + x));
}

static void test_response_vs_analog(void **state)
{
	static const double rates[] = { 22050, 44100, 48000, 192000 };
	static const double fcs[] = { 10, 20, 80, 300 };
	(void)state;

	for (int r = 0; r < 4; r++)
		for (int k = 0; k < 4; k++)
			for (int s = 12; s <= 24; s += 12) {
				double rate = rates[r], fc = fcs[k], worst = 0;
				/* 30 time constants of the sharpest pole pair */
				int n = (int)(30 * 2 * 1.31 / (2 * M_PI * fc) * rate) + 4096;
				float *h = impulse(rate, fc, s, n);
				for (double f = fc / 4; f < 0.45 * rate && f < 20000; f *= 1.07) {
					double d = dft_db(h, n, rate, f) - butter_db(f, fc, s);
					/* 0.1 dB above 2 fc; below, where the response is
					 * tens of dB down, 0.2 dB */
					double tol = f >= 2 * fc ? 0.1 : 0.2;
					if (fabs(d) > tol)
						fail_msg("%g Hz fc %g slope %d: %.3f dB off at %.1f Hz", rate, fc, s, d, f);
					worst = fmax(worst, fabs(d));
				}
				/* -3.01 dB at the cutoff for both orders (Butterworth) */
				double at_fc = dft_db(h, n, rate, fc);
				assert_true(fabs(at_fc + 3.0103) < 0.05);
				/* slope an octave and two below the cutoff: 12 or 24 dB/oct */
				double oct = dft_db(h, n, rate, fc / 4) - dft_db(h, n, rate, fc / 8);
				assert_true(fabs(oct - s) < 0.3);
				if (r == 1)
					print_message("  fc %3g Hz %d dB/oct @ %g: worst %.4f dB, at fc %.3f dB, "
					              "octave fc/8..fc/4 %.2f dB\n", fc, s, rate, worst, at_fc, oct);
				free(h);
			}
}

/* Slope switch on a 150 Hz sine over a 100 Hz cutoff, where the two
 * slopes differ most in gain and phase: a hard switch jumps by a good
 * part of the amplitude; the crossfade keeps the curvature of the
 * waveform within that of the steady sine. */
static void test_slope_switch_no_click(void **state)
{
	enum { N = 44100 };
	double rate = 44100, p[P_COUNT];
	float *L = malloc(N * sizeof *L), *R = malloc(N * sizeof *R);
	struct hpf *m = make(rate, 100, 12);
	(void)state;

	params_defaults(p);
	p[P_HPF_FREQ] = 100;
	for (int i = 0; i < N; i++)
		L[i] = R[i] = (float)(0.5 * sin(2 * M_PI * 150 * i / rate));
	for (int i = 0; i < N; i += 32) {
		if (i == 22016 || i == 33024) {
			p[P_HPF_SLOPE] = i == 22016 ? 24 : 12;
			hpf_set(m, p);
		}
		hpf_process(m, L + i, R + i, N - i < 32 ? N - i : 32);
	}
	double steady = 0, worst = 0;
	for (int i = 1; i < N - 1; i++) {
		double d2 = fabs(L[i + 1] - 2.0 * L[i] + L[i - 1]);
		if (i > 11025 && i < 22016)
			steady = fmax(steady, d2);
		if (i >= 22016 - 2)
			worst = fmax(worst, d2);
	}
	print_message("  second difference: steady %.3g, around the switches %.3g\n", steady, worst);
	assert_true(steady > 0);
	/* a hard switch gives hundreds of times the steady value, a linear
	 * fade five times (kinks at its ends), the smooth fade about 1.2 */
	assert_true(worst < 1.5 * steady);
	/* and the switch did happen: 24 dB/oct passes less at 150 Hz */
	double a12 = 0, a24 = 0;
	for (int i = 11025; i < 22016; i++)
		a12 = fmax(a12, fabs(L[i]));
	for (int i = 26000; i < 33024; i++)
		a24 = fmax(a24, fabs(L[i]));
	assert_true(fabs(20 * log10(a12 / 0.5) - butter_db(150, 100, 12)) < 0.1);
	assert_true(fabs(20 * log10(a24 / 0.5) - butter_db(150, 100, 24)) < 0.1);
	hpf_free(m);
	free(L);
	free(R);
}

/* The idle cascade is not run while the slope holds; a switch warms it
 * on the kept input first.  After a switch (and its crossfade), the
 * output must be what a cascade that ran all along gives: compared with
 * a filter set to the new slope from the start, on low-heavy noise at the
 * lowest cutoff (10 Hz, the slowest decay) and at 44.1 and 192 kHz, the
 * difference is more than 90 dB below the signal, both ways. */
static void test_switch_warm(void **state)
{
	(void)state;
	const double rates[] = { 44100, 192000 };
	for (int ri = 0; ri < 2; ri++) {
		for (int to = 12; to <= 24; to += 12) {
			double rate = rates[ri], p[P_COUNT];
			int n = (int)(2 * rate), sw = ((int)rate / 32) * 32; /* switch at 1 s */
			float *x = malloc((size_t)n * sizeof *x), *L = malloc((size_t)n * sizeof *L);
			float *R = malloc((size_t)n * sizeof *R), *L2 = malloc((size_t)n * sizeof *L2);
			float *R2 = malloc((size_t)n * sizeof *R2);
			assert_non_null(x && L && R && L2 && R2);
			lcg_noise(x, n, 11);
			double lp = 0;
			for (int i = 0; i < n; i++) { /* mostly below 50 Hz, plus DC */
				lp += 0.002 * (x[i] - lp);
				x[i] = (float)(20 * lp + 0.05 * x[i] + 0.1);
			}
			memcpy(L, x, (size_t)n * sizeof *L);
			memcpy(R, x, (size_t)n * sizeof *R);
			memcpy(L2, x, (size_t)n * sizeof *L2);
			memcpy(R2, x, (size_t)n * sizeof *R2);
			struct hpf *a = make(rate, 10, to == 24 ? 12 : 24), *b = make(rate, 10, to);
			params_defaults(p);
			p[P_HPF_FREQ] = 10;
			p[P_HPF_SLOPE] = to;
			hpf_process(a, L, R, sw);
			hpf_set(a, p);
			hpf_process(a, L + sw, R + sw, n - sw);
			hpf_process(b, L2, R2, n);
			double e = 0, d = 0;
			int from = sw + (int)(0.02 * rate); /* after the 10 ms crossfade */
			for (int i = from; i < n; i++) {
				e += (double)L2[i] * L2[i];
				d += ((double)L[i] - L2[i]) * ((double)L[i] - L2[i]);
			}
			double db = 10 * log10(d / e + 1e-30);
			print_message("  %g Hz, switch to %d dB/oct at 10 Hz: off by %.1f dB\n", rate, to, db);
			assert_true(db < -90);
			hpf_free(a);
			hpf_free(b);
			free(x);
			free(L);
			free(R);
			free(L2);
			free(R2);
		}
	}
}

struct hpf_run {
	struct hpf *m;
	double p[P_COUNT];
};

/* A glide, then slope switches, one of them 32 frames after another. */
static int hpf_change(void *ctx, int pos, int apply)
{
	struct hpf_run *r = ctx;
	int glide = pos >= 2048 && pos < 6144, flip = pos == 8192 || pos == 8224 || pos == 15008;

	if (apply && glide)
		r->p[P_HPF_FREQ] *= 1.005;
	if (apply && flip)
		r->p[P_HPF_SLOPE] = r->p[P_HPF_SLOPE] == 12 ? 24 : 12;
	if (apply && (glide || flip))
		hpf_set(r->m, r->p);
	return glide || flip;
}

static void hpf_process_v(void *m, float *L, float *R, int n) { hpf_process(m, L, R, n); }
static void hpf_run_process(void *ctx, float *L, float *R, int n) { hpf_process(((struct hpf_run *)ctx)->m, L, R, n); }

static void run_partitioned(void *ctx, float *L, float *R, int n, int block)
{
	struct hpf_run r = { .m = make(48000, 40, 12) };
	struct partition part = { &r, hpf_change, hpf_run_process, 32 };
	(void)ctx;

	params_defaults(r.p);
	r.p[P_HPF_FREQ] = 40;
	r.p[P_HPF_SLOPE] = 12;
	partition_run(&part, L, R, n, block);
	hpf_free(r.m);
}

static void test_block_size_independence(void **state)
{
	enum { N = 20000 };
	static const int blocks[] = { 1, 64, 1000, 4095 };
	static float L[N], R[N];
	(void)state;

	lcg_noise(L, N, 7);
	lcg_noise(R, N, 8);
	assert_block_independent(run_partitioned, NULL, L, R, N, blocks, 4);
}

static void test_bad_input(void **state)
{
	enum { N = 4096 };
	float L[N], R[N];
	struct hpf *a = make(44100, 30, 24), *b = make(44100, 30, 24);
	(void)state;

	lcg_noise(L, N, 9);
	lcg_noise(R, N, 10);
	L[10] = NAN;
	R[10] = -INFINITY;
	L[3000] = INFINITY;
	assert_bad_as_silence(hpf_process_v, a, b, L, R, N);
	hpf_free(a);
	hpf_free(b);
}

/* Long silence after a loud burst: the state rings down into the double
 * denormal range unless it is flushed; it must end exactly at zero. */
static void test_decays_to_zero(void **state)
{
	enum { N = 4800 };
	float L[N], R[N];
	struct hpf *m = make(192000, 10, 24);
	(void)state;

	lcg_noise(L, N, 11);
	lcg_noise(R, N, 12);
	hpf_process(m, L, R, N);
	for (int k = 0; k < 3000; k++) {
		memset(L, 0, sizeof L);
		memset(R, 0, sizeof R);
		hpf_process(m, L, R, N);
	}
	for (int i = 0; i < N; i++)
		assert_true(L[i] == 0 && R[i] == 0);
	hpf_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_response_vs_analog),
		cmocka_unit_test(test_slope_switch_no_click),
		cmocka_unit_test(test_switch_warm),
		cmocka_unit_test(test_block_size_independence),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_decays_to_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
