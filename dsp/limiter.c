/* Lookahead true-peak limiter.
 *
 * Signal path (x is the undriven input, D the constant latency):
 *   out[n] = x[n - D] * drive[n - D] * g[n]
 * and, while bypassed, a 10 ms crossfade to x[n - D], so the latency never
 * depends on any parameter.
 *
 * Gain computer, per input sample n (everything a pure per-sample
 * recursion, so the block size never changes a sample):
 *   p[n]  driven true peak of the interval from x[n - OS_DELAY] to the
 *         next sample, both channels (dsp/limdetect.c: it never reads
 *         under the true peak nor under libebur128's reading); 0 when it
 *         provably cannot reach the threshold.
 *   h[n]  max of p over [n - wold, n - wnew]: a sliding maximum (monotone
 *         deque, O(1) amortised).  wold - wnew + 1 = S + 2 EXT + 1.
 *   e[n]  min(thr / h, release recursion): instant down, a program-
 *         dependent hold, exponential up; kept as its depth d = 1 - e,
 *         which holds full float precision near unity gain, decays
 *         exactly to 0 and so lets a quiet stretch settle on g = 1 (then
 *         the gain stage takes a shortcut that gives the same samples).
 *         The release heads for the larger of the depth h asks for and
 *         the low-frequency floor l[n]: the depth the input's content
 *         below LF_HZ alone would need, held for LF_HOLD_MS and then
 *         released over LF_REL_MS (limenv.c).
 *         So a peak that rides on bass falls back at the (fast) release
 *         rate only as far as the bass needs, and the gain stays still
 *         through the bass's cycles; a transient without bass recovers
 *         at once.  The fast release buys loudness where it costs little
 *         distortion (transients), the floor keeps it out of the bass,
 *         where a moving gain is heard and measured most.
 *         The tops' hold: when the depth returns to the same top (within
 *         HOLD_SIM) within the longest hold of the last one (the crests
 *         of a steady tone), it holds for 1.15 times that spacing before
 *         releasing, so the gain does not move inside its cycle at all.
 *   g[n]  e averaged by two cascaded boxes of B1 + B2 - 1 = S samples
 *         (B2 of 2: set_boxes): a linear attack, its corners rounded,
 *         that is complete when the peak plays.
 * Every e in the span averaged for the output samples around a peak
 * (EXT samples either side of its interval) already holds that peak's
 * reduction, so the output never exceeds thr there.  Since p holds both
 * meters' readings, thr sits at the ceiling itself (MARGIN_DB 0): with no
 * safety margin, music settles within about 0.05 dB of the ceiling.
 *
 * State:
 *   dl[c]   delay line of channel c, written twice (at i and i + dsize) so
 *           the interpolator reads contiguous history
 *   drv     drive applied to each delayed sample (smoothed per sample),
 *           written twice like dl
 *   pk      p by detection time
 *   hl, rp  h's sliding maximum (pass_hold): pk cut into segments of the
 *           window's length; hl[j] the largest p from j to the end of
 *           its segment, rp the largest of the current segment so far,
 *           sp its length so far
 *   env     the envelope: e, l and g above, their rings and sums
 *           (dsp/limenv.c, its state described in limenv.h)
 * Per block of up to CH frames the work runs in passes: input, detection
 * (vectorised along time), h (scalar deque), d and the boxes (scalar
 * recursions), output (vectorised); each is the same per-sample
 * arithmetic whatever the block. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limiter.h"
#include "clones.h"
#include "limdetect.h"
#include "limenv.h"

/* Floating-point exceptions are never looked at; without this GCC keeps
 * the selects of the loops as branches instead of vector code (results
 * are unchanged). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#define LOOKAHEAD_MAX_MS 5.0
#ifndef MARGIN_DB
#define MARGIN_DB 0.0
#endif
/* Samples either side of a peak's interval held at its full reduction. */
#define EXT 4
#define BYPASS_MS 10.0
#define CH LIMDET_CH
#define DRIVE_MS 10.0
/* The second box's length (set_boxes). */
#define BOX2 2

struct limiter {
	struct limdet det;
	struct limenv env;
	double rate;
	int smax, lat, wold, wnew, S;
	unsigned dsize, dmask, psize, pmask, qmask;
	float *dl[2], *drv, *pk;
	float *hl, rp;
	unsigned *dq2;
	unsigned sp, n;
	float gmin;
	/* Block scratch: the input (sanitised), p, h and g of each frame. */
	float xs[2][CH], pb[CH], hb[CH], gb[CH];

