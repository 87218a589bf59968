/* Limiter: true peak of the output on worst-case signals (independent
 * 16x reference and libebur128), transparency and alignment below the
 * ceiling, gain reduction, release time, block-size independence, NaN,
 * constant latency, bypass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dsp/limiter.h"
#include "tests/tp_ref.h"
#include "test_helpers.h"

#define RATE 44100.0

static struct limiter *make(double ceiling, double drive, double rel, double la)
{
	double p[P_COUNT];
	params_defaults(p);
	p[P_LIMITER_CEILING] = ceiling;
	p[P_LIMITER_DRIVE] = drive;
	p[P_LIMITER_RELEASE] = rel;
	p[P_LIMITER_LOOKAHEAD] = la;
	struct limiter *m = limiter_new(RATE);
	assert_non_null(m);
	limiter_set(m, p);
	limiter_reset(m);
	return m;
}

/* Runs n frames plus the latency (zeros) through m in blocks of bs; the
 * aligned output is L + latency. */
static void run(struct limiter *m, float *L, float *R, int n, int bs)
{
	int total = n + limiter_latency(m);
	for (int i = 0; i < total; i += bs)
		limiter_process(m, L + i, R + i, total - i < bs ? total - i : bs);
}

static void check_ceiling(enum sig s, double ceiling, double drive, double rel, double la)
{
	int n = (int)(0.25 * RATE);
	struct limiter *m = make(ceiling, drive, rel, la);
	int lat = limiter_latency(m);
	float *L = calloc((size_t)(n + lat), sizeof(float));
	float *R = calloc((size_t)(n + lat), sizeof(float));
	gen_signal(s, L, R, n, RATE);
	run(m, L, R, n, 1000);
	double rl = ref_true_peak(L + lat, n), rr = ref_true_peak(R + lat, n);
	double ref = db(rl > rr ? rl : rr);
	double eb = db(ebur_true_peak(L + lat, R + lat, n, RATE));
	print_message("%-16s ceiling %5.1f drive %4.1f rel %4g la %3g: reference %+7.3f libebur128 %+7.3f dBTP\n",
	              sig_names[s], ceiling, drive, rel, la, ref, eb);
	assert_true(ref <= ceiling);
	assert_true(eb <= ceiling);
	/* And it is a limiter, not an attenuator: on signals without much
	 * content near fs/2 the peaks reach close to the ceiling. */
	if (s == SIG_FS4_45 || s == SIG_SINE_19K5)
		assert_true(ref >= ceiling - 0.4);
	limiter_free(m);
	free(L);
	free(R);
}

static void test_true_peak_worst_cases(void **state)
{
	(void)state;
	const double ceilings[] = { -1.0, -0.1, -3.0 };
	for (int c = 0; c < 3; c++)
		for (int s = 0; s < SIG_COUNT; s++) {
			check_ceiling((enum sig)s, ceilings[c], 0, 60, 2);
			if (s == SIG_FS4_45 || s == SIG_CLIPNOISE || s == SIG_MUSIC)
				check_ceiling((enum sig)s, ceilings[c], 12, 60, 2);
		}
}

/* The ceiling at the corners of the release and lookahead ranges the
 * parameter table allows (the shortest times are the hardest). */
static void test_true_peak_timings(void **state)
{
	(void)state;
	const struct param_desc *rel = &param_table[P_LIMITER_RELEASE];
	const struct param_desc *la = &param_table[P_LIMITER_LOOKAHEAD];
	check_ceiling(SIG_CLIPNOISE, -1.0, 12, rel->min, la->min);
	check_ceiling(SIG_MUSIC, -1.0, 12, rel->min, la->min);
	check_ceiling(SIG_SQUARE, -0.1, 12, rel->min, la->min);
	check_ceiling(SIG_CLIPNOISE, -1.0, 12, rel->min, la->max);
	check_ceiling(SIG_MUSIC, -0.1, 6, 300, la->max);
	check_ceiling(SIG_CLIPNOISE, -0.1, 12, rel->max, la->max);
	check_ceiling(SIG_SQUARE, -0.1, 12, rel->max, la->min);
}

