#include "analyze.h"

#include <ebur128.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dsp/spectrum.h"
#include "dsp/stereo.h"
#include "source.h"
#include "status.h"

/* Short-term and momentary maxima are read every 100 ms, the rate EBU
 * Tech 3341 asks meters to update at. */
#define HOP_MS 100

static double db(double lin)
{
	return lin > 0 ? 20.0 * log10(lin) : -INFINITY;
}

int analyze_file(const char *path, struct analysis *a, char *err, int errlen)
{
	return analyze_file_spectrum(path, a, 0, err, errlen);
}

int analyze_file_spectrum(const char *path, struct analysis *a, int spectrum,
			  char *err, int errlen)
{
	struct source *src;
	struct spec_welch *welch = NULL;
	struct stereo_acc sa;
	int rc = source_open(&src, path, err, errlen);
	int rate, hop;
	float *buf;
	ebur128_state *st;

	if (rc)
		return rc;
	rate = source_rate(src);
	hop = rate * HOP_MS / 1000;
	buf = malloc((size_t)hop * 2 * sizeof *buf);
	/* The file's own channel count matters for loudness: a mono file
	 * read as dual mono would measure 3 dB loud, so weight it as one. */
	st = ebur128_init(2, (unsigned long)rate,
			  EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA |
			  EBUR128_MODE_SAMPLE_PEAK | EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_HISTOGRAM);
	stereo_init(&sa, rate);
	if (spectrum)
		welch = spec_welch_new(rate);
	if (!buf || !st || (spectrum && !welch)) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		rc = ST_INPUT;
		goto out;
	}
	if (source_channels(src) == 1) {
		ebur128_set_channel(st, 0, EBUR128_LEFT);
		ebur128_set_channel(st, 1, EBUR128_UNUSED);
	}
	a->short_term_max_lufs = a->momentary_max_lufs = -INFINITY;
	int64_t frames = 0;
	for (;;) {
		int64_t n = source_read(src, buf, hop);
		if (n < 0) {
			snprintf(err, (size_t)errlen, "%s", source_error(src));
			rc = ST_INPUT;
			goto out;
		}
		if (n == 0)
			break;
		for (int64_t i = 0; i < 2 * n; i++)
			if (!isfinite(buf[i]))
				buf[i] = 0;
		ebur128_add_frames_float(st, buf, (size_t)n);
		stereo_add(&sa, buf, n);
		if (welch)
			spec_welch_add(welch, buf, n);
		frames += n;
		double s, m;
		if (frames >= rate * 3 && ebur128_loudness_shortterm(st, &s) == EBUR128_SUCCESS &&
		    s > a->short_term_max_lufs)
			a->short_term_max_lufs = s;
		if (frames >= rate * 4 / 10 && ebur128_loudness_momentary(st, &m) == EBUR128_SUCCESS &&
		    m > a->momentary_max_lufs)
			a->momentary_max_lufs = m;
	}
	double tp = 0, sp = 0, v;
	int chans = source_channels(src);
	for (int ch = 0; ch < chans; ch++) {
		if (ebur128_true_peak(st, (unsigned)ch, &v) == EBUR128_SUCCESS && v > tp)
			tp = v;
		if (ebur128_sample_peak(st, (unsigned)ch, &v) == EBUR128_SUCCESS && v > sp)
			sp = v;
	}
	ebur128_loudness_global(st, &a->integrated_lufs);
	if (ebur128_loudness_range(st, &a->lra_lu) != EBUR128_SUCCESS)
		a->lra_lu = 0;
	a->true_peak_dbtp = db(tp > sp ? tp : sp);
	a->sample_peak_dbfs = db(sp);
	a->plr_db = a->true_peak_dbtp - a->integrated_lufs;
	a->duration_s = (double)frames / rate;
	a->sample_rate = rate;
	a->channels = chans;
	a->correlation = stereo_correlation(&sa);
	a->correlation_low = stereo_correlation_low(&sa);
	a->has_spectrum = welch != NULL;
	if (welch) {
		struct spec_bands b;
		spec_bands_thirds(&b);
		spec_welch_bands(welch, &b, a->spectrum_db);
	}
out:
	spec_welch_free(welch);
	if (st)
		ebur128_destroy(&st);
	free(buf);
	source_close(src);
	return rc;
}
