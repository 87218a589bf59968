/* The album comparison: which track stands out, as a table and as JSON. */
#include "album_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

double album_loudness(const double *lufs, const double *seconds, int n)
{
	double e = 0, t = 0;
	for (int i = 0; i < n; i++) {
		if (!isfinite(lufs[i]) || !(seconds[i] > 0))
			continue;
		e += seconds[i] * pow(10, lufs[i] / 10);
		t += seconds[i];
	}
	return t > 0 && e > 0 ? 10 * log10(e / t) : -INFINITY;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of the finite values among n; NaN when there are none. */
static double median(double *x, int n)
{
	int m = 0;
	for (int i = 0; i < n; i++)
		if (isfinite(x[i]))
			x[m++] = x[i];
	if (m == 0)
		return NAN;
	qsort(x, (size_t)m, sizeof *x, cmp_double);
	return m % 2 ? x[m / 2] : 0.5 * (x[m / 2 - 1] + x[m / 2]);
}

void album_compare(struct track_figures *t, int n, struct album_summary *s)
{
	double *x = malloc((size_t)(n ? n : 1) * sizeof *x);
	double *dur = malloc((size_t)(n ? n : 1) * sizeof *dur);
	double lo = INFINITY, hi = -INFINITY;
	int m;

	memset(s, 0, sizeof *s);
	s->max_true_peak = -INFINITY;
	if (!x || !dur) {
		free(x);
		free(dur);
		return;
	}
#define MEDIAN_OF(expr, out) do { \
		m = 0; \
		for (int i = 0; i < n; i++) \
			if (t[i].ok) \
				x[m++] = (expr); \
		(out) = median(x, m); \
	} while (0)
	MEDIAN_OF(t[i].a.integrated_lufs, s->median_lufs);
	MEDIAN_OF(t[i].a.lra_lu, s->median_lra);
	MEDIAN_OF(t[i].a.plr_db, s->median_plr);
	MEDIAN_OF(t[i].t.tilt_db_oct, s->median_tilt);
	for (int b = 0; b < TONAL_BANDS; b++)
		MEDIAN_OF(t[i].t.band_db[b], s->median_band[b]);
#undef MEDIAN_OF
	m = 0;
	for (int i = 0; i < n; i++) {
		struct track_figures *f = &t[i];
		f->flags = 0;
		if (!f->ok)
			continue;
		x[m] = f->a.integrated_lufs;
		dur[m++] = f->a.duration_s;
		s->n++;
		if (isfinite(f->a.integrated_lufs)) {
			lo = fmin(lo, f->a.integrated_lufs);
			hi = fmax(hi, f->a.integrated_lufs);
		}
		s->max_true_peak = fmax(s->max_true_peak, f->a.true_peak_dbtp);
		f->d_lufs = f->a.integrated_lufs - s->median_lufs;
		f->d_lra = f->a.lra_lu - s->median_lra;
		f->d_plr = f->a.plr_db - s->median_plr;
		f->d_tilt = f->t.tilt_db_oct - s->median_tilt;
		if (fabs(f->d_lufs) > OUTLIER_LOUDNESS_LU)
			f->flags |= OUT_LOUDNESS;
		if (fabs(f->d_lra) > OUTLIER_LRA_LU)
			f->flags |= OUT_LRA;
		if (fabs(f->d_plr) > OUTLIER_PLR_DB)
			f->flags |= OUT_PLR;
		if (fabs(f->d_tilt) > OUTLIER_TILT_DB_OCT)
			f->flags |= OUT_TILT;
		for (int b = 0; b < TONAL_BANDS; b++) {
			f->d_band[b] = f->t.band_db[b] - s->median_band[b];
			if (fabs(f->d_band[b]) > OUTLIER_BAND_DB)
				f->flags |= OUT_BAND0 << b;
		}
		/* A silent track has nothing to compare. */
		if (!isfinite(f->a.integrated_lufs))
			f->flags |= OUT_LOUDNESS;
		s->outliers += f->flags != 0;
	}
	s->album_lufs = album_loudness(x, dur, m);
	s->spread_lu = hi >= lo ? hi - lo : 0;
	free(x);
	free(dur);
}

