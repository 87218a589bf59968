/* The console: keys in, engine calls out, meter snapshots back, and the
 * screen drawn from a model at a capped frame rate.  One thread owns the
 * terminal and the engine's control side; a background thread may render
 * (':render', ':target') through its own chain.
 *
 * Tracks: several files, or an album file, are a list of tracks, each with
 * its own parameter array.  The current track's array lives in mo.v (what
 * the strips show and the engine plays); the others in their struct
 * track.  Undo is one history across the tracks: an entry names its track,
 * and a copy to several tracks is a group of entries undone together. */
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
#include "audio/album_report.h"
#include "audio/paths.h"
#include "audio/demo.h"
#include "audio/engine.h"
#include "audio/preset.h"
#include "audio/render.h"
#include "audio/session.h"
#include "audio/source.h"
#include "audio/status.h"
#include "tui/cli.h"
#include "tui/keymap.h"
#include "tui/ui_lower.h"
#include "tui/ui_draw.h"
#include "tui/ui_theme.h"
#include "tui/ui_view.h"

#include "tui/console.h"

_Static_assert(KEY_CODE_BACKSPACE == KEY_BACKSPACE && KEY_CODE_ENTER == KEY_ENTER,
	       "console.h's key codes differ from ncurses'");

/* Signal flags: the handlers only set these; the loop acts on them. */
static volatile sig_atomic_t sig_session;  /* SIGHUP or SIGTERM number */
static volatile sig_atomic_t sig_int;

/* For fatal signals: put the terminal back without calling curses. */
static char restore_seq[256];
static struct termios saved_tio;
static int tio_saved;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_session_signal(int sig)
{
	sig_session = sig;
}

static void on_int(int sig)
{
	(void)sig;
	sig_int = 1;
}

static void on_fatal(int sig)
{
	/* Only async-signal-safe calls: write(2) and tcsetattr(3). */
	if (restore_seq[0]) {
		ssize_t r = write(STDOUT_FILENO, restore_seq, strlen(restore_seq));
		(void)r;
	}
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa;
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT };

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_session_signal;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_int;
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	/* A dropped SSH link makes writes to the terminal fail; that must not
	 * kill us before the session is saved. */
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
}

static void capture_restore_seq(void)
{
	const char *caps[] = { "sgr0", "cnorm", "rmkx", "rmcup" };
	size_t used = 0;

	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		const char *s = tigetstr(caps[i]);
		if (!s || s == (char *)-1)
			continue;
		size_t n = strlen(s);
		if (used + n + 2 >= sizeof restore_seq)
			break;
		memcpy(restore_seq + used, s, n);
		used += n;
	}
	restore_seq[used++] = '\r';
	restore_seq[used++] = '\n';
	restore_seq[used] = 0;
}

/* ---- keys ----------------------------------------------------------- */

static void prompt_key(struct console *c, int ch)
{
	int yes = ch == 'y' || ch == 'Y', no = ch == 'n' || ch == 'N' || ch == 27 || ch == 'q';

	if (!yes && !no) {
		/* The question stays; the console works meanwhile (a quit
		 * question is dropped by any other key: it was not meant). */
		if (c->prompt == PR_QUIT) {
			c->prompt = PR_NONE;
			c->mo.prompt[0] = 0;
		}
		run_command(c, keymap_lookup(&c->keys, ch));
		c->pending |= VP_STATUS;
		return;
	}
	if (c->prompt == PR_QUIT && yes)
		c->quit = 1;
	else if (c->prompt == PR_RESTORE && yes)
		restore_session(c);
	else if (c->prompt == PR_RESTORE)
		con_status(c, 0, "started fresh; the old session is replaced at the next save");
	if (c->prompt == PR_RESTORE)
		drop_restore(c);
	c->prompt = PR_NONE;
	c->mo.prompt[0] = 0;
	c->pending |= VP_STATUS;
}

static void help_key(struct console *c, int ch)
{
	enum command cmd = keymap_lookup(&c->keys, ch);
	int visible, total = view_help_rows(c->view, &c->mo, &visible);

	if (cmd == ACT_PARAM_NEXT || ch == KEY_DOWN || ch == KEY_NPAGE) {
		if (c->mo.help_top < total - visible)
			c->mo.help_top += ch == KEY_NPAGE ? visible : 1;
	} else if (cmd == ACT_PARAM_PREV || ch == KEY_UP || ch == KEY_PPAGE) {
		c->mo.help_top -= ch == KEY_PPAGE ? visible : 1;
		if (c->mo.help_top < 0)
			c->mo.help_top = 0;
	} else if (cmd == ACT_HELP || ch == 27 || cmd == ACT_QUIT) {
		c->mo.help = 0;
	} else {
		/* Any other key closes help and does its job. */
		c->mo.help = 0;
		run_command(c, cmd);
	}
	c->pending |= VP_ALL;
}

