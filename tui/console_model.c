/* The console's model: settings, undo, tracks, meters and warnings,
 * without curses.  Everything here changes struct console and the
 * ui_model the view draws; the engine, when there is one, is told about
 * each settings change.  tests/unit/test_console_model.c drives it with no
 * terminal and no engine (c->e NULL).
 *
 * Tracks: several files, or an album file, are a list of tracks, each with
 * its own parameter array.  The current track's array lives in mo.v (what
 * the strips show and the engine plays); the others in their struct
 * track.  Undo is one history across the tracks: an entry names its track,
 * and a copy to several tracks is a group of entries undone together. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/album.h"
#include "audio/album_report.h"
#include "audio/engine.h"
#include "tui/console.h"
#include "tui/platforms.h"

/* Room for n tracks and the undo history; ST_OK or ST_INPUT. */
int con_alloc_tracks(struct console *c, int n, char *err, int errlen)
{
	c->ntracks = n;
	c->un.cap = UNDO_MAX + n;
	c->tracks = calloc((size_t)n, sizeof *c->tracks);
	c->ut = calloc((size_t)n, sizeof *c->ut);
	c->un.undo = calloc((size_t)c->un.cap, sizeof *c->un.undo);
	c->un.redo = calloc((size_t)c->un.cap, sizeof *c->un.redo);
	c->alb_l = calloc((size_t)n, sizeof *c->alb_l);
	c->alb_d = calloc((size_t)n, sizeof *c->alb_d);
	if (!c->tracks || !c->ut || !c->un.undo || !c->un.redo || !c->alb_l || !c->alb_d) {
		snprintf(err, (size_t)errlen, "out of memory for %d tracks", n);
		return ST_INPUT;
	}
	c->mo.tracks = c->ut;
	c->mo.ntracks = n;
	c->mo.album_lufs = -INFINITY;
	c->mo.master.I = NAN;
	c->mo.played_I = NAN;
	c->un.last_edit_id = -1;
	for (int i = 0; i < n; i++)
		c->tracks[i].gen = 1;   /* never measured: stale */
	return ST_OK;
}

/* Track i's path and v are set: its name, saved state and no figures. */
void con_track_named(struct console *c, int i)
{
	struct track *t = &c->tracks[i];
	const char *base = strrchr(t->path, '/');

	memcpy(t->saved_v, t->v, sizeof t->v);
	snprintf(c->ut[i].name, sizeof c->ut[i].name, "%.63s",
		 !t->path[0] ? "demo mix" : base ? base + 1 : t->path);
	c->ut[i].lufs = c->ut[i].lra = c->ut[i].tp = c->ut[i].plr = NAN;
	c->ut[i].stale = 1;
}

void con_free_tracks(struct console *c)
{
	free(c->tracks);
	free(c->ut);
	free(c->un.undo);
	free(c->un.redo);
	free(c->alb_l);
	free(c->alb_d);
	c->tracks = NULL;
	c->ut = NULL;
}

static void engine_param(struct console *c, int id, double v)
{
	if (c->e)
		engine_set_param(c->e, id, v);
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
	c->status_hold = 0;
	c->pending |= VP_STATUS;
	logmsg(c, "%s%s", error ? "error: " : "", c->mo.status);
}

int params_differ(const double a[P_COUNT], const double b[P_COUNT])
{
	for (int i = 0; i < P_COUNT; i++)
		if (fabs(a[i] - b[i]) > 1e-9)
			return 1;
	return 0;
}

void changed(struct console *c)
{
	c->mo.dirty = params_differ(c->mo.v, c->saved_v);
	c->ut[c->cur].dirty = c->mo.dirty;
	c->change_seq++;
	c->pending |= VP_STRIPS | VP_STATUS | VP_METERS | VP_TRACKS;
}

/* The live settings of track i: mo.v for the current one. */
double *track_v(struct console *c, int i)
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

/* Track i's settings changed: its figures are stale from now on. */
static void settings_changed(struct console *c, int i)
{
	c->tracks[i].gen++;
	c->tracks[i].changed_t = c->now;
	c->tracks[i].session_dirty = 1;
	c->ut[i].stale = 1;
	c->mo.master.measuring = i == c->cur;
}

void push_undo_track(struct console *c, int track, unsigned group)
{
	undo_add(c->un.undo, &c->un.nundo, c->un.cap, track, group, track_v(c, track));
	c->un.nredo = 0;
	c->tracks[track].session_dirty = 1;
}

static void push_undo(struct console *c)
{
	push_undo_track(c, c->cur, ++c->un.group);
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
			engine_param(c, i, c->mo.v[i]);
		}
	c->un.last_edit_id = -1;
	settings_changed(c, c->cur);
	changed(c);
}

