/* The limiter's detector: the driven true peak of each interval.
 *
 * p is the larger of two readings: the accurate one (4x two-stage
 * half-band interpolation refined on an 8x grid, both channels, plus a
 * share of the near-Nyquist content) times its worst low reading
 * (OS_LOW or OS_LOW_8X: refine_at), so it never reads under the true
 * peak; and libebur128's own 4x reading (os_coefs.eb; it over-reads
 * bright material by up to ~0.2 dB) times EB_SAFE.  Both meters then stay under the ceiling with the limiter's
 * threshold at the ceiling itself.  The refinement runs only where the 4x
 * grid times its secant bound can reach the threshold, and a whole block
 * is skipped when a cheap bound from differences proves it below (the
 * samples are the same as with detection run, only cheaper). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "clones.h"
#include "limdetect.h"

/* Floating-point exceptions are never looked at; without this GCC keeps
 * the selects of the detector as branches instead of vector code
 * (results are unchanged). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#define CH LIMDET_CH
#define UPRE LIMDET_UPRE

/* Share of the near-Nyquist amplitude added to the estimate (oversample.h). */
#ifndef NQ_SHARE
#define NQ_SHARE 1.0f
#endif
/* The meters' reading (os_coefs.eb) times EB_SAFE is held under thr as
 * well: room for float sums against libebur128's and for the gain's own
 * modulation of the product.  EB_TO_GRID puts it on the scale of q (the
 * grid peak, which thr_4 is compared with). */
#ifndef EB_SAFE
#define EB_SAFE 1.002f
#endif
#define EB_TO_GRID (EB_SAFE / (OS_SEC4 * OS_LOW))
/* Worst low reading of the fine estimate (refine_at), rounded up. */
#define OS_LOW_8X 1.002f
/* The fine estimate is used where the 4x grid's curvature at its largest
 * point, (2 m - a - c) / m, is below KAPPA_8X (a sine below 12.7 kHz at
 * 44.1 kHz): music's peaks.  Above, where the parabola on the 4x grid
 * reads furthest low, it keeps that parabola and its margin OS_LOW: the
 * fine estimate's readings of band-edge crests differ from one crest to
 * the next more than the parabola's, and h carries the difference into
 * the gain (19 + 20 kHz products -155 -> -139 dB).  Either reading never
 * falls under the true peak, so choosing between them is safe. */
#define KAPPA_8X 0.2f

/* Coefficients of a bound on the detector's q for one interval m (see
 * detect_chan) from cheap statistics of x around it:
 *   q <= max(|x[m]|, |x[m+1]|) + kd2 * max|d2x| + kd1 * max|dx| + kd0 * max|x|
 * with dx, d2x the first and second differences of x[m-25 .. m+26].
 * Each of the four grid points is a linear combination of those x; minus
 * the linear interpolation between x[m] and x[m+1] (which the interpolators
 * reproduce, up to coefficient rounding) what is left sums to about zero
 * with zero first moment, so summing by parts twice writes it as weights
 * on d2x, whose absolute sum is kd2 (0.55 for the 1/2 point).  The
 * near-Nyquist share adds its own (1.32 on d2x, 0.033 on dx).  kd0 covers
 * what the float coefficients leave of the constant and linear parts and
 * the rounding of the float sums (below 2e-5), with room to spare.
 * Music carries little of its level in d2x, so most blocks of a typical
 * master are provably far enough below the threshold to skip detection:
 * the samples are the same as with detection run, only cheaper. */
#define KW (OS_K1 + 1) /* x[m - KW .. m + KW + 1] */
#define KN (2 * KW + 2)
static void kernel_bound(const double *h, double *k2, double *k1, double *k0)
{
	double h1[KN], h2[KN];
	/* h . x = h1[0] x[0] + h2[1] dx[0] + sum_{k >= 2} h2[k] d2x[k - 2] */
	for (int k = KN - 1; k >= 0; k--)
		h1[k] = h[k] + (k + 1 < KN ? h1[k + 1] : 0.0);
	for (int k = KN - 1; k >= 1; k--)
		h2[k] = h1[k] + (k + 1 < KN ? h2[k + 1] : 0.0);
	double s = 0.0;
	for (int k = 2; k < KN; k++)
		s += fabs(h2[k]);
	*k2 = s;
	*k1 = fabs(h2[1]);
	*k0 = fabs(h1[0]);
}

