/* ':render DIR' in an album: every track's master into DIR, as
 * `lathe render ALBUM.ini -o DIR` writes them (the same names, tags,
 * fades, dither seeds and loudness search, through album_run.c, so the
 * files are the same bytes), from each track's settings as they are in
 * the console.  One track at a time in the background job, leaving the
 * other core to playback; a report line per track as it lands;
 * ':cancel' stops it, and a track cut short leaves nothing behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audio/outplan.h"
#include "audio/paths.h"
#include "audio/render.h"
#include "audio/status.h"
#include "tui/album_deliver.h"
#include "tui/album_run.h"
#include "tui/console.h"

struct con_album_job {
	struct run r;
	struct cue_track *t;
	int reported;                 /* tracks whose report line was given */
	int has_target, has_cont;
	char dir[4096], cont[4096], cue[4096];
};

/* 1 when ':render ARG' means the whole album: an album is open and ARG
 * is a folder, or a name without an extension lathe writes. */
int album_render_wanted(const struct console *c, const char *arg)
{
	struct stat st;

	return c->have_album && c->ntracks > 1 &&
	       ((stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) ||
		!render_format_for(arg, c->album.bits ? c->album.bits : 24));
}

static int prepare(struct console *c, struct con_album_job *aj, char *err, int errlen)
{
	const struct album *al = &c->album;
	struct run *r = &aj->r;
	int n = c->ntracks, bits = al->bits ? al->bits : c->cli->bits;
	const char **ins = calloc((size_t)n + 2, sizeof *ins);
	const char **outs = calloc((size_t)n + 2, sizeof *outs);
	int rc = ST_OK, nout = n;

	r->jobs = calloc((size_t)n, sizeof *r->jobs);
	aj->t = calloc((size_t)n, sizeof *aj->t);
	if (!ins || !outs || !r->jobs || !aj->t) {
		snprintf(err, (size_t)errlen, "out of memory");
		rc = ST_INPUT;
		goto out;
	}
	r->n = n;
	r->nthreads = 1;
	r->bits = bits;
	r->rate = c->cli->rate;
	r->mode = al->mode;
	aj->has_target = c->cli->has_target || al->has_target;
	r->target = c->cli->has_target ? c->cli->target : al->target;
	/* Without a target every track renders at the drive it has (album
	 * mode with no offset): the command line would ask for one. */
	if (!aj->has_target)
		r->mode = ALBUM_MODE_ALBUM;
	for (int i = 0; i < n && !rc; i++) {
		struct job *j = &r->jobs[i];
		const struct album_track *t = &al->tracks[i];
		j->index = i;
		j->in = c->tracks[i].path;
		j->seed = album_seed(i);
		j->fade_in_s = t->fade_in_s;
		j->fade_out_s = t->fade_out_s;
		memcpy(j->v, track_v(c, i), sizeof j->v);
		/* A target searches the drive again, from where the command
		 * line starts, the album file's own (the search lands within
		 * 0.02 LU from anywhere, but not on the same bits). */
		if (aj->has_target)
			j->v[P_LIMITER_DRIVE] = t->v[P_LIMITER_DRIVE];
		memcpy(j->v0, j->v, sizeof j->v0);
		if (album_output_path(j->out, sizeof j->out, aj->dir, j->in, t->output, al->format, bits)) {
			snprintf(err, (size_t)errlen, "%.400s: output path too long", j->in);
			rc = ST_USAGE;
		} else if (!render_format_for(j->out, bits)) {
			snprintf(err, (size_t)errlen, "%.400s: cannot write this format", j->out);
			rc = ST_USAGE;
		} else {
			rc = album_job_tags(j, al, i, err, errlen);
		}
		ins[i] = j->in;
		outs[i] = j->out;
	}
	if (!rc && (aj->has_cont = al->continuous[0] != 0)) {
		if (snprintf(aj->cont, sizeof aj->cont, "%s/%s", aj->dir, al->continuous) >= (int)sizeof aj->cont) {
			snprintf(err, (size_t)errlen, "%.400s: output path too long", al->continuous);
			rc = ST_USAGE;
			goto out;
		}
		album_cue_path(aj->cue, sizeof aj->cue, aj->cont);
		ins[n] = ins[n + 1] = ins[0];
		outs[n] = aj->cont;
		outs[n + 1] = aj->cue;
		nout += 2;
	}
	if (!rc)
		rc = outplan_check(nout, ins, outs, "track", err, errlen);
	if (!rc)
		rc = make_dirs(aj->dir, 0777, err, errlen);
out:
	free(ins);
	free(outs);
	return rc;
}

static void free_album_job(struct con_album_job *aj)
{
	if (!aj)
		return;
	free(aj->r.jobs);
	free(aj->t);
	free(aj);
}

