/* The loudness model of the --target search (render_model.h).
 *
 * Why a model: the limiter's output loudness at a trial drive used to be
 * measured by running the limiter over the whole file, three or four
 * times per search, each run costing most of a render (its oversampled
 * true-peak detector above all).  The detector's readings are linear in
 * the drive and the K-weighting is linear in the signal, so one pass can
 * keep what every trial needs, per sub-block of about 1.4 ms (a divisor
 * of the 100 ms gating block, so sub-blocks tile the gating exactly):
 *   vmax  the largest undriven detector reading (the limiter's own
 *         detector, dsp/limdetect.h) and vpos, where in the sub-block;
 *   ek    the K-weighted energy of the undriven input.
 * A trial then costs a walk over the sub-blocks: the reduction a peak
 * asks for at that drive, the limiter's envelope around it (the window it
 * is held over, the program-dependent hold, the release) integrated
 * piecewise in closed form, and each sub-block's energy times drive^2
 * times its mean gain^2; the gating is BS.1770's (lufs_gated).  It is a
 * model (the boxes' shape and the release's floor are simplified), good
 * to a few hundredths of an LU on music: the render that follows measures
 * the real output, and the search corrects from there (render_target.c).
 * 10 bytes per sub-block: 25 MB an hour at 44.1 kHz, and never more than
 * 40 MB (longer inputs get longer sub-blocks). */
#include "render_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lufs.h"
#include "dsp/limdetect.h"

/* What the model takes from the limiter's envelope (dsp/limiter.c):
 * lookahead range, the samples either side of a peak held at its full
 * reduction, the hold's rules, the depth that counts as none. */
#define LA_MAX_MS 5.0
#define EXT 4
#define HOLD_TOL 0.995
#define HOLD_GAP 1.15
#define HOLD_GAPMIN_MS 1.0
#define DEPTH_MIN 1e-7
#define DRIVE_MAX_DB 24.0
#define FOCUS_DB 4.0
#define MAX_SUBS (4u << 20)
#define ABS_GATE 1.1724653045822963e-07 /* -70 LUFS as a mean square */
/* Input frames per detector call (plus its history). */
#define RUN 1024
#define HIST (OS_H1 + 4)

struct rmodel {
	int rate;
	unsigned sb, hop;     /* frames per sub-block, per 100 ms block */
	size_t cap;           /* sub-blocks the arrays hold */
	size_t nk;            /* finished sub-blocks of energy */
	float *vmax, *ek;
	uint16_t *vpos;
	int64_t seen;         /* input frames detected so far */
	int64_t frames;       /* input frames added */
	/* Where the search will look: readings that cannot reach the
	 * ceiling at the highest drive it can want are skipped (focus). */
	double thr, target, sum100, cap_db;
	size_t n100;
	double acc100;
	unsigned subs100;
	struct limdet det;
	struct lufs_meter *k;
	float x[2][HIST + RUN]; /* detector input: history, then the run */
	int fill;             /* frames of the run in x */
	float ones[LIMDET_CH], p[LIMDET_CH];
	double etmp[RUN + 1];
};

/* About 1.45 ms (64 frames at 44.1 kHz): fine enough for the envelope,
 * coarse enough to be cheap; a divisor of the 100 ms block when one is
 * near, so the sub-blocks tile the gating blocks exactly. */
static unsigned pick_sub(unsigned hop, int rate)
{
	unsigned want = rate / 690 > 8 ? (unsigned)(rate / 690) : 8;
	for (unsigned d = want; d >= want / 2 && d > 0; d--)
		if (hop % d == 0)
			return d;
	return want;
}

