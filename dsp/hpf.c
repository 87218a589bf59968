/* High-pass: Butterworth, 12 dB/oct (one section) or 24 dB/oct (two).
 *
 * The slope switch crossfades between two warm filters: a cascade
 * started from silence in the middle of the music would ring at the
 * cutoff.  Only the cascade in use runs while the slope holds (running
 * the other as well cost a tenth of a whole render); the input's last
 * HIST_S seconds are kept, and a switch first runs the idle cascade over
 * them, which leaves it where it would have been: its slowest pole (Q
 * 1.31) decays by 2.4 f per second, so at the lowest cutoff, 10 Hz, the
 * difference is e^-12, about 100 dB down.  A bilinear design is exact enough here:
 * at 300 Hz the frequency warping is under 0.1 % even at 22.05 kHz.
 *
 * The sections run in direct form I, double (see biquad.h), each on an
 * L/R vector pair, all three in one loop so their recursions overlap. */
#include "hpf.h"
#include "clones.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "biquad.h"

#define XFADE_MS 10.0
#define CHUNK 256
#define HIST_S 0.5

struct hpf {
	double rate;
	double seen[P_COUNT];
	int slope24;     /* the target slope */
	double x;        /* 0 = 12 dB/oct out, 1 = 24 dB/oct; moves per sample */
	double xstep;
	int fresh;       /* first _set after new/reset jumps, no crossfade */
	struct bq c12, c24a, c24b;
	struct bq_df1 s12, s24a, s24b;
	unsigned pos;    /* frames since reset modulo CHUNK: states are checked there */
	int warm12, warm24; /* the cascade has seen every sample since reset */
	float *hl, *hr;  /* the last hn input frames, a ring; hw: next to write */
	unsigned hn, hw;
};

struct hpf *hpf_new(double rate)
{
	struct hpf *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->rate = rate;
	m->hn = (unsigned)ceil(HIST_S * rate);
	m->hl = malloc(sizeof *m->hl * m->hn);
	m->hr = malloc(sizeof *m->hr * m->hn);
	if (!m->hl || !m->hr) {
		hpf_free(m);
		return NULL;
	}
	m->xstep = 1.0 / (XFADE_MS * 1e-3 * rate);
	param_unseen(m->seen);
	bq_identity(&m->c12);
	bq_identity(&m->c24a);
	bq_identity(&m->c24b);
	hpf_reset(m);
	return m;
}

void hpf_free(struct hpf *m)
{
	if (!m)
		return;
	free(m->hl);
	free(m->hr);
	free(m);
}

