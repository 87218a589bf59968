/* Test helpers for the dynamics modules: an independent true-peak
 * reference, libebur128's reading and deterministic test signals.
 *
 * The reference reconstructs the waveform with a 64-tap Kaiser (beta 8)
 * windowed sinc at 16x, in double, and refines the grid maximum with a
 * parabola: on sines up to 0.47 fs it reads within 0.004 dB of the
 * continuous peak.  It shares no code or coefficients with dsp/. */
#ifndef TP_REF_H
#define TP_REF_H

#include <ebur128.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define REF_OS 16
#define REF_TAPS 64

static double ref_k[REF_OS][REF_TAPS];

static double ref_i0(double x)
{
	double s = 1, t = 1;
	for (int k = 1; k < 80; k++) {
		t *= (x / (2.0 * k)) * (x / (2.0 * k));
		s += t;
	}
	return s;
}

static void ref_init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	for (int p = 0; p < REF_OS; p++)
		for (int k = 0; k < REF_TAPS; k++) {
			double t = k - REF_TAPS / 2 + 1 - (double)p / REF_OS;
			double s = t == 0 ? 1 : sin(M_PI * t) / (M_PI * t);
			double u = t / (REF_TAPS / 2.0);
			double w = fabs(u) >= 1 ? 0 : ref_i0(8.0 * sqrt(1 - u * u)) / ref_i0(8.0);
			ref_k[p][k] = s * w;
		}
}

/* Largest |x(t)| of the band-limited reconstruction of x[0..n-1]
 * (zeros outside), linear. */
static double ref_true_peak(const float *x, int n)
{
	ref_init();
	int len = n + REF_TAPS;
	double *y = malloc(sizeof(double) * (size_t)(len * REF_OS + 2));
	double best = 0;
	int m = 0;
	y[m++] = 0;
	for (int i = 0; i < len; i++) {
		/* Interval from x[i - REF_TAPS/2 + 1] onwards. */
		for (int p = 0; p < REF_OS; p++) {
			double s = 0;
			for (int k = 0; k < REF_TAPS; k++) {
				int j = i - REF_TAPS + 1 + k;
				if (j >= 0 && j < n)
					s += ref_k[p][k] * x[j];
			}
			y[m++] = s;
		}
	}
	y[m++] = 0;
	for (int i = 1; i < m - 1; i++) {
		double b = fabs(y[i]);
		if (b < best || b < fabs(y[i - 1]) || b < fabs(y[i + 1]))
			continue;
		double sg = y[i] < 0 ? -1 : 1;
		double a = sg * y[i - 1], c = sg * y[i + 1], bb = sg * y[i];
		double den = 2 * bb - a - c, pk = bb;
		if (den > 1e-15)
			pk = bb + (a - c) * (a - c) / (8 * den);
		if (pk > bb * 1.005)
			pk = bb * 1.005;
		if (pk > best)
			best = pk;
	}
	free(y);
	return best;
}

static double db(double v)
{
	return 20.0 * log10(v > 1e-30 ? v : 1e-30);
}

/* libebur128's true peak of a stereo pair, linear (max of channels). */
static double ebur_true_peak(const float *L, const float *R, int n, double rate)
{
	ebur128_state *st = ebur128_init(2, (unsigned long)rate, EBUR128_MODE_TRUE_PEAK);
	float *il = malloc(sizeof(float) * 2 * (size_t)n);
	double a = 0, b = 0;
	for (int i = 0; i < n; i++) {
		il[2 * i] = L[i];
		il[2 * i + 1] = R[i];
	}
	ebur128_add_frames_float(st, il, (size_t)n);
	ebur128_true_peak(st, 0, &a);
	ebur128_true_peak(st, 1, &b);
	ebur128_destroy(&st);
	free(il);
	return a > b ? a : b;
}

/* Deterministic generator: xorshift32 and a Gaussian from it. */
static uint32_t rng_state = 2463534242u;
static double rnd_uniform(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return (rng_state >> 8) * (1.0 / 16777216.0);
}
static double rnd_gauss(void)
{
	double u = rnd_uniform() + 1e-12, v = rnd_uniform();
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

enum sig {
	SIG_FS4_45, SIG_SQUARE, SIG_CLIPNOISE, SIG_SINE_19K5, SIG_SINE_20K,
	SIG_MUSIC, SIG_COUNT
};
static const char *const sig_names[SIG_COUNT] = {
	"sine fs/4 45deg", "square", "clipped noise", "sine 19.5k", "sine 20k", "music",
};

/* Fills L and R (n frames at rate). */
static void gen_signal(enum sig s, float *L, float *R, int n, double rate)
{
	rng_state = 2463534242u + (uint32_t)s * 7919u;
	for (int i = 0; i < n; i++) {
		double l = 0, r = 0, t = i / rate;
		switch (s) {
		case SIG_FS4_45:
			l = M_SQRT2 * sin(M_PI / 2 * i + M_PI / 4);
			r = -l;
			break;
		case SIG_SQUARE:
			l = (i / 50) % 2 ? 1.0 : -1.0;
			r = (i / 37) % 2 ? 1.0 : -1.0;
			break;
		case SIG_CLIPNOISE:
			l = 0.7 * rnd_gauss();
			r = 0.7 * rnd_gauss();
			l = l > 1 ? 1 : l < -1 ? -1 : l;
			r = r > 1 ? 1 : r < -1 ? -1 : r;
			break;
		case SIG_SINE_19K5:
			l = sin(2 * M_PI * 19500 * t + 0.3);
			r = sin(2 * M_PI * 19500 * t + 1.9);
			break;
		case SIG_SINE_20K:
			l = sin(2 * M_PI * 20000 * t + 1.1);
			r = l;
			break;
		case SIG_MUSIC: {
			double beat = fmod(t, 0.5), env = exp(-beat * 12);
			double kick = sin(2 * M_PI * (50 + 100 * exp(-beat * 30)) * beat) * exp(-beat * 8);
			double sn = fmod(t + 0.25, 0.5);
			double snare = rnd_gauss() * 0.35 * exp(-sn * 25);
			static double prev;
			double w = rnd_gauss();
			double hat = (w - prev) * 0.15 * exp(-fmod(t, 0.125) * 60);
			prev = w;
			double chord = 0.12 * (sin(2 * M_PI * 220 * t) + sin(2 * M_PI * 277.2 * t) +
			                       sin(2 * M_PI * 329.6 * t) + sin(2 * M_PI * 440 * t + 1));
			double bass = 0.35 * sin(2 * M_PI * 55 * t) * (0.6 + 0.4 * env);
			l = 0.8 * kick + snare + hat + chord + bass;
			r = 0.8 * kick + 0.8 * snare - hat + chord * 0.9 + bass;
			break;
		}
		default:
			break;
		}
		L[i] = (float)l;
		R[i] = (float)r;
	}
}

#endif
