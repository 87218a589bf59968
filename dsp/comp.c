/* Feed-forward bus compressor, stereo-linked.
 *
 * Detector: the sidechain (each channel through a 2nd-order Butterworth
 * high-pass at sc_hpf) is linked as max(l^2, r^2) and averaged with a
 * 5 ms one-pole into a mean square; its level in dB (+3.01 dB, so a sine
 * reads its peak level) drives the static curve.  A linked detector keeps
 * the stereo image still (both channels always get the same gain) and the
 * max lets a hit on one side be caught, as mastering bus compressors do;
 * the short RMS window follows the programme's energy rather than single
 * peaks (the limiter after it owns those), which makes the gain smooth
 * and its static curve exact on steady tones.
 *
 * Gain computer (dB): the standard quadratic soft knee (comp_curve_db),
 * run once per control step of DEC frames on the step's mean power: the
 * mean square, then the wanted reduction gr_t = level - curve(level),
 * smoothed in dB with one-pole attack (gr_t above gr) or release
 * coefficients per step, so attack and release are the times for the
 * reduction to cover 1 - 1/e of a step in gr_t.  Makeup (dB) and mix
 * glide per step too (20 ms); the gain (1 - mix) + mix * 10^((makeup -
 * gr) / 20) is ramped linearly from one step's value to the next over
 * the following DEC frames, and out = x * gain.
 *
 * Steps sit at absolute multiples of DEC frames and a step's powers so
 * far are state, so block sizes never change a sample.  Non-finite input
 * is treated as silence in the sidechain.
 *
 * Speed: per sample there is only the sidechain filter (direct form I,
 * double, on an L/R vector pair: its feedback is one multiply and one
 * subtraction, the shortest chain of dependent operations), the powers
 * and the ramp; the control path's recursions, its log, curve and
 * exponential run at an eighth of the rate (per sample, the bus and the
 * multiband's three compressors took 22% of a render's time; now 14%).  Flushing tiny states to zero (no
 * denormals) is done every CB frames of absolute position, off the
 * chains: a state needs thousands of samples to fall from 1e-20 into the
 * denormal range. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "biquad.h"
#include "clones.h"
#include "comp.h"
#include "fastmath.h"

/* Floating-point exceptions are never looked at; without this GCC will
 * not turn the per-sample selects of the curve and exp2 into vector
 * code (results are unchanged). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#define RMS_MS 5.0
#define PARAM_MS 20.0
/* frames per control step (divides CB) */
#define DEC 8

struct comp {
	double rate;
	/* sidechain high-pass, direct form I in double (see biquad.h: the
	 * shortest recursion, and exact enough for 10 Hz at 192 kHz) */
	struct bq c;
	struct bq_df1 z;
	int sc_on;    /* 0: the sidechain is the input itself */
	float ms, gr, mk, mix;
	float pb[DEC]; /* the linked powers of the control step so far */
	float gs, ge; /* this step's gain ramp: from gs to ge */
	float krms, katt, krel, kpar; /* per control step (DEC frames) */
	float thr, ratio, knee, mk_t, mix_t;
	float grmax;
	unsigned pos; /* frames since reset, modulo CB: where flushes happen */
	double seen[P_COUNT];
};

double comp_curve_db(double in_db, double threshold, double ratio, double knee)
{
	double over = in_db - threshold;
	if (ratio < 1.0)
		ratio = 1.0;
	if (knee > 0.0 && 2.0 * fabs(over) <= knee) {
		double t = over + knee / 2.0;
		return in_db + (1.0 / ratio - 1.0) * t * t / (2.0 * knee);
	}
	if (over <= 0.0)
		return in_db;
	return threshold + over / ratio;
}

static float coef(double ms, double rate)
{
	return (float)(1.0 - exp(-1.0 / (ms * 1e-3 * rate)));
}