int album_render_start(struct console *c, const char *dir)
{
	char err[ERRLEN];
	struct con_album_job *aj;

	if (c->job.kind != JOB_NONE) {
		con_status(c, 1, "a %s is still running", c->job.kind == JOB_TARGET ? "target search" : "render");
		return -1;
	}
	aj = calloc(1, sizeof *aj);
	if (!aj) {
		con_status(c, 1, "out of memory");
		return -1;
	}
	snprintf(aj->dir, sizeof aj->dir, "%s", dir);
	if (prepare(c, aj, err, sizeof err) != ST_OK) {
		free_album_job(aj);
		con_status(c, 1, "album render: %s", err);
		return -1;
	}
	c->job.album = aj;
	atomic_store(&album_cancelled, 0);   /* before the thread: a quick :cancel holds */
	if (start_job(c, JOB_ALBUM, dir, 0) != 0) {
		c->job.album = NULL;
		free_album_job(aj);
		return -1;
	}
	con_status(c, 0, "album render into %s: %d tracks, one at a time (:cancel stops it)", dir, c->ntracks);
	return 0;
}

/* Job thread. */
int album_render_run(struct console *c, char *err, int errlen)
{
	struct con_album_job *aj = c->job.album;
	struct run *r = &aj->r;
	int rc = ST_OK;

	if (r->mode == ALBUM_MODE_ALBUM && aj->has_target) {
		rc = album_offset(r, err, errlen);
		if (rc)
			return atomic_load(&album_cancelled) ? -1 : rc;
	}
	r->work = album_render_job;
	album_run_all(r, "rendering");
	for (int i = 0; i < r->n; i++)
		if (r->jobs[i].rc) {
			snprintf(err, (size_t)errlen, "track %d: %s", i + 1,
				 r->jobs[i].rc == -1 ? "interrupted" : r->jobs[i].err);
			return r->jobs[i].rc;
		}
	if (aj->has_cont)
		rc = album_continuous(&c->album, r, aj->cont, aj->cue, aj->t, err, errlen);
	return rc;
}

/* Control thread: ':cancel' and quitting reach the album's jobs too. */
void album_render_cancel(void)
{
	atomic_store(&album_cancelled, 1);
}

static void report_track(struct console *c, struct job *j)
{
	const struct analysis *a = &j->fig.a;

	if (j->rc || !j->fig.ok)
		return;
	con_status(c, 0, "track %d/%d %s: %.1f LUFS, true peak %.1f dBTP, LRA %.1f LU", j->index + 1,
		   c->ntracks, j->out, a->integrated_lufs, a->true_peak_dbtp, a->lra_lu);
	logmsg(c, "album render: track %d %s: %.2f LUFS, true peak %.2f dBTP, LRA %.1f LU, PLR %.1f dB, drive %.2f dB",
	       j->index + 1, j->out, a->integrated_lufs, a->true_peak_dbtp, a->lra_lu, a->plr_db,
	       j->v[P_LIMITER_DRIVE]);
}

/* Control thread, while it runs: the progress line and each track's
 * report as it lands. */
void album_render_progress(struct console *c, char *buf, size_t size)
{
	struct con_album_job *aj = c->job.album;
	struct run *r = &aj->r;
	int done = 0, at = -1;

	for (int i = 0; i < r->n; i++) {
		int ph = atomic_load(&r->jobs[i].phase);
		if (ph == PH_DONE)
			done++;
		else if (ph != PH_WAIT && at < 0)
			at = i;
	}
	while (aj->reported < r->n && atomic_load(&r->jobs[aj->reported].phase) == PH_DONE)
		report_track(c, &r->jobs[aj->reported++]);
	if (at < 0)
		snprintf(buf, size, "album render: %d/%d tracks done", done, r->n);
	else {
		int ph = atomic_load(&r->jobs[at].phase);
		snprintf(buf, size, "album render: track %d/%d %s %3d%%", at + 1, r->n,
			 ph == PH_MEASURE ? "searching" : ph == PH_RENDER ? "writing" : "measuring",
			 atomic_load(&r->jobs[at].permille) / 10);
	}
}

/* Control thread, once the job is done: the last reports, the outcome. */
void album_render_finish(struct console *c)
{
	struct con_album_job *aj = c->job.album;
	struct run *r = &aj->r;
	int finished = 0;

	while (aj->reported < r->n)
		report_track(c, &r->jobs[aj->reported++]);
	for (int i = 0; i < r->n; i++)
		finished += r->jobs[i].rc == 0 && atomic_load(&r->jobs[i].phase) == PH_DONE;
	if (c->job.status == -1 || atomic_load(&album_cancelled))
		con_status(c, 0, "album render cancelled: %d of %d tracks finished; the others left nothing behind",
			   finished, r->n);
	else if (c->job.status != ST_OK)
		con_status(c, 1, "album render failed: %s", c->job.err);
	else
		con_status(c, 0, "album rendered into %s: %d tracks%s%s", aj->dir, r->n,
			   aj->has_cont ? ", the continuous file and " : "",
			   aj->has_cont ? aj->cue : "");
	c->job.album = NULL;
	free_album_job(aj);
}
