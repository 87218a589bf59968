/* Imager: the LR4 crossover sums flat, mono stays mono, width 0 folds to
 * mono, the side below bass_mono falls as LR4's high half does, width
 * moves per sample, partitions, bad input. */
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
#include "bq_ref.h"
#include "dsp/imager.h"
#include "dsp/params.h"
#include "test_helpers.h"

static struct imager *make(double rate, double width, double bass)
{
	double p[P_COUNT];
	struct imager *m = imager_new(rate);

	assert_non_null(m);
	params_defaults(p);
	p[P_IMAGER_WIDTH] = width;
	p[P_IMAGER_BASS_MONO] = bass;
	imager_set(m, p);
	return m;
}

/* LP4 + HP4 of the shared sections equals the allpass the mid goes
 * through, sample by sample, and that allpass is flat. */
static void test_crossover_sums_flat(void **state)
{
	enum { N = 16384 };
	static double lo[N], lo2[N], hi[N], hi2[N], ap[N], ap2[N];
	double rate = 44100;
	(void)state;

	for (double fc = 40; fc <= 500; fc *= 2) {
		struct bq lp, hp, all;
		struct bq_state s[5];
		memset(s, 0, sizeof s);
		bq_lowpass(&lp, rate, fc, M_SQRT1_2);
		bq_highpass(&hp, rate, fc, M_SQRT1_2);
		bq_allpass(&all, rate, fc, M_SQRT1_2);
		memset(lo, 0, sizeof lo);
		lo[0] = 1;
		memcpy(hi, lo, sizeof lo);
		memcpy(ap, lo, sizeof lo);
		bq_run(&lp, &s[0], lo, lo2, N);
		bq_run(&lp, &s[1], lo, lo2, N);
		bq_run(&hp, &s[2], hi, hi2, N);
		bq_run(&hp, &s[3], hi, hi2, N);
		bq_run(&all, &s[4], ap, ap2, N);
		double err = 0, e = 0;
		float h[N];
		for (int i = 0; i < N; i++) {
			err = fmax(err, fabs(lo[i] + hi[i] - ap[i]));
			e += ap[i] * ap[i];
			h[i] = (float)ap[i];
		}
		assert_true(err < 1e-12);
		assert_true(fabs(e - 1) < 1e-9); /* allpass keeps energy */
		for (double f = 10; f < 20000; f *= 1.5)
			assert_true(fabs(dft_db(h, N, rate, f)) < 0.001);
	}
}

static void test_mono_stays_mono(void **state)
{
	enum { N = 8192 };
	float L[N], R[N], X[N];
	(void)state;

	lcg_noise(X, N, 1);
	/* width 100, bass mono off: bit for bit the input */
	struct imager *m = make(48000, 100, 0);
	memcpy(L, X, sizeof L);
	memcpy(R, X, sizeof R);
	imager_process(m, L, R, N);
	assert_memory_equal(L, X, sizeof L);
	assert_memory_equal(R, X, sizeof R);
	imager_free(m);

	/* any width, bass mono on: still mono, and flat (the mid allpass) */
	m = make(48000, 150, 120);
	memset(L, 0, sizeof L);
	L[0] = 1;
	memcpy(R, L, sizeof R);
	imager_process(m, L, R, N);
	assert_memory_equal(L, R, sizeof L);
	for (double f = 20; f < 20000; f *= 1.3)
		assert_true(fabs(dft_db(L, N, 48000, f)) < 0.01);
	imager_free(m);
}

static void test_width(void **state)
{
	enum { N = 4096 };
	float L[N], R[N], L0[N], R0[N];
	(void)state;

	lcg_noise(L0, N, 2);
	lcg_noise(R0, N, 3);
	for (int w = 0; w <= 200; w += 50) {
		struct imager *m = make(44100, w, 0);
		memcpy(L, L0, sizeof L);
		memcpy(R, R0, sizeof R);
		imager_process(m, L, R, N);
		for (int i = 0; i < N; i++) {
			double mid = 0.5 * ((double)L0[i] + R0[i]), side = 0.5 * ((double)L0[i] - R0[i]);
			assert_true(fabs(L[i] - (mid + side * w / 100)) < 1e-6);
			assert_true(fabs(R[i] - (mid - side * w / 100)) < 1e-6);
			if (w == 0)
				assert_true(L[i] == R[i]);
		}
		imager_free(m);
	}
}

/* Pure side through bass mono: the LR4 high half, |H| = x^4/(1+x^4),
 * -6.02 dB at fc, 24 dB/oct below. */
