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

__attribute__((format(printf, 2, 3)))
void logmsg(struct console *c, const char *fmt, ...)
{
	va_list ap;
	time_t t = time(NULL);
	char when[32];

	if (!c->log)
		return;
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime(&t));
	fprintf(c->log, "%s ", when);
	va_start(ap, fmt);
	vfprintf(c->log, fmt, ap);
	va_end(ap);
	fputc('\n', c->log);
	fflush(c->log);
}

__attribute__((format(printf, 3, 4)))
void con_status(struct console *c, int error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->mo.status, sizeof c->mo.status, fmt, ap);
	va_end(ap);
	c->mo.status_error = error;
	c->status_t = c->now;
	c->pending |= VP_STATUS;
	logmsg(c, "%s%s", error ? "error: " : "", c->mo.status);
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

/* ---- parameters, undo, dirty ---------------------------------------- */

static int params_differ(const double a[P_COUNT], const double b[P_COUNT])
{
	for (int i = 0; i < P_COUNT; i++)
		if (fabs(a[i] - b[i]) > 1e-9)
			return 1;
	return 0;
}

static void changed(struct console *c)
{
	c->mo.dirty = params_differ(c->mo.v, c->saved_v);
	c->ut[c->cur].dirty = c->mo.dirty;
	c->change_seq++;
	c->pending |= VP_STRIPS | VP_STATUS | VP_METERS | VP_TRACKS;
}

/* The live settings of track i: mo.v for the current one. */
static double *track_v(struct console *c, int i)
{
	return i == c->cur ? c->mo.v : c->tracks[i].v;
}

static void update_track_ui(struct console *c, int i)
{
	const double *saved = i == c->cur ? c->saved_v : c->tracks[i].saved_v;
	c->ut[i].dirty = params_differ(track_v(c, i), saved);
}

/* Entries beyond the history's size go, oldest group first. */
static void undo_add(struct undo_entry *list, int *n, int cap, int track,
		     unsigned group, const double v[P_COUNT])
{
	if (*n == cap) {
		int k = 1;
		while (k < *n && list[k].group == list[0].group)
			k++;
		memmove(list, list + k, sizeof *list * (size_t)(*n - k));
		*n -= k;
	}
	list[*n].track = track;
	list[*n].group = group;
	memcpy(list[*n].v, v, sizeof list[*n].v);
	(*n)++;
}

static void push_undo_track(struct console *c, int track, unsigned group)
{
	undo_add(c->undo, &c->nundo, c->cap, track, group, track_v(c, track));
	c->nredo = 0;
	c->tracks[track].session_dirty = 1;
}

static void push_undo(struct console *c)
{
	push_undo_track(c, c->cur, ++c->group);
}

/* Apply a whole parameter array; the engine glides to it. */
void apply_params(struct console *c, const double nv[P_COUNT], int undoable)
{
	if (!params_differ(nv, c->mo.v))
		return;
	if (undoable)
		push_undo(c);
	for (int i = 0; i < P_COUNT; i++)
		if (nv[i] != c->mo.v[i]) {
			c->mo.v[i] = param_clamp(i, nv[i]);
			engine_set_param(c->e, i, c->mo.v[i]);
		}
	c->last_edit_id = -1;
	c->tracks[c->cur].session_dirty = 1;
	changed(c);
}

void set_value(struct console *c, int id, double val)
{
	val = param_clamp(id, val);
	if (val == c->mo.v[id])
		return;
	if (id != c->last_edit_id || c->now - c->last_edit_t > COALESCE_S)
		push_undo(c);
	c->last_edit_id = id;
	c->last_edit_t = c->now;
	c->mo.v[id] = val;
	engine_set_param(c->e, id, val);
	c->tracks[c->cur].session_dirty = 1;
	changed(c);
}

