#include "kaiser.h"

#include <math.h>

/* Modified Bessel function of the first kind, order 0. */
static double bessel_i0(double x)
{
	double s = 1.0, t = 1.0;
	for (int k = 1; k < 60; k++) {
		t *= (x / (2.0 * k)) * (x / (2.0 * k));
		s += t;
		if (t < 1e-17 * s)
			break;
	}
	return s;
}

double kaiser(double u, double beta)
{
	if (!(fabs(u) <= 1.0))
		return 0.0;
	return bessel_i0(beta * sqrt(1.0 - u * u)) / bessel_i0(beta);
}
