/* The offline loudness meter against libebur128 (the reference
 * implementation lathe analyze uses), as a delivery check would compare
 * them: the same integrated loudness within 0.001 LU for music-like
 * signals with loud and quiet passages (both gates at work) at the common
 * rates, fed in odd block sizes; -inf for silence; the EBU's 1 kHz
 * calibration point.  lufs_sum_stereo2 (the live meter's two paths in
 * one pass) gives lufs_sum_stereo's sums to the bit. */
#include <ebur128.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "audio/lufs.h"

static float *signal(unsigned rate, double seconds, unsigned seed, size_t *n)
{
	*n = (size_t)(seconds * rate);
	float *x = malloc(*n * 2 * sizeof *x);
	assert_non_null(x);
	uint32_t s = seed;
	double lp = 0;
	for (size_t i = 0; i < *n; i++) {
		double t = (double)i / rate;
		/* 4 s loud, 2 s quiet (-25 dB), 1 s near silence: the
		 * relative gate drops some blocks, the absolute one others */
		double ph = fmod(t, 7.0), g = ph < 4 ? 0.5 : ph < 6 ? 0.03 : 1e-5;
		s = s * 1664525u + 1013904223u;
		double w = ((double)(s >> 8) / 8388608.0 - 1.0);
		lp += 0.05 * (w - lp);
		x[2 * i] = (float)(g * (0.6 * sin(2 * M_PI * 80 * t) + lp + 0.2 * w));
		x[2 * i + 1] = (float)(g * (0.5 * sin(2 * M_PI * 3000 * t) + 0.8 * lp - 0.1 * w));
	}
	return x;
}

static double reference(const float *x, size_t n, unsigned rate)
{
	double v;
	ebur128_state *st = ebur128_init(2, rate, EBUR128_MODE_I);
	assert_non_null(st);
	ebur128_add_frames_float(st, x, n);
	ebur128_loudness_global(st, &v);
	ebur128_destroy(&st);
	return v;
}

static double ours(const float *x, size_t n, unsigned rate)
{
	struct lufs_meter *m = lufs_new(rate);
	assert_non_null(m);
	const size_t steps[] = { 1, 4096, 333, 10000, 7 };
	for (size_t i = 0, k = 0; i < n; k++) {
		size_t c = steps[k % 5];
		if (c > n - i)
			c = n - i;
		assert_int_equal(lufs_add(m, x + 2 * i, c), 0);
		i += c;
	}
	double v = lufs_integrated(m);
	lufs_free(m);
	return v;
}

static void test_matches_libebur128(void **state)
{
	(void)state;
	const unsigned rates[] = { 44100, 48000, 96000, 22050 };
	for (size_t r = 0; r < sizeof rates / sizeof *rates; r++) {
		size_t n;
		float *x = signal(rates[r], 30.0, 7 + (unsigned)r, &n);
		double a = reference(x, n, rates[r]), b = ours(x, n, rates[r]);
		printf("  %6u Hz: libebur128 %.4f LUFS, lathe %.4f LUFS (%+.5f LU)\n", rates[r], a, b, b - a);
		assert_true(fabs(a - b) < 0.001);
		free(x);
	}
}

static void test_silence_and_calibration(void **state)
{
	(void)state;
	size_t n = 48000 * 5;
	float *x = calloc(n * 2, sizeof *x);
	assert_non_null(x);
	assert_true(isinf(ours(x, n, 48000)) && ours(x, n, 48000) < 0);
	/* EBU Tech 3341: a 1 kHz sine at -18 dBFS in both channels reads
	 * -18 LUFS (within 0.1 LU), i.e. 0 LU on a -18 scale. */
	double amp = pow(10.0, -18.0 / 20.0);
	for (size_t i = 0; i < n; i++)
		x[2 * i] = x[2 * i + 1] = (float)(amp * sin(2 * M_PI * 1000 * (double)i / 48000));
	double v = ours(x, n, 48000);
	printf("  1 kHz at -18 dBFS, both channels: %.3f LUFS\n", v);
	assert_true(fabs(v + 18.0) < 0.1);
	assert_true(fabs(v - reference(x, n, 48000)) < 0.001);
	free(x);
}

static void test_sum_stereo2_exact(void **state)
{
	(void)state;
	const unsigned rates[] = { 48000, 44100 };
	for (size_t r = 0; r < 2; r++) {
		size_t n;
		/* The signal's near silence, then 10 s of zeros, take the
		 * filter state down to where it is flushed. */
		float *x = signal(rates[r], 20.0, 3, &n), *y = signal(rates[r], 20.0, 4, &n);
		for (size_t i = n / 2; i < n; i++)
			x[2 * i] = x[2 * i + 1] = 0;
		struct lufs_meter *a = lufs_new(rates[r]), *b = lufs_new(rates[r]);
		struct lufs_meter *c = lufs_new(rates[r]), *d = lufs_new(rates[r]);
		assert_true(a && b && c && d);
		const size_t steps[] = { 1, 4096, 333, 0, 10000, 7, 240 };
		size_t blocks = 0;
		for (size_t i = 0, k = 0; i < n; k++) {
			size_t m = steps[k % 7];
			if (m > n - i)
				m = n - i;
			double e1, e2, f1 = lufs_sum_stereo(c, x + 2 * i, m), f2 = lufs_sum_stereo(d, y + 2 * i, m);
			lufs_sum_stereo2(a, b, x + 2 * i, y + 2 * i, m, &e1, &e2);
			assert_memory_equal(&e1, &f1, sizeof e1);
			assert_memory_equal(&e2, &f2, sizeof e2);
			i += m;
			blocks++;
		}
		/* The state after it all, silence included, is the same too. */
		double e1, e2, f1 = lufs_sum_stereo(c, y, 4800), f2 = lufs_sum_stereo(d, x, 4800);
		lufs_sum_stereo2(a, b, y, x, 4800, &e1, &e2);
		assert_memory_equal(&e1, &f1, sizeof e1);
		assert_memory_equal(&e2, &f2, sizeof e2);
		printf("  %u Hz: %zu calls, the same sums to the bit\n", rates[r], blocks);
		lufs_free(a);
		lufs_free(b);
		lufs_free(c);
		lufs_free(d);
		free(x);
		free(y);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_libebur128),
		cmocka_unit_test(test_silence_and_calibration),
		cmocka_unit_test(test_sum_stereo2_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