	float drive_t, drive, kdrive;
	float thr, thr_4;
	float byp_t, byp, byp_step;
	double cur[P_COUNT];
	int have;
};

static unsigned pow2_at_least(unsigned v)
{
	unsigned s = 16;
	while (s < v)
		s *= 2;
	return s;
}

struct limiter *limiter_new(double rate)
{
	struct limiter *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->rate = rate;
	limdet_init(&m->det);
	limdet_set_rate(&m->det, rate);
	m->smax = (int)ceil(LOOKAHEAD_MAX_MS * 1e-3 * rate);
	m->wold = m->smax + 2 * EXT;
	m->lat = m->smax - 1 + OS_DELAY + EXT;
	m->dsize = pow2_at_least((unsigned)(m->lat + OS_H1 + CH + 8));
	m->dmask = m->dsize - 1;
	/* The h pass reads back to n - wold while the block's p are written
	 * up to CH ahead; refit_history reads 2 smax + 2 EXT back. */
	m->psize = pow2_at_least((unsigned)(2 * m->smax + 2 * EXT + CH + 4));
	m->pmask = m->psize - 1;
	unsigned qsize = pow2_at_least((unsigned)(m->smax + 2 * EXT + 4));
	m->qmask = qsize - 1;
	unsigned esize = pow2_at_least((unsigned)(m->smax + 2));

	m->dl[0] = calloc(2 * m->dsize, sizeof(float));
	m->dl[1] = calloc(2 * m->dsize, sizeof(float));
	m->drv = calloc(2 * m->dsize, sizeof(float));
	m->pk = calloc(m->psize, sizeof(float));
	m->hl = calloc(m->psize, sizeof(float));
	m->dq2 = calloc(qsize, sizeof(unsigned));
	/* The floor's lf is read wnew back, within psize. */
	int env = limenv_init(&m->env, rate, esize, m->psize);
	if (env < 0 || !m->dl[0] || !m->dl[1] || !m->drv || !m->pk || !m->hl || !m->dq2) {
		limiter_free(m);
		return NULL;
	}
	double p[P_COUNT];
	params_defaults(p);
	limiter_set(m, p);
	limiter_reset(m);
	return m;
}

void limiter_free(struct limiter *m)
{
	if (!m)
		return;
	free(m->dl[0]);
	free(m->dl[1]);
	free(m->drv);
	free(m->pk);
	free(m->hl);
	free(m->dq2);
	limenv_free(&m->env);
	free(m);
}

/* The first box carries all but BOX2 - 1 of the lookahead, so the attack
 * is a straight ramp over it (the second box only rounds its corners), not
 * the S-curve of two equal boxes: the same loudness with less distortion
 * on music, where more of a straight ramp's movement is a slowly varying
 * gain's (5 excerpts x 30 s, lathe alone, release 7 ms, LF_HZ 200:
 * +6 dB -30.27 -> -30.62 dB, +12 dB -27.14 -> -27.49, loudness within
 * 0.001 LU; a second box of 8 frames -30.58 / -27.46, 1 frame the same
 * as 2).  Tones under limiting keep a still gain (the tops' hold), so
 * their figures do not change. */
static void set_boxes(struct limiter *m, int S)
{
	struct limenv *e = &m->env;
	m->S = S;
	e->B2 = S > BOX2 ? BOX2 : S;
	e->B1 = S + 1 - e->B2;
	e->inv1 = 1.0f / (float)e->B1;
	e->inv2 = 1.0f / (float)e->B2;
	m->wnew = m->smax - S;
	e->back = (unsigned)m->wnew;
}

/* h's state for the window of sample n, [n - wold, n - wnew]: a segment
 * starts at its oldest sample, and the samples up to n - 1 - wnew (one
 * fewer than a segment) are entered again. */
static void rebuild_window(struct limiter *m)
{
	unsigned n = m->n;
	float rp = 0.0f;
	m->sp = 0;
	for (unsigned j = n - (unsigned)m->wold; j != n - (unsigned)m->wnew; j++) {
		float v = m->pk[j & m->pmask];
		rp = m->sp++ == 0 || v > rp ? v : rp;
	}
	m->rp = rp;
}

