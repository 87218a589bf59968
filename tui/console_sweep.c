/* The drive sweep, the codec true peak and the codec listening of the
 * current track, in the background (one thread at a time, never the audio
 * thread):
 *  - the sweep (audio/sweep.c, the same call as `lathe sweep` with its
 *    defaults: 0 to 18 dB in 1 dB steps) runs the track through the
 *    current settings at every drive.  It does not depend on the drive
 *    itself, so turning the drive only moves the marks; any other change
 *    cancels it and, once settled, starts it again;
 *  - the codec job renders the master as `lathe render` would (same
 *    options, into a temporary file) and measures it after an MP3 and an
 *    Opus round trip, as `lathe analyze --codec` does.  Every change,
 *    the drive included, makes it stale;
 *  - the listening job (":codec mp3|opus[:KBPS]") renders the master the
 *    same way and writes its decode (codec_decode_file) to a file in the
 *    session folder, which the engine plays in the reference's place, in
 *    step with the track and without loudness match (engine_load_decode),
 *    so what is heard is the decoded samples; r switches between it and
 *    the live master.  A change of settings makes a new decode once they
 *    settle; until it is loaded the old one plays, marked stale.  The
 *    engineer's own reference comes back with ":codec off".
 * Both wait for the master's own measurement (console_master.c), which
 * the I row and the warnings need first; a listening request goes before
 * them (it cancels a running sweep, which starts again later). */
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

enum { BG_NONE, BG_SWEEP, BG_CODEC, BG_LISTEN };

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
	/* Codec listening: asked for (listen), the decode playing (have_listen,
	 * of listen_at), the file being made (next) and the one playing. */
	int listen, have_listen, failed_listen, nlisten;
	struct codec lc;
	struct bg_key listen_at;
	char listen_next[4200], listen_path[4200];
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

/* The master as `lathe render` writes it, into s->tmp in the session
 * folder (dir: that folder); s->tmp stays "" when there is none. */
static int render_master(struct con_sweep *s, char *dir, int dirlen)
{
	struct render_opts o = { .bits = s->bits, .cancel = &s->cancel };

	s->tmp[0] = 0;
	if (session_dir_err(dir, dirlen, 1, s->err, sizeof s->err) != ST_OK)
		return ST_OUTPUT;
	snprintf(s->tmp, sizeof s->tmp, "%s/codec-master-%ld.wav", dir, (long)getpid());
	return render_file(s->path, s->tmp, s->key.v, &o, NULL, s->err, sizeof s->err);
}

