/* The EQ curve the console draws against the chain's measured response:
 * the impulse response of the real chain (hpf and eq on, everything else
 * bypassed), its DFT at 60 frequencies from 20 Hz to 20 kHz, within 0.2 dB
 * of eqcurve_db, for several settings and both common rates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/chain.h"
#include "dsp/eqcurve.h"
#include "dsp/params.h"
#include "test_helpers.h"

static double check(double rate, const double *v, const char *what)
{
	int n = 1 << 16;
	float *L = calloc((size_t)n, sizeof *L), *R = calloc((size_t)n, sizeof *R);
	struct chain *c = chain_new(rate);
	struct eqcurve *q = eqcurve_new(rate);
	const double amp = 0.01;
	double worst = 0, at = 0, lo = 1e9, hi = -1e9;

	assert_non_null(L);
	assert_non_null(c);
	assert_non_null(q);
	chain_set_all(c, v);
	chain_jump(c);
	chain_reset(c);
	L[0] = R[0] = (float)amp;
	chain_process(c, L, R, n);
	assert_int_equal(eqcurve_set(q, v), 1);
	assert_int_equal(eqcurve_set(q, v), 0);
	for (int k = 0; k < 60; k++) {
		double f = 20 * pow(1000, k / 59.0);
		if (f > 0.45 * rate)
			break;
		double meas = dft_db(L, n, rate, f) - 20 * log10(amp);
		double d = fabs(meas - eqcurve_db(q, f));
		lo = fmin(lo, meas);
		hi = fmax(hi, meas);
		if (d > worst)
			worst = d, at = f;
	}
	printf("%s at %.0f Hz: response %.1f to %+.1f dB, curve off by %.4f dB at worst (%.0f Hz)\n",
	       what, rate, lo, hi, worst, at);
	assert_true(worst < 0.2);
	eqcurve_free(q);
	chain_free(c);
	free(L);
	free(R);
	return hi - lo;
}

static void base(double *v)
{
	params_defaults(v);
	v[P_COMP_BYPASS] = v[P_IMAGER_BYPASS] = v[P_LIMITER_BYPASS] = 1;
	v[P_INPUT_BYPASS] = v[P_OUTPUT_BYPASS] = 1;
}

static void test_curve(void **state)
{
	double v[P_COUNT];
	(void)state;
	for (int r = 0; r < 2; r++) {
		double rate = r ? 48000 : 44100;
		base(v);
		v[P_HPF_BYPASS] = 0;
		v[P_HPF_FREQ] = 40;
		v[P_HPF_SLOPE] = 24;
		v[P_EQ_BYPASS] = 0;
		v[P_EQ_LOW_GAIN] = 3;
		v[P_EQ_MID1_GAIN] = -4.5;
		v[P_EQ_MID2_GAIN] = 2;
		v[P_EQ_MID2_Q] = 2;
		v[P_EQ_HIGH_GAIN] = 2.5;
		/* Each setting shapes the response (the test is not of a flat line). */
		assert_true(check(rate, v, "hpf 24 dB/oct + four bands") > 20);
		v[P_HPF_SLOPE] = 12;
		v[P_HPF_FREQ] = 90;
		v[P_EQ_MID3_FREQ] = 6000;
		v[P_EQ_MID3_GAIN] = -8;
		v[P_EQ_MID3_Q] = 4;
		assert_true(check(rate, v, "hpf 12 dB/oct + five bands") > 10);
		v[P_EQ_BYPASS] = 1;
		assert_true(check(rate, v, "eq bypassed") > 10);
		v[P_HPF_BYPASS] = 1;
		v[P_EQ_BYPASS] = 0;
		assert_true(check(rate, v, "hpf bypassed") > 8);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
