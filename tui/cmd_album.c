/* lathe render album.ini / lathe render --album: render a release's tracks
 * in parallel through the chain, on a common loudness, then measure the
 * masters and say which track stands out. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audio/album.h"
#include "audio/album_report.h"
#include "audio/outplan.h"
#include "audio/analyze.h"
#include "audio/json.h"
#include "audio/paths.h"
#include "audio/preset.h"
#include "audio/render.h"
#include "audio/source.h"
#include "audio/status.h"
#include "audio/tonal.h"
#include "cli.h"

/* More limiting than this at the loudest moment is audible on most
 * material: say so when a target needs it (as lathe render does). */
#define GR_WARN_DB 6.0
/* Album mode: the album's loudness lands this close to the target. */
#define ALBUM_TOL_LU 0.03

static atomic_int cancelled;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&cancelled, 1);
}

enum phase { PH_WAIT, PH_MEASURE, PH_RENDER, PH_ANALYZE, PH_DONE };

struct job {
	int index;                 /* 0-based track number */
	const char *in;
	char out[4096];
	double v[P_COUNT];
	double seconds;
	double lufs, gr;           /* the last measurement through the chain */
	int rc;
	char err[ERRLEN];
	struct track_figures fig;
	/* Written by the worker, read by the progress display. */
	atomic_int phase;
	atomic_int permille;       /* of the current pass */
	atomic_int passes;         /* measuring passes begun */
	double lastf;
};

struct run {
	struct job *jobs;
	int n, nthreads;
	int bits, quiet, tty;
	double target;
	int mode;
	double offset;             /* album mode: the common drive change */
	void (*work)(struct run *r, struct job *j);
	atomic_int next, done;
};

static void on_progress(void *ctx, double f)
{
	struct job *j = ctx;
	if (f < j->lastf)
		atomic_fetch_add(&j->passes, 1);
	j->lastf = f;
	atomic_store(&j->permille, (int)(f * 1000));
}

static struct render_opts opts_for(struct job *j, int bits)
{
	struct render_opts o = {
		.bits = bits,
		/* From the track's place in the album, never from timing, so
		 * any --jobs gives the same samples. */
		.dither_seed = 0x51ED270Bu * (uint32_t)(j->index + 1),
		.progress = on_progress,
		.ctx = j,
		.cancel = &cancelled,
	};
	return o;
}

static double job_fraction(struct job *j)
{
	double f = atomic_load(&j->permille) / 1000.0;
	switch (atomic_load(&j->phase)) {
	case PH_MEASURE: {
		/* A loudness search takes about four passes. */
		double p = (atomic_load(&j->passes) + f) / 4.0;
		return 0.5 * (p > 1 ? 1 : p);
	}
	case PH_RENDER: return 0.5 + 0.45 * f;
	case PH_ANALYZE: return 0.95;
	case PH_DONE: return 1;
	default: return 0;
	}
}

static void draw(struct run *r, const char *what)
{
	double sum = 0;
	int busy = 0, done = 0;
	char bar[33];
	for (int i = 0; i < r->n; i++) {
		int ph = atomic_load(&r->jobs[i].phase);
		sum += job_fraction(&r->jobs[i]);
		busy += ph != PH_WAIT && ph != PH_DONE;
		done += ph == PH_DONE;
	}
	sum /= r->n;
	for (int i = 0; i < 32; i++)
		bar[i] = i < (int)(sum * 32) ? '#' : '.';
	bar[32] = 0;
	fprintf(stderr, "\r%-9s [%s] %3d%%  %d/%d tracks done, %d at work ", what, bar,
		(int)(sum * 100), done, r->n, busy);
}

static void *worker(void *arg)
{
	struct run *r = arg;
	for (;;) {
		int i = atomic_fetch_add(&r->next, 1);
		if (i >= r->n)
			break;
		if (!atomic_load(&cancelled))
			r->work(r, &r->jobs[i]);
		else
			r->jobs[i].rc = -1;
		atomic_store(&r->jobs[i].phase, PH_DONE);
		atomic_fetch_add(&r->done, 1);
	}
	return NULL;
}

