/* Second-order sections: bilinear designs, the RBJ analog prototypes,
 * magnitudes, and the direct form I cascade.  The fitted EQ design is in
 * eqdesign.c. */
#include "biquad.h"
#include "clones.h"

#include <float.h>
#include <math.h>
void bq_identity(struct bq *c)
{
	*c = (struct bq){ 1, 0, 0, 0, 0 };
}

/* RBJ cookbook bilinear sections.  w is prewarped implicitly by using the
 * digital frequency in sin/cos. */
static void rbj_common(double rate, double f, double q, double *cw, double *alpha)
{
	double w = 2.0 * M_PI * f / rate;

	*cw = cos(w);
	*alpha = sin(w) / (2.0 * q);
}

void bq_lowpass(struct bq *c, double rate, double f, double q)
{
	double cw, al, a0;

	rbj_common(rate, f, q, &cw, &al);
	a0 = 1.0 + al;
	c->b0 = c->b2 = (1.0 - cw) / 2.0 / a0;
	c->b1 = (1.0 - cw) / a0;
	c->a1 = -2.0 * cw / a0;
	c->a2 = (1.0 - al) / a0;
}

void bq_highpass(struct bq *c, double rate, double f, double q)
{
	double cw, al, a0;

	rbj_common(rate, f, q, &cw, &al);
	a0 = 1.0 + al;
	c->b0 = c->b2 = (1.0 + cw) / 2.0 / a0;
	c->b1 = -(1.0 + cw) / a0;
	c->a1 = -2.0 * cw / a0;
	c->a2 = (1.0 - al) / a0;
}

void bq_allpass(struct bq *c, double rate, double f, double q)
{
	double cw, al, a0;

	rbj_common(rate, f, q, &cw, &al);
	a0 = 1.0 + al;
	c->b0 = c->a2 = (1.0 - al) / a0;
	c->b1 = c->a1 = -2.0 * cw / a0;
	c->b2 = 1.0;
}

/* Constant 0 dB peak gain band-pass. */
void bq_bandpass(struct bq *c, double rate, double f, double q)
{
	double cw, al, a0;

	rbj_common(rate, f, q, &cw, &al);
	a0 = 1.0 + al;
	c->b0 = al / a0;
	c->b1 = 0.0;
	c->b2 = -al / a0;
	c->a1 = -2.0 * cw / a0;
	c->a2 = (1.0 - al) / a0;
}

/* First order, bilinear, prewarped at f. */
void bq_lowpass1(struct bq *c, double rate, double f)
{
	double k = tan(M_PI * f / rate), a0 = 1.0 + k;

	*c = (struct bq){ k / a0, k / a0, 0.0, (k - 1.0) / a0, 0.0 };
}

void bq_highpass1(struct bq *c, double rate, double f)
{
	double k = tan(M_PI * f / rate), a0 = 1.0 + k;

	*c = (struct bq){ 1.0 / a0, -1.0 / a0, 0.0, (k - 1.0) / a0, 0.0 };
}

struct bq_analog bq_proto_peak(double gain_db, double q)
{
	double A = pow(10.0, gain_db / 40.0);

	return (struct bq_analog){ 1, A / q, 1, 1, 1 / (A * q), 1 };
}

struct bq_analog bq_proto_low_shelf(double gain_db, double q)
{
	double A = pow(10.0, gain_db / 40.0), sA = sqrt(A);

	return (struct bq_analog){ A, A * sA / q, A * A, A, sA / q, 1 };
}

struct bq_analog bq_proto_high_shelf(double gain_db, double q)
{
	double A = pow(10.0, gain_db / 40.0), sA = sqrt(A);

	return (struct bq_analog){ A * A, A * sA / q, A, 1, sA / q, A };
}

struct bq_analog bq_proto(enum bq_eq_kind kind, double gain_db, double q)
{
	switch (kind) {
	case BQ_LOW_SHELF:
		return bq_proto_low_shelf(gain_db, q);
	case BQ_HIGH_SHELF:
		return bq_proto_high_shelf(gain_db, q);
	default:
		return bq_proto_peak(gain_db, q);
	}
}

double bq_analog_mag2(const struct bq_analog *a, double x)
{
	double x2 = x * x;
	double nr = a->n0 - a->n2 * x2, ni = a->n1 * x;
	double dr = a->d0 - a->d2 * x2, di = a->d1 * x;

	return (nr * nr + ni * ni) / (dr * dr + di * di);
}

double bq_mag2(const struct bq *c, double rate, double f)
{
	double ph[3];
	double B0 = c->b0 + c->b1 + c->b2, B1 = c->b0 - c->b1 + c->b2;
	double A0 = 1.0 + c->a1 + c->a2, A1 = 1.0 - c->a1 + c->a2;

	bq_phis(rate, f, ph);
	return (B0 * B0 * ph[0] + B1 * B1 * ph[1] - 4.0 * c->b0 * c->b2 * ph[2]) /
	       (A0 * A0 * ph[0] + A1 * A1 * ph[1] - 4.0 * c->a2 * ph[2]);
}

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* ns is a constant after inlining: the sections' states live in
 * registers instead of memory, which would add a store-to-load delay to
 * every recursion. */
static ALWAYS_INLINE void cascade_n(const struct bq *const *c, struct bq_df1 *const *s,
                                    const int ns, float *L, float *R, int n)
{
	struct bq_sec k[BQ_MAX_CASCADE];

	for (int j = 0; j < ns; j++)
		k[j] = bq_sec_load(c[j], s[j]);
	for (int i = 0; i < n; i++) {
		/* NaN and inf fail the comparison and enter as silence. */
		float l = fabsf(L[i]) <= FLT_MAX ? L[i] : 0.0f;
		float r = fabsf(R[i]) <= FLT_MAX ? R[i] : 0.0f;
		bq_v2d x = { l, r };
		for (int j = 0; j < ns; j++)
			x = bq_sec_step(&k[j], x);
		L[i] = (float)x[0];
		R[i] = (float)x[1];
	}
	for (int j = 0; j < ns; j++)
		bq_sec_store(&k[j], s[j]);
}

DSP_CLONES
void bq_run_cascade(const struct bq *const *c, struct bq_df1 *const *s, int n_sec,
                    float *L, float *R, int n)
{
	switch (n_sec) {
	case 1: cascade_n(c, s, 1, L, R, n); break;
	case 2: cascade_n(c, s, 2, L, R, n); break;
	case 3: cascade_n(c, s, 3, L, R, n); break;
	case 4: cascade_n(c, s, 4, L, R, n); break;
	case 5: cascade_n(c, s, 5, L, R, n); break;
	case 6: cascade_n(c, s, 6, L, R, n); break;
	case 7: cascade_n(c, s, 7, L, R, n); break;
	case 8: cascade_n(c, s, 8, L, R, n); break;
	case 9: cascade_n(c, s, 9, L, R, n); break;
	case 10: cascade_n(c, s, 10, L, R, n); break;
	default: break;
	}
}

int bq_df1_sanitize(struct bq_df1 *s)
{
	double *v[4] = { s->x1, s->x2, s->y1, s->y2 };

	for (int i = 0; i < 4; i++)
		if (!isfinite(v[i][0]) || !isfinite(v[i][1])) {
			*s = (struct bq_df1){ { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
			return 1;
		}
	/* Far below float resolution of any audible signal, far above the
	 * double denormal range where the CPU slows down a hundredfold. */
	for (int i = 0; i < 4; i++)
		for (int c = 0; c < 2; c++)
			if (fabs(v[i][c]) < 1e-200)
				v[i][c] = 0;
	return 0;
}
