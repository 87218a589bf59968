/* The loudness search for --target: render_find_drive and
 * render_file_target.
 *
 * One pass runs the modules before the limiter (and the clipper, which
 * the drive does not move) over the file and builds a model of the
 * output's loudness against the limiter's settings (render_model.h).  The
 * drive is searched on the model, which costs milliseconds a trial
 * instead of a limiter pass over the file.  Then the real thing: the
 * render itself measures what it writes, and is kept when it lands within
 * ACCEPT_LU of the target; when the model was off by more, that measurement corrects it (the model's error at that drive
 * carried over, then secants on the measurements) and the render runs
 * again, the missed one thrown away before it reached the output's name.
 * render_find_drive measures in the same way without writing, so both
 * settle on the same drive.  Memory: the model's 10 bytes per 1.4 ms
 * (the signal's copy for the real passes is on disk, render_cache.h), so
 * it stays bounded at any length.
 *
 * Progress: one bar across the phases, which only moves forward:
 * measuring (the model's pass), searching (on the model), writing (each
 * render after a miss gets a share of what is left). */
#include "render_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fade.h"
#include "render_cache.h"
#include "render_model.h"
#include "render.h"
#include "dsp/chain.h"
#include "dsp/clip.h"
#include "source.h"
#include "status.h"

/* Where a render is kept, and where the model's search stops. */
/* A render is kept within ACCEPT_LU, well inside the promised PROMISE_LU;
 * the last try is held only to the promise, so a file whose loudness moves
 * in steps with the drive still renders, never further off than promised. */
#define ACCEPT_LU 0.02
#define PROMISE_LU 0.1
#define MODEL_LU 0.002
#define MAX_RENDERS 4

/* ---- one bar across the phases --------------------------------------- */

struct job {
	const struct render_opts *o;
	double lo, hi; /* the current pass's share of the bar */
	double shown;  /* the furthest reported: the bar never goes back */
};

static void job_progress(void *ctx, double f)
{
	struct job *j = ctx;
	double p = j->lo + (j->hi - j->lo) * (f < 0 ? 0 : f > 1 ? 1 : f);

	if (p > j->shown + 1e-9 && j->o && j->o->progress) {
		j->shown = p;
		j->o->progress(j->o->ctx, p);
	}
}

static void job_phase(struct job *j, const char *name, double lo, double hi)
{
	j->lo = lo;
	j->hi = hi;
	if (name && j->o && j->o->phase)
		j->o->phase(j->o->ctx, name);
}

/* Options for one pass: the caller's, with progress mapped onto the bar. */
static struct render_opts job_opts(struct job *j)
{
	struct render_opts p = { 0 };

	if (j->o)
		p = *j->o;
	p.progress = j->o && j->o->progress ? job_progress : NULL;
	p.ctx = j;
	p.phase = NULL;
	return p;
}

/* ---- the search ------------------------------------------------------ */

typedef int (*measure_fn)(void *ctx, const double v[P_COUNT], double *lufs,
			  double *gr, char *err, int errlen);

/* Secant search on the limiter drive.  Below the ceiling loudness follows
 * drive dB for dB; limiting makes it fall short, so the first step is
 * taken whole and the rest by secants. */