/* After a change of lookahead or threshold, lower the e history that the
 * boxes will still average to what the new settings would have given, then
 * recompute the box sums exactly: the state is then as if the new settings
 * had always been in force (a release already under way is kept). */
static void refit_history(struct limiter *m)
{
	struct limenv *en = &m->env;
	unsigned n = m->n, S = (unsigned)m->S;
	unsigned *q = m->dq2, qh = 0, qt = 0;
	/* Sliding max of pk over [i - wold, i - wnew] for i = n - S .. n - 1. */
	unsigned first = n - S - (unsigned)m->wold;
	for (unsigned i = n - S; i != n; i++) {
		unsigned lo = i - (unsigned)m->wold, hi = i - (unsigned)m->wnew;
		for (unsigned j = (i == n - S) ? first : hi; j != hi + 1; j++) {
			float v = m->pk[j & m->pmask];
			while (qt != qh && m->pk[q[(qt - 1) & m->qmask] & m->pmask] <= v)
				qt--;
			q[qt++ & m->qmask] = j;
		}
		while ((int)(q[qh & m->qmask] - lo) < 0)
			qh++;
		float h = m->pk[q[qh & m->qmask] & m->pmask];
		if (h > m->thr) {
			float t = (h - m->thr) / h;
			float *e = &en->eh[i & en->emask];
			if (t > *e)
				*e = t;
		}
	}
	if (en->d < en->eh[(n - 1) & en->emask])
		en->d = en->eh[(n - 1) & en->emask];
	en->quiet = 0;
	while (en->quiet <= en->emask && en->eh[(n - 1 - en->quiet) & en->emask] == 0.0f)
		en->quiet++;
	double s = 0.0;
	for (unsigned i = n - (unsigned)en->B1; i != n; i++)
		s += en->eh[i & en->emask];
	en->s1 = s;
	double s2 = 0.0;
	for (unsigned i = n - (unsigned)en->B2; i != n; i++) {
		double b = 0.0;
		for (unsigned k = i + 1 - (unsigned)en->B1; k != i + 1; k++)
			b += en->eh[k & en->emask];
		float bf = (float)(b * en->inv1);
		en->bh[i & en->emask] = bf;
		s2 += bf;
	}
	en->s2 = s2;
	rebuild_window(m);
}

void limiter_reset(struct limiter *m)
{
	memset(m->dl[0], 0, 2 * m->dsize * sizeof(float));
	memset(m->dl[1], 0, 2 * m->dsize * sizeof(float));
	memset(m->pk, 0, m->psize * sizeof(float));
	memset(m->hl, 0, m->psize * sizeof(float));
	m->drive = m->drive_t;
	for (unsigned i = 0; i < 2 * m->dsize; i++)
		m->drv[i] = m->drive;
	limenv_reset(&m->env);
	m->gmin = 1.0f;
	m->n = 0;
	m->byp = m->byp_t;
	rebuild_window(m);
}

void limiter_set(struct limiter *m, const double p[P_COUNT])
{
	int first = !m->have;
	m->have = 1;
#define CHANGED(id) (first || p[id] != m->cur[id] ? (m->cur[id] = p[id], 1) : 0)
	if (CHANGED(P_LIMITER_DRIVE))
		m->drive_t = (float)pow(10.0, p[P_LIMITER_DRIVE] / 20.0);
	int refit = 0;
	if (CHANGED(P_LIMITER_CEILING)) {
		float old = m->thr;
		m->thr = (float)pow(10.0, (p[P_LIMITER_CEILING] - MARGIN_DB) / 20.0);
		m->thr_4 = m->thr / (OS_SEC4 * OS_LOW);
		m->env.thr = m->thr;
		refit = !first && m->thr < old;
	}
	if (CHANGED(P_LIMITER_RELEASE))
		limenv_set_release(&m->env, p[P_LIMITER_RELEASE], m->rate);
	if (CHANGED(P_LIMITER_LOOKAHEAD)) {
		long S = lround(p[P_LIMITER_LOOKAHEAD] * 1e-3 * m->rate);
		if (S < 2)
			S = 2;
		if (S > m->smax)
			S = m->smax;
		if (first || S != m->S) {
			set_boxes(m, (int)S);
			refit = !first;
		}
	}
	if (CHANGED(P_LIMITER_BYPASS))
		m->byp_t = p[P_LIMITER_BYPASS] >= 0.5 ? 1.0f : 0.0f;
	if (CHANGED(P_LIMITER_HOLD))
		limenv_set_hold(&m->env, p[P_LIMITER_HOLD], m->rate);
#undef CHANGED
	if (first) {
		m->kdrive = (float)(1.0 - exp(-1.0 / (DRIVE_MS * 1e-3 * m->rate)));
		m->byp_step = (float)(1.0 / (BYPASS_MS * 1e-3 * m->rate));
	}
	if (refit)
		refit_history(m);
}

