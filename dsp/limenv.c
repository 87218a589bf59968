/* The limiter's envelope: see limenv.h, and the gain computer's
 * description at the top of limiter.c (e[n], l[n], g[n]). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clones.h"
#include "limenv.h"

/* Floating-point exceptions are never looked at (as in limiter.c). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

/* Program-dependent hold (limenv_block).  A top is a depth within HOLD_TOL of
 * the held one (the crests of a steady tone differ by the detector's
 * jitter, far less than this); the hold covers HOLD_GAP times the last
 * spacing of tops (a tone's crests, or a slowly drifting note, arrive
 * inside it); tops closer than HOLD_GAPMIN_MS are one top (the flat crest
 * of the sliding maximum).  Chosen by measurement (THD+N of low tones,
 * tests/unit/test_limiter.c). */
#define HOLD_TOL 0.995f
#define HOLD_GAP 1.15f
#define HOLD_GAPMIN_MS 1.0
/* Two tops are the same (a steady tone's crests) within HOLD_SIM: music's
 * successive peaks rarely are, and holding them costs loudness. */
#define HOLD_SIM 0.999f
/* The low-frequency floor (lf_hold): a one-pole low-pass at LF_HZ, the
 * depth its output needs held for LF_HOLD_MS (longer than a 40 Hz
 * half-cycle; kept per block of lbs samples in a ring of LIMENV_RING), then
 * released with a time constant of LF_REL_MS.
 * Chosen by measurement on music at +6 and +12 dB of drive.  Loudness
 * costs distortion at about 0.1 LU a dB whichever of these moves (or the
 * release, or the lookahead); the linear attack (limiter.c, set_boxes)
 * and the load-dependent release below bought the distortion that the
 * corner's move from 200 to 120 Hz spends (tests/bench_limiter.sh). */
#define LF_HZ 120.0
#define LF_HOLD_MS 15.0
#define LF_REL_MS 15.0
/* The release follows the load, the depth's one-pole average over
 * REL_LOAD_MS: its time constant is REL_FAST times the set release with
 * no load (isolated peaks: light limiting recovers sooner) and REL_SLOW
 * times it from a load of REL_FULL (6 dB of reduction on average:
 * sustained limiting moves the gain less, where a moving gain is most of
 * the distortion), linear in the weight between.  Music against the
 * release held at 7 ms (lathe alone, LF_HZ 120): +6 dB -9.842 -> -9.836
 * LUFS for -30.31 -> -30.24 dB of distortion, +12 dB -7.835 -> -7.869
 * LUFS for -27.12 -> -27.46 dB, so both drives land louder than x42-dpl
 * with less distortion.  A steady tone under limiting is loaded (a 19 +
 * 20 kHz twin at 6 dB of reduction: 0.5), so its release is slower than
 * before, never faster (its products rise below a 7 ms release). */
#define REL_LOAD_MS 50.0
#define REL_FAST 0.85
#define REL_SLOW 1.3
#define REL_FULL 0.5f

int limenv_init(struct limenv *m, double rate, unsigned esize, unsigned lsize)
{
	memset(m, 0, sizeof *m);
	m->emask = esize - 1;
	m->lmask = lsize - 1;
	m->eh = calloc(esize, sizeof(float));
	m->bh = calloc(esize, sizeof(float));
	m->lf = calloc(lsize, sizeof(float));
	m->lw = (float)(1.0 - exp(-2.0 * M_PI * LF_HZ / rate));
	m->lrr = (float)exp(-1.0 / (LF_REL_MS * 1e-3 * rate));
	m->lbs = 32;
	while (lround(LF_HOLD_MS * 1e-3 * rate / m->lbs) > (long)LIMENV_RING - 1)
		m->lbs *= 2;
	m->lnb = (unsigned)lround(LF_HOLD_MS * 1e-3 * rate / m->lbs);
	m->lnb = m->lnb < 1 ? 1 : m->lnb;
	m->gapmin = (unsigned)lround(HOLD_GAPMIN_MS * 1e-3 * rate);
	m->ka = (float)(1.0 - exp(-1.0 / (REL_LOAD_MS * 1e-3 * rate)));
	return m->eh && m->bh && m->lf ? 0 : -1;
}

void limenv_free(struct limenv *m)
{
	free(m->eh);
	free(m->bh);
	free(m->lf);
	m->eh = m->bh = m->lf = NULL;
}

