/* Five-band EQ: low shelf, three bells, high shelf; each band stereo,
 * mid or side, and static or dynamic.
 *
 * Each band's static part is one double-precision section, or two where
 * one cannot follow (big or very wide bells, resonant high shelves near
 * the top), from bq_design_eq2: it follows the RBJ analog prototype's
 * magnitude within 0.1 dB up to 20 kHz instead of cramping towards
 * Nyquist like the bilinear cookbook filters.  A band at 0 dB is skipped outright: the
 * chain's glides land exactly on 0, and what the section still held at
 * the last step (a few 1e-4 dB of boost) is some 90 dB down, so dropping
 * it is inaudible.
 *
 * The fit takes 30 to 1000 us, far too long for the audio thread, where a
 * glide asks for a design every 32 frames.  So in the live mode
 * (eq_set_async) eq_set designs in closed form (bq_design_eq_fast, about
 * a microsecond, always one section) and posts the values to a designer
 * thread, which fits them and hands the result back; eq_process swaps it in when the band
 * still holds those values, i.e. once the glide has landed.  Both ways go
 * through lock-free handovers, so the audio thread never waits.  Renders
 * stay synchronous: every design is the fit, the output a pure function
 * of the input.
 *
 * Mid/side: a band works in the M/S domain (M = (L+R)/2, S = (L-R)/2,
 * back L = M+S, R = M-S), its section running on both lanes and its
 * effect weighted per lane, y = x + w (H x - x), with w = (1,1) stereo,
 * (1,0) mid, (0,1) side.  With a zero weight a lane passes exactly (0
 * times a finite number is 0), and a mono signal has S = 0 exactly, so a
 * side band leaves a mono signal bit-identical and a mid band an
 * antiphase one.  A mode switch moves w over 10 ms instead of jumping; a
 * stereo band at rest runs in L/R directly, its state converted (the
 * section is linear) when it enters or leaves M/S.
 *
 * Dynamic: on top of the static section, y = x + (G - 1) D x, where D is
 * a band-pass at the band's frequency and Q (bells; H = 1 + (G-1) D is
 * then the analog bell (s^2 + s G/Q + 1)/(s^2 + s/Q + 1), exactly G at
 * f0) or a first-order low/high-pass (shelves: (s + G w)/(s + w) and its
 * mirror).  D x is also the sidechain: its mean square over 5 ms, in dB
 * (+3 dB so a sine reads its peak), over the threshold moves the gain
 * 2:1 with a 6 dB soft knee until it reaches dyn_range; attack and
 * release smooth that per sample in dB.  D never changes with the gain,
 * so a moving dynamic band costs a multiply per sample and no design:
 * nothing to bound, no zipper. */
#include "eq.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "biquad.h"
#include "clones.h"
#include "fastmath.h"
#include "handover.h"

/* Floating-point exceptions are never looked at; without this GCC will
 * not turn the control steps' selects (the curve, exp2's clamps) into
 * vector code (results are unchanged: nothing is reassociated). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#define BANDS EQ_BANDS
#define CHUNK 256
#define MODE_FADE_MS 10.0
#define DYN_RMS_MS 5.0
#define DYN_KNEE_DB 6.0
/* control steps of a dynamic band, frames (divides CHUNK) */
#define DYN_DEC 8

static const enum bq_eq_kind band_kind[BANDS] = {
	BQ_LOW_SHELF, BQ_PEAK, BQ_PEAK, BQ_PEAK, BQ_HIGH_SHELF,
};

/* Values of a band and, coming back, their fitted sections. */
struct design {
	double f, g, q;
	struct bq c[2];
	int ns;
};
HANDOVER(design_handover, struct design);