static inline float sanitize(float x)
{
	/* The cap keeps drive * x finite; NaN passes the clamps and fails
	 * the last test.  Selects only, so the loop vectorises. */
	float c = x > 1e6f ? 1e6f : x;
	c = c < -1e6f ? -1e6f : c;
	return fabsf(x) >= 1e-30f ? c : 0.0f;
}


/* Stores x[i] at w + i and w + i + size (a ring written twice) for
 * i < n, in at most two contiguous runs. */
static void ring_write2(float *restrict buf, unsigned size, unsigned w,
                        const float *restrict x, int n)
{
	int first = (int)(size - w) < n ? (int)(size - w) : n;
	memcpy(buf + w, x, (size_t)first * sizeof *x);
	memcpy(buf + w + size, x, (size_t)first * sizeof *x);
	if (first < n) {
		memcpy(buf, x + first, (size_t)(n - first) * sizeof *x);
		memcpy(buf + size, x + first, (size_t)(n - first) * sizeof *x);
	}
}

/* Input: delay lines and the drive of each sample (gb carries the drive
 * to the ring; the gain pass overwrites it later). */
static void pass_input(struct limiter *m, const float *l, const float *r,
                       unsigned n0, int nc)
{
	const unsigned dsize = m->dsize, w0 = n0 & m->dmask;
	const float drive_t = m->drive_t, kdrive = m->kdrive;
	float *const xs0 = m->xs[0], *const xs1 = m->xs[1], *const gb = m->gb;
	float drive = m->drive;
	for (int i = 0; i < nc; i++) {
		xs0[i] = sanitize(l[i]);
		xs1[i] = sanitize(r[i]);
	}
	ring_write2(m->dl[0], dsize, w0, xs0, nc);
	ring_write2(m->dl[1], dsize, w0, xs1, nc);
	/* Settled (all but the first 10 ms of a render): a plain fill. */
	int i0 = drive == drive_t ? nc : 0;
	for (int i = 0; i < i0; i++)
		gb[i] = drive;
	for (int i = i0; i < nc; i++) {
		if (drive != drive_t) {
			float nd = drive + kdrive * (drive_t - drive);
			/* Snap when close or when rounding stalls the glide
			 * (a step of 1e-4 dB at most): only then can the
			 * drive settle exactly. */
			if (nd == drive || fabsf(drive_t - nd) <= 1e-6f * drive_t)
				nd = drive_t;
			drive = nd;
		}
		gb[i] = drive;
	}
	ring_write2(m->drv, dsize, w0, gb, nc);
	m->drive = drive;
	limenv_lowband(&m->env, xs0, xs1, gb, n0, nc);
}

/* Detection: p for the block's intervals into pk. */
static void pass_detect(struct limiter *m, float *pb, unsigned n0, int nc)
{
	const unsigned dsize = m->dsize, dmask = m->dmask, pmask = m->pmask;
	float *const pk = m->pk;
	/* The double-written ring is contiguous over any dsize window. */
	unsigned span = (unsigned)nc + OS_H1 + 4;
	unsigned xe = ((n0 + (unsigned)nc - 1) & dmask) + dsize;
	const float *XL = m->dl[0] + xe - (span - 1), *XR = m->dl[1] + xe - (span - 1);
	const float *dv = m->drv + ((n0 - OS_DELAY) & dmask);
	limdet_block(&m->det, XL, XR, dv, nc, m->thr_4, pb);
	for (int i = 0; i < nc; i++)
		pk[(n0 + (unsigned)i) & pmask] = pb[i];
}

/* h: sliding maximum into hb; the sample entering the window is n - wnew.
 * The van Herk / Gil-Werman scheme: with pk cut into segments as long as
 * the window, every window is the tail of one segment and the head of the
 * next (or one whole segment), so h is the larger of hl at its oldest
 * sample and the running maximum of the newest segment: a few operations
 * per sample whatever the window, and the same maximum as any other way
 * of taking it.  Returns whether no h of the block passes the threshold. */
