/* libFuzzer harness: the console's ':' command line.  The input is typed
 * into a console as keys (printable bytes as themselves, '\n' runs the
 * line, Tab completes, DEL erases, ^U clears, ESC leaves, ^A and ^B walk
 * the history); the real parser and the real commands run against a
 * console whose engine plays two generated tracks and a reference on
 * ALSA's null PCM.  No terminal: the view is NULL, as in the model's unit
 * test.  After every key the console must still be coherent: every value
 * finite and in range, the engine holding what the screen shows, the
 * status and command lines terminated, one line, no control byte. */
#include <math.h>
#include <stdatomic.h>
#include <time.h>

#include <curses.h>
#include <sndfile.h>

#include "audio/engine.h"
#include "tui/console.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

#define NTRACKS 2
static struct console con;
static struct cli cli;
static char ref_path[512], out_dir[300];

/* A short stereo file: a tone over a little noise, so loudness, peaks and
 * the target search have something to measure. */
static void write_track(const char *path, int rate, double freq, double secs)
{
	SF_INFO info = { .samplerate = rate, .channels = 2,
			 .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);
	int frames = (int)(rate * secs);
	float buf[2 * 512];
	unsigned seed = 1;

	FUZZ_CHECK(f != NULL, "%s: %s", path, sf_strerror(NULL));
	for (int i = 0; i < frames; i += 512) {
		int m = frames - i < 512 ? frames - i : 512;
		for (int k = 0; k < m; k++) {
			seed = seed * 1664525u + 1013904223u;
			double noise = ((seed >> 8) / 16777216.0 - 0.5) * 0.05;
			double s = 0.5 * sin(2 * M_PI * freq * (i + k) / rate);
			buf[2 * k] = (float)(s + noise);
			buf[2 * k + 1] = (float)(0.8 * s - noise);
		}
		FUZZ_CHECK(sf_writef_float(f, buf, m) == m, "%s: short write", path);
	}
	FUZZ_CHECK(sf_close(f) == 0, "%s: close", path);
}

/* At exit, after the last input: every thread joined and everything
 * freed, so LeakSanitizer's exit-time check sees only what lathe lost.
 * libFuzzer's own check after each input is off for this harness
 * (fuzz.mk): it scans while the engine's audio and reader threads run
 * (the null PCM is unpaced, and a converted reference makes a new soxr
 * at every loop), and it reported a thread just being started by the
 * sanitizer itself, 32 bytes from pthread_getattr_np, and three times a soxr
 * that no input leaks when run alone. */
static void close_console(void)
{
	struct console *c = &con;

	stop_job(c);
	master_stop(c);
	con_sweep_end(c);
	engine_stop(c->e);
	engine_close(c->e);
	c->e = NULL;
	con_free_tracks(c);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct engine_opts eo = { .device = "null", .explicit_device = 1 };
	char err[ERRLEN], state[300];

	(void)argc;
	(void)argv;
	fuzz_setup_dir();
	snprintf(state, sizeof state, "%s/state", fuzz_dir);
	setenv("XDG_STATE_HOME", state, 1);
	snprintf(out_dir, sizeof out_dir, "%s/out", fuzz_dir);
	FUZZ_CHECK(mkdir(out_dir, 0700) == 0, "no output folder");

	struct console *c = &con;
	c->cli = &cli;
	cli.bits = 16;
	FUZZ_CHECK(con_alloc_tracks(c, NTRACKS, err, sizeof err) == ST_OK, "%s", err);
	for (int i = 0; i < NTRACKS; i++) {
		snprintf(c->tracks[i].path, sizeof c->tracks[i].path, "%s/track%d.wav", fuzz_dir, i + 1);
		/* The second track at another rate: the reference must be
		 * converted again when it becomes current. */
		write_track(c->tracks[i].path, i ? 48000 : 44100, 220.0 * (i + 1), 0.6);
		params_defaults(c->tracks[i].v);
		con_track_named(c, i);
	}
	snprintf(ref_path, sizeof ref_path, "%s/reference.wav", fuzz_dir);
	write_track(ref_path, 44100, 330, 0.6);
	cli.reference = ref_path;
	FUZZ_CHECK(engine_open(&c->e, &eo, err, sizeof err) == ST_OK, "%s", err);
	params_defaults(c->mo.v);
	for (int i = 0; i < P_COUNT; i++)
		engine_set_param(c->e, i, c->mo.v[i]);
	FUZZ_CHECK(engine_load(c->e, c->tracks[0].path, err, sizeof err) == ST_OK, "%s", err);
	FUZZ_CHECK(engine_load_reference(c->e, ref_path, err, sizeof err) == ST_OK, "%s", err);
	c->mo.ref_loaded = 1;
	snprintf(c->mo.ref_name, sizeof c->mo.ref_name, "reference.wav");
	c->file = c->tracks[0].path;
	c->mo.keys = &c->keys;
	c->mo.platform_target = -14;
	cmdline_help_lines(&c->mo.cmd_help, &c->mo.ncmd_help);
	engine_play(c->e);
	atexit(close_console);
	return 0;
}

