/* High-pass: Butterworth, 12 dB/oct (one section) or 24 dB/oct (two).
 *
 * Both cascades run all the time so the slope switch can crossfade
 * between two warm filters: a cascade started from silence in the middle
 * of the music would ring at the cutoff.  Three sections cost little next
 * to the limiter's oversampling.  A bilinear design is exact enough here:
 * at 300 Hz the frequency warping is under 0.1 % even at 22.05 kHz.
 *
 * The sections run in direct form I, double (see biquad.h): the 12 dB
 * section and the first 24 dB section read the same input, so they share
 * one four-lane vector (L, R of each), the second 24 dB section a
 * two-lane one. */
#include "hpf.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "biquad.h"

#define XFADE_MS 10.0
#define CHUNK 256

struct hpf {
	double rate;
	double freq;     /* designed cutoff; 0 before the first _set */
	int slope24;     /* the target slope */
	double x;        /* 0 = 12 dB/oct out, 1 = 24 dB/oct; moves per sample */
	double xstep;
	int fresh;       /* first _set after new/reset jumps, no crossfade */
	struct bq c12, c24a, c24b;
	struct bq_df1 s12, s24a, s24b;
	unsigned pos;    /* frames since reset modulo CHUNK: states are checked there */
};

struct hpf *hpf_new(double rate)
{
	struct hpf *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->rate = rate;
	m->xstep = 1.0 / (XFADE_MS * 1e-3 * rate);
	bq_identity(&m->c12);
	bq_identity(&m->c24a);
	bq_identity(&m->c24b);
	hpf_reset(m);
	return m;
}

void hpf_free(struct hpf *m)
{
	free(m);
}