void album_flag_text(const struct track_figures *t, char *buf, int size)
{
	size_t len = 0, n = (size_t)size;
	buf[0] = 0;
#define ADD(...) do { \
		if (len < n) \
			len += (size_t)snprintf(buf + len, n - len, __VA_ARGS__); \
	} while (0)
	if (t->flags & OUT_LOUDNESS) {
		if (isfinite(t->d_lufs))
			ADD("%sloudness %+.1f LU", len ? ", " : "", t->d_lufs);
		else
			ADD("%ssilent", len ? ", " : "");
	}
	if (t->flags & OUT_LRA)
		ADD("%sLRA %+.1f LU", len ? ", " : "", t->d_lra);
	if (t->flags & OUT_PLR)
		ADD("%sPLR %+.1f dB", len ? ", " : "", t->d_plr);
	if (t->flags & OUT_TILT)
		ADD("%stilt %+.1f dB/oct (%s)", len ? ", " : "", t->d_tilt,
		    t->d_tilt > 0 ? "brighter" : "darker");
	for (int b = 0; b < TONAL_BANDS; b++)
		if (t->flags & (OUT_BAND0 << b))
			ADD("%s%s %+.1f dB", len ? ", " : "", tonal_band_names[b], t->d_band[b]);
#undef ADD
}

static void cell(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		snprintf(buf, n, "-");
	else if (fabs(v) >= 99.95)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%.1f", v);
}

static void row(FILE *f, const char *mark, const char *name, double lufs, double lra,
		double tp, double plr, double tilt, const double *bands)
{
	char c[11][16];
	size_t len = strlen(name);
	cell(c[0], 16, lufs);
	cell(c[1], 16, lra);
	cell(c[2], 16, tp);
	cell(c[3], 16, plr);
	cell(c[4], 16, tilt);
	for (int b = 0; b < TONAL_BANDS; b++)
		cell(c[5 + b], 16, bands[b]);
	/* The end of a long name tells tracks apart; the start is a folder. */
	if (len > 18)
		fprintf(f, "%s..%-16s", mark, name + len - 16);
	else
		fprintf(f, "%s%-18s", mark, name);
	fprintf(f, "%6s%5s%6s%5s%6s", c[0], c[1], c[2], c[3], c[4]);
	for (int b = 0; b < TONAL_BANDS; b++)
		fprintf(f, "%6s", c[5 + b]);
	fputc('\n', f);
}

void album_print_table(FILE *f, const struct track_figures *t, int n,
		       const struct album_summary *s)
{
	/* 80 columns: 20 for the name, 28 for loudness, 36 for tone. */
	fprintf(f, "  %-18s%6s%5s%6s%5s%6s%6s%6s%6s%6s%6s%6s\n", "track", "LUFS", "LRA", "dBTP",
		"PLR", "tilt", "sub", "low", "lomid", "himid", "high", "air");
	for (int i = 0; i < n; i++) {
		if (!t[i].ok) {
			fprintf(f, "  %-18.18s  (not measured)\n", t[i].name);
			continue;
		}
		row(f, t[i].flags ? "* " : "  ", t[i].name, t[i].a.integrated_lufs, t[i].a.lra_lu,
		    t[i].a.true_peak_dbtp, t[i].a.plr_db, t[i].t.tilt_db_oct, t[i].t.band_db);
	}
	if (s->n > 1)
		row(f, "  ", "median", s->median_lufs, s->median_lra, NAN, s->median_plr,
		    s->median_tilt, s->median_band);
	fprintf(f, "  (LUFS integrated; LRA in LU; tilt in dB/oct, 0 = pink; bands in dB of the total)\n");
	if (s->n < 2)
		return;
	fprintf(f, "\nalbum: %.1f LUFS over all tracks, loudness spread %.1f LU, highest true peak %.1f dBTP\n",
		s->album_lufs, s->spread_lu, s->max_true_peak);
	if (!s->outliers) {
		fprintf(f, "no track stands out from the median (loudness %.0f LU, tilt %.0f dB/oct, bands %.0f dB, LRA %.0f LU, PLR %.0f dB)\n",
			OUTLIER_LOUDNESS_LU, OUTLIER_TILT_DB_OCT, OUTLIER_BAND_DB, OUTLIER_LRA_LU, OUTLIER_PLR_DB);
		return;
	}
	fprintf(f, "stands out from the album median:\n");
	for (int i = 0; i < n; i++) {
		char buf[512];
		if (!t[i].ok || !t[i].flags)
			continue;
		album_flag_text(&t[i], buf, sizeof buf);
		fprintf(f, "  %s: %s\n", t[i].name, buf);
	}
}

