/* Background jobs of the console: ':render' and ':target' run through
 * their own chain in a thread while playback goes on. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audio/demo.h"
#include "audio/outplan.h"
#include "audio/render.h"
#include "audio/session.h"
#include "audio/status.h"
#include "tui/console.h"

static void job_progress(void *ctx, double f)
{
	struct console *c = ctx;
	atomic_store_explicit(&c->job.permille, (int)(f * 1000), memory_order_relaxed);
}

/* Job thread: the search's phase ("measuring", "searching", "writing");
 * the names are static strings, so the pointer is all that crosses. */
static void job_phase(void *ctx, const char *name)
{
	struct console *c = ctx;
	atomic_store_explicit(&c->job.phase, name, memory_order_release);
}

/* The demo mix has no file; write it once for the offline paths. */
int con_demo_file(char *path, size_t size, char *err, int errlen)
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
				 .progress = job_progress, .phase = job_phase, .ctx = c,
				 .cancel = &c->job.cancel };
	int st = ST_OK;

	if (!c->job.in[0] && c->job.kind != JOB_ALBUM)
		st = con_demo_file(c->job.in, sizeof c->job.in, c->job.err, sizeof c->job.err);
	if (c->job.kind == JOB_ALBUM)
		st = album_render_run(c, c->job.err, sizeof c->job.err);
	else if (st == ST_OK && c->job.kind == JOB_RENDER)
		st = render_file(c->job.in, c->job.out, c->job.v, &o, NULL,
				 c->job.err, sizeof c->job.err);
	else if (st == ST_OK)
		st = render_find_drive(c->job.in, c->job.v, c->job.target, &c->job.lufs,
				       &c->job.gr, &o, c->job.err, sizeof c->job.err);
	c->job.status = st;
	atomic_store_explicit(&c->job.done, 1, memory_order_release);
	return NULL;
}

int start_job(struct console *c, int kind, const char *out, double target)
{
	return start_job_track(c, kind, out, target, c->cur);
}

int start_job_track(struct console *c, int kind, const char *out, double target, int track)
{
	if (c->job.kind != JOB_NONE) {
		con_status(c, 1, "a %s is still running", c->job.kind == JOB_TARGET ? "target search" : "render");
		return -1;
	}
	if (out && strlen(out) >= sizeof c->job.out) {
		con_status(c, 1, "output path too long (%zu bytes; at most %zu)", strlen(out), sizeof c->job.out - 1);
		return -1;
	}
	/* No render may write over any file the console has open. */
	for (int t = 0; kind == JOB_RENDER && out && t < c->ntracks; t++) {
		const char *in = t == c->cur && c->file ? c->file : c->tracks[t].path;
		if (in && *in && outplan_same(out, in)) {
			con_status(c, 1, "%s is track %d's file; lathe never writes over an input", out, t + 1);
			return -1;
		}
	}
	c->job.kind = kind;
	c->job.track = track;
	c->job.gen = c->tracks[track].gen;
	/* The track's file and settings as they are now: "" is the demo. */
	snprintf(c->job.in, sizeof c->job.in, "%s",
		 track == c->cur ? (c->file ? c->file : "") : c->tracks[track].path);
	snprintf(c->job.out, sizeof c->job.out, "%s", out ? out : "");
	memcpy(c->job.v, track == c->cur ? c->mo.v : c->tracks[track].v, sizeof c->job.v);
	c->job.target = target;
	c->job.err[0] = 0;
	atomic_store(&c->job.done, 0);
	atomic_store(&c->job.permille, 0);
	atomic_store(&c->job.phase, NULL);
	atomic_store(&c->job.cancel, 0);
	if (pthread_create(&c->job.thread, NULL, job_main, c) != 0) {
		c->job.kind = JOB_NONE;
		con_status(c, 1, "cannot start a background thread");
		return -1;
	}
	return 0;
}