static int search_drive(measure_fn measure, void *ctx, const char *in,
			double v[P_COUNT], double target, double tol, double *lufs_out,
			double *max_gr_db, char *err, int errlen)
{
	const struct param_desc *d = &param_table[P_LIMITER_DRIVE];
	double x0 = v[P_LIMITER_DRIVE], y0, x1, y1 = NAN, gr = 0;
	int rc;

	rc = measure(ctx, v, &y0, &gr, err, errlen);
	if (rc)
		return rc;
	if (!isfinite(y0)) {
		snprintf(err, (size_t)errlen, "%s: is silent; no drive reaches %.1f LUFS", in, target);
		return ST_INPUT;
	}
	if (fabs(y0 - target) < tol) {
		y1 = y0;
		goto done;
	}
	x1 = x0 + (target - y0);
	for (int it = 0; it < 30; it++) {
		if (x1 > d->max)
			x1 = d->max;
		if (x1 < d->min)
			x1 = d->min;
		v[P_LIMITER_DRIVE] = x1;
		rc = measure(ctx, v, &y1, &gr, err, errlen);
		if (rc)
			return rc;
		if (fabs(y1 - target) < tol)
			break;
		if ((x1 == d->max && y1 < target) || (x1 == d->min && y1 > target)) {
			snprintf(err, (size_t)errlen,
				 "%s: cannot reach %.1f LUFS: at the limit of the drive range (%+.0f dB) it lands at %.2f LUFS",
				 in, target, x1, y1);
			return ST_USAGE;
		}
		double slope = (y1 - y0) / (x1 - x0);
		/* Loudness never rises faster than drive, and a flat slope means
		 * the limiter is eating everything: keep steps sane. */
		if (!isfinite(slope) || slope > 1.0)
			slope = 1.0;
		if (slope < 0.05)
			slope = 0.05;
		x0 = x1;
		y0 = y1;
		x1 = x1 + (target - y1) / slope;
	}
	if (fabs(y1 - target) > 0.1) {
		snprintf(err, (size_t)errlen, "%s: the loudness search did not settle on %.1f LUFS (%.2f)",
			 in, target, y1);
		return ST_USAGE;
	}
done:
	if (lufs_out)
		*lufs_out = y1;
	if (max_gr_db)
		*max_gr_db = gr;
	return ST_OK;
}



/* ---- the model ------------------------------------------------------- */

struct model {
	struct rmodel *m;
	struct fade fade;
	int rate;
	double offset; /* the model's error measured so far, LU */
	struct pcache *cache; /* the pre-limiter signal for the real passes, or NULL */
};

static int measure_model(void *ctx, const double v[P_COUNT], double *lufs,
			 double *gr, char *err, int errlen)
{
	struct model *k = ctx;
	*lufs = rmodel_lufs(k->m, v, &k->fade) + k->offset;
	*gr = 0;
	if (isnan(*lufs)) {
		snprintf(err, (size_t)errlen, "out of memory");
		return ST_INPUT;
	}
	return ST_OK;
}

/* Through the clipper (when it is in circuit: its output is the
 * limiter's input), its latency dropped, into the model. */
static int model_add(struct model *k, struct clip *cl, int *skip, float *L, float *R, int n)
{
	if (cl)
		clip_process(cl, L, R, n);
	int first = *skip < n ? *skip : n;
	*skip -= first;
	return rmodel_add(k->m, L + first, R + first, n - first);
}