/* Runs r->work on every job, r->nthreads at a time, with one progress
 * line on stderr; the workers never print. */
static void run_all(struct run *r, const char *what)
{
	pthread_t th[256];
	int started = 0;

	atomic_store(&r->next, 0);
	atomic_store(&r->done, 0);
	for (int i = 0; i < r->n; i++) {
		atomic_store(&r->jobs[i].phase, PH_WAIT);
		atomic_store(&r->jobs[i].permille, 0);
		atomic_store(&r->jobs[i].passes, 0);
		r->jobs[i].lastf = 0;
	}
	for (int i = 0; i < r->nthreads && i < 256; i++)
		if (pthread_create(&th[started], NULL, worker, r) == 0)
			started++;
	if (started == 0)
		worker(r);
	while (atomic_load(&r->done) < r->n) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		if (r->tty)
			draw(r, what);
		nanosleep(&ts, NULL);
	}
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (r->tty)
		fprintf(stderr, "\r%79s\r", "");
}

/* ---- the work of one track ---------------------------------------------- */

static void measure_job(struct run *r, struct job *j)
{
	struct render_opts o = opts_for(j, r->bits);
	const struct param_desc *d = &param_table[P_LIMITER_DRIVE];
	double v[P_COUNT];

	memcpy(v, j->v, sizeof v);
	v[P_LIMITER_DRIVE] = fmin(d->max, fmax(d->min, v[P_LIMITER_DRIVE] + r->offset));
	atomic_store(&j->phase, PH_MEASURE);
	j->rc = render_measure(j->in, v, &j->lufs, &j->gr, &o, j->err, sizeof j->err);
}

static void render_job(struct run *r, struct job *j)
{
	struct render_opts o = opts_for(j, r->bits);
	char err[ERRLEN];

	if (r->mode == ALBUM_MODE_TRACK) {
		atomic_store(&j->phase, PH_MEASURE);
		j->rc = render_find_drive(j->in, j->v, r->target, &j->lufs, &j->gr, &o,
					  j->err, sizeof j->err);
		if (j->rc)
			return;
	}
	atomic_store(&j->phase, PH_RENDER);
	atomic_store(&j->permille, 0);
	j->lastf = 0;
	j->rc = render_file(j->in, j->out, j->v, &o, NULL, j->err, sizeof j->err);
	if (j->rc)
		return;
	/* The report is about what was written, measured afresh. */
	atomic_store(&j->phase, PH_ANALYZE);
	if (analyze_file(j->out, &j->fig.a, err, sizeof err) == ST_OK &&
	    tonal_file(j->out, &j->fig.t, err, sizeof err) == ST_OK)
		j->fig.ok = 1;
	else
		snprintf(j->err, sizeof j->err, "%s", err);
}

/* Album mode: one drive change for every track such that the tracks
 * played in a row land on the target.  Below the ceiling loudness follows
 * drive dB for dB; limiting makes the loud tracks fall short, so iterate
 * with secants as render_find_drive does for one file. */