/* Give track i the settings v (the engine too when it is current). */
static void put_track_v(struct console *c, int i, const double v[P_COUNT])
{
	double *dst = track_v(c, i);

	for (int k = 0; k < P_COUNT; k++)
		if (v[k] != dst[k]) {
			dst[k] = v[k];
			if (i == c->cur)
				engine_set_param(c->e, k, v[k]);
		}
	c->tracks[i].session_dirty = 1;
	update_track_ui(c, i);
}

void undo_redo(struct console *c, int redo)
{
	struct undo_entry *from = redo ? c->redo : c->undo;
	struct undo_entry *to = redo ? c->undo : c->redo;
	int *nfrom = redo ? &c->nredo : &c->nundo;
	int *nto = redo ? &c->nundo : &c->nredo;
	int other = -1, count = 0;

	if (*nfrom == 0) {
		con_status(c, 0, "nothing to %s", redo ? "redo" : "undo");
		return;
	}
	unsigned g = from[*nfrom - 1].group;
	while (*nfrom > 0 && from[*nfrom - 1].group == g) {
		struct undo_entry *u = &from[--*nfrom];
		double v[P_COUNT];
		memcpy(v, u->v, sizeof v);
		undo_add(to, nto, c->cap, u->track, g, track_v(c, u->track));
		put_track_v(c, u->track, v);
		if (u->track != c->cur)
			other = u->track;
		count++;
	}
	c->last_edit_id = -1;
	changed(c);
	if (count > 1)
		con_status(c, 0, "%s on %d tracks (%d more)", redo ? "redone" : "undone", count, *nfrom);
	else if (other >= 0)
		con_status(c, 0, "%s on track %d, %s (%d more)", redo ? "redone" : "undone", other + 1,
		       c->ut[other].name, *nfrom);
	else
		con_status(c, 0, "%s (%d more)", redo ? "redone" : "undone", *nfrom);
}

/* ---- session --------------------------------------------------------- */

/* One session file per track (session.c keys them by file), so each
 * track's settings survive an SSH drop and come back with its file. */
static void fill_session(struct console *c, int i, struct session *s)
{
	const struct track *t = &c->tracks[i];

	memset(s, 0, sizeof *s);
	snprintf(s->file, sizeof s->file, "%s", t->path);
	if (i == c->cur) {
		s->position_s = c->mo.have_meters ? c->mo.m.pos_s : 0;
		s->loop_a = c->mo.loop_a;
		s->loop_b = c->mo.loop_b;
		snprintf(s->preset, sizeof s->preset, "%s", c->mo.preset);
	} else {
		s->position_s = t->pos_s;
		snprintf(s->preset, sizeof s->preset, "%s", t->preset);
	}
	memcpy(s->v, track_v(c, i), sizeof s->v);
	s->saved_at = time(NULL);
}

/* The current track always (its position moves), the others when their
 * settings changed since their last save. */
static int save_session(struct console *c)
{
	struct session s;
	char err[ERRLEN];
	int st = ST_OK;

	for (int i = 0; i < c->ntracks; i++) {
		if (i != c->cur && !c->tracks[i].session_dirty)
			continue;
		fill_session(c, i, &s);
		int r = session_save(&s, err, sizeof err);
		if (r != ST_OK) {
			logmsg(c, "session not saved: %s", err);
			st = r;
		} else {
			c->tracks[i].session_dirty = 0;
		}
	}
	if (st == ST_OK)
		c->saved_seq = c->change_seq;
	c->last_autosave = c->now;
	return st;
}

/* ---- background jobs ------------------------------------------------- */

/* ---- presets --------------------------------------------------------- */

void save_preset(struct console *c, const char *name)
{
	char path[4096], err[ERRLEN];

	if (!name || !*name) {
		con_status(c, 1, "save needs a name: :save NAME");
		return;
	}
	if (preset_user_path(name, path, sizeof path, 1, err, sizeof err) != ST_OK ||
	    preset_save(path, c->mo.v, name, c->notes, err, sizeof err) != ST_OK) {
		con_status(c, 1, "%s", err);
		return;
	}
	snprintf(c->mo.preset, sizeof c->mo.preset, "%s", name);
	memcpy(c->saved_v, c->mo.v, sizeof c->saved_v);
	changed(c);
	con_status(c, 0, "saved %s", path);
}