/* Back to the state every input starts from: track 1 at its start, every
 * value at its default, nothing to undo, no history, no prompt. */
static void reset_console(struct console *c)
{
	double v[P_COUNT];

	if (c->cur != 0) {
		switch_track(c, 0);
		FUZZ_CHECK(c->cur == 0, "cannot go back to track 1: %s", c->mo.status);
	}
	params_defaults(v);
	for (int i = 0; i < NTRACKS; i++) {
		memcpy(c->tracks[i].v, v, sizeof v);
		memcpy(c->tracks[i].saved_v, v, sizeof v);
		c->tracks[i].preset[0] = 0;
	}
	apply_params(c, v, 0);
	memcpy(c->saved_v, v, sizeof v);
	c->un.nundo = c->un.nredo = 0;
	c->un.last_edit_id = -1;
	memset(&c->cl, 0, sizeof c->cl);
	c->mo.preset[0] = c->mo.status[0] = c->mo.cmd_hint[0] = 0;
	c->mo.loop_a = c->mo.loop_b = 0;
	engine_set_loop(c->e, 0, 0);
	if (c->mo.ref_on)
		set_reference(c, 0);
	c->mo.monitor = 0;
	engine_set_monitor(c->e, MON_STEREO);
	c->mo.help = 0;
	c->prompt = PR_NONE;
	c->quit = 0;
	c->mo.dirty = 0;
	c->mo.cmdline = 0;
	c->job.target_todo = 0;
	c->report.pending = 0;
}

/* A job runs to its end, as it would while the console plays on; a job
 * that will not end within 20 s is a finding (every wait has a way out). */
static void finish_job(struct console *c)
{
	for (int i = 0; i < 2000 && c->job.kind != JOB_NONE; i++) {
		if (atomic_load_explicit(&c->job.done, memory_order_acquire)) {
			char out[sizeof c->job.out];
			int render = c->job.kind == JOB_RENDER;
			snprintf(out, sizeof out, "%s", c->job.out);
			poll_job(c);   /* may start the next track's search */
			if (render && out[0])
				unlink(out);
			continue;
		}
		poll_job(c);
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	FUZZ_CHECK(c->job.kind == JOB_NONE, "a background job did not end in 20 s");
}

static void check_line(const char *s, size_t size, const char *what)
{
	size_t n = strnlen(s, size);
	FUZZ_CHECK(n < size, "%s not terminated", what);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 32 && s[i] != 127, "%s holds byte %d: %s",
			   what, (unsigned char)s[i], s);
}

