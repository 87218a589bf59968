/* Multiband compressor.  See mbcomp.h.
 *
 * The split: low = AP(fh) LR4lp(fl) x, mid = LR4lp(fh) LR4hp(fl) x,
 * high = LR4hp(fh) LR4hp(fl) x, where LR4 is a Butterworth section
 * squared and AP the second-order all-pass at fh.  LR4lp + LR4hp is the
 * all-pass at that frequency (exactly, bilinear designs included), so
 * the sum is AP(fh) AP(fl) x: flat magnitude, whatever fl and fh, with
 * nothing compressing.  The all-pass on the low band gives it the phase
 * the mid and high bands got from the fh split.  split() computes the
 * same bands from seven sections by that identity.  Bilinear sections are
 * fine here: the crossovers are at most 12 kHz and are defined by this
 * digital identity, not by an analog prototype; their design is a few
 * libm calls, cheap enough to glide. */
#include "mbcomp.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "biquad.h"
#include "clones.h"
#include "comp.h"

#define CHUNK 256

struct mbcomp {
	double rate;
	double seen[P_COUNT];
	struct bq hp_l, ap_l, lp_h, ap_h;
	/* see split() */
	struct bq_df1 s_apl, s_rest[2], s_aph_low, s_mid[2], s_aph_high;
	struct comp *band[MB_BANDS];
	double pb[MB_BANDS][P_COUNT]; /* each band's comp settings */
	int solo;
	unsigned pos;
	float bl[MB_BANDS][CHUNK], br[MB_BANDS][CHUNK];
};

static const struct bq_df1 zero = { { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };

struct mbcomp *mbcomp_new(double rate)
{
	struct mbcomp *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->rate = rate;
	m->solo = -1;
	param_unseen(m->seen);
	for (int b = 0; b < MB_BANDS; b++) {
		if (!(m->band[b] = comp_new(rate))) {
			mbcomp_free(m);
			return NULL;
		}
		params_defaults(m->pb[b]);
		m->pb[b][P_COMP_KNEE] = MBCOMP_KNEE_DB;
		m->pb[b][P_COMP_SC_HPF] = 0; /* no sidechain filter: each band is its own */
		m->pb[b][P_COMP_MIX] = 100;
	}
	double p[P_COUNT];
	params_defaults(p);
	mbcomp_set(m, p);
	mbcomp_reset(m);
	return m;
}

void mbcomp_free(struct mbcomp *m)
{
	if (!m)
		return;
	for (int b = 0; b < MB_BANDS; b++)
		comp_free(m->band[b]);
	free(m);
}

void mbcomp_reset(struct mbcomp *m)
{
	m->s_apl = m->s_aph_low = m->s_aph_high = zero;
	for (int k = 0; k < 2; k++)
		m->s_rest[k] = m->s_mid[k] = zero;
	for (int b = 0; b < MB_BANDS; b++)
		comp_reset(m->band[b]);
	m->pos = 0;
}

void mbcomp_set(struct mbcomp *m, const double p[P_COUNT])
{
	if (param_changed(m->seen, p, P_MBCOMP_XOVER_LOW, P_MBCOMP_XOVER_HIGH + 1)) {
		double fl = p[P_MBCOMP_XOVER_LOW], fh = p[P_MBCOMP_XOVER_HIGH];
		double top = 0.45 * m->rate;
		fl = fl >= 10.0 ? (fl < top ? fl : top) : 10.0;
		fh = fh >= fl ? (fh < top ? fh : top) : fl;
		bq_highpass(&m->hp_l, m->rate, fl, M_SQRT1_2);
		bq_allpass(&m->ap_l, m->rate, fl, M_SQRT1_2);
		bq_lowpass(&m->lp_h, m->rate, fh, M_SQRT1_2);
		bq_allpass(&m->ap_h, m->rate, fh, M_SQRT1_2);
	}
	for (int b = 0; b < MB_BANDS; b++) {
		int first = P_MB_BAND(b);
		if (!param_changed(m->seen, p, first, first + MBB_COUNT))
			continue;
		m->pb[b][P_COMP_THRESHOLD] = p[first + MBB_THRESHOLD];
		m->pb[b][P_COMP_RATIO] = p[first + MBB_RATIO];
		m->pb[b][P_COMP_ATTACK] = p[first + MBB_ATTACK];
		m->pb[b][P_COMP_RELEASE] = p[first + MBB_RELEASE];
		m->pb[b][P_COMP_MAKEUP] = p[first + MBB_MAKEUP];
		comp_set(m->band[b], m->pb[b]);
	}
}

void mbcomp_set_solo(struct mbcomp *m, int band)
{
	m->solo = band >= 0 && band < MB_BANDS ? band : -1;
}

void mbcomp_read_gr(struct mbcomp *m, float gr[MB_BANDS])
{
	for (int b = 0; b < MB_BANDS; b++)
		gr[b] = comp_read_gr(m->band[b]);
}

/* Two sections side by side on four lanes (L, R of the first, L, R of
 * the second): one 256-bit operation where two 128-bit ones were, each
 * lane doing exactly bq_sec_step's operations, so the samples are the
 * same.  Vectors go by pointer: a 32-byte vector passed by value has a
 * different ABI with and without AVX. */
typedef double v4d __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));

