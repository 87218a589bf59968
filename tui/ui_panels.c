/* The header, the track list, the status line and the help page. */
#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui_layout.h"
#include "tui/platforms.h"

static const struct glyphs *G(void)
{
	return theme_glyphs();
}

/* name shortened in the middle to at most n columns ("long-na~ix.wav"),
 * so both its start and its extension stay readable. */
static void middle(char *out, size_t size, const char *name, int n)
{
	int len = (int)strlen(name);

	if (n < 4 || len <= n) {
		snprintf(out, size, "%.*s", n > 0 ? n : 0, name);
		return;
	}
	int tail = (n - 1) / 2, head = n - 1 - tail;
	snprintf(out, size, "%.*s~%s", head, name, name + len - tail);
}

void draw_header(struct view *v, const struct ui_model *mo)
{
	const struct glyphs *g = G();
	const struct engine_info *in = &mo->info;
	const struct engine_meters *m = &mo->m;
	char pos[16], dur[16], loop[48], dev[128], tail[64], name[256], which[24] = "";
	const char *tr, *src = in->source[0] ? in->source : "-", *base = strrchr(src, '/');
	int tr_state = mo->have_meters ? m->transport : TR_STOPPED;

	fmt_time(pos, sizeof pos, mo->have_meters ? m->pos_s : 0);
	fmt_time(dur, sizeof dur, in->duration_s);
	if (mo->loop_b > mo->loop_a) {
		char a[16], b[16];
		fmt_time(a, sizeof a, mo->loop_a);
		fmt_time(b, sizeof b, mo->loop_b);
		snprintf(loop, sizeof loop, "loop %s-%s", a, b);
	} else {
		snprintf(loop, sizeof loop, "loop off");
	}
	tr = tr_state == TR_PLAYING ? g->play : tr_state == TR_PAUSED ? g->pause : g->stop;
	if (in->silent_sink)
		snprintf(dev, sizeof dev, "no audio device: metering only");
	else
		snprintf(dev, sizeof dev, "%s %.1fk", in->device, in->rate / 1000.0);
	snprintf(tail, sizeof tail, "xrun %u cpu %2.0f%%", mo->have_meters ? m->underruns : 0,
		 mo->have_meters ? m->cpu * 100.0 : 0.0);
	if (mo->ntracks > 1)
		snprintf(which, sizeof which, "%d/%d ", mo->track + 1, mo->ntracks);

	/* Left: what and where; right: the device and its health.  Room goes
	 * to the file's name first (at least 12 columns), then the loop, then
	 * the device, whose name shrinks, then the health. */
	theme_set(stdscr, R_HEADER);
	mvhline(0, 0, ' ', v->w);
	move(0, 0);
	addstr(" ");
	addstr(tr);
	printw(" %s/%s  ", pos, dur);
	int x = getcurx(stdscr);
	int lw = (int)strlen(loop) + 2, tw = (int)strlen(tail) + 2, ww = (int)strlen(which);
	int room = v->w - x - lw - 1;
	int want = ww + (int)strlen(base ? base + 1 : src) + 1;
	int nw = want < room ? want : room;
	if (nw < ww + 12)
		nw = ww + 12;
	const char *devtext = in->error[0] ? in->error : dev;
	int dlen = (int)strlen(devtext) + 1;
	if (in->error[0] && v->w - x - nw - lw < dlen)
		lw = 0;                        /* an error outranks the loop */
	int rest = v->w - x - nw - lw;     /* for the device and health */
	if (rest < dlen + tw) {
		tail[0] = 0;                   /* the health goes before the device shrinks */
		tw = 0;
	}
	if (nw > v->w - x)
		nw = v->w - x;
	middle(name, sizeof name, base ? base + 1 : src, nw - ww - 1);
	putn(0, x, nw, R_HEADER, "%s%s", which, name);
	x += nw;
	if (lw && x + lw <= v->w) {
		putn(0, x, lw, R_HEADER, "%s  ", loop);
		x += lw;
	}
	if (x < v->w) {
		int dw = v->w - x - tw;
		char d[128];
		middle(d, sizeof d, devtext, dw - 1);
		putn(0, x, v->w - x, in->error[0] ? R_ERROR : R_HEADER, "%-*s %s", dw > 1 ? dw - 1 : 0, d, tail);
	}
}

/* Which of master and reference plays, and by how much it is turned down
 * to match the other. */
