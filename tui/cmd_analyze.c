/* lathe analyze: loudness and peak report, as text or JSON lines. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "audio/analyze.h"
#include "audio/status.h"
#include "cli.h"

/* JSON has no infinity: silence reads as null. */
static void jnum(const char *key, double v, int last)
{
	if (isfinite(v))
		printf("\"%s\": %.2f%s", key, v, last ? "" : ", ");
	else
		printf("\"%s\": null%s", key, last ? "" : ", ");
}

static void jstr(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void print_json(const char *file, const struct analysis *a)
{
	printf("{\"file\": ");
	jstr(file);
	printf(", ");
	jnum("integrated_lufs", a->integrated_lufs, 0);
	jnum("short_term_max_lufs", a->short_term_max_lufs, 0);
	jnum("momentary_max_lufs", a->momentary_max_lufs, 0);
	jnum("lra_lu", a->lra_lu, 0);
	jnum("true_peak_dbtp", a->true_peak_dbtp, 0);
	jnum("sample_peak_dbfs", a->sample_peak_dbfs, 0);
	jnum("plr_db", a->plr_db, 0);
	printf("\"duration_s\": %.3f, \"sample_rate\": %d, \"channels\": %d}\n",
	       a->duration_s, a->sample_rate, a->channels);
}

static void fmt(char *b, size_t n, double v)
{
	if (isfinite(v))
		snprintf(b, n, "%.1f", v);
	else
		snprintf(b, n, "-inf");
}

int analyze_main(const struct cli *c)
{
	int worst = ST_OK;

	if (c->nfiles == 0) {
		fprintf(stderr, "lathe: analyze needs at least one FILE (see lathe --help)\n");
		return ST_USAGE;
	}
	if (!c->json)
		printf("%-28s %8s %8s %6s %8s %8s %6s %8s\n", "file", "LUFS-I", "LUFS-S", "LRA",
		       "dBTP", "dBFS", "PLR", "seconds");
	for (int i = 0; i < c->nfiles; i++) {
		struct analysis a;
		char err[ERRLEN];
		int rc = analyze_file(c->files[i], &a, err, sizeof err);
		if (rc) {
			fprintf(stderr, "lathe: %s\n", err);
			worst = rc;
			continue;
		}
		if (c->json) {
			print_json(c->files[i], &a);
		} else {
			char f[6][16];
			fmt(f[0], 16, a.integrated_lufs);
			fmt(f[1], 16, a.short_term_max_lufs);
			fmt(f[2], 16, a.lra_lu);
			fmt(f[3], 16, a.true_peak_dbtp);
			fmt(f[4], 16, a.sample_peak_dbfs);
			fmt(f[5], 16, a.plr_db);
			const char *name = c->files[i];
			size_t len = strlen(name);
			if (len > 28)
				name += len - 28;
			printf("%-28s %8s %8s %6s %8s %8s %6s %8.1f\n", name, f[0], f[1], f[2],
			       f[3], f[4], f[5], a.duration_s);
		}
		fflush(stdout);
	}
	return worst;
}
