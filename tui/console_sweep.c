/* The drive sweep and the codec true peak of the current track, in the
 * background (one thread at a time, never the audio thread):
 *  - the sweep (audio/sweep.c, the same call as `lathe sweep` with its
 *    defaults: 0 to 18 dB in 1 dB steps) runs the track through the
 *    current settings at every drive.  It does not depend on the drive
 *    itself, so turning the drive only moves the marks; any other change
 *    cancels it and, once settled, starts it again;
 *  - the codec job renders the master as `lathe render` would (same
 *    options, into a temporary file) and measures it after an MP3 and an
 *    Opus round trip, as `lathe analyze --codec` does.  Every change,
 *    the drive included, makes it stale.
 * Both wait for the master's own measurement (console_master.c), which
 * the I row and the warnings need first.
 *
 * No listening mode plays the round-tripped master.  The engine's only
 * in-step swap is the reference (engine_ref.c: another file, unprocessed,
 * crossfaded, loudness-matched); using it would take the engineer's own
 * reference away, and what it played would be of the settings of the
 * last finished job while the chain is being turned (an encode and decode
 * of a 5-minute master costs seconds per settled change).  codec.c also
 * keeps only the peak of its decode, in a temporary file it removes, so a
 * decoded master to play would need a new codec.c call and a file for the
 * engine's reader.  Not cheap enough for this session; the figure is. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/codec.h"
#include "audio/render.h"
#include "audio/session.h"
#include "audio/status.h"
#include "audio/sweep.h"
#include "tui/console.h"

#define SWEEP_MAX_DB 18.0   /* `lathe sweep`'s defaults */
#define SWEEP_STEP_DB 1.0

enum { BG_NONE, BG_SWEEP, BG_CODEC };

/* What a job measured, and of which track and settings. */
struct bg_key {
	int track;
	char in[4200];
	double v[P_COUNT];
};

struct con_sweep {
	pthread_t thread;
	int kind;                    /* BG_*: running */
	atomic_int done, cancel;
	int status, bits;
	struct bg_key key;           /* of the running job */
	char path[4200];             /* the file it reads (the demo mix's written copy for "") */
	char err[ERRLEN], tmp[4200];
	struct sweep res;
	double tp[2];
	/* What the model shows was measured at these (have_*: at all). */
	struct bg_key sweep_at, codec_at;
	int have_sweep, have_codec, failed_sweep, failed_codec;
};

/* The sweep's settings: the drive is what it sweeps, so it is left out. */
static int same_sweep(const struct bg_key *a, const struct bg_key *b)
{
	double va[P_COUNT], vb[P_COUNT];

	memcpy(va, a->v, sizeof va);
	memcpy(vb, b->v, sizeof vb);
	va[P_LIMITER_DRIVE] = vb[P_LIMITER_DRIVE] = 0;
	return a->track == b->track && strcmp(a->in, b->in) == 0 && !params_differ(va, vb);
}

static int same_all(const struct bg_key *a, const struct bg_key *b)
{
	return a->track == b->track && strcmp(a->in, b->in) == 0 && !params_differ(a->v, b->v);
}

static void key_now(struct console *c, struct bg_key *k)
{
	k->track = c->cur;
	snprintf(k->in, sizeof k->in, "%s", c->tracks[c->cur].path);
	memcpy(k->v, c->mo.v, sizeof k->v);
}

static int codec_job(struct con_sweep *s)
{
	struct render_opts o = { .bits = s->bits, .cancel = &s->cancel };
	char dir[4096];
	int st;

	if (session_dir_err(dir, sizeof dir, 1, s->err, sizeof s->err) != ST_OK)
		return ST_OUTPUT;
	snprintf(s->tmp, sizeof s->tmp, "%s/codec-master-%ld.wav", dir, (long)getpid());
	st = render_file(s->path, s->tmp, s->key.v, &o, NULL, s->err, sizeof s->err);
	for (int i = 0; i < 2 && st == ST_OK; i++) {
		struct codec cd;
		char msg[200];
		codec_parse(i ? "opus" : "mp3", &cd, msg, sizeof msg);
		if (atomic_load(&s->cancel))
			st = -1;
		else
			st = codec_true_peak_file(s->tmp, &cd, &s->tp[i], s->err, sizeof s->err);
	}
	unlink(s->tmp);
	return atomic_load(&s->cancel) ? -1 : st;
}

static void *bg_main(void *arg)
{
	struct con_sweep *s = arg;
	int st = ST_OK;

	snprintf(s->path, sizeof s->path, "%s", s->key.in);
	if (!s->path[0])
		st = con_demo_file(s->path, sizeof s->path, s->err, sizeof s->err);
	/* One thread: the console keeps its other core for playback. */
	struct sweep_opts o = { .max_db = SWEEP_MAX_DB, .step_db = SWEEP_STEP_DB, .jobs = 1,
				.cancel = &s->cancel };
	if (st == ST_OK && s->kind == BG_SWEEP) {
		st = sweep_run(s->path, s->key.v, &o, &s->res, s->err, sizeof s->err);
		if (st != ST_OK)
			memset(&s->res, 0, sizeof s->res);   /* nothing of it is ours to free */
	}
	else if (st == ST_OK)
		st = codec_job(s);
	s->status = st;
	atomic_store_explicit(&s->done, 1, memory_order_release);
	return NULL;
}