static void skip_bound(const struct os_coefs *oc, struct limdet *d)
{
	double k2 = 0, k1 = 0, k0 = 0;
	for (int ph = 1; ph <= 7; ph++) {
		double h[KN];
		for (int j = 0; j < KN; j++) {
			/* response to x = unit impulse at m + j - KW */
			double x[KN + 2 * OS_K1] = { 0 };
			const double *xm = x + OS_K1 + KW; /* xm[i] = x[m + i] */
			x[OS_K1 + j] = 1.0;
			double u[5];
			for (int i = -2; i <= 2; i++) {
				double a = 0.0;
				for (int k = 0; k < OS_H1; k++)
					a += oc->c1[k] * xm[i - OS_K1 + 1 + k];
				u[i + 2] = a;
			}
			const double *uu = u + 2;
			const float *b = oc->b;
			if (ph == 1)
				h[j] = b[0] * (xm[0] + uu[0]) + b[1] * (uu[-1] + xm[1]) +
				       b[2] * (xm[-1] + uu[1]) + b[3] * (uu[-2] + xm[2]) -
				       0.75 * xm[0] - 0.25 * xm[1];
			else if (ph == 2)
				h[j] = uu[0] - 0.5 * xm[0] - 0.5 * xm[1];
			else if (ph >= 5) {
				/* The meters' model at m + f/4 (os_coefs.eb). */
				int f = ph - 4;
				double a = 0.0;
				for (int i = 0; i < OS_EB; i++)
					a += oc->eb[f - 1][i] * xm[i - 5];
				h[j] = a - (1.0 - f / 4.0) * xm[0] - f / 4.0 * xm[1];
			} else if (ph == 3)
				h[j] = b[0] * (uu[0] + xm[1]) + b[1] * (xm[0] + uu[1]) +
				       b[2] * (uu[-1] + xm[2]) + b[3] * (xm[-1] + uu[2]) -
				       0.25 * xm[0] - 0.75 * xm[1];
			else {
				double a = 0.0;
				for (int k = 0; k < OS_NQ; k++)
					a += oc->nq[k] * xm[k - OS_NQ / 2 + 1];
				h[j] = a;
			}
		}
		double a2, a1, a0;
		kernel_bound(h, &a2, &a1, &a0);
		if (ph == 4) {
			k2 += NQ_SHARE * a2;
			k1 += NQ_SHARE * a1;
			k0 += NQ_SHARE * a0;
		} else {
			k2 = fmax(k2, a2);
			k1 = fmax(k1, a1);
			k0 = fmax(k0, a0);
		}
	}
	/* Rounded up, and room for the float evaluation of q and the bound. */
	d->kd2 = (float)(k2 * 1.001 + 1e-4);
	d->kd1 = (float)(k1 * 1.001 + 1e-4);
	d->kd0 = (float)(k0 + 1e-4);
}


/* out[s] = sum over k of c[k] x[s + k], k ascending from 0.0f: the same
 * sums, rounding for rounding, as accumulating tap by tap into out[], but
 * 16 outputs stay in registers across all the taps (two vectors) instead
 * of a load and a store of out[] per tap.  Vector extensions, not a loop
 * for the vectoriser: GCC kept a float a[16] in memory.  No contraction
 * (-std=c11), so a multiply and an add round as the scalar tail's do. */
typedef float v8f __attribute__((vector_size(32)));

static inline __attribute__((always_inline)) void
fir_sum(float *restrict out, const float *restrict x, const float *restrict c,
        int ntaps, int n)
{
	int s = 0;
	/* The last block overlaps the one before when n is not a multiple
	 * of 16: the outputs both write are the same sums. */
	for (; s < n && n >= 16; s += 16) {
		s = s + 16 <= n ? s : n - 16;
		v8f a = {0}, b = {0};
		for (int k = 0; k < ntaps; k++) {
			v8f xa, xb;
			memcpy(&xa, x + s + k, sizeof xa);
			memcpy(&xb, x + s + k + 8, sizeof xb);
			const float ck = c[k];
			a += ck * xa;
			b += ck * xb;
		}
		memcpy(out + s, &a, sizeof a);
		memcpy(out + s + 8, &b, sizeof b);
	}
	for (; s < n; s++) {
		float a = 0.0f;
		for (int k = 0; k < ntaps; k++)
			a += c[k] * x[s + k];
		out[s] = a;
	}
}

