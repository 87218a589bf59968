/* Stereo width through mid/side, with bass mono.
 *
 *   M = (L+R)/2, S = (L-R)/2, L' = M' + w S', R' = M' - w S'
 *
 * Bass mono removes the side below fc with the high half of a 4th-order
 * Linkwitz-Riley crossover (two Butterworth high-pass sections).  LR4's
 * low and high halves sum to a 2nd-order allpass (Q = 1/sqrt 2) with the
 * very phase of the high half, so the mid goes through that allpass: mid
 * and the kept side stay phase-aligned at every frequency and the mid
 * keeps a flat magnitude.  With bilinear sections of the same prewarped
 * fc the identity LP4 + HP4 = AP holds exactly in the digital domain too.
 *
 * Switching bass mono on or off crossfades between the dry and the
 * filtered M/S; width moves per sample along a line between the values
 * the chain sets every 32 frames. */
#include "imager.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "biquad.h"

#define BASS_XFADE_MS 10.0
#define WIDTH_RAMP 32     /* the chain's sub-block: a straight line between its steps */
#define BASS_MIN_HZ 1.0   /* below this bass mono is off */

struct imager {
	double rate;
	int fresh;        /* first _set after new/reset jumps */

	/* width (linear, 1 = 100 %) */
	double w, w_target, w_step;
	int w_left;       /* samples left on the ramp */

	/* bass mono */
	double seen[P_COUNT];
	int bass_on;
	double g, g_step; /* 0 = dry M/S, 1 = filtered; moves per sample */
	struct bq hp, ap;
	double hs[2][2];  /* two HP sections on S: s1, s2 each */
	double as[2];     /* allpass on M */
};

struct imager *imager_new(double rate)
{
	struct imager *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->rate = rate;
	m->w = m->w_target = 1.0;
	m->g_step = 1.0 / (BASS_XFADE_MS * 1e-3 * rate);
	param_unseen(m->seen);
	bq_identity(&m->hp);
	bq_identity(&m->ap);
	imager_reset(m);
	return m;
}

void imager_free(struct imager *m)
{
	free(m);
}

static void clear_filters(struct imager *m)
{
	m->hs[0][0] = m->hs[0][1] = m->hs[1][0] = m->hs[1][1] = 0;
	m->as[0] = m->as[1] = 0;
}

void imager_reset(struct imager *m)
{
	clear_filters(m);
	m->w = m->w_target;
	m->w_left = 0;
	m->g = m->bass_on;
	m->fresh = 1;
}

void imager_set(struct imager *m, const double p[P_COUNT])
{
	double w = p[P_IMAGER_WIDTH] / 100.0, f = p[P_IMAGER_BASS_MONO];

	if (!isfinite(w) || w < 0)
		w = w < 0 ? 0 : 1;
	if (w > 2)
		w = 2;
	if (m->fresh) {
		m->w = m->w_target = w;
		m->w_left = 0;
	} else if (w != m->w_target) {
		m->w_target = w;
		m->w_step = (w - m->w) / WIDTH_RAMP;
		m->w_left = WIDTH_RAMP;
	}

	int on = f >= BASS_MIN_HZ;
	if (on) {
		if (f > 0.45 * m->rate)
			f = 0.45 * m->rate;
		if (param_changed(m->seen, p, P_IMAGER_BASS_MONO, P_IMAGER_BASS_MONO + 1)) {
			bq_highpass(&m->hp, m->rate, f, M_SQRT1_2);
			bq_allpass(&m->ap, m->rate, f, M_SQRT1_2);
		}
		/* From fully dry the filters restart clean; their old state
		 * belongs to another time. */
		if (m->g == 0 && !m->fresh)
			clear_filters(m);
	}
	m->bass_on = on;
	if (m->fresh) {
		m->g = on;
		clear_filters(m);
	}
	m->fresh = 0;
}

static int finite_state(const struct imager *m)
{
	return isfinite(m->hs[0][0]) && isfinite(m->hs[0][1]) &&
	       isfinite(m->hs[1][0]) && isfinite(m->hs[1][1]) &&
	       isfinite(m->as[0]) && isfinite(m->as[1]);
}

static double flush(double v)
{
	return fabs(v) < 1e-200 ? 0.0 : v;
}

void imager_process(struct imager *m, float *L, float *R, int n)
{
	const double gt = m->bass_on;
	double w = m->w, g = m->g;

	if (g == 0 && gt == 0 && m->w_left == 0 && w == 1.0)
		return; /* identity */

	const struct bq hp = m->hp, ap = m->ap;
	double h10 = m->hs[0][0], h11 = m->hs[0][1], h20 = m->hs[1][0], h21 = m->hs[1][1];
	double a0 = m->as[0], a1 = m->as[1];
	int filt = g != 0 || gt != 0;

	for (int i = 0; i < n; i++) {
		double l = fabsf(L[i]) <= FLT_MAX ? L[i] : 0.0f;
		double r = fabsf(R[i]) <= FLT_MAX ? R[i] : 0.0f;
		double mid = 0.5 * (l + r), side = 0.5 * (l - r);

		if (filt) {
			/* TDF-II, three sections */
			double ym = ap.b0 * mid + a0;
			a0 = ap.b1 * mid - ap.a1 * ym + a1;
			a1 = ap.b2 * mid - ap.a2 * ym;
			double y1 = hp.b0 * side + h10;
			h10 = hp.b1 * side - hp.a1 * y1 + h11;
			h11 = hp.b2 * side - hp.a2 * y1;
			double y2 = hp.b0 * y1 + h20;
			h20 = hp.b1 * y1 - hp.a1 * y2 + h21;
			h21 = hp.b2 * y1 - hp.a2 * y2;
			/* smoothstep: no kink at either end of the fade */
			double gs = g * g * (3.0 - 2.0 * g);
			mid += gs * (ym - mid);
			side += gs * (y2 - side);
			if (g != gt)
				g = gt > g ? fmin(g + m->g_step, 1.0) : fmax(g - m->g_step, 0.0);
		}
		if (m->w_left > 0) {
			w += m->w_step;
			if (--m->w_left == 0)
				w = m->w_target;
		}
		side *= w;
		L[i] = (float)(mid + side);
		R[i] = (float)(mid - side);
	}
	m->w = w;
	m->g = g;
	m->hs[0][0] = flush(h10);
	m->hs[0][1] = flush(h11);
	m->hs[1][0] = flush(h20);
	m->hs[1][1] = flush(h21);
	m->as[0] = flush(a0);
	m->as[1] = flush(a1);
	if (!finite_state(m))
		clear_filters(m);
}
