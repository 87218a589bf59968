/* Spectrum and stereo analysis, measured as a listener's meter would be:
 * sines at band centres read their level, pink noise reads flat, and the
 * correlation of known stereo pictures reads what it must.  The same
 * promises for the file report (analyze_file_spectrum on a real WAV) and
 * the console's live analyser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/analyze.h"
#include "audio/status.h"
#include "dsp/spectrum.h"
#include "dsp/stereo.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static double urand(void) /* -1..1 */
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

static double gauss(void)
{
	double u = (urand() + 1) * 0.5, v = (urand() + 1) * 0.5;
	return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

static float *sine(double rate, double f, double amp, int64_t n)
{
	float *x = malloc(sizeof *x * (size_t)n * 2);
	assert_non_null(x);
	for (int64_t i = 0; i < n; i++)
		x[2 * i] = x[2 * i + 1] = (float)(amp * sin(2 * M_PI * f * (double)i / rate + 0.3));
	return x;
}

/* Paul Kellet's refined pink filter on Gaussian white noise: within
 * 0.05 dB of -3 dB/octave from 9 Hz up at 44.1 kHz.  Independent L, R. */
static float *pink(int64_t n)
{
	float *x = malloc(sizeof *x * (size_t)n * 2);
	double b[2][7] = { { 0 } };

	assert_non_null(x);
	for (int64_t i = 0; i < n; i++)
		for (int c = 0; c < 2; c++) {
			double w = gauss() * 0.05, *s = b[c];
			s[0] = 0.99886 * s[0] + w * 0.0555179;
			s[1] = 0.99332 * s[1] + w * 0.0750759;
			s[2] = 0.96900 * s[2] + w * 0.1538520;
			s[3] = 0.86650 * s[3] + w * 0.3104856;
			s[4] = 0.55000 * s[4] + w * 0.5329522;
			s[5] = -0.7616 * s[5] - w * 0.0168980;
			x[2 * i + c] = (float)(s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + w * 0.5362);
			s[6] = w * 0.115926;
		}
	return x;
}

static int band_of(const struct spec_bands *b, double f)
{
	for (int i = 0; i < b->n; i++)
		if (f >= b->lo[i] && f < b->hi[i])
			return i;
	return -1;
}

static void test_bands(void **state)
{
	struct spec_bands b;
	(void)state;
	spec_bands_thirds(&b);
	assert_int_equal(b.n, SPEC_THIRDS);
	for (int i = 0; i < b.n; i++) {
		/* Exact centres are within 3% of the nominal labels. */
		assert_true(fabs(b.centre[i] / spec_third_nominal[i] - 1) < 0.03);
		if (i)
			assert_true(fabs(b.lo[i] - b.hi[i - 1]) < 1e-9 * b.hi[i]);
	}
	assert_int_equal(spec_bands_fraction(&b, 6, 20, 20000), 61);
	assert_true(b.lo[0] < 20 && b.hi[60] > 20000);
}

/* The file's mean: a sine at each third-octave centre from 20 Hz up reads
 * its level in its band within 0.5 dB, at both common rates. */
static void test_welch_sine(void **state)
{
	const double rates[2] = { 44100, 48000 };
	struct spec_bands b;
	double db[SPEC_THIRDS];
	(void)state;

	spec_bands_thirds(&b);
	for (int r = 0; r < 2; r++)
		for (int i = 0; i < SPEC_THIRDS; i++) {
			double f = b.centre[i], amp = 0.5; /* -9.03 dB FS RMS */
			int64_t n = (int64_t)(rates[r] * 3);
			float *x = sine(rates[r], f, amp, n);
			struct spec_welch *w = spec_welch_new(rates[r]);
			assert_non_null(w);
			spec_welch_add(w, x, n);
			spec_welch_bands(w, &b, db);
			if (fabs(db[i] - 20 * log10(amp / M_SQRT2)) >= 0.5)
				fail_msg("%.0f Hz at %.0f: %.2f dB, want -9.03", f, rates[r], db[i]);
			/* Two bands away it is far down: the bands do not leak. */
			if (i >= 2)
				assert_true(db[i - 2] < db[i] - 40);
			spec_welch_free(w);
			free(x);
		}
}

/* Pink noise reads flat within 1 dB (max - min) from 40 Hz to 16 kHz. */
static void test_welch_pink(void **state)
{
	int64_t n = 44100 * 40;
	float *x = pink(n);
	struct spec_bands b;
	double db[SPEC_THIRDS], lo = 1e9, hi = -1e9;
	struct spec_welch *w = spec_welch_new(44100);
	(void)state;

	assert_non_null(w);
	spec_bands_thirds(&b);
	spec_welch_add(w, x, n);
	spec_welch_bands(w, &b, db);
	for (int i = band_of(&b, 40); i <= band_of(&b, 16000); i++) {
		lo = fmin(lo, db[i]);
		hi = fmax(hi, db[i]);
	}
	printf("pink, third octaves 40 Hz-16 kHz: %.2f dB from max to min\n", hi - lo);
	assert_true(hi - lo < 1.0);
	spec_welch_free(w);
	free(x);
}

/* A signal shorter than one frame still reads its level. */
static void test_welch_short(void **state)
{
	struct spec_bands b;
	double db[SPEC_THIRDS];
	float *x = sine(48000, 1000, 1.0, 24000);
	struct spec_welch *w = spec_welch_new(48000);
	(void)state;

	spec_bands_thirds(&b);
	spec_welch_add(w, x, 24000);
	spec_welch_bands(w, &b, db);
	assert_true(fabs(db[band_of(&b, 1000)] + 3.01) < 0.5);
	spec_welch_free(w);
	free(x);
}

static const char *write_wav(const char *name, const float *x, int64_t n, int rate)
{
	static char path[256];
	SF_INFO in = { .samplerate = rate, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	snprintf(path, sizeof path, "/tmp/lathe_test_spectrum_%d_%s.wav", (int)getpid(), name);
	SNDFILE *f = sf_open(path, SFM_WRITE, &in);
	assert_non_null(f);
	assert_int_equal(sf_writef_float(f, x, n), n);
	sf_close(f);
	return path;
}

/* End to end through a real file: the figures lathe analyze prints. */
static void test_analyze_file(void **state)
{
	struct analysis a;
	char err[256];
	int64_t n = 48000 * 4;
	float *x = sine(48000, 1000, 1.0, n);
	(void)state;

	const char *p = write_wav("sine", x, n, 48000);
	assert_int_equal(analyze_file_spectrum(p, &a, 1, err, sizeof err), ST_OK);
	assert_true(a.has_spectrum);
	assert_true(fabs(a.spectrum_db[17] + 3.01) < 0.05); /* 1 kHz: full-scale sine */
	assert_true(fabs(a.correlation - 1) < 0.005);
	unlink(p);
	/* L = -R */
	for (int64_t i = 0; i < n; i++)
		x[2 * i + 1] = -x[2 * i];
	p = write_wav("anti", x, n, 48000);
	assert_int_equal(analyze_file_spectrum(p, &a, 0, err, sizeof err), ST_OK);
	assert_false(a.has_spectrum);
	assert_true(fabs(a.correlation + 1) < 0.005);
	unlink(p);
	free(x);
}

static void test_correlation(void **state)
{
	int64_t n = 48000 * 5;
	float *x = malloc(sizeof *x * (size_t)n * 2);
	struct stereo_acc s;
	(void)state;

	assert_non_null(x);
	/* L = R: +1.00, whole and below 150 Hz */
	for (int64_t i = 0; i < n; i++)
		x[2 * i] = x[2 * i + 1] = (float)(0.3 * gauss());
	stereo_init(&s, 48000);
	stereo_add(&s, x, n);
	assert_true(fabs(stereo_correlation(&s) - 1) < 0.005);
	assert_true(fabs(stereo_correlation_low(&s) - 1) < 0.005);
	assert_true(fabs(stereo_balance_db(&s)) < 0.01);
	assert_true(isinf(stereo_width_db(&s)) && stereo_width_db(&s) < 0);
	/* L = -R: -1.00 */
	for (int64_t i = 0; i < n; i++)
		x[2 * i + 1] = -x[2 * i];
	stereo_reset(&s);
	stereo_add(&s, x, n);
	assert_true(fabs(stereo_correlation(&s) + 1) < 0.005);
	assert_true(fabs(stereo_correlation_low(&s) + 1) < 0.005);
	/* Independent noises: within 0.05 of 0 */
	for (int64_t i = 0; i < n; i++)
		x[2 * i + 1] = (float)(0.3 * gauss());
	stereo_reset(&s);
	stereo_add(&s, x, n);
	printf("independent noises: %.4f, below 150 Hz %.4f\n", stereo_correlation(&s),
	       stereo_correlation_low(&s));
	assert_true(fabs(stereo_correlation(&s)) < 0.05);
	assert_true(fabs(stereo_correlation_low(&s)) < 0.05);
	assert_true(fabs(stereo_width_db(&s)) < 0.2);
	/* Mono bass under anti-phase highs: the low figure sees the bass. */
	for (int64_t i = 0; i < n; i++) {
		double bass = 0.5 * sin(2 * M_PI * 50 * (double)i / 48000);
		double hi = 0.5 * sin(2 * M_PI * 3000 * (double)i / 48000);
		x[2 * i] = (float)(bass + hi);
		x[2 * i + 1] = (float)(bass - hi);
	}
	stereo_reset(&s);
	stereo_add(&s, x, n);
	assert_true(fabs(stereo_correlation(&s)) < 0.02);
	assert_true(stereo_correlation_low(&s) > 0.99);
	/* R 6.02 dB down: balance leans left by that. */
	for (int64_t i = 0; i < n; i++)
		x[2 * i + 1] = 0.5f * x[2 * i];
	stereo_reset(&s);
	stereo_add(&s, x, n);
	assert_true(fabs(stereo_balance_db(&s) + 6.02) < 0.01);
	/* Silence has no correlation. */
	memset(x, 0, sizeof *x * (size_t)n * 2);
	stereo_reset(&s);
	stereo_add(&s, x, n);
	assert_true(isnan(stereo_correlation(&s)));
	free(x);
}

/* The console's analyser: a sine at 1/6-octave centres from 25 Hz up
 * reads its level within 0.5 dB (fast and slow, once settled). */
static void test_live_sine(void **state)
{
	struct spec_live *s = spec_live_new(48000);
	const struct spec_bands *b;
	(void)state;

	assert_non_null(s);
	b = spec_live_bands(s);
	assert_int_equal(b->n, 61);
	for (int i = 2; i < b->n; i += 3) {
		int64_t n = 48000 * 4;
		float *x = sine(48000, b->centre[i], 0.25, n);
		spec_live_reset(s);
		for (int64_t j = 0; j < n; j += 480) /* 10 ms blocks, as the UI gets them */
			spec_live_push(s, x + 2 * j, 480);
		double want = 20 * log10(0.25 / M_SQRT2);
		double fa = spec_live_level(s, i, SPEC_FAST), sl = spec_live_level(s, i, SPEC_SLOW);
		double pk = spec_live_level(s, i, SPEC_PEAK);
		if (fabs(fa - want) >= 0.5 || fabs(sl - want) >= 0.5 || fabs(pk - want) >= 0.5)
			fail_msg("%.1f Hz: fast %.2f slow %.2f peak %.2f, want %.2f", b->centre[i],
				 fa, sl, pk, want);
		free(x);
	}
	spec_live_free(s);
}

/* Pink noise, the slow reading averaged over a minute (the display's
 * fluctuation is the noise's own): flat within 1 dB 40 Hz to 16 kHz. */
static void test_live_pink(void **state)
{
	int64_t n = 44100 * 40, blk = 441;
	float *x = pink(n);
	struct spec_live *s = spec_live_new(44100);
	const struct spec_bands *b = spec_live_bands(s);
	double sum[SPEC_MAX_BANDS] = { 0 }, lo = 1e9, hi = -1e9;
	int count = 0;
	(void)state;

	for (int64_t j = 0; j + blk <= n; j += blk) {
		spec_live_push(s, x + 2 * j, (int)blk);
		if (j > 44100 * 3 && j % (blk * 10) == 0) {
			for (int i = 0; i < b->n; i++)
				sum[i] += pow(10, spec_live_level(s, i, SPEC_SLOW) / 10);
			count++;
		}
	}
	for (int i = band_of(b, 40); i <= band_of(b, 16000); i++) {
		double d = 10 * log10(sum[i] / count);
		lo = fmin(lo, d);
		hi = fmax(hi, d);
	}
	printf("pink, live 1/6 octaves 40 Hz-16 kHz: %.2f dB from max to min\n", hi - lo);
	assert_true(hi - lo < 1.0);
	spec_live_free(s);
	free(x);
}

/* Live correlation per range: L = R, L = -R, and a phase problem in the
 * bass alone shows in the low range only. */
static void test_live_stereo(void **state)
{
	int64_t n = 48000 * 6;
	float *x = malloc(sizeof *x * (size_t)n * 2);
	struct spec_live *s = spec_live_new(48000);
	struct spec_stereo st;
	(void)state;

	for (int64_t i = 0; i < n; i++)
		x[2 * i] = x[2 * i + 1] = (float)(0.2 * gauss());
	spec_live_push(s, x, (int)n);
	for (int g = 0; g < SPEC_RANGES; g++) {
		spec_live_stereo(s, g, &st);
		assert_true(fabs(st.corr - 1) < 0.01);
	}
	for (int64_t i = 0; i < n; i++)
		x[2 * i + 1] = -x[2 * i];
	spec_live_reset(s);
	spec_live_push(s, x, (int)n);
	for (int g = 0; g < SPEC_RANGES; g++) {
		spec_live_stereo(s, g, &st);
		assert_true(fabs(st.corr + 1) < 0.01);
	}
	for (int64_t i = 0; i < n; i++) {
		double bass = 0.4 * sin(2 * M_PI * 60 * (double)i / 48000);
		double v = 0.1 * gauss();
		x[2 * i] = (float)(bass + v);
		x[2 * i + 1] = (float)(-bass + v);
	}
	spec_live_reset(s);
	spec_live_push(s, x, (int)n);
	spec_live_stereo(s, SPEC_LOW, &st);
	assert_true(st.corr < -0.9);
	spec_live_stereo(s, SPEC_MID, &st);
	assert_true(st.corr > 0.9);
	spec_live_stereo(s, SPEC_HIGH, &st);
	assert_true(st.corr > 0.9);
	spec_live_free(s);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bands),
		cmocka_unit_test(test_welch_sine),
		cmocka_unit_test(test_welch_pink),
		cmocka_unit_test(test_welch_short),
		cmocka_unit_test(test_analyze_file),
		cmocka_unit_test(test_correlation),
		cmocka_unit_test(test_live_sine),
		cmocka_unit_test(test_live_pink),
		cmocka_unit_test(test_live_stereo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