/* One channel of a block of nc intervals.  X holds x from time
 * n0 - OS_H1 - 4 up to n0 + nc - 1; the block's intervals are
 * m = n0 - OS_DELAY + t.  Fills u[s] (the half-sample point after
 * x[m - 3 + s]), P2[t] for -1 <= t <= nc and P4[t + 1] (the 1/4 and 3/4
 * points of interval t, P4[0] that of the interval before) and q[t], the
 * grid peak plus the near-Nyquist share. */
DSP_CLONES
static void detect_chan(const struct os_coefs *oc, const float *X, int nc,
                        float *u, float *P2, float *P4, float *q, float *qe)
{
	const int nu = nc + UPRE;
	/* u[s] = sum c1[k] x[m - 3 + s - OS_K1 + 1 + k]: X index s + k */
	fir_sum(u, X, oc->c1, OS_H1, nu);
	/* x[m + j] is X[OS_K1 + 2 + t + j]; u[m + j] is u[t + j + 3]. */
	const float *xm = X + OS_K1 + 2;
	const float b0 = oc->b[0], b1 = oc->b[1], b2 = oc->b[2], b3 = oc->b[3];
	for (int t = -1; t < nc; t++) {
		const float *xx = xm + t, *uu = u + t + 3;
		P4[t + 1] = b0 * (uu[0] + xx[1]) + b1 * (xx[0] + uu[1]) +
		            b2 * (uu[-1] + xx[2]) + b3 * (xx[-1] + uu[2]);
	}
	for (int t = -1; t <= nc; t++) {
		const float *xx = xm + t, *uu = u + t + 3;
		P2[t] = b0 * (xx[0] + uu[0]) + b1 * (uu[-1] + xx[1]) +
		        b2 * (xx[-1] + uu[1]) + b3 * (uu[-2] + xx[2]);
	}
	fir_sum(q, xm - OS_NQ / 2 + 1, oc->nq, OS_NQ, nc);
	/* The meters' model: its three points inside each interval. */
	for (int t = 0; t < nc; t++)
		qe[t] = 0.0f;
	for (int f = 0; f < 3; f++) {
		float acc[CH];
		fir_sum(acc, xm - 5, oc->eb[f], OS_EB, nc);
		for (int t = 0; t < nc; t++) {
			float a = fabsf(acc[t]);
			qe[t] = a > qe[t] ? a : qe[t];
		}
	}
	for (int t = 0; t < nc; t++) {
		float a = fabsf(xm[t]), b = fabsf(P2[t]), c = fabsf(u[t + 3]), d = fabsf(P4[t + 1]);
		a = a > b ? a : b;
		c = c > d ? c : d;
		float g = (a > c ? a : c) + NQ_SHARE * fabsf(q[t]), e = qe[t] * EB_TO_GRID;
		q[t] = g > e ? g : e;
	}
}

static inline uint32_t abs_bits(float v)
{
	uint32_t u;
	memcpy(&u, &v, sizeof u);
	/* |v| as an integer: ordered like the float for non-negative values,
	 * so the maxima below are integer reductions that vectorise. */
	return u & 0x7fffffffu;
}

static inline float bits_float(uint32_t u)
{
	float v;
	memcpy(&v, &u, sizeof v);
	return v;
}

/* Upper bound of q over a block's nc intervals (skip_bound), X as for
 * detect_chan: interval t reads x[m - 25 .. m + 26], X[1 + t .. 52 + t]. */