void limenv_reset(struct limenv *m)
{
	for (unsigned i = 0; i <= m->emask; i++)
		m->eh[i] = m->bh[i] = 0.0f;
	m->s1 = 0.0;
	m->s2 = 0.0;
	m->d = 0.0f;
	m->hc = 0;
	m->since = m->hmax + 1;
	m->hold = 0;
	m->dtop = 0.0f;
	m->intop = 0;
	memset(m->lf, 0, (m->lmask + 1) * sizeof(float));
	memset(m->lbk, 0, sizeof m->lbk);
	m->lz[0] = m->lz[1] = 0.0f;
	m->lcur = m->lheld = 0.0f;
	m->lfl = 0.0f;
	m->quiet = m->emask + 1;
	m->g = 1.0f;
	m->load = 0.0f;
}

void limenv_set_release(struct limenv *m, double ms, double rate)
{
	/* Not under the release's range (5 ms, dsp/params.c): below it the
	 * gain moves faster than the detector vouches for between samples. */
	double fast = REL_FAST * ms > 5.0 ? REL_FAST * ms : 5.0;
	m->wfast = (float)(1.0 - exp(-1.0 / (fast * 1e-3 * rate)));
	m->wslow = (float)(1.0 - exp(-1.0 / (REL_SLOW * ms * 1e-3 * rate)));
}

void limenv_set_hold(struct limenv *m, double ms, double rate)
{
	m->hmax = (unsigned)lround(ms * 1e-3 * rate);
	if (m->hold > m->hmax)
		m->hold = m->hmax;
}

DSP_CLONES
void limenv_lowband(struct limenv *m, const float *x0, const float *x1,
                    const float *dv, unsigned n0, int nc)
{
	float z0 = m->lz[0], z1 = m->lz[1];
	const float lw = m->lw;
	for (int i = 0; i < nc; i++) {
		z0 += lw * (x0[i] * dv[i] - z0);
		z1 += lw * (x1[i] * dv[i] - z1);
		z0 = fabsf(z0) >= 1e-20f ? z0 : 0.0f;
		z1 = fabsf(z1) >= 1e-20f ? z1 : 0.0f;
		float a = fabsf(z0), b = fabsf(z1);
		m->lf[(n0 + (unsigned)i) & m->lmask] = a > b ? a : b;
	}
	m->lz[0] = z0;
	m->lz[1] = z1;
}

/* The low-frequency floor of each frame into tb: the depth the low band
 * of the input sample back (wnew) frames earlier asks for (the newest one the boxes
 * can still prepare for; OS_DELAY ahead of the p entering h's window, so
 * the floor is in place by then), the deepest over the current block of
 * lbs frames and the lnb blocks before it, released over LF_REL_MS.  Blocks follow the absolute frame count, so any
 * partition gives the same floors.  Returns whether any floor is above 0. */
static int lf_hold(struct limenv *m, float *tb, unsigned n0, int nc)
{
	const float thr = m->thr, *const lf = m->lf;
	const unsigned pmask = m->lmask, lbs = m->lbs, lnb = m->lnb;
	const unsigned back = m->back;
	float cur = m->lcur, held = m->lheld, lfl = m->lfl;
	const float lrr = m->lrr;
	int any = 0;
	for (int i = 0; i < nc; i++) {
		unsigned ni = n0 + (unsigned)i;
		float v = lf[(ni - back) & pmask];
		float t = v > thr ? (v - thr) / v : 0.0f;
		cur = t > cur ? t : cur;
		float f = held > cur ? held : cur;
		float fr = lfl * lrr;
		f = f > fr ? f : fr;
		f = f < 1e-7f ? 0.0f : f;
		lfl = f;
		tb[i] = f;
		any |= f > 0.0f;
		if ((ni & (lbs - 1)) == lbs - 1) {
			unsigned k = ni / lbs;
			m->lbk[k & (LIMENV_RING - 1)] = cur;
			cur = 0.0f;
			held = 0.0f;
			for (unsigned j = 0; j < lnb; j++) {
				float b = m->lbk[(k - j) & (LIMENV_RING - 1)];
				held = b > held ? b : held;
			}
		}
	}
	m->lcur = cur;
	m->lheld = held;
	m->lfl = lfl;
	return any;
}

/* Depth, release and the two boxes: the gain g of each sample into gb.
 * With d and both boxes at 0 and no h over the threshold, every step
 * below gives g = 1. */