struct band {
	double f, g, q;  /* as last designed; g == 0: no static section */
	struct bq c[2];  /* ns sections: two where one cannot follow to the top */
	int ns;
	struct bq_df1 s[2]; /* L/R lanes, or M/S while ms */
	/* async mode: values to the designer (req) and fits back (res) */
	struct design_handover req, res;
	struct design fit;   /* audio thread: the newest fit received */
	struct design asked; /* designer thread: the last values it fitted */

	/* mid/side */
	int ms;              /* processed in the M/S domain */
	double w[2], wt[2];  /* lane weights now and their target */

	/* dynamic part */
	double range, thr;   /* dB */
	float katt, krel;
	struct bq d;         /* band-pass or first-order sidechain filter */
	struct bq_df1 ds;
	float lev_ms;        /* the sidechain's mean square */
	float acc;           /* its power summed since the last control step */
	double g1, g1_step;  /* the applied gain - 1 and its ramp per sample */
	float off;           /* current gain offset, dB */
};

struct eq {
	double rate;
	int async;    /* live: fits are made by eq_design_pending's thread */
	double seen[P_COUNT];
	unsigned pos; /* frames since reset modulo CHUNK: states are checked there */
	float krms;
	double wstep; /* mode fade per sample */
	int msdom;    /* every band's state is M/S: some band is mid or side */
	struct band b[BANDS];
	bq_v2d wa[BANDS][CHUNK]; /* a mid/side band's lane weights per frame */
};