void set_value(struct console *c, int id, double val)
{
	val = param_clamp(id, val);
	if (val == c->mo.v[id])
		return;
	if (id != c->un.last_edit_id || c->now - c->un.last_edit_t > COALESCE_S)
		push_undo(c);
	c->un.last_edit_id = id;
	c->un.last_edit_t = c->now;
	c->mo.v[id] = val;
	engine_param(c, id, val);
	settings_changed(c, c->cur);
	changed(c);
}

/* Give track i the settings v (the engine too when it is current). */
void put_track_v(struct console *c, int i, const double v[P_COUNT])
{
	double *dst = track_v(c, i);

	for (int k = 0; k < P_COUNT; k++)
		if (v[k] != dst[k]) {
			dst[k] = v[k];
			if (i == c->cur)
				engine_param(c, k, v[k]);
		}
	settings_changed(c, i);
	update_track_ui(c, i);
}

/* "eq.high_gain +1.5 -> +0.0, comp.ratio 2.0 -> 3.0 and 4 more values":
 * the values that differ between before and after, at most show of them
 * named.  Returns how many differ. */
int describe_changes(const double *before, const double *after, char *what, int size, int show)
{
	int n = 0;

	what[0] = 0;
	for (int i = 0; i < P_COUNT; i++) {
		if (fabs(before[i] - after[i]) <= 1e-9)
			continue;
		if (n++ < show) {
			char a[32], b[32];
			size_t len = strlen(what);
			view_format_value(i, before[i], a, sizeof a);
			view_format_value(i, after[i], b, sizeof b);
			snprintf(what + len, (size_t)size - len, "%s%s.%s %s -> %s", len ? ", " : "",
				 module_names[param_table[i].module], param_table[i].name, a, b);
		}
	}
	if (n > show) {
		size_t len = strlen(what);
		snprintf(what + len, (size_t)size - len, " and %d more value%s", n - show, n - show == 1 ? "" : "s");
	}
	return n;
}

/* "undo: eq.high_gain +1.5 -> +0.0 (3 more to undo)": what changed back. */
static void say_undo(struct console *c, int redo, const double *before, const double *after, int more)
{
	char what[200];
	int n = describe_changes(before, after, what, sizeof what, 2);

	con_status(c, 0, "%s: %s (%d more to %s)", redo ? "redo" : "undo", n ? what : "no change",
		   more, redo ? "redo" : "undo");
}

void undo_redo(struct console *c, int redo)
{
	struct undo_entry *from = redo ? c->un.redo : c->un.undo;
	struct undo_entry *to = redo ? c->un.undo : c->un.redo;
	int *nfrom = redo ? &c->un.nredo : &c->un.nundo;
	int *nto = redo ? &c->un.nundo : &c->un.nredo;
	int other = -1, count = 0;
	double before[P_COUNT], after[P_COUNT];

	if (*nfrom == 0) {
		con_status(c, 0, "nothing to %s", redo ? "redo" : "undo");
		return;
	}
	unsigned g = from[*nfrom - 1].group;
	while (*nfrom > 0 && from[*nfrom - 1].group == g) {
		struct undo_entry *u = &from[--*nfrom];
		double v[P_COUNT];
		memcpy(v, u->v, sizeof v);
		memcpy(before, track_v(c, u->track), sizeof before);
		memcpy(after, v, sizeof after);
		undo_add(to, nto, c->un.cap, u->track, g, track_v(c, u->track));
		put_track_v(c, u->track, v);
		if (u->track != c->cur)
			other = u->track;
		count++;
	}
	c->un.last_edit_id = -1;
	changed(c);
	if (count > 1)
		con_status(c, 0, "%s on %d tracks (%d more)", redo ? "redone" : "undone", count, *nfrom);
	else if (other >= 0)
		con_status(c, 0, "%s on track %d, %s (%d more)", redo ? "redone" : "undone", other + 1,
		       c->ut[other].name, *nfrom);
	else
		say_undo(c, redo, before, after, *nfrom);
}

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

/* Across: in a grid, the same row of the next band (round the end), so
 * eq.high_gain is H from eq.low_gain; elsewhere the next parameter of the
 * module (the multiband's crossovers, a plain module's row), round too. */