struct comp *comp_new(double rate)
{
	struct comp *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->rate = rate;
	m->krms = coef(RMS_MS, rate / DEC);
	m->kpar = coef(PARAM_MS, rate / DEC);
	param_unseen(m->seen);
	double p[P_COUNT];
	params_defaults(p);
	comp_set(m, p);
	comp_reset(m);
	return m;
}

void comp_free(struct comp *m)
{
	free(m);
}

void comp_reset(struct comp *m)
{
	m->z = (struct bq_df1){ { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
	m->ms = 0.0f;
	m->gr = 0.0f;
	m->mk = m->mk_t;
	m->mix = m->mix_t;
	memset(m->pb, 0, sizeof m->pb);
	m->gs = m->ge = (1.0f - m->mix) + m->mix * fast_exp2(m->mk * 0.166096404f);
	m->grmax = 0.0f;
	m->pos = 0;
}

void comp_set(struct comp *m, const double p[P_COUNT])
{
#define CHANGED(id) param_changed(m->seen, p, id, id + 1)
	if (CHANGED(P_COMP_THRESHOLD))
		m->thr = (float)p[P_COMP_THRESHOLD];
	if (CHANGED(P_COMP_RATIO))
		m->ratio = (float)(p[P_COMP_RATIO] < 1.0 ? 1.0 : p[P_COMP_RATIO]);
	if (CHANGED(P_COMP_KNEE))
		m->knee = (float)(p[P_COMP_KNEE] < 0.0 ? 0.0 : p[P_COMP_KNEE]);
	if (CHANGED(P_COMP_ATTACK))
		m->katt = coef(p[P_COMP_ATTACK], m->rate / DEC);
	if (CHANGED(P_COMP_RELEASE))
		m->krel = coef(p[P_COMP_RELEASE], m->rate / DEC);
	if (CHANGED(P_COMP_MAKEUP))
		m->mk_t = (float)p[P_COMP_MAKEUP];
	if (CHANGED(P_COMP_MIX))
		m->mix_t = (float)(p[P_COMP_MIX] / 100.0);
	if (CHANGED(P_COMP_SC_HPF)) {
		double f = p[P_COMP_SC_HPF];
		if (f > 0.45 * m->rate)
			f = 0.45 * m->rate;
		/* 0 (below the table's range, so only a caller such as the
		 * multiband can ask): no sidechain filter at all */
		m->sc_on = f > 0;
		if (m->sc_on)
			bq_highpass(&m->c, m->rate, f, M_SQRT1_2);
		else
			bq_identity(&m->c);
	}
#undef CHANGED
}

static inline float flush(float v, float tiny)
{
	return fabsf(v) < tiny ? 0.0f : v;
}


/* Frames per pass: the sidechain and the linked powers run per sample;
 * the control path (mean square, curve, ballistics, the makeup and mix
 * glides, the exponential) once every DEC frames of absolute position,
 * on the mean power of those frames; the gain then ramps linearly to the
 * new value over the next DEC frames.  Per sample, the control path's
 * recursions were the chains of dependent operations that bounded the
 * module (and its log, curve and exponential most of its instructions);
 * at a step of DEC frames (0.17 ms at 48 kHz) the ballistics and the
 * mean square keep their time constants.  Passes start at absolute
 * multiples of CB, where the states are flushed; where calls end changes
 * nothing (the step's powers so far and the ramp are state). */
#define CB 256

typedef float v8f __attribute__((vector_size(32)));

/* Frame j of a step sits at gs + ramp_w[j] (ge - gs). */
_Static_assert(DEC == 8 && CB % DEC == 0, "ramp_w has DEC weights; passes hold whole steps");
static const float ramp_w[DEC] = { 0.125f, 0.25f, 0.375f, 0.5f, 0.625f, 0.75f, 0.875f, 1.0f };

/* Linked power of the unfiltered input (the multiband's bands). */
static inline __attribute__((always_inline)) void powers(const float *l, const float *r, float *b, int nb)
{
	for (int i = 0; i < nb; i++) {
		float sl = fabsf(l[i]) <= 1e30f ? l[i] : 0.0f;
		float sr = fabsf(r[i]) <= 1e30f ? r[i] : 0.0f;
		float pl = sl * sl, pr = sr * sr;
		b[i] = pl > pr ? pl : pr;
	}
}

/* Level in dB (3.0103 * log2 is 10 log10), +3.01 dB so a sine reads its
 * peak, then the wanted reduction from the curve: a[] mean squares in,
 * b[] reductions out. */
static inline __attribute__((always_inline)) void curve(const struct comp *m, const float *a, float *b, int nb)
{
	const float thr = m->thr, knee = m->knee, slope = 1.0f / m->ratio - 1.0f;
	const float hk = 0.5f * knee, ik = knee > 0.0f ? 1.0f / (2.0f * knee) : 0.0f;

	for (int i = 0; i < nb; i++) {
		float ms_i = a[i] > 1e-20f ? a[i] : 1e-20f;
		float lev = 3.01029996f * fast_log2(ms_i) + 3.01029996f;
		float over = lev - thr, t = over + hk;
		float soft = -slope * t * t * ik, hard = -slope * over;
		float v = over < hk ? soft : hard;
		b[i] = over <= -hk ? 0.0f : v;
	}
}

/* The control steps of a pass: the power sums of its ns complete steps
 * in, the gains they ramp to out (g). */
static inline __attribute__((always_inline)) void steps(struct comp *m, const float *sums, float *g, int ns)
{
	const float krms = m->krms, katt = m->katt, krel = m->krel, kpar = m->kpar;
	const float ratt = 1.0f - katt, rrel = 1.0f - krel, mk_t = m->mk_t, mix_t = m->mix_t;
	float ms = m->ms, gr = m->gr, mk = m->mk, mix = m->mix, grmax = m->grmax;
	float a[CB / DEC + 1], mx[CB / DEC + 1];

	for (int k = 0; k < ns; k++) {
		ms += krms * (sums[k] * (1.0f / DEC) - ms);
		a[k] = ms;
	}
	curve(m, a, g, ns);
	for (int k = 0; k < ns; k++) {
		/* Attack / release smoothing of the reduction. */
		float tg = g[k];
		float up = ratt * gr + katt * tg, down = rrel * gr + krel * tg;
		gr = tg > gr ? up : down;
		grmax = gr > grmax ? gr : grmax;
		/* Makeup and mix glides (almost always settled). */
		if (mk != mk_t) {
			mk += kpar * (mk_t - mk);
			if (fabsf(mk_t - mk) < 1e-5f)
				mk = mk_t;
		}
		if (mix != mix_t) {
			mix += kpar * (mix_t - mix);
			if (fabsf(mix_t - mix) < 1e-6f)
				mix = mix_t;
		}
		/* 10^(dB/20) = 2^(dB * log2(10) / 20) */
		a[k] = (mk - gr) * 0.166096404f;
		mx[k] = mix;
	}
	for (int k = 0; k < ns; k++)
		g[k] = (1.0f - mx[k]) + mx[k] * fast_exp2(a[k]);
	m->ms = ms;
	m->gr = gr;
	m->mk = mk;
	m->mix = mix;
	m->grmax = grmax;
}

/* A control step's power sum, in one fixed order (a tree: no chain of
 * eight dependent additions), whether its frames came in one call or
 * several. */
static inline __attribute__((always_inline)) float step_sum(const float *p)
{
	return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
}

/* A pass of nb frames from phase ph (pos % DEC), b[] their linked
 * powers: the sums of the steps that end in it, the steps, then the
 * ramps applied (the first stretch on the ramp set before). */
static inline __attribute__((always_inline)) void control(struct comp *m, float *l, float *r, const float *b,
                                                         int nb, int ph)
{
	float sums[CB / DEC + 1], g[CB / DEC + 1];
	int ns = 0;

	if (ph == 0 && nb == CB) {
		/* A whole pass (almost all of them): the same operations in
		 * loops of fixed length, which the compiler unrolls and
		 * vectorises. */
		for (int k = 0; k < CB / DEC; k++)
			sums[k] = step_sum(b + k * DEC);
		steps(m, sums, g, CB / DEC);
		float gs = m->gs, ge = m->ge;
		v8f w;
		memcpy(&w, ramp_w, sizeof w);
		for (int k = 0; k < CB / DEC; k++) {
			/* a step's eight gains as one vector (the loop over
			 * them was not vectorised): the same operations */
			v8f G = gs + w * (ge - gs), x;
			memcpy(&x, l + k * DEC, sizeof x);
			x *= G;
			memcpy(l + k * DEC, &x, sizeof x);
			memcpy(&x, r + k * DEC, sizeof x);
			x *= G;
			memcpy(r + k * DEC, &x, sizeof x);
			gs = ge;
			ge = g[k];
		}
		m->gs = gs;
		m->ge = ge;
		return;
	}
	for (int i = 0, j = ph; i < nb; i++) {
		m->pb[j] = b[i];
		if (++j == DEC) {
			sums[ns++] = step_sum(m->pb);
			j = 0;
		}
	}
	if (ns > 0)
		steps(m, sums, g, ns);
	float gs = m->gs, ge = m->ge;
	for (int i = 0, k = 0, e = DEC - ph, j0 = ph; i < nb; e += DEC, j0 = 0) {
		int end = e < nb ? e : nb;
		const float d = ge - gs;
		for (int j = j0; i < end; i++, j++) {
			float G = gs + ramp_w[j] * d;
			l[i] *= G;
			r[i] *= G;
		}
		if (end < e)
			break;
		gs = ge;
		ge = g[k++];
	}
	m->gs = gs;
	m->ge = ge;
}

DSP_CLONES
void comp_process(struct comp *m, float *L, float *R, int n)
{
	struct bq_sec sc = bq_sec_load(&m->c, &m->z);
	const int sc_on = m->sc_on;
	unsigned pos = m->pos;
	float b[CB];

	for (int i0 = 0; i0 < n;) {
		int nb = (int)(CB - pos);
		nb = n - i0 < nb ? n - i0 : nb;
		if (pos == 0) {
			bq_sec_store(&sc, &m->z);
			bq_df1_sanitize(&m->z);
			sc = bq_sec_load(&m->c, &m->z);
			m->ms = flush(m->ms, 1e-20f);
			/* 1e-6 dB of reduction is nothing anyone hears */
			m->gr = flush(m->gr, 1e-6f);
		}
		float *l = L + i0, *r = R + i0;
		/* Sidechain filters and the linked power.  The sidechain
		 * never sees NaN or inf (the chain zeroes them before us; the
		 * audio path is only scaled). */
		if (sc_on) {
			for (int i = 0; i < nb; i++) {
				float sl = fabsf(l[i]) <= 1e30f ? l[i] : 0.0f;
				float sr = fabsf(r[i]) <= 1e30f ? r[i] : 0.0f;
				bq_v2d y = bq_sec_step(&sc, (bq_v2d){ sl, sr });
				bq_v2d y_2 = y * y;
				b[i] = (float)(y_2[0] > y_2[1] ? y_2[0] : y_2[1]);
			}
		} else {
			/* no filter (the multiband's bands) */
			powers(l, r, b, nb);
		}
		control(m, l, r, b, nb, (int)(pos % DEC));
		i0 += nb;
		pos = (pos + (unsigned)nb) % CB;
	}
	bq_sec_store(&sc, &m->z);
	m->pos = pos;
}

void comp_process_bands(struct comp *const *m, float *const *L, float *const *R, int nm, int n)
{
	for (int k = 0; k < nm; k++)
		comp_process(m[k], L[k], R[k], n);
}

float comp_read_gr(struct comp *m)
{
	float g = m->grmax;
	m->grmax = 0.0f;
	return g;
}