void load_preset(struct console *c, const char *name)
{
	char path[4096], err[ERRLEN], pname[PRESET_NAME_MAX];
	double v[P_COUNT];

	if (!name || !*name) {
		con_status(c, 1, "load needs a name or a path: :load NAME");
		return;
	}
	if (preset_resolve(name, path, sizeof path, err, sizeof err) != ST_OK ||
	    preset_load(path, v, pname, sizeof pname, c->notes, sizeof c->notes,
			err, sizeof err) != ST_OK) {
		con_status(c, 1, "%s", err);
		return;
	}
	apply_params(c, v, 1);
	snprintf(c->mo.preset, sizeof c->mo.preset, "%s", pname);
	memcpy(c->saved_v, v, sizeof c->saved_v);
	changed(c);
	con_status(c, 0, "loaded %s (%s)", pname, path);
}

/* ---- commands -------------------------------------------------------- */

void select_param(struct console *c, int id)
{
	c->mo.param = id;
	c->mo.module = param_table[id].module;
	c->mod_param[c->mo.module] = id;
	c->pending |= VP_STRIPS;
}

void move_param(struct console *c, int dir)
{
	int id = c->mo.param + dir;
	/* Skip bypass entries: bypass has its own key. */
	while (id >= 0 && id < P_COUNT && param_table[id].name && id == param_bypass(param_table[id].module))
		id += dir;
	if (id < 0 || id >= P_COUNT)
		return;
	select_param(c, id);
}

void move_module(struct console *c, int dir)
{
	int m = c->mo.module + dir;
	if (m < 0 || m >= MOD_COUNT)
		return;
	select_param(c, c->mod_param[m]);
}

void step_value(struct console *c, int dir, double mult)
{
	int id = c->mo.param;
	set_value(c, id, param_step(id, c->mo.v[id], dir, mult));
}

void request_quit(struct console *c)
{
	int dirty = 0;

	for (int i = 0; i < c->ntracks; i++)
		dirty |= i == c->cur ? c->mo.dirty : c->ut[i].dirty;
	if (dirty) {
		c->prompt = PR_QUIT;
		snprintf(c->mo.prompt, sizeof c->mo.prompt,
			 c->mo.dirty || c->ntracks == 1 ?
			 "Quit with unsaved tweaks? y quits, n stays (:save NAME keeps them)" :
			 "Quit with unsaved tweaks on other tracks? y quits, n stays");
		c->pending |= VP_STATUS;
	} else {
		c->quit = 1;
	}
}

void set_monitor(struct console *c, int mon)
{
	c->mo.monitor = mon;
	if (mon == MON_PLATFORM)
		engine_set_platform_target(c->e, c->mo.platform_target);
	engine_set_monitor(c->e, (enum monitor)mon);
	c->pending |= VP_STATUS;
	con_status(c, 0, "monitor: %s%s", monitor_names[mon], mon ? " (listening only, not rendered)" : "");
}

double con_position(struct console *c)
{
	return c->mo.have_meters ? c->mo.m.pos_s : 0;
}

/* ---- tracks and the reference ---------------------------------------- */

/* The album loudness from what was measured of each track so far: the
 * duration-weighted power mean, as `lathe analyze` does for an album. */
static void update_album(struct console *c)
{
	int n = 0;

	for (int i = 0; i < c->ntracks; i++) {
		if (!isfinite(c->ut[i].lufs) || c->tracks[i].dur_s <= 0)
			continue;
		c->alb_l[n] = c->ut[i].lufs;
		c->alb_d[n] = c->tracks[i].dur_s;
		n++;
	}
	c->mo.album_measured = n;
	c->mo.album_lufs = n ? album_loudness(c->alb_l, c->alb_d, n) : -INFINITY;
}

