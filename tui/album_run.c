/* Rendering an album's tracks side by side: the workers, the one
 * progress line, the work of one track and album mode's common gain. */
#include "album_run.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/analyze.h"
#include "audio/status.h"

/* Album mode: the album's loudness lands this close to the target. */
#define ALBUM_TOL_LU 0.03

atomic_int album_cancelled;

void album_on_signal(int sig)
{
	(void)sig;
	atomic_store(&album_cancelled, 1);
}

static void on_progress(void *ctx, double f)
{
	struct job *j = ctx;
	if (f < j->lastf)
		atomic_fetch_add(&j->passes, 1);
	j->lastf = f;
	atomic_store(&j->permille, (int)(f * 1000));
}

static struct render_opts opts_for(struct job *j, const struct run *r)
{
	struct render_opts o = {
		.bits = r->bits,
		.dither_seed = j->seed,
		.progress = on_progress,
		.ctx = j,
		.cancel = &album_cancelled,
		.rate = r->rate,
		.tags = j->tags,
		.ntags = j->ntags,
		.fade_in_s = j->fade_in_s,
		.fade_out_s = j->fade_out_s,
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
		if (!atomic_load(&album_cancelled))
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
void album_run_all(struct run *r, const char *what)
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
	struct render_opts o = opts_for(j, r);
	const struct param_desc *d = &param_table[P_LIMITER_DRIVE];
	double v[P_COUNT];

	memcpy(v, j->v, sizeof v);
	v[P_LIMITER_DRIVE] = fmin(d->max, fmax(d->min, v[P_LIMITER_DRIVE] + r->offset));
	atomic_store(&j->phase, PH_MEASURE);
	j->rc = render_measure(j->in, v, &j->lufs, &j->gr, &o, j->err, sizeof j->err);
}

void album_render_job(struct run *r, struct job *j)
{
	struct render_opts o = opts_for(j, r);
	char err[ERRLEN];

	if (r->mode == ALBUM_MODE_TRACK && !r->fixed) {
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
	if (j->rc || r->fixed)
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
int album_offset(struct run *r, char *err, int errlen)
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
		album_run_all(r, "measuring");
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
