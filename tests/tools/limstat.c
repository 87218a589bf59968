/* Measurements for the limiter bench (tests/bench.sh), the same yardstick
 * for lathe and its peers:
 *   limstat thd FILE FREQ       THD+N (dB) of a steady sine: everything but
 *                               the fitted fundamental, over the file's
 *                               second half, left channel
 *   limstat resid IN OUT        distortion (dB re the output): what is left
 *                               of OUT after the best slowly varying gain
 *                               times IN (least squares per 10 ms, linearly
 *                               interpolated), both channels
 *   limstat loud FILE           integrated LUFS and true peak (libebur128)
 *   limstat speed IN DRIVE_DB   CPU seconds of lathe's limiter alone over
 *                               the file in memory, 512-frame blocks
 *   limstat alias FILE FREQ     largest line below 20 kHz that is not a
 *                               harmonic of FREQ, dB re the fundamental
 *   limstat imd FILE            largest line below 18 kHz of a 19 + 20 kHz
 *                               twin tone, dB re the 19 kHz line
 * The line figures read the second before the file's last 0.1 s, 1 Hz
 * bins, on a 100 Hz grid (all products of whole-kHz tones at 44.1 and 48
 * kHz fall on it). */
#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/limiter.h"

static float *load(const char *path, long *n, int *rate)
{
	SF_INFO si = { 0 };
	SNDFILE *sf = sf_open(path, SFM_READ, &si);
	if (!sf || si.channels != 2) {
		fprintf(stderr, "limstat: %s: cannot read a stereo file\n", path);
		exit(1);
	}
	float *x = malloc(sizeof(float) * 2 * (size_t)si.frames);
	if (!x || sf_readf_float(sf, x, si.frames) != si.frames) {
		fprintf(stderr, "limstat: %s: short read\n", path);
		exit(1);
	}
	sf_close(sf);
	*n = (long)si.frames;
	*rate = si.samplerate;
	return x;
}

/* Fits a cos + b sin + c over [i0, i1) of channel 0 at frequency f. */
static double thd(const float *x, long i0, long i1, double f, int rate)
{
	double S[3][3] = { { 0 } }, B[3] = { 0 };
	for (long i = i0; i < i1; i++) {
		double w = 2 * M_PI * f * (double)i / rate, v[3] = { cos(w), sin(w), 1 };
		for (int r = 0; r < 3; r++) {
			B[r] += v[r] * x[2 * i];
			for (int c = 0; c < 3; c++)
				S[r][c] += v[r] * v[c];
		}
	}
	/* 3x3 solve by Cramer's rule. */
	double det = S[0][0] * (S[1][1] * S[2][2] - S[1][2] * S[2][1]) -
	             S[0][1] * (S[1][0] * S[2][2] - S[1][2] * S[2][0]) +
	             S[0][2] * (S[1][0] * S[2][1] - S[1][1] * S[2][0]);
	double co[3];
	for (int k = 0; k < 3; k++) {
		double M[3][3];
		memcpy(M, S, sizeof M);
		for (int r = 0; r < 3; r++)
			M[r][k] = B[r];
		co[k] = (M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) -
		         M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0]) +
		         M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0])) / det;
	}
	double es = 0, er = 0;
	for (long i = i0; i < i1; i++) {
		double w = 2 * M_PI * f * (double)i / rate;
		double s = co[0] * cos(w) + co[1] * sin(w);
		double r = x[2 * i] - s - co[2];
		es += s * s;
		er += r * r;
	}
	return 10 * log10(er / es);
}

static double resid(const float *in, const float *out, long n, int rate)
{
	long B = rate / 100, nb = n / B;
	double *g = malloc(sizeof(double) * (size_t)(nb + 1));
	for (long k = 0; k < nb; k++) {
		double xy = 0, xx = 0;
		/* Window of two blocks centred on block k's centre. */
		long a = k * B - B / 2, b = a + 2 * B;
		a = a < 0 ? 0 : a;
		b = b > n ? n : b;
		for (long i = a; i < b; i++)
			for (int c = 0; c < 2; c++) {
				xy += (double)in[2 * i + c] * out[2 * i + c];
				xx += (double)in[2 * i + c] * in[2 * i + c];
			}
		g[k] = xx > 1e-12 ? xy / xx : 1.0;
	}
	double eo = 0, er = 0;
	for (long i = B / 2; i < (nb - 1) * B + B / 2; i++) {
		double t = (double)(i - B / 2) / B;
		long k = (long)t;
		double gg = g[k] + (g[k + 1] - g[k]) * (t - k);
		for (int c = 0; c < 2; c++) {
			double r = out[2 * i + c] - gg * in[2 * i + c];
			er += r * r;
			eo += (double)out[2 * i + c] * out[2 * i + c];
		}
	}
	free(g);
	return 10 * log10(er / eo);
}