static int album_offset(struct run *r, char *err, int errlen)
{
	const struct param_desc *d = &param_table[P_LIMITER_DRIVE];
	double *lufs = malloc((size_t)r->n * sizeof *lufs);
	double *dur = malloc((size_t)r->n * sizeof *dur);
	double g0 = 0, a0 = 0, g1, a1 = 0;
	int rc = ST_OK, it;

	if (!lufs || !dur) {
		free(lufs);
		free(dur);
		snprintf(err, (size_t)errlen, "out of memory");
		return ST_INPUT;
	}
	r->work = measure_job;
	g1 = 0;
	for (it = 0; it < 12; it++) {
		r->offset = g1;
		run_all(r, "measuring");
		for (int i = 0; i < r->n; i++) {
			if (r->jobs[i].rc) {
				rc = r->jobs[i].rc;
				snprintf(err, (size_t)errlen, "%s", r->jobs[i].err);
				goto out;
			}
			lufs[i] = r->jobs[i].lufs;
			dur[i] = r->jobs[i].seconds;
		}
		a1 = album_loudness(lufs, dur, r->n);
		if (!isfinite(a1)) {
			snprintf(err, (size_t)errlen, "every track is silent: no gain reaches %.1f LUFS", r->target);
			rc = ST_INPUT;
			goto out;
		}
		if (fabs(a1 - r->target) < ALBUM_TOL_LU)
			break;
		double next;
		if (it == 0) {
			next = g1 + (r->target - a1);
		} else {
			double slope = (a1 - a0) / (g1 - g0);
			if (!isfinite(slope) || slope > 1)
				slope = 1;
			if (slope < 0.05)
				slope = 0.05;
			next = g1 + (r->target - a1) / slope;
		}
		/* Past the drive range on every track nothing more can change. */
		int room = 0;
		for (int i = 0; i < r->n; i++) {
			double x = r->jobs[i].v[P_LIMITER_DRIVE] + next;
			room |= x > d->min && x < d->max;
		}
		if (!room || fabs(next - g1) < 1e-6)
			break;
		g0 = g1;
		a0 = a1;
		g1 = next;
	}
	if (fabs(a1 - r->target) > 0.1) {
		snprintf(err, (size_t)errlen,
			 "the album cannot reach %.1f LUFS keeping its tracks' balance: the closest is %.2f LUFS (a lower target, or mode = track)",
			 r->target, a1);
		rc = ST_USAGE;
		goto out;
	}
	r->offset = g1;
	for (int i = 0; i < r->n; i++) {
		struct job *j = &r->jobs[i];
		j->v[P_LIMITER_DRIVE] = fmin(d->max, fmax(d->min, j->v[P_LIMITER_DRIVE] + g1));
	}
out:
	free(lufs);
	free(dur);
	return rc;
}

/* ---- setting up --------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcasecmp(s + a - b, suffix);
}

/* The output name of a track: its own name, else the input's base name;
 * the extension from the name when it is one we write, else the album's
 * format, else the input's when we write it, else .wav. */
static int output_path(char *buf, size_t size, const char *dir, const char *in,
		       const char *name, const char *format, int bits)
{
	char base[4096], ext[16] = "";
	const char *slash = strrchr(in, '/');

	if (name && *name) {
		snprintf(base, sizeof base, "%s", name);
		if (render_format_for(base, bits))
			return snprintf(buf, size, "%s/%s", dir, base) >= (int)size ? -1 : 0;
	} else {
		snprintf(base, sizeof base, "%s", slash ? slash + 1 : in);
		char *dot = strrchr(base, '.');
		if (dot && dot != base) {
			if (strlen(dot) < sizeof ext && render_format_for(dot, bits))
				snprintf(ext, sizeof ext, "%s", dot);
			*dot = 0;
		}
	}
	if (format && *format)
		snprintf(ext, sizeof ext, ".%s", format);
	else if (!ext[0])
		snprintf(ext, sizeof ext, ".wav");
	return snprintf(buf, size, "%s/%s%s", dir, base, ext) >= (int)size ? -1 : 0;
}

/* The album as the command line describes it, or as its file does with
 * the command line on top (the command line wins). */