static const struct bq_df1 df1_zero = { { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };

static float coef(double ms, double rate)
{
	return (float)(1.0 - exp(-1.0 / (ms * 1e-3 * rate)));
}

struct eq *eq_new(double rate)
{
	struct eq *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->rate = rate;
	m->krms = coef(DYN_RMS_MS, rate / DYN_DEC);
	m->wstep = 1.0 / (MODE_FADE_MS * 1e-3 * rate);
	param_unseen(m->seen);
	for (int i = 0; i < BANDS; i++) {
		struct band *b = &m->b[i];
		bq_identity(&b->c[0]);
		bq_identity(&b->c[1]);
		b->ns = 1;
		bq_identity(&b->d);
		b->w[0] = b->w[1] = b->wt[0] = b->wt[1] = 1.0;
		handover_init(&b->req);
		handover_init(&b->res);
	}
	return m;
}

void eq_free(struct eq *m)
{
	free(m);
}

/* A section's L/R state as M/S state, or back (linear, so exact up to
 * rounding). */
static void to_ms(struct bq_df1 *s)
{
	double *v[4] = { s->x1, s->x2, s->y1, s->y2 };
	for (int k = 0; k < 4; k++) {
		double l = v[k][0], r = v[k][1];
		v[k][0] = 0.5 * (l + r);
		v[k][1] = 0.5 * (l - r);
	}
}

static void to_lr(struct bq_df1 *s)
{
	double *v[4] = { s->x1, s->x2, s->y1, s->y2 };
	for (int k = 0; k < 4; k++) {
		double mm = v[k][0], ss = v[k][1];
		v[k][0] = mm + ss;
		v[k][1] = mm - ss;
	}
}

void eq_reset(struct eq *m)
{
	for (int i = 0; i < BANDS; i++) {
		struct band *b = &m->b[i];
		b->s[0] = b->s[1] = b->ds = df1_zero;
		b->lev_ms = b->acc = 0;
		b->off = 0;
		b->g1 = b->g1_step = 0;
		/* Mode fades end where they were going. */
		b->w[0] = b->wt[0];
		b->w[1] = b->wt[1];
		b->ms = !(b->w[0] == 1.0 && b->w[1] == 1.0);
	}
	m->msdom = 0;
	for (int i = 0; i < BANDS; i++)
		m->msdom |= m->b[i].ms;
	m->pos = 0;
}

/* A band takes ns new sections.  A second section coming in starts as
 * if it had been an identity all along (its past inputs and outputs both
 * the first section's past outputs), so only the coefficients change. */
static void load_sections(struct band *b, const struct bq *c, int ns)
{
	if (ns == 2 && b->ns == 1) {
		const struct bq_df1 *s0 = &b->s[0];
		b->s[1] = (struct bq_df1){ { s0->y1[0], s0->y1[1] }, { s0->y2[0], s0->y2[1] },
		                           { s0->y1[0], s0->y1[1] }, { s0->y2[0], s0->y2[1] } };
	}
	b->c[0] = c[0];
	if (ns == 2)
		b->c[1] = c[1];
	else
		bq_identity(&b->c[1]);
	b->ns = ns;
}

static void set_static(struct eq *m, int i, double f, double g, double q)
{
	struct band *b = &m->b[i];
	struct bq c[2];

	if (g == 0) {
		b->s[0] = b->s[1] = df1_zero;
		b->ns = 1;
	} else if (!m->async) {
		int ns = bq_design_eq2(c, m->rate, band_kind[i], f, g, q);
		load_sections(b, c, ns);
	} else if (b->fit.f == f && b->fit.g == g && b->fit.q == q)
		load_sections(b, b->fit.c, b->fit.ns);
	else {
		/* The closed form (one section) for the glide; a pending fit
		 * for these values may bring a second. */
		c[0] = b->c[0];
		bq_design_eq_fast(&c[0], m->rate, band_kind[i], f, g, q);
		load_sections(b, c, 1);
		*handover_back(&b->req) = (struct design){ f, g, q, { c[0], c[0] }, 1 };
		handover_publish(&b->req);
	}
	b->f = f;
	b->g = g;
	b->q = q;
}

static void set_dynamic(struct eq *m, int i, const double *v, double f, double q)
{
	struct band *b = &m->b[i];
	double range = v[EQB_DYN_RANGE];

	b->range = isfinite(range) ? range : 0.0;
	b->thr = isfinite(v[EQB_DYN_THRESHOLD]) ? v[EQB_DYN_THRESHOLD] : 0.0;
	/* per control step (see run_band) */
	b->katt = coef(v[EQB_DYN_ATTACK] > 0.05 ? v[EQB_DYN_ATTACK] : 0.05, m->rate / DYN_DEC);
	b->krel = coef(v[EQB_DYN_RELEASE] > 1.0 ? v[EQB_DYN_RELEASE] : 1.0, m->rate / DYN_DEC);
	if (band_kind[i] == BQ_LOW_SHELF)
		bq_lowpass1(&b->d, m->rate, f);
	else if (band_kind[i] == BQ_HIGH_SHELF)
		bq_highpass1(&b->d, m->rate, f);
	else
		bq_bandpass(&b->d, m->rate, f, q);
}

/* The general path runs every band in one domain: M/S as soon as one
 * band is mid or side (a stereo band's response is the same on M and S:
 * it is linear), L/R otherwise.  The states follow the domain. */
static void set_domain(struct eq *m, int ms)
{
	if (m->msdom == ms)
		return;
	for (int i = 0; i < BANDS; i++) {
		struct bq_df1 *st[3] = { &m->b[i].s[0], &m->b[i].s[1], &m->b[i].ds };
		for (int k = 0; k < 3; k++)
			(ms ? to_ms : to_lr)(st[k]);
	}
	m->msdom = ms;
}

static void set_mode(struct eq *m, struct band *b, double mode)
{
	int md = mode >= 1.5 ? EQ_SIDE : mode >= 0.5 ? EQ_MID : EQ_STEREO;

	b->wt[0] = md == EQ_SIDE ? 0.0 : 1.0;
	b->wt[1] = md == EQ_MID ? 0.0 : 1.0;
	if (!b->ms && (b->wt[0] != 1.0 || b->wt[1] != 1.0)) {
		set_domain(m, 1);
		b->ms = 1;
	}
}

void eq_set(struct eq *m, const double p[P_COUNT])
{
	for (int i = 0; i < BANDS; i++) {
		struct band *b = &m->b[i];
		int first = P_EQ_BAND(i);
		const double *v = &p[first];
		double f = v[EQB_FREQ], g = v[EQB_GAIN], q = v[EQB_Q];

		if (!param_changed(m->seen, p, first, first + EQB_COUNT))
			continue;
		if (!isfinite(g))
			g = 0;
		/* Above 0.454 fs a band has no room left for its skirt; at
		 * 22.05 kHz that keeps a 20 kHz bell sensible (10 kHz), and
		 * at 44.1 kHz the table's top (20 kHz) is reached. */
		if (!(f >= 10.0))
			f = 10.0;
		if (f > 0.454 * m->rate)
			f = 0.454 * m->rate;
		if (!(q >= 0.05))
			q = 0.05;
		set_mode(m, b, v[EQB_MODE]);
		/* Bilinear, a few libm calls: cheap enough for any glide. */
		set_dynamic(m, i, v, f, q);
		/* Values that clamp the same need no new design. */
		if (f == b->f && g == b->g && q == b->q)
			continue;
		set_static(m, i, f, g, q);
	}
}

double eq_mag2(const struct eq *m, double f)
{
	double g = 1;

	for (int i = 0; i < BANDS; i++)
		if (m->b[i].g != 0)
			for (int k = 0; k < m->b[i].ns; k++)
				g *= bq_mag2(&m->b[i].c[k], m->rate, f);
	return g;
}

float eq_dyn_offset_db(const struct eq *m, int band)
{
	return band >= 0 && band < BANDS ? m->b[band].off : 0.0f;
}

void eq_set_async(struct eq *m, int on)
{
	m->async = on;
}

int eq_design_pending(struct eq *m)
{
	int done = 0;

	for (int i = 0; i < BANDS; i++) {
		struct band *b = &m->b[i];
		if (!handover_fetch(&b->req))
			continue;
		struct design d = *handover_front(&b->req);
		if (d.f == b->asked.f && d.g == b->asked.g && d.q == b->asked.q)
			continue;
		d.ns = bq_design_eq2(d.c, m->rate, band_kind[i], d.f, d.g, d.q);
		*handover_back(&b->res) = d;
		handover_publish(&b->res);
		b->asked = d;
		done++;
	}
	return done;
}

/* Fits that came back replace the closed-form sections they were made
 * for; one for values the glide has already left is kept in case it
 * comes back. */
static void take_fits(struct eq *m)
{
	for (int i = 0; i < BANDS; i++) {
		struct band *b = &m->b[i];
		if (!handover_fetch(&b->res))
			continue;
		b->fit = *handover_front(&b->res);
		if (b->g != 0 && b->fit.f == b->f && b->fit.g == b->g && b->fit.q == b->q)
			load_sections(b, b->fit.c, b->fit.ns);
	}
}

static int is_dynamic(const struct band *b)
{
	return b->range != 0 || b->off != 0;
}

/* 2:1 above the threshold with a soft knee, up to |range| (r), cut when
 * neg; in dB.  Selects, no branches: the control steps run as vector
 * loops (see run_dyn). */
static inline __attribute__((always_inline)) float dyn_target(float thr, float r, int neg, float lev)
{
	float over = lev - thr, hk = 0.5f * (float)DYN_KNEE_DB;
	float red = over <= -hk ? 0.0f
	            : over < hk ? 0.5f * (over + hk) * (over + hk) / (2.0f * (float)DYN_KNEE_DB)
	                        : 0.5f * over;
	red = red < r ? red : r;
	return neg ? -red : red;
}

/* The general path (any band mid/side or dynamic), over n <= CHUNK
 * frames of double lanes x, in the domain of m->msdom.  The bands' work
 * is a list of steps in band order: a band's static sections, then its
 * dynamic part.  Consecutive static sections run in one loop, as the
 * cascade does, so their recursions overlap; at most GMAX of them, since
 * a chain of steps per sample longer than that leaves the processor too
 * few samples in flight.  A dynamic part runs in a loop of its own. */
#define GMAX 3

/* One static section of the list: its band's input is kept at the
 * band's first section and the band's weights applied after its last
 * (wk: 0 a stereo band, no weighting; 1 constant weights wc; 2 a mode
 * fade, weights wa per frame). */
struct sop {
	struct bq_sec k;
	struct bq_df1 *s;
	int first, wk;
	bq_v2d wc;
	const bq_v2d *wa;
};

static inline __attribute__((always_inline)) void run_static(struct sop *o, const int ns, bq_v2d *x, int n)
{
	struct bq_sec k[GMAX];

	for (int j = 0; j < ns; j++)
		k[j] = o[j].k;
#pragma GCC unroll 2
	for (int i = 0; i < n; i++) {
		bq_v2d v = x[i], u = v;
		for (int j = 0; j < ns; j++) {
			if (o[j].first)
				u = v;
			v = bq_sec_step(&k[j], v);
			if (o[j].wk)
				v = u + (o[j].wk == 2 ? o[j].wa[i] : o[j].wc) * (v - u);
		}
		x[i] = v;
	}
	for (int j = 0; j < ns; j++)
		bq_sec_store(&k[j], o[j].s);
}

static inline __attribute__((always_inline)) void flush_static(struct sop *o, int *ns, bq_v2d *x, int n)
{
	switch (*ns) {
	case 1: run_static(o, 1, x, n); break;
	case 2: run_static(o, 2, x, n); break;
	case 3: run_static(o, 3, x, n); break;
	default: break;
	}
	*ns = 0;
}

/* The detector's power of one frame of D x: the larger lane's. */
enum dyn_det {
	DET_LR,    /* x is L/R, a stereo band */
	DET_MS,    /* x is M/S, a stereo band: the larger of L^2 and R^2 */
	DET_WC,    /* a mid or side band, constant weights wc */
	DET_WA,    /* a mid or side band in its mode fade, weights wa */
};

static inline __attribute__((always_inline)) float dyn_power(bq_v2d d, const int det, bq_v2d w)
{
	bq_v2d p;

	if (det == DET_MS) {
		/* max(|m + s|, |m - s|) is |m| + |s|, rounded the same way
		 * (the sum of two same-signed numbers), and squaring keeps
		 * the order: exactly the larger of the L and R powers. */
		double a = fabs(d[0]) + fabs(d[1]);
		return (float)(a * a);
	}
	p = det == DET_LR ? d * d : d * d * w;
	return (float)(p[0] > p[1] ? p[0] : p[1]);
}

/* A dynamic band's control steps for a chunk, from the power sums of
 * its nsum complete steps to the gains (G) they ramp to, in cv.  Each
 * stage is a loop over the steps: only the mean square and the
 * ballistics are recursions (a few operations each), the log, the curve
 * and the exponential go as vectors.  Stepped one at a time, their chain
 * and the curve's branches held the ramp for some 80 cycles a step. */
static inline __attribute__((always_inline)) void dyn_control(const struct eq *m, struct band *b,
                                                              const float *sums, int nsum, float *cv)
{
	const float krms = m->krms, katt = b->katt, krel = b->krel;
	const float thr = (float)b->thr, r = (float)fabs(b->range);
	const int neg = b->range < 0;
	float lev_ms = b->lev_ms, off = b->off;

	for (int k = 0; k < nsum; k++) {
		lev_ms += krms * (sums[k] * (1.0f / DYN_DEC) - lev_ms);
		cv[k] = lev_ms;
	}
	for (int k = 0; k < nsum; k++) {
		float ms = cv[k] > 1e-20f ? cv[k] : 1e-20f;
		cv[k] = dyn_target(thr, r, neg, 3.01029996f * fast_log2(ms) + 3.01029996f);
	}
	for (int k = 0; k < nsum; k++) {
		float tg = cv[k], kk = fabsf(tg) > fabsf(off) ? katt : krel;
		off += kk * (tg - off);
		cv[k] = off;
	}
	/* 10^(dB/20) = 2^(dB log2(10) / 20) */
	for (int k = 0; k < nsum; k++)
		cv[k] = fast_exp2(cv[k] * 0.166096404f);
	b->lev_ms = lev_ms;
	b->off = off;
}

/* A band's dynamic part: y = x + (G - 1) D x, its control path every
 * DYN_DEC frames of absolute position: the band's power summed in
 * between, its mean into the mean square, the curve, the ballistics and
 * the exponential there, and the gain ramped linearly to the new value
 * over the next DYN_DEC frames.  Two passes over stretches that end at
 * the control steps (the first from the chunk's phase ph): the filter
 * and the power sums, then the ramp and the gain applied with the
 * control step at each stretch's end.  In one loop each control step
 * held the filter's samples after it for the whole of its chain of
 * dependent operations (log, curve, exp: some 90 cycles), which stalled
 * the processor; in the second pass nothing but the ramp waits for it.
 * det: how the detector reads D x (see dyn_det); wc or wa the band's
 * weights. */
static inline __attribute__((always_inline)) void run_dyn(struct eq *m, struct band *b, const int det,
                                                          bq_v2d wc, const bq_v2d *wa, bq_v2d *x, int n,
                                                          unsigned ph)
{
	struct bq_sec kd = bq_sec_load(&b->d, &b->ds);
	float acc = b->acc;
	double g1 = b->g1, gs = b->g1_step;
	bq_v2d dx[CHUNK];
	float sums[CHUNK / DYN_DEC + 1];
	const int first = DYN_DEC - (int)ph;
	int nsum = 0;

	for (int i = 0, e = first; i < n; e += DYN_DEC) {
		int end = e < n ? e : n;
#pragma GCC unroll 2
		for (; i < end; i++) {
			bq_v2d d = bq_sec_step(&kd, x[i]);
			dx[i] = d;
			acc += dyn_power(d, det, det == DET_WA ? wa[i] : wc);
		}
		if (end == e) {
			sums[nsum++] = acc;
			acc = 0;
		}
	}
	float cv[CHUNK / DYN_DEC + 1];
	dyn_control(m, b, sums, nsum, cv);
	for (int i = 0, k = 0, e = first; i < n; e += DYN_DEC) {
		int end = e < n ? e : n;
		for (; i < end; i++) {
			g1 += gs;
			bq_v2d gg = { g1, g1 };
			if (det == DET_WA)
				gg = gg * wa[i];
			else if (det == DET_WC)
				gg = gg * wc;
			x[i] = x[i] + gg * dx[i];
		}
		if (end < e)
			break;
		gs = ((double)cv[k++] - 1.0 - g1) * (1.0 / DYN_DEC);
	}
	bq_sec_store(&kd, &b->ds);
	b->acc = acc;
	b->g1 = g1;
	b->g1_step = gs;
}

/* A mid/side band's lane weights for this chunk: constant (returns 1,
 * *wc set), or its mode fade into wa (linear, stopping on the target;
 * ternaries, not fmin/fmax: those are libm calls here; returns 2). */
static inline int weights(struct eq *m, struct band *b, bq_v2d *wc, bq_v2d *wa, int n)
{
	double w0 = b->w[0], w1 = b->w[1];
	const double wt0 = b->wt[0], wt1 = b->wt[1], ws = m->wstep;

	*wc = (bq_v2d){ w0, w1 };
	if (w0 == wt0 && w1 == wt1)
		return 1;
	for (int i = 0; i < n; i++) {
		wa[i] = (bq_v2d){ w0, w1 };
		w0 = w0 < wt0 ? (w0 + ws < wt0 ? w0 + ws : wt0) : (w0 - ws > wt0 ? w0 - ws : wt0);
		w1 = w1 < wt1 ? (w1 + ws < wt1 ? w1 + ws : wt1) : (w1 - ws > wt1 ? w1 - ws : wt1);
	}
	b->w[0] = w0;
	b->w[1] = w1;
	return 2;
}

/* The chunk into double lanes (L/R, or M/S when msdom) and back, four
 * frames a vector operation (the frame-at-a-time loops were a tenth of
 * the general path's instructions); the same operations per sample as
 * one at a time, so the same numbers. */
typedef float v4f __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));
typedef int v4i __attribute__((vector_size(16)));