void move_band(struct console *c, int dir)
{
	struct param_grid g;
	int id = c->mo.param, band, row, m = param_table[id].module;

	if (grid_pos(id, &band, &row) == 0) {
		param_grid(m, &g);
		band = ((band + dir) % g.bands + g.bands) % g.bands;
		select_param(c, g.first + band * g.size + row);
		return;
	}
	int first = param_bypass(m) + 1;
	int end = param_grid(m, &g) ? g.first : param_end(m), n = end - first;
	if (n > 1 && id >= first && id < end)
		select_param(c, first + ((id - first + dir) % n + n) % n);
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

double con_position(struct console *c)
{
	return c->mo.have_meters ? c->mo.m.pos_s : 0;
}

/* The current track's settings to track `to`, or to every other (-1);
 * one undo step. */
void copy_settings(struct console *c, int to)
{
	unsigned g = ++c->un.group;
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
	push_undo_track(c, track, ++c->un.group);
	put_track_v(c, track, v);
	c->change_seq++;
	c->pending |= VP_TRACKS | VP_STATUS;
}

void played_reset(struct console *c)
{
	memset(c->mt.played, 0, sizeof c->mt.played);
	c->mo.played_I = NAN;
	c->pending |= VP_METERS;
}

/* A momentary reading joins the played loudness; the two gates of
 * BS.1770 (-70 LUFS absolute, 10 LU under the ungated mean relative)
 * run over the histogram, each bin at its centre (0.05 LU at most off). */
static void played_add(struct console *c, double momentary)
{
	double sum = 0, n = 0, gate;

	if (!(momentary > -70) || c->now - c->mt.played_t < 0.09)
		return;
	c->mt.played_t = c->now;
	int bin = (int)((momentary + 70) * 10);
	c->mt.played[bin < PLAYED_BINS ? bin : PLAYED_BINS - 1]++;
	for (int i = 0; i < PLAYED_BINS; i++) {
		sum += c->mt.played[i] * pow(10, (-70 + (i + 0.5) * 0.1) / 10);
		n += c->mt.played[i];
	}
	gate = 10 * log10(sum / n) - 10;
	sum = n = 0;
	for (int i = (int)fmax(0, floor((gate + 70) * 10)); i < PLAYED_BINS; i++) {
		double l = -70 + (i + 0.5) * 0.1;
		if (l <= gate)
			continue;
		sum += c->mt.played[i] * pow(10, l / 10);
		n += c->mt.played[i];
	}
	c->mo.played_I = n > 0 ? 10 * log10(sum / n) : NAN;
}

/* One meter frame from the engine (or a test) at c->now: bars, held
 * readouts, the GR history and the warnings. */
void con_meter_frame(struct console *c, const struct engine_meters *frame)
{
	struct engine_meters m = *frame;
	struct ui_model *mo = &c->mo;

	mo->m = m;
	c->mt.meter_t = c->now;
	/* Readouts show the largest peak and GR of their period, so a short
	 * peak between two readouts is not lost. */
	for (int ch = 0; ch < 2; ch++)
		if (!(c->mt.num_peak[ch] >= m.peak_db[ch]))
			c->mt.num_peak[ch] = m.peak_db[ch];
	c->mt.num_comp = fmaxf(c->mt.num_comp, m.comp_gr_db);
	c->mt.num_lim = fmaxf(c->mt.num_lim, m.limiter_gr_db);
	if (!mo->have_meters || c->now - c->mt.num_t >= NUMBERS_PERIOD) {
		mo->num = m;
		mo->num.peak_db[0] = c->mt.num_peak[0];
		mo->num.peak_db[1] = c->mt.num_peak[1];
		mo->num.comp_gr_db = c->mt.num_comp;
		mo->num.limiter_gr_db = c->mt.num_lim;
		c->mt.num_peak[0] = c->mt.num_peak[1] = -INFINITY;
		c->mt.num_comp = c->mt.num_lim = 0;
		c->mt.num_t = c->now;
	}
	mo->have_meters = 1;
	for (int ch = 0; ch < 2; ch++) {
		if (!(mo->hold_tp[ch] >= m.true_peak_db[ch]) || c->now - c->mt.hold_t[ch] > HOLD_TIME) {
			mo->hold_tp[ch] = m.true_peak_db[ch];
			c->mt.hold_t[ch] = c->now;
		}
	}
	/* GR holds too: the deepest bite of the last seconds stays on the
	 * bar, so a fast limiter's catches are seen, not just read. */
	for (int i = 0; i < 2; i++) {
		float gr = i ? m.limiter_gr_db : m.comp_gr_db;
		if (!(mo->hold_gr[i] >= gr) || c->now - c->mt.hold_gr_t[i] > HOLD_TIME) {
			mo->hold_gr[i] = gr;
			c->mt.hold_gr_t[i] = c->now;
		}
	}
	if (m.transport == TR_PLAYING) {
		played_add(c, m.momentary_lufs);
		if (m.comp_gr_db > c->mt.gr_acc_comp)
			c->mt.gr_acc_comp = m.comp_gr_db;
		if (m.limiter_gr_db > c->mt.gr_acc_lim)
			c->mt.gr_acc_lim = m.limiter_gr_db;
		if (c->now - c->mt.gr_t0 >= GR_HIST_PERIOD) {
			/* A late frame fills the periods it spans, so the time axis
			 * stays true when the UI was busy. */
			int n = (int)((c->now - c->mt.gr_t0) / GR_HIST_PERIOD);
			if (n > 20)
				n = 1;
			for (int i = 0; i < n; i++) {
				mo->gr_comp[mo->gr_count % GR_HIST_LEN] = c->mt.gr_acc_comp;
				mo->gr_lim[mo->gr_count % GR_HIST_LEN] = c->mt.gr_acc_lim;
				mo->gr_count++;
			}
			c->mt.gr_t0 += n * GR_HIST_PERIOD;
			if (c->now - c->mt.gr_t0 > GR_HIST_PERIOD)
				c->mt.gr_t0 = c->now;
			c->mt.gr_acc_comp = c->mt.gr_acc_lim = 0;
		}
	} else {
		c->mt.gr_t0 = c->now;
	}
	mo->nwarn = con_warnings(mo, mo->warn, UI_WARN_MAX);
	c->pending |= VP_METERS | VP_GRAPH | VP_HEADER | VP_STRIPS;
}

static void warn(struct ui_warning *w, const char *brief, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn(struct ui_warning *w, const char *brief, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->text, sizeof w->text, fmt, ap);
	va_end(ap);
	snprintf(w->brief, sizeof w->brief, "%s", brief);
}

/* The warnings, in plain words, that the chain's state raises now: the
 * limiter working hard, a crushed crest, drive past the sweep's stop
 * point and drive a platform throws away.
 * The loudness figures are the master's (the whole track measured), so a
 * quiet intro or a loud chorus playing does not change them.  Returns how
 * many (up to max) were written. */
int con_warnings(const struct ui_model *mo, struct ui_warning *out, int max)
{
	const struct ui_master *ms = &mo->master;
	int n = 0, count = 0;
	double sum = 0, I = ms->valid ? ms->I : NAN, plr = ms->valid ? ms->plr : NAN;
	int lim_in = mo->v[param_bypass(MOD_LIMITER)] < 0.5;
	double drive = lim_in ? mo->v[P_LIMITER_DRIVE] : 0;
	char brief[32];

	/* Sustained limiting: the mean of the last 3 s of limiter GR. */
	for (uint64_t k = 0; k < 30 && k < mo->gr_count; k++) {
		sum += mo->gr_lim[(mo->gr_count - 1 - k) % GR_HIST_LEN];
		count++;
	}
	if (n < max && mo->have_meters && count >= 10 && sum / count > 3.5) {
		snprintf(brief, sizeof brief, "limiter %.1f dB for 3 s", sum / count);
		warn(&out[n++], brief, "limiter working %.1f dB for 3 s", sum / count);
	}
	if (n < max && isfinite(I) && I > -70 && isfinite(plr) && plr < 8) {
		snprintf(brief, sizeof brief, "PLR %.1f dB: crushed", plr);
		warn(&out[n++], brief, "peaks %.1f dB over the loudness (PLR): the crest is crushed", plr);
	}
	/* Over-limiting, from the drive sweep of these settings: only past its
	 * stop point, so a loud mix with the limiter idle or below the point
	 * where more drive stops paying raises none. */
	const struct ui_sweep *sw = &mo->sweep;
	if (!lim_in || sw->n < 2 || sw->measuring || sw->stop >= sw->n - 1)
		return n;
	double stop = sw->drive[sw->stop];
	if (drive <= stop + 0.05)
		return n;
	double over = drive - stop;
	double bought = sweep_curve_at(sw->drive, sw->lufs, sw->n, drive) -
			sweep_curve_at(sw->drive, sw->lufs, sw->n, stop);
	if (n < max) {
		snprintf(brief, sizeof brief, "last %.1f dB drive: %+.1f LU", over, bought);
		warn(&out[n++], brief, "the last %.1f dB of drive buy %.1f LU (sweep stop %+.1f dB)",
		     over, bought, stop);
	}
	/* Drive the platform of the target takes back: what lies above the
	 * drive at which the master reaches its level. */
	for (int i = 0; i < PLATFORM_COUNT && n < max && isfinite(I) && I > -70; i++) {
		const struct platform *p = &platforms[i];
		double down = platform_turn_down(p, I);
		if (fabs(p->target - mo->platform_target) > 0.05 || down < 0.5)
			continue;
		double at = sweep_drive_for(sw->drive, sw->lufs, sw->n, p->target);
		double wasted = drive - (at > 0 ? at : 0);
		if (!(wasted >= 0.5))
			continue;
		snprintf(brief, sizeof brief, "%s -%.1f dB: drive wasted", p->brief, down);
		warn(&out[n++], brief, "%s will turn this down %.1f dB: the last %.1f dB of drive buy nothing there",
		     p->brief, down, wasted);
	}
	return n;
}
