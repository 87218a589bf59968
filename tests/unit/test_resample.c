/* The streaming resampler (libsoxr, very high quality), measured as a
 * listener and a delivery check would: tones in the pass band keep their
 * level within 0.01 dB up to 20 kHz in every direction between the common
 * rates, and keep their pitch; what folds back from above the output's
 * Nyquist frequency (aliases) and what is mirrored above the input's
 * (images) is more than 140 dB down; the length and the timing are
 * exact; the output does not depend on how the input is cut into calls;
 * the channels stay apart. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audio/resample.h"
#include "audio/source.h"
#include "audio/status.h"
#include "dsp/kaiser.h"

/* Stereo: a sine of amp at hz on the left, silence on the right. */
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

/* Through a resampler in calls of `step` frames (varying when 0), then the
 * end drained. */
static float *convert_in(const float *x, int64_t n, int from, int to, int step, int64_t *m)
{
	char err[200];
	struct resampler *r = resampler_new(from, to, 2, err, sizeof err);
	assert_non_null(r);
	int64_t cap = resample_frames(n, from, to);
	float *y = malloc((size_t)(cap + 1) * 2 * sizeof *y);
	float *tmp = malloc(resampler_room(r, (size_t)(step > 8192 ? step : 8192)) * 2 * sizeof *tmp);
	assert_non_null(y);
	assert_non_null(tmp);
	int64_t got = 0, i = 0;
	const int steps[] = { 1, 4096, 333, 8192, 17, 1024 };
	int k = 0;
	for (;;) {
		long w;
		if (i < n) {
			int64_t c = step ? step : steps[k++ % 6];
			if (c > n - i)
				c = n - i;
			w = resampler_run(r, x + 2 * i, (size_t)c, tmp);
			i += c;
		} else {
			w = resampler_run(r, NULL, 0, tmp);
			if (w == 0)
				break;
		}
		assert_true(w >= 0);
		assert_true(got + w <= cap);
		memcpy(y + 2 * got, tmp, (size_t)w * 2 * sizeof *y);
		got += w;
	}
	resampler_free(r);
	free(tmp);
	*m = got;
	return y;
}

static float *convert(const float *x, int64_t n, int from, int to, int64_t *m)
{
	return convert_in(x, n, from, to, 4096, m);
}

/* Amplitude of the component at hz in the left channel over the middle,
 * away from the edges, through a Kaiser window (beta 20: side lobes near
 * -190 dB, so a -140 dB component is not buried by the leakage of a full
 * scale tone a few kHz away). */
static double amp_at(const float *y, int64_t m, int rate, double hz)
{
	int64_t a = m / 8, b = 7 * m / 8;
	double re = 0, im = 0, wsum = 0, w0 = 2 * M_PI * hz / rate;
	for (int64_t i = a; i < b; i++) {
		double u = 2.0 * (double)(i - a) / (double)(b - a) - 1.0;
		double w = kaiser(u, 20.0);
		re += w * y[2 * i] * cos(w0 * (double)i);
		im += w * y[2 * i] * sin(w0 * (double)i);
		wsum += w;
	}
	return 2 * sqrt(re * re + im * im) / wsum;
}

static double db(double a)
{
	return 20 * log10(a + 1e-30);
}

static void test_passband(void **state)
{
	(void)state;
	const int pairs[][2] = { { 44100, 48000 }, { 48000, 44100 }, { 96000, 44100 },
				 { 44100, 96000 }, { 192000, 44100 }, { 88200, 48000 },
				 { 22050, 48000 } };
	const double tones[] = { 20, 100, 1000, 10000, 18000, 20000 };
	for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
		int from = pairs[k][0], to = pairs[k][1];
		double nyq = 0.5 * (from < to ? from : to);
		double worst = 0;
		for (size_t t = 0; t < sizeof tones / sizeof *tones; t++) {
			/* 20 kHz where both rates carry it; 0.9 of the lower
			 * Nyquist frequency where they do not. */
			double hz = tones[t] > 0.9 * nyq ? 0.9 * nyq : tones[t];
			int64_t n, m;
			float *x = tone(from, hz, 1.0, 0.5, &n);
			float *y = convert(x, n, from, to, &m);
			double err = db(amp_at(y, m, to, hz) / 0.5);
			if (fabs(err) > fabs(worst))
				worst = err;
			if (fabs(err) >= 0.01)
				printf("  %d -> %d Hz: %.0f Hz tone %+.5f dB\n", from, to, hz, err);
			assert_true(fabs(err) < 0.01);
			/* the silent right channel stays silent */
			for (int64_t i = 0; i < m; i++)
				assert_true(y[2 * i + 1] == 0.0f);
			free(x);
			free(y);
		}
		printf("  %6d -> %6d Hz: pass band to %.0f Hz within %+.5f dB\n",
		       from, to, nyq < 22050 ? 0.9 * nyq : 20000.0, worst);
	}
}

