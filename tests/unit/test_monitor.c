/* The monitor stage: stereo passes bit for bit, modes do what they say,
 * and the small-speaker emulation has the band it claims (150 Hz to
 * 7 kHz, measured on sines through monitor_process). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/monitor.h"

#define RATE 48000
#define N 48000

static float L[N], R[N], out[2 * N];

static void sines(double f, double fr)
{
	for (int i = 0; i < N; i++) {
		L[i] = (float)(0.5 * sin(2 * M_PI * f * i / RATE));
		R[i] = (float)(0.5 * sin(2 * M_PI * fr * i / RATE + 1.0));
	}
}

/* Level in dB of the left output over the last half, against 0.5 peak. */
static double level_db(void)
{
	double e = 0;
	for (int i = N / 2; i < N; i++)
		e += (double)out[2 * i] * out[2 * i];
	return 10 * log10(e / (N / 2) / 0.125);
}

static void run(struct monitor_stage *m, int block)
{
	for (int i = 0; i < N; i += block) {
		int k = N - i < block ? N - i : block;
		monitor_process(m, L + i, R + i, L + i, R + i, out + 2 * i, k);
	}
}

static void test_stereo_bit_exact(void **state)
{
	(void)state;
	struct monitor_stage *m = monitor_new(RATE);
	assert_non_null(m);
	sines(440, 550);
	run(m, 300);
	for (int i = 0; i < N; i++) {
		assert_true(out[2 * i] == L[i]);
		assert_true(out[2 * i + 1] == R[i]);
	}
	monitor_free(m);
}

static void test_modes(void **state)
{
	(void)state;
	struct monitor_stage *m = monitor_new(RATE);
	assert_non_null(m);
	sines(440, 550);
	monitor_set_mode(m, MON_SIDE);
	run(m, 300);
	/* after the 20 ms fade: (l - r) / 2 on both sides */
	for (int i = RATE / 10; i < N; i++) {
		assert_float_equal(out[2 * i], 0.5f * (L[i] - R[i]), 1e-6);
		assert_float_equal(out[2 * i + 1], 0.5f * (L[i] - R[i]), 1e-6);
	}
	monitor_free(m);
}

static void test_small_speaker_band(void **state)
{
	(void)state;
	static const struct { double f, lo, hi; } pts[] = {
		{ 1000, -0.3, 0.1 },  /* in the band */
		{ 150, -6.5, -5.5 },  /* two Butterworth sections: -6 dB at the corner */
		{ 40, -50, -40 },     /* 24 dB/oct: about -46 dB */
		{ 7000, -3.5, -2.5 }, /* one section: -3 dB at the corner */
		{ 18000, -32, -22 },  /* bilinear: steeper than analog near Nyquist */
	};
	for (size_t k = 0; k < sizeof pts / sizeof pts[0]; k++) {
		struct monitor_stage *m = monitor_new(RATE);
		assert_non_null(m);
		monitor_set_mode(m, MON_SMALL);
		sines(pts[k].f, pts[k].f);
		for (int i = 0; i < N; i++)
			R[i] = L[i]; /* mono in: the sum is the sine */
		run(m, 1000);
		double d = level_db();
		print_message("  small speaker at %5.0f Hz: %+.2f dB\n", pts[k].f, d);
		assert_true(d > pts[k].lo && d < pts[k].hi);
		monitor_free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stereo_bit_exact),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_small_speaker_band),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
