/* Compressor: static curve, knee, time constants, sidechain high-pass,
 * mix, makeup, gain-reduction meter, block-size independence, NaN. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dsp/comp.h"
#include "test_helpers.h"

#define RATE 48000.0

static void base(double p[P_COUNT])
{
	params_defaults(p);
	p[P_COMP_THRESHOLD] = -20;
	p[P_COMP_RATIO] = 4;
	p[P_COMP_KNEE] = 6;
	p[P_COMP_ATTACK] = 10;
	p[P_COMP_RELEASE] = 100;
	p[P_COMP_SC_HPF] = 20;
	p[P_COMP_MAKEUP] = 0;
	p[P_COMP_MIX] = 100;
}

static double rms(const float *x, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return sqrt(s / n);
}

/* Steady gain (dB) the compressor applies to a 1 kHz sine of peak level
 * lev dBFS: output over input RMS over the last 200 ms of 1.5 s. */
static double steady_gain(const double p[P_COUNT], double lev, double f)
{
	int n = (int)(1.5 * RATE), tail = (int)(0.2 * RATE);
	float *L = malloc(sizeof(float) * n), *R = malloc(sizeof(float) * n);
	float *in = malloc(sizeof(float) * n);
	double a = pow(10, lev / 20);
	for (int i = 0; i < n; i++)
		in[i] = L[i] = R[i] = (float)(a * sin(2 * M_PI * f * i / RATE));
	struct comp *c = comp_new(RATE);
	comp_set(c, p);
	comp_reset(c);
	comp_process(c, L, R, n);
	double g = 20 * log10(rms(L + n - tail, tail) / rms(in + n - tail, tail));
	comp_free(c);
	free(L);
	free(R);
	free(in);
	return g;
}

static void test_curve_formula(void **state)
{
	(void)state;
	/* Hard knee: identity below, 1/ratio above. */
	assert_true(fabs(comp_curve_db(-30, -20, 4, 0) - -30) < 1e-12);
	assert_true(fabs(comp_curve_db(-8, -20, 4, 0) - -17) < 1e-12);
	/* Soft knee: continuous at both knee edges, and the quadratic
	 * at the threshold gives (1/R - 1) * W / 8. */
	assert_true(fabs(comp_curve_db(-23, -20, 4, 6) - -23) < 1e-9);
	assert_true(fabs(comp_curve_db(-17, -20, 4, 6) - (-20 + 3.0 / 4)) < 1e-9);
	assert_true(fabs(comp_curve_db(-20, -20, 4, 6) - (-20 + (0.25 - 1) * 6 / 8)) < 1e-9);
	/* Monotonic over the whole range. */
	double prev = -1e9;
	for (double x = -60; x <= 6; x += 0.01) {
		double y = comp_curve_db(x, -20, 4, 12);
		assert_true(y > prev);
		prev = y;
	}
}

static void test_static_curve(void **state)
{
	(void)state;
	double p[P_COUNT];
	base(p);
	p[P_COMP_RELEASE] = 300;
	for (double lev = -40; lev <= 0; lev += 1.5) {
		double want = comp_curve_db(lev, -20, 4, 6) - lev;
		double got = steady_gain(p, lev, 1000);
		if (fabs(got - want) > 0.1)
			print_error("level %.1f: gain %.3f dB, curve says %.3f\n", lev, got, want);
		assert_true(fabs(got - want) <= 0.1);
	}
	/* Hard knee, ratio 10, other threshold. */
	p[P_COMP_KNEE] = 0;
	p[P_COMP_RATIO] = 10;
	p[P_COMP_THRESHOLD] = -30;
	for (double lev = -36; lev <= 0; lev += 3) {
		double want = comp_curve_db(lev, -30, 10, 0) - lev;
		double got = steady_gain(p, lev, 1000);
		assert_true(fabs(got - want) <= 0.1);
	}
}

/* Gain in dB per sample, read from a channel carrying a small DC that the
 * sidechain high-pass removes, while the other channel drives the
 * detector. */
