/* Stereo figures: see stereo.h. */
#include "stereo.h"

#include <math.h>
#include <string.h>

void stereo_init(struct stereo_acc *s, double rate)
{
	/* Bilinear Butterworth low-pass, Q 1/sqrt 2 (RBJ); twice is LR4. */
	double w = 2 * M_PI * STEREO_LOW_HZ / rate, c = cos(w), al = sin(w) / (2 * M_SQRT1_2);
	double a0 = 1 + al;

	s->b0 = (1 - c) / 2 / a0;
	s->b1 = (1 - c) / a0;
	s->b2 = s->b0;
	s->a1 = -2 * c / a0;
	s->a2 = (1 - al) / a0;
	stereo_reset(s);
}

void stereo_reset(struct stereo_acc *s)
{
	s->ll = s->rr = s->lr = s->bl = s->br = s->blr = 0;
	memset(s->z, 0, sizeof s->z);
}

static inline double section(const struct stereo_acc *s, double *z, double x)
{
	double y = s->b0 * x + s->b1 * z[0] + s->b2 * z[1] - s->a1 * z[2] - s->a2 * z[3];

	z[1] = z[0];
	z[0] = x;
	z[3] = z[2];
	z[2] = fabs(y) < 1e-30 ? 0 : y; /* no denormals in silence */
	return z[2];
}

void stereo_add(struct stereo_acc *s, const float *stereo, int64_t frames)
{
	for (int64_t i = 0; i < frames; i++) {
		double l = stereo[2 * i], r = stereo[2 * i + 1];
		if (!isfinite(l))
			l = 0;
		if (!isfinite(r))
			r = 0;
		s->ll += l * l;
		s->rr += r * r;
		s->lr += l * r;
		double fl = section(s, s->z[1][0], section(s, s->z[0][0], l));
		double fr = section(s, s->z[1][1], section(s, s->z[0][1], r));
		s->bl += fl * fl;
		s->br += fr * fr;
		s->blr += fl * fr;
	}
}

double stereo_corr(double ll, double rr, double lr, double floor)
{
	if (!(ll > floor && rr > floor))
		return NAN;
	double c = lr / sqrt(ll * rr);
	return c > 1 ? 1 : c < -1 ? -1 : c;
}

static double corr(double ll, double rr, double lr)
{
	return stereo_corr(ll, rr, lr, 1e-20);
}

double stereo_correlation(const struct stereo_acc *s)
{
	return corr(s->ll, s->rr, s->lr);
}

double stereo_correlation_low(const struct stereo_acc *s)
{
	return corr(s->bl, s->br, s->blr);
}

double stereo_balance_db(const struct stereo_acc *s)
{
	if (!(s->ll > 1e-20 || s->rr > 1e-20))
		return NAN;
	if (!(s->ll > 1e-20))
		return INFINITY;
	if (!(s->rr > 1e-20))
		return -INFINITY;
	return 10 * log10(s->rr / s->ll);
}

double stereo_width_db(const struct stereo_acc *s)
{
	double m = s->ll + s->rr + 2 * s->lr, sd = s->ll + s->rr - 2 * s->lr;

	if (!(m > 1e-20))
		return sd > 1e-20 ? INFINITY : NAN;
	return sd > 1e-20 * m ? 10 * log10(sd / m) : -INFINITY;
}