/* Switch to track i: its own settings, at the same relative position.
 * The settings go to the engine first, so the old chain glides towards
 * them during the fade-out and the new one starts on them. */
void switch_track(struct console *c, int i)
{
	char err[ERRLEN];
	struct track *t = &c->tracks[c->cur], *nt;
	int was = engine_transport(c->e);
	double frac = 0, dur = c->mo.info.duration_s;

	if (c->ntracks < 2) {
		con_status(c, 1, "one track only (open several files, or an album file)");
		return;
	}
	if (i < 0 || i >= c->ntracks) {
		con_status(c, 1, "no track %d (1 to %d)", i + 1, c->ntracks);
		return;
	}
	if (i == c->cur)
		return;
	if (dur > 0)
		frac = fmin(fmax(con_position(c) / dur, 0), 1);
	nt = &c->tracks[i];
	for (int k = 0; k < P_COUNT; k++)
		if (nt->v[k] != c->mo.v[k])
			engine_set_param(c->e, k, nt->v[k]);
	if (engine_load(c->e, nt->path, err, sizeof err) != ST_OK) {
		for (int k = 0; k < P_COUNT; k++)
			engine_set_param(c->e, k, c->mo.v[k]);
		con_status(c, 1, "%s", err);
		return;
	}
	/* Leave the old track. */
	memcpy(t->v, c->mo.v, sizeof t->v);
	memcpy(t->saved_v, c->saved_v, sizeof t->saved_v);
	snprintf(t->preset, sizeof t->preset, "%s", c->mo.preset);
	t->pos_s = con_position(c);
	/* Take the new one. */
	c->cur = i;
	c->file = nt->path[0] ? nt->path : NULL;
	memcpy(c->mo.v, nt->v, sizeof c->mo.v);
	memcpy(c->saved_v, nt->saved_v, sizeof c->saved_v);
	snprintf(c->mo.preset, sizeof c->mo.preset, "%s", nt->preset);
	c->mo.track = i;
	c->visit_s = 0;
	c->last_edit_id = -1;
	c->mo.loop_a = c->mo.loop_b = 0;
	engine_get_info(c->e, &c->mo.info);
	if (c->mo.ref_loaded && !c->mo.info.reference_usable && c->cli->reference) {
		/* A track at another rate: convert the reference again. */
		if (engine_load_reference(c->e, c->cli->reference, err, sizeof err) == ST_OK)
			engine_get_info(c->e, &c->mo.info);
		else
			logmsg(c, "reference: %s", err);
	}
	nt->dur_s = c->mo.info.duration_s;
	if (frac > 0)
		engine_seek(c->e, frac * nt->dur_s, 0);
	if (was == TR_PLAYING)
		engine_play(c->e);
	c->mo.have_meters = 0;
	c->mo.hold_tp[0] = c->mo.hold_tp[1] = -INFINITY;
	c->mo.hold_gr[0] = c->mo.hold_gr[1] = 0;
	changed(c);
	c->pending |= VP_ALL;
	con_status(c, 0, "track %d/%d: %s%s", i + 1, c->ntracks, c->ut[i].name,
	       c->mo.dirty ? " (its own tweaks)" : "");
}

/* The current track's settings to track `to`, or to every other (-1);
 * one undo step. */
void copy_settings(struct console *c, int to)
{
	unsigned g = ++c->group;
	int n = 0;

	if (c->ntracks < 2) {
		con_status(c, 1, "one track only: nothing to copy to");
		return;
	}
	if (to >= c->ntracks || to == c->cur || to < -1) {
		con_status(c, 1, to == c->cur ? "that is this track" : "no track %d (1 to %d)", to + 1, c->ntracks);
		return;
	}
	for (int i = 0; i < c->ntracks; i++) {
		if (i == c->cur || (to >= 0 && i != to) || !params_differ(c->tracks[i].v, c->mo.v))
			continue;
		push_undo_track(c, i, g);
		put_track_v(c, i, c->mo.v);
		n++;
	}
	c->change_seq++;
	c->pending |= VP_TRACKS | VP_STATUS;
	if (n == 0)
		con_status(c, 0, "the settings are the same there already");
	else
		con_status(c, 0, "settings of track %d copied to %d track%s (u undoes)", c->cur + 1, n,
		       n == 1 ? "" : "s");
}