static void gain_trace(const double p[P_COUNT], const float *drive, int n, float *gdb)
{
	float *L = malloc(sizeof(float) * n), *R = malloc(sizeof(float) * n);
	memcpy(L, drive, sizeof(float) * n);
	for (int i = 0; i < n; i++)
		R[i] = 1e-3f;
	struct comp *c = comp_new(RATE);
	comp_set(c, p);
	comp_reset(c);
	comp_process(c, L, R, n);
	for (int i = 0; i < n; i++)
		gdb[i] = (float)(20 * log10(R[i] / 1e-3));
	comp_free(c);
	free(L);
	free(R);
}

static void test_attack_release(void **state)
{
	(void)state;
	double p[P_COUNT];
	base(p);
	p[P_COMP_THRESHOLD] = -30;
	p[P_COMP_KNEE] = 0;
	p[P_COMP_ATTACK] = 50;
	p[P_COMP_RELEASE] = 500;
	int n = (int)(4.0 * RATE), up = (int)(1.0 * RATE), down = (int)(2.0 * RATE);
	float *x = malloc(sizeof(float) * n), *g = malloc(sizeof(float) * n);
	for (int i = 0; i < n; i++) {
		double a = (i >= up && i < down) ? pow(10, -10 / 20.0) : pow(10, -40 / 20.0);
		x[i] = (float)(a * sin(2 * M_PI * 1000 * i / RATE));
	}
	gain_trace(p, x, n, g);
	/* Final reduction 20 dB * (1 - 1/4) = 15 dB. */
	assert_true(fabs(g[down - 1] - -15.0) < 0.1);
	int ta = -1, tr = -1;
	for (int i = up; i < down; i++)
		if (g[i] <= -15.0 * (1 - exp(-1.0))) {
			ta = i - up;
			break;
		}
	for (int i = down; i < n; i++)
		if (g[i] >= -15.0 * exp(-1.0)) {
			tr = i - down;
			break;
		}
	double att_ms = ta * 1000 / RATE, rel_ms = tr * 1000 / RATE;
	print_message("attack %.1f ms (set 50), release %.1f ms (set 500)\n", att_ms, rel_ms);
	assert_true(fabs(att_ms - 50) <= 5);
	assert_true(fabs(rel_ms - 500) <= 50);
	free(x);
	free(g);
}

static void test_sidechain_hpf(void **state)
{
	(void)state;
	double p[P_COUNT];
	base(p);
	p[P_COMP_KNEE] = 0;
	/* 30 Hz at -6 dBFS: 14 dB over the threshold. */
	p[P_COMP_SC_HPF] = 10;
	double g_open = steady_gain(p, -6, 30);
	p[P_COMP_SC_HPF] = 250;
	double g_hpf = steady_gain(p, -6, 30);
	print_message("30 Hz: gain %.2f dB with sc_hpf 10 Hz, %.2f dB with 250 Hz\n", g_open, g_hpf);
	assert_true(g_open < -8.0);
	assert_true(g_hpf > -0.1);
	/* 1 kHz is still compressed with the high-pass at 250 Hz. */
	assert_true(steady_gain(p, -6, 1000) < -9.0);
}