static int build_album(const struct cli *c, struct album *al, char *err, int errlen)
{
	int rc;

	if (c->nfiles == 1 && ends_with(c->files[0], ".ini")) {
		rc = album_load(c->files[0], c->preset, al, err, errlen);
		if (rc)
			return rc;
		for (int i = 0; i < al->ntracks; i++) {
			double *v = al->tracks[i].v;
			if (c->has_ceiling)
				v[P_LIMITER_CEILING] = c->ceiling;
			for (int k = 0; k < c->nsets; k++) {
				rc = param_set_from_string(c->sets[k], v, err, errlen);
				if (rc)
					return rc;
			}
		}
	} else {
		double v[P_COUNT];
		for (int i = 0; i < c->nfiles; i++)
			if (ends_with(c->files[i], ".ini")) {
				snprintf(err, (size_t)errlen, "%s: an album file is rendered on its own (lathe render %s)",
					 c->files[i], c->files[i]);
				return ST_USAGE;
			}
		rc = cli_params(c, v, err, errlen);
		if (rc)
			return rc;
		memset(al, 0, sizeof *al);
		al->tracks = calloc((size_t)c->nfiles, sizeof *al->tracks);
		if (!al->tracks) {
			snprintf(err, (size_t)errlen, "out of memory");
			return ST_INPUT;
		}
		al->ntracks = c->nfiles;
		for (int i = 0; i < c->nfiles; i++) {
			if (strlen(c->files[i]) >= sizeof al->tracks[i].file) {
				snprintf(err, (size_t)errlen, "%.400s: path too long", c->files[i]);
				return ST_USAGE;
			}
			snprintf(al->tracks[i].file, sizeof al->tracks[i].file, "%s", c->files[i]);
			memcpy(al->tracks[i].v, v, sizeof v);
		}
	}
	if (c->has_target) {
		al->has_target = 1;
		al->target = c->target;
	}
	if (c->output)
		snprintf(al->outdir, sizeof al->outdir, "%s", c->output);
	if (!al->bits)
		al->bits = c->bits;
	if (!al->has_target) {
		snprintf(err, (size_t)errlen, "%.400s: an album render needs a loudness target (--target LUFS%s)",
			 al->path[0] ? al->path : "render --album", al->path[0] ? " or target = in [album]" : "");
		return ST_USAGE;
	}
	if (!al->outdir[0]) {
		snprintf(err, (size_t)errlen, "%.400s: no output folder (-o DIR%s)",
			 al->path[0] ? al->path : "render --album", al->path[0] ? " or output = in [album]" : "");
		return ST_USAGE;
	}
	return ST_OK;
}

/* ---- the report --------------------------------------------------------- */

static void json_report(const struct album *al, const struct run *r,
			const struct track_figures *fig, const struct album_summary *s,
			double ceiling)
{
	FILE *f = stdout;
	fprintf(f, "{\"album\": ");
	if (al->name[0])
		json_string(f, al->name);
	else
		fprintf(f, "null");
	fprintf(f, ", \"album_file\": ");
	if (al->path[0])
		json_string(f, al->path);
	else
		fprintf(f, "null");
	fprintf(f, ", \"mode\": \"%s\", \"target_lufs\": %.2f, \"ceiling_dbtp\": %.2f, ",
		r->mode == ALBUM_MODE_ALBUM ? "album" : "track", r->target, ceiling);
	if (r->mode == ALBUM_MODE_ALBUM)
		fprintf(f, "\"gain_offset_db\": %.2f, ", r->offset);
	fprintf(f, "\"output\": ");
	json_string(f, al->outdir);
	fprintf(f, ", \"tracks_total\": %d, \"tracks_measured\": %d, ", r->n, s->n);
	album_json_summary(f, s);
	fprintf(f, ",\n \"tracks\": [\n");
	for (int i = 0; i < r->n; i++) {
		const struct job *j = &r->jobs[i];
		fprintf(f, "  {\"track\": %d, \"input\": ", i + 1);
		json_string(f, j->in);
		fprintf(f, ", \"file\": ");
		json_string(f, j->out);
		if (j->rc || !fig[i].ok) {
			fprintf(f, ", \"status\": \"failed\", \"error\": ");
			json_string(f, j->rc == -1 ? "interrupted" : j->err);
		} else {
			fprintf(f, ", \"status\": \"ok\", \"limiter_drive_db\": %.2f, \"limiter_gr_db\": %.2f, \"ceiling_dbtp\": %.2f, ",
				j->v[P_LIMITER_DRIVE], j->gr, j->v[P_LIMITER_CEILING]);
			album_json_figures(f, &fig[i]);
			fprintf(f, ", ");
			album_json_outliers(f, &fig[i]);
		}
		fprintf(f, "}%s\n", i + 1 < r->n ? "," : "");
	}
	fprintf(f, " ]}\n");
}