/* One parameter of any track, undoable; a background job's result may
 * arrive after the engineer has moved to another track. */
void set_track_value(struct console *c, int track, int id, double val)
{
	double v[P_COUNT];

	if (track == c->cur) {
		set_value(c, id, val);
		return;
	}
	memcpy(v, c->tracks[track].v, sizeof v);
	v[id] = param_clamp(id, val);
	if (v[id] == c->tracks[track].v[id])
		return;
	push_undo_track(c, track, ++c->group);
	put_track_v(c, track, v);
	c->change_seq++;
	c->pending |= VP_TRACKS | VP_STATUS;
}

void set_reference(struct console *c, int on)
{
	if (!c->mo.ref_loaded) {
		con_status(c, 1, "no reference: start with --reference FILE");
		return;
	}
	if (on && !c->mo.info.reference_usable) {
		con_status(c, 1, "the reference's sample rate differs from this track's: it cannot play");
		return;
	}
	if (on && c->mo.ab) {
		/* One comparison at a time: the reference replaces the dry mix. */
		c->mo.ab = 0;
		engine_set_ab(c->e, 0);
	}
	c->mo.ref_on = on;
	engine_set_reference(c->e, on);
	c->pending |= VP_TRACKS | VP_STATUS | VP_HEADER;
	if (on)
		con_status(c, 0, "reference %s, %.1f LUFS (the louder one is turned down)",
		       c->mo.ref_name, c->mo.info.reference_lufs);
	else
		con_status(c, 0, "master");
}

static void drop_restore(struct console *c)
{
	for (int i = 0; i < c->ntracks; i++) {
		free(c->tracks[i].restore);
		c->tracks[i].restore = NULL;
	}
}

/* Every track's session back, as one undo step. */
static void restore_session(struct console *c)
{
	unsigned g = ++c->group;
	int n = 0;

	for (int i = 0; i < c->ntracks; i++) {
		struct session *s = c->tracks[i].restore;
		if (!s)
			continue;
		n++;
		if (params_differ(s->v, track_v(c, i))) {
			push_undo_track(c, i, g);
			put_track_v(c, i, s->v);
		}
		if (i != c->cur) {
			snprintf(c->tracks[i].preset, sizeof c->tracks[i].preset, "%.63s", s->preset);
			c->tracks[i].pos_s = s->position_s;
			continue;
		}
		snprintf(c->mo.preset, sizeof c->mo.preset, "%.63s", s->preset);
		if (s->loop_b > s->loop_a) {
			c->mo.loop_a = s->loop_a;
			c->mo.loop_b = s->loop_b;
			engine_set_loop(c->e, s->loop_a, s->loop_b);
		}
		if (s->position_s > 0)
			engine_seek(c->e, s->position_s, 0);
	}
	c->last_edit_id = -1;
	changed(c);
	drop_restore(c);
	if (n > 1)
		con_status(c, 0, "sessions of %d tracks restored", n);
	else
		con_status(c, 0, "session restored");
	c->pending |= VP_ALL;
}

static void prompt_key(struct console *c, int ch)
{
	int yes = ch == 'y' || ch == 'Y', no = ch == 'n' || ch == 'N' || ch == 27 || ch == 'q';

	if (!yes && !no)
		return;
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
	if (ch == KEY_RESIZE) {
		c->pending |= VP_ALL;
		return;
	}
	if (c->mo.cmdline)
		cmdline_key(c, ch);
	else if (c->prompt != PR_NONE)
		prompt_key(c, ch);
	else if (c->mo.help)
		help_key(c, ch);
	else
		run_command(c, keymap_lookup(&c->keys, ch));
}