static void ref_text(const struct ui_model *mo, char *buf, size_t size, enum role *r)
{
	const struct engine_meters *m = &mo->num;
	double trim;

	*r = R_VALUE;
	if (!mo->ref_loaded) {
		buf[0] = 0;
		return;
	}
	if (!mo->info.reference_usable) {
		snprintf(buf, size, "reference: other sample rate");
		*r = R_WARN;
		return;
	}
	if (mo->sweep.listen[0]) {
		/* A decode of the master itself: heard as decoded, unmatched. */
		snprintf(buf, size, "%s %s%s", mo->ref_on ? "HEARING" : "MASTER; r:", mo->sweep.listen,
			 mo->sweep.listen_stale ? " decode (stale)" : " decode");
		*r = mo->ref_on ? R_PARAM_SEL : R_VALUE;
		return;
	}
	trim = mo->have_meters ? (mo->ref_on ? m->ref_trim_db : m->master_trim_db) : 0;
	if (!(trim < -0.05))
		snprintf(buf, size, "%s 0.0 dB", mo->ref_on ? "REFERENCE" : "MASTER");
	else
		snprintf(buf, size, "%s %.1f dB", mo->ref_on ? "REFERENCE" : "MASTER", trim);
	if (mo->ref_on)
		*r = R_PARAM_SEL;
}

/* The idle status line names the keys the loaded keymap really binds to
 * help, the command line and quit (a rebound key shows as rebound; an
 * unbound action is left out). */
static void footer_hint(const struct keymap *k, char *buf, int size)
{
	static const struct { enum command cmd; const char *what; } hint[] = {
		{ ACT_HELP, "help" }, { ACT_COMMAND, "command" }, { ACT_QUIT, "quit" },
	};
	int used = 0;

	buf[0] = 0;
	for (size_t i = 0; k && i < sizeof hint / sizeof hint[0]; i++) {
		char key[16];
		keymap_keys_for(k, hint[i].cmd, key, sizeof key, 1);
		if (!key[0])
			continue;
		int w = snprintf(buf + used, (size_t)(size - used), "%s%s %s", used ? "  " : "", key,
				 hint[i].what);
		if (w < 0 || w >= size - used)
			break;
		used += w;
	}
}

/* One line: the tracks (the current one highlighted), the album's
 * loudness, master or reference.  More rows: a line per track with its
 * loudness. */
