/* 4x true-peak interpolator shared by the limiter and the output meter, so
 * both see the same reconstructed waveform.
 *
 * Two half-band stages: fs -> 2fs with 48 taps (Kaiser beta 5), then
 * 2fs -> 4fs with 8 taps (beta 5), designed for a pass band up to
 * 0.4535 fs (20 kHz at 44.1 kHz) where they read within 0.26 % and 0.2 %
 * of the ideal value.  The peak between grid points is then estimated with
 * a parabola through the largest |point| and its neighbours, which on a 4x
 * grid reads at most 0.074 dB low (at fs/2; 0.05 dB at 0.4535 fs).
 * Content nearer fs/2 is reconstructed differently by every meter, so it
 * is measured separately (os_nyquist) and treated as uncertainty.
 * tests/unit/test_truepeak.c measures the accuracy per interval. */
#ifndef LATHE_OVERSAMPLE_H
#define LATHE_OVERSAMPLE_H

#include <math.h>

#define OS_K1 24         /* stage 1: half-band taps each side */
#define OS_H1 (2 * OS_K1) /* history it reads */
#define OS_K2 4          /* stage 2 taps each side */
/* With history ending at input n, the interval from input n - OS_DELAY to
 * the next sample is the one whose 4x points are complete. */
#define OS_DELAY (OS_K1 + 2)
/* 1/cos(pi/8): for a signal band-limited to fs/2 the largest value
 * between points of a 4x grid is at most this much above the grid max. */
#define OS_SEC4 1.0824f
/* Worst low reading of the filters plus the parabola, rounded up. */
#define OS_LOW 1.0060f

/* Taps of the near-Nyquist band detector (see os_nyquist). */
#define OS_NQ 32
/* Taps per phase of the meters' model (os_coefs.eb). */
#define OS_EB 12

struct os_coefs {
	float c1[OS_H1];  /* stage 1, full form for contiguous SIMD */
	float b[OS_K2];   /* stage 2, folded */
	float nq[OS_NQ];  /* alternating-sign Kaiser window, unit gain at fs/2 */
	/* The 4x interpolator of libebur128 (the meter lathe analyze and
	 * most loudness tools use below 96 kHz: a 49-tap Hann-windowed sinc):
	 * eb[f - 1][i] weighs x[m - 5 + i] for its point at m + f/4.  Its
	 * pass band ripples, so it reads up to about 0.2 dB above the true
	 * peak of bright material; the limiter holds that reading under the
	 * ceiling too. */
	float eb[3][OS_EB];
};

/* Per-channel state: the last half-sample points (u[m] between x[m] and
 * x[m+1]) by m & 7, and the detection clock. */
struct os_chan {
	float u[8];
};

void os_init(struct os_coefs *oc);

/* Dot product of n (a multiple of 8) floats.  Eight partial sums let the
 * compiler vectorise without reassociating (no -ffast-math needed); the
 * fixed summation order keeps results identical on every call. */
static inline float os_dot(const float *c, const float *x, int n)
{
	float a[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	for (int k = 0; k < n; k += 8)
		for (int j = 0; j < 8; j++)
			a[j] += c[k + j] * x[k + j];
	return ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
}

/* One input step.  h points at x[n - OS_H1 + 1 .. n], contiguous.  Computes u[n - OS_K1], then
 * fills p[0..5] with the 4x points of the interval m = n - OS_DELAY:
 * p[0] the point before x[m] (phase 3 of the previous interval), p[1] x[m],
 * p[2..4] the 1/4, 1/2, 3/4 points, p[5] x[m + 1]. */
static inline void os_step(const struct os_coefs *oc, struct os_chan *ch,
                           const float *h, unsigned n, float p[6])
{
	ch->u[(n - OS_K1) & 7] = os_dot(oc->c1, h, OS_H1);

	/* x[m + j] sits at h[OS_H1 - 1 - OS_DELAY + j]. */
	const float *x = h + (OS_H1 - 1 - OS_DELAY);
	unsigned m = n - OS_DELAY;
	const float *u = ch->u;
#define U(j) u[(m + (unsigned)(j)) & 7]
	/* 2x sequence around m: s2[2j] = x[m+j], s2[2j+1] = U(j). */
	float sm4 = x[-2], sm3 = U(-2), sm2 = x[-1], sm1 = U(-1), s0 = x[0];
	float s1 = U(0), s2 = x[1], s3 = U(1), s4 = x[2], s5 = U(2);
	const float *b = oc->b;
	p[0] = b[0] * (sm1 + s0) + b[1] * (sm2 + s1) + b[2] * (sm3 + s2) + b[3] * (sm4 + s3);
	p[1] = s0;
	p[2] = b[0] * (s0 + s1) + b[1] * (sm1 + s2) + b[2] * (sm2 + s3) + b[3] * (sm3 + s4);
	p[3] = s1;
	p[4] = b[0] * (s1 + s2) + b[1] * (s0 + s3) + b[2] * (sm1 + s4) + b[3] * (sm2 + s5);
	p[5] = s2;
#undef U
}

/* Amplitude of the content near fs/2 (above about 0.42 fs) around the
 * interval m = n - OS_DELAY.  How such content is reconstructed between
 * samples is a matter of each meter's filter (ours, libebur128's and
 * ffmpeg's 192 kHz resampler disagree there by tenths of a dB on clipped
 * noise), so the limiter adds a share of it to its estimate as an
 * uncertainty.  Music rarely has enough of it to matter. */
static inline float os_nyquist(const struct os_coefs *oc, const float *h)
{
	const float *x = h + (OS_H1 - 1 - OS_DELAY) - OS_NQ / 2 + 1;
	return fabsf(os_dot(oc->nq, x, OS_NQ));
}

/* Largest |p[1..4]|: the interval's grid peak. */
static inline float os_grid_peak(const float p[6])
{
	float m = fabsf(p[1]);
	for (int i = 2; i <= 4; i++)
		m = fabsf(p[i]) > m ? fabsf(p[i]) : m;
	return m;
}

/* Grid peak raised by a parabola through the largest point and its
 * neighbours; never below the grid peak, never above it by more than the
 * 4x grid bound. */
static inline float os_refine(const float p[6])
{
	int am = 1;
	float m = fabsf(p[1]);
	for (int i = 2; i <= 4; i++)
		if (fabsf(p[i]) > m) {
			m = fabsf(p[i]);
			am = i;
		}
	float sg = p[am] < 0.0f ? -1.0f : 1.0f;
	float a = sg * p[am - 1], c = sg * p[am + 1];
	float den = 2.0f * m - a - c;
	float pk = m;
	if (den > 1e-20f) {
		/* The vertex lies within half a grid step of the largest point,
		 * so the raise is at most den / 8; the cap keeps filter ripple
		 * in nearly flat (low-frequency) stretches from inflating it. */
		float d = a - c, r = d * d / (8.0f * den);
		pk = m + (r < 0.125f * den ? r : 0.125f * den);
	}
	if (!(pk <= m * OS_SEC4))
		pk = m * OS_SEC4;
	return pk > m ? pk : m;
}

#endif