static void test_transparent_and_aligned(void **state)
{
	(void)state;
	int n = 20000;
	struct limiter *m = make(-1.0, 0, 60, 2);
	int lat = limiter_latency(m);
	float *L = calloc((size_t)(n + lat), sizeof(float)), *R = calloc((size_t)(n + lat), sizeof(float));
	float *inL = malloc(sizeof(float) * n), *inR = malloc(sizeof(float) * n);
	for (int i = 0; i < n; i++) {
		inL[i] = L[i] = (float)(0.1 * rnd_gauss());
		inR[i] = R[i] = (float)(0.1 * sin(i * 0.3));
	}
	run(m, L, R, n, 256);
	/* Far below the ceiling the gain is exactly 1: sample n of the input
	 * is sample n + latency of the output, bit for bit. */
	assert_memory_equal(L + lat, inL, sizeof(float) * n);
	assert_memory_equal(R + lat, inR, sizeof(float) * n);
	for (int i = 0; i < lat; i++)
		assert_true(L[i] == 0.0f);
	assert_true(limiter_read_gr(m) == 0.0f);
	limiter_free(m);
	free(L);
	free(R);
	free(inL);
	free(inR);
}

static void test_gain_reduction(void **state)
{
	(void)state;
	int n = 22050;
	struct limiter *m = make(-1.0, 6, 60, 2);
	int lat = limiter_latency(m);
	float *L = calloc((size_t)(n + lat), sizeof(float)), *R = calloc((size_t)(n + lat), sizeof(float));
	for (int i = 0; i < n; i++)
		L[i] = R[i] = (float)sin(2 * M_PI * 1000 * i / RATE);
	/* The onset of the tone reads higher (its spectrum is broad); the
	 * steady part is what this checks (so is its abrupt end). */
	limiter_process(m, L, R, n / 2);
	limiter_read_gr(m);
	limiter_process(m, L + n / 2, R + n / 2, n / 4);
	/* 0 dBFS driven +6 dB into -1 dBTP: 7 dB, plus the safety margin. */
	float gr = limiter_read_gr(m);
	print_message("gain reduction %.2f dB\n", gr);
	assert_true(gr >= 7.0f && gr <= 7.4f);
	assert_true(limiter_read_gr(m) == 0.0f);
	limiter_free(m);
	free(L);
	free(R);
}

/* DC steps: no inter-sample peaks, so the gain is out / in. */
/* Time from the deepest gain after index from to the recovery to
 * 1 - (1 - gmin) * frac; the output after from is level times the gain. */
static double recovery_ms(const float *y, int from, int n, float level, double frac)
{
	int im = from;
	for (int i = from; i < from + 400; i++)
		if (y[i] < y[im])
			im = i;
	double gmin = y[im] / level;
	for (int i = im; i < n; i++)
		if (1.0 - y[i] / level <= (1.0 - gmin) * frac)
			return (i - im) * 1000.0 / RATE;
	return -1;
}

static void test_release_time(void **state)
{
	(void)state;
	int n = (int)(2.0 * RATE), b0 = (int)(0.3 * RATE), b1 = (int)(1.0 * RATE);
	struct limiter *m = make(-6.0, 0, 100, 2);
	int lat = limiter_latency(m);
	float *L = calloc((size_t)(n + lat), sizeof(float)), *R = calloc((size_t)(n + lat), sizeof(float));
	for (int i = 0; i < n; i++)
		L[i] = R[i] = (i >= b0 && i < b1) ? 1.0f : 0.25f;
	run(m, L, R, n, 4096);
	float *y = L + lat;
	double g0 = y[b1 - 1000] / 1.0;
	assert_true(db(g0) < -6.0 && db(g0) > -6.4);
	/* Before the burst the gain is still 1 until the lookahead ramp (the
	 * step's overshoot between samples is caught; the release from it is
	 * long over at b1 - 1000; the low-frequency floor's ramp starts
	 * OS_DELAY frames before the peak's). */
	assert_true(y[b0 - 150] == 0.25f);
	/* The burst is low-frequency content (a DC step), so the floor holds
	 * the gain for a while after it; from then on the recovery is the
	 * release's exponential: from 1 - 1/e to 1 - 1/e^2 of it takes one
	 * time constant, whatever the hold before. */
	double t1 = recovery_ms(y, b1, n, 0.25f, exp(-1.0));
	double t2 = recovery_ms(y, b1, n, 0.25f, exp(-2.0));
	print_message("release: from 1-1/e to 1-1/e^2 of the recovery in %.1f ms (set 100; 1-1/e after %.1f ms)\n",
	              t2 - t1, t1);
	assert_true(t1 > 0 && t2 > 0);
	assert_true(fabs(t2 - t1 - 100) <= 10);
	limiter_free(m);
	free(L);
	free(R);
}

