/* True-peak detector: accuracy per interval against the analytic peak of
 * sines across the band, latency, an isolated sample, NaN. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dsp/truepeak.h"

/* Largest |sin(w t + ph)| for t in [a, b], exactly. */
static double sine_max(double w, double ph, double a, double b)
{
	double m = fmax(fabs(sin(w * a + ph)), fabs(sin(w * b + ph)));
	/* Extremes where w t + ph = pi/2 + k pi. */
	double k0 = ceil((w * a + ph - M_PI / 2) / M_PI);
	if (M_PI / 2 + k0 * M_PI <= w * b + ph)
		m = 1.0;
	return m;
}

/* Over every interval reaching at least half the amplitude (the detector
 * may place a peak in the interval next to it, so three neighbours are
 * compared) the reading is at most tol_lo below the continuous peak, and
 * never more than tol_hi above the peak of its own interval's
 * neighbourhood. */
static void check_sines(double rate, double ftop, double tol_lo_db, double tol_hi_db)
{
	struct tpdet *t = tpdet_new();
	assert_non_null(t);
	int d = tpdet_latency(), n = 3000;
	float *v = malloc(sizeof(float) * (size_t)(n + d));
	double worst_lo = 0, worst_hi = -1;
	for (double f = 50; f <= ftop; f *= 1.07) {
		for (int k = 0; k < 3; k++) {
			double w = 2 * M_PI * f / rate, ph = 0.37 + 1.1 * k;
			tpdet_reset(t);
			for (int i = 0; i < n + d; i++)
				v[i] = tpdet_push(t, (float)(0.9 * sin(w * i + ph)));
			for (int i = 200; i < n - 200; i++) {
				/* v[i + d] covers [i, i + 1): its 4x points up to i + 3/4 */
				double got = fmax(v[i + d], fmax(v[i + d - 1], v[i + d + 1]));
				double want = 0.9 * sine_max(w, ph, i - 1, i + 1.75);
				/* Near zero crossings a 0.1 % absolute error is a large
				 * ratio and meaningless; peaks are what count. */
				if (want < 0.45)
					continue;
				double e = 20 * log10(got / want);

				worst_lo = fmin(worst_lo, e);
				double own = 0.9 * sine_max(w, ph, i, i + 1);
				worst_hi = fmax(worst_hi, 20 * log10(v[i + d] / fmax(own, 0.9 * sine_max(w, ph, i - 0.5, i + 1.5))));
			}
		}
	}
	print_message("rate %.0f, sines to %.0f Hz: reads %.3f .. %+.3f dB of the true peak\n",
	              rate, ftop, worst_lo, worst_hi);
	assert_true(worst_lo >= -tol_lo_db);
	assert_true(worst_hi <= tol_hi_db);
	free(v);
	tpdet_free(t);
}

static void test_accuracy_44k(void **state)
{
	(void)state;
	check_sines(44100, 20000, 0.05, 0.05);
}

static void test_accuracy_96k(void **state)
{
	(void)state;
	check_sines(96000, 30000, 0.05, 0.05);
}

static void test_latency_and_impulse(void **state)
{
	(void)state;
	struct tpdet *t = tpdet_new();
	int d = tpdet_latency();
	assert_true(d > 0 && d < 64);
	float v[200];
	for (int i = 0; i < 200; i++)
		v[i] = tpdet_push(t, i == 50 ? 1.0f : 0.0f);
	/* An isolated sample's reconstruction (a sinc) peaks at the sample
	 * itself: 1.0, reported for interval 50 (or the one before it). */
	assert_true(fabsf(fmaxf(v[50 + d], v[49 + d]) - 1.0f) < 1e-3f);
	for (int i = 0; i < 50 + d - 30; i++)
		assert_true(v[i] == 0.0f);
	tpdet_free(t);
}

static void test_nan(void **state)
{
	(void)state;
	struct tpdet *t = tpdet_new();
	for (int i = 0; i < 500; i++) {
		float x = (float)sin(i * 0.2);
		if (i == 100)
			x = NAN;
		if (i == 101)
			x = INFINITY;
		if (i == 102)
			x = 1e-40f;
		float v = tpdet_push(t, x);
		assert_true(isfinite(v) && v < 2.0f);
	}
	tpdet_free(t);
}

/* The block path (the output meter's) reads exactly what pushing the same
 * samples one at a time reads, in blocks of any size, hostile values
 * included. */
static void test_block_same_as_push(void **state)
{
	(void)state;
	struct tpdet *a = tpdet_new(), *b = tpdet_new();
	enum { N = 6000 };
	static float x[N];
	unsigned r = 12345;
	for (int i = 0; i < N; i++) {
		r = r * 1103515245u + 12345u;
		x[i] = (float)(0.7 * sin(i * 1.3) + 0.3 * ((double)(r >> 8) / (1 << 24) - 0.5));
	}
	x[777] = NAN;
	x[778] = INFINITY;
	x[779] = 1e-40f;
	x[3000] = 1.0f;
	const int sizes[] = { 1, 7, 64, 240, 1000 };
	int i = 0, s = 0;
	while (i < N) {
		int n = sizes[s++ % 5];
		if (n > N - i)
			n = N - i;
		float want = 0.0f;
		for (int j = 0; j < n; j++) {
			float v = tpdet_push(a, x[i + j]);
			want = v > want ? v : want;
		}
		float got = tpdet_run(b, x + i, n, 0.0f);
		assert_true(got == want);
		assert_true(tpdet_run(b, x, 0, got) == got);
		i += n;
	}
	tpdet_free(a);
	tpdet_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accuracy_44k),
		cmocka_unit_test(test_accuracy_96k),
		cmocka_unit_test(test_latency_and_impulse),
		cmocka_unit_test(test_nan),
		cmocka_unit_test(test_block_same_as_push),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
