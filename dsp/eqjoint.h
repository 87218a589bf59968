/* Internals of the fitted EQ design (eqdesign.c), shared with the joint
 * two-section fit (eqjoint.c). */
#ifndef LATHE_EQJOINT_H
#define LATHE_EQJOINT_H
#include "biquad.h"

/* A fit problem: the squared magnitude a design must follow, sampled on a
 * grid (as the three basis values of bq_phis), with an importance per
 * point that scales its error (less near Nyquist). */
#define BQ_FIT_MAX 96
struct bq_fit {
	int n;
	double ph[BQ_FIT_MAX][3];
	double mag2[BQ_FIT_MAX];
	double imp[BQ_FIT_MAX];
};

/* Least squares min |M x - y| for an n x k matrix, k <= BQ_LSQ_MAX;
 * overwrites M and y; -1 when rank deficient. */
#define BQ_LSQ_MAX 9
int bq_lsq(double M[][BQ_LSQ_MAX], double *y, int n, int k, double *x);

/* Two sections following F jointly, from the one-section design a and an
 * identity, in `outers` reweighting rounds (BQ_JOINT_OUTER is enough
 * nearly always); returns the largest weighted |ln| error on the grid
 * (INFINITY: nothing came out), c set. */
#define BQ_JOINT_OUTER 8
double bq_joint_fit(const struct bq_fit *F, const struct bq *a, int outers, struct bq c[2]);
#endif