int album_main(const struct cli *c)
{
	struct album al = { 0 };
	struct run r = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct track_figures *fig = NULL;
	struct album_summary s;
	char err[ERRLEN];
	int rc, worst = ST_OK, finished = 0, nfailed = 0, first_failed = 0;

	rc = build_album(c, &al, err, sizeof err);
	if (rc) {
		fprintf(stderr, "lathe: %s\n", err);
		album_free(&al);
		return rc;
	}
	r.n = al.ntracks;
	r.jobs = calloc((size_t)r.n, sizeof *r.jobs);
	fig = calloc((size_t)r.n, sizeof *fig);
	if (!r.jobs || !fig) {
		fprintf(stderr, "lathe: out of memory\n");
		rc = ST_INPUT;
		goto out;
	}
	r.bits = al.bits;
	r.target = al.target;
	r.mode = al.mode;
	r.quiet = c->quiet;
	r.tty = !c->quiet && isatty(2);
	r.nthreads = c->jobs > 0 ? c->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (r.nthreads < 1)
		r.nthreads = 1;
	if (r.nthreads > r.n)
		r.nthreads = r.n;

	for (int i = 0; i < r.n; i++) {
		struct job *j = &r.jobs[i];
		const struct album_track *t = &al.tracks[i];
		j->index = i;
		j->in = t->file;
		memcpy(j->v, t->v, sizeof j->v);
		if (output_path(j->out, sizeof j->out, al.outdir, t->file, t->output, al.format, al.bits)) {
			fprintf(stderr, "lathe: %s: output path too long\n", t->file);
			rc = ST_USAGE;
			goto out;
		}
		if (!render_format_for(j->out, al.bits)) {
			fprintf(stderr, "lathe: %s: cannot write this format%s (use .wav, .flac or .aiff)\n",
				j->out, al.bits == 32 ? " as 32-bit float" : "");
			rc = ST_USAGE;
			goto out;
		}
	}
	/* Renders run side by side: no track may write over another's input,
	 * and no two tracks one file (compared by device and inode). */
	{
		const char **ins = calloc((size_t)(r.n > 0 ? r.n : 1), sizeof *ins);
		const char **outs = calloc((size_t)(r.n > 0 ? r.n : 1), sizeof *outs);
		if (!ins || !outs) {
			free(ins);
			free(outs);
			fprintf(stderr, "lathe: out of memory\n");
			rc = ST_INPUT;
			goto out;
		}
		for (int i = 0; i < r.n; i++) {
			ins[i] = r.jobs[i].in;
			outs[i] = r.jobs[i].out;
		}
		rc = outplan_check(r.n, ins, outs, "track", err, sizeof err);
		free(ins);
		free(outs);
		if (rc) {
			fprintf(stderr, "lathe: %s\n", err);
			goto out;
		}
	}
	rc = album_check_audio(&al, err, sizeof err);
	if (rc) {
		fprintf(stderr, "lathe: %s\n", err);
		goto out;
	}
	for (int i = 0; i < r.n; i++) {
		struct source *src;
		if (source_open(&src, r.jobs[i].in, err, sizeof err) == ST_OK) {
			r.jobs[i].seconds = (double)source_frames(src) / source_rate(src);
			source_close(src);
		}
	}
	rc = make_dirs(al.outdir, 0777, err, sizeof err);
	if (rc) {
		fprintf(stderr, "lathe: %s\n", err);
		goto out;
	}

	atomic_store(&cancelled, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* An SSH drop mid-render must clean up too, unless nohup asked for
	 * the render to outlive the session. */
	{
		struct sigaction old_hup;
		if (sigaction(SIGHUP, NULL, &old_hup) == 0 && old_hup.sa_handler != SIG_IGN)
			sigaction(SIGHUP, &sa, NULL);
	}
	if (r.mode == ALBUM_MODE_ALBUM) {
		rc = album_offset(&r, err, sizeof err);
		if (rc) {
			if (rc == -1 || atomic_load(&cancelled)) {
				fprintf(stderr, "lathe: album render interrupted; nothing written\n");
				rc = 130;
			} else {
				fprintf(stderr, "lathe: %s\n", err);
			}
			goto out;
		}
	}
	r.work = render_job;
	run_all(&r, "rendering");

	for (int i = 0; i < r.n; i++) {
		struct job *j = &r.jobs[i];
		fig[i] = j->fig;
		fig[i].name = j->out + strlen(al.outdir) + 1;
		if (j->rc == -1)
			continue;
		if (j->rc) {
			/* One line for the album: the first track that failed,
			 * and how many did (a full disk fails them all at once). */
			if (!worst) {
				worst = j->rc;
				first_failed = i;
			}
			nfailed++;
			continue;
		}
		finished++;
		if (!fig[i].ok) {
			fprintf(stderr, "lathe: track %d: wrote %s but cannot measure it: %s\n", i + 1, j->out, j->err);
			continue;
		}
		if (j->gr > GR_WARN_DB)
			fprintf(stderr, "lathe: warning: track %d (%s): reaching %.1f LUFS takes up to %.1f dB of limiting (more than %.0f dB): expect audible distortion\n",
				i + 1, j->in, r.mode == ALBUM_MODE_ALBUM ? j->lufs : r.target, j->gr, GR_WARN_DB);
		if (fig[i].a.true_peak_dbtp > j->v[P_LIMITER_CEILING] + 0.05)
			fprintf(stderr, "lathe: warning: track %d (%s): true peak %.2f dBTP is above the ceiling %.1f dBTP\n",
				i + 1, j->out, fig[i].a.true_peak_dbtp, j->v[P_LIMITER_CEILING]);
	}
	if (nfailed == 1)
		fprintf(stderr, "lathe: track %d: %s\n", first_failed + 1, r.jobs[first_failed].err);
	else if (nfailed > 1)
		fprintf(stderr, "lathe: track %d: %s (%d tracks failed)\n", first_failed + 1,
			r.jobs[first_failed].err, nfailed);
	if (atomic_load(&cancelled)) {
		fprintf(stderr, "lathe: album render interrupted: %d of %d tracks finished; the others left nothing behind\n",
			finished, r.n);
		rc = 130;
		goto out;
	}
	album_compare(fig, r.n, &s);
	double ceiling = c->has_ceiling ? c->ceiling : al.has_ceiling ? al.ceiling
				: param_table[P_LIMITER_CEILING].def;
	if (c->json) {
		json_report(&al, &r, fig, &s, ceiling);
	} else if (!c->quiet) {
		printf("album%s%s: %d tracks into %s, %s, target %.1f LUFS, ceiling %.1f dBTP",
		       al.name[0] ? " " : "", al.name, r.n, al.outdir,
		       r.mode == ALBUM_MODE_ALBUM ? "one gain for the album" : "each track on the target",
		       r.target, ceiling);
		if (r.mode == ALBUM_MODE_ALBUM)
			printf(", album gain %+.2f dB", r.offset);
		printf("\n\n");
		album_print_table(stdout, fig, r.n, &s);
	}
	fflush(stdout);
	rc = worst;
out:
	free(r.jobs);
	free(fig);
	album_free(&al);
	return rc;
}