/* Aliases: a tone above the output's Nyquist frequency must not fold
 * back (48 -> 44.1 kHz: 23 kHz would fold to 21.1 kHz; 96 -> 44.1 kHz:
 * 30 kHz to 14.1 kHz; 96 -> 48 kHz: 40 kHz to 8 kHz).  Images: a tone
 * must not be mirrored about the input's Nyquist frequency (44.1 ->
 * 96 kHz: 10 kHz at 34.1 kHz; 44.1 -> 48 kHz: 5 kHz at 39.1 kHz, which
 * folds to 8.9 kHz). */
static void test_alias_and_image(void **state)
{
	(void)state;
	const struct { int from, to; double hz, bad; } c[] = {
		{ 48000, 44100, 23000, 44100 - 23000 },
		{ 96000, 44100, 30000, 44100 - 30000 },
		{ 96000, 48000, 40000, 48000 - 40000 },
		{ 192000, 48000, 100000, 100000 - 96000 },
		{ 44100, 96000, 10000, 44100 - 10000 },
		{ 44100, 48000, 5000, 48000 - (44100 - 5000) },
		{ 48000, 96000, 1000, 47000 },
	};
	for (size_t k = 0; k < sizeof c / sizeof *c; k++) {
		int64_t n, m;
		float *x = tone(c[k].from, c[k].hz, 1.0, 1.0, &n);
		float *y = convert(x, n, c[k].from, c[k].to, &m);
		double a = db(amp_at(y, m, c[k].to, c[k].bad));
		printf("  %6d -> %6d Hz: %.0f Hz leaves %.1f dB at %.0f Hz\n",
		       c[k].from, c[k].to, c[k].hz, a, c[k].bad);
		assert_true(a < -140);
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

	const int pairs[][2] = { { 48000, 44100 }, { 44100, 48000 }, { 44100, 96000 }, { 192000, 44100 } };
	for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
		int from = pairs[k][0], to = pairs[k][1];
		int64_t n = from + 7, m; /* a length that does not divide */
		float *x = calloc((size_t)n * 2, sizeof *x);
		assert_non_null(x);
		x[2 * (from / 2)] = 1.0f; /* at 0.5 s */
		float *y = convert(x, n, from, to, &m);
		assert_int_equal(m, resample_frames(n, from, to));
		int64_t best = 0;
		for (int64_t i = 0; i < m; i++) {
			assert_true(isfinite(y[2 * i]));
			if (fabsf(y[2 * i]) > fabsf(y[2 * best]))
				best = i;
		}
		printf("  %6d -> %6d Hz: %lld frames, impulse at %lld (want %d)\n", from, to,
		       (long long)m, (long long)best, to / 2);
		assert_true(llabs(best - to / 2) <= 1);
		free(x);
		free(y);
	}
}

/* However the input is cut into calls, the output is the same, bit for
 * bit: a render's samples must not depend on its block size. */
