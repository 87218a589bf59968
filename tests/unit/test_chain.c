/* The whole chain: block-size independence, latency, NaN safety, bypass
 * and parameter glides without clicks, every sample rate. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dsp/chain.h"
#include "test_helpers.h"

#define RATE 44100

static uint64_t seed = 1;
static float noise(void) { return lcg64_noise(&seed); }

/* Music-ish test input: bass, a decaying click train and noise. */
static void make_input(float *L, float *R, int n, int rate)
{
	seed = 1;
	for (int i = 0; i < n; i++) {
		double t = (double)i / rate;
		double env = exp(-fmod(t, 0.25) * 12);
		double s = 0.5 * sin(2 * M_PI * 55 * t) + 0.4 * env * noise() +
			   0.3 * sin(2 * M_PI * 3000 * t) * env;
		L[i] = (float)s;
		R[i] = (float)(0.8 * s + 0.1 * noise());
	}
}

static void busy_settings(struct chain *c)
{
	chain_set(c, P_INPUT_GAIN, 3);
	chain_set(c, P_HPF_FREQ, 30);
	chain_set(c, P_HPF_SLOPE, 24);
	chain_set(c, P_EQ_LOW_GAIN, 2);
	chain_set(c, P_EQ_MID2_GAIN, -3);
	chain_set(c, P_EQ_HIGH_GAIN, 1.5);
	chain_set(c, P_COMP_THRESHOLD, -20);
	chain_set(c, P_COMP_RATIO, 3);
	chain_set(c, P_COMP_MAKEUP, 2);
	chain_set(c, P_IMAGER_WIDTH, 120);
	chain_set(c, P_IMAGER_BASS_MONO, 120);
	chain_set(c, P_LIMITER_DRIVE, 6);
}

/* Parameters change at CHANGE_AT whatever the block size: like the engine,
 * which applies changes between the blocks it hands the chain, a block that
 * would straddle that frame is cut there. */
#define CHANGE_AT (4096 * 8 + 5)

/* Render n frames in blocks of `block` (every block of that size but the
 * one cut at CHANGE_AT and the last). */
static void render(float *L, float *R, int n, int block)
{
	struct chain *c = chain_new(RATE);
	assert_non_null(c);
	busy_settings(c);
	chain_reset(c);
	for (int pos = 0, k; pos < n; pos += k) {
		k = n - pos < block ? n - pos : block;
		if (pos < CHANGE_AT && pos + k > CHANGE_AT)
			k = CHANGE_AT - pos;
		if (pos == CHANGE_AT) {
			chain_set(c, P_COMP_RATIO, 6);
			chain_set(c, P_EQ_MID1_GAIN, 6);
			chain_set(c, P_COMP_BYPASS, 1);
		}
		chain_process(c, L + pos, R + pos, k);
	}
	chain_free(c);
}

/* Every listed block size against one reference, sample for sample, with
 * a bypass crossfade and two glides under way across block ends. */
static void test_block_size_independence(void **state)
{
	(void)state;
	const int n = 4096 * 16;
	const int blocks[] = { 1, 7, 64, 77, 1000, 4095 };
	float *L0 = malloc(n * sizeof *L0), *R0 = malloc(n * sizeof *R0);
	float *L = malloc(n * sizeof *L), *R = malloc(n * sizeof *R);
	make_input(L0, R0, n, RATE);
	make_input(L, R, n, RATE);
	render(L0, R0, n, 4096);
	/* the chain did something, and the change did too */
	assert_memory_not_equal(L, L0, n * sizeof *L);
	float *Lx = malloc(n * sizeof *Lx), *Rx = malloc(n * sizeof *Rx);
	make_input(Lx, Rx, n, RATE);
	struct chain *u = chain_new(RATE);
	busy_settings(u);
	chain_reset(u);
	chain_process(u, Lx, Rx, n);
	chain_free(u);
	assert_memory_equal(Lx, L0, CHANGE_AT * sizeof *L);
	assert_memory_not_equal(Lx + CHANGE_AT, L0 + CHANGE_AT, (n - CHANGE_AT) * sizeof *L);
	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
		make_input(L, R, n, RATE);
		render(L, R, n, blocks[b]);
		print_message("block %d: %s\n", blocks[b],
			      memcmp(L, L0, n * sizeof *L) || memcmp(R, R0, n * sizeof *R) ? "differs" : "identical");
		assert_memory_equal(L, L0, n * sizeof *L);
		assert_memory_equal(R, R0, n * sizeof *R);
	}
	free(L0); free(R0); free(L); free(R); free(Lx); free(Rx);
}

/* With everything neutral the chain is a pure delay of chain_latency(). */
static void test_latency_is_a_delay(void **state)
{
	(void)state;
	const int n = 20000;
	struct chain *c = chain_new(RATE);
	float *L = calloc(n, sizeof *L), *R = calloc(n, sizeof *R);
	float *x = calloc(n, sizeof *x);
	for (int i = 0; i < P_COUNT; i++)
		if (param_table[i].flags & PF_SWITCH && !strcmp(param_table[i].name, "bypass"))
			chain_set(c, i, 1);
	chain_set(c, P_LIMITER_BYPASS, 0); /* limiter in, but far below its ceiling */
	chain_reset(c);
	seed = 7;
	for (int i = 0; i < n; i++)
		L[i] = R[i] = x[i] = 0.1f * noise();
	chain_process(c, L, R, n);
	int lat = chain_latency(c);
	assert_true(lat > 0 && lat < RATE / 50);
	for (int i = 0; i + lat < n; i++)
		assert_float_equal(L[i + lat], x[i], 1e-6);
	chain_free(c);
	free(L); free(R); free(x);
}

