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
 * Gain computer (dB): the standard quadratic soft knee (comp_curve_db);
 * the wanted reduction gr_t = level - curve(level) is smoothed per sample
 * in dB with one-pole attack (gr_t above gr) or release coefficients, so
 * attack and release are the times for the reduction to cover 1 - 1/e of
 * a step in gr_t.  Makeup (dB) and mix are smoothed per sample (20 ms);
 * out = x * ((1 - mix) + mix * 10^((makeup - gr) / 20)).
 *
 * All of it is a per-sample recursion, so block sizes never change a
 * sample.  Non-finite input is treated as silence in the sidechain.
 *
 * Speed: the recursions are written with the shortest chain of dependent
 * operations (the sidechain filter in direct form I, double, on an L/R
 * vector pair: its feedback is one multiply and one subtraction; the
 * one-poles a multiply and an add), since a serial chain
 * per sample is what bounds this module; everything else runs vectorised
 * over sub-blocks.  Flushing tiny states to zero (no denormals) is done
 * every CB frames of absolute position, off the chains: a state needs
 * thousands of samples to fall from 1e-20 into the denormal range. */
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

struct comp {
	double rate;
	/* sidechain high-pass, direct form I in double (see biquad.h: the
	 * shortest recursion, and exact enough for 10 Hz at 192 kHz) */
	struct bq c;
	struct bq_df1 z;
	int sc_on;    /* 0: the sidechain is the input itself */
	float ms, gr, mk, mix;
	float krms, katt, krel, kpar;
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
	m->krms = coef(RMS_MS, rate);
	m->kpar = coef(PARAM_MS, rate);
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
		m->katt = coef(p[P_COMP_ATTACK], m->rate);
	if (CHANGED(P_COMP_RELEASE))
		m->krel = coef(p[P_COMP_RELEASE], m->rate);
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


/* Frames per pass: the recursions run scalar, the logs, the curve and the
 * exponentials vectorised over a block in between (each sample's value is
 * the same whatever the block).  Passes start at absolute multiples of CB,
 * where the states are flushed. */
#define CB 64

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

/* The passes, shared by comp_process and comp_process_bands so both do
 * the same operations in the same order. */

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

/* The meter, the makeup and mix glides and the gain itself: a[] holds
 * the smoothed reductions (overwritten), c[] is scratch. */
static inline __attribute__((always_inline)) void apply(struct comp *m, float *l, float *r, float *a, float *c,
                                                       int nb, float *grmax_, float *mk_, float *mix_)
{
	const float kpar = m->kpar, mk_t = m->mk_t, mix_t = m->mix_t;
	float grmax = *grmax_, mk = *mk_, mix = *mix_;

	/* The meter's maximum over four partial maxima, so it runs in vectors
	 * (one running maximum is a chain of dependent operations the
	 * length of the block); the maximum is the same in any order. */
	v4f g4 = { grmax, grmax, grmax, grmax };
	int i4 = nb & ~3;
	for (int i = 0; i < i4; i += 4) {
		v4f x;
		memcpy(&x, a + i, sizeof x);
		v4i gt = x > g4;
		g4 = (v4f)((gt & (v4i)x) | (~gt & (v4i)g4));
	}
	for (int i = i4; i < nb; i++)
		grmax = a[i] > grmax ? a[i] : grmax;
	for (int j = 0; j < 4; j++)
		grmax = g4[j] > grmax ? g4[j] : grmax;
	/* Makeup and mix glides (almost always settled). */
	if (mk == mk_t && mix == mix_t) {
		for (int i = 0; i < nb; i++)
			c[i] = mix;
		for (int i = 0; i < nb; i++)
			a[i] = (mk - a[i]) * 0.166096404f;
	} else {
		for (int i = 0; i < nb; i++) {
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
			a[i] = (mk - a[i]) * 0.166096404f;
			c[i] = mix;
		}
	}
	for (int i = 0; i < nb; i++) {
		float G = (1.0f - c[i]) + c[i] * fast_exp2(a[i]);
		l[i] *= G;
		r[i] *= G;
	}
	*grmax_ = grmax;
	*mk_ = mk;
	*mix_ = mix;
}

DSP_CLONES
void comp_process(struct comp *m, float *L, float *R, int n)
{
	struct bq_sec sc = bq_sec_load(&m->c, &m->z);
	const int sc_on = m->sc_on;
	const float krms = m->krms, katt = m->katt, krel = m->krel;
	const float rrms = 1.0f - krms, ratt = 1.0f - katt, rrel = 1.0f - krel;
	float ms = m->ms, gr = m->gr, mk = m->mk, mix = m->mix, grmax = m->grmax;
	unsigned pos = m->pos;
	float a[CB], b[CB], c[CB];

	for (int i0 = 0; i0 < n;) {
		int nb = (int)(CB - pos);
		nb = n - i0 < nb ? n - i0 : nb;
		if (pos == 0) {
			bq_sec_store(&sc, &m->z);
			bq_df1_sanitize(&m->z);
			sc = bq_sec_load(&m->c, &m->z);
			ms = flush(ms, 1e-20f);
			/* 1e-6 dB of reduction is nothing anyone hears */
			gr = flush(gr, 1e-6f);
		}
		float *l = L + i0, *r = R + i0;
		/* Sidechain filters and the linked mean square.  The sidechain
		 * never sees NaN or inf (the chain zeroes them before us; the
		 * audio path is only scaled). */
		if (sc_on) {
			for (int i = 0; i < nb; i++) {
				float sl = fabsf(l[i]) <= 1e30f ? l[i] : 0.0f;
				float sr = fabsf(r[i]) <= 1e30f ? r[i] : 0.0f;
				bq_v2d y = bq_sec_step(&sc, (bq_v2d){ sl, sr });
				bq_v2d y_2 = y * y;
				float pw = (float)(y_2[0] > y_2[1] ? y_2[0] : y_2[1]);
				ms = rrms * ms + krms * pw;
				a[i] = ms;
			}
		} else {
			/* no filter (the multiband's bands): the powers
			 * vectorised, only the mean square in series */
			powers(l, r, b, nb);
			for (int i = 0; i < nb; i++) {
				ms = rrms * ms + krms * b[i];
				a[i] = ms;
			}
		}
		curve(m, a, b, nb);
		/* Attack / release smoothing of the reduction. */
		for (int i = 0; i < nb; i++) {
			float tg = b[i];
			float up = ratt * gr + katt * tg, down = rrel * gr + krel * tg;
			gr = tg > gr ? up : down;
			a[i] = gr;
		}
		apply(m, l, r, a, c, nb, &grmax, &mk, &mix);
		i0 += nb;
		pos = (pos + (unsigned)nb) % CB;
	}
	bq_sec_store(&sc, &m->z);
	m->ms = ms;
	m->gr = gr;
	m->mk = mk;
	m->mix = mix;
	m->grmax = grmax;
	m->pos = pos;
}

/* Up to four compressors at once, one per vector lane, for the two
 * recursions that bound the cost (the mean square and the ballistics):
 * one chain of dependent operations for all the bands instead of one per
 * band.  Each lane does exactly the scalar code's operations, so every
 * sample is the one comp_process gives. */

static int joint_ok(struct comp *const *m, int nm)
{
	if (nm < 2 || nm > 4)
		return 0;
	for (int k = 0; k < nm; k++)
		if (m[k]->sc_on || m[k]->pos != m[0]->pos || m[k]->krms != m[0]->krms)
			return 0;
	return 1;
}

DSP_CLONES
static void process_joint(struct comp *const *m, float *const *L, float *const *R, int nm, int n)
{
	const float krms = m[0]->krms, rrms = 1.0f - krms;
	v4f ms = { 0 }, gr = { 0 }, katt = { 0 }, krel = { 0 }, ratt, rrel;
	float mk[4], mix[4], grmax[4];
	unsigned pos = m[0]->pos;
	float a[4][CB], b[4][CB], c[CB];

	for (int k = 0; k < nm; k++) {
		ms[k] = m[k]->ms;
		gr[k] = m[k]->gr;
		katt[k] = m[k]->katt;
		krel[k] = m[k]->krel;
		mk[k] = m[k]->mk;
		mix[k] = m[k]->mix;
		grmax[k] = m[k]->grmax;
	}
	ratt = 1.0f - katt;
	rrel = 1.0f - krel;
	memset(b, 0, sizeof b); /* unused lanes stay silent */
	for (int i0 = 0; i0 < n;) {
		int nb = (int)(CB - pos);
		nb = n - i0 < nb ? n - i0 : nb;
		if (pos == 0)
			for (int k = 0; k < nm; k++) {
				ms[k] = flush(ms[k], 1e-20f);
				gr[k] = flush(gr[k], 1e-6f);
			}
		for (int k = 0; k < nm; k++)
			powers(L[k] + i0, R[k] + i0, b[k], nb);
		for (int i = 0; i < nb; i++) {
			ms = rrms * ms + krms * (v4f){ b[0][i], b[1][i], b[2][i], b[3][i] };
			a[0][i] = ms[0];
			a[1][i] = ms[1];
			a[2][i] = ms[2];
			a[3][i] = ms[3];
		}
		for (int k = 0; k < nm; k++)
			curve(m[k], a[k], b[k], nb);
		for (int i = 0; i < nb; i++) {
			v4f tg = { b[0][i], b[1][i], b[2][i], b[3][i] };
			v4f up = ratt * gr + katt * tg, down = rrel * gr + krel * tg;
			v4i sel = tg > gr;
			gr = (v4f)((sel & (v4i)up) | (~sel & (v4i)down));
			a[0][i] = gr[0];
			a[1][i] = gr[1];
			a[2][i] = gr[2];
			a[3][i] = gr[3];
		}
		for (int k = 0; k < nm; k++)
			apply(m[k], L[k] + i0, R[k] + i0, a[k], c, nb, &grmax[k], &mk[k], &mix[k]);
		i0 += nb;
		pos = (pos + (unsigned)nb) % CB;
	}
	for (int k = 0; k < nm; k++) {
		m[k]->ms = ms[k];
		m[k]->gr = gr[k];
		m[k]->mk = mk[k];
		m[k]->mix = mix[k];
		m[k]->grmax = grmax[k];
		m[k]->pos = pos;
	}
}

void comp_process_bands(struct comp *const *m, float *const *L, float *const *R, int nm, int n)
{
	if (joint_ok(m, nm)) {
		process_joint(m, L, R, nm, n);
		return;
	}
	for (int k = 0; k < nm; k++)
		comp_process(m[k], L[k], R[k], n);
}

float comp_read_gr(struct comp *m)
{
	float g = m->grmax;
	m->grmax = 0.0f;
	return g;
}
