/* Sample-rate conversion of the reference, measured as a listener would:
 * tones in the pass band keep their level (0.01 dB) and pitch in every
 * direction between the common rates; a tone above the output's Nyquist
 * frequency does not fold back audibly (60 dB down); the length and the
 * timing are right (a click lands where it should); the channels stay
 * apart. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "audio/resample.h"

static float *tone(int rate, double hz, double seconds, double amp, int64_t *n)
{
	*n = (int64_t)(seconds * rate);
	float *x = malloc((size_t)*n * 2 * sizeof *x);
	assert_non_null(x);
	for (int64_t i = 0; i < *n; i++) {
		x[2 * i] = (float)(amp * sin(2 * M_PI * hz * (double)i / rate));
		x[2 * i + 1] = 0.0f;
	}
	return x;
}

static float *convert(const float *x, int64_t n, int from, int to, int64_t *m)
{
	*m = resample_frames(n, from, to);
	float *y = malloc((size_t)*m * 2 * sizeof *y);
	assert_non_null(y);
	assert_int_equal(resample_stereo(x, n, from, y, to), 0);
	return y;
}

/* Amplitude of the component at hz in the left channel over the middle,
 * away from the edges (a Hann-windowed single-bin DFT). */
static double amp_at(const float *y, int64_t m, int rate, double hz)
{
	int64_t a = m / 4, b = 3 * m / 4;
	double re = 0, im = 0, wsum = 0;
	for (int64_t i = a; i < b; i++) {
		double w = 0.5 - 0.5 * cos(2 * M_PI * (double)(i - a) / (double)(b - a));
		re += w * y[2 * i] * cos(2 * M_PI * hz * (double)i / rate);
		im += w * y[2 * i] * sin(2 * M_PI * hz * (double)i / rate);
		wsum += w;
	}
	return 2 * sqrt(re * re + im * im) / wsum;
}

static void test_passband(void **state)
{
	(void)state;
	const int pairs[][2] = { { 44100, 48000 }, { 48000, 44100 }, { 96000, 44100 },
				 { 44100, 96000 }, { 192000, 44100 }, { 22050, 48000 } };
	/* -1: at the edge of the promised band, 0.9 of the lower Nyquist */
	const double tones[] = { 100, 1000, 10000, 18000, -1 };
	for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
		int from = pairs[k][0], to = pairs[k][1];
		double nyq = 0.5 * (from < to ? from : to);
		for (size_t t = 0; t < sizeof tones / sizeof *tones; t++) {
			double hz = tones[t] < 0 ? 0.9 * nyq : tones[t];
			if (hz > 0.9 * nyq)
				continue;
			int64_t n, m;
			float *x = tone(from, hz, 1.0, 0.5, &n);
			float *y = convert(x, n, from, to, &m);
			double a = amp_at(y, m, to, hz);
			double err = 20 * log10(a / 0.5);
			printf("  %d -> %d Hz: %.0f Hz tone %+.4f dB\n", from, to, hz, err);
			assert_true(fabs(err) < 0.01);
			/* the silent right channel stays silent */
			for (int64_t i = 0; i < m; i++)
				assert_true(y[2 * i + 1] == 0.0f);
			free(x);
			free(y);
		}
	}
}

/* 48 kHz to 44.1 kHz: a 23 kHz tone (above 22.05 kHz) would fold back to
 * 21.1 kHz; a 30 kHz tone at 96 kHz would fold back to 14.1 kHz. */
static void test_alias(void **state)
{
	(void)state;
	const struct { int from, to; double hz, fold; } c[] = {
		{ 48000, 44100, 23000, 44100 - 23000 },
		{ 96000, 44100, 30000, 44100 - 30000 },
	};
	for (size_t k = 0; k < sizeof c / sizeof *c; k++) {
		int64_t n, m;
		float *x = tone(c[k].from, c[k].hz, 1.0, 1.0, &n);
		float *y = convert(x, n, c[k].from, c[k].to, &m);
		double a = amp_at(y, m, c[k].to, c[k].fold);
		printf("  %d -> %d Hz: %.0f Hz folds to %.0f Hz at %.1f dB\n",
		       c[k].from, c[k].to, c[k].hz, c[k].fold, 20 * log10(a + 1e-12));
		assert_true(20 * log10(a + 1e-12) < -60);
		free(x);
		free(y);
	}
}

/* The length is ceil(n * to / from), and an impulse at input time t comes
 * out centred on t: the reference stays in step with the track. */
static void test_length_and_timing(void **state)
{
	(void)state;
	assert_int_equal(resample_frames(44100, 44100, 48000), 48000);
	assert_int_equal(resample_frames(1, 48000, 44100), 1);
	assert_int_equal(resample_frames(10, 48000, 44100), 10); /* 9.1875 up */

	int64_t n = 48000, m;
	float *x = calloc((size_t)n * 2, sizeof *x);
	assert_non_null(x);
	x[2 * 24000] = 1.0f; /* at 0.5 s */
	float *y = convert(x, n, 48000, 44100, &m);
	int64_t best = 0;
	for (int64_t i = 0; i < m; i++)
		if (fabsf(y[2 * i]) > fabsf(y[2 * best]))
			best = i;
	assert_true(llabs(best - 22050) <= 1);
	for (int64_t i = 0; i < m; i++)
		assert_true(isfinite(y[2 * i]));
	free(x);
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passband),
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_length_and_timing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
