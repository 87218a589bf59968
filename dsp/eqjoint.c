/* The joint two-section EQ fit and the least squares under it (see
 * eqjoint.h; the problem is set up in eqdesign.c). */
#include "eqjoint.h"

#include <math.h>

/* Least squares min |M x - y| for an n x k matrix (k <= BQ_LSQ_MAX) by
 * Householder QR: the columns of M span many decades at low frequencies,
 * too many for normal equations.  M and y are overwritten.  Returns -1
 * when rank deficient. */
int bq_lsq(double M[][BQ_LSQ_MAX], double *y, int n, int k, double *x)
{
	for (int j = 0; j < k; j++) {
		double norm = 0;
		for (int i = j; i < n; i++)
			norm += M[i][j] * M[i][j];
		norm = sqrt(norm);
		if (norm == 0)
			return -1;
		double alpha = M[j][j] > 0 ? -norm : norm;
		double v0 = M[j][j] - alpha;
		/* v = (v0, M[j+1..][j]); H = I - 2 v v^T / v^T v */
		double vv = v0 * v0;
		for (int i = j + 1; i < n; i++)
			vv += M[i][j] * M[i][j];
		if (vv == 0)
			return -1;
		for (int c = j + 1; c < k; c++) {
			double d = v0 * M[j][c];
			for (int i = j + 1; i < n; i++)
				d += M[i][j] * M[i][c];
			d = 2.0 * d / vv;
			M[j][c] -= d * v0;
			for (int i = j + 1; i < n; i++)
				M[i][c] -= d * M[i][j];
		}
		double d = v0 * y[j];
		for (int i = j + 1; i < n; i++)
			d += M[i][j] * y[i];
		d = 2.0 * d / vv;
		y[j] -= d * v0;
		for (int i = j + 1; i < n; i++)
			y[i] -= d * M[i][j];
		M[j][j] = alpha;
	}
	for (int j = k - 1; j >= 0; j--) {
		double s = y[j];
		for (int c = j + 1; c < k; c++)
			s -= M[j][c] * x[c];
		if (fabs(M[j][j]) < 1e-300)
			return -1;
		x[j] = s / M[j][j];
	}
	return 0;
}

/* The joint fit: both sections free, as x = (ln g^2, then per section
 * b1, b2, a1, a2 of (1 + b1/z + b2/z^2) / (1 + a1/z + a2/z^2)), from the
 * one-section design and an identity.  Levenberg-Marquardt on the error
 * in ln |H|^2 under Lawson's weights (near-minimax).  Steps that leave the
 * stability triangle are refused.  Raw coefficients are well conditioned
 * here: the two-section case is for bands above a few hundred Hz, whose
 * roots sit well away from z = 1. */
#define NX 9
#define LM_INNER 12

struct joint {
	const struct bq_fit *F;
	double w[BQ_FIT_MAX]; /* Lawson weights */
};

static double q2(double c1, double c2, const double *ph)
{
	double s = 1.0 + c1 + c2, d = 1.0 - c1 + c2;

	return s * s * ph[0] + d * d * ph[1] - 4.0 * c2 * ph[2];
}

static int tri_ok(double c1, double c2)
{
	return fabs(c2) < 1.0 - 1e-7 && fabs(c1) < 1.0 + c2 - 1e-7;
}

/* Errors e_i = ln(model / target) for x; 0 when x is not a stable pair. */
static int joint_err(const struct joint *J, const double *x, double *e)
{
	const struct bq_fit *F = J->F;

	if (!tri_ok(x[3], x[4]) || !tri_ok(x[7], x[8]))
		return 0;
	for (int i = 0; i < F->n; i++) {
		const double *ph = F->ph[i];
		double m = q2(x[1], x[2], ph) * q2(x[5], x[6], ph) /
		           (q2(x[3], x[4], ph) * q2(x[7], x[8], ph));
		if (!(m > 0))
			return 0;
		e[i] = x[0] + log(m / F->mag2[i]);
	}
	return 1;
}

static double joint_cost(const struct joint *J, const double *e, double *emax)
{
	double c = 0;

	*emax = 0;
	for (int i = 0; i < J->F->n; i++) {
		double a = J->F->imp[i] * fabs(e[i]);
		*emax = a > *emax ? a : *emax;
		c += J->w[i] * a * a;
	}
	return c;
}

