/* Windowed-sinc conversion (see resample.h).
 *
 * Each output sample sits at input time t = j * from / to (kept exact in
 * integers); it is the sum of the nearest 2H input samples weighted by a
 * Kaiser-windowed sinc centred on t.  The kernel is tabulated at PHASES
 * fractional positions: at 4096 the rounding of t costs at most 1/8192
 * of a sample, an error about 70 dB down at 20 kHz.  Cutoff at 0.95 of
 * the lower Nyquist frequency, so the transition band ends at it and the
 * stop band (Kaiser beta 6.5, about 65 dB) starts there: nothing above
 * the output's Nyquist frequency folds back above about -65 dB. */
#include "resample.h"

#include <math.h>
#include <stdlib.h>

#include "dsp/kaiser.h"

#define PHASES 4096
#define BASE_H 48    /* taps each side at ratio 1; more when reducing */
#define BETA 6.5
#define CUTOFF 0.95

int64_t resample_frames(int64_t frames, int from, int to)
{
	return (frames * to + from - 1) / from;
}

int resample_stereo(const float *in, int64_t frames, int from, float *out, int to)
{
	/* Cutoff as a fraction of the input's Nyquist frequency; reducing
	 * the rate lowers it, and the kernel widens to keep its sharpness. */
	double fc = CUTOFF * (to < from ? (double)to / from : 1.0);
	int H = (int)ceil(BASE_H * CUTOFF / fc);
	int T = 2 * H;
	float *tab = malloc(sizeof *tab * (size_t)(PHASES + 1) * (size_t)T);
	int64_t nout = resample_frames(frames, from, to);

	if (!tab)
		return -1;
	for (int p = 0; p <= PHASES; p++) {
		double frac = (double)p / PHASES, sum = 0;
		float *c = tab + (size_t)p * (size_t)T;
		for (int m = 0; m < T; m++) {
			double d = (m - H + 1) - frac, u = d / H;
			double w = fabs(u) < 1 ? kaiser(u, BETA) : 0;
			double s = d == 0 ? 1 : sin(M_PI * fc * d) / (M_PI * fc * d);
			c[m] = (float)(s * w);
			sum += s * w;
		}
		for (int m = 0; m < T; m++) /* unit gain at DC in every phase */
			c[m] = (float)(c[m] / sum);
	}
	for (int64_t j = 0; j < nout; j++) {
		int64_t pos = j * from;
		int64_t i = pos / to;
		int p = (int)(((pos % to) * PHASES + to / 2) / to);
		const float *c = tab + (size_t)p * (size_t)T;
		int64_t k0 = i - H + 1;
		double l = 0, r = 0;
		if (k0 >= 0 && k0 + T <= frames) {
			const float *x = in + 2 * k0;
			for (int m = 0; m < T; m++) {
				l += c[m] * x[2 * m];
				r += c[m] * x[2 * m + 1];
			}
		} else {
			for (int m = 0; m < T; m++) {
				int64_t k = k0 + m;
				if (k < 0 || k >= frames)
					continue;
				l += c[m] * in[2 * k];
				r += c[m] * in[2 * k + 1];
			}
		}
		out[2 * j] = (float)l;
		out[2 * j + 1] = (float)r;
	}
	free(tab);
	return 0;
}