static void handle_key(struct console *c, int ch)
{
	c->status_hold = 0;
	if (ch == KEY_RESIZE) {
		c->pending |= VP_ALL;
		return;
	}
	if (ch == KEY_MOUSE) {
		/* Reported only while the overview is shown: a click seeks. */
		MEVENT ev;
		double t;
		if (getmouse(&ev) == OK && (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) &&
		    lower_views[c->mo.lower] == &overview_view &&
		    view_overview_seek(&c->mo, ev.y, ev.x, &t)) {
			char ts[16];
			engine_seek(c->e, t, 0);
			fmt_time(ts, sizeof ts, t);
			con_status(c, 0, "seek %s", ts);
		}
		return;
	}
	/* Enter arrives as CR (nonl), LF or the keypad's KEY_ENTER: one key. */
	if (ch == '\r' || ch == KEY_ENTER)
		ch = '\n';
	if (c->mo.cmdline)
		cmdline_key(c, ch);
	else if (c->mo.edit)
		edit_key(c, ch);
	else if (c->prompt != PR_NONE)
		prompt_key(c, ch);
	else if (c->mo.help)
		help_key(c, ch);
	else
		run_command(c, keymap_lookup(&c->keys, ch));
}

/* ---- start and the loop --------------------------------------------- */

static void open_log(struct console *c)
{
	char dir[4096], path[4200], err[ERRLEN];
	struct stat st;
	int fd;

	c->saved_stderr = -1;
	if (session_dir_err(dir, sizeof dir, 1, err, sizeof err) != ST_OK) {
		con_status(c, 1, "sessions not saved: %s", err);
		return;
	}
	snprintf(path, sizeof path, "%s/lathe.log", dir);
	/* Never through a link, and only a file of ours. */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return;
	c->log = fdopen(fd, "a");
	if (!c->log) {
		close(fd);
		return;
	}
	/* Everything any library prints to stderr lands in the log while
	 * curses owns the screen. */
	fflush(stderr);
	c->saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
}

static void close_log(struct console *c)
{
	if (c->saved_stderr >= 0) {
		fflush(stderr);
		dup2(c->saved_stderr, STDERR_FILENO);
		close(c->saved_stderr);
		c->saved_stderr = -1;
	}
	if (c->log)
		fclose(c->log);
	c->log = NULL;
}

static int load_keymap(struct console *c, char *err, int errlen)
{
	char path[4096];

	keymap_defaults(&c->keys);
	snprintf(c->mo.keymap_source, sizeof c->mo.keymap_source, "the built-in defaults");
	if (xdg_path(XDG_CONFIG, "keymap.ini", path, sizeof path) != 0 || access(path, F_OK) != 0)
		return ST_OK;
	int st = keymap_load(&c->keys, path, err, errlen);
	if (st == ST_OK)
		snprintf(c->mo.keymap_source, sizeof c->mo.keymap_source, "defaults + %.280s", path);
	return st;
}

/* ---- the lower panel's views ------------------------------------------ */

static int lower_open(struct console *c)
{
	c->lower_st = calloc((size_t)lower_view_count, sizeof *c->lower_st);
	if (!c->lower_st)
		return -1;
	for (int i = 0; i < lower_view_count; i++)
		if (lower_views[i]->open)
			c->lower_st[i] = lower_views[i]->open();
	c->mo.lower = 0;
	c->mo.lower_state = c->lower_st[0];
	return 0;
}

static void lower_close(struct console *c)
{
	if (!c->lower_st)
		return;
	for (int i = 0; i < lower_view_count; i++)
		if (lower_views[i]->close)
			lower_views[i]->close(c->lower_st[i]);
	free(c->lower_st);
	c->lower_st = NULL;
}

/* Every view sees every frame, shown or not, so histories stay whole. */
static void lower_update(struct console *c, const struct engine_meters *m)
{
	for (int i = 0; i < lower_view_count; i++) {
		struct lower_feed f = { &c->mo, m, c->e, c->now, i == c->mo.lower };
		if (lower_views[i]->update)
			lower_views[i]->update(c->lower_st[i], &f);
	}
}