struct sec2 {
	v4d b0, b1, b2, a1, a2, x1, x2, y1, y2;
};

static inline void sec2_load(struct sec2 *k, const struct bq *c0, const struct bq_df1 *s0,
                             const struct bq *c1, const struct bq_df1 *s1)
{
#define J(a, b) { a[0], a[1], b[0], b[1] }
	const struct bq_sec p = bq_sec_load(c0, s0), q = bq_sec_load(c1, s1);
	*k = (struct sec2){ J(p.b0, q.b0), J(p.b1, q.b1), J(p.b2, q.b2), J(p.a1, q.a1), J(p.a2, q.a2),
	                    J(p.x1, q.x1), J(p.x2, q.x2), J(p.y1, q.y1), J(p.y2, q.y2) };
#undef J
}

static inline void sec2_store(const struct sec2 *k, struct bq_df1 *s0, struct bq_df1 *s1)
{
	*s0 = (struct bq_df1){ { k->x1[0], k->x1[1] }, { k->x2[0], k->x2[1] },
	                       { k->y1[0], k->y1[1] }, { k->y2[0], k->y2[1] } };
	*s1 = (struct bq_df1){ { k->x1[2], k->x1[3] }, { k->x2[2], k->x2[3] },
	                       { k->y1[2], k->y1[3] }, { k->y2[2], k->y2[3] } };
}

/* bq_sec_step on both sections: *y = H *x. */
static inline __attribute__((always_inline)) void sec2_step(struct sec2 *k, const v4d *x, v4d *y)
{
	v4d v = ((k->b0 * *x + k->b1 * k->x1) + (k->b2 * k->x2 - k->a2 * k->y2)) - k->a1 * k->y1;
	k->x2 = k->x1;
	k->x1 = *x;
	k->y2 = k->y1;
	k->y1 = v;
	*y = v;
}

/* The split's two steps per sample (see split); the roundings to float
 * and the differences go four lanes at a time (scalar, they were a
 * quarter more instructions and 5% more time). */
typedef int v4i __attribute__((vector_size(16)));

/* NaN and inf fail the comparison and enter as silence. */
static inline __attribute__((always_inline)) v4f finite_or_zero(v4f v)
{
	v4f a = (v4f)((v4i)v & 0x7fffffff);
	return (v4f)((v4i)v & (a <= FLT_MAX));
}

/* The input as t[i] = (l, r, l, r), four frames a vector operation (one
 * at a time, the tests and the lanes' assembly were a tenth of the
 * split's instructions). */
static inline __attribute__((always_inline)) void input_lanes(const float *L, const float *R, v4f *t, int n)
{
	int i = 0;

	for (; i + 4 <= n; i += 4) {
		v4f l, r;
		memcpy(&l, L + i, sizeof l);
		memcpy(&r, R + i, sizeof r);
		l = finite_or_zero(l);
		r = finite_or_zero(r);
		v4f lo = __builtin_shufflevector(l, r, 0, 4, 1, 5), hi = __builtin_shufflevector(l, r, 2, 6, 3, 7);
		t[i] = __builtin_shufflevector(lo, lo, 0, 1, 0, 1);
		t[i + 1] = __builtin_shufflevector(lo, lo, 2, 3, 2, 3);
		t[i + 2] = __builtin_shufflevector(hi, hi, 0, 1, 0, 1);
		t[i + 3] = __builtin_shufflevector(hi, hi, 2, 3, 2, 3);
	}
	for (; i < n; i++) {
		float l = fabsf(L[i]) <= FLT_MAX ? L[i] : 0.0f;
		float r = fabsf(R[i]) <= FLT_MAX ? R[i] : 0.0f;
		t[i] = (v4f){ l, r, l, r };
	}
}

/* t[i] in: the input (l, r, l, r); out: the low band's difference and
 * rest. */
static inline __attribute__((always_inline)) void first_step(struct sec2 *ar, struct bq_sec *r2, v4f *t, int i)
{
	v4d in = __builtin_convertvector(t[i], v4d), a_r1;
	sec2_step(ar, &in, &a_r1);
	bq_v2d h = bq_sec_step(r2, (bq_v2d){ a_r1[2], a_r1[3] });
	v4f f = __builtin_convertvector(((v4d){ a_r1[0], a_r1[1], h[0], h[1] }), v4f);
	v4f hh = __builtin_shufflevector(f, f, 2, 3, 2, 3);
	t[i] = __builtin_shufflevector(f - hh, f, 0, 1, 6, 7);
}