static void test_bass_mono_side(void **state)
{
	enum { N = 65536 };
	static float L[N], R[N];
	static const double rates[] = { 44100, 96000 };
	(void)state;

	for (int r = 0; r < 2; r++)
		for (double fc = 50; fc <= 400; fc *= 2) {
			double rate = rates[r];
			struct imager *m = make(rate, 100, fc);
			memset(L, 0, sizeof L);
			memset(R, 0, sizeof R);
			L[0] = 0.5f;
			R[0] = -0.5f;
			imager_process(m, L, R, N);
			for (int i = 0; i < N; i++)
				assert_true(L[i] == -R[i]);
			for (double f = fc / 4; f < 20000; f *= 1.1) {
				double x4 = pow(f / fc, 4), want = 20 * log10(x4 / (1 + x4));
				double got = dft_db(L, N, rate, f) - 20 * log10(0.5);
				if (fabs(got - want) > (f > fc / 2 ? 0.05 : 0.2))
					fail_msg("%g Hz fc %g: side at %g Hz %.3f dB, want %.3f", rate, fc, f, got, want);
			}
			double at_fc = dft_db(L, N, rate, fc) - 20 * log10(0.5);
			assert_true(fabs(at_fc + 6.0206) < 0.02);
			imager_free(m);
		}
}

/* Width steps every 32 frames in the chain; inside the imager it moves
 * by equal steps per sample, so a constant side ramps without a jump. */
static void test_width_ramp(void **state)
{
	enum { N = 256 };
	float L[N], R[N];
	double p[P_COUNT];
	struct imager *m = make(44100, 100, 0);
	(void)state;

	params_defaults(p);
	for (int i = 0; i < N; i++) {
		L[i] = 0.5f;
		R[i] = -0.5f;
	}
	imager_process(m, L, R, 64);
	p[P_IMAGER_WIDTH] = 0;
	imager_set(m, p);
	imager_process(m, L + 64, R + 64, 10);
	imager_process(m, L + 74, R + 74, N - 74);
	assert_true(L[63] == 0.5f);
	for (int i = 64; i < 96; i++)
		assert_true(fabs((L[i - 1] - L[i]) - 0.5 / 32) < 1e-6);
	for (int i = 95; i < N; i++)
		assert_true(fabs(L[i]) < 1e-7);
	imager_free(m);
}

struct imager_run {
	struct imager *m;
	double p[P_COUNT];
};

/* A width glide, bass mono switched in, glided, faded out and back in
 * mid-fade, off, and on again from fully dry. */
static int imager_change(void *ctx, int pos, int apply)
{
	struct imager_run *r = ctx;
	double *p = r->p, w = p[P_IMAGER_WIDTH], bm = p[P_IMAGER_BASS_MONO];

	if (pos >= 1024 && pos < 4096)
		w += 0.5;
	if (pos == 3008)
		bm = 100;
	if (pos >= 6016 && pos < 9600)
		bm *= 1.003;
	if (pos == 12000)
		bm = 0;
	if (pos == 12096)
		bm = 80;
	if (pos == 15008)
		bm = 0;
	if (pos == 17984)
		bm = 150;
	if (w == p[P_IMAGER_WIDTH] && bm == p[P_IMAGER_BASS_MONO])
		return 0;
	if (apply) {
		p[P_IMAGER_WIDTH] = w;
		p[P_IMAGER_BASS_MONO] = bm;
		imager_set(r->m, p);
	}
	return 1;
}

static void imager_process_v(void *m, float *L, float *R, int n) { imager_process(m, L, R, n); }
static void imager_run_process(void *ctx, float *L, float *R, int n)
{
	imager_process(((struct imager_run *)ctx)->m, L, R, n);
}

static void run_partitioned(void *ctx, float *L, float *R, int n, int block)
{
	struct imager_run r = { .m = make(44100, 80, 0) };
	struct partition part = { &r, imager_change, imager_run_process, 32 };
	(void)ctx;

	params_defaults(r.p);
	r.p[P_IMAGER_WIDTH] = 80;
	partition_run(&part, L, R, n, block);
	imager_free(r.m);
}

static void test_block_size_independence(void **state)
{
	enum { N = 22000 };
	static float L[N], R[N];
	static const int blocks[] = { 1, 64, 1000, 4095 };
	(void)state;

	lcg_noise(L, N, 4);
	lcg_noise(R, N, 5);
	assert_block_independent(run_partitioned, NULL, L, R, N, blocks, 4);
}

static void test_bad_input(void **state)
{
	enum { N = 2048 };
	float L[N], R[N];
	struct imager *a = make(44100, 130, 90), *b = make(44100, 130, 90);
	(void)state;

	lcg_noise(L, N, 6);
	lcg_noise(R, N, 7);
	L[5] = NAN;
	R[700] = INFINITY;
	L[701] = -INFINITY;
	assert_bad_as_silence(imager_process_v, a, b, L, R, N);
	imager_free(a);
	imager_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crossover_sums_flat),
		cmocka_unit_test(test_mono_stays_mono),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_bass_mono_side),
		cmocka_unit_test(test_width_ramp),
		cmocka_unit_test(test_block_size_independence),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