DSP_CLONES
void limenv_block(struct limenv *m, const float *hb, float *gb, int cool,
                  unsigned n0, int nc)
{
	const unsigned emask = m->emask, qmax = emask + 1;
	const unsigned B1 = (unsigned)m->B1, B2 = (unsigned)m->B2;
	const float thr = m->thr, wfast = m->wfast, wspan = m->wslow - m->wfast;
	const float ka = m->ka, lfull = 1.0f / REL_FULL;
	const float inv1 = m->inv1, inv2 = m->inv2;
	const unsigned hmax = m->hmax, gapmin = m->gapmin;
	float *const eh = m->eh, *const bh = m->bh;
	unsigned quiet = m->quiet, hc = m->hc, since = m->since, hold = m->hold;
	double s1 = m->s1, s2 = m->s2;
	float d = m->d, g = m->g, dtop = m->dtop, load = m->load;
	int intop = m->intop;
	const float *const tb = m->tb;
	int floor_on = lf_hold(m, m->tb, n0, nc);
	if (cool && !floor_on && d == 0.0f && quiet >= B1 + B2) {
		for (int i = 0; i < nc; i++) {
			unsigned ei = (n0 + (unsigned)i) & emask;
			eh[ei] = bh[ei] = 0.0f;
			gb[i] = 1.0f;
		}
		s1 = s2 = 0.0;
		g = 1.0f;
		quiet = quiet + (unsigned)nc < qmax ? quiet + (unsigned)nc : qmax;
		since = since + (unsigned)nc < hmax + 1 ? since + (unsigned)nc : hmax + 1;
		hc = 0;
		/* The load decays as in the loop below with d = 0 (the same
		 * arithmetic, so any partition gives the same load). */
		for (int i = 0; i < nc && load != 0.0f; i++) {
			load += ka * (0.0f - load);
			load = load < 1e-7f ? 0.0f : load;
		}
	} else {
		for (int i = 0; i < nc; i++) {
			unsigned ni = n0 + (unsigned)i, ei = ni & emask;
			float h = hb[i];
			float t = h > thr ? (h - thr) / h : 0.0f;
			if (t > 0.0f && t >= d * HOLD_TOL) {
				/* At the top again.  A top that follows the last
				 * one within the longest hold, at the same depth,
				 * is a steady tone's next crest: hold through the
				 * next gap like it, so the gain does not move
				 * inside the cycle.  Anything else (a top after a
				 * longer gap, or at another depth) releases at
				 * once, down to the low-frequency floor. */
				if (since >= gapmin) {
					unsigned hn = (unsigned)((float)since * HOLD_GAP);
					hold = hn > hmax ? 0 : hn;
				}
				since = 0;
				hc = hold;
				d = t > d ? t : d;
				intop = 1;
			} else {
				if (intop) {
					/* Just past a top: held only when it
					 * repeats the one before. */
					intop = 0;
					if (d < dtop * HOLD_SIM || dtop < d * HOLD_SIM)
						hc = 0;
					dtop = d;
				}
				since = since < hmax + 1 ? since + 1 : hmax + 1;
				if (hc > 0) {
					hc--;
				} else {
					float tt = t > tb[i] ? t : tb[i];
					float u = load * lfull;
					float wr = wfast + wspan * (u < 1.0f ? u : 1.0f);
					float dn = d + wr * (tt - d);
					d = dn > tt ? dn : tt;
				}
			}
			/* Below one float step of unity gain: exactly unity. */
			d = d < 1e-7f ? 0.0f : d;
			load += ka * (d - load);
			load = load < 1e-7f ? 0.0f : load;
			quiet = d != 0.0f ? 0 : quiet < qmax ? quiet + 1 : qmax;
			s1 += d - eh[(ni - B1) & emask];
			eh[ei] = d;
			/* The sums of zeros are exactly 0: no rounding residue. */
			s1 = quiet >= B1 ? 0.0 : s1;
			float b1 = (float)(s1 * inv1);
			s2 += b1 - bh[(ni - B2) & emask];
			bh[ei] = b1;
			s2 = quiet >= B1 + B2 ? 0.0 : s2;
			g = (float)(1.0 - s2 * inv2);
			gb[i] = g;
		}
	}
	m->quiet = quiet;
	m->hc = hc;
	m->since = since;
	m->hold = hold;
	m->dtop = dtop;
	m->intop = intop;
	m->s1 = s1;
	m->s2 = s2;
	m->d = d;
	m->g = g;
	m->load = load;
}
