/* Background jobs of the console: ':render' and ':target' run through
 * their own chain in a thread while playback goes on. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "audio/album.h"
#include "audio/demo.h"
#include "audio/engine.h"
#include "audio/preset.h"
#include "audio/render.h"
#include "audio/session.h"
#include "audio/source.h"
#include "audio/status.h"
#include "tui/cli.h"
#include "tui/keymap.h"
#include "tui/ui_theme.h"
#include "tui/ui_view.h"

#include "tui/console.h"

static void job_progress(void *ctx, double f)
{
	struct console *c = ctx;
	atomic_store_explicit(&c->job_permille, (int)(f * 1000), memory_order_relaxed);
}

/* The demo mix has no file; write it once for the offline paths. */
static int demo_file(char *path, size_t size, char *err, int errlen)
{
	char dir[4096];
	struct stat st;

	if (session_dir(dir, sizeof dir, 1) != ST_OK) {
		snprintf(err, (size_t)errlen, "%.400s: cannot create the state folder", dir);
		return ST_OUTPUT;
	}
	snprintf(path, size, "%s/demo-mix.wav", dir);
	if (stat(path, &st) == 0 && st.st_size > 1000000)
		return ST_OK;
	return demo_write_wav(path, err, errlen);
}

static void *job_main(void *arg)
{
	struct console *c = arg;
	struct render_opts o = { .bits = c->cli->bits ? c->cli->bits : 24,
				 .progress = job_progress, .ctx = c,
				 .cancel = &c->job_cancel };
	int st = ST_OK;

	if (!c->job_in[0])
		st = demo_file(c->job_in, sizeof c->job_in, c->job_err, sizeof c->job_err);
	if (st == ST_OK && c->job_kind == JOB_RENDER)
		st = render_file(c->job_in, c->job_out, c->job_v, &o, NULL,
				 c->job_err, sizeof c->job_err);
	else if (st == ST_OK)
		st = render_find_drive(c->job_in, c->job_v, c->job_target, &c->job_lufs,
				       &c->job_gr, &o, c->job_err, sizeof c->job_err);
	c->job_status = st;
	atomic_store_explicit(&c->job_done, 1, memory_order_release);
	return NULL;
}

int start_job(struct console *c, int kind, const char *out, double target)
{
	return start_job_track(c, kind, out, target, c->cur);
}

int start_job_track(struct console *c, int kind, const char *out, double target, int track)
{
	if (c->job_kind != JOB_NONE) {
		con_status(c, 1, "a %s is still running", c->job_kind == JOB_RENDER ? "render" : "target search");
		return -1;
	}
	c->job_kind = kind;
	c->job_track = track;
	/* The track's file and settings as they are now: "" is the demo. */
	snprintf(c->job_in, sizeof c->job_in, "%s",
		 track == c->cur ? (c->file ? c->file : "") : c->tracks[track].path);
	snprintf(c->job_out, sizeof c->job_out, "%s", out ? out : "");
	memcpy(c->job_v, track == c->cur ? c->mo.v : c->tracks[track].v, sizeof c->job_v);
	c->job_target = target;
	c->job_err[0] = 0;
	atomic_store(&c->job_done, 0);
	atomic_store(&c->job_permille, 0);
	atomic_store(&c->job_cancel, 0);
	if (pthread_create(&c->job, NULL, job_main, c) != 0) {
		c->job_kind = JOB_NONE;
		con_status(c, 1, "cannot start a background thread");
		return -1;
	}
	return 0;
}

void poll_job(struct console *c)
{
	char buf[sizeof c->mo.job];

	if (c->job_kind == JOB_NONE)
		return;
	if (!atomic_load_explicit(&c->job_done, memory_order_acquire)) {
		int pm = atomic_load_explicit(&c->job_permille, memory_order_relaxed);
		if (c->job_kind == JOB_RENDER)
			snprintf(buf, sizeof buf, "rendering %.120s  %3d%%", c->job_out, pm / 10);
		else if (c->ntracks > 1)
			snprintf(buf, sizeof buf, "target %.1f LUFS: measuring track %d %3d%%",
				 c->job_target, c->job_track + 1, pm / 10);
		else
			snprintf(buf, sizeof buf, "target %.1f LUFS: measuring %3d%%", c->job_target, pm / 10);
		if (strcmp(buf, c->mo.job) != 0) {
			snprintf(c->mo.job, sizeof c->mo.job, "%s", buf);
			c->pending |= VP_STATUS;
		}
		return;
	}
	pthread_join(c->job, NULL);
	c->mo.job[0] = 0;
	char which[32] = "";
	if (c->ntracks > 1)
		snprintf(which, sizeof which, " track %d", c->job_track + 1);
	if (c->job_kind == JOB_RENDER) {
		if (c->job_status == ST_OK)
			con_status(c, 0, "rendered %s", c->job_out);
		else
			con_status(c, 1, "render failed: %s", c->job_err);
	} else if (c->job_status == ST_OK) {
		set_track_value(c, c->job_track, P_LIMITER_DRIVE, c->job_v[P_LIMITER_DRIVE]);
		con_status(c, 0, "target %.1f%s: drive %.1f dB, lands at %.2f LUFS, GR max %.1f dB",
		       c->job_target, which, c->job_v[P_LIMITER_DRIVE], c->job_lufs, c->job_gr);
	} else {
		con_status(c, 1, "target%s: %s", which, c->job_err);
	}
	c->job_kind = JOB_NONE;
	if (c->job_kind == JOB_NONE && c->target_todo > 0 && c->ntracks > 1) {
		c->target_todo--;
		start_job_track(c, JOB_TARGET, NULL, c->job_target, (c->job_track + 1) % c->ntracks);
	}
}

void stop_job(struct console *c)
{
	if (c->job_kind == JOB_NONE)
		return;
	atomic_store(&c->job_cancel, 1);
	pthread_join(c->job, NULL);
	c->job_kind = JOB_NONE;
}
