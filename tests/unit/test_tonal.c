/* Tonal balance: band energies and tilt against analytic values for white
 * noise (flat per Hz), pink noise (flat per octave) and brown noise, sines
 * landing in their band, block-size independence, silence and NaN. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audio/tonal.h"

#define RATE 44100
#define SECONDS 20
#define N (RATE * SECONDS)

static uint64_t rng_state;

static double white(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return (double)(x >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

enum colour { WHITE, PINK, BROWN };

/* Pink: Paul Kellet's refined filter, within 0.05 dB of -3 dB/oct from
 * 9 Hz up at 44.1 kHz.  Brown: white integrated (leaky below 5 Hz). */
static float *noise(enum colour c, uint64_t seed)
{
	float *x = malloc((size_t)N * 2 * sizeof *x);
	assert_non_null(x);
	rng_state = seed;
	for (int ch = 0; ch < 2; ch++) {
		double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, acc = 0;
		for (int i = 0; i < N; i++) {
			double w = white(), y = w;
			if (c == PINK) {
				b0 = 0.99886 * b0 + w * 0.0555179;
				b1 = 0.99332 * b1 + w * 0.0750759;
				b2 = 0.96900 * b2 + w * 0.1538520;
				b3 = 0.86650 * b3 + w * 0.3104856;
				b4 = 0.55000 * b4 + w * 0.5329522;
				b5 = -0.7616 * b5 - w * 0.0168980;
				y = (b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362) * 0.11;
				b6 = w * 0.115926;
			} else if (c == BROWN) {
				acc = acc * (1 - 2 * M_PI * 5 / RATE) + w * 0.02;
				y = acc;
			}
			x[2 * i + ch] = (float)(0.25 * y);
		}
	}
	return x;
}

static void measure(const float *x, int n, int block, struct tonal *out)
{
	struct tonal_state *t = tonal_new(RATE);
	assert_non_null(t);
	for (int i = 0; i < n; i += block)
		tonal_add(t, x + 2 * i, n - i < block ? n - i : block);
	tonal_get(t, out);
	tonal_free(t);
}

static double white_band(int b)
{
	double lo = tonal_band_edges[b], hi = tonal_band_edges[b + 1];
	return 10 * log10((hi - lo) / (tonal_band_edges[TONAL_BANDS] - tonal_band_edges[0]));
}

static double pink_band(int b)
{
	double lo = tonal_band_edges[b], hi = tonal_band_edges[b + 1];
	return 10 * log10(log(hi / lo) / log(tonal_band_edges[TONAL_BANDS] / tonal_band_edges[0]));
}

static void check_near(const char *what, double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: %.3f, want %.3f +- %.2f", what, got, want, tol);
}

static void test_white_and_pink(void **state)
{
	(void)state;
	struct tonal w, p, b;
	float *x = noise(WHITE, 1);
	measure(x, N, 4096, &w);
	free(x);
	x = noise(PINK, 2);
	measure(x, N, 4096, &p);
	free(x);
	x = noise(BROWN, 3);
	measure(x, N, 4096, &b);
	free(x);
	assert_true(w.valid && p.valid && b.valid);
	print_message("tilt: white %+.2f pink %+.2f brown %+.2f dB/oct\n",
		      w.tilt_db_oct, p.tilt_db_oct, b.tilt_db_oct);
	/* Per-octave energy: white rises 3 dB/oct, pink is flat, brown falls 3. */
	check_near("white tilt", w.tilt_db_oct, 3.0, 0.2);
	check_near("pink tilt", p.tilt_db_oct, 0.0, 0.2);
	check_near("brown tilt", b.tilt_db_oct, -3.0, 0.3);
	for (int i = 0; i < TONAL_BANDS; i++) {
		char what[64];
		print_message("%-8s white %7.2f (%7.2f)  pink %7.2f (%7.2f)  brown %7.2f\n",
			      tonal_band_names[i], w.band_db[i], white_band(i), p.band_db[i],
			      pink_band(i), b.band_db[i]);
		snprintf(what, sizeof what, "white %s", tonal_band_names[i]);
		check_near(what, w.band_db[i], white_band(i), i == TONAL_SUB ? 0.6 : 0.25);
		snprintf(what, sizeof what, "pink %s", tonal_band_names[i]);
		check_near(what, p.band_db[i], pink_band(i), i == TONAL_SUB ? 0.6 : 0.25);
	}
	/* Brighter noise has more air and less sub, relative to the whole. */
	assert_true(w.band_db[TONAL_AIR] > p.band_db[TONAL_AIR] + 6);
	assert_true(b.band_db[TONAL_SUB] > p.band_db[TONAL_SUB] + 5);
}