/* d ln q2 / d c1 and d c2 */
static void dq2(double c1, double c2, const double *ph, double *d1, double *d2)
{
	double s = 1.0 + c1 + c2, d = 1.0 - c1 + c2, q = q2(c1, c2, ph);

	*d1 = (2.0 * s * ph[0] - 2.0 * d * ph[1]) / q;
	*d2 = (2.0 * s * ph[0] + 2.0 * d * ph[1] - 4.0 * ph[2]) / q;
}

/* One Levenberg-Marquardt step from x (cost c); returns the new cost, or
 * c when no step with this damping helped. */
static double joint_step(const struct joint *J, double *x, double c, double lambda,
                         double *e, double *emax)
{
	const struct bq_fit *F = J->F;
	int n = F->n;
	double M[BQ_FIT_MAX + NX][BQ_LSQ_MAX], y[BQ_FIT_MAX + NX], dx[NX], diag[NX] = { 0 };

	for (int i = 0; i < n; i++) {
		const double *ph = F->ph[i];
		double s = sqrt(J->w[i]) * F->imp[i];
		M[i][0] = s;
		for (int k = 0; k < 4; k++) {
			double d1, d2, sg = k & 1 ? -s : s;
			dq2(x[1 + 2 * k], x[2 + 2 * k], ph, &d1, &d2);
			M[i][1 + 2 * k] = sg * d1;
			M[i][2 + 2 * k] = sg * d2;
		}
		y[i] = -s * e[i];
		for (int j = 0; j < NX; j++)
			diag[j] += M[i][j] * M[i][j];
	}
	/* Marquardt's damping, scaled per unknown */
	for (int j = 0; j < NX; j++) {
		for (int k = 0; k < NX; k++)
			M[n + j][k] = 0;
		M[n + j][j] = sqrt(lambda * (diag[j] + 1e-12));
		y[n + j] = 0;
	}
	if (bq_lsq(M, y, n + NX, NX, dx) < 0)
		return c;
	double xt[NX], et[BQ_FIT_MAX], mt;
	for (int j = 0; j < NX; j++)
		xt[j] = x[j] + dx[j];
	if (!joint_err(J, xt, et))
		return c;
	double ct = joint_cost(J, et, &mt);
	if (!(ct < c))
		return c;
	for (int j = 0; j < NX; j++)
		x[j] = xt[j];
	for (int i = 0; i < n; i++)
		e[i] = et[i];
	*emax = mt;
	return ct;
}

static void joint_sections(const double *x, struct bq c[2])
{
	double g = exp(0.5 * x[0]);

	c[0] = (struct bq){ g, g * x[1], g * x[2], x[3], x[4] };
	c[1] = (struct bq){ 1.0, x[5], x[6], x[7], x[8] };
}

double bq_joint_fit(const struct bq_fit *F, const struct bq *a, int outers, struct bq c[2])
{
	struct joint J = { .F = F };
	double e[BQ_FIT_MAX], best = INFINITY, emax;
	double x[NX] = { log(a->b0 * a->b0), a->b1 / a->b0, a->b2 / a->b0, a->a1, a->a2, 0, 0, 0, 0 };

	for (int i = 0; i < F->n; i++)
		J.w[i] = 1.0;
	if (!(a->b0 != 0) || !joint_err(&J, x, e))
		return INFINITY;
	for (int outer = 0; outer < outers; outer++) {
		double lambda = 1e-3, cost = joint_cost(&J, e, &emax);
		for (int it = 0; it < LM_INNER && lambda < 1e8; it++) {
			double cn = joint_step(&J, x, cost, lambda, e, &emax);
			lambda = cn < cost ? lambda * 0.3 : lambda * 10;
			cost = cn;
			if (emax < best) {
				best = emax;
				joint_sections(x, c);
			}
		}
		/* Lawson: more weight where the error is large */
		double wsum = 0;
		for (int i = 0; i < F->n; i++) {
			J.w[i] *= F->imp[i] * fabs(e[i]) + 1e-12;
			wsum += J.w[i];
		}
		if (!(wsum > 0))
			break;
		for (int i = 0; i < F->n; i++)
			J.w[i] *= F->n / wsum;
	}
	return best;
}
