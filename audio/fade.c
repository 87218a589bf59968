#include "fade.h"

#include <math.h>

void fade_init(struct fade *f, int rate, int64_t total, double in_s, double out_s)
{
	f->total = total > 0 ? total : 0;
	f->in = in_s > 0 ? (int64_t)llround(in_s * rate) : 0;
	f->out = out_s > 0 ? (int64_t)llround(out_s * rate) : 0;
	if (f->in > f->total)
		f->in = f->total;
	if (f->out > f->total)
		f->out = f->total;
}

double fade_gain(const struct fade *f, int64_t pos)
{
	double g = 1;

	if (pos < f->in)
		g *= sin(M_PI / 2 * (double)pos / (double)f->in);
	if (pos >= f->total - f->out && f->out > 0) {
		int64_t left = f->total - 1 - pos;
		g *= sin(M_PI / 2 * (double)(left > 0 ? left : 0) / (double)f->out);
	}
	return g;
}

void fade_apply(const struct fade *f, float *stereo, int64_t pos, int n)
{
	/* Only the frames inside a fade are touched: the rest keep their
	 * samples bit for bit. */
	if (pos >= f->in && pos + n <= f->total - f->out)
		return;
	for (int i = 0; i < n; i++) {
		int64_t p = pos + i;
		if (p >= f->in && p < f->total - f->out)
			continue;
		double g = fade_gain(f, p);
		stereo[2 * i] = (float)(stereo[2 * i] * g);
		stereo[2 * i + 1] = (float)(stereo[2 * i + 1] * g);
	}
}