void hpf_reset(struct hpf *m)
{
	m->s12 = m->s24a = m->s24b = (struct bq_df1){ { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
	m->pos = 0;
	m->x = m->slope24;
	m->fresh = 1;
}

void hpf_set(struct hpf *m, const double p[P_COUNT])
{
	double f = p[P_HPF_FREQ];
	int s24 = p[P_HPF_SLOPE] >= 18.0;

	if (!(f >= 1.0))
		f = 1.0;
	if (f > 0.45 * m->rate)
		f = 0.45 * m->rate;
	if (f != m->freq) {
		/* Fourth-order Butterworth: pole pairs at Q = 1/(2 cos(pi/8))
		 * and 1/(2 cos(3 pi/8)). */
		bq_highpass(&m->c12, m->rate, f, M_SQRT1_2);
		bq_highpass(&m->c24a, m->rate, f, 0.54119610014619690);
		bq_highpass(&m->c24b, m->rate, f, 1.3065629648763766);
		m->freq = f;
	}
	m->slope24 = s24;
	if (m->fresh)
		m->x = s24;
	m->fresh = 0;
}

typedef double v4d __attribute__((vector_size(32)));
typedef double v2d __attribute__((vector_size(16)));

#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
/* The same IEEE operations in both (no FMA in either): the same samples. */
#define HPF_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef HPF_CLONES
#define HPF_CLONES
#endif

#define PAIR4(a, b) ((v4d){ (a)[0], (a)[1], (b)[0], (b)[1] })

/* Both paths in one loop, for n frames.  mode 0: the 12 dB path to L, R;
 * 1: the 24 dB path to L, R; 2: both to yl, yr (12) and vl, vr (24) for a
 * crossfade.  mode is a constant after inlining. */
static inline __attribute__((always_inline))
void run3(struct hpf *m, const int mode, float *L, float *R,
          double *yl, double *yr, double *vl, double *vr, int n)
{
	const struct bq *p = &m->c12, *q = &m->c24a, *r = &m->c24b;
	const v4d b0 = { p->b0, p->b0, q->b0, q->b0 }, b1 = { p->b1, p->b1, q->b1, q->b1 };
	const v4d b2 = { p->b2, p->b2, q->b2, q->b2 }, a1 = { p->a1, p->a1, q->a1, q->a1 };
	const v4d a2 = { p->a2, p->a2, q->a2, q->a2 };
	const v2d c0 = { r->b0, r->b0 }, c1 = { r->b1, r->b1 }, c2 = { r->b2, r->b2 };
	const v2d d1 = { r->a1, r->a1 }, d2 = { r->a2, r->a2 };
	v4d x1 = PAIR4(m->s12.x1, m->s24a.x1), x2 = PAIR4(m->s12.x2, m->s24a.x2);
	v4d y1 = PAIR4(m->s12.y1, m->s24a.y1), y2 = PAIR4(m->s12.y2, m->s24a.y2);
	v2d u1 = { m->s24b.x1[0], m->s24b.x1[1] }, u2 = { m->s24b.x2[0], m->s24b.x2[1] };
	v2d w1 = { m->s24b.y1[0], m->s24b.y1[1] }, w2 = { m->s24b.y2[0], m->s24b.y2[1] };

	for (int i = 0; i < n; i++) {
		/* NaN and inf fail the comparison and enter as silence. */
		double l = fabsf(L[i]) <= FLT_MAX ? L[i] : 0.0f;
		double rr = fabsf(R[i]) <= FLT_MAX ? R[i] : 0.0f;
		v4d x = { l, rr, l, rr };
		v4d y = ((b0 * x + b1 * x1) + (b2 * x2 - a2 * y2)) - a1 * y1;
		x2 = x1;
		x1 = x;
		y2 = y1;
		y1 = y;
		v2d u = { y[2], y[3] };
		v2d w = ((c0 * u + c1 * u1) + (c2 * u2 - d2 * w2)) - d1 * w1;
		u2 = u1;
		u1 = u;
		w2 = w1;
		w1 = w;
		if (mode == 0) {
			L[i] = (float)y[0];
			R[i] = (float)y[1];
		} else if (mode == 1) {
			L[i] = (float)w[0];
			R[i] = (float)w[1];
		} else {
			yl[i] = y[0];
			yr[i] = y[1];
			vl[i] = w[0];
			vr[i] = w[1];
		}
	}
	m->s12 = (struct bq_df1){ { x1[0], x1[1] }, { x2[0], x2[1] }, { y1[0], y1[1] }, { y2[0], y2[1] } };
	m->s24a = (struct bq_df1){ { x1[2], x1[3] }, { x2[2], x2[3] }, { y1[2], y1[3] }, { y2[2], y2[3] } };
	m->s24b = (struct bq_df1){ { u1[0], u1[1] }, { u2[0], u2[1] }, { w1[0], w1[1] }, { w2[0], w2[1] } };
}

HPF_CLONES
static void run_steady(struct hpf *m, int s24, float *L, float *R, int n)
{
	if (s24)
		run3(m, 1, L, R, NULL, NULL, NULL, NULL, n);
	else
		run3(m, 0, L, R, NULL, NULL, NULL, NULL, n);
}

static void run_both(struct hpf *m, float *L, float *R,
                     double *yl, double *yr, double *vl, double *vr, int n)
{
	run3(m, 2, L, R, yl, yr, vl, vr, n);
}

void hpf_process(struct hpf *m, float *L, float *R, int n)
{
	double al[CHUNK], ar[CHUNK], bl[CHUNK], br[CHUNK];

	/* Chunks end at absolute multiples of CHUNK, so where the states are
	 * checked never depends on the caller's block sizes. */
	while (n > 0) {
		int k = CHUNK - (int)m->pos;
		k = n < k ? n : k;
		double target = m->slope24, x = m->x;
		if (x == target)
			run_steady(m, x != 0.0, L, R, k);
		else
			run_both(m, L, R, al, ar, bl, br, k);
		m->pos = (m->pos + (unsigned)k) % CHUNK;
		if (m->pos == 0) {
			bq_df1_sanitize(&m->s12);
			bq_df1_sanitize(&m->s24a);
			bq_df1_sanitize(&m->s24b);
		}

		if (x != target) {
			/* Smoothstep crossfade: a linear one puts a kink in the
			 * waveform at both ends of the ramp.  Both paths are the
			 * same filter far above the cutoff, so the sum never dips
			 * audibly. */
			for (int i = 0; i < k; i++) {
				double g = x * x * (3.0 - 2.0 * x);
				L[i] = (float)(al[i] + g * (bl[i] - al[i]));
				R[i] = (float)(ar[i] + g * (br[i] - ar[i]));
				if (x < target)
					x = fmin(x + m->xstep, target);
				else if (x > target)
					x = fmax(x - m->xstep, target);
			}
			m->x = x;
		}
		L += k;
		R += k;
		n -= k;
	}
}