static inline __attribute__((always_inline)) v4f finite_or_zero(v4f v)
{
	/* NaN and inf fail the comparison and enter as silence. */
	v4f a = (v4f)((v4i)v & 0x7fffffff);
	return (v4f)((v4i)v & (a <= FLT_MAX));
}

static inline __attribute__((always_inline)) void to_lanes(const float *L, const float *R, bq_v2d *x, int n,
                                                           const int msdom)
{
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		v4f lf, rf;
		memcpy(&lf, L + i, sizeof lf);
		memcpy(&rf, R + i, sizeof rf);
		v4d l = __builtin_convertvector(finite_or_zero(lf), v4d);
		v4d r = __builtin_convertvector(finite_or_zero(rf), v4d);
		v4d a = l, b = r;
		if (msdom) {
			a = 0.5 * (l + r);
			b = 0.5 * (l - r);
		}
		v4d lo = __builtin_shufflevector(a, b, 0, 4, 1, 5), hi = __builtin_shufflevector(a, b, 2, 6, 3, 7);
		memcpy(x + i, &lo, sizeof lo);
		memcpy(x + i + 2, &hi, sizeof hi);
	}
	for (; i < n; i++) {
		float l = fabsf(L[i]) <= FLT_MAX ? L[i] : 0.0f;
		float r = fabsf(R[i]) <= FLT_MAX ? R[i] : 0.0f;
		x[i] = msdom ? (bq_v2d){ 0.5 * ((double)l + r), 0.5 * ((double)l - r) } : (bq_v2d){ l, r };
	}
}