/* THD+N of channel 0 of y[0..n) at f: everything but the least-squares
 * fundamental (and DC), re the fundamental, in dB. */
static double thdn(const float *y, int n, double f)
{
	double s[3][3] = { { 0 } }, b[3] = { 0 };
	for (int i = 0; i < n; i++) {
		double w = 2 * M_PI * f * i / RATE, v[3] = { cos(w), sin(w), 1 };
		for (int r = 0; r < 3; r++) {
			b[r] += v[r] * y[i];
			for (int c = 0; c < 3; c++)
				s[r][c] += v[r] * v[c];
		}
	}
	/* Gaussian elimination, 3x3. */
	for (int k = 0; k < 3; k++)
		for (int r = k + 1; r < 3; r++) {
			double q = s[r][k] / s[k][k];
			for (int c = k; c < 3; c++)
				s[r][c] -= q * s[k][c];
			b[r] -= q * b[k];
		}
	double co[3];
	for (int k = 2; k >= 0; k--) {
		double a = b[k];
		for (int c = k + 1; c < 3; c++)
			a -= s[k][c] * co[c];
		co[k] = a / s[k][k];
	}
	double es = 0, er = 0;
	for (int i = 0; i < n; i++) {
		double w = 2 * M_PI * f * i / RATE;
		double v = co[0] * cos(w) + co[1] * sin(w);
		es += v * v;
		er += (y[i] - v - co[2]) * (y[i] - v - co[2]);
	}
	return 10 * log10(er / es);
}

/* Bass through the limiter at the defaults: the program-dependent hold
 * keeps the gain still inside each cycle, so a 40 Hz tone 6 dB into the
 * limiter comes out as a tone, not a reshaped one.  Before the hold the
 * release moved inside each half-cycle: -35 dB (h3 -36, h5 -43). */
static void test_bass_thd(void **state)
{
	(void)state;
	const double freqs[] = { 40, 25, 100 };
	for (int k = 0; k < 3; k++) {
		int n = (int)(1.5 * RATE);
		double p[P_COUNT];
		params_defaults(p);
		p[P_LIMITER_DRIVE] = 6;
		struct limiter *m = limiter_new(RATE);
		limiter_set(m, p);
		limiter_reset(m);
		int lat = limiter_latency(m);
		float *L = calloc((size_t)(n + lat), sizeof(float)), *R = calloc((size_t)(n + lat), sizeof(float));
		for (int i = 0; i < n; i++)
			L[i] = R[i] = (float)(0.891 * sin(2 * M_PI * freqs[k] * i / RATE));
		run(m, L, R, n, 512);
		/* Whole cycles of the steady second half. */
		int len = (int)(floor(0.5 * freqs[k]) * RATE / freqs[k]);
		double d = thdn(L + lat + n - len - 100, len, freqs[k]);
		print_message("THD+N %g Hz, 6 dB of limiting, defaults: %.1f dB\n", freqs[k], d);
		assert_true(d <= -65.0);
		limiter_free(m);
		free(L);
		free(R);
	}
}

/* An isolated transient gets no hold: the gain recovers at the release
 * rate at once (a steady tone's hold must not slow the recovery after a
 * snare hit). */
/* A 1 ms peak over a steady level, at release 30: without bass in it
 * the gain recovers at the release rate at once (no hold after an
 * isolated transient); made of low-frequency content (a DC step) it is
 * held by the floor first, then released at the same rate. */