static void test_cut_independent(void **state)
{
	(void)state;
	int64_t n, m1, m2, m3;
	float *x = tone(44100, 997, 2.0, 0.7, &n);
	for (int64_t i = 0; i < n; i++) /* something in the right channel too */
		x[2 * i + 1] = (float)(0.3 * sin(0.37 * (double)i) * cos(0.0011 * (double)i));
	float *a = convert_in(x, n, 44100, 48000, 4096, &m1);
	float *b = convert_in(x, n, 44100, 48000, 0, &m2);
	float *c = convert_in(x, n, 44100, 48000, (int)n, &m3);
	assert_int_equal(m1, m2);
	assert_int_equal(m1, m3);
	assert_memory_equal(a, b, (size_t)m1 * 2 * sizeof *a);
	assert_memory_equal(a, c, (size_t)m1 * 2 * sizeof *a);
	free(x);
	free(a);
	free(b);
	free(c);
}

/* After a reset the output settles within resampler_settle frames to what
 * an uncut run gives (a seek of the reference lines up and sounds the
 * same). */
static void test_reset_settles(void **state)
{
	(void)state;
	int64_t n, m;
	const int from = 44100, to = 48000, L = 147, M = 160; /* 44100/300, 48000/300 */
	float *x = tone(from, 1234.5, 3.0, 0.5, &n);
	float *y = convert(x, n, from, to, &m);
	char err[200];
	struct resampler *r = resampler_new(from, to, 2, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(resampler_reset(r), 0);
	int64_t i0 = 200 * L, j0 = 200 * M, settle = resampler_settle(r);
	float *out = malloc(resampler_room(r, (size_t)(n - i0)) * 2 * sizeof *out);
	assert_non_null(out);
	long w = resampler_run(r, x + 2 * i0, (size_t)(n - i0), out);
	assert_true(w > settle + 1000);
	double worst = 0;
	for (long j = settle; j < w; j++)
		worst = fmax(worst, fabs(out[2 * j] - y[2 * (j0 + j)]));
	printf("  after a reset and %lld frames: within %.1f dB of the uncut run\n",
	       (long long)settle, db(worst));
	assert_true(db(worst) < -120);
	resampler_free(r);
	free(out);
	free(x);
	free(y);
}

/* A source converted as it is read (the reference at another rate): its
 * length is exact, and a seek to any frame gives what reading straight
 * through gives there, so the reference stays in step with the track
 * after every seek and loop wrap. */
static void test_source_convert_seek(void **state)
{
	(void)state;
	const int from = 44100, to = 48000;
	int64_t n, m;
	float *x = tone(from, 440, 4.0, 0.5, &n);
	for (int64_t i = 0; i < n; i++)
		x[2 * i + 1] = (float)(0.25 * sin(2 * M_PI * 3000 * (double)i / from));
	float *y = convert(x, n, from, to, &m);
	struct source *in = source_from_memory(x, n, from, "tone"), *s;
	char err[200];
	assert_non_null(in);
	assert_int_equal(source_convert(in, to, &s, err, sizeof err), ST_OK);
	assert_int_equal(source_frames(s), m);
	assert_int_equal(source_rate(s), to);
	float *buf = malloc((size_t)m * 2 * sizeof *buf);
	assert_non_null(buf);
	int64_t got = 0, k;
	while ((k = source_read(s, buf + 2 * got, 1000)) > 0)
		got += k;
	assert_int_equal(got, m);
	assert_memory_equal(buf, y, (size_t)m * 2 * sizeof *buf);
	const int64_t at[] = { 0, 17, 12345, 96000, 150001, m - 5000 };
	double worst = 0;
	for (size_t a = 0; a < sizeof at / sizeof *at; a++) {
		assert_int_equal(source_seek(s, at[a]), 0);
		int64_t want = m - at[a] < 4000 ? m - at[a] : 4000;
		assert_int_equal(source_read(s, buf, want), want);
		for (int64_t i = 0; i < 2 * want; i++)
			worst = fmax(worst, fabs(buf[i] - y[2 * at[a] + i]));
	}
	printf("  seeks into a 44.1 -> 48 kHz source: within %.1f dB of reading through\n", db(worst));
	assert_true(db(worst) < -120);
	source_close(s); /* closes in, which frees x */
	free(y);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passband),
		cmocka_unit_test(test_alias_and_image),
		cmocka_unit_test(test_length_and_timing),
		cmocka_unit_test(test_cut_independent),
		cmocka_unit_test(test_reset_settles),
		cmocka_unit_test(test_source_convert_seek),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
