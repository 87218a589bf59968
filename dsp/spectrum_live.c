/* The console's live analyser (spectrum.h): two FFT lengths over one
 * history of what was played, band levels with fast / slow ballistics and
 * peak hold, and per-range correlation and width from the cross-spectrum.
 *
 * Two lengths because one cannot do both ends: a 1/6 octave at 20 Hz is
 * 2.3 Hz wide and needs a 1.4 s frame to hold a sine's main lobe, which
 * would smear a hi-hat across a dozen UI frames.  Each band takes the
 * short frame wherever it is three short bins wide (above ~400 Hz at
 * 48 kHz), so the top of the display moves at the music's pace. */
#include "spectrum.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RES 2 /* 0: short, 1: long */

struct res {
	struct spec_fft *fft;
	int n, hop, since;
	float *xl, *xr;
	double *pl, *pr, *cr, *pm; /* per bin; pm = mean of pl and pr */
};

struct spec_live {
	double rate;
	float *ring, *lin; /* the last nlong stereo frames; in order */
	int nlong, pos;
	int64_t total;
	struct res r[RES];
	struct spec_bands bands;
	int use[SPEC_MAX_BANDS]; /* which resolution a band reads */
	double fast[SPEC_MAX_BANDS], slow[SPEC_MAX_BANDS]; /* power */
	double peak[SPEC_MAX_BANDS], hold[SPEC_MAX_BANDS]; /* dB, s */
	double st[SPEC_RANGES][3]; /* smoothed pl, pr, cr sums */
	int fresh[RES];            /* no reading yet: the first one jumps */
};

static int res_init(struct res *r, int n)
{
	size_t nb = (size_t)n / 2 + 1;

	r->n = n;
	r->fft = spec_fft_new(n);
	r->xl = malloc(sizeof *r->xl * nb * 2);
	r->xr = malloc(sizeof *r->xr * nb * 2);
	r->pl = malloc(sizeof *r->pl * nb);
	r->pr = malloc(sizeof *r->pr * nb);
	r->cr = malloc(sizeof *r->cr * nb);
	r->pm = malloc(sizeof *r->pm * nb);
	return r->fft && r->xl && r->xr && r->pl && r->pr && r->cr && r->pm ? 0 : -1;
}

static void res_free(struct res *r)
{
	spec_fft_free(r->fft);
	free(r->xl);
	free(r->xr);
	free(r->pl);
	free(r->pr);
	free(r->cr);
	free(r->pm);
}

void spec_live_free(struct spec_live *s)
{
	if (!s)
		return;
	for (int i = 0; i < RES; i++)
		res_free(&s->r[i]);
	free(s->ring);
	free(s->lin);
	free(s);
}

struct spec_live *spec_live_new(double rate)
{
	struct spec_live *s = calloc(1, sizeof *s);
	struct spec_bands b;

	if (!s)
		return NULL;
	s->rate = rate;
	s->nlong = spec_fft_size_for(rate);
	s->ring = calloc((size_t)s->nlong * 2, sizeof *s->ring);
	s->lin = calloc((size_t)s->nlong * 2, sizeof *s->lin);
	if (!s->ring || !s->lin || res_init(&s->r[0], s->nlong / 16) ||
	    res_init(&s->r[1], s->nlong)) {
		spec_live_free(s);
		return NULL;
	}
	s->r[0].hop = s->r[0].n / 2;
	s->r[1].hop = s->r[1].n / 8;
	spec_bands_fraction(&b, 6, 20, 20000);
	spec_live_set_bands(s, &b);
	spec_live_reset(s);
	return s;
}

void spec_live_reset(struct spec_live *s)
{
	memset(s->ring, 0, sizeof *s->ring * (size_t)s->nlong * 2);
	s->pos = 0;
	s->total = 0;
	for (int i = 0; i < RES; i++) {
		s->r[i].since = 0;
		s->fresh[i] = 1;
	}
	for (int i = 0; i < SPEC_MAX_BANDS; i++) {
		s->fast[i] = s->slow[i] = 0;
		s->peak[i] = SPEC_FLOOR_DB;
		s->hold[i] = 0;
	}
	memset(s->st, 0, sizeof s->st);
}

void spec_live_set_bands(struct spec_live *s, const struct spec_bands *b)
{
	double bin0 = s->rate / s->r[0].n;

	s->bands = *b;
	for (int i = 0; i < b->n; i++) {
		s->use[i] = b->hi[i] - b->lo[i] >= 3 * bin0 ? 0 : 1;
		s->fast[i] = s->slow[i] = 0;
		s->peak[i] = SPEC_FLOOR_DB;
		s->hold[i] = 0;
	}
	s->fresh[0] = s->fresh[1] = 1;
}

const struct spec_bands *spec_live_bands(const struct spec_live *s)
{
	return &s->bands;
}

static double db(double p)
{
	return p > 1e-15 ? 10.0 * log10(p) : SPEC_FLOOR_DB;
}