static void test_nan_never_out(void **state)
{
	(void)state;
	const int n = 44100;
	struct chain *c = chain_new(RATE);
	float *L = malloc(n * sizeof *L), *R = malloc(n * sizeof *R);
	busy_settings(c);
	chain_reset(c);
	make_input(L, R, n, RATE);
	for (int i = 100; i < n; i += 997) {
		L[i] = NAN;
		R[i] = INFINITY;
		L[i + 1] = -INFINITY;
		R[i + 2] = 1e-40f;
		L[i + 3] = 3e38f;
	}
	chain_enable_meters(c, 1);
	chain_process(c, L, R, n);
	for (int i = 0; i < n; i++) {
		assert_true(isfinite(L[i]) && isfinite(R[i]));
		assert_true(fabsf(L[i]) < 1.0f && fabsf(R[i]) < 1.0f);
	}
	/* and it recovers: clean input afterwards gives clean, non-silent output */
	make_input(L, R, n, RATE);
	chain_process(c, L, R, n);
	double e = 0;
	for (int i = n / 2; i < n; i++)
		e += L[i] * L[i];
	assert_true(e > 1);
	struct chain_meters m;
	chain_read_meters(c, &m);
	assert_true(isfinite(m.true_peak[0]) && m.true_peak[0] > 0.1);
	chain_free(c);
	free(L); free(R);
}

/* Largest sample-to-sample jump of a 100 Hz sine through the chain while a
 * module is toggled: bounded by what the sine itself does. */
static void check_no_click(int param, double v)
{
	const int n = RATE;
	struct chain *c = chain_new(RATE);
	float *L = malloc(n * sizeof *L), *R = malloc(n * sizeof *R);
	busy_settings(c);
	chain_set(c, P_LIMITER_DRIVE, 0);
	chain_reset(c);
	for (int i = 0; i < n; i++)
		L[i] = R[i] = (float)(0.3 * sin(2 * M_PI * 100 * i / RATE));
	chain_process(c, L, R, n / 2);
	chain_set(c, param, v);
	chain_process(c, L + n / 2, R + n / 2, n / 2);
	double maxjump = 0, sine_jump = 0.3 * 2 * M_PI * 100 / RATE * 2.5; /* with gain headroom */
	for (int i = n / 2 - 1000; i < n; i++)
		maxjump = fmax(maxjump, fabs(L[i] - L[i - 1]));
	print_message("param %s.%s -> %g: max step %g (limit %g)\n",
		      module_names[param_table[param].module], param_table[param].name, v, maxjump, sine_jump);
	assert_true(maxjump < sine_jump);
	chain_free(c);
	free(L); free(R);
}

static void test_changes_do_not_click(void **state)
{
	(void)state;
	check_no_click(P_COMP_BYPASS, 1);
	check_no_click(P_EQ_BYPASS, 1);
	check_no_click(P_HPF_BYPASS, 1);
	check_no_click(P_IMAGER_BYPASS, 1);
	check_no_click(P_LIMITER_BYPASS, 1);
	check_no_click(P_INPUT_GAIN, -12);
	check_no_click(P_OUTPUT_GAIN, -12);
	check_no_click(P_EQ_LOW_GAIN, 12);
	check_no_click(P_EQ_LOW_FREQ, 1000);
	check_no_click(P_HPF_SLOPE, 12);
	check_no_click(P_HPF_FREQ, 300);
}

static void test_rates(void **state)
{
	(void)state;
	const double rates[] = { 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000 };
	for (int r = 0; r < 8; r++) {
		int n = (int)rates[r];
		struct chain *c = chain_new(rates[r]);
		float *L = malloc(n * sizeof *L), *R = malloc(n * sizeof *R);
		busy_settings(c);
		chain_set(c, P_EQ_HIGH_FREQ, 20000);
		chain_set(c, P_EQ_HIGH_GAIN, 6);
		chain_set(c, P_EQ_MID3_FREQ, 18000);
		chain_set(c, P_EQ_MID3_GAIN, 12);
		chain_set(c, P_EQ_MID3_Q, 10);
		chain_reset(c);
		make_input(L, R, n, n);
		chain_process(c, L, R, n);
		for (int i = 0; i < n; i++) {
			assert_true(isfinite(L[i]) && fabsf(L[i]) < 1.0f);
			assert_true(isfinite(R[i]) && fabsf(R[i]) < 1.0f);
		}
		chain_free(c);
		free(L); free(R);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_size_independence),
		cmocka_unit_test(test_latency_is_a_delay),
		cmocka_unit_test(test_nan_never_out),
		cmocka_unit_test(test_changes_do_not_click),
		cmocka_unit_test(test_rates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