static void start(struct console *c, int kind, const struct bg_key *k)
{
	struct con_sweep *s = c->sw;

	s->kind = kind;
	s->key = *k;
	s->err[0] = 0;
	s->bits = c->cli && c->cli->bits ? c->cli->bits : 24;
	memset(&s->res, 0, sizeof s->res);
	atomic_store(&s->done, 0);
	atomic_store(&s->cancel, 0);
	if (pthread_create(&s->thread, NULL, bg_main, s) != 0) {
		s->kind = BG_NONE;
		logmsg(c, "cannot start the %s job", kind == BG_SWEEP ? "sweep" : "codec");
	}
}

/* The model's copy: what the view and the warnings read. */
static void show(struct console *c)
{
	struct con_sweep *s = c->sw;
	struct ui_sweep *u = &c->mo.sweep;
	struct bg_key now;

	key_now(c, &now);
	u->measuring = !s->have_sweep || !same_sweep(&s->sweep_at, &now);
	u->codec_measuring = !s->have_codec || !same_all(&s->codec_at, &now);
	if (s->have_sweep && s->sweep_at.track != c->cur)
		u->n = 0;    /* another track's curve says nothing of this one */
	if (s->have_codec && s->codec_at.track != c->cur)
		u->codec_valid = 0;
	c->mo.nwarn = con_warnings(&c->mo, c->mo.warn, UI_WARN_MAX);
	c->pending |= VP_GRAPH | VP_METERS;
}

static void finish(struct console *c)
{
	struct con_sweep *s = c->sw;
	struct ui_sweep *u = &c->mo.sweep;

	pthread_join(s->thread, NULL);
	if (s->kind == BG_SWEEP && s->status == ST_OK) {
		u->n = s->res.n < UI_SWEEP_MAX ? s->res.n : UI_SWEEP_MAX;
		for (int i = 0; i < u->n; i++) {
			u->drive[i] = (float)s->res.steps[i].drive_db;
			u->lufs[i] = (float)s->res.steps[i].integrated_lufs;
			u->residual[i] = (float)s->res.steps[i].residual_db;
		}
		u->stop = s->res.stop < u->n ? s->res.stop : u->n - 1;
		s->sweep_at = s->key;
		s->have_sweep = 1;
		logmsg(c, "sweep of track %d: stop at %+.1f dB of drive (%.2f LUFS)", s->key.track + 1,
		       s->res.stop_drive_db, s->res.steps[s->res.stop].integrated_lufs);
	} else if (s->kind == BG_CODEC && s->status == ST_OK) {
		u->codec_tp[0] = s->tp[0];
		u->codec_tp[1] = s->tp[1];
		u->codec_valid = 1;
		s->codec_at = s->key;
		s->have_codec = 1;
	} else if (s->status != -1) {
		/* Unmeasurable with these settings: say so once, no retry loop. */
		if (s->kind == BG_SWEEP) {
			u->n = 0;
			s->failed_sweep = 1;
			s->sweep_at = s->key;
		} else {
			u->codec_valid = 0;
			s->failed_codec = 1;
			s->codec_at = s->key;
		}
		logmsg(c, "%s job: %s", s->kind == BG_SWEEP ? "sweep" : "codec", s->err);
	}
	sweep_free(&s->res);
	s->kind = BG_NONE;
	show(c);
}

void con_sweep_tick(struct console *c)
{
	struct con_sweep *s = c->sw;
	struct bg_key now;

	if (!s) {
		s = c->sw = calloc(1, sizeof *s);
		if (!s)
			return;
	}
	key_now(c, &now);
	/* "Remeasuring" from the change on, not only once a job starts. */
	if (c->mo.sweep.measuring != (!s->have_sweep || !same_sweep(&s->sweep_at, &now)) ||
	    c->mo.sweep.codec_measuring != (!s->have_codec || !same_all(&s->codec_at, &now)))
		show(c);
	if (s->kind != BG_NONE) {
		/* A change the running job does not measure: stop it now. */
		int stale = s->kind == BG_SWEEP ? !same_sweep(&s->key, &now) : !same_all(&s->key, &now);
		if (stale)
			atomic_store(&s->cancel, 1);
		if (atomic_load_explicit(&s->done, memory_order_acquire))
			finish(c);
		return;
	}
	if (c->meas.running || c->now - c->tracks[c->cur].changed_t < SETTLE_S)
		return;
	if (s->failed_sweep && !same_sweep(&s->sweep_at, &now))
		s->failed_sweep = 0;
	if (s->failed_codec && !same_all(&s->codec_at, &now))
		s->failed_codec = 0;
	if (!(s->have_sweep || s->failed_sweep) || !same_sweep(&s->sweep_at, &now)) {
		if (!s->failed_sweep)
			start(c, BG_SWEEP, &now);
	} else if (!(s->have_codec || s->failed_codec) || !same_all(&s->codec_at, &now)) {
		if (!s->failed_codec)
			start(c, BG_CODEC, &now);
	}
}

void con_sweep_end(struct console *c)
{
	struct con_sweep *s = c->sw;

	if (!s)
		return;
	if (s->kind != BG_NONE) {
		atomic_store(&s->cancel, 1);
		pthread_join(s->thread, NULL);
		sweep_free(&s->res);
		if (s->kind == BG_CODEC)
			unlink(s->tmp);
	}
	free(s);
	c->sw = NULL;
}
