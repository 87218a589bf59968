/* A plain reference for tests: one section in transposed direct form II,
 * double, on both channels.  Deliberately another form than dsp/'s
 * direct form I, so a test that compares the two checks the arithmetic
 * as well as the design. */
#ifndef LATHE_TEST_BQ_REF_H
#define LATHE_TEST_BQ_REF_H
#include "dsp/biquad.h"

struct bq_state {
	double s1[2], s2[2];
};

static inline void bq_run(const struct bq *c, struct bq_state *s, double *L, double *R, int n)
{
	const double b0 = c->b0, b1 = c->b1, b2 = c->b2, a1 = c->a1, a2 = c->a2;
	double l1 = s->s1[0], l2 = s->s2[0], r1 = s->s1[1], r2 = s->s2[1];

	for (int i = 0; i < n; i++) {
		double xl = L[i], xr = R[i];
		double yl = b0 * xl + l1, yr = b0 * xr + r1;
		l1 = b1 * xl - a1 * yl + l2;
		r1 = b1 * xr - a1 * yr + r2;
		l2 = b2 * xl - a2 * yl;
		r2 = b2 * xr - a2 * yr;
		L[i] = yl;
		R[i] = yr;
	}
	s->s1[0] = l1;
	s->s2[0] = l2;
	s->s1[1] = r1;
	s->s2[1] = r2;
}
#endif
