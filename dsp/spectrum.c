/* Spectrum analysis: see spectrum.h.
 *
 * The power normalisation is Parseval's: for a frame x windowed by w,
 * sum (x w)^2 = (1/N) sum |X_k|^2, so |X_k|^2 / (N sum w^2), doubled for
 * the bins that stand for a negative frequency too, adds up to the mean
 * square of a stationary signal.  A sine's power spreads over the Hann
 * main lobe (+-2 bins); a band at least three bins wide around it holds
 * all but 0.02 dB of it, which is why each band picks an FFT long enough. */
#include "spectrum.h"

#include <kiss_fftr.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const double spec_third_nominal[SPEC_THIRDS] = {
	20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630,
	800, 1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000,
	12500, 16000, 20000,
};

const double spec_range_edges[SPEC_RANGES + 1] = { 0, 150, 5000, 1e9 };

void spec_bands_thirds(struct spec_bands *b)
{
	b->n = SPEC_THIRDS;
	for (int i = 0; i < SPEC_THIRDS; i++) {
		double c = 1000.0 * pow(10.0, (i - 17) / 10.0);
		b->centre[i] = c;
		b->lo[i] = c * pow(10.0, -0.05);
		b->hi[i] = c * pow(10.0, 0.05);
	}
}

int spec_bands_fraction(struct spec_bands *b, int per_octave, double fmin, double fmax)
{
	/* From the band that holds fmin to the one that holds fmax. */
	int kmin = (int)lround(per_octave * log2(fmin / 1000.0));
	int kmax = (int)lround(per_octave * log2(fmax / 1000.0));
	double half = pow(2.0, 0.5 / per_octave);

	b->n = 0;
	for (int k = kmin; k <= kmax && b->n < SPEC_MAX_BANDS; k++) {
		double c = 1000.0 * pow(2.0, (double)k / per_octave);
		b->centre[b->n] = c;
		b->lo[b->n] = c / half;
		b->hi[b->n] = c * half;
		b->n++;
	}
	return b->n;
}

int spec_fft_size_for(double rate)
{
	int n = 1024;

	while (n < rate && n < (1 << 20))
		n <<= 1;
	return n;
}

struct spec_fft {
	int n;
	kiss_fftr_cfg cfg;
	float *win, *in;
	double *scale;  /* per bin: sqrt(c_k / (N sum w^2)) */
	kiss_fft_cpx *out;
};

struct spec_fft *spec_fft_new(int n)
{
	struct spec_fft *f = calloc(1, sizeof *f);
	double sw2 = 0;

	if (!f)
		return NULL;
	f->n = n;
	f->cfg = kiss_fftr_alloc(n, 0, NULL, NULL);
	f->win = malloc(sizeof *f->win * (size_t)n);
	f->in = malloc(sizeof *f->in * (size_t)n);
	f->scale = malloc(sizeof *f->scale * (size_t)(n / 2 + 1));
	f->out = malloc(sizeof *f->out * (size_t)(n / 2 + 1));
	if (!f->cfg || !f->win || !f->in || !f->scale || !f->out) {
		spec_fft_free(f);
		return NULL;
	}
	/* Periodic Hann: the form whose overlap at 50% adds to a constant. */
	for (int i = 0; i < n; i++) {
		double w = 0.5 - 0.5 * cos(2 * M_PI * i / n);
		f->win[i] = (float)w;
		sw2 += w * w;
	}
	for (int k = 0; k <= n / 2; k++)
		f->scale[k] = sqrt((k == 0 || k == n / 2 ? 1.0 : 2.0) / (n * sw2));
	return f;
}

void spec_fft_free(struct spec_fft *f)
{
	if (!f)
		return;
	kiss_fftr_free(f->cfg);
	free(f->win);
	free(f->in);
	free(f->scale);
	free(f->out);
	free(f);
}

int spec_fft_size(const struct spec_fft *f)
{
	return f->n;
}

void spec_fft_run(struct spec_fft *f, const float *x, int stride, float *out)
{
	for (int i = 0; i < f->n; i++) {
		float v = x[(size_t)i * (size_t)stride];
		f->in[i] = isfinite(v) ? v * f->win[i] : 0.0f;
	}
	kiss_fftr(f->cfg, f->in, f->out);
	for (int k = 0; k <= f->n / 2; k++) {
		out[2 * k] = (float)(f->out[k].r * f->scale[k]);
		out[2 * k + 1] = (float)(f->out[k].i * f->scale[k]);
	}
}

double spec_band_sum(const double *v, int nbins, double bin_hz, double lo, double hi)
{
	double a = lo / bin_hz + 0.5, b = hi / bin_hz + 0.5; /* in bin edges */
	int k0 = (int)floor(a), k1 = (int)floor(b);
	double sum = 0;

	if (k0 < 0)
		k0 = 0, a = 0;
	for (int k = k0; k <= k1 && k < nbins; k++) {
		double from = k > a ? k : a, to = k + 1 < b ? k + 1 : b;
		if (to > from)
			sum += v[k] * (to - from);
	}
	return sum;
}