static int pass_hold(struct limiter *m, float *hb, unsigned n0, int nc)
{
	const unsigned pmask = m->pmask;
	const unsigned wold = (unsigned)m->wold, wnew = (unsigned)m->wnew;
	const unsigned W = wold - wnew + 1;
	const float thr = m->thr;
	const float *const pk = m->pk;
	float *const hl = m->hl;
	unsigned sp = m->sp;
	float rp = m->rp;
	int cool = 1;
	for (int i = 0; i < nc; i++) {
		unsigned ni = n0 + (unsigned)i, j = ni - wnew;
		float v = pk[j & pmask];
		rp = sp == 0 || v > rp ? v : rp;
		if (++sp == W) {
			/* The segment is complete: its suffix maxima. */
			float mx = v;
			hl[j & pmask] = v;
			for (unsigned k = 1; k < W; k++) {
				float u = pk[(j - k) & pmask];
				mx = u > mx ? u : mx;
				hl[(j - k) & pmask] = mx;
			}
			sp = 0;
		}
		float l = hl[(ni - wold) & pmask];
		float h = l > rp ? l : rp;
		hb[i] = h;
		cool &= h <= thr;
	}
	m->sp = sp;
	m->rp = rp;
	return cool;
}

/* Output: the delayed, driven samples times g, the bypass crossfade, and
 * the lowest gain for the meter. */
static void pass_output(struct limiter *m, const float *gb, float *l, float *r,
                        unsigned n0, int nc)
{
	const unsigned rd = (n0 - (unsigned)m->lat) & m->dmask;
	const float *dry0 = m->dl[0] + rd, *dry1 = m->dl[1] + rd, *dd = m->drv + rd;
	const float byp_t = m->byp_t, byp_step = m->byp_step;
	float gmin = m->gmin, byp = m->byp;
	if (byp == byp_t) {
		if (byp == 0.0f) {
			for (int i = 0; i < nc; i++) {
				float gg = gb[i] * dd[i];
				l[i] = dry0[i] * gg;
				r[i] = dry1[i] * gg;
			}
			for (int i = 0; i < nc; i++)
				gmin = gb[i] < gmin ? gb[i] : gmin;
		} else {
			/* Bypassed (byp is 1): the delayed dry signal, bit for
			 * bit (the crossfade's arithmetic could round it). */
			memcpy(l, dry0, (size_t)nc * sizeof *l);
			memcpy(r, dry1, (size_t)nc * sizeof *r);
		}
	} else {
		for (int i = 0; i < nc; i++) {
			float gg = gb[i] * dd[i];
			float y0 = dry0[i] * gg, y1 = dry1[i] * gg;
			if (byp != byp_t) {
				byp += byp < byp_t ? byp_step : -byp_step;
				if (fabsf(byp - byp_t) < byp_step)
					byp = byp_t;
			}
			if (byp != 0.0f) {
				y0 += byp * (dry0[i] - y0);
				y1 += byp * (dry1[i] - y1);
			} else if (gb[i] < gmin) {
				gmin = gb[i];
			}
			l[i] = y0;
			r[i] = y1;
		}
	}
	m->gmin = gmin;
	m->byp = byp;
}

/* Blocks of up to CH frames, each through the passes in order. */
DSP_CLONES
void limiter_process(struct limiter *m, float *L, float *R, int nf)
{
	for (int i0 = 0; i0 < nf; i0 += CH) {
		const int nc = nf - i0 < CH ? nf - i0 : CH;
		const unsigned n0 = m->n;
		pass_input(m, L + i0, R + i0, n0, nc);
		pass_detect(m, m->pb, n0, nc);
		int cool = pass_hold(m, m->hb, n0, nc);
		limenv_block(&m->env, m->hb, m->gb, cool, n0, nc);
		pass_output(m, m->gb, L + i0, R + i0, n0, nc);
		m->n = n0 + (unsigned)nc;
	}
}

int limiter_latency(const struct limiter *m)
{
	return m->lat;
}

float limiter_read_gr(struct limiter *m)
{
	float gr = -20.0f * log10f(m->gmin);
	m->gmin = 1.0f;
	return gr > 0.0f ? gr : 0.0f;
}