/* ---- JSON ------------------------------------------------------------- */

void album_json_figures(FILE *f, const struct track_figures *t)
{
	const struct analysis *a = &t->a;
	json_num(f, "integrated_lufs", a->integrated_lufs, ", ");
	json_num(f, "short_term_max_lufs", a->short_term_max_lufs, ", ");
	json_num(f, "momentary_max_lufs", a->momentary_max_lufs, ", ");
	json_num(f, "lra_lu", a->lra_lu, ", ");
	json_num(f, "true_peak_dbtp", a->true_peak_dbtp, ", ");
	json_num(f, "sample_peak_dbfs", a->sample_peak_dbfs, ", ");
	json_num(f, "plr_db", a->plr_db, ", ");
	fprintf(f, "\"duration_s\": %.3f, \"sample_rate\": %d, \"channels\": %d, ",
		a->duration_s, a->sample_rate, a->channels);
	json_num(f, "tilt_db_oct", t->t.tilt_db_oct, ", ");
	fprintf(f, "\"bands_db\": {");
	for (int b = 0; b < TONAL_BANDS; b++)
		json_num(f, tonal_band_names[b], t->t.band_db[b], b + 1 < TONAL_BANDS ? ", " : "");
	fprintf(f, "}");
}

void album_json_outliers(FILE *f, const struct track_figures *t)
{
	const char *sep = "";
	fprintf(f, "\"outlier\": %s, \"outliers\": {", t->flags ? "true" : "false");
#define ONE(bit, key, d) do { \
		if (t->flags & (bit)) { \
			fputs(sep, f); \
			json_num(f, key, d, ""); \
			sep = ", "; \
		} \
	} while (0)
	/* Names of their own, so that line tools looking for a figure's key
	 * never pick up a difference instead. */
	ONE(OUT_LOUDNESS, "loudness_off_lu", t->d_lufs);
	ONE(OUT_LRA, "lra_off_lu", t->d_lra);
	ONE(OUT_PLR, "plr_off_db", t->d_plr);
	ONE(OUT_TILT, "tilt_off_db_oct", t->d_tilt);
	for (int b = 0; b < TONAL_BANDS; b++) {
		char key[32];
		snprintf(key, sizeof key, "%s_off_db", tonal_band_names[b]);
		ONE(OUT_BAND0 << b, key, t->d_band[b]);
	}
#undef ONE
	fprintf(f, "}");
}

void album_json_summary(FILE *f, const struct album_summary *s)
{
	json_num(f, "album_lufs", s->album_lufs, ", ");
	json_num(f, "loudness_spread_lu", s->spread_lu, ", ");
	json_num(f, "max_true_peak_dbtp", s->max_true_peak, ", ");
	fprintf(f, "\"median\": {");
	json_num(f, "integrated_lufs", s->median_lufs, ", ");
	json_num(f, "lra_lu", s->median_lra, ", ");
	json_num(f, "plr_db", s->median_plr, ", ");
	json_num(f, "tilt_db_oct", s->median_tilt, ", ");
	fprintf(f, "\"bands_db\": {");
	for (int b = 0; b < TONAL_BANDS; b++)
		json_num(f, tonal_band_names[b], s->median_band[b], b + 1 < TONAL_BANDS ? ", " : "");
	fprintf(f, "}}, \"outliers\": %d", s->outliers);
}