/* ---- meters ---------------------------------------------------------- */

static void update_meters(struct console *c)
{
	struct engine_meters m;
	struct ui_model *mo = &c->mo;

	if (!engine_read_meters(c->e, &m))
		return;
	mo->m = m;
	/* The track's loudness: integrated since it was loaded.  A new visit
	 * takes over once it has heard more than the one that measured the
	 * figure kept. */
	if (m.transport == TR_PLAYING)
		c->visit_s += fmin(c->now - c->meter_t, 1.0);
	c->meter_t = c->now;
	if (isfinite(m.integrated_lufs) && m.integrated_lufs > -70 &&
	    c->visit_s >= c->tracks[c->cur].lufs_s && c->now - c->num_t >= NUMBERS_PERIOD) {
		c->ut[c->cur].lufs = m.integrated_lufs;
		c->ut[c->cur].lra = m.lra_lu;
		c->tracks[c->cur].lufs_s = c->visit_s;
		update_album(c);
		c->pending |= VP_TRACKS;
	}
	/* Readouts show the largest peak and GR of their period, so a short
	 * peak between two readouts is not lost. */
	for (int ch = 0; ch < 2; ch++)
		if (!(c->num_peak[ch] >= m.peak_db[ch]))
			c->num_peak[ch] = m.peak_db[ch];
	c->num_comp = fmaxf(c->num_comp, m.comp_gr_db);
	c->num_lim = fmaxf(c->num_lim, m.limiter_gr_db);
	if (!mo->have_meters || c->now - c->num_t >= NUMBERS_PERIOD) {
		mo->num = m;
		mo->num.peak_db[0] = c->num_peak[0];
		mo->num.peak_db[1] = c->num_peak[1];
		mo->num.comp_gr_db = c->num_comp;
		mo->num.limiter_gr_db = c->num_lim;
		c->num_peak[0] = c->num_peak[1] = -INFINITY;
		c->num_comp = c->num_lim = 0;
		c->num_t = c->now;
	}
	mo->have_meters = 1;
	for (int ch = 0; ch < 2; ch++) {
		if (!(mo->hold_tp[ch] >= m.true_peak_db[ch]) || c->now - c->hold_t[ch] > HOLD_TIME) {
			mo->hold_tp[ch] = m.true_peak_db[ch];
			c->hold_t[ch] = c->now;
		}
	}
	/* GR holds too: the deepest bite of the last seconds stays on the
	 * bar, so a fast limiter's catches are seen, not just read. */
	for (int i = 0; i < 2; i++) {
		float gr = i ? m.limiter_gr_db : m.comp_gr_db;
		if (!(mo->hold_gr[i] >= gr) || c->now - c->hold_gr_t[i] > HOLD_TIME) {
			mo->hold_gr[i] = gr;
			c->hold_gr_t[i] = c->now;
		}
	}
	if (m.transport == TR_PLAYING) {
		if (m.comp_gr_db > c->gr_acc_comp)
			c->gr_acc_comp = m.comp_gr_db;
		if (m.limiter_gr_db > c->gr_acc_lim)
			c->gr_acc_lim = m.limiter_gr_db;
		if (c->now - c->gr_t0 >= GR_HIST_PERIOD) {
			/* A late frame fills the periods it spans, so the time axis
			 * stays true when the UI was busy. */
			int n = (int)((c->now - c->gr_t0) / GR_HIST_PERIOD);
			if (n > 20)
				n = 1;
			for (int i = 0; i < n; i++) {
				mo->gr_comp[mo->gr_count % GR_HIST_LEN] = c->gr_acc_comp;
				mo->gr_lim[mo->gr_count % GR_HIST_LEN] = c->gr_acc_lim;
				mo->gr_count++;
			}
			c->gr_t0 += n * GR_HIST_PERIOD;
			if (c->now - c->gr_t0 > GR_HIST_PERIOD)
				c->gr_t0 = c->now;
			c->gr_acc_comp = c->gr_acc_lim = 0;
		}
	} else {
		c->gr_t0 = c->now;
	}
	c->pending |= VP_METERS | VP_GRAPH | VP_HEADER | VP_STRIPS;
}