/* The newest n frames of the history, transformed. */
static void run_res(struct spec_live *s, struct res *r)
{
	int nb = r->n / 2 + 1;
	int start = (s->pos - r->n) & (s->nlong - 1);

	for (int i = 0; i < r->n; i++) {
		int j = (start + i) & (s->nlong - 1);
		s->lin[2 * i] = s->ring[2 * j];
		s->lin[2 * i + 1] = s->ring[2 * j + 1];
	}
	spec_fft_run(r->fft, s->lin, 2, r->xl);
	spec_fft_run(r->fft, s->lin + 1, 2, r->xr);
	for (int k = 0; k < nb; k++) {
		double lr = r->xl[2 * k], li = r->xl[2 * k + 1];
		double rr = r->xr[2 * k], ri = r->xr[2 * k + 1];
		r->pl[k] = lr * lr + li * li;
		r->pr[k] = rr * rr + ri * ri;
		r->cr[k] = lr * rr + li * ri;
		r->pm[k] = 0.5 * (r->pl[k] + r->pr[k]);
	}
}

/* New readings for the bands and ranges resolution ri serves. */
static void update(struct spec_live *s, int ri)
{
	struct res *r = &s->r[ri];
	int nb = r->n / 2 + 1;
	double bin = s->rate / r->n, dt = (double)r->hop / s->rate;
	double af = s->fresh[ri] ? 1 : 1 - exp(-dt / SPEC_FAST_S);
	double as = s->fresh[ri] ? 1 : 1 - exp(-dt / SPEC_SLOW_S);

	run_res(s, r);
	for (int i = 0; i < s->bands.n; i++) {
		if (s->use[i] != ri)
			continue;
		double p = spec_band_sum(r->pm, nb, bin, s->bands.lo[i], s->bands.hi[i]);
		s->fast[i] += af * (p - s->fast[i]);
		s->slow[i] += as * (p - s->slow[i]);
		double f = db(s->fast[i]);
		if (f >= s->peak[i]) {
			s->peak[i] = f;
			s->hold[i] = SPEC_HOLD_S;
		} else if (s->hold[i] > 0) {
			s->hold[i] -= dt;
		} else {
			s->peak[i] -= SPEC_FALL_DB_S * dt;
			if (s->peak[i] < f)
				s->peak[i] = f;
		}
	}
	/* The low range reads the long frame, the others the short one. */
	for (int g = 0; g < SPEC_RANGES; g++) {
		if ((g == SPEC_LOW) != (ri == 1))
			continue;
		double lo = spec_range_edges[g], hi = spec_range_edges[g + 1];
		double v[3] = {
			spec_band_sum(r->pl, nb, bin, lo, hi),
			spec_band_sum(r->pr, nb, bin, lo, hi),
			spec_band_sum(r->cr, nb, bin, lo, hi),
		};
		for (int j = 0; j < 3; j++)
			s->st[g][j] += as * (v[j] - s->st[g][j]);
	}
	s->fresh[ri] = 0;
}

int spec_live_push(struct spec_live *s, const float *stereo, int frames)
{
	int moved = 0;

	for (int i = 0; i < frames; i++) {
		s->ring[2 * s->pos] = isfinite(stereo[2 * i]) ? stereo[2 * i] : 0.0f;
		s->ring[2 * s->pos + 1] = isfinite(stereo[2 * i + 1]) ? stereo[2 * i + 1] : 0.0f;
		s->pos = (s->pos + 1) & (s->nlong - 1);
		s->total++;
		for (int ri = 0; ri < RES; ri++) {
			struct res *r = &s->r[ri];
			/* A frame runs once it is full of real samples. */
			if (++r->since >= r->hop && s->total >= r->n) {
				update(s, ri);
				r->since = 0;
				moved = 1;
			}
		}
	}
	return moved;
}

double spec_live_level(const struct spec_live *s, int band, enum spec_ballistic k)
{
	if (band < 0 || band >= s->bands.n)
		return SPEC_FLOOR_DB;
	if (k == SPEC_PEAK)
		return s->peak[band];
	return db(k == SPEC_FAST ? s->fast[band] : s->slow[band]);
}

void spec_live_stereo(const struct spec_live *s, int range, struct spec_stereo *out)
{
	const double *v = s->st[range];
	double m = 0.25 * (v[0] + v[1] + 2 * v[2]), sd = 0.25 * (v[0] + v[1] - 2 * v[2]);

	out->level_db = db(0.5 * (v[0] + v[1]));
	out->corr = v[0] > 1e-15 && v[1] > 1e-15 ? v[2] / sqrt(v[0] * v[1]) : NAN;
	if (out->corr > 1)
		out->corr = 1;
	if (out->corr < -1)
		out->corr = -1;
	out->width_db = m > 1e-15 ? (sd > 1e-15 ? 10 * log10(sd / m) : -INFINITY) : NAN;
}