static void test_mix_makeup(void **state)
{
	(void)state;
	double p[P_COUNT];
	base(p);
	int n = (int)RATE;
	float *L = malloc(sizeof(float) * n), *R = malloc(sizeof(float) * n);
	float *in = malloc(sizeof(float) * n);
	for (int i = 0; i < n; i++)
		in[i] = L[i] = R[i] = (float)(0.9 * sin(2 * M_PI * 440 * i / RATE));
	p[P_COMP_MIX] = 0;
	p[P_COMP_MAKEUP] = 6;
	struct comp *c = comp_new(RATE);
	comp_set(c, p);
	comp_reset(c);
	comp_process(c, L, R, n);
	assert_memory_equal(L, in, sizeof(float) * n);
	assert_true(comp_read_gr(c) > 5.0); /* it did compress, unheard */
	comp_free(c);

	/* Makeup alone: below threshold, +6 dB exactly. */
	base(p);
	p[P_COMP_THRESHOLD] = 0;
	p[P_COMP_MAKEUP] = 6;
	double g = steady_gain(p, -20, 1000);
	assert_true(fabs(g - 6.0) < 0.01);
	/* 50 % mix of unity dry and -12 dB wet. */
	base(p);
	p[P_COMP_THRESHOLD] = 0;
	p[P_COMP_MAKEUP] = -12;
	p[P_COMP_MIX] = 50;
	g = steady_gain(p, -20, 1000);
	assert_true(fabs(g - 20 * log10(0.5 + 0.5 * pow(10, -12 / 20.0))) < 0.01);
	free(L);
	free(R);
	free(in);
}

static void test_gr_meter(void **state)
{
	(void)state;
	double p[P_COUNT];
	base(p);
	p[P_COMP_KNEE] = 0;
	int n = (int)RATE;
	float *L = malloc(sizeof(float) * n), *R = malloc(sizeof(float) * n);
	for (int i = 0; i < n; i++)
		L[i] = R[i] = (float)(sin(2 * M_PI * 1000 * i / RATE));
	struct comp *c = comp_new(RATE);
	comp_set(c, p);
	comp_reset(c);
	comp_process(c, L, R, n);
	float gr = comp_read_gr(c);
	assert_true(fabs(gr - 15.0) < 0.15); /* 20 dB over, ratio 4 */
	assert_true(comp_read_gr(c) == 0.0f);
	comp_free(c);
	free(L);
	free(R);
}

struct comp_run {
	struct comp *c;
	double p[P_COUNT];
};

/* New settings every 4096 frames. */
static int comp_change(void *ctx, int pos, int apply)
{
	struct comp_run *r = ctx;
	int k = pos / 4096;

	if (pos % 4096)
		return 0;
	if (!apply)
		return 1;
	r->p[P_COMP_THRESHOLD] = -30 + 3 * (k % 5);
	r->p[P_COMP_MAKEUP] = k % 3;
	r->p[P_COMP_MIX] = 60 + 10 * (k % 4);
	r->p[P_COMP_SC_HPF] = 30 + 20 * (k % 3);
	r->p[P_COMP_ATTACK] = 1 + k % 7;
	comp_set(r->c, r->p);
	return 1;
}

static void comp_run_process(void *ctx, float *L, float *R, int n)
{
	comp_process(((struct comp_run *)ctx)->c, L, R, n);
}

static void run_blocks(void *ctx, float *L, float *R, int n, int bs)
{
	struct comp_run r = { .c = comp_new(RATE) };
	struct partition part = { &r, comp_change, comp_run_process, 32 };
	(void)ctx;

	assert_non_null(r.c);
	base(r.p);
	comp_set(r.c, r.p);
	comp_reset(r.c);
	partition_run(&part, L, R, n, bs);
	comp_free(r.c);
}

static void test_block_independence(void **state)
{
	(void)state;
	int n = 48000;
	float *inL = malloc(sizeof(float) * n), *inR = malloc(sizeof(float) * n);
	uint32_t s = 1;
	for (int i = 0; i < n; i++) {
		s = s * 1664525u + 1013904223u;
		double env = 0.5 + 0.5 * sin(2 * M_PI * 3 * i / RATE);
		inL[i] = (float)(env * ((s >> 8) / 16777216.0 - 0.5));
		inR[i] = (float)(0.7 * sin(2 * M_PI * 220 * i / RATE) * env);
	}
	const int sizes[] = { 1, 64, 1000, 4095 };
	assert_block_independent(run_blocks, NULL, inL, inR, n, sizes, 4);
	free(inL);
	free(inR);
}

