#include <math.h>

#include "kaiser.h"
#include "oversample.h"

/* Weights of the half-sample point from the K nearest samples each side,
 * a[k] for the pair at distance k - 1/2, normalised to unit DC gain. */
static void halfband(double *a, int K, double beta)
{
	double sum = 0.0;
	for (int k = 1; k <= K; k++) {
		double t = k - 0.5, u = t / K;
		double w = kaiser(u, beta);
		a[k - 1] = sin(M_PI * t) / (M_PI * t) * w;
		sum += 2.0 * a[k - 1];
	}
	for (int k = 0; k < K; k++)
		a[k] /= sum;
}

void os_init(struct os_coefs *oc)
{
	double a[OS_K1], b[OS_K2];

	halfband(a, OS_K1, 5.0);
	/* u[m] = sum a[k-1] (x[m+1-k] + x[m+k]); the history h ends at
	 * x[m + OS_K1], so x[m + k] is h[OS_H1 - 1 - OS_K1 + k]. */
	for (int k = 1; k <= OS_K1; k++) {
		oc->c1[OS_H1 - 1 - OS_K1 + k] = (float)a[k - 1];
		oc->c1[OS_H1 - OS_K1 - k] = (float)a[k - 1];
	}
	double sum = 0.0, w[OS_NQ];
	for (int k = 0; k < OS_NQ; k++) {
		double u = (k - (OS_NQ - 1) / 2.0) / (OS_NQ / 2.0);
		w[k] = kaiser(u, 5.0);
		sum += w[k];
	}
	for (int k = 0; k < OS_NQ; k++)
		oc->nq[k] = (float)((k & 1 ? -w[k] : w[k]) / sum);
	/* libebur128's interp_create(49, 4): tap j, m = j - 24, sinc(m / 4)
	 * times a Hann window; phase f takes the taps j = 4k + f, tap k on
	 * x[n - k] for the point at n - 6 + f / 4. */
	for (int f = 1; f <= 3; f++)
		for (int i = 0; i < OS_EB; i++) {
			int j = 4 * (OS_EB - 1 - i) + f;
			double mm = j - 24.0, x = mm * M_PI / 4.0;
			double cc = sin(x) / x * 0.5 * (1.0 - cos(2.0 * M_PI * j / 48.0));
			oc->eb[f - 1][i] = (float)cc;
		}
	halfband(b, OS_K2, 5.0);
	for (int k = 0; k < OS_K2; k++)
		oc->b[k] = (float)b[k];
}