static inline __attribute__((always_inline)) void from_lanes(const bq_v2d *x, float *L, float *R, int n,
                                                             const int msdom)
{
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		v4d lo, hi;
		memcpy(&lo, x + i, sizeof lo);
		memcpy(&hi, x + i + 2, sizeof hi);
		v4d a = __builtin_shufflevector(lo, hi, 0, 2, 4, 6), b = __builtin_shufflevector(lo, hi, 1, 3, 5, 7);
		v4d l = a, r = b;
		if (msdom) {
			l = a + b;
			r = a - b;
		}
		v4f lf = __builtin_convertvector(l, v4f), rf = __builtin_convertvector(r, v4f);
		memcpy(L + i, &lf, sizeof lf);
		memcpy(R + i, &rf, sizeof rf);
	}
	for (; i < n; i++) {
		bq_v2d v = msdom ? (bq_v2d){ x[i][0] + x[i][1], x[i][0] - x[i][1] } : x[i];
		L[i] = (float)v[0];
		R[i] = (float)v[1];
	}
}

DSP_CLONES
static void run_general(struct eq *m, float *L, float *R, int n)
{
	const int msdom = m->msdom;
	const unsigned ph = m->pos % DYN_DEC;
	struct sop o[GMAX];
	int ns = 0;
	bq_v2d x[CHUNK];

	if (msdom)
		to_lanes(L, R, x, n, 1);
	else
		to_lanes(L, R, x, n, 0);
	for (int j = 0; j < BANDS; j++) {
		struct band *b = &m->b[j];
		bq_v2d wc = { 1.0, 1.0 };
		int wk = b->ms ? weights(m, b, &wc, m->wa[j], n) : 0;
		for (int k = 0; b->g != 0 && k < b->ns; k++) {
			if (ns == GMAX)
				flush_static(o, &ns, x, n);
			o[ns++] = (struct sop){ bq_sec_load(&b->c[k], &b->s[k]), &b->s[k], k == 0,
			                        k == b->ns - 1 ? wk : 0, wc, m->wa[j] };
		}
		if (is_dynamic(b)) {
			flush_static(o, &ns, x, n);
			if (wk == 2)
				run_dyn(m, b, DET_WA, wc, m->wa[j], x, n, ph);
			else if (wk == 1)
				run_dyn(m, b, DET_WC, wc, NULL, x, n, ph);
			else if (msdom)
				run_dyn(m, b, DET_MS, wc, NULL, x, n, ph);
			else
				run_dyn(m, b, DET_LR, wc, NULL, x, n, ph);
		}
	}
	flush_static(o, &ns, x, n);
	if (msdom)
		from_lanes(x, L, R, n, 1);
	else
		from_lanes(x, L, R, n, 0);
}