void next_lower_view(struct console *c)
{
	c->mo.lower = (c->mo.lower + 1) % lower_view_count;
	c->mo.lower_state = c->lower_st[c->mo.lower];
	c->pending |= VP_GRAPH;
	/* The mouse is taken only while a click means something (the
	 * overview), so the terminal's own selection works elsewhere. */
	if (lower_views[c->mo.lower] == &overview_view) {
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
		mouseinterval(0);
	} else {
		mousemask(0, NULL);
		view_overview_hidden();
	}
	con_status(c, 0, "lower panel: %s (%d of %d)", lower_views[c->mo.lower]->name,
		   c->mo.lower + 1, lower_view_count);
}

static int console_run(struct console *c)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };

	c->now = now_s();
	c->mt.gr_t0 = c->now;
	c->last_autosave = c->now;
	c->pending = VP_ALL;
	view_relayout(c->view, &c->mo);
	while (!c->quit) {
		double next, wait;
		int r, ch;

		if (sig_session) {
			int sig = sig_session;
			c->now = now_s();
			logmsg(c, "signal %d: saving the session", sig);
			save_session(c);
			c->exit_code = 128 + sig;
			return sig;
		}
		if (sig_int) {
			sig_int = 0;
			if (c->prompt == PR_QUIT)
				c->quit = 1;
			else
				request_quit(c);
		}
		/* Sleep until the next meter frame is due, or a key. */
		next = c->last_meter_draw + METER_PERIOD;
		if (c->pending & ~(VP_METERS | VP_GRAPH | VP_HEADER | VP_STRIPS))
			next = c->last_frame + FRAME_MIN;
		wait = next - now_s();
		if (wait < 0)
			wait = 0;
		r = poll(&pfd, 1, (int)(wait * 1000) + 1);
		c->now = now_s();
		if (r > 0 || (r < 0 && errno == EINTR)) {
			/* Drain all pending keys; a resize arrives as KEY_RESIZE. */
			while ((ch = getch()) != ERR && !c->quit)
				handle_key(c, ch);
		}
		if (r > 0 && (pfd.revents & (POLLHUP | POLLERR)) && !(pfd.revents & POLLIN)) {
			/* The terminal went away without a SIGHUP. */
			sig_session = SIGHUP;
			continue;
		}
		poll_job(c);
		master_tick(c);
		album_tick(c);
		con_sweep_tick(c);
		if (c->mo.status[0] && !c->mo.status_error && !c->status_hold &&
		    c->now - c->status_t > STATUS_S) {
			c->mo.status[0] = 0;
			c->pending |= VP_STATUS;
		}
		if (c->change_seq != c->saved_seq && c->now - c->last_autosave > AUTOSAVE_S)
			save_session(c);
		if (c->now - c->last_meter_draw >= METER_PERIOD) {
			struct engine_meters m;
			if (engine_read_meters(c->e, &m)) {
				con_meter_frame(c, &m);
				lower_update(c, &m);
			}
			if (c->pending & (VP_METERS | VP_GRAPH))
				c->last_meter_draw = c->now;
		}
		if (c->pending && c->now - c->last_frame >= FRAME_MIN) {
			struct engine_info info;
			engine_get_info(c->e, &info);
			if (memcmp(&info, &c->mo.info, sizeof info) != 0) {
				if (info.error[0] && strcmp(info.error, c->mo.info.error) != 0)
					logmsg(c, "device: %s", info.error);
				c->mo.info = info;
				c->pending |= VP_HEADER;
			}
			view_draw(c->view, &c->mo, c->pending);
			c->pending = 0;
			c->last_frame = c->now;
		}
	}
	return 0;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);
	return n > k && strcmp(s + n - k, tail) == 0;
}

/* A preset as the status line names it: "presets/glue.ini" is "glue". */
static void preset_label(char *out, size_t size, const char *name)
{
	const char *base = strrchr(name, '/');

	snprintf(out, size, "%s", base ? base + 1 : name);
	char *dot = strstr(out, ".ini");
	if (dot && !dot[4])
		*dot = 0;
}

static void free_console(struct console *c)
{
	if (c->tracks)
		drop_restore(c);
	if (c->have_album)
		album_free(&c->album);
	con_free_tracks(c);
	free(c);
}

/* The tracks: an album file's (each from its own preset and sets, then
 * --ceiling and --set of the command line), the files given (each from
 * the command line's settings), or the demo mix. */