static inline __attribute__((always_inline)) void second_step(struct sec2 *mh, struct sec2 *lm, struct mbcomp *m,
                                                              const v4f *t, int i)
{
	v4d td = __builtin_convertvector(t[i], v4d);
	v4d rest = __builtin_shufflevector(td, td, 2, 3, 2, 3), m1_hi, lo_mi;
	sec2_step(mh, &rest, &m1_hi);
	v4d dif = __builtin_shufflevector(td, m1_hi, 0, 1, 4, 5);
	sec2_step(lm, &dif, &lo_mi);
	v4f lm_f = __builtin_convertvector(lo_mi, v4f), mh_f = __builtin_convertvector(m1_hi, v4f);
	v4f hi = mh_f - lm_f; /* lanes 2, 3: the high band */
	m->bl[0][i] = lm_f[0];
	m->br[0][i] = lm_f[1];
	m->bl[1][i] = lm_f[2];
	m->br[1][i] = lm_f[3];
	m->bl[2][i] = hi[2];
	m->br[2][i] = hi[3];
}

/* Seven sections where the bands' own products would take nine: with
 * LP^2 + HP^2 = AP at each crossover, low = AP(fh) (AP(fl) x - rest) and
 * high = AP(fh) rest - mid, rest = HP(fl)^2 x, mid = LP(fh)^2 rest (the
 * differences cancel at most a band's own stop-band, far above float
 * resolution).  The sum is AP(fh) AP(fl) x by construction. */
/* GCC's SLP vectoriser changed this loop's results with the block size
 * (measured: one float step in the mid and high bands); without it the
 * loop gives the same samples as the section-by-section passes did. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-slp-vectorize")))
#endif
DSP_CLONES
static void split(struct mbcomp *m, const float *L, const float *R, int n)
{
	/* Sections that take the same sample at the same step share a
	 * 256-bit vector: (AP(fl), HP(fl)) on x, (LP(fh), AP(fh)) on rest,
	 * then (AP(fh), LP(fh)) on the low band's difference and the mid
	 * band's first half; the second HP(fl) runs alone. */
	struct sec2 ar, mh, lm;
	sec2_load(&ar, &m->ap_l, &m->s_apl, &m->hp_l, &m->s_rest[0]);
	struct bq_sec r2 = bq_sec_load(&m->hp_l, &m->s_rest[1]);
	sec2_load(&mh, &m->lp_h, &m->s_mid[0], &m->ap_h, &m->s_aph_high);
	sec2_load(&lm, &m->ap_h, &m->s_aph_low, &m->lp_h, &m->s_mid[1]);

	/* Two loops of two steps each: the first makes the low band's
	 * difference and rest (into t), the second the bands.  Each band is rounded to float where it is a band
	 * (rest, and the two sides of each difference), as the
	 * section-by-section passes did.  One loop of all four steps was
	 * slower: a sample's steps form a chain too long for the processor
	 * to overlap enough samples of it. */
	v4f t[CHUNK]; /* the first step's: low difference L, R, rest L, R */
	input_lanes(L, R, t, n);
#pragma GCC unroll 2
	for (int i = 0; i < n; i++)
		first_step(&ar, &r2, t, i);
#pragma GCC unroll 2
	for (int i = 0; i < n; i++)
		second_step(&mh, &lm, m, t, i);
	sec2_store(&ar, &m->s_apl, &m->s_rest[0]);
	bq_sec_store(&r2, &m->s_rest[1]);
	sec2_store(&mh, &m->s_mid[0], &m->s_aph_high);
	sec2_store(&lm, &m->s_aph_low, &m->s_mid[1]);
}

static void sanitize(struct mbcomp *m)
{
	bq_df1_sanitize(&m->s_apl);
	bq_df1_sanitize(&m->s_aph_low);
	bq_df1_sanitize(&m->s_aph_high);
	for (int k = 0; k < 2; k++) {
		bq_df1_sanitize(&m->s_rest[k]);
		bq_df1_sanitize(&m->s_mid[k]);
	}
}

void mbcomp_process(struct mbcomp *m, float *L, float *R, int n)
{
	/* Chunks end at absolute multiples of CHUNK: the state checks never
	 * depend on block sizes (comp's own recursions are per sample). */
	while (n > 0) {
		int k = CHUNK - (int)m->pos;
		k = n < k ? n : k;
		split(m, L, R, k);
		float *bl[MB_BANDS], *br[MB_BANDS];
		for (int b = 0; b < MB_BANDS; b++) {
			bl[b] = m->bl[b];
			br[b] = m->br[b];
		}
		comp_process_bands(m->band, bl, br, MB_BANDS, k);
		if (m->solo >= 0) {
			memcpy(L, m->bl[m->solo], (size_t)k * sizeof *L);
			memcpy(R, m->br[m->solo], (size_t)k * sizeof *R);
		} else {
			for (int i = 0; i < k; i++) {
				L[i] = m->bl[0][i] + m->bl[1][i] + m->bl[2][i];
				R[i] = m->br[0][i] + m->br[1][i] + m->br[2][i];
			}
		}
		m->pos = (m->pos + (unsigned)k) % CHUNK;
		if (m->pos == 0)
			sanitize(m);
		L += k;
		R += k;
		n -= k;
	}
}
