#include "sweep_meter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lufs.h"
#include "dsp/clones.h"

#define TAPS 49          /* libebur128's interp_create(49, factor) */
#define MAXPH 24         /* taps of one phase at most (factor 2) */
#define NBIN 1000        /* libebur128's histogram: 0.1 LU bins from -70 LUFS */
#define ST_HOPS 30       /* short-term window: 3 s of 100 ms hops */
#define TP_STRETCH 64    /* samples the true peak's bound is taken over (a multiple of 8) */

typedef float v8f __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));
typedef double v2d __attribute__((vector_size(16)));

struct smeter {
	struct lufs_meter *k;
	unsigned hop;
	/* gating */
	double ring[ST_HOPS]; /* the last 100 ms energies, by hop index mod 30 */
	long hops;
	unsigned long hist_i[NBIN], hist_s[NBIN];
	double bound[NBIN + 1], center[NBIN];
	/* true peak: phases 1 .. factor - 1 of the interpolator, tap t on
	 * x[n - t]; phase 0 is the sample itself */
	int factor, ntap;
	float c[3][MAXPH];
	float gain;          /* the largest sum of |c| of a phase, rounded up */
	float hist[2][MAXPH - 1 + SMETER_MAX_N + 8];
	float peak;
	/* residual */
	double sxy, sxx, syy;
};

struct smeter *smeter_new(int rate)
{
	struct smeter *m = calloc(1, sizeof *m);

	if (!m || !(m->k = lufs_new((unsigned)rate))) {
		free(m);
		return NULL;
	}
	m->hop = lufs_hop(m->k);
	/* libebur128's bins: boundaries every 0.1 LU from -70, each bin
	 * counted at its centre's energy. */
	for (int i = 0; i <= NBIN; i++)
		m->bound[i] = pow(10.0, (i / 10.0 - 70.0 + 0.691) / 10.0);
	for (int i = 0; i < NBIN; i++)
		m->center[i] = pow(10.0, (i / 10.0 - 69.95 + 0.691) / 10.0);
	m->factor = rate < 96000 ? 4 : rate < 192000 ? 2 : 1;
	m->ntap = m->factor > 1 ? (TAPS - 1) / m->factor : 0;
	for (int f = 1; f < m->factor; f++)
		for (int t = 0; t < m->ntap; t++) {
			int j = f + m->factor * t;
			double x = (j - (TAPS - 1) / 2.0) * M_PI / m->factor;
			double c = sin(x) / x * 0.5 * (1.0 - cos(2.0 * M_PI * j / (TAPS - 1)));
			m->c[f - 1][t] = fabs(c) > 1e-6 ? (float)c : 0.0f;
		}
	for (int f = 1; f < m->factor; f++) {
		double g = 0;
		for (int t = 0; t < m->ntap; t++)
			g += fabs(m->c[f - 1][t]);
		/* room for the float sums' rounding */
		g = g * 1.001 + 1e-6;
		m->gain = g > m->gain ? (float)g : m->gain;
	}
	return m;
}

void smeter_free(struct smeter *m)
{
	if (!m)
		return;
	lufs_free(m->k);
	free(m);
}

/* libebur128's find_histogram_index: the last bin whose lower boundary
 * e reaches (e >= bound[0]). */
static int bin_of(const struct smeter *m, double e)
{
	int lo = 0, hi = NBIN;
	do {
		int mid = (lo + hi) / 2;
		if (e >= m->bound[mid])
			lo = mid;
		else
			hi = mid;
	} while (hi - lo != 1);
	return lo;
}

/* One finished 100 ms energy: a 400 ms gating block ends at every hop
 * from the fourth, a 3 s short-term block at the 30th and every 10th
 * after, as libebur128 makes them. */
static void add_energy(struct smeter *m, double e)
{
	long k = m->hops++;
	m->ring[k % ST_HOPS] = e;
	if (k >= 3) {
		double s = 0;
		for (long j = k - 3; j <= k; j++)
			s += m->ring[j % ST_HOPS];
		s /= 4.0 * m->hop;
		if (s >= m->bound[0])
			m->hist_i[bin_of(m, s)]++;
	}
	if (k >= ST_HOPS - 1 && (k - (ST_HOPS - 1)) % 10 == 0) {
		double s = 0;
		for (long j = k - (ST_HOPS - 1); j <= k; j++)
			s += m->ring[j % ST_HOPS];
		s /= (double)ST_HOPS * m->hop;
		if (s >= m->bound[0])
			m->hist_s[bin_of(m, s)]++;
	}
}