/* At absolute multiples of CHUNK only, so none of it depends on block
 * sizes: state checks, and bands coming to rest. */
static void sanitize(struct eq *m)
{
	for (int j = 0; j < BANDS; j++) {
		struct band *b = &m->b[j];
		/* 1e-6 dB is nothing anyone hears; the band goes back to the
		 * static path. */
		if (b->range == 0 && fabsf(b->off) < 1e-6f) {
			/* at rest: the next dynamic stretch starts from 0 */
			b->off = 0;
			b->g1 = b->g1_step = 0;
			b->acc = 0;
		}
		if (b->ms && b->w[0] == 1.0 && b->w[1] == 1.0 && b->wt[0] == 1.0 && b->wt[1] == 1.0) {
			/* Stereo again: no weights (and, with no band
			 * left in M/S, back to L/R below). */
			b->ms = 0;
		}
		bq_df1_sanitize(&b->s[0]);
		bq_df1_sanitize(&b->s[1]);
		bq_df1_sanitize(&b->ds);
		if (!isfinite(b->lev_ms) || b->lev_ms < 1e-20f)
			b->lev_ms = 0;
		if (!isfinite(b->off) || !isfinite(b->g1) || !isfinite(b->g1_step) || !isfinite(b->acc)) {
			b->off = b->acc = 0;
			b->g1 = b->g1_step = 0;
		}
	}
	int ms = 0;
	for (int j = 0; j < BANDS; j++)
		ms |= m->b[j].ms;
	set_domain(m, ms);
}