static void test_transient_recovery(void **state)
{
	(void)state;
	int n = (int)(0.5 * RATE), b0 = (int)(0.2 * RATE), bl = 44;
	double ms[2];
	for (int k = 0; k < 2; k++) {
		struct limiter *m = make(-6.0, 0, 30, 2);
		int lat = limiter_latency(m);
		float *L = calloc((size_t)(n + lat), sizeof(float)), *R = calloc((size_t)(n + lat), sizeof(float));
		for (int i = 0; i < n; i++) {
			int in = i >= b0 && i < b0 + bl;
			float hf = (float)(0.75 * sin(2 * M_PI * 5000 * (i - b0) / RATE));
			L[i] = R[i] = 0.25f + (in ? (k == 0 ? hf : 0.75f) : 0.0f);
		}
		run(m, L, R, n, 777);
		ms[k] = recovery_ms(L + lat, b0 + bl, n, 0.25f, exp(-1.0));
		limiter_free(m);
		free(L);
		free(R);
	}
	print_message("1 ms peak: 1-1/e of the recovery in %.1f ms at 5 kHz, %.1f ms as a DC step "
	              "(release 30)\n", ms[0], ms[1]);
	assert_true(ms[0] > 20 && ms[0] < 40);
	assert_true(ms[1] > ms[0] + 12 && ms[1] < ms[0] + 45);
}

struct lim_run {
	struct limiter *m;
	double p[P_COUNT];
};

/* Every 2048 frames new settings, all inside the table's ranges, with the
 * bypass toggled now and then. */
static int lim_change(void *ctx, int pos, int apply)
{
	struct lim_run *r = ctx;
	int k = pos / 2048;

	if (pos % 2048)
		return 0;
	if (!apply)
		return 1;
	r->p[P_LIMITER_LOOKAHEAD] = 1 + 0.5 * (k % 9);
	r->p[P_LIMITER_CEILING] = -0.1 - 0.3 * (k % 4);
	r->p[P_LIMITER_RELEASE] = 5 + 40 * (k % 3);
	r->p[P_LIMITER_DRIVE] = 6 + (k % 5);
	r->p[P_LIMITER_BYPASS] = (k % 7) == 3;
	limiter_set(r->m, r->p);
	return 1;
}

static void lim_run_process(void *ctx, float *L, float *R, int n)
{
	limiter_process(((struct lim_run *)ctx)->m, L, R, n);
}

static void run_partitioned(void *ctx, float *L, float *R, int n, int bs)
{
	struct lim_run r = { .m = limiter_new(RATE) };
	struct partition part = { &r, lim_change, lim_run_process, 32 };
	(void)ctx;

	assert_non_null(r.m);
	params_defaults(r.p);
	r.p[P_LIMITER_DRIVE] = 9;
	limiter_set(r.m, r.p);
	limiter_reset(r.m);
	partition_run(&part, L, R, n, bs);
	limiter_free(r.m);
}

static void test_block_independence(void **state)
{
	(void)state;
	int n = 60000;
	float *inL = malloc(sizeof(float) * n), *inR = malloc(sizeof(float) * n);
	gen_signal(SIG_MUSIC, inL, inR, n, RATE);
	const int sizes[] = { 1, 64, 1000, 4095 };
	assert_block_independent(run_partitioned, NULL, inL, inR, n, sizes, 4);
	free(inL);
	free(inR);
}

/* Lookahead swept while limiting hard: the ceiling holds throughout. */
static void test_lookahead_sweep(void **state)
{
	(void)state;
	int n = (int)(0.5 * RATE);
	double p[P_COUNT];
	params_defaults(p);
	p[P_LIMITER_DRIVE] = 12;
	struct limiter *m = limiter_new(RATE);
	limiter_set(m, p);
	limiter_reset(m);
	int lat = limiter_latency(m);
	float *L = calloc((size_t)(n + lat), sizeof(float)), *R = calloc((size_t)(n + lat), sizeof(float));
	gen_signal(SIG_MUSIC, L, R, n, RATE);
	for (int pos = 0; pos < n + lat; pos += 32) {
		p[P_LIMITER_LOOKAHEAD] = 1 + 4 * (0.5 + 0.5 * sin(pos * 0.002)); /* the whole range */
		limiter_set(m, p);
		assert_int_equal(limiter_latency(m), lat);
		limiter_process(m, L + pos, R + pos, n + lat - pos < 32 ? n + lat - pos : 32);
	}
	double rl = ref_true_peak(L + lat, n), rr = ref_true_peak(R + lat, n);
	print_message("lookahead sweep: %.3f dBTP\n", db(rl > rr ? rl : rr));
	assert_true(db(rl > rr ? rl : rr) <= -1.0);
	limiter_free(m);
	free(L);
	free(R);
}