static void test_nan(void **state)
{
	(void)state;
	double p[P_COUNT];
	base(p);
	int n = 4800;
	float L[4800], R[4800];
	for (int i = 0; i < n; i++)
		L[i] = R[i] = (float)sin(i * 0.05);
	L[100] = NAN;
	R[200] = INFINITY;
	L[300] = 1e-40f; /* denormal */
	struct comp *c = comp_new(RATE);
	comp_set(c, p);
	comp_reset(c);
	comp_process(c, L, R, n);
	for (int i = 0; i < n; i++) {
		if (i == 100 || i == 200)
			continue;
		assert_true(isfinite(L[i]) && isfinite(R[i]));
	}
	assert_true(isfinite(comp_read_gr(c)));
	comp_free(c);
}

/* Several compressors run together give each one's own samples, meter
 * and state, bit for bit: with different settings per band, makeup and
 * mix gliding, blocks of odd sizes, and the fallback (a sidechain filter
 * on) too. */
static void test_process_bands(void **state)
{
	(void)state;
	enum { NB = 3, N = 9000 };
	static float L[NB][N], R[NB][N], L2[NB][N], R2[NB][N];
	const double thr[NB] = { -30, -20, -26 }, ratio[NB] = { 2, 4, 8 };
	const double att[NB] = { 1, 10, 30 }, rel[NB] = { 40, 100, 300 };

	for (int sc = 0; sc < 2; sc++) {
		struct comp *a[NB], *b[NB];
		for (int k = 0; k < NB; k++) {
			double p[P_COUNT];
			base(p);
			p[P_COMP_SC_HPF] = sc ? 40 : 0;
			p[P_COMP_THRESHOLD] = thr[k];
			p[P_COMP_RATIO] = ratio[k];
			p[P_COMP_ATTACK] = att[k];
			p[P_COMP_RELEASE] = rel[k];
			a[k] = comp_new(RATE);
			b[k] = comp_new(RATE);
			assert_non_null(a[k]);
			assert_non_null(b[k]);
			comp_set(a[k], p);
			comp_set(b[k], p);
			comp_reset(a[k]);
			comp_reset(b[k]);
			/* a glide after the reset */
			p[P_COMP_MAKEUP] = 3 + k;
			p[P_COMP_MIX] = 60;
			comp_set(a[k], p);
			comp_set(b[k], p);
			uint32_t s = 7 + k;
			for (int i = 0; i < N; i++) {
				s = s * 1664525u + 1013904223u;
				double env = 0.1 + 0.9 * (((i / 1500) + k) & 1);
				L[k][i] = L2[k][i] = (float)(env * ((s >> 8) / 16777216.0 - 0.5));
				R[k][i] = R2[k][i] = (float)(env * sin(2 * M_PI * (200 + 900 * k) * i / RATE));
			}
		}
		for (int pos = 0, step = 1, kk; pos < N; pos += kk, step = step * 3 % 997) {
			kk = step < N - pos ? step : N - pos;
			float *pl[NB], *pr[NB];
			for (int k = 0; k < NB; k++) {
				pl[k] = L[k] + pos;
				pr[k] = R[k] + pos;
				comp_process(b[k], L2[k] + pos, R2[k] + pos, kk);
			}
			comp_process_bands(a, pl, pr, NB, kk);
		}
		for (int k = 0; k < NB; k++) {
			assert_memory_equal(L[k], L2[k], sizeof L[k]);
			assert_memory_equal(R[k], R2[k], sizeof R[k]);
			float ga = comp_read_gr(a[k]), gb = comp_read_gr(b[k]);
			assert_true(ga == gb);
			assert_true(gb > 1); /* it compressed: this proves something */
			comp_free(a[k]);
			comp_free(b[k]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curve_formula),
		cmocka_unit_test(test_static_curve),
		cmocka_unit_test(test_attack_release),
		cmocka_unit_test(test_sidechain_hpf),
		cmocka_unit_test(test_mix_makeup),
		cmocka_unit_test(test_gr_meter),
		cmocka_unit_test(test_block_independence),
		cmocka_unit_test(test_nan),
		cmocka_unit_test(test_process_bands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