void eq_process(struct eq *m, float *L, float *R, int n)
{
	const struct bq *c[2 * BANDS];
	struct bq_df1 *st[2 * BANDS];
	int na = 0, general = 0;

	if (m->async)
		take_fits(m);
	for (int i = 0; i < BANDS; i++) {
		struct band *b = &m->b[i];
		general |= b->ms || is_dynamic(b);
		for (int k = 0; b->g != 0 && k < b->ns; k++) {
			c[na] = &b->c[k];
			st[na++] = &b->s[k];
		}
	}
	/* Chunks end at absolute multiples of CHUNK, so where the states are
	 * checked never depends on the caller's block sizes. */
	while (n > 0) {
		int k = CHUNK - (int)m->pos;
		k = n < k ? n : k;
		if (general)
			run_general(m, L, R, k);
		else if (na)
			bq_run_cascade(c, st, na, L, R, k);
		m->pos = (m->pos + (unsigned)k) % CHUNK;
		if (m->pos == 0)
			sanitize(m);
		L += k;
		R += k;
		n -= k;
		/* A band may have left M/S or come to rest. */
		if (general) {
			general = 0;
			for (int i = 0; i < BANDS; i++)
				general |= m->b[i].ms || is_dynamic(&m->b[i]);
		}
	}
}
