/* Dither: the shape of the dither (a triangle over +-1 LSB), the TPDF
 * property (error mean and power do not depend on the signal), seeds,
 * clipping, and which block splits leave the samples unchanged. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dsp/dither.h"

enum { N = 1 << 16 };

static double lsb_of(int bits) { return bits == 16 ? 1.0 / 32768 : 1.0 / 8388608; }
static int unit_of(int bits) { return bits == 16 ? 65536 : 256; }

/* Quantises N samples of the constant k + frac LSB; returns, in LSB, the
 * mean and power of the error and the share of outputs at or above k+1. */
static void dc_stats(int bits, uint32_t seed, int k, double frac, double *mean, double *power,
		     double *above)
{
	static float x[N];
	static int out[N];
	struct dither d;
	double lsb = lsb_of(bits), s = 0, s2 = 0;
	long up = 0;

	for (int i = 0; i < N; i++)
		x[i] = (float)((k + frac) * lsb);
	dither_init(&d, bits, seed);
	dither_run(&d, x, out, N);
	for (int i = 0; i < N; i++) {
		int q = out[i] / unit_of(bits);
		assert_int_equal(out[i] % unit_of(bits), 0);
		/* the float holds k + frac exactly for these small values */
		double e = q - (k + frac);
		assert_true(fabs(e) <= 1.5 + 1e-9);
		s += e;
		s2 += e * e;
		up += q >= k + 1;
	}
	*mean = s / N;
	*power = s2 / N;
	*above = (double)up / N;
}

/* The dither's distribution function, measured through the quantiser: an
 * input frac LSB above a whole value is rounded up when frac + d >= 0.5,
 * so the share rounded up is 1 - F(0.5 - frac).  A triangle over +-1 LSB
 * has F(t) = (1 + t)^2 / 2 below 0 and 1 - (1 - t)^2 / 2 above. */
static void test_triangular_distribution(void **state)
{
	(void)state;
	const int bits[] = { 16, 24 };
	for (int b = 0; b < 2; b++)
		for (int j = -7; j <= 23; j++) {
			double frac = j / 16.0, t = 0.5 - frac, mean, power, above;
			double F = t <= -1 ? 0 : t >= 1 ? 1 : t < 0 ? (1 + t) * (1 + t) / 2 : 1 - (1 - t) * (1 - t) / 2;
			dc_stats(bits[b], 3, 100, frac, &mean, &power, &above);
			double want = 1 - F;
			print_message("%d bits, %+.4f LSB: %.4f rounded up (triangle %.4f), error mean %+.4f power %.4f\n",
				      bits[b], frac, above, want, mean, power);
			/* 65536 draws: the share's standard error is under 0.002 */
			assert_true(fabs(above - want) < 0.01);
		}
}

/* What makes TPDF the dither of choice: the error's mean and power are
 * the same (0 and 1/4 LSB^2) whatever the signal, so no level or tone
 * modulates the noise.  Rounding alone fails both (mean = -frac, power
 * frac^2 at small frac); a rectangular dither fails the power. */
static void test_error_moments_independent_of_signal(void **state)
{
	(void)state;
	for (int j = 0; j < 16; j++) {
		double mean, power, above;
		dc_stats(16, 11, -40, j / 16.0, &mean, &power, &above);
		assert_true(fabs(mean) < 0.01);
		assert_true(fabs(power - 0.25) < 0.01);
	}
}

static void test_seeds(void **state)
{
	(void)state;
	static float x[N];
	static int a[N], b[N], c[N];
	struct dither d;

	for (int i = 0; i < N; i++)
		x[i] = (float)(0.3 * sin(i * 0.01));
	dither_init(&d, 16, 7);
	dither_run(&d, x, a, N);
	dither_init(&d, 16, 7);
	dither_run(&d, x, b, N);
	assert_memory_equal(a, b, sizeof a);
	dither_init(&d, 16, 8);
	dither_run(&d, x, c, N);
	/* Seeds give independent dither: the two errors are uncorrelated,
	 * and the outputs differ as often as two independent triangles
	 * make them (about 45% here; 0 for rounding or a dither that
	 * ignored its seed). */
	long differ = 0;
	double sac = 0, saa = 0, scc = 0;
	for (int i = 0; i < N; i++) {
		double ea = a[i] / 65536.0 - x[i] * 32768.0, ec = c[i] / 65536.0 - x[i] * 32768.0;
		differ += a[i] != c[i];
		sac += ea * ec;
		saa += ea * ea;
		scc += ec * ec;
	}
	double rho = sac / sqrt(saa * scc);
	print_message("seeds 7 and 8: %ld of %d samples differ, error correlation %+.4f\n", differ, N, rho);
	assert_true(differ > N / 3);
	assert_true(fabs(rho) < 0.02);
}

static void test_clips_to_the_word(void **state)
{
	(void)state;
	float x[16];
	int out[16];
	struct dither d;

	for (int i = 0; i < 16; i++)
		x[i] = i % 2 ? -2.0f : 1.0f;
	dither_init(&d, 16, 1);
	dither_run(&d, x, out, 16);
	for (int i = 0; i < 16; i++)
		assert_int_equal(out[i], i % 2 ? INT32_MIN : 32767 * 65536);
	dither_init(&d, 24, 1);
	dither_run(&d, x, out, 16);
	for (int i = 0; i < 16; i++)
		assert_int_equal(out[i], i % 2 ? INT32_MIN : 8388607 * 256);
}

/* Block independence as dither.h states it: calls of whole multiples of
 * DITHER_LANES samples, then any last call, give the samples of one call;
 * a shorter call mid-stream (5 then 59 against 64) does not. */
static void test_block_splits(void **state)
{
	(void)state;
	enum { M = 4096 + 5 };
	static float x[M];
	static int one[M], split[M];
	struct dither d;
	const int sizes[] = { DITHER_LANES, 64, 4096 - 8 * DITHER_LANES };

	for (int i = 0; i < M; i++)
		x[i] = (float)(0.5 * sin(i * 0.37));
	dither_init(&d, 24, 5);
	dither_run(&d, x, one, M);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		dither_init(&d, 24, 5);
		int pos = 0;
		while (pos < M) {
			int k = M - pos < sizes[s] ? M - pos : sizes[s];
			if (M - pos - k < DITHER_LANES && M - pos - k > 0)
				k = M - pos; /* the remainder goes in the last call */
			dither_run(&d, x + pos, split + pos, k);
			pos += k;
		}
		assert_memory_equal(one, split, sizeof one);
	}
	dither_init(&d, 24, 5);
	dither_run(&d, x, split, 5);
	dither_run(&d, x + 5, split + 5, 59);
	assert_memory_equal(one, split, 5 * sizeof *one);
	assert_memory_not_equal(one + 5, split + 5, 59 * sizeof *one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_triangular_distribution),
		cmocka_unit_test(test_error_moments_independent_of_signal),
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_clips_to_the_word),
		cmocka_unit_test(test_block_splits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