static int grow(struct rmodel *m, size_t need)
{
	if (need <= m->cap)
		return 0;
	size_t cap = m->cap ? m->cap : 1024;
	while (cap < need)
		cap *= 2;
	float *a = realloc(m->vmax, cap * sizeof *a);
	if (a)
		m->vmax = a;
	float *b = realloc(m->ek, cap * sizeof *b);
	if (b)
		m->ek = b;
	uint16_t *c = realloc(m->vpos, cap * sizeof *c);
	if (c)
		m->vpos = c;
	if (!a || !b || !c)
		return -1;
	memset(m->vmax + m->cap, 0, (cap - m->cap) * sizeof *m->vmax);
	memset(m->vpos + m->cap, 0, (cap - m->cap) * sizeof *m->vpos);
	m->cap = cap;
	return 0;
}

struct rmodel *rmodel_new(int rate, int64_t frames)
{
	struct rmodel *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->rate = rate;
	m->k = lufs_new((unsigned)rate);
	if (!m->k)
		goto fail;
	m->hop = lufs_hop(m->k);
	m->sb = pick_sub(m->hop, rate);
	/* Long inputs get coarser sub-blocks: the model stays under
	 * MAX_SUBS x 10 bytes (40 MB) at any length. */
	frames = frames > 0 ? frames : 0;
	while ((uint64_t)frames / m->sb > MAX_SUBS && 2 * m->sb <= 65535)
		m->sb *= 2;
	/* Room for the silence that pushes out the detector's last readings. */
	if (grow(m, (size_t)((frames + RUN + OS_DELAY) / m->sb) + 4) != 0)
		goto fail;
	limdet_init(&m->det);
	m->thr = pow(10.0, -30.0 / 20.0);
	m->target = INFINITY;
	m->cap_db = DRIVE_MAX_DB;
	for (int i = 0; i < LIMDET_CH; i++)
		m->ones[i] = 1.0f;
	return m;
fail:
	rmodel_free(m);
	return NULL;
}

void rmodel_free(struct rmodel *m)
{
	if (!m)
		return;
	lufs_free(m->k);
	free(m->vmax);
	free(m->ek);
	free(m->vpos);
	free(m);
}

void rmodel_focus(struct rmodel *m, double ceiling_db, double target_lufs)
{
	m->thr = pow(10.0, ceiling_db / 20.0);
	m->target = target_lufs;
}

double rmodel_cap_db(const struct rmodel *m)
{
	return m->cap_db;
}

/* The highest drive the search can want, from the loudness so far (the
 * ungated mean of the 100 ms blocks over the absolute gate, which reads
 * no louder than the gated figure): the drive that takes it to the
 * target, plus FOCUS_DB for what limiting takes back.  Readings that
 * cannot reach the ceiling there are skipped, which is most of the
 * detector's work on music. */
static double drive_cap_db(struct rmodel *m)
{
	if (!isfinite(m->target) || m->n100 < 4)
		return DRIVE_MAX_DB;
	double l = -0.691 + 10.0 * log10(m->sum100 / (double)m->n100 / m->hop);
	double cap = m->target - l + FOCUS_DB;
	cap = cap > DRIVE_MAX_DB ? DRIVE_MAX_DB : cap;
	if (cap < m->cap_db)
		m->cap_db = cap;
	return cap;
}

/* The detector over the run in x: interval t of a call ending at frame
 * n0 + nc - 1 lies between input frames n0 - OS_DELAY + t and the next. */
static int detect_run(struct rmodel *m)
{
	int64_t n0 = m->seen;
	if (grow(m, (size_t)((n0 + m->fill) / m->sb) + 2) != 0)
		return -1;
	float thr4 = (float)(m->thr / pow(10.0, drive_cap_db(m) / 20.0) / (OS_SEC4 * OS_LOW));
	for (int t0 = 0; t0 < m->fill; t0 += LIMDET_CH) {
		int nc = m->fill - t0 < LIMDET_CH ? m->fill - t0 : LIMDET_CH;
		limdet_block(&m->det, m->x[0] + t0, m->x[1] + t0, m->ones, nc, thr4, m->p);
		for (int t = 0; t < nc; t++) {
			int64_t at = n0 + t0 + t - OS_DELAY;
			if (at < 0 || m->p[t] == 0.0f)
				continue;
			size_t j = (size_t)(at / m->sb);
			if (m->p[t] > m->vmax[j]) {
				m->vmax[j] = m->p[t];
				m->vpos[j] = (uint16_t)(at - (int64_t)j * m->sb);
			}
		}
	}
	m->seen += m->fill;
	for (int c = 0; c < 2; c++)
		memmove(m->x[c], m->x[c] + m->fill, HIST * sizeof(float));
	m->fill = 0;
	return 0;
}