void draw_tracks(struct view *v, const struct ui_model *mo)
{
	int y = v->tracks_y, w = v->w, rows = v->tracks_h;
	char rt[80], right[256], al[64], a[16];
	enum role rr;

	/* The playing track (an album plays on by itself) is marked. */
	int playing = mo->have_meters && mo->m.transport == TR_PLAYING;

	if (rows <= 0)
		return;
	ref_text(mo, rt, sizeof rt, &rr);
	fmt_lufs(a, sizeof a, mo->album_lufs);
	al[0] = 0;
	if (mo->ntracks > 1)
		snprintf(al, sizeof al, "album %s LUFS", a);
	if (rows == 1) {
		int rw = (int)strlen(rt) + (rt[0] ? 2 : 0);
		int aw = al[0] ? (int)strlen(al) + 2 : 0;
		int lw = w - rw - aw, x = 0, start = 0;
		if (lw < 10) {
			aw = 0;
			lw = w - rw;
		}
		if (mo->ntracks <= 1) {
			fmt_lufs(a, sizeof a, mo->info.reference_lufs);
			putn(y, 0, lw, R_LABEL, " reference %s, %s LUFS", mo->ref_name, a);
		} else {
			/* Scroll so the current track shows. */
			int need = 0;
			for (int i = mo->track; i >= 0; i--) {
				need += 1 + (int)strnlen(mo->tracks[i].name, 16) + 10;
				if (need > lw)
					break;
				start = i;
			}
			putn(y, 0, lw, R_NORMAL, "%s", start > 0 ? "<" : " ");
			x = 1;
			lw--;   /* a blank before the album and reference texts */
			for (int i = start; i < mo->ntracks && x < lw; i++) {
				int cur = i == mo->track;
				char item[80], nm[24], lu[16];
				middle(nm, sizeof nm, mo->tracks[i].name, 16);
				fmt_lufs(lu, sizeof lu, mo->tracks[i].lufs);
				int mark = cur && playing;
				snprintf(item, sizeof item, "%d %s%s %s%s", i + 1, nm,
					 mo->tracks[i].dirty ? "*" : "", lu, mo->tracks[i].stale ? "~" : "");
				int n = (int)strlen(item);
				if (n + mark > lw - x) {
					/* No half names: what does not fit is marked. */
					putn(y, x, lw - x, R_NORMAL, "%*s", lw - x, ">");
					x = lw;
					break;
				}
				if (mark)
					put(y, x++, R_PARAM_SEL, G()->play);
				putn(y, x, n, cur ? R_PARAM_SEL : R_LABEL, "%s", item);
				x += n;
				if (x < lw)
					putn(y, x++, 1, R_NORMAL, " ");
			}
			if (x < lw)
				putn(y, x, lw - x, R_NORMAL, "%s", "");
			putn(y, lw, 1, R_NORMAL, " ");
			lw++;
		}
		if (aw)
			putn(y, lw, aw, R_VALUE, "%s  ", al);
		if (rt[0])
			putn(y, w - rw, rw, rr, "%s  ", rt);
		return;
	}
	/* The panel's title: album and platforms, master or reference. */
	{
		char ref[160] = "";
		double d = mo->album_lufs;
		if (mo->ref_loaded) {
			fmt_lufs(a, sizeof a, mo->info.reference_lufs);
			snprintf(ref, sizeof ref, "ref %.40s %s LUFS  ", mo->ref_name, a);
		}
		snprintf(right, sizeof right, "  %s%s", ref, rt);
		int rw = (int)strlen(right) + 1;
		if (isfinite(d) && d > -70) {
			char pl[96] = "";
			for (int i = 0; i < PLATFORM_COUNT; i++) {
				size_t len = strlen(pl);
				snprintf(pl + len, sizeof pl - len, " %s %+.1f", platforms[i].brief,
					 platforms[i].target - d);
			}
			putn(y, 0, w - rw, R_LABEL, " %d tracks  %s (%d measured):%s",
			     mo->ntracks, al, mo->album_measured, pl);
		}
		else
			putn(y, 0, w - rw, R_LABEL, " %d tracks  %s", mo->ntracks, al);
		putn(y, w - rw, (int)strlen(ref) + 2, R_NORMAL, "  %s", ref);
		putn(y, w - rw + (int)strlen(ref) + 2, rw - (int)strlen(ref) - 2, rr, "%s ", rt);
	}
	int list = rows - 1, first = mo->track - list / 2;
	if (first > mo->ntracks - list)
		first = mo->ntracks - list;
	if (first < 0)
		first = 0;
	for (int r = 0; r < list; r++) {
		int i = first + r;
		if (i >= mo->ntracks) {
			putn(y + 1 + r, 0, w, R_NORMAL, "%s", "");
			continue;
		}
		const struct ui_track *t = &mo->tracks[i];
		int cur = i == mo->track;
		char l[16], lr[16];
		fmt_lufs(l, sizeof l, t->lufs);
		fmt_lufs(lr, sizeof lr, isfinite(t->lufs) ? t->lra : NAN);
		if (cur && playing) {
			put(y + 1 + r, 0, R_MODULE_SEL, G()->play);
			putn(y + 1 + r, 1, 5, R_MODULE_SEL, "%3d ", i + 1);
		} else {
			putn(y + 1 + r, 0, 6, cur ? R_MODULE_SEL : R_LABEL, "%s%3d ", cur ? ">" : " ", i + 1);
		}
		putn(y + 1 + r, 6, w - 6 - 40 > 10 ? w - 46 : 10, cur ? R_PARAM_SEL : R_NORMAL, "%s",
		     t->name);
		if (w - 46 > 10)
			putn(y + 1 + r, w - 40, 40, R_NORMAL, "%6s%s LUFS  LRA %5s  %s", l,
			     t->stale ? "~" : " ", lr, t->dirty ? "edited" : "");
	}
}