/* |a| and the running maximum of vectors as bit operations (a vector
 * comparison gives all-ones masks); the largest lane into a float. */
#define VMAX_ABS(mx, a)                                                        \
	do {                                                                   \
		v8i ai_ = (v8i)(a) & 0x7fffffff, mi_ = (v8i)(mx);              \
		v8i gt_ = (v8f)ai_ > (mx);                                     \
		(mx) = (v8f)((ai_ & gt_) | (mi_ & ~gt_));                      \
	} while (0)
#define HMAX(mx, p)                                                            \
	do {                                                                   \
		for (int j_ = 0; j_ < 8; j_++)                                 \
			(p) = (mx)[j_] > (p) ? (mx)[j_] : (p);                 \
	} while (0)

/* Largest |x[i]| over i in [0, n). */
DSP_CLONES
static float abs_peak(const float *x, int n)
{
	v8f mx = { 0 };
	int s = 0;
	float p = 0;
	for (; s + 8 <= n; s += 8) {
		v8f xv;
		memcpy(&xv, x + s, sizeof xv);
		VMAX_ABS(mx, xv);
	}
	for (; s < n; s++)
		p = fabsf(x[s]) > p ? fabsf(x[s]) : p;
	HMAX(mx, p);
	return p;
}

/* The largest |y| of the interpolator's phases over x[0 .. n), where x[-1]
 * back to x[-(ntap - 1)] are the samples before; vectorised along time
 * (8 outputs per vector, the taps in a fixed order). */
DSP_CLONES
static float phase_peak(const float (*c)[MAXPH], int nph, int ntap, const float *x, int n,
			float peak)
{
	for (int f = 0; f < nph; f++) {
		const float *cf = c[f];
		int s = 0;
		v8f mx = { 0 };
		for (; s + 8 <= n; s += 8) {
			v8f a = { 0 };
			for (int t = 0; t < ntap; t++) {
				v8f xv;
				memcpy(&xv, x + s - t, sizeof xv);
				a += cf[t] * xv;
			}
			VMAX_ABS(mx, a);
		}
		HMAX(mx, peak);
		for (; s < n; s++) {
			float a = 0;
			for (int t = 0; t < ntap; t++)
				a += cf[t] * x[s - t];
			a = fabsf(a);
			peak = a > peak ? a : peak;
		}
	}
	return peak;
}

static void true_peak(struct smeter *m, int ch, const float *y, int n)
{
	float *h = m->hist[ch];
	int back = MAXPH - 1;
	float p = m->peak;

	memcpy(h + back, y, (size_t)n * sizeof *h);
	/* Every point the phases compute over this stretch is at most
	 * gain times the largest sample its taps reach: when that cannot
	 * beat the peak so far, the phases would not change it. */
	float y0 = abs_peak(h + back, n), a = abs_peak(h + back - (m->ntap - 1), m->ntap - 1);
	a = y0 > a ? y0 : a;
	p = y0 > p ? y0 : p;
	/* The same bound again on short stretches: on a limited master the
	 * peak so far sits at the ceiling and most stretches stay under
	 * it by more than the gain.  Stretches are whole vectors, so each
	 * point is computed as it would be over the whole block. */
	for (int s = 0; a * m->gain > p && s < n; s += TP_STRETCH) {
		int k = n - s < TP_STRETCH ? n - s : TP_STRETCH;
		if (n - s - k < 8)
			k = n - s;   /* the block's tail goes with its last stretch */
		const float *x = h + back + s;
		if (abs_peak(x - (m->ntap - 1), k + m->ntap - 1) * m->gain > p)
			p = phase_peak((const float (*)[MAXPH])m->c, m->factor - 1, m->ntap, x, k, p);
		if (k == n - s)
			break;
	}
	/* keep the last samples as the history of the next call */
	memmove(h, h + n, (size_t)back * sizeof *h);
	m->peak = p;
}