/* Amplitude of the line at f Hz over x[0..n) of one channel (stride 2);
 * with n = rate the bins are 1 Hz and every product of tones on whole
 * hertz lands on one: no window, no leakage. */
static double line(const float *x, long n, int rate, double f)
{
	double w = 2 * M_PI * f / rate, c = 2 * cos(w), s1 = 0, s2 = 0;
	for (long i = 0; i < n; i++) {
		double s0 = x[2 * i] + c * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	double re = s1 - s2 * cos(w), im = s2 * sin(w);
	return 2 * sqrt(re * re + im * im) / n;
}

/* Largest line on the 100 Hz grid from 100 Hz to below TOP that is not a
 * harmonic of F (F = 0: none excluded), re the line at REF, over the
 * second before the file's last 0.1 s. */
static double worst_line(const float *x, long n, int rate, double f, double ref, double top)
{
	const float *y = x + 2 * (n - rate - rate / 10);
	double r = line(y, rate, rate, ref), worst = 1e-30;
	for (int k = 100; k < top; k += 100) {
		if (f > 0 && fmod(k, f) == 0)
			continue;
		double a = line(y, rate, rate, k);
		worst = a > worst ? a : worst;
	}
	return 20 * log10(worst / r);
}

int main(int argc, char **argv)
{
	long n;
	int rate;
	if (argc == 4 && !strcmp(argv[1], "thd")) {
		float *x = load(argv[2], &n, &rate);
		double f = atof(argv[3]);
		long per = (long)floor((n / 2) * f / rate); /* whole periods */
		long len = (long)(per * rate / f);
		printf("%.1f\n", thd(x, n - len - rate / 20, n - rate / 20, f, rate));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "resid")) {
		long n2;
		int r2;
		float *a = load(argv[2], &n, &rate), *b = load(argv[3], &n2, &r2);
		printf("%.1f\n", resid(a, b, n < n2 ? n : n2, rate));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "loud")) {
		float *x = load(argv[2], &n, &rate);
		ebur128_state *st = ebur128_init(2, (unsigned long)rate, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
		ebur128_add_frames_float(st, x, (size_t)n);
		double lu, p0, p1;
		ebur128_loudness_global(st, &lu);
		ebur128_true_peak(st, 0, &p0);
		ebur128_true_peak(st, 1, &p1);
		printf("%.2f %.3f\n", lu, 20 * log10(p0 > p1 ? p0 : p1));
		ebur128_destroy(&st);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "alias")) {
		float *x = load(argv[2], &n, &rate);
		printf("%.1f\n", worst_line(x, n, rate, atof(argv[3]), atof(argv[3]), 20000));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "imd")) {
		float *x = load(argv[2], &n, &rate);
		printf("%.1f\n", worst_line(x, n, rate, 0, 19000, 18000));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "speed")) {
		float *x = load(argv[2], &n, &rate);
		float *L = malloc(sizeof(float) * (size_t)n), *R = malloc(sizeof(float) * (size_t)n);
		for (long i = 0; i < n; i++) {
			L[i] = x[2 * i];
			R[i] = x[2 * i + 1];
		}
		double p[P_COUNT];
		params_defaults(p);
		p[P_LIMITER_DRIVE] = atof(argv[3]);
		struct limiter *m = limiter_new(rate);
		limiter_set(m, p);
		limiter_reset(m);
		struct timespec t0, t1;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
		for (long i = 0; i < n; i += 512)
			limiter_process(m, L + i, R + i, n - i < 512 ? (int)(n - i) : 512);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
		printf("%.3f\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
		limiter_free(m);
		return 0;
	}
	fprintf(stderr, "usage: limstat thd FILE FREQ | resid IN OUT | loud FILE | "
	                "speed IN DRIVE_DB | alias FILE FREQ | imd FILE\n");
	return 2;
}