void draw_status(struct view *v, const struct ui_model *mo)
{
	int y = v->status_y;
	char right[160];
	int rw;

	char mon[48] = "";
	if (mo->monitor == MON_PLATFORM) {
		/* What the platform monitor takes off: the turn-down of the
		 * whole master (the figure the engine uses), once measured. */
		double I = mo->master.valid ? mo->master.I : NAN;
		if (isfinite(I))
			snprintf(mon, sizeof mon, "mon:platform %.1fdB", I > mo->platform_target ?
				 mo->platform_target - I : 0.0);
		else
			snprintf(mon, sizeof mon, "mon:platform ~");
	} else if (mo->monitor != MON_STEREO) {
		snprintf(mon, sizeof mon, "mon:%s", monitor_names[mo->monitor]);
	}
	/* What plays instead of the master: a codec decode is named. */
	char heard[64];
	snprintf(heard, sizeof heard, "  %s DECODE%s", mo->sweep.listen, mo->sweep.listen_stale ? "~" : "");
	snprintf(right, sizeof right, " %s%s%s%s %s%s",
		 mon,
		 mo->ab ? "  A/B:DRY" : "", mo->ref_on ? (mo->sweep.listen[0] ? heard : "  REF") : "",
		 mo->monitor != MON_STEREO || mo->ab || mo->ref_on ? " " : "",
		 mo->preset[0] ? mo->preset : "no preset", mo->dirty ? "*" : "");
	rw = (int)strlen(right) + 1;
	if (rw > v->w / 2)
		rw = v->w / 2;
	if (mo->cmdline) {
		/* A line wider than the screen (a long path) scrolls as in a
		 * shell: '<' and its end, with the cursor after it. */
		int cols, room = 0;
		if (mo->cmd_hint[0]) {
			/* The hint keeps its place even on a full line ("line full"). */
			text_tail(mo->cmd_hint, v->w, &room);
			room = room + 2 < v->w / 2 ? room + 2 : v->w / 2;
		}
		const char *tail = text_tail(mo->cmd, v->w - 2 - room, &cols);
		if (tail == mo->cmd) {
			putn(y, 0, v->w, R_NORMAL, ":%s", mo->cmd);
			v->cursor_x = 1 + cols;
		} else {
			tail = text_tail(mo->cmd, v->w - 3 - room, &cols);
			putn(y, 0, v->w, R_NORMAL, ":<%s", tail);
			v->cursor_x = 2 + cols;
		}
		if (mo->cmd_hint[0] && v->cursor_x + 3 < v->w)
			putn(y, v->cursor_x + 2, v->w - v->cursor_x - 2, R_DIM, "%s", mo->cmd_hint);
		move(y, v->cursor_x < v->w ? v->cursor_x : v->w - 1);
		return;
	}
	if (mo->edit) {
		const struct param_desc *d = &param_table[mo->edit_id];
		char lo[32], hi[32];
		int x = snprintf(NULL, 0, "%s.%s = %s", module_names[d->module], d->name, mo->edit_text);
		format_double(lo, sizeof lo, d->min);
		format_double(hi, sizeof hi, d->max);
		putn(y, 0, v->w, R_NORMAL, "%s.%s = %s", module_names[d->module], d->name, mo->edit_text);
		/* A refused entry says why where the range was. */
		if (x + 4 < v->w && mo->status[0] && mo->status_error)
			putn(y, x + 1, v->w - x - 1, R_ERROR, "%s", mo->status);
		else if (x + 4 < v->w)
			putn(y, x + 1, v->w - x - 1, R_DIM, "%s  (%s to %s; Enter sets, Esc cancels)", d->unit, lo, hi);
		v->cursor_x = x < v->w ? x : v->w - 1;
		return;
	}
	if (mo->prompt[0]) {
		putn(y, 0, v->w, R_WARN, "%s", mo->prompt);
		return;
	}
	if (mo->status[0])
		putn(y, 0, v->w - rw, mo->status_error ? R_ERROR : R_STATUS, "%s", mo->status);
	else if (mo->job[0])
		putn(y, 0, v->w - rw, R_STATUS, "%s", mo->job);
	else if (mo->nwarn)
		putn(y, 0, v->w - rw, R_WARN, "%s", mo->warn[0].text);
	else {
		char hint[96];
		footer_hint(mo->keys, hint, sizeof hint);
		putn(y, 0, v->w - rw, R_DIM, "%s", hint);
	}
	putn(y, v->w - rw, rw, mo->dirty ? R_VALUE : R_DIM, "%s", right);
}

/* Help: every command with the keys actually bound to it, in columns,
 * then the ':' commands (their lines come from the command table). */
int view_help_rows(const struct view *v, const struct ui_model *mo, int *visible)
{
	int colw = 39, cols = (v->w - 2) / colw;
	if (cols < 1)
		cols = 1;
	*visible = v->h - 4;
	return (ACT_COUNT - 1 + mo->ncmd_help + cols - 1) / cols;
}

void draw_help(struct view *v, const struct ui_model *mo)
{
	int ncmd = mo->ncmd_help;
	int colw = 39, cols = (v->w - 2) / colw, visible, total, top;
	char keys[64];

	if (cols < 1)
		cols = 1;
	colw = (v->w - 2) / cols;
	total = view_help_rows(v, mo, &visible);
	top = mo->help_top;
	if (top > total - visible)
		top = total - visible;
	if (top < 0)
		top = 0;
	theme_set(stdscr, R_NORMAL);
	for (int y = 1; y < v->h - 1; y++)
		mvhline(y, 0, ' ', v->w);
	putn(1, 1, v->w - 2, R_TITLE, "lathe help: keys from %s", mo->keymap_source);
	for (int i = 0; i < ACT_COUNT - 1 + ncmd; i++) {
		int row = i % total, col = i / total;
		int y = 2 + row - top;
		int x = 1 + col * colw;
		if (y < 2 || y >= v->h - 2)
			continue;
		if (i < ACT_COUNT - 1) {
			int cmd = i + 1;
			keymap_keys_for(mo->keys, (enum command)cmd, keys, sizeof keys, 3);
			putn(y, x, 13, R_KEY, "%-12.12s", keys[0] ? keys : "-");
			putn(y, x + 13, colw - 14, R_NORMAL, "%s", command_help[cmd]);
		} else {
			putn(y, x, colw - 1, R_LABEL, "%s", mo->cmd_help[i - (ACT_COUNT - 1)]);
		}
	}
	putn(v->h - 2, 1, v->w - 2, R_DIM, "? or Esc closes   j/k or arrows scroll   keymap: ~/.config/lathe/keymap.ini");
}