void hpf_reset(struct hpf *m)
{
	m->s12 = m->s24a = m->s24b = (struct bq_df1){ { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
	m->pos = 0;
	m->x = m->slope24;
	m->fresh = 1;
	/* Silence in, zero states: both cascades agree with the history. */
	memset(m->hl, 0, sizeof *m->hl * m->hn);
	memset(m->hr, 0, sizeof *m->hr * m->hn);
	m->hw = 0;
	m->warm12 = m->warm24 = 1;
}

void hpf_set(struct hpf *m, const double p[P_COUNT])
{
	double f = p[P_HPF_FREQ];
	int s24 = p[P_HPF_SLOPE] >= 18.0;

	if (!(f >= 1.0))
		f = 1.0;
	if (f > 0.45 * m->rate)
		f = 0.45 * m->rate;
	if (param_changed(m->seen, p, P_HPF_FREQ, P_HPF_FREQ + 1)) {
		/* Fourth-order Butterworth: pole pairs at Q = 1/(2 cos(pi/8))
		 * and 1/(2 cos(3 pi/8)). */
		bq_highpass(&m->c12, m->rate, f, M_SQRT1_2);
		bq_highpass(&m->c24a, m->rate, f, 0.54119610014619690);
		bq_highpass(&m->c24b, m->rate, f, 1.3065629648763766);
	}
	m->slope24 = s24;
	if (m->fresh)
		m->x = s24;
	m->fresh = 0;
}

/* Both paths in one loop, for n frames.  mode 0: the 12 dB path to L, R;
 * 1: the 24 dB path to L, R; 2: both to yl, yr (12) and vl, vr (24) for a
 * crossfade.  mode is a constant after inlining, and the sections' states
 * stay in registers. */
static inline __attribute__((always_inline))
void run3(struct hpf *m, const int mode, float *L, float *R,
          double *yl, double *yr, double *vl, double *vr, int n)
{
	struct bq_sec p = bq_sec_load(&m->c12, &m->s12), q = bq_sec_load(&m->c24a, &m->s24a);
	struct bq_sec r = bq_sec_load(&m->c24b, &m->s24b);

	for (int i = 0; i < n; i++) {
		/* NaN and inf fail the comparison and enter as silence. */
		double l = fabsf(L[i]) <= FLT_MAX ? L[i] : 0.0f;
		double rr = fabsf(R[i]) <= FLT_MAX ? R[i] : 0.0f;
		bq_v2d x = { l, rr }, y = x, w = x;
		if (mode != 1)
			y = bq_sec_step(&p, x);
		if (mode != 0)
			w = bq_sec_step(&r, bq_sec_step(&q, x));
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
	bq_sec_store(&p, &m->s12);
	bq_sec_store(&q, &m->s24a);
	bq_sec_store(&r, &m->s24b);
}

DSP_CLONES
static void run_steady(struct hpf *m, int s24, float *L, float *R, int n)
{
	if (s24)
		run3(m, 1, L, R, NULL, NULL, NULL, NULL, n);
	else
		run3(m, 0, L, R, NULL, NULL, NULL, NULL, n);
}

/* Runs the idle cascade over the kept input, oldest first, from zero. */
DSP_CLONES
static void warm_up(struct hpf *m, int s24)
{
	struct bq_df1 *st[2] = { s24 ? &m->s24a : &m->s12, &m->s24b };
	float l[CHUNK], r[CHUNK];

	for (int j = 0; j < (s24 ? 2 : 1); j++)
		*st[j] = (struct bq_df1){ { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
	for (unsigned done = 0; done < m->hn;) {
		unsigned at = (m->hw + done) % m->hn, k = m->hn - at;
		k = k < CHUNK ? k : CHUNK;
		k = k < m->hn - done ? k : m->hn - done;
		memcpy(l, m->hl + at, k * sizeof *l);
		memcpy(r, m->hr + at, k * sizeof *r);
		if (s24)
			run3(m, 1, l, r, NULL, NULL, NULL, NULL, (int)k);
		else
			run3(m, 0, l, r, NULL, NULL, NULL, NULL, (int)k);
		done += k;
	}
	if (s24)
		m->warm24 = 1;
	else
		m->warm12 = 1;
}

/* Kept as it came: the warm-up reads it through run3, which turns NaN
 * and inf into silence as the live path does. */
static void keep_input(struct hpf *m, const float *L, const float *R, int n)
{
	while (n > 0) {
		unsigned k = m->hn - m->hw;
		k = k < (unsigned)n ? k : (unsigned)n;
		memcpy(m->hl + m->hw, L, k * sizeof *L);
		memcpy(m->hr + m->hw, R, k * sizeof *R);
		m->hw = m->hw + k == m->hn ? 0 : m->hw + k;
		L += k;
		R += k;
		n -= (int)k;
	}
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
		if (x != target) {
			if (!m->warm12)
				warm_up(m, 0);
			if (!m->warm24)
				warm_up(m, 1);
		}
		keep_input(m, L, R, k);
		if (x == target) {
			run_steady(m, x != 0.0, L, R, k);
			if (x != 0.0)
				m->warm12 = 0;
			else
				m->warm24 = 0;
		} else {
			run_both(m, L, R, al, ar, bl, br, k);
		}
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

double hpf_mag2(const struct hpf *m, double f)
{
	if (m->slope24)
		return bq_mag2(&m->c24a, m->rate, f) * bq_mag2(&m->c24b, m->rate, f);
	return bq_mag2(&m->c12, m->rate, f);
}
