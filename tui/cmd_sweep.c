/* lathe sweep: loudness, crest and distortion against limiter drive, and
 * the drive where more limiting stops paying. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audio/json.h"
#include "audio/status.h"
#include "audio/sweep.h"
#include "cli.h"

static atomic_int cancelled;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&cancelled, 1);
}

/* On a terminal: how far the sweep is. */
static void show_progress(void *ctx, double done)
{
	(void)ctx;
	fprintf(stderr, "\rsweeping: %3.0f%%", 100 * done);
	fflush(stderr);
}

static void print_json(const char *in, const struct sweep *s)
{
	printf("{\"file\": ");
	json_string(stdout, in);
	printf(", \"sample_rate\": %d, \"steps\": [", s->rate);
	for (int i = 0; i < s->n; i++) {
		const struct sweep_step *t = &s->steps[i];
		printf("%s\n  {", i ? "," : "");
		json_num(stdout, "drive_db", t->drive_db, ", ");
		json_num_prec(stdout, "integrated_lufs", t->integrated_lufs, 3, ", ");
		json_num_prec(stdout, "true_peak_dbtp", t->true_peak_dbtp, 3, ", ");
		json_num_prec(stdout, "plr_db", t->plr_db, 3, ", ");
		json_num(stdout, "lra_lu", t->lra_lu, ", ");
		json_num_prec(stdout, "gr_mean_db", t->gr_mean_db, 3, ", ");
		json_num(stdout, "residual_db", t->residual_db, "}");
	}
	printf("\n], ");
	json_num(stdout, "stop_drive_db", s->stop_drive_db, ", ");
	printf("\"stop_within_range\": %s, ", s->stop < s->n - 1 ? "true" : "false");
	json_num_prec(stdout, "stop_lufs", s->steps[s->stop].integrated_lufs, 3, ", ");
	json_num(stdout, "rule_min_gain_lu_per_db", SWEEP_MIN_GAIN_LU_PER_DB, ", ");
	json_num(stdout, "rule_max_residual_db", SWEEP_MAX_RESIDUAL_DB, "}\n");
}

static void print_text(const char *in, const struct sweep *s)
{
	printf("%s: %.1f s at %d Hz, limiter drive from 0 to %+.1f dB\n", in, s->seconds, s->rate,
	       s->steps[s->n - 1].drive_db);
	printf("  drive    LUFS  gain/dB  dBTP    PLR   LRA  GR mean  residual\n");
	for (int i = 0; i < s->n; i++) {
		const struct sweep_step *t = &s->steps[i];
		char gain[16] = "      -";
		if (i)
			snprintf(gain, sizeof gain, "%7.2f", (t->integrated_lufs - s->steps[i - 1].integrated_lufs) /
				 (t->drive_db - s->steps[i - 1].drive_db));
		printf("%s%+6.1f %7.2f  %s %5.1f %6.1f %5.1f %6.2f dB %6.1f dB\n", i == s->stop ? "> " : "  ",
		       t->drive_db, t->integrated_lufs, gain, t->true_peak_dbtp, t->plr_db, t->lra_lu,
		       t->gr_mean_db, t->residual_db);
	}
	if (s->stop == s->n - 1) {
		printf("no stop up to %+.1f dB of drive (%.1f LUFS): every step still paid; raise --max\n",
		       s->stop_drive_db, s->steps[s->stop].integrated_lufs);
		return;
	}
	printf("stop at %+.1f dB of drive (%.1f LUFS): past it a dB of drive buys less than %.1f LU, or the residual rises above %.0f dB\n",
	       s->stop_drive_db, s->steps[s->stop].integrated_lufs, SWEEP_MIN_GAIN_LU_PER_DB, SWEEP_MAX_RESIDUAL_DB);
}

int sweep_main(const struct cli *c)
{
	double v[P_COUNT];
	char err[ERRLEN];
	struct sweep s;
	struct sigaction sa = { .sa_handler = on_signal };
	int rc;

	if (c->nfiles != 1) {
		fprintf(stderr, "lathe: sweep needs one FILE (see lathe --help)\n");
		return ST_USAGE;
	}
	rc = cli_params(c, v, err, sizeof err);
	if (rc) {
		fprintf(stderr, "lathe: %s\n", err);
		return rc;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct sweep_opts o = { .rate = c->rate, .max_db = c->sweep_max, .step_db = c->sweep_step,
				.jobs = c->jobs, .cancel = &cancelled };
	if (!c->quiet && isatty(2))
		o.progress = show_progress;
	rc = sweep_run(c->files[0], v, &o, &s, err, sizeof err);
	if (o.progress)
		fprintf(stderr, "\r%40s\r", "");
	if (rc) {
		fprintf(stderr, "lathe: %s\n", err);
		return rc == -1 ? 130 : rc;
	}
	if (c->json)
		print_json(c->files[0], &s);
	else
		print_text(c->files[0], &s);
	sweep_free(&s);
	return ST_OK;
}
