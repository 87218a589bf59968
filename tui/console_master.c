/* The master's figures in the console: after each settings change has
 * settled (SETTLE_S), a thread runs the track through the chain as it
 * would render and measures it whole (console_measure.c).  The current
 * track goes first, then any other track whose figures are stale, so the
 * track list and the album figure fill in without playing anything.  A
 * change during a measurement cancels it; the next settled moment starts
 * it again.  The figures then drive the I row, LRA, PLR, the platform
 * column and warnings, the track list, the reference match and the
 * platform monitor (engine_set_master_lufs). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "audio/album_report.h"
#include "audio/engine.h"
#include "audio/status.h"
#include "tui/console.h"

static void *master_main(void *arg)
{
	struct con_master *m = arg;

	m->status = ST_OK;
	if (!m->in[0])
		m->status = con_demo_file(m->in, sizeof m->in, m->err, sizeof m->err);
	if (m->status == ST_OK)
		m->status = measure_master(m->in, m->v, &m->fig, &m->cancel, &m->progress,
					   m->err, sizeof m->err);
	atomic_store_explicit(&m->done, 1, memory_order_release);
	return NULL;
}

static int start(struct console *c, int i)
{
	struct con_master *m = &c->meas;
	struct track *t = &c->tracks[i];

	m->track = i;
	m->gen = t->gen;
	snprintf(m->in, sizeof m->in, "%s", t->path);
	memcpy(m->v, track_v(c, i), sizeof m->v);
	memset(&m->fig, 0, sizeof m->fig);
	atomic_store(&m->done, 0);
	atomic_store(&m->cancel, 0);
	atomic_store(&m->progress, 0);
	if (pthread_create(&m->thread, NULL, master_main, m) != 0)
		return -1;
	m->running = 1;
	return 0;
}

/* The album loudness from the tracks measured so far: the
 * duration-weighted power mean, as `lathe analyze` does for an album. */
static void update_album(struct console *c)
{
	int n = 0;

	for (int i = 0; i < c->ntracks; i++) {
		const struct track *t = &c->tracks[i];
		if (!t->fig_gen || !isfinite(t->fig.integrated) || t->fig.duration_s <= 0)
			continue;
		c->alb_l[n] = t->fig.integrated;
		c->alb_d[n] = t->fig.duration_s;
		n++;
	}
	c->mo.album_measured = n;
	c->mo.album_lufs = n ? album_loudness(c->alb_l, c->alb_d, n) : -INFINITY;
}

static void show_track(struct console *c, int i)
{
	const struct track *t = &c->tracks[i];
	struct ui_track *u = &c->ut[i];

	u->stale = t->fig_gen != t->gen;
	if (t->fig_gen) {
		u->lufs = (float)t->fig.integrated;
		u->lra = (float)t->fig.lra;
		u->tp = (float)t->fig.true_peak;
		u->plr = (float)t->fig.plr;
	}
}

void master_show(struct console *c)
{
	const struct track *t = &c->tracks[c->cur];
	struct ui_master *mm = &c->mo.master;

	for (int i = 0; i < c->ntracks; i++)
		show_track(c, i);
	mm->valid = t->fig_gen != 0;
	mm->measuring = t->fig_gen != t->gen;
	mm->I = mm->valid ? t->fig.integrated : NAN;
	mm->lra = mm->valid ? t->fig.lra : NAN;
	mm->tp = mm->valid ? t->fig.true_peak : NAN;
	mm->plr = mm->valid ? t->fig.plr : NAN;
	mm->max_gr = mm->valid ? t->fig.max_gr : NAN;
	mm->series = t->fig.series;
	mm->nseries = t->fig.nseries;
	mm->series_period = MEASURE_SERIES_PERIOD;
	update_album(c);
	if (c->e)
		engine_set_master_lufs(c->e, mm->valid && isfinite(mm->I) ? mm->I : NAN);
	c->pending |= VP_METERS | VP_TRACKS | VP_STATUS;
}

static void finish(struct console *c)
{
	struct con_master *m = &c->meas;
	struct track *t = &c->tracks[m->track];

	pthread_join(m->thread, NULL);
	m->running = 0;
	if (m->status == ST_OK && m->gen == t->gen) {
		master_figures_free(&t->fig);
		t->fig = m->fig;
		t->fig_gen = m->gen;
		logmsg(c, "master of track %d: %.2f LUFS, LRA %.1f, TP %.2f dBTP", m->track + 1,
		       t->fig.integrated, t->fig.lra, t->fig.true_peak);
		if (c->report.pending && c->report.track == m->track && c->report.gen == m->gen) {
			char sp[64];
			c->report.pending = 0;
			con_status(c, 0, "rendered %s: %.1f LUFS, true peak %.1f dBTP, LRA %.1f LU",
				   view_short_path(c->report.out, sp, sizeof sp, 40), t->fig.integrated, t->fig.true_peak, t->fig.lra);
			c->status_hold = 1;
		}
	} else {
		master_figures_free(&m->fig);
		if (m->status != ST_OK && m->status != -1 && m->gen == t->gen) {
			/* Unmeasurable (a read error): say so once, do not retry. */
			t->fig_gen = t->gen;
			t->fig.integrated = -INFINITY;
			con_status(c, 1, "measuring the master: %s", m->err);
		}
	}
	master_show(c);
}

void master_tick(struct console *c)
{
	struct con_master *m = &c->meas;

	if (m->running) {
		if (c->tracks[m->track].gen != m->gen)
			atomic_store(&m->cancel, 1);
		if (atomic_load_explicit(&m->done, memory_order_acquire))
			finish(c);
		return;
	}
	/* The current track first, then the others in order. */
	for (int k = 0; k < c->ntracks; k++) {
		int i = (c->cur + k) % c->ntracks;
		struct track *t = &c->tracks[i];
		if (t->fig_gen == t->gen || c->now - t->changed_t < SETTLE_S)
			continue;
		if (start(c, i) != 0)
			logmsg(c, "cannot start the master's measurement");
		return;
	}
}

void master_stop(struct console *c)
{
	if (c->meas.running) {
		atomic_store(&c->meas.cancel, 1);
		pthread_join(c->meas.thread, NULL);
		c->meas.running = 0;
		master_figures_free(&c->meas.fig);
	}
	for (int i = 0; i < c->ntracks; i++)
		master_figures_free(&c->tracks[i].fig);
}