/* The modules before the limiter over the whole file, into the model. */
static int model_fill(const char *in, const double v[P_COUNT], double target, struct job *j,
		      struct model *k, int want_cache, char *err, int errlen)
{
	const struct render_opts *o = j->o;
	struct source *src;
	int rc = render_open_input(&src, in, o, err, errlen);
	if (rc)
		return rc;
	int64_t frames = source_frames(src), n = 0;
	k->rate = source_rate(src);
	k->m = rmodel_new(k->rate, frames);
	k->cache = want_cache ? pcache_new(frames + 2 * BLOCK) : NULL;
	struct chain *c = chain_new(k->rate);
	struct clip *cl = NULL;
	struct pipe *p = NULL;
	float *L = malloc(BLOCK * sizeof *L), *R = malloc(BLOCK * sizeof *R);
	int skip = 0;
	if (param_clamp(P_CLIP_BYPASS, v[P_CLIP_BYPASS]) < 0.5) {
		double cv[P_COUNT];
		for (int i = 0; i < P_COUNT; i++)
			cv[i] = param_clamp(i, v[i]);
		if ((cl = clip_new(k->rate))) {
			clip_set(cl, cv);
			clip_reset(cl);
			skip = clip_latency(cl);
		}
	}
	if (c) {
		chain_set_all(c, v);
		chain_reset(c);
	}
	/* The worker caches what it makes as it goes, and a thread of the
	 * cache's own writes it out: on one thread, all of it here. */
	if (k->cache && render_threads(o))
		(void)pcache_async(k->cache);
	struct feed f = { .src = src, .err = err, .errlen = errlen, .keep = k->cache };
	if (!k->m || !c || !L || !R || (param_clamp(P_CLIP_BYPASS, v[P_CLIP_BYPASS]) < 0.5 && !cl) ||
	    !(p = pipe_open(&f, c, k->cache ? chain_latency(c) : 0, o))) {
		snprintf(err, (size_t)errlen, "%s: out of memory", in);
		rc = ST_INPUT;
		goto out;
	}
	/* The drive moves the limiter's input to the target, less what the
	 * output gain takes. */
	double og = v[P_OUTPUT_BYPASS] >= 0.5 ? 0.0 : param_clamp(P_OUTPUT_GAIN, v[P_OUTPUT_GAIN]);
	if (!isnan(target))
		rmodel_focus(k->m, param_clamp(P_LIMITER_CEILING, v[P_LIMITER_CEILING]), target - og);
	/* Decoding and the modules before the clipper on the pipe's worker,
	 * the clipper and the model here. */
	/* With a cache the pipe goes on past the input as a render's does
	 * (the latency's silence through the modules), all of it cached;
	 * the model takes the input's frames only, as without. */
	for (;;) {
		if (!k->cache && n >= frames)
			break;
		struct blk *b = pipe_next(p);
		if (b->end)
			break;
		int got = b->n < frames - n ? b->n : (int)(frames - n);
		int bad = got > 0 ? model_add(k, cl, &skip, b->L, b->R, got) : 0;
		pipe_done(p);
		if (bad) {
			snprintf(err, (size_t)errlen, "%s: out of memory", in);
			rc = ST_INPUT;
			goto out;
		}
		n += got;
		job_progress(j, (double)n / (double)(frames > 0 ? frames : 1));
		if (o && o->cancel && atomic_load(o->cancel)) {
			snprintf(err, (size_t)errlen, "%s: interrupted", in);
			rc = -1;
			goto out;
		}
	}
	if (pipe_close(p)) {
		p = NULL;
		rc = ST_INPUT;
		goto out;
	}
	p = NULL;
	if (k->cache && !pcache_ok(k->cache)) {
		pcache_free(k->cache);
		k->cache = NULL;
	}
	/* The clipper's last frames, pushed out by silence as in a render. */
	for (int left = cl ? clip_latency(cl) : 0; left > 0;) {
		int m = left < BLOCK ? left : BLOCK;
		memset(L, 0, (size_t)m * sizeof *L);
		memset(R, 0, (size_t)m * sizeof *R);
		if (model_add(k, cl, &skip, L, R, m) != 0) {
			snprintf(err, (size_t)errlen, "%s: out of memory", in);
			rc = ST_INPUT;
			goto out;
		}
		left -= m;
	}
	rmodel_end(k->m);
	/* A header that promised more than the file holds. */
	fade_init(&k->fade, k->rate, n, o ? o->fade_in_s : 0, o ? o->fade_out_s : 0);
out:
	/* The worker may still be putting into the cache: gone first. */
	pipe_close(p);
	if (rc) {
		rmodel_free(k->m);
		k->m = NULL;
		pcache_free(k->cache);
		k->cache = NULL;
	}
	clip_free(cl);
	chain_free(c);
	free(L);
	free(R);
	source_close(src);
	return rc;
}

struct rmodel *render_model_open(const char *in, const double v[P_COUNT], double aim,
				 const struct render_opts *o, struct fade *fade, int *status,
				 char *err, int errlen)
{
	struct job j = { o, 0, 1, -1 };
	struct model k = { 0 };
	*status = model_fill(in, v, aim, &j, &k, 0, err, errlen);
	if (*status)
		return NULL;
	*fade = k.fade;
	return k.m;
}

double render_model_lufs(const char *in, const double v[P_COUNT], const struct render_opts *o,
			 char *err, int errlen)
{
	struct fade f;
	int st;
	struct rmodel *m = render_model_open(in, v, NAN, o, &f, &st, err, errlen);
	double l = m ? rmodel_lufs(m, v, &f) : NAN;
	rmodel_free(m);
	return l;
}

/* ---- the renders that check the model ---------------------------------- */

/* One real pass at v's drive: a render into out that is kept only when it
 * lands within tol (RENDER_MISSED otherwise), or without out a
 * measurement. */
