/* Tonal balance by Welch's method: Hann-windowed FFT frames with 50%
 * overlap, power summed over the whole file, then grouped into bands.
 * Energy-weighted averaging lets the loud passages speak for the track,
 * as they do for a listener; silence adds nothing. */
#include "tonal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "status.h"

const char *const tonal_band_names[TONAL_BANDS] = {
	"sub", "low", "low_mid", "high_mid", "high", "air",
};
const double tonal_band_edges[TONAL_BANDS + 1] = {
	20, 60, 250, 2000, 6000, 12000, 20000,
};

/* Third-octave centres 1000 * 2^(k/3) for k in this range: 50 Hz to 16 kHz. */
#define TILT_K_MIN (-13)
#define TILT_K_MAX 12

struct tonal_state {
	int rate, n, hop, fill;
	float *frame;      /* n interleaved stereo frames, the newest last */
	double *win;       /* Hann window */
	double *re, *im;   /* FFT work */
	double *cs, *sn;   /* twiddles: cos and sin(-2 pi k / n), k < n/2 */
	double *power;     /* accumulated power per bin, 0..n/2 */
	int fresh;         /* frames in frame[] not yet part of an FFT */
};

/* In-place radix-2 decimation-in-time FFT of length n (a power of two). */
static void fft(double *re, double *im, int n, const double *cs, const double *sn)
{
	for (int i = 1, j = 0; i < n; i++) {
		int bit = n >> 1;
		for (; j & bit; bit >>= 1)
			j ^= bit;
		j |= bit;
		if (i < j) {
			double t = re[i]; re[i] = re[j]; re[j] = t;
			t = im[i]; im[i] = im[j]; im[j] = t;
		}
	}
	for (int len = 2; len <= n; len <<= 1) {
		int half = len >> 1, step = n / len;
		for (int i = 0; i < n; i += len)
			for (int k = 0; k < half; k++) {
				double wr = cs[k * step], wi = sn[k * step];
				double xr = re[i + k + half], xi = im[i + k + half];
				double tr = xr * wr - xi * wi, ti = xr * wi + xi * wr;
				re[i + k + half] = re[i + k] - tr;
				im[i + k + half] = im[i + k] - ti;
				re[i + k] += tr;
				im[i + k] += ti;
			}
	}
}

/* Adds the power of frame (n stereo frames) to acc.  Left and right go
 * through one complex FFT as real and imaginary parts; the sum of their
 * power spectra is then (|X[k]|^2 + |X[n-k]|^2) / 2. */
static void accumulate(struct tonal_state *t, const float *frame, double *acc)
{
	int n = t->n;
	for (int i = 0; i < n; i++) {
		double l = frame[2 * i], r = frame[2 * i + 1];
		/* NaN or infinity would poison the whole sum; they carry no tone. */
		t->re[i] = isfinite(l) ? l * t->win[i] : 0;
		t->im[i] = isfinite(r) ? r * t->win[i] : 0;
	}
	fft(t->re, t->im, n, t->cs, t->sn);
	for (int k = 0; k <= n / 2; k++) {
		int m = (n - k) & (n - 1);
		acc[k] += 0.5 * (t->re[k] * t->re[k] + t->im[k] * t->im[k] +
				 t->re[m] * t->re[m] + t->im[m] * t->im[m]);
	}
}

struct tonal_state *tonal_new(int rate)
{
	struct tonal_state *t;
	int n = 1024;

	if (rate < 8000 || rate > 768000)
		return NULL;
	/* Bins of at most 4 Hz keep a few of them in the 50 Hz third-octave. */
	while (n < rate / 4)
		n <<= 1;
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->rate = rate;
	t->n = n;
	t->hop = n / 2;
	t->frame = calloc((size_t)n * 2, sizeof *t->frame);
	t->win = malloc((size_t)n * sizeof *t->win);
	t->re = malloc((size_t)n * sizeof *t->re);
	t->im = malloc((size_t)n * sizeof *t->im);
	t->cs = malloc((size_t)(n / 2) * sizeof *t->cs);
	t->sn = malloc((size_t)(n / 2) * sizeof *t->sn);
	t->power = calloc((size_t)(n / 2 + 1), sizeof *t->power);
	if (!t->frame || !t->win || !t->re || !t->im || !t->cs || !t->sn || !t->power) {
		tonal_free(t);
		return NULL;
	}
	for (int i = 0; i < n; i++)
		t->win[i] = 0.5 - 0.5 * cos(2 * M_PI * i / n);
	for (int k = 0; k < n / 2; k++) {
		t->cs[k] = cos(2 * M_PI * k / n);
		t->sn[k] = -sin(2 * M_PI * k / n);
	}
	/* The first frame starts half a frame of silence early, so the
	 * file's first samples are weighted like every other sample. */
	t->fill = t->hop;
	return t;
}