int rmodel_add(struct rmodel *m, const float *L, const float *R, int n)
{
	while (n > 0) {
		int k = RUN - m->fill < n ? RUN - m->fill : n;
		memcpy(m->x[0] + HIST + m->fill, L, (size_t)k * sizeof *L);
		memcpy(m->x[1] + HIST + m->fill, R, (size_t)k * sizeof *R);
		size_t got = lufs_energies(m->k, L, R, (size_t)k, m->sb, m->etmp);
		if (grow(m, m->nk + got + 1) != 0)
			return -1;
		for (size_t i = 0; i < got; i++) {
			m->ek[m->nk++] = (float)m->etmp[i];
			m->acc100 += m->etmp[i];
			if (++m->subs100 * m->sb >= m->hop) {
				if (m->acc100 / m->hop >= ABS_GATE) {
					m->sum100 += m->acc100;
					m->n100++;
				}
				m->acc100 = 0;
				m->subs100 = 0;
			}
		}
		m->fill += k;
		m->frames += k;
		L += k;
		R += k;
		n -= k;
		if (m->fill == RUN && detect_run(m) != 0)
			return -1;
	}
	return 0;
}

void rmodel_end(struct rmodel *m)
{
	/* The last intervals' readings, with silence after the end as the
	 * limiter sees it. */
	int64_t end = m->seen + m->fill;
	while (m->seen + m->fill < end + OS_DELAY + 1) {
		m->x[0][HIST + m->fill] = m->x[1][HIST + m->fill] = 0.0f;
		if (++m->fill == RUN && detect_run(m) != 0)
			return;
	}
	if (m->fill)
		detect_run(m);
}

/* The envelope as the walk goes: depth d, constant until flat (the
 * window a peak is held over, then the hold), then releasing towards the
 * floor fl (the reduction the peaks in the sliding window still ask for,
 * until fl_end), then towards none. */
struct env {
	double d, flat, fl, fl_end, rrel, lrrel;
	double since_end; /* where the last top's window ended */
	double hold, hmax, gapmin;
};

/* Release from depth d towards fl over r samples: the sum, and d after. */
static double release(double *d, double fl, double r, double rrel, double lrrel)
{
	double q = exp(r * lrrel);
	double s = fl * r + (*d - fl) * rrel * (1.0 - q) / (1.0 - rrel);
	*d = fl + (*d - fl) * q;
	return s;
}

/* Depth summed over [c, x), advancing the envelope to x. */
static double env_run(struct env *e, double c, double x)
{
	double s = 0.0;
	if (e->d == 0.0 || x <= c)
		return 0.0;
	if (c < e->flat) {
		double f = (x < e->flat ? x : e->flat) - c;
		s += e->d * f;
		c += f;
	}
	if (c < x && c < e->fl_end && e->fl > 0) {
		double r = (x < e->fl_end ? x : e->fl_end) - c;
		s += release(&e->d, e->fl, r, e->rrel, e->lrrel);
		c += r;
	}
	if (c < x) {
		s += release(&e->d, 0.0, x - c, e->rrel, e->lrrel);
		if (e->d < DEPTH_MIN)
			e->d = 0.0;
	}
	return s;
}

/* A peak asking for depth t, its held window starting at ws, w long. */
static void env_top(struct env *e, double ws, double w, double t)
{
	if (t <= 0.0)
		return;
	if (ws >= e->fl_end || t >= e->fl) {
		e->fl = t;
		e->fl_end = ws + w;
	}
	if (t < e->d * HOLD_TOL)
		return;
	double since = ws - e->since_end;
	if (since >= e->gapmin) {
		double hn = floor(since * HOLD_GAP);
		e->hold = hn > e->hmax ? 0.0 : hn;
	}
	if (t > e->d)
		e->d = t;
	e->since_end = ws + w;
	e->flat = ws + w + e->hold;
}