DSP_CLONES
static float block_bound(const struct limdet *det, const float *X, int nc)
{
	uint32_t al = 0, aw = 0, d1 = 0, d2 = 0;
	const int last = nc + OS_H1 + 3;
	for (int i = OS_K1 + 2; i <= OS_K1 + 2 + nc; i++) {
		uint32_t a = abs_bits(X[i]);
		al = a > al ? a : al;
	}
	for (int i = 1; i <= last - 2; i++) {
		uint32_t a = abs_bits(X[i]);
		uint32_t d = abs_bits(X[i + 1] - X[i]);
		uint32_t e = abs_bits((X[i + 2] - X[i + 1]) - (X[i + 1] - X[i]));
		aw = a > aw ? a : aw;
		d1 = d > d1 ? d : d1;
		d2 = e > d2 ? e : d2;
	}
	for (int i = last - 1; i <= last; i++) {
		uint32_t a = abs_bits(X[i]);
		aw = a > aw ? a : aw;
	}
	uint32_t d = abs_bits(X[last] - X[last - 1]);
	d1 = d > d1 ? d : d1;
	return bits_float(al) + det->kd2 * bits_float(d2) + det->kd1 * bits_float(d1) +
	       det->kd0 * bits_float(aw);
}

/* Refined peak of each interval t of a block, times its margin, so never
 * under the true peak, plus the near-Nyquist share of q: r[t].  A
 * parabola on the 4x grid reads up to 0.05 dB low between points
 * (band-edge content, and the sharp crests of several tones adding up),
 * and its margin OS_LOW is headroom music never gets.  So where the
 * curvature allows (KAPPA_8X) the two 8x points either side of the
 * largest 4x point are interpolated from the 4x points around it
 * (six-point Lagrange at the midpoint: exact to degree 5, and the 4x
 * sequence is smooth, its content below 0.114 of its rate), and the
 * parabola runs through the largest of those and its 8x neighbours: at
 * most about 0.01 dB low with the filters' own error, margin OS_LOW_8X
 * (tests/unit/test_limiter_detect.c measures both).
 * s1 .. s10 are the 4x points from x[m] - 3/4 to x[m] + 6/4 (s4 = x[m]).  Both
 * readings are computed for every interval and one is selected, so the
 * loop is vector code along time; each lane does the scalar arithmetic. */
DSP_CLONES
static void refine_block(const float *X, const float *u, const float *P2,
                         const float *P4, const float *q, int nc, float low8,
                         float *restrict r)
{
	const float l0 = 150.0f / 256.0f, l1 = -25.0f / 256.0f, l2 = 3.0f / 256.0f;
	const float *const xm = X + OS_K1 + 2;
	for (int t = 0; t < nc; t++) {
		const float s1 = P2[t - 1], s2 = u[t + 2], s3 = P4[t];
		const float s4 = xm[t], s5 = P2[t], s6 = u[t + 3], s7 = P4[t + 1];
		const float s8 = xm[t + 1], s9 = P2[t + 1], s10 = u[t + 4];
		/* The largest of s4 .. s7 (the first, on ties) and the points
		 * either side: cj is s[4 + am + j]. */
		float m = fabsf(s4);
		float cm3 = s1, cm2 = s2, cm1 = s3, c0 = s4, c1 = s5, c2 = s6, c3 = s7;
		int b = fabsf(s5) > m;
		m = b ? fabsf(s5) : m;
		cm3 = b ? s2 : cm3; cm2 = b ? s3 : cm2; cm1 = b ? s4 : cm1; c0 = b ? s5 : c0;
		c1 = b ? s6 : c1; c2 = b ? s7 : c2; c3 = b ? s8 : c3;
		b = fabsf(s6) > m;
		m = b ? fabsf(s6) : m;
		cm3 = b ? s3 : cm3; cm2 = b ? s4 : cm2; cm1 = b ? s5 : cm1; c0 = b ? s6 : c0;
		c1 = b ? s7 : c1; c2 = b ? s8 : c2; c3 = b ? s9 : c3;
		b = fabsf(s7) > m;
		m = b ? fabsf(s7) : m;
		cm3 = b ? s4 : cm3; cm2 = b ? s5 : cm2; cm1 = b ? s6 : cm1; c0 = b ? s7 : c0;
		c1 = b ? s8 : c1; c2 = b ? s9 : c2; c3 = b ? s10 : c3;
		const float sg = c0 < 0.0f ? -1.0f : 1.0f;
		const float cap = m * OS_SEC4;
		/* The parabola on the 4x grid (os_refine). */
		float pa = sg * cm1, pc = sg * c1;
		float pden = 2.0f * m - pa - pc;
		float pd = pa - pc, pr = pd * pd / (8.0f * pden), pq = 0.125f * pden;
		float ppk = pden > 1e-20f ? m + (pr < pq ? pr : pq) : m;
		ppk = ppk <= cap ? ppk : cap;
		const float coarse = (ppk > m ? ppk : m) * OS_LOW;
		/* The 8x points at am - 1/2 and am + 1/2, and the 8x sequence
		 * around the largest point of the three: a, top, b. */
		float hl = sg * (l0 * (cm1 + c0) + l1 * (cm2 + c1) + l2 * (cm3 + c2));
		float hr = sg * (l0 * (c0 + c1) + l1 * (cm1 + c2) + l2 * (cm2 + c3));
		int br = hr > m && hr >= hl, bl = !br && hl > m;
		float a = br ? m : bl ? pa : hl;
		float top = br ? hr : bl ? hl : m;
		float bb = br ? pc : bl ? m : hr;
		float den = 2.0f * top - a - bb;
		float d = a - bb, rr = d * d / (8.0f * den), rq = 0.125f * den;
		float pk = den > 1e-20f ? top + (rr < rq ? rr : rq) : top;
		pk = pk <= cap ? pk : cap;
		const float fine = (pk > m ? pk : m) * low8;
		const int flat = 2.0f * m - sg * (cm1 + c1) < KAPPA_8X * m;
		/* q holds grid + share; swap the grid for the refined peak */
		r[t] = (flat ? fine : coarse) + (q[t] - m) * OS_LOW;
	}
}