static void sine_in_band(double f, int band)
{
	float *x = malloc((size_t)RATE * 4 * 2 * sizeof *x);
	struct tonal t;
	assert_non_null(x);
	/* 50 ms fades: an abrupt start is a click, and a click is broadband. */
	for (int i = 0; i < RATE * 4; i++) {
		double fade = fmin(1, fmin(i, RATE * 4 - i) / (0.05 * RATE));
		x[2 * i] = x[2 * i + 1] = (float)(0.5 * fade * sin(2 * M_PI * f * i / RATE));
	}
	measure(x, RATE * 4, 1000, &t);
	free(x);
	assert_true(t.valid);
	check_near("sine's own band", t.band_db[band], 0.0, 0.01);
	for (int b = 0; b < TONAL_BANDS; b++)
		if (b != band && t.band_db[b] > -50)
			fail_msg("%.0f Hz sine: %s has %.1f dB (want < -50)", f, tonal_band_names[b], t.band_db[b]);
}

static void test_sines(void **state)
{
	(void)state;
	sine_in_band(1000, TONAL_LOW_MID);
	sine_in_band(40, TONAL_SUB);
	sine_in_band(120, TONAL_LOW);
	sine_in_band(3500, TONAL_HIGH_MID);
	sine_in_band(8000, TONAL_HIGH);
	sine_in_band(15000, TONAL_AIR);
}

/* The same audio fed in blocks of 1, 333, 4096 and all at once. */
static void test_block_size(void **state)
{
	(void)state;
	int n = RATE * 3;
	float *x = noise(PINK, 7);
	struct tonal ref, t;
	measure(x, n, n, &ref);
	const int blocks[] = { 1, 333, 4096 };
	for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++) {
		measure(x, n, blocks[k], &t);
		for (int b = 0; b < TONAL_BANDS; b++)
			assert_true(fabs(t.band_db[b] - ref.band_db[b]) < 1e-9);
		assert_true(fabs(t.tilt_db_oct - ref.tilt_db_oct) < 1e-9);
	}
	free(x);
}

static void test_silence_and_nan(void **state)
{
	(void)state;
	float *x = calloc((size_t)RATE * 2, sizeof *x);
	struct tonal t;
	assert_non_null(x);
	measure(x, RATE, 512, &t);
	assert_false(t.valid);
	assert_true(isnan(t.tilt_db_oct));
	/* A 1 kHz tone with NaN and infinity sprinkled in still reads as 1 kHz. */
	for (int i = 0; i < RATE; i++)
		x[2 * i] = x[2 * i + 1] = (float)(0.5 * sin(2 * M_PI * 1000.0 * i / RATE));
	for (int i = 100; i < RATE; i += 997) {
		x[2 * i] = NAN;
		x[2 * i + 1] = INFINITY;
	}
	measure(x, RATE, 512, &t);
	assert_true(t.valid);
	assert_true(isfinite(t.tilt_db_oct));
	assert_true(t.band_db[TONAL_LOW_MID] > -0.5);
	/* Shorter than one FFT frame still measures. */
	measure(x, 2000, 2000, &t);
	assert_true(t.valid);
	assert_true(t.band_db[TONAL_LOW_MID] > -0.5);
	free(x);
}

static void test_rates(void **state)
{
	(void)state;
	assert_null(tonal_new(1000));
	const int rates[] = { 22050, 48000, 96000, 192000 };
	for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++) {
		int r = rates[k], n = r * 2;
		float *x = malloc((size_t)n * 2 * sizeof *x);
		struct tonal_state *t = tonal_new(r);
		struct tonal out;
		assert_non_null(x);
		assert_non_null(t);
		for (int i = 0; i < n; i++)
			x[2 * i] = x[2 * i + 1] = (float)sin(2 * M_PI * 1000.0 * i / r);
		tonal_add(t, x, n);
		tonal_get(t, &out);
		tonal_free(t);
		free(x);
		assert_true(out.valid);
		check_near("1 kHz at any rate", out.band_db[TONAL_LOW_MID], 0, 0.01);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_white_and_pink),
		cmocka_unit_test(test_sines),
		cmocka_unit_test(test_block_size),
		cmocka_unit_test(test_silence_and_nan),
		cmocka_unit_test(test_rates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