/* ---- start and the loop --------------------------------------------- */

static void open_log(struct console *c)
{
	char dir[4096], path[4200];
	int fd;

	c->saved_stderr = -1;
	if (session_dir(dir, sizeof dir, 1) != ST_OK)
		return;
	snprintf(path, sizeof path, "%s/lathe.log", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
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
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char path[4096];

	keymap_defaults(&c->keys);
	snprintf(c->mo.keymap_source, sizeof c->mo.keymap_source, "the built-in defaults");
	if (xdg && xdg[0] == '/')
		snprintf(path, sizeof path, "%s/lathe/keymap.ini", xdg);
	else if (home && *home)
		snprintf(path, sizeof path, "%s/.config/lathe/keymap.ini", home);
	else
		return ST_OK;
	if (access(path, F_OK) != 0)
		return ST_OK;
	int st = keymap_load(&c->keys, path, err, errlen);
	if (st == ST_OK)
		snprintf(c->mo.keymap_source, sizeof c->mo.keymap_source, "defaults + %.280s", path);
	return st;
}

static void offer_restore(struct console *c)
{
	char err[ERRLEN], when[32];
	int n = 0, found = 0;
	time_t newest = 0;
	const struct session *one = NULL;

	for (int t = 0; t < c->ntracks; t++) {
		struct session *s = malloc(sizeof *s);
		const double *v = track_v(c, t);
		int k = 0;
		if (!s)
			break;
		if (session_load(c->tracks[t].path, s, err, sizeof err) != ST_OK) {
			free(s);
			continue;
		}
		for (int i = 0; i < P_COUNT; i++)
			k += fabs(s->v[i] - v[i]) > 1e-9;
		if (k == 0 && (t != 0 || s->position_s < 1)) {
			free(s);
			continue;
		}
		c->tracks[t].restore = s;
		one = s;
		found++;
		n += k;
		if (s->saved_at > newest)
			newest = s->saved_at;
	}
	if (!found)
		return;
	strftime(when, sizeof when, "%b %d %H:%M", localtime(&newest));
	c->prompt = PR_RESTORE;
	if (c->ntracks == 1)
		snprintf(c->mo.prompt, sizeof c->mo.prompt,
			 "Restore the session of %s (%d change%s, at %d:%02d)? y/n",
			 when, n, n == 1 ? "" : "s", (int)one->position_s / 60,
			 (int)one->position_s % 60);
	else
		snprintf(c->mo.prompt, sizeof c->mo.prompt,
			 "Restore the sessions of %s: %d track%s, %d change%s? y/n",
			 when, found, found == 1 ? "" : "s", n, n == 1 ? "" : "s");
}

static int console_run(struct console *c)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };

	c->now = now_s();
	c->gr_t0 = c->now;
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
		if (c->mo.status[0] && !c->mo.status_error && c->now - c->status_t > STATUS_S) {
			c->mo.status[0] = 0;
			c->pending |= VP_STATUS;
		}
		if (c->change_seq != c->saved_seq && c->now - c->last_autosave > AUTOSAVE_S)
			save_session(c);
		if (c->now - c->last_meter_draw >= METER_PERIOD) {
			update_meters(c);
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

static void free_console(struct console *c)
{
	if (c->tracks)
		drop_restore(c);
	if (c->have_album)
		album_free(&c->album);
	free(c->tracks);
	free(c->ut);
	free(c->undo);
	free(c->redo);
	free(c->alb_l);
	free(c->alb_d);
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
	c->ntracks = n;
	c->cap = UNDO_MAX + n;
	c->tracks = calloc((size_t)n, sizeof *c->tracks);
	c->ut = calloc((size_t)n, sizeof *c->ut);
	c->undo = calloc((size_t)c->cap, sizeof *c->undo);
	c->redo = calloc((size_t)c->cap, sizeof *c->redo);
	c->alb_l = calloc((size_t)n, sizeof *c->alb_l);
	c->alb_d = calloc((size_t)n, sizeof *c->alb_d);
	if (!c->tracks || !c->ut || !c->undo || !c->redo || !c->alb_l || !c->alb_d) {
		snprintf(err, (size_t)errlen, "out of memory for %d tracks", n);
		return ST_INPUT;
	}
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
		memcpy(t->saved_v, t->v, sizeof t->v);
		const char *base = strrchr(path, '/');
		snprintf(c->ut[i].name, sizeof c->ut[i].name, "%.63s",
			 !path[0] ? "demo mix" : base ? base + 1 : path);
		c->ut[i].lufs = c->ut[i].lra = NAN;
	}
	c->mo.tracks = c->ut;
	c->mo.ntracks = n;
	c->mo.album_lufs = -INFINITY;
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
	c->last_edit_id = -1;
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
	if (cli->preset && !c->have_album) {
		const char *base = strrchr(cli->preset, '/');
		snprintf(c->mo.preset, sizeof c->mo.preset, "%s", base ? base + 1 : cli->preset);
		char *dot = strstr(c->mo.preset, ".ini");
		if (dot && !dot[4])
			*dot = 0;
	}
	for (int m = 0; m < MOD_COUNT; m++)
		c->mod_param[m] = param_bypass(m) + 1 < param_end(m) ? param_bypass(m) + 1 : param_bypass(m);
	c->mo.module = MOD_INPUT;
	c->mo.param = c->mod_param[MOD_INPUT];
	c->mo.keys = &c->keys;
	c->mo.hold_tp[0] = c->mo.hold_tp[1] = -INFINITY;
	c->mo.hold_gr[0] = c->mo.hold_gr[1] = 0;
	engine_get_info(c->e, &c->mo.info);
	c->tracks[0].dur_s = c->mo.info.duration_s;
	for (int i = 1; i < c->ntracks; i++)
		snprintf(c->tracks[i].preset, sizeof c->tracks[i].preset, "%s", c->mo.preset);
	offer_restore(c);

	open_log(c);
	logmsg(c, "console start: %s on %s (%u Hz)%s", c->mo.info.source, c->mo.info.device,
	       c->mo.info.rate, c->mo.info.silent_sink ? ", silent sink" : "");
	if (tcgetattr(STDIN_FILENO, &saved_tio) == 0)
		tio_saved = 1;
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
	engine_play(c->e);
	c->now = now_s();
	if (c->ntracks > 1 && !c->prompt)
		con_status(c, 0, "track 1/%d: n and p switch, C copies these settings to all%s",
		       c->ntracks, c->mo.ref_loaded ? ", r: reference" : "");
	else if (c->mo.ref_loaded && !c->prompt)
		con_status(c, 0, "r switches to the reference %s (%.1f LUFS) at matched loudness",
		       c->mo.ref_name, c->mo.info.reference_lufs);
	if (cli->has_target) {
		/* Every track to the target, one after the other, in the
		 * background while the first one plays. */
		c->now = now_s();
		if (start_job(c, JOB_TARGET, NULL, cli->target) == 0)
			c->target_todo = c->ntracks - 1;
	}
	if (c->view)
		sig = console_run(c);
	stop_job(c);
	/* A deliberate quit: the tweaks were saved or let go on purpose, so
	 * there is nothing to offer back next time. */
	if (!sig)
		for (int i = 0; i < c->ntracks; i++)
			session_remove(c->tracks[i].path);
	engine_stop(c->e);
	endwin();
	view_free(c->view);
	engine_close(c->e);
	logmsg(c, "console end%s", sig ? " (signal)" : "");
	close_log(c);
	free_console(c);
	if (sig) {
		/* End the way the signal would have: the parent sees it. */
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	return ST_OK;
}