void poll_job(struct console *c)
{
	char buf[sizeof c->mo.job];

	if (c->job.kind == JOB_NONE)
		return;
	int edited = c->job.kind == JOB_TARGET && c->tracks[c->job.track].gen != c->job.gen;
	if (edited)
		atomic_store(&c->job.cancel, 1);   /* the engineer's edit wins */
	if (!atomic_load_explicit(&c->job.done, memory_order_acquire)) {
		int pm = atomic_load_explicit(&c->job.permille, memory_order_relaxed);
		const char *phase = atomic_load_explicit(&c->job.phase, memory_order_acquire);
		if (!phase)
			phase = "measuring";
		if (c->job.kind == JOB_ALBUM)
			album_render_progress(c, buf, sizeof buf);
		else if (c->job.kind == JOB_RENDER)
			snprintf(buf, sizeof buf, "rendering %.120s  %3d%%", c->job.out, pm / 10);
		else if (c->ntracks > 1)
			snprintf(buf, sizeof buf, "target %.1f LUFS: %s track %d %3d%%",
				 c->job.target, phase, c->job.track + 1, pm / 10);
		else
			snprintf(buf, sizeof buf, "target %.1f LUFS: %s %3d%%", c->job.target, phase, pm / 10);
		if (strcmp(buf, c->mo.job) != 0) {
			snprintf(c->mo.job, sizeof c->mo.job, "%s", buf);
			c->pending |= VP_STATUS;
		}
		return;
	}
	pthread_join(c->job.thread, NULL);
	c->mo.job[0] = 0;
	char which[32] = "";
	if (c->ntracks > 1)
		snprintf(which, sizeof which, " track %d", c->job.track + 1);
	if (c->job.kind == JOB_ALBUM) {
		album_render_finish(c);
	} else if (c->job.kind == JOB_RENDER) {
		const struct track *t = &c->tracks[c->job.track];
		char sp[64];
		const char *name = view_short_path(c->job.out, sp, sizeof sp, 40);
		if (c->job.status == ST_OK && t->fig_gen == c->job.gen && isfinite(t->fig.integrated))
			/* Its settings were measured whole: the render's figures. */
			con_status(c, 0, "rendered %s: %.1f LUFS, true peak %.1f dBTP, LRA %.1f LU", name,
				   t->fig.integrated, t->fig.true_peak, t->fig.lra);
		else if (c->job.status == ST_OK) {
			con_status(c, 0, "rendered %s (measuring it)", name);
			/* The figures follow when the measurement of these settings lands. */
			c->report.pending = 1;
			c->report.track = c->job.track;
			c->report.gen = c->job.gen;
			snprintf(c->report.out, sizeof c->report.out, "%s", c->job.out);
		}
		else
			con_status(c, 1, "render failed: %s", c->job.err);
	} else if (edited) {
		c->job.target_todo = 0;
		con_status(c, 0, "target %.1f%s: search cancelled, the settings changed while it ran (drive stays %.1f dB)",
			   c->job.target, which, track_v(c, c->job.track)[P_LIMITER_DRIVE]);
	} else if (c->job.status == ST_OK) {
		set_track_value(c, c->job.track, P_LIMITER_DRIVE, c->job.v[P_LIMITER_DRIVE]);
		con_status(c, 0, "target %.1f%s: drive %.1f dB, lands at %.2f LUFS, GR max %.1f dB",
		       c->job.target, which, c->job.v[P_LIMITER_DRIVE], c->job.lufs, c->job.gr);
	} else {
		con_status(c, 1, "target %.1f%s failed, the drive stays at %.1f dB: %s", c->job.target,
			   which, track_v(c, c->job.track)[P_LIMITER_DRIVE], c->job.err);
	}
	c->status_hold = 1;   /* it may land while nobody looks */
	c->job.kind = JOB_NONE;
	if (c->job.kind == JOB_NONE && c->job.target_todo > 0 && c->ntracks > 1) {
		c->job.target_todo--;
		start_job_track(c, JOB_TARGET, NULL, c->job.target, (c->job.track + 1) % c->ntracks);
	}
}

static int wait_done(struct console *c, int ms)
{
	for (int i = 0; i < ms / 10 && !atomic_load_explicit(&c->job.done, memory_order_acquire); i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return atomic_load_explicit(&c->job.done, memory_order_acquire);
}

/* The job sees the flag within a block, or within 20 ms while it waits
 * for a FIFO's reader.  A write into a FIFO whose reader has stopped
 * reading sits in the kernel where no flag reaches it: the console then
 * becomes a reader itself and throws the bytes away, which frees the
 * write, and the job stops at its next block.  Returns 1 when the job
 * still would not stop (a write into a stopped device): the thread is
 * left running and the caller must keep what it uses until the exit. */
int stop_job(struct console *c)
{
	if (c->job.kind == JOB_NONE)
		return 0;
	atomic_store(&c->job.cancel, 1);
	if (c->job.kind == JOB_ALBUM)
		album_render_cancel();
	if (!wait_done(c, 1000)) {
		struct stat st;
		int fd = -1;
		if (stat(c->job.out, &st) == 0 && S_ISFIFO(st.st_mode))
			fd = open(c->job.out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		for (int i = 0; fd >= 0 && i < 400 && !atomic_load(&c->job.done); i++) {
			char buf[65536];
			while (read(fd, buf, sizeof buf) > 0)
				;
			wait_done(c, 10);
		}
		if (fd >= 0)
			close(fd);
	}
	if (!wait_done(c, 1000)) {
		logmsg(c, "the background job does not stop (a write that never returns): left to the exit");
		pthread_detach(c->job.thread);
		return 1;
	}
	pthread_join(c->job.thread, NULL);
	c->job.kind = JOB_NONE;
	return 0;
}