static int real_pass(const char *in, const char *out, const double v[P_COUNT], double target,
		     double tol, struct job *j, struct pcache *cache, struct render_check *chk,
		     char *err, int errlen)
{
	struct render_opts p = job_opts(j);
	struct source *src;
	int rc = render_open_input(&src, in, j->o, err, errlen);
	if (rc)
		return rc;
	struct feed f = { .src = src, .cache = cache && pcache_rewind(cache) == 0 ? cache : NULL };
	*chk = (struct render_check){ .target = target, .tol = tol };
	if (out) {
		rc = render_write(&f, source_rate(src), in, out, v, &p, chk, err, errlen);
	} else {
		rc = render_measure_feed(&f, source_rate(src), v, &chk->lufs, &chk->max_gr_db,
					 &p, err, errlen);
		if (rc == ST_OK && !(fabs(chk->lufs - target) <= tol))
			rc = RENDER_MISSED;
	}
	source_close(src);
	return rc;
}

/* The drive for target, into v, and with out the render at it.  The bar:
 * measuring [0, m], searching [m, s], then the real passes. */
static int target_run(const char *in, const char *out, double v[P_COUNT], double target,
		      double *lufs, double *gr, struct job *j, double m, double s,
		      char *err, int errlen)
{
	struct model k = { 0 };
	double xs[MAX_RENDERS], ys[MAX_RENDERS];
	struct render_check chk = { 0 };
	int rc;

	job_phase(j, "measuring", 0, m);
	rc = model_fill(in, v, target, j, &k, 1, err, errlen);
	if (rc)
		return rc;
	job_phase(j, "searching", m, s);
	for (int r = 0; r < MAX_RENDERS; r++) {
		double pred;
		if (r < 2) {
			/* The model as it is, then corrected by its error at
			 * the drive just measured. */
			rc = search_drive(measure_model, &k, in, v, target, MODEL_LU, &pred, NULL,
					  err, errlen);
			if (rc)
				break;
		} else {
			/* Secants on the measurements themselves. */
			double sl = (ys[r - 1] - ys[r - 2]) / (xs[r - 1] - xs[r - 2]);
			if (!isfinite(sl) || sl > 1.0)
				sl = 1.0;
			if (sl < 0.05)
				sl = 0.05;
			v[P_LIMITER_DRIVE] = param_clamp(P_LIMITER_DRIVE,
							 xs[r - 1] + (target - ys[r - 1]) / sl);
		}
		job_progress(j, 1.0);
		double lo = j->shown > s ? j->shown : s;
		job_phase(j, r == 0 ? (out ? "writing" : "searching") : NULL, lo, lo + (1 - lo) * 0.9);
		rc = real_pass(in, out, v, target, r < MAX_RENDERS - 1 ? ACCEPT_LU : PROMISE_LU, j,
			       k.cache, &chk, err, errlen);
		xs[r] = v[P_LIMITER_DRIVE];
		ys[r] = chk.lufs;
		if (rc != RENDER_MISSED)
			break;
		if (r == 0)
			k.offset = chk.lufs - rmodel_lufs(k.m, v, &k.fade);
	}
	if (rc == RENDER_MISSED) {
		snprintf(err, (size_t)errlen, "%s: the loudness search did not settle on %.1f LUFS (%.2f)",
			 in, target, chk.lufs);
		rc = ST_USAGE;
	}
	if (rc == ST_OK) {
		job_phase(j, NULL, 0, 1);
		job_progress(j, 1.0);
		if (lufs)
			*lufs = chk.lufs;
		if (gr)
			*gr = chk.max_gr_db;
	}
	rmodel_free(k.m);
	pcache_free(k.cache);
	return rc;
}

int render_find_drive(const char *in, double v[P_COUNT], double target,
		      double *lufs_out, double *max_gr_db,
		      const struct render_opts *o, char *err, int errlen)
{
	struct job j = { o, 0, 0, -1 };
	return target_run(in, NULL, v, target, lufs_out, max_gr_db, &j, 0.45, 0.5, err, errlen);
}

int render_file_target(const char *in, const char *out, double v[P_COUNT],
		       double target, const struct render_opts *o,
		       double *lufs, double *max_gr_db, char *err, int errlen)
{
	struct job j = { o, 0, 0, -1 };
	int rc, format;

	rc = render_check_output(in, out, o && o->bits ? o->bits : 24, &format, err, errlen);
	if (rc)
		return rc;
	rc = target_run(in, out, v, target, lufs, max_gr_db, &j, 0.35, 0.4, err, errlen);
	if (rc == -1)
		snprintf(err, (size_t)errlen, "%s: render interrupted; nothing written", out);
	return rc;
}
