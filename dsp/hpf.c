/* High-pass: Butterworth, 12 dB/oct (one section) or 24 dB/oct (two).
 *
 * Both cascades run all the time so the slope switch can crossfade
 * between two warm filters: a cascade started from silence in the middle
 * of the music would ring at the cutoff.  Three sections cost little next
 * to the limiter's oversampling.  A bilinear design is exact enough here:
 * at 300 Hz the frequency warping is under 0.1 % even at 22.05 kHz. */
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
	struct bq_state s12, s24a, s24b;
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
	m->s12 = m->s24a = m->s24b = (struct bq_state){ { 0, 0 }, { 0, 0 } };
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

/* Both paths in one loop: their recursions are independent, so the CPU
 * overlaps them (about 1.5x over a pass per section). */
static void run3(struct hpf *m, double *al, double *ar, double *bl, double *br, int n)
{
	const struct bq p = m->c12, q = m->c24a, r = m->c24b;
	double p1[2] = { m->s12.s1[0], m->s12.s1[1] }, p2[2] = { m->s12.s2[0], m->s12.s2[1] };
	double q1[2] = { m->s24a.s1[0], m->s24a.s1[1] }, q2[2] = { m->s24a.s2[0], m->s24a.s2[1] };
	double r1[2] = { m->s24b.s1[0], m->s24b.s1[1] }, r2[2] = { m->s24b.s2[0], m->s24b.s2[1] };

	for (int i = 0; i < n; i++) {
		double x[2] = { al[i], ar[i] }, y[2], u[2], v[2];
		for (int c = 0; c < 2; c++) {
			y[c] = p.b0 * x[c] + p1[c];
			p1[c] = p.b1 * x[c] - p.a1 * y[c] + p2[c];
			p2[c] = p.b2 * x[c] - p.a2 * y[c];
			u[c] = q.b0 * x[c] + q1[c];
			q1[c] = q.b1 * x[c] - q.a1 * u[c] + q2[c];
			q2[c] = q.b2 * x[c] - q.a2 * u[c];
			v[c] = r.b0 * u[c] + r1[c];
			r1[c] = r.b1 * u[c] - r.a1 * v[c] + r2[c];
			r2[c] = r.b2 * u[c] - r.a2 * v[c];
		}
		al[i] = y[0];
		ar[i] = y[1];
		bl[i] = v[0];
		br[i] = v[1];
	}
	m->s12 = (struct bq_state){ { p1[0], p1[1] }, { p2[0], p2[1] } };
	m->s24a = (struct bq_state){ { q1[0], q1[1] }, { q2[0], q2[1] } };
	m->s24b = (struct bq_state){ { r1[0], r1[1] }, { r2[0], r2[1] } };
}

void hpf_process(struct hpf *m, float *L, float *R, int n)
{
	double al[CHUNK], ar[CHUNK], bl[CHUNK], br[CHUNK];

	while (n > 0) {
		int k = n < CHUNK ? n : CHUNK;
		for (int i = 0; i < k; i++) {
			/* NaN and inf fail the comparison and enter as silence. */
			al[i] = fabsf(L[i]) <= FLT_MAX ? L[i] : 0.0f;
			ar[i] = fabsf(R[i]) <= FLT_MAX ? R[i] : 0.0f;
		}
		run3(m, al, ar, bl, br, k);
		bq_sanitize(&m->s12);
		bq_sanitize(&m->s24a);
		bq_sanitize(&m->s24b);

		double target = m->slope24, x = m->x;
		if (x == target) {
			const double *ol = x ? bl : al, *or_ = x ? br : ar;
			for (int i = 0; i < k; i++) {
				L[i] = (float)ol[i];
				R[i] = (float)or_[i];
			}
		} else {
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