static int setup_tracks(struct console *c, const struct cli *cli, char *err, int errlen)
{
	double v[P_COUNT];
	int st, n;

	if (cli->nfiles == 1 && ends_with(cli->files[0], ".ini")) {
		st = album_load(cli->files[0], cli->preset, &c->album, err, errlen);
		if (st != ST_OK)
			return st;
		c->have_album = 1;
		n = c->album.ntracks;
	} else {
		st = cli_params(cli, v, err, errlen);
		if (st != ST_OK)
			return st;
		n = cli->nfiles > 0 ? cli->nfiles : 1;
	}
	if ((st = con_alloc_tracks(c, n, err, errlen)) != ST_OK)
		return st;
	for (int i = 0; i < n; i++) {
		struct track *t = &c->tracks[i];
		const char *path = c->have_album ? c->album.tracks[i].file :
				   cli->nfiles ? cli->files[i] : "";
		snprintf(t->path, sizeof t->path, "%s", path);
		if (c->have_album) {
			memcpy(t->v, c->album.tracks[i].v, sizeof t->v);
			if (cli->has_ceiling)
				t->v[P_LIMITER_CEILING] = cli->ceiling;
			for (int k = 0; k < cli->nsets; k++)
				if ((st = param_set_from_string(cli->sets[k], t->v, err, errlen)) != ST_OK)
					return st;
		} else {
			memcpy(t->v, v, sizeof t->v);
		}
		con_track_named(c, i);
	}
	return ST_OK;
}