void smeter_add(struct smeter *m, const float *yL, const float *yR, const float *xL,
		const float *xR, int n)
{
	double e[16];
	size_t ne = lufs_energies(m->k, yL, yR, (size_t)n, m->hop, e);

	for (size_t i = 0; i < ne; i++)
		add_energy(m, e[i]);
	true_peak(m, 0, yL, n);
	true_peak(m, 1, yR, n);
	if (!xL)
		return;
	/* Two frames at a time in separate sums: half the dependency chain. */
	v2d xy0 = { 0, 0 }, xx0 = { 0, 0 }, yy0 = { 0, 0 }, xy1 = xy0, xx1 = xx0, yy1 = yy0;
	int i = 0;
	for (; i + 2 <= n; i += 2) {
		v2d x0 = { xL[i], xR[i] }, y0 = { yL[i], yR[i] };
		v2d x1 = { xL[i + 1], xR[i + 1] }, y1 = { yL[i + 1], yR[i + 1] };
		xy0 += x0 * y0; xx0 += x0 * x0; yy0 += y0 * y0;
		xy1 += x1 * y1; xx1 += x1 * x1; yy1 += y1 * y1;
	}
	for (; i < n; i++) {
		v2d x0 = { xL[i], xR[i] }, y0 = { yL[i], yR[i] };
		xy0 += x0 * y0; xx0 += x0 * x0; yy0 += y0 * y0;
	}
	xy0 += xy1; xx0 += xx1; yy0 += yy1;
	m->sxy += xy0[0] + xy0[1];
	m->sxx += xx0[0] + xx0[1];
	m->syy += yy0[0] + yy0[1];
}

/* The first bin at or above a gate energy, as libebur128 starts its sums. */
static int gate_start(const struct smeter *m, double gate)
{
	if (gate < m->bound[0])
		return 0;
	int i = bin_of(m, gate);
	return gate > m->center[i] ? i + 1 : i;
}

static double loudness(double e)
{
	return 10.0 * log10(e) - 0.691;
}

static double integrated(const struct smeter *m)
{
	double sum = 0;
	unsigned long cnt = 0;
	for (int i = 0; i < NBIN; i++) {
		sum += m->hist_i[i] * m->center[i];
		cnt += m->hist_i[i];
	}
	if (!cnt)
		return -INFINITY;
	int start = gate_start(m, sum / (double)cnt * 0.1); /* relative gate: -10 LU */
	sum = 0;
	cnt = 0;
	for (int i = start; i < NBIN; i++) {
		sum += m->hist_i[i] * m->center[i];
		cnt += m->hist_i[i];
	}
	return cnt ? loudness(sum / (double)cnt) : -INFINITY;
}

/* EBU Tech 3342 on the short-term histogram: relative gate -20 LU, the
 * spread between the 10th and 95th percentiles, picked the way
 * libebur128 picks them. */
static double lra(const struct smeter *m)
{
	double pw = 0;
	unsigned long n = 0;
	for (int i = 0; i < NBIN; i++) {
		n += m->hist_s[i];
		pw += m->hist_s[i] * m->center[i];
	}
	if (!n)
		return 0;
	int j = gate_start(m, pw / (double)n * 0.01);
	n = 0;
	for (int i = j; i < NBIN; i++)
		n += m->hist_s[i];
	if (!n)
		return 0;
	unsigned long lo = (unsigned long)((n - 1) * 0.1 + 0.5);
	unsigned long hi = (unsigned long)((n - 1) * 0.95 + 0.5);
	unsigned long acc = 0;
	while (acc <= lo)
		acc += m->hist_s[j++];
	double l_en = m->center[j - 1];
	while (acc <= hi)
		acc += m->hist_s[j++];
	return loudness(m->center[j - 1]) - loudness(l_en);
}

void smeter_result(const struct smeter *m, struct smeter_result *r)
{
	r->integrated_lufs = integrated(m);
	r->lra_lu = lra(m);
	r->true_peak_dbtp = m->peak > 0 ? 20.0 * log10(m->peak) : -INFINITY;
	/* What is left of y after the best scaled copy of x:
	 * sum y^2 - (sum xy)^2 / sum x^2, relative to sum y^2. */
	double res = m->sxx > 0 ? m->syy - m->sxy * m->sxy / m->sxx : m->syy;
	r->residual_db = m->syy > 0 && res > 0 ? 10.0 * log10(res / m->syy) : -INFINITY;
	if (r->residual_db < -200)
		r->residual_db = -200;
}