double rmodel_lufs(const struct rmodel *m, const double v[P_COUNT], const struct fade *f)
{
	double rate = m->rate;
	int lim = v[P_LIMITER_BYPASS] < 0.5;
	double drive = lim ? pow(10.0, param_clamp(P_LIMITER_DRIVE, v[P_LIMITER_DRIVE]) / 20.0) : 1.0;
	double thr = pow(10.0, param_clamp(P_LIMITER_CEILING, v[P_LIMITER_CEILING]) / 20.0);
	double og = v[P_OUTPUT_BYPASS] >= 0.5 ? 1.0 :
		    pow(10.0, param_clamp(P_OUTPUT_GAIN, v[P_OUTPUT_GAIN]) / 20.0);
	double smax = ceil(LA_MAX_MS * 1e-3 * rate);
	double S = (double)lround(param_clamp(P_LIMITER_LOOKAHEAD, v[P_LIMITER_LOOKAHEAD]) * 1e-3 * rate);
	S = S < 2 ? 2 : S > smax ? smax : S;
	/* A peak's reduction: full over its interval and EXT either side,
	 * reached and left through the boxes' S-long ramps (counted half). */
	double lead = EXT + S / 2, w = 2 * EXT + 1 + S;
	struct env e = { 0 };
	e.rrel = exp(-1.0 / (param_clamp(P_LIMITER_RELEASE, v[P_LIMITER_RELEASE]) * 1e-3 * rate));
	e.lrrel = log(e.rrel);
	e.hmax = (double)lround(param_clamp(P_LIMITER_HOLD, v[P_LIMITER_HOLD]) * 1e-3 * rate);
	e.gapmin = (double)lround(HOLD_GAPMIN_MS * 1e-3 * rate);
	e.since_end = -1e18;

	size_t nb = (size_t)(m->frames / m->hop);
	size_t nv = (size_t)((m->seen + m->sb - 1) / m->sb);
	nv = nv < m->cap ? nv : m->cap;
	double *e100 = calloc(nb ? nb : 1, sizeof *e100);
	if (!e100)
		return NAN;
	size_t next = 0; /* the next peak to enter the walk */
	double c = 0.0, g2 = drive * drive * og * og;
	for (size_t j = 0; j < m->nk; j++) {
		double a = (double)j * m->sb, z = a + m->sb, ds = 0.0;
		while (lim && next < nv && (double)next * m->sb + m->vpos[next] - lead < z) {
			double ws = (double)next * m->sb + m->vpos[next] - lead;
			double pk = drive * m->vmax[next];
			next++;
			if (pk <= thr)
				continue;
			if (ws > c) {
				ds += env_run(&e, c, ws);
				c = ws;
			}
			env_top(&e, ws, w, 1.0 - thr / pk);
		}
		if (z > c) {
			ds += env_run(&e, c, z);
			c = z;
		}
		double gm = 1.0 - ds / m->sb;
		double fg = f ? fade_gain(f, (int64_t)(a + m->sb / 2)) : 1.0;
		double en = m->ek[j] * gm * gm * fg * fg * g2;
		/* Its share of each 100 ms block it overlaps. */
		size_t b0 = (size_t)(a / m->hop), b1 = (size_t)((z - 1) / m->hop);
		if (b0 >= nb)
			break;
		if (b0 == b1 || b1 >= nb) {
			e100[b0] += b0 == b1 ? en : en * ((double)b1 * m->hop - a) / m->sb;
		} else {
			double part = ((double)b1 * m->hop - a) / m->sb;
			e100[b0] += en * part;
			e100[b1] += en * (1.0 - part);
		}
	}
	double l = lufs_gated(e100, nb, m->hop);
	free(e100);
	return l;
}
