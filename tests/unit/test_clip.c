/* Clipper: aliasing of a clipped tone (what a listener hears as grit),
 * transparency and alignment below the ceiling, the ceiling itself,
 * bypass (the default) as a pure delay, block-size independence, NaN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dsp/clip.h"
#include "test_helpers.h"

static struct clip *make(double rate, double drive, double ceiling, double soft)
{
	double p[P_COUNT];
	params_defaults(p);
	p[P_CLIP_BYPASS] = 0;
	p[P_CLIP_DRIVE] = drive;
	p[P_CLIP_CEILING] = ceiling;
	p[P_CLIP_SOFTNESS] = soft;
	struct clip *m = clip_new(rate);
	assert_non_null(m);
	clip_set(m, p);
	clip_reset(m);
	return m;
}

/* Amplitude of the line at f Hz over x[0..n) (n = rate: 1 Hz bins, every
 * product of a tone on an integer frequency lands on a bin: no window). */
static double line(const float *x, int n, double rate, double f)
{
	double w = 2 * M_PI * f / rate, c = 2 * cos(w), s1 = 0, s2 = 0;
	for (int i = 0; i < n; i++) {
		double s0 = x[i] + c * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	double re = s1 - s2 * cos(w), im = s2 * sin(w);
	return 2 * sqrt(re * re + im * im) / n;
}

/* A 5 kHz tone 6 dB over the ceiling at the default softness: every
 * product below 20 kHz that is not a harmonic of the tone (the folded
 * images of harmonics above the band) at least 90 dB under the tone.
 * Products of 5 kHz and the rate sit on multiples of gcd(5000, rate). */
static void alias_case(double rate, double soft, double floor_db)
{
	int n = (int)rate, skip = 4096;
	struct clip *m = make(rate, 0, -6, soft);
	float *L = malloc(sizeof(float) * (size_t)(n + skip)), *R = malloc(sizeof(float) * (size_t)(n + skip));
	for (int i = 0; i < n + skip; i++)
		L[i] = R[i] = (float)sin(2 * M_PI * 5000.0 * i / rate);
	clip_process(m, L, R, n + skip);
	const float *y = L + skip;
	double fund = line(y, n, rate, 5000), worst = 0, wf = 0;
	int step = (int)rate % 5000 == 0 ? 5000 : rate == 44100 ? 100 : 1000;
	for (int f = step; f < 20000; f += step) {
		if (f % 5000 == 0 && (f / 5000) % 2 == 1)
			continue; /* 5 and 15 kHz: the clipper's own harmonics */
		double a = line(y, n, rate, f);
		if (a > worst) {
			worst = a;
			wf = f;
		}
	}
	double db = 20 * log10(worst / fund + 1e-300);
	print_message("%.0f Hz, softness %g%%: worst product below 20 kHz %.1f dB (at %.0f Hz), tone %.2f dBFS\n",
	              rate, soft, db, wf, 20 * log10(fund));
	assert_true(db <= floor_db);
	/* It did clip: the tone is well under its unclipped 0 dBFS. */
	assert_true(20 * log10(fund) < -3.0);
	clip_free(m);
	free(L);
	free(R);
}

static void test_alias(void **state)
{
	(void)state;
	alias_case(44100, 50, -90);
	alias_case(48000, 50, -90);
	alias_case(44100, 20, -90);
}

/* Below the knee: the input, delayed by clip_latency, within the
 * filters' pass-band ripple (far under audibility). */
static void test_transparent_aligned(void **state)
{
	(void)state;
	int n = 20000;
	struct clip *m = make(44100, 0, 0, 50);
	int lat = clip_latency(m);
	assert_true(lat > 0 && lat < 200);
	float *L = calloc((size_t)(n + lat), sizeof(float)), *R = calloc((size_t)(n + lat), sizeof(float));
	float *in = malloc(sizeof(float) * (size_t)n);
	for (int i = 0; i < n; i++) {
		double v = 0.2 * sin(2 * M_PI * 997 * i / 44100.0) + 0.1 * sin(2 * M_PI * 15011 * i / 44100.0);
		in[i] = L[i] = R[i] = (float)v;
	}
	clip_process(m, L, R, n + lat);
	double e = 0, s = 0;
	for (int i = 1000; i < n; i++) {
		double d = L[i + lat] - in[i];
		e += d * d;
		s += (double)in[i] * in[i];
	}
	print_message("below the knee: residual %.1f dB\n", 10 * log10(e / s));
	assert_true(10 * log10(e / s) < -70); /* 0.003 dB */
	clip_free(m);
	free(L);
	free(R);
	free(in);
}

/* Hard drive into the ceiling: the output sits at the ceiling (the filters'
 * ringing around the removed harmonics adds a little), never far over. */
static void test_ceiling(void **state)
{
	(void)state;
	int n = 44100;
	struct clip *m = make(44100, 12, -3, 50);
	float *L = malloc(sizeof(float) * n), *R = malloc(sizeof(float) * n);
	for (int i = 0; i < n; i++)
		L[i] = R[i] = (float)(0.9 * sin(2 * M_PI * 100 * i / 44100.0) + 0.05 * sin(2 * M_PI * 3000 * i / 44100.0));
	clip_process(m, L, R, n);
	float pk = 0;
	for (int i = 4096; i < n; i++)
		pk = fmaxf(pk, fabsf(L[i]));
	print_message("12 dB into a -3 dBFS ceiling: sample peak %.2f dBFS\n", 20 * log10(pk));
	assert_true(20 * log10(pk) > -3.3 && 20 * log10(pk) < -2.5);
	clip_free(m);
	free(L);
	free(R);
}

/* Off by default: a pure delay, bit for bit, and the latency is the same
 * bypassed or not (the chain's alignment never moves). */
static void test_bypass_default(void **state)
{
	(void)state;
	int n = 5000;
	struct clip *m = clip_new(44100);
	struct clip *on = make(44100, 6, -1, 50);
	assert_int_equal(clip_latency(m), clip_latency(on));
	int lat = clip_latency(m);
	float *L = calloc((size_t)(n + lat), sizeof(float)), *R = calloc((size_t)(n + lat), sizeof(float));
	float *in = malloc(sizeof(float) * (size_t)n);
	for (int i = 0; i < n; i++)
		in[i] = L[i] = R[i] = (float)(1.5 * sin(i * 0.37));
	clip_process(m, L, R, n + lat);
	assert_memory_equal(L + lat, in, sizeof(float) * (size_t)n);
	for (int i = 0; i < lat; i++)
		assert_true(L[i] == 0.0f);
	clip_free(m);
	clip_free(on);
	free(L);
	free(R);
	free(in);
}

struct clip_run {
	struct clip *m;
	double p[P_COUNT];
};

/* New settings every 4096 frames: bypass, drive and softness. */
static int clip_change(void *ctx, int pos, int apply)
{
	struct clip_run *r = ctx;
	int k = pos / 4096;

	if (!apply)
		return 1;
	r->p[P_CLIP_BYPASS] = k % 5 == 2;
	r->p[P_CLIP_DRIVE] = 3 * (k % 4);
	r->p[P_CLIP_SOFTNESS] = 25 * (k % 5);
	clip_set(r->m, r->p);
	return 1;
}

static void clip_run_process(void *ctx, float *L, float *R, int n)
{
	clip_process(((struct clip_run *)ctx)->m, L, R, n);
}

static void run_blocks(void *ctx, float *L, float *R, int n, int bs)
{
	struct clip_run r = { .m = clip_new(44100) };
	struct partition part = { &r, clip_change, clip_run_process, 4096 };
	(void)ctx;

	assert_non_null(r.m);
	params_defaults(r.p);
	partition_run(&part, L, R, n, bs);
	clip_free(r.m);
}

static void test_blocks_and_nan(void **state)
{
	(void)state;
	int n = 40000;
	float *L0 = malloc(sizeof(float) * n), *R0 = malloc(sizeof(float) * n);
	for (int i = 0; i < n; i++) {
		L0[i] = (float)(sin(i * 0.05) + 0.3 * sin(i * 1.3));
		R0[i] = (float)cos(i * 0.011);
	}
	L0[777] = NAN;
	R0[1234] = INFINITY;
	L0[3000] = -INFINITY;
	const int sizes[] = { 1, 31, 1000, 4095 };
	assert_block_independent(run_blocks, NULL, L0, R0, n, sizes, 4);
	run_blocks(NULL, L0, R0, n, 4096);
	for (int i = 0; i < n; i++)
		assert_true(isfinite(L0[i]) && isfinite(R0[i]) && fabsf(L0[i]) < 2.0f);
	free(L0);
	free(R0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_transparent_aligned),
		cmocka_unit_test(test_ceiling),
		cmocka_unit_test(test_bypass_default),
		cmocka_unit_test(test_blocks_and_nan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