void tonal_free(struct tonal_state *t)
{
	if (!t)
		return;
	free(t->frame);
	free(t->win);
	free(t->re);
	free(t->im);
	free(t->cs);
	free(t->sn);
	free(t->power);
	free(t);
}

void tonal_add(struct tonal_state *t, const float *stereo, int64_t frames)
{
	while (frames > 0) {
		int take = t->n - t->fill;
		if (take > frames)
			take = (int)frames;
		memcpy(t->frame + 2 * t->fill, stereo, (size_t)take * 2 * sizeof *stereo);
		t->fill += take;
		t->fresh += take;
		stereo += 2 * take;
		frames -= take;
		if (t->fill == t->n) {
			accumulate(t, t->frame, t->power);
			memmove(t->frame, t->frame + 2 * t->hop, (size_t)(t->n - t->hop) * 2 * sizeof *t->frame);
			t->fill = t->n - t->hop;
			t->fresh = 0;
		}
	}
}

/* Energy in [lo, hi) Hz. */
static double band_energy(const struct tonal_state *t, const double *p, double lo, double hi)
{
	double e = 0;
	int k0 = (int)ceil(lo * t->n / t->rate), k1 = (int)ceil(hi * t->n / t->rate);
	if (k0 < 1)
		k0 = 1;
	if (k1 > t->n / 2 + 1)
		k1 = t->n / 2 + 1;
	for (int k = k0; k < k1; k++)
		e += p[k];
	return e;
}

void tonal_get(struct tonal_state *t, struct tonal *out)
{
	int nb = t->n / 2 + 1;
	double *p = malloc((size_t)nb * sizeof *p);
	double total;

	out->valid = 0;
	out->tilt_db_oct = NAN;
	for (int b = 0; b < TONAL_BANDS; b++)
		out->band_db[b] = NAN;
	if (!p)
		return;
	memcpy(p, t->power, (size_t)nb * sizeof *p);
	/* The tail: samples not yet in a full frame, padded with silence
	 * (as the head was). */
	if (t->fresh > 0) {
		float *last = calloc((size_t)t->n * 2, sizeof *last);
		if (last) {
			memcpy(last, t->frame, (size_t)t->fill * 2 * sizeof *last);
			accumulate(t, last, p);
			free(last);
		}
	}
	total = band_energy(t, p, tonal_band_edges[0], tonal_band_edges[TONAL_BANDS]);
	if (!(total > 0) || !isfinite(total)) {
		free(p);
		return;
	}
	for (int b = 0; b < TONAL_BANDS; b++) {
		double e = band_energy(t, p, tonal_band_edges[b], tonal_band_edges[b + 1]);
		double d = e > 0 ? 10 * log10(e / total) : TONAL_FLOOR_DB;
		out->band_db[b] = d < TONAL_FLOOR_DB ? TONAL_FLOOR_DB : d;
	}
	/* Straight line through (octave, dB) of the third-octave bands below
	 * Nyquist.  Energy per third-octave is flat for pink noise. */
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	int m = 0;
	for (int k = TILT_K_MIN; k <= TILT_K_MAX; k++) {
		double fc = 1000 * pow(2, k / 3.0), lo = fc * pow(2, -1 / 6.0), hi = fc * pow(2, 1 / 6.0);
		if (hi > t->rate / 2.0)
			break;
		double e = band_energy(t, p, lo, hi);
		double y = e > 0 ? 10 * log10(e / total) : TONAL_FLOOR_DB;
		double x = k / 3.0;
		if (y < TONAL_FLOOR_DB)
			y = TONAL_FLOOR_DB;
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
		m++;
	}
	if (m >= 3)
		out->tilt_db_oct = (m * sxy - sx * sy) / (m * sxx - sx * sx);
	out->valid = 1;
	free(p);
}

int tonal_file(const char *path, struct tonal *out, char *err, int errlen)
{
	struct source *src;
	struct tonal_state *t;
	float *buf;
	int rc = source_open(&src, path, err, errlen);

	if (rc)
		return rc;
	t = tonal_new(source_rate(src));
	buf = malloc(4096 * 2 * sizeof *buf);
	if (!t || !buf) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		rc = ST_INPUT;
		goto out;
	}
	for (;;) {
		int64_t n = source_read(src, buf, 4096);
		if (n < 0) {
			snprintf(err, (size_t)errlen, "%s", source_error(src));
			rc = ST_INPUT;
			goto out;
		}
		if (n == 0)
			break;
		tonal_add(t, buf, n);
	}
	tonal_get(t, out);
out:
	free(buf);
	tonal_free(t);
	source_close(src);
	return rc;
}