static void test_nan(void **state)
{
	(void)state;
	int n = 8192;
	struct limiter *m = make(-1.0, 6, 60, 2);
	float *L = malloc(sizeof(float) * n), *R = malloc(sizeof(float) * n);
	for (int i = 0; i < n; i++)
		L[i] = R[i] = (float)sin(i * 0.1);
	L[1000] = NAN;
	R[1500] = INFINITY;
	L[2000] = -INFINITY;
	R[2500] = 1e-42f;
	limiter_process(m, L, R, n);
	for (int i = 0; i < n; i++)
		assert_true(isfinite(L[i]) && isfinite(R[i]) && fabsf(L[i]) < 1.0f);
	assert_true(isfinite(limiter_read_gr(m)));
	limiter_free(m);
	free(L);
	free(R);
}

static void test_latency_constant(void **state)
{
	(void)state;
	struct limiter *m = make(-1.0, 0, 60, 2);
	int lat = limiter_latency(m);
	assert_true(lat > 0 && lat < (int)(0.01 * RATE));
	double p[P_COUNT];
	params_defaults(p);
	const double la[] = { 1, 5, 1.3, 2 }; /* the range's ends and between */
	for (int k = 0; k < 4; k++) {
		p[P_LIMITER_LOOKAHEAD] = la[k];
		p[P_LIMITER_RELEASE] = 5 + 300 * k;
		p[P_LIMITER_DRIVE] = 3 * k;
		p[P_LIMITER_BYPASS] = k & 1;
		limiter_set(m, p);
		limiter_reset(m);
		assert_int_equal(limiter_latency(m), lat);
		/* A small click comes out exactly lat samples later. */
		float L[1024] = { 0 }, R[1024] = { 0 };
		L[10] = 0.01f;
		limiter_process(m, L, R, 1024);
		for (int i = 0; i < 1024; i++)
			assert_true(L[i] == (i == 10 + lat ? (float)(0.01 * pow(10, 3 * k / 20.0) * (k & 1 ? 1 / pow(10, 3 * k / 20.0) : 1)) : 0.0f) ||
			            fabsf(L[i] - (i == 10 + lat ? 0.01f * (float)((k & 1) ? 1.0 : pow(10, 3 * k / 20.0)) : 0.0f)) < 1e-7f);
	}
	limiter_free(m);
}

static void test_bypass(void **state)
{
	(void)state;
	int n = 20000;
	double p[P_COUNT];
	params_defaults(p);
	p[P_LIMITER_DRIVE] = 12;
	p[P_LIMITER_BYPASS] = 1;
	struct limiter *m = limiter_new(RATE);
	limiter_set(m, p);
	limiter_reset(m);
	int lat = limiter_latency(m);
	float *L = calloc((size_t)(n + lat), sizeof(float)), *R = calloc((size_t)(n + lat), sizeof(float));
	float *in = malloc(sizeof(float) * n);
	gen_signal(SIG_MUSIC, L, R, n, RATE);
	memcpy(in, L, sizeof(float) * n);
	run(m, L, R, n, 333);
	/* Bypassed: the delayed dry signal, undriven, bit for bit. */
	assert_memory_equal(L + lat, in, sizeof(float) * n);
	/* Engaging it crossfades in about 10 ms without a jump. */
	p[P_LIMITER_BYPASS] = 0;
	limiter_set(m, p);
	gen_signal(SIG_MUSIC, L, R, n, RATE);
	limiter_process(m, L, R, n);
	float maxstep = 0;
	for (int i = 1; i < n; i++)
		maxstep = fmaxf(maxstep, fabsf(L[i] - L[i - 1]));
	assert_true(maxstep < 1.0f);
	double tl = ref_true_peak(L + 2000, n - 2000);
	assert_true(db(tl) <= -1.0);
	limiter_free(m);
	free(L);
	free(R);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_true_peak_worst_cases),
		cmocka_unit_test(test_true_peak_timings),
		cmocka_unit_test(test_transparent_and_aligned),
		cmocka_unit_test(test_gain_reduction),
		cmocka_unit_test(test_release_time),
		cmocka_unit_test(test_bass_thd),
		cmocka_unit_test(test_transient_recovery),
		cmocka_unit_test(test_block_independence),
		cmocka_unit_test(test_lookahead_sweep),
		cmocka_unit_test(test_nan),
		cmocka_unit_test(test_latency_constant),
		cmocka_unit_test(test_bypass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
