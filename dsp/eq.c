/* Five-band EQ: low shelf, three bells, high shelf.
 *
 * Each band is one double-precision section from bq_design_eq, which
 * follows the RBJ analog prototype's magnitude up to the top of the audio
 * band instead of cramping towards Nyquist like the bilinear cookbook
 * filters.  A band at 0 dB is skipped outright: the chain's glides land
 * exactly on 0, and what the section still held at the last step (a few
 * 1e-4 dB of boost) is some 90 dB down, so dropping it is inaudible.
 *
 * The fit takes 30 to 570 us, far too long for the audio thread, where a
 * glide asks for a design every 32 frames.  So in the live mode
 * (eq_set_async) eq_set designs in closed form (bq_design_eq_fast, about
 * a microsecond) and posts the values to a designer thread, which fits
 * them and hands the result back; eq_process swaps it in when the band
 * still holds those values, i.e. once the glide has landed.  Both ways go
 * through lock-free handovers, so the audio thread never waits.  Renders
 * stay synchronous: every design is the fit, the output a pure function
 * of the input. */
#include "eq.h"

#include <math.h>
#include <stdlib.h>

#include "biquad.h"
#include "handover.h"

#define BANDS 5
#define CHUNK 256

static const enum bq_eq_kind band_kind[BANDS] = {
	BQ_LOW_SHELF, BQ_PEAK, BQ_PEAK, BQ_PEAK, BQ_HIGH_SHELF,
};

/* Values of a band and, coming back, their fitted section. */
struct design {
	double f, g, q;
	struct bq c;
};
HANDOVER(design_handover, struct design);

struct band {
	double f, g, q;  /* as last designed; g == 0: skipped */
	struct bq c;
	struct bq_df1 s;
	/* async mode: values to the designer (req) and fits back (res) */
	struct design_handover req, res;
	struct design fit;   /* audio thread: the newest fit received */
	struct design asked; /* designer thread: the last values it fitted */
};

struct eq {
	double rate;
	int async;    /* live: fits are made by eq_design_pending's thread */
	double seen[P_COUNT];
	unsigned pos; /* frames since reset modulo CHUNK: states are checked there */
	struct band b[BANDS];
};

struct eq *eq_new(double rate)
{
	struct eq *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->rate = rate;
	param_unseen(m->seen);
	for (int i = 0; i < BANDS; i++) {
		bq_identity(&m->b[i].c);
		handover_init(&m->b[i].req);
		handover_init(&m->b[i].res);
	}
	return m;
}

void eq_free(struct eq *m)
{
	free(m);
}

void eq_reset(struct eq *m)
{
	for (int i = 0; i < BANDS; i++)
		m->b[i].s = (struct bq_df1){ { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
	m->pos = 0;
}

void eq_set(struct eq *m, const double p[P_COUNT])
{
	for (int i = 0; i < BANDS; i++) {
		struct band *b = &m->b[i];
		int first = P_EQ_LOW_FREQ + 3 * i;
		const double *v = &p[first];
		double f = v[0], g = v[1], q = v[2];

		if (!param_changed(m->seen, p, first, first + 3))
			continue;
		if (!isfinite(g))
			g = 0;
		/* Above 0.45 fs a band has no room left for its skirt; at
		 * 22.05 kHz that keeps a 20 kHz bell sensible (9.9 kHz). */
		if (!(f >= 10.0))
			f = 10.0;
		if (f > 0.45 * m->rate)
			f = 0.45 * m->rate;
		if (!(q >= 0.05))
			q = 0.05;
		/* Values that clamp the same need no new design. */
		if (f == b->f && g == b->g && q == b->q)
			continue;
		if (g == 0)
			b->s = (struct bq_df1){ { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
		else if (!m->async)
			bq_design_eq(&b->c, m->rate, band_kind[i], f, g, q);
		else if (b->fit.f == f && b->fit.g == g && b->fit.q == q)
			b->c = b->fit.c;
		else {
			bq_design_eq_fast(&b->c, m->rate, band_kind[i], f, g, q);
			*handover_back(&b->req) = (struct design){ f, g, q, b->c };
			handover_publish(&b->req);
		}
		b->f = f;
		b->g = g;
		b->q = q;
	}
}

double eq_mag2(const struct eq *m, double f)
{
	double g = 1;

	for (int i = 0; i < BANDS; i++)
		if (m->b[i].g != 0)
			g *= bq_mag2(&m->b[i].c, m->rate, f);
	return g;
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
		bq_design_eq(&d.c, m->rate, band_kind[i], d.f, d.g, d.q);
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
			b->c = b->fit.c;
	}
}

void eq_process(struct eq *m, float *L, float *R, int n)
{
	const struct bq *c[BANDS];
	struct bq_df1 *st[BANDS];
	int na = 0;

	if (m->async)
		take_fits(m);

	for (int i = 0; i < BANDS; i++)
		if (m->b[i].g != 0) {
			c[na] = &m->b[i].c;
			st[na++] = &m->b[i].s;
		}
	/* Chunks end at absolute multiples of CHUNK, so where the states are
	 * checked never depends on the caller's block sizes. */
	while (n > 0) {
		int k = CHUNK - (int)m->pos;
		k = n < k ? n : k;
		if (na)
			bq_run_cascade(c, st, na, L, R, k);
		m->pos = (m->pos + (unsigned)k) % CHUNK;
		if (m->pos == 0)
			for (int j = 0; j < na; j++)
				bq_df1_sanitize(st[j]);
		L += k;
		R += k;
		n -= k;
	}
}
