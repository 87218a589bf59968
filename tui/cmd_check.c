/* lathe analyze --codec FMT and --check RULES [--junit PATH]: the
 * delivery side of analyze.  Each file's figures, its true peak after an
 * encode/decode round trip, and a verdict against the rules; exit 6 when
 * any file fails. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/album_report.h"
#include "audio/analyze.h"
#include "audio/check.h"
#include "audio/codec.h"
#include "audio/json.h"
#include "audio/status.h"
#include "audio/tonal.h"
#include "cli.h"

static const char *const rule_keys[] = {
	"integrated_lufs", "short_term_max_lufs", "momentary_max_lufs", "lra_lu", "true_peak_dbtp",
	"sample_peak_dbfs", "plr_db", "duration_s", "sample_rate", "channels", "tilt_db_oct",
	"correlation", "correlation_low", "codec_true_peak_dbtp",
};
#define NKEYS (int)(sizeof rule_keys / sizeof rule_keys[0])

struct file_result {
	struct track_figures t;
	double codec_tp;
	int pass;
	char why[1024];
	double seconds;
};

static int measure(const char *path, const struct codec *codec, struct file_result *r)
{
	char err[ERRLEN];
	struct timespec t0, t1;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(r, 0, sizeof *r);
	r->t.name = path;
	r->codec_tp = NAN;
	rc = analyze_file(path, &r->t.a, err, sizeof err);
	if (!rc)
		rc = tonal_file(path, &r->t.t, err, sizeof err);
	if (!rc && codec)
		rc = codec_true_peak_file(path, codec, &r->codec_tp, err, sizeof err);
	if (rc) {
		fprintf(stderr, "lathe: %s\n", err);
		return rc;
	}
	r->t.ok = 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
	return ST_OK;
}

static int values(const struct file_result *r, struct check_value *v)
{
	const struct analysis *a = &r->t.a;
	const double x[NKEYS] = {
		a->integrated_lufs, a->short_term_max_lufs, a->momentary_max_lufs, a->lra_lu,
		a->true_peak_dbtp, a->sample_peak_dbfs, a->plr_db, a->duration_s, a->sample_rate,
		a->channels, r->t.t.tilt_db_oct, a->correlation, a->correlation_low, r->codec_tp,
	};
	for (int i = 0; i < NKEYS; i++)
		v[i] = (struct check_value){ rule_keys[i], x[i] };
	return NKEYS;
}

static void print_json(const struct cli *c, const struct file_result *r, const struct codec *codec)
{
	char name[32];
	printf("{\"file\": ");
	json_string(stdout, r->t.name);
	printf(", ");
	album_json_figures(stdout, &r->t);
	printf(", ");
	json_num_prec(stdout, "correlation", r->t.a.correlation, 3, ", ");
	json_num_prec(stdout, "correlation_low", r->t.a.correlation_low, 3, "");
	if (codec) {
		codec_name(codec, name, sizeof name);
		printf(", \"codec\": \"%s\", ", name);
		json_num(stdout, "codec_true_peak_dbtp", r->codec_tp, "");
	}
	if (c->check) {
		printf(", \"check\": \"%s\", \"check_failures\": ", r->pass ? "pass" : "fail");
		json_string(stdout, r->why);
	}
	printf("}\n");
}

int analyze_delivery(const struct cli *c)
{
	struct check_rules rules;
	struct codec codec, *cp = NULL;
	struct file_result *r;
	struct check_case *cases;
	char msg[1024];
	int worst = ST_OK, failed = 0;

	if (c->check && check_parse(c->check, rule_keys, NKEYS, &rules, msg, sizeof msg)) {
		fprintf(stderr, "lathe: --check: %s (see lathe --help)\n", msg);
		return ST_USAGE;
	}
	if (c->junit && !c->check) {
		fprintf(stderr, "lathe: --junit reports on --check RULES (see lathe --help)\n");
		return ST_USAGE;
	}
	if (c->codec) {
		codec_parse(c->codec, &codec, msg, sizeof msg);
		cp = &codec;
	} else if (c->check && strstr(c->check, "codec_true_peak_dbtp")) {
		fprintf(stderr, "lathe: --check: codec_true_peak_dbtp needs --codec FMT (see lathe --help)\n");
		return ST_USAGE;
	}
	r = calloc((size_t)c->nfiles, sizeof *r);
	cases = calloc((size_t)c->nfiles, sizeof *cases);
	if (!r || !cases) {
		free(r);
		free(cases);
		fprintf(stderr, "lathe: out of memory\n");
		return ST_INPUT;
	}
	for (int i = 0; i < c->nfiles; i++) {
		struct check_value v[NKEYS];
		int rc = measure(c->files[i], cp, &r[i]);
		cases[i].file = c->files[i];
		if (rc) {
			if (!worst)
				worst = rc;
			r[i].pass = 0;
			snprintf(r[i].why, sizeof r[i].why, "could not be measured");
		} else if (c->check) {
			r[i].pass = check_judge(&rules, v, values(&r[i], v), r[i].why, sizeof r[i].why);
		} else {
			r[i].pass = 1;
		}
		failed += !r[i].pass;
		cases[i].pass = r[i].pass;
		cases[i].why = r[i].why;
		cases[i].seconds = r[i].seconds;
		if (rc)
			continue;
		if (c->json) {
			print_json(c, &r[i], cp);
		} else {
			if (cp) {
				char name[32];
				codec_name(cp, name, sizeof name);
				printf("%s: true peak %.2f dBTP, after %s %.2f dBTP (%+.2f dB)\n", c->files[i],
				       r[i].t.a.true_peak_dbtp, name, r[i].codec_tp, r[i].codec_tp - r[i].t.a.true_peak_dbtp);
			}
			if (c->check)
				printf("%s %s%s%s\n", r[i].pass ? "PASS" : "FAIL", c->files[i], r[i].pass ? "" : ": ", r[i].why);
		}
	}
	fflush(stdout);
	if (c->junit && check_junit(c->junit, c->check, cases, c->nfiles, msg, sizeof msg)) {
		fprintf(stderr, "lathe: %s\n", msg);
		if (!worst)
			worst = ST_OUTPUT;
	}
	free(r);
	free(cases);
	/* A file that could not be read says so with its own status. */
	if (worst)
		return worst;
	return c->check && failed ? 6 : ST_OK;
}