static int codec_job(struct con_sweep *s)
{
	char dir[4096];
	int st = render_master(s, dir, sizeof dir);

	if (!s->tmp[0])
		return st;
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

/* The master rendered, then its decode through lc into listen_next. */
static int listen_job(struct con_sweep *s)
{
	char dir[4096];
	int st = render_master(s, dir, sizeof dir);

	s->listen_next[0] = 0;
	if (!s->tmp[0])
		return st;
	snprintf(s->listen_next, sizeof s->listen_next, "%s/codec-decode-%ld-%d.wav", dir,
		 (long)getpid(), s->nlisten++);
	if (st == ST_OK && !atomic_load(&s->cancel))
		st = codec_decode_file(s->tmp, &s->lc, s->listen_next, s->err, sizeof s->err);
	unlink(s->tmp);
	if (st != ST_OK || atomic_load(&s->cancel))
		unlink(s->listen_next);
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
	else if (st == ST_OK && s->kind == BG_LISTEN)
		st = listen_job(s);
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
		logmsg(c, "cannot start the %s job", kind == BG_SWEEP ? "sweep" : kind == BG_LISTEN ? "listening" : "codec");
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
	u->listen_stale = s->listen && (!s->have_listen || !same_all(&s->listen_at, &now));
	c->mo.nwarn = con_warnings(&c->mo, c->mo.warn, UI_WARN_MAX);
	c->pending |= VP_GRAPH | VP_METERS;
}

/* The new decode in the reference's place, heard at once when the
 * decode was what played. */
static void listen_load(struct console *c)
{
	struct con_sweep *s = c->sw;
	char err[ERRLEN], name[32];
	int on = c->mo.ref_on || !s->have_listen;

	if (engine_load_decode(c->e, s->listen_next, err, sizeof err) != ST_OK) {
		unlink(s->listen_next);
		logmsg(c, "listening job: %s", err);
		s->failed_listen = 1;
		s->listen_at = s->key;
		return;
	}
	if (s->listen_path[0])
		unlink(s->listen_path);
	snprintf(s->listen_path, sizeof s->listen_path, "%s", s->listen_next);
	s->listen_at = s->key;
	s->have_listen = 1;
	codec_name(&s->lc, name, sizeof name);
	snprintf(c->mo.ref_name, sizeof c->mo.ref_name, "%s decode", name);
	snprintf(c->mo.sweep.listen, sizeof c->mo.sweep.listen, "%s", name);
	c->mo.ref_loaded = 1;
	c->mo.info.reference_usable = 1;
	set_reference(c, on);
	logmsg(c, "codec listening: the master through %s and back", name);
}

static void finish(struct console *c)
{
	struct con_sweep *s = c->sw;
	struct ui_sweep *u = &c->mo.sweep;

	pthread_join(s->thread, NULL);
	if (s->kind == BG_LISTEN) {
		if (s->status == ST_OK && s->listen)
			listen_load(c);
		else if (s->status == ST_OK)
			unlink(s->listen_next);
		else if (s->status != -1) {
			s->failed_listen = 1;
			s->listen_at = s->key;
			logmsg(c, "listening job: %s", s->err);
			con_status(c, 1, "codec listening: %s", s->err);
		}
	} else if (s->kind == BG_SWEEP && s->status == ST_OK) {
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
	int want_listen = s->listen && !s->failed_listen && (!s->have_listen || !same_all(&s->listen_at, &now));
	if (c->mo.sweep.measuring != (!s->have_sweep || !same_sweep(&s->sweep_at, &now)) ||
	    c->mo.sweep.codec_measuring != (!s->have_codec || !same_all(&s->codec_at, &now)) ||
	    c->mo.sweep.listen_stale != (s->listen && (!s->have_listen || !same_all(&s->listen_at, &now))))
		show(c);
	if (s->have_listen && s->listen_at.track != c->cur && c->mo.ref_on) {
		/* Another track's decode says nothing of this one. */
		set_reference(c, 0);
	}
	if (s->kind != BG_NONE) {
		/* A change the running job does not measure, or a listening
		 * request waiting behind a measurement: stop it now. */
		int stale = s->kind == BG_SWEEP ? !same_sweep(&s->key, &now) : !same_all(&s->key, &now);
		if (s->kind == BG_LISTEN)
			stale = stale || !s->listen;
		else if (want_listen)
			stale = 1;
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
	if (s->failed_listen && !same_all(&s->listen_at, &now))
		s->failed_listen = 0;
	if (want_listen) {
		start(c, BG_LISTEN, &now);
		return;
	}
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
		if (s->kind == BG_CODEC || s->kind == BG_LISTEN)
			unlink(s->tmp);
		if (s->kind == BG_LISTEN)
			unlink(s->listen_next);
	}
	if (s->listen_path[0])
		unlink(s->listen_path);
	free(s);
	c->sw = NULL;
}

/* ":codec mp3|opus[:KBPS]": hear the master through that codec (made in
 * the background); ":codec off": the master and the engineer's own
 * reference again. */
void con_codec_listen(struct console *c, const char *arg)
{
	struct con_sweep *s = c->sw;
	char msg[200], err[ERRLEN], name[32];

	if (!s)
		return;
	if (!arg || !strcmp(arg, "off")) {
		if (!s->listen) {
			con_status(c, 1, "usage: codec mp3[:KBPS]|opus[:KBPS]|off");
			return;
		}
		s->listen = s->have_listen = s->failed_listen = 0;
		c->mo.sweep.listen[0] = 0;
		c->mo.sweep.listen_stale = 0;
		set_reference(c, 0);
		engine_drop_reference(c->e);
		c->mo.ref_loaded = 0;
		if (s->listen_path[0])
			unlink(s->listen_path);
		s->listen_path[0] = 0;
		if (c->cli && c->cli->reference && engine_load_reference(c->e, c->cli->reference, err, sizeof err) == ST_OK) {
			const char *base = strrchr(c->cli->reference, '/');
			c->mo.ref_loaded = 1;
			snprintf(c->mo.ref_name, sizeof c->mo.ref_name, "%.63s", base ? base + 1 : c->cli->reference);
		}
		c->pending |= VP_TRACKS | VP_STATUS | VP_HEADER;
		con_status(c, 0, "codec listening off: the master");
		return;
	}
	struct codec cd;
	if (codec_parse(arg, &cd, msg, sizeof msg) != 0) {
		con_status(c, 1, "codec: %s", msg);
		return;
	}
	if (s->listen && s->lc.kind == cd.kind && s->lc.kbps == cd.kbps) {
		if (s->have_listen)
			set_reference(c, 1);
		return;
	}
	s->lc = cd;
	s->listen = 1;
	s->have_listen = s->failed_listen = 0;
	codec_name(&cd, name, sizeof name);
	c->mo.sweep.listen_stale = 1;
	c->pending |= VP_HEADER;
	con_status(c, 0, "codec listening: the master through %s is being made", name);
}