static void check_console(struct console *c)
{
	const struct ui_model *mo = &c->mo;

	FUZZ_CHECK(c->cur >= 0 && c->cur < c->ntracks, "current track %d", c->cur);
	FUZZ_CHECK(mo->track == c->cur, "the screen shows track %d, track %d plays", mo->track, c->cur);
	for (int i = 0; i < P_COUNT; i++) {
		const struct param_desc *d = &param_table[i];
		FUZZ_CHECK(isfinite(mo->v[i]) && mo->v[i] >= d->min && mo->v[i] <= d->max,
			   "%s.%s = %g", module_names[d->module], d->name, mo->v[i]);
		FUZZ_CHECK(engine_get_param(c->e, i) == mo->v[i], "%s.%s: the screen shows %g, the engine has %g",
			   module_names[d->module], d->name, mo->v[i], engine_get_param(c->e, i));
	}
	FUZZ_CHECK(isfinite(mo->loop_a) && isfinite(mo->loop_b) && mo->loop_a >= 0 &&
		   (mo->loop_b == 0 || mo->loop_b > mo->loop_a),
		   "loop %g to %g", mo->loop_a, mo->loop_b);
	FUZZ_CHECK(mo->cmd_len >= 0 && (size_t)mo->cmd_len == strnlen(mo->cmd, sizeof mo->cmd),
		   "command line length %d", mo->cmd_len);
	check_line(mo->cmd, sizeof mo->cmd, "command line");
	check_line(mo->cmd_hint, sizeof mo->cmd_hint, "completion hint");
	check_line(mo->status, sizeof mo->status, "status line");
	check_line(mo->preset, sizeof mo->preset, "preset name");
	FUZZ_CHECK(c->cl.nhist >= 0 && c->cl.nhist <= CMD_HISTORY && c->cl.hist_at >= 0 &&
		   c->cl.hist_at <= c->cl.nhist, "history %d of %d", c->cl.hist_at, c->cl.nhist);
	FUZZ_CHECK(c->un.nundo >= 0 && c->un.nundo <= c->un.cap && c->un.nredo >= 0 &&
		   c->un.nredo <= c->un.cap, "undo %d redo %d of %d", c->un.nundo, c->un.nredo, c->un.cap);
	FUZZ_CHECK(mo->monitor >= 0 && mo->monitor < MON_COUNT, "monitor %d", mo->monitor);
}

/* ':render' may name any path; the harness runs as whoever started it,
 * so a line that would write outside the private folder is not run. */
static int writes_outside(const char *line)
{
	const char *p = line + strspn(line, " \t");
	size_t n = strcspn(p, " \t");
	return n == 6 && !strncmp(p, "render", 6) && strchr(p + n, '/');
}

static int key_of(unsigned char b)
{
	switch (b) {
	case 1: return KEY_UP;
	case 2: return KEY_DOWN;
	case 3: return KEY_BACKSPACE;
	case 4: return KEY_ENTER;
	default: return b;
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct console *c = &con;
	int lines = 0, here = open(".", O_RDONLY | O_DIRECTORY);

	/* ':render NAME' writes into the working folder: the private one
	 * while the input runs, libFuzzer's own between inputs (its corpus
	 * paths are relative to it). */
	FUZZ_CHECK(here >= 0 && chdir(out_dir) == 0, "cannot enter %s", out_dir);
	reset_console(c);
	for (size_t i = 0; i <= n && lines < 32; i++) {
		int ch = i < n ? key_of(data[i]) : '\n';   /* the last line runs too */
		if (!c->mo.cmdline)
			open_cmdline(c, "");
		int enter = ch == '\n' || ch == '\r' || ch == KEY_ENTER;
		if (enter && writes_outside(c->mo.cmd))
			ch = 27;
		if (enter)
			lines++;
		cmdline_key(c, ch);
		if (enter) {
			finish_job(c);
			c->quit = 0;             /* the loop would end: go on typing */
			c->prompt = PR_NONE;
		}
		check_console(c);
	}
	FUZZ_CHECK(fchdir(here) == 0 && close(here) == 0, "cannot go back");
	return 0;
}