/* Per-bin power of both channels and their cross-power, from two runs. */
static void bin_powers(const float *xl, const float *xr, int nb, double *pl, double *pr,
		       double *cr)
{
	for (int k = 0; k < nb; k++) {
		double lr = xl[2 * k], li = xl[2 * k + 1], rr = xr[2 * k], ri = xr[2 * k + 1];
		pl[k] = lr * lr + li * li;
		pr[k] = rr * rr + ri * ri;
		if (cr)
			cr[k] = lr * rr + li * ri;
	}
}

static double to_db(double p)
{
	return p > 1e-15 ? 10.0 * log10(p) : SPEC_FLOOR_DB;
}

/* ---- Welch ---------------------------------------------------------- */

struct spec_welch {
	double rate;
	struct spec_fft *fft;
	int n, hop;
	float *ring;            /* n stereo frames, oldest at pos once full */
	int pos;
	int64_t total, since;   /* frames seen; since the last frame ran */
	float *xl, *xr, *lin;   /* FFT outputs; the ring in order */
	double *pl, *pr, *sum;  /* this frame; the accumulated mean */
	long frames;
};

struct spec_welch *spec_welch_new(double rate)
{
	struct spec_welch *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	w->rate = rate;
	w->n = spec_fft_size_for(rate);
	w->hop = w->n / 2;
	w->fft = spec_fft_new(w->n);
	size_t nb = (size_t)w->n / 2 + 1;
	w->ring = calloc((size_t)w->n * 2, sizeof *w->ring);
	w->lin = calloc((size_t)w->n * 2, sizeof *w->lin);
	w->xl = malloc(sizeof *w->xl * nb * 2);
	w->xr = malloc(sizeof *w->xr * nb * 2);
	w->pl = malloc(sizeof *w->pl * nb);
	w->pr = malloc(sizeof *w->pr * nb);
	w->sum = calloc(nb, sizeof *w->sum);
	if (!w->fft || !w->ring || !w->lin || !w->xl || !w->xr || !w->pl || !w->pr || !w->sum) {
		spec_welch_free(w);
		return NULL;
	}
	return w;
}

void spec_welch_free(struct spec_welch *w)
{
	if (!w)
		return;
	spec_fft_free(w->fft);
	free(w->ring);
	free(w->lin);
	free(w->xl);
	free(w->xr);
	free(w->pl);
	free(w->pr);
	free(w->sum);
	free(w);
}

/* One frame of the ring (in time order) into sum, with a weight. */
static void welch_frame(struct spec_welch *w, double *sum, double weight)
{
	int nb = w->n / 2 + 1;
	size_t first = (size_t)w->pos * 2, len = (size_t)w->n * 2;

	memcpy(w->lin, w->ring + first, (len - first) * sizeof *w->lin);
	memcpy(w->lin + (len - first), w->ring, first * sizeof *w->lin);
	spec_fft_run(w->fft, w->lin, 2, w->xl);
	spec_fft_run(w->fft, w->lin + 1, 2, w->xr);
	bin_powers(w->xl, w->xr, nb, w->pl, w->pr, NULL);
	for (int k = 0; k < nb; k++)
		sum[k] += weight * 0.5 * (w->pl[k] + w->pr[k]);
}

void spec_welch_add(struct spec_welch *w, const float *stereo, int64_t frames)
{
	for (int64_t i = 0; i < frames; i++) {
		w->ring[2 * w->pos] = stereo[2 * i];
		w->ring[2 * w->pos + 1] = stereo[2 * i + 1];
		w->pos = (w->pos + 1) & (w->n - 1);
		w->total++;
		w->since++;
		if (w->total >= w->n && w->since >= w->hop) {
			welch_frame(w, w->sum, 1.0);
			w->frames++;
			w->since = 0;
		}
	}
}

void spec_welch_bands(struct spec_welch *w, const struct spec_bands *b, double *db)
{
	int nb = w->n / 2 + 1;
	double *acc = calloc((size_t)nb, sizeof *acc);
	double bin_hz = w->rate / w->n;
	double count = (double)w->frames;

	if (!acc) {
		for (int i = 0; i < b->n; i++)
			db[i] = NAN;
		return;
	}
	memcpy(acc, w->sum, sizeof *acc * (size_t)nb);
	if (w->total > 0 && w->total < w->n) {
		/* Shorter than one frame: the samples sit at the end of the
		 * ring with zeros before them; the window's energy over what
		 * is there says how much of the mean square the frame saw. */
		double all = 0, part = 0;
		for (int i = 0; i < w->n; i++) {
			double v = 0.5 - 0.5 * cos(2 * M_PI * i / w->n);
			all += v * v;
			if (i >= w->n - w->total)
				part += v * v;
		}
		welch_frame(w, acc, part > 0 ? all / part : 0);
		count = 1;
	} else if (w->since > 0 && w->total >= w->n) {
		welch_frame(w, acc, (double)w->since / w->hop);
		count += (double)w->since / w->hop;
	}
	for (int i = 0; i < b->n; i++) {
		double p = count > 0 ? spec_band_sum(acc, nb, bin_hz, b->lo[i], b->hi[i]) / count : 0;
		db[i] = to_db(p);
	}
	free(acc);
}