int console_main(const struct cli *cli)
{
	struct console *c = calloc(1, sizeof *c);
	struct engine_opts eo = { 0 };
	char err[ERRLEN];
	double v[P_COUNT];
	int st, sig = 0;

	if (!c) {
		fprintf(stderr, "lathe: out of memory\n");
		return ST_INPUT;
	}
	c->cli = cli;
	c->switch_frac = -1;
	c->un.last_edit_id = -1;
	c->mo.platform_target = -14;
	st = setup_tracks(c, cli, err, sizeof err);
	if (st == ST_OK)
		st = load_keymap(c, err, sizeof err);
	if (st != ST_OK) {
		fprintf(stderr, "lathe: %s\n", err);
		free_console(c);
		return st;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "lathe: the console needs a terminal (use `lathe play` or `lathe render` in scripts)\n");
		free_console(c);
		return ST_USAGE;
	}
	/* initscr would print its own complaint and exit(1), after stderr has
	 * gone to the log: ask the terminal database first, while the one
	 * line still reaches the user. */
	{
		const char *term = getenv("TERM");
		int terr = 0;
		if (!term || !*term || setupterm(NULL, STDOUT_FILENO, &terr) != OK) {
			fprintf(stderr, "lathe: %s (set TERM to your terminal's type, e.g. TERM=xterm-256color)\n",
				!term || !*term ? "TERM is not set" : "TERM names a terminal type this system does not know");
			free_console(c);
			return ST_USAGE;
		}
		del_curterm(cur_term);
	}
	eo.device = cli->device;
	eo.explicit_device = cli->device != NULL;
	eo.latency_ms = cli->latency_ms;
	st = engine_open(&c->e, &eo, err, sizeof err);
	if (st != ST_OK) {
		fprintf(stderr, "lathe: %s\n", err);
		free_console(c);
		return st;
	}
	/* The first track's settings before its load: its chain starts on them. */
	memcpy(v, c->tracks[0].v, sizeof v);
	for (int i = 0; i < P_COUNT; i++) {
		c->mo.v[i] = v[i];
		engine_set_param(c->e, i, v[i]);
	}
	if (c->tracks[0].path[0]) {
		c->file = c->tracks[0].path;
		st = engine_load(c->e, c->file, err, sizeof err);
	} else {
		struct source *s = demo_source();
		if (!s) {
			snprintf(err, sizeof err, "out of memory for the demo mix");
			st = ST_INPUT;
		} else {
			st = engine_load_source(c->e, s, err, sizeof err);
		}
	}
	if (st == ST_OK && cli->reference) {
		st = engine_load_reference(c->e, cli->reference, err, sizeof err);
		if (st == ST_OK) {
			const char *base = strrchr(cli->reference, '/');
			c->mo.ref_loaded = 1;
			snprintf(c->mo.ref_name, sizeof c->mo.ref_name, "%.63s", base ? base + 1 : cli->reference);
		}
	}
	if (st != ST_OK) {
		fprintf(stderr, "lathe: %s\n", err);
		engine_close(c->e);
		free_console(c);
		return st;
	}
	memcpy(c->saved_v, v, sizeof v);
	if (c->have_album)
		for (int i = 0; i < c->ntracks; i++)
			preset_label(c->tracks[i].preset, sizeof c->tracks[i].preset,
				     c->album.tracks[i].preset);
	else if (cli->preset)
		preset_label(c->mo.preset, sizeof c->mo.preset, cli->preset);
	if (c->have_album)
		snprintf(c->mo.preset, sizeof c->mo.preset, "%s", c->tracks[0].preset);
	for (int m = 0; m < MOD_COUNT; m++)
		c->mod_param[m] = param_bypass(m) + 1 < param_end(m) ? param_bypass(m) + 1 : param_bypass(m);
	c->mo.module = MOD_INPUT;
	c->mo.mb_solo = -1;
	c->mo.param = c->mod_param[MOD_INPUT];
	c->mo.keys = &c->keys;
	cmdline_help_lines(&c->mo.cmd_help, &c->mo.ncmd_help);
	c->mo.hold_tp[0] = c->mo.hold_tp[1] = -INFINITY;
	c->mo.hold_gr[0] = c->mo.hold_gr[1] = 0;
	engine_get_info(c->e, &c->mo.info);
	c->tracks[0].dur_s = c->mo.info.duration_s;
	album_track_entered(c);
	for (int i = 1; i < c->ntracks && !c->have_album; i++)
		snprintf(c->tracks[i].preset, sizeof c->tracks[i].preset, "%s", c->mo.preset);
	offer_restore(c);
	master_show(c);

	open_log(c);
	logmsg(c, "console start: %s on %s (%u Hz)%s", c->mo.info.source, c->mo.info.device,
	       c->mo.info.rate, c->mo.info.silent_sink ? ", silent sink" : "");
	if (tcgetattr(STDIN_FILENO, &saved_tio) == 0)
		tio_saved = 1;
	/* Esc answers in 25 ms; ESCDELAY (ncurses' own variable, in ms) wins
	 * when set, for links slow enough to split an arrow key's or a mouse
	 * click's sequence (whose bytes would then act as keys). */
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	curs_set(0);
	theme_init();
	capture_restore_seq();
	install_signals();
	c->view = view_new();
	if (c->view && lower_open(c) != 0) {
		view_free(c->view);
		c->view = NULL;
	}
	engine_play(c->e);
	c->now = now_s();
	if (c->ntracks > 1 && !c->prompt)
		con_status(c, 0, "track 1/%d: n and p switch, C copies these settings to all%s",
		       c->ntracks, c->mo.ref_loaded ? ", r: reference" : "");
	else if (c->mo.ref_loaded && !c->prompt && isfinite(c->mo.info.reference_lufs))
		con_status(c, 0, "r switches to the reference %s (%.1f LUFS) at matched loudness",
		       c->mo.ref_name, c->mo.info.reference_lufs);
	else if (c->mo.ref_loaded && !c->prompt)
		/* A long reference is measured in the background (the first
		 * screen may not wait for it): no figure yet, not "nan". */
		con_status(c, 0, "r switches to the reference %s (its loudness is being measured)",
		       c->mo.ref_name);
	if (cli->has_target) {
		/* Every track to the target, one after the other, in the
		 * background while the first one plays. */
		c->now = now_s();
		if (start_job(c, JOB_TARGET, NULL, cli->target) == 0)
			c->job.target_todo = c->ntracks - 1;
	} else if (c->have_album && c->album.has_target) {
		/* The album file's target, as ':target LUFS all' would: the
		 * render would land there, so what is heard does too. */
		c->now = now_s();
		if (start_job(c, JOB_TARGET, NULL, c->album.target) == 0) {
			c->job.target_todo = c->ntracks - 1;
			con_status(c, 0, "album target %.1f LUFS: searching the drive of %s in the background",
				   c->album.target, c->ntracks > 1 ? "every track" : "the track");
			c->status_hold = 1;
		}
	}
	if (c->view)
		sig = console_run(c);
	int job_stuck = stop_job(c);
	master_stop(c);
	con_sweep_end(c);
	/* A deliberate quit: the tweaks were saved or let go on purpose, so
	 * there is nothing to offer back next time. */
	if (!sig)
		for (int i = 0; i < c->ntracks; i++)
			session_remove(c->tracks[i].path);
	engine_stop(c->e);
	endwin();
	view_free(c->view);
	lower_close(c);
	engine_close(c->e);
	logmsg(c, "console end%s", sig ? " (signal)" : "");
	close_log(c);
	if (!job_stuck)   /* else the stuck job still reads it; the exit frees it */
		free_console(c);
	if (sig) {
		/* End the way the signal would have: the parent sees it. */
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	return ST_OK;
}
