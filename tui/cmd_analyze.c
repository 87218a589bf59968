/* lathe analyze: loudness, peak and tonal balance, as text or JSON lines.
 * Several files are compared the way an album is: the same table as the
 * album report, with the files that stand out from the median flagged. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/album_report.h"
#include "audio/analyze.h"
#include "audio/json.h"
#include "audio/status.h"
#include "audio/tonal.h"
#include "cli.h"

/* One object per file per line: the keys SPEC.md promises, then the tonal
 * balance and how the file compares with the others. */
static void jnum3(const char *key, double v)
{
	if (isfinite(v))
		printf("\"%s\": %.3f", key, v);
	else
		printf("\"%s\": null", key);
}

/* The stereo keys, and with --spectrum the 31 third octaves (SPEC.md). */
static void print_json_stereo_spectrum(const struct analysis *a)
{
	jnum3("correlation", a->correlation);
	printf(", ");
	jnum3("correlation_low", a->correlation_low);
	printf(", ");
	if (!a->has_spectrum)
		return;
	printf("\"spectrum_hz\": [");
	for (int i = 0; i < SPEC_THIRDS; i++)
		printf("%s%g", i ? ", " : "", spec_third_nominal[i]);
	printf("], \"spectrum_db\": [");
	for (int i = 0; i < SPEC_THIRDS; i++)
		printf("%s%.2f", i ? ", " : "", a->spectrum_db[i]);
	printf("], ");
}

static void print_json(const struct track_figures *t)
{
	printf("{\"file\": ");
	json_string(stdout, t->name);
	printf(", ");
	album_json_figures(stdout, t);
	printf(", ");
	print_json_stereo_spectrum(&t->a);
	album_json_outliers(stdout, t);
	printf("}\n");
}

static void fmt(char *b, size_t n, double v)
{
	if (isfinite(v))
		snprintf(b, n, "%.1f", v);
	else
		snprintf(b, n, "-inf");
}

static void print_text(const struct track_figures *t)
{
	const struct analysis *a = &t->a;
	char f[6][16];
	fmt(f[0], 16, a->integrated_lufs);
	fmt(f[1], 16, a->short_term_max_lufs);
	fmt(f[2], 16, a->lra_lu);
	fmt(f[3], 16, a->true_peak_dbtp);
	fmt(f[4], 16, a->sample_peak_dbfs);
	fmt(f[5], 16, a->plr_db);
	const char *name = t->name;
	size_t len = strlen(name);
	if (len > 28)
		name += len - 28;
	printf("%-28s %8s %8s %6s %8s %8s %6s %8.1f\n", name, f[0], f[1], f[2],
	       f[3], f[4], f[5], a->duration_s);
	if (t->t.valid) {
		printf("  tonal balance: tilt %+.1f dB/oct (0 = pink);", t->t.tilt_db_oct);
		for (int b = 0; b < TONAL_BANDS; b++)
			printf(" %s %.1f", tonal_band_names[b], t->t.band_db[b]);
		printf(" dB\n");
	}
	if (isfinite(a->correlation))
		printf("  stereo: correlation %+.2f, below 150 Hz %+.2f\n", a->correlation,
		       a->correlation_low);
	if (a->has_spectrum) {
		printf("  spectrum (Hz: dB FS RMS):");
		for (int i = 0; i < SPEC_THIRDS; i++)
			printf("%s %g: %.1f", i % 8 ? "" : "\n   ", spec_third_nominal[i],
			       a->spectrum_db[i]);
		printf("\n");
	}
}

static int measure(const char *path, struct track_figures *t, int spectrum)
{
	char err[ERRLEN];
	int rc;

	memset(t, 0, sizeof *t);
	t->name = path;
	rc = analyze_file_spectrum(path, &t->a, spectrum, err, sizeof err);
	if (rc == ST_OK)
		rc = tonal_file(path, &t->t, err, sizeof err);
	if (rc) {
		fprintf(stderr, "lathe: %s\n", err);
		return rc;
	}
	t->ok = 1;
	return ST_OK;
}

int analyze_main(const struct cli *c)
{
	struct track_figures *t;
	struct album_summary s;
	int worst = ST_OK;

	if (c->nfiles == 0) {
		fprintf(stderr, "lathe: analyze needs at least one FILE (see lathe --help)\n");
		return ST_USAGE;
	}
	/* --codec and --check: the delivery report (tui/cmd_check.c). */
	if (c->codec || c->check || c->junit)
		return analyze_delivery(c);
	t = calloc((size_t)c->nfiles, sizeof *t);
	if (!t) {
		fprintf(stderr, "lathe: out of memory\n");
		return ST_INPUT;
	}
	if (c->nfiles == 1) {
		worst = measure(c->files[0], &t[0], c->spectrum);
		if (!worst) {
			album_compare(t, 1, &s);
			if (c->json) {
				print_json(&t[0]);
			} else {
				printf("%-28s %8s %8s %6s %8s %8s %6s %8s\n", "file", "LUFS-I", "LUFS-S",
				       "LRA", "dBTP", "dBFS", "PLR", "seconds");
				print_text(&t[0]);
			}
		}
		free(t);
		return worst;
	}
	/* Several files: the comparison needs all of them first. */
	for (int i = 0; i < c->nfiles; i++) {
		int rc = measure(c->files[i], &t[i], c->spectrum);
		if (rc && !worst)
			worst = rc;
	}
	album_compare(t, c->nfiles, &s);
	if (c->json) {
		for (int i = 0; i < c->nfiles; i++)
			if (t[i].ok)
				print_json(&t[i]);
	} else if (s.n > 0) {
		album_print_table(stdout, t, c->nfiles, &s);
	}
	fflush(stdout);
	free(t);
	return worst;
}