void limdet_init(struct limdet *d)
{
	os_init(&d->oc);
	skip_bound(&d->oc, d);
	limdet_set_rate(d, 44100.0);
}

void limdet_set_rate(struct limdet *d, double rate)
{
	d->low8 = rate >= 96000.0 ? OS_LOW : OS_LOW_8X;
}

void limdet_block(struct limdet *d, const float *XL, const float *XR,
                  const float *dv, int nc, float thr_4, float *p)
{
	/* Detection only matters where q * drive can pass thr_4: a block
	 * provably below it gets p = 0, the same as detection would. */
	uint32_t dbits = 0;
	for (int i = 0; i < nc; i++) {
		uint32_t v = abs_bits(dv[i]); /* the drive is positive */
		dbits = v > dbits ? v : dbits;
	}
	const float dmax = bits_float(dbits);
	float bl = block_bound(d, XL, nc), br = block_bound(d, XR, nc);
	if ((bl > br ? bl : br) * dmax * 1.00001f <= thr_4) {
		for (int i = 0; i < nc; i++)
			p[i] = 0.0f;
		return;
	}
	float *const uL = d->u[0], *const uR = d->u[1], *const p2L = d->p2[0] + 1, *const p2R = d->p2[1] + 1;
	float *const p4L = d->p4[0], *const p4R = d->p4[1], *const qL = d->q[0], *const qR = d->q[1];
	float *const eL = d->e[0], *const eR = d->e[1];
	detect_chan(&d->oc, XL, nc, uL, p2L, p4L, qL, eL);
	detect_chan(&d->oc, XR, nc, uR, p2R, p4R, qR, eR);
	float *const rL = d->r[0], *const rR = d->r[1];
	refine_block(XL, uL, p2L, p4L, qL, nc, d->low8, rL);
	refine_block(XR, uR, p2R, p4R, qR, nc, d->low8, rR);
	for (int i = 0; i < nc; i++) {
		float dm = dv[i];
		float pi = 0.0f;
		if ((qL[i] > qR[i] ? qL[i] : qR[i]) * dm > thr_4) {
			pi = (rL[i] > rR[i] ? rL[i] : rR[i]) * dm;
			float pe = (eL[i] > eR[i] ? eL[i] : eR[i]) * dm * EB_SAFE;
			pi = pi > pe ? pi : pe;
		}
		p[i] = pi;
	}
}
