#include "tui/ui_view.h"

#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui_theme.h"

#define MIN_W 60
#define MIN_H 20
#define LABEL_W 12       /* ">limiter on " */
#define METER_ROWS 7
#define SIDE_W 30        /* loudness numbers, penalties, warnings */
#define WIDE_W 120       /* from here on meters sit beside the strips */
#define PEAK_LO (-36.0)  /* meter scales, dB */
#define PEAK_HI 2.0
#define LUFS_LO (-36.0)
#define LUFS_HI 0.0
#define GR_FULL 12.0     /* GR bars */
#define GRAPH_FULL 6.0   /* GR history, dB at the top of each graph */

struct cell { int row, col, width; };

struct view {
	int w, h, too_small;
	int strips_y, strips_x, strips_w, strips_h;
	int meters_y, meters_x, meters_w;
	int side_x, side_w, side_y;
	int graph_y, graph_h;
	int tracks_y, tracks_h;          /* the track list; 0 rows: none */
	int status_y;
	/* Strip geometry: a cell per parameter, rows per module. */
	struct cell cell[P_COUNT];
	struct cell gr_cell[MOD_COUNT];  /* live GR in dynamics strips */
	int mod_rows[MOD_COUNT], mod_y[MOD_COUNT], shown_rows[MOD_COUNT];
	int collapsed;
	int valw[P_COUNT];
	int laid_module;                 /* selected module the layout was made for */
};

static const struct glyphs *G(void)
{
	return theme_glyphs();
}

/* Print clipped to n columns (ASCII text only), padding with blanks. */
__attribute__((format(printf, 5, 6)))
static void putn(int y, int x, int n, enum role r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int len;

	if (n <= 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	len = (int)strlen(buf);
	if (len > n)
		len = n;
	theme_set(stdscr, r);
	mvaddnstr(y, x, buf, len);
	for (int i = len; i < n; i++)
		addch(' ');
}

static void put(int y, int x, enum role r, const char *s)
{
	theme_set(stdscr, r);
	mvaddstr(y, x, s);
}

void view_format_value(int id, double val, char *buf, int size)
{
	const struct param_desc *d = &param_table[id];
	const char *u = d->unit;

	if (d->flags & PF_SWITCH)
		snprintf(buf, (size_t)size, "%.0f", val);
	else if (strcmp(u, "Hz") == 0) {
		if (val >= 10000)
			snprintf(buf, (size_t)size, "%.1fk", val / 1000);
		else if (val >= 1000)
			snprintf(buf, (size_t)size, "%.2fk", val / 1000);
		else if (val < 100 && (d->flags & PF_LOG))
			snprintf(buf, (size_t)size, "%.1f", val);
		else
			snprintf(buf, (size_t)size, "%.0f", val);
	} else if (strcmp(u, "ms") == 0) {
		snprintf(buf, (size_t)size, val < 1 ? "%.2f" : val < 100 ? "%.1f" : "%.0f", val);
	} else if (strcmp(u, ":1") == 0) {
		snprintf(buf, (size_t)size, "%.1f", val);
	} else if (d->flags & PF_LOG) {
		snprintf(buf, (size_t)size, val < 10 ? "%.2f" : "%.1f", val);
	} else if (d->step < 1) {
		/* Gains read better signed: +1.5 dB boost, -1.5 dB cut. */
		snprintf(buf, (size_t)size, d->min < 0 && d->max > 0 ? "%+.1f" : "%.1f", val);
	} else {
		snprintf(buf, (size_t)size, "%.0f", val);
	}
	/* Never a locale comma (only LC_CTYPE is set, but be sure). */
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
}

static int value_width(int id)
{
	const struct param_desc *d = &param_table[id];
	char buf[32];
	int w = 0;

	for (int i = 0; i <= 64; i++) {
		double x = d->flags & PF_LOG ?
			d->min * pow(d->max / d->min, i / 64.0) :
			d->min + (d->max - d->min) * i / 64.0;
		view_format_value(id, x, buf, sizeof buf);
		if ((int)strlen(buf) > w)
			w = (int)strlen(buf);
	}
	return w;
}

/* Parameters that share a prefix ("low_freq low_gain low_q") form a group;
 * rows then hold whole groups, so the EQ reads as one band per row. */
static int group_size(int m)
{
	int first = param_first(m) + 1, end = param_end(m), g = 0, size = 0;

	for (int i = first; i < end; i++) {
		const char *a = param_table[i].name, *us = strchr(a, '_');
		const char *b = param_table[first].name, *ub = strchr(b, '_');
		if (!us || !ub || us - a != ub - b || strncmp(a, b, (size_t)(us - a)) != 0)
			break;
		g++;
	}
	if (g < 2)
		return 1;
	size = g;
	/* Every group must be the same size, or rows would not line up. */
	for (int i = first; i < end; i += size) {
		const char *a = param_table[i].name, *ua = strchr(a, '_');
		for (int j = i; j < i + size; j++) {
			const char *b = j < end ? param_table[j].name : "", *ub = strchr(b, '_');
			if (!ua || !ub || ua - a != ub - b || strncmp(a, b, (size_t)(ua - a)) != 0)
				return 1;
		}
	}
	return size;
}

static int has_gr(int m)
{
	return m == MOD_COMP || m == MOD_LIMITER;
}

#define GR_CELL_W 14 /* " GR" + 6-cell bar + " 4.2" */

static int cell_width(const struct view *v, int id)
{
	return 1 + (int)strlen(param_table[id].name) + 1 + v->valw[id] +
	       (int)strlen(param_table[id].unit) + 1;
}

/* Flow the cells of each module into rows of the strip area. */
static void layout_strips(struct view *v, int width)
{
	for (int m = 0; m < MOD_COUNT; m++) {
		int x = 0, row = 0, g = group_size(m), first = param_first(m) + 1;
		int end = param_end(m), area = width - LABEL_W;
		for (int i = first; i < end; i += g) {
			int gw = 0;
			for (int j = i; j < i + g && j < end; j++)
				gw += cell_width(v, j);
			if (x > 0 && x + gw > area) {
				row++;
				x = 0;
			}
			for (int j = i; j < i + g && j < end; j++) {
				v->cell[j] = (struct cell){ row, x, cell_width(v, j) };
				x += cell_width(v, j);
			}
			/* A grouped module starts a new row after each group when
			 * the next would not fit, handled above; keep groups aligned
			 * by padding each to the same columns. */
		}
		if (has_gr(m)) {
			if (x > 0 && x + GR_CELL_W > area) {
				row++;
				x = 0;
			}
			v->gr_cell[m] = (struct cell){ row, x, GR_CELL_W };
		} else {
			v->gr_cell[m] = (struct cell){ -1, 0, 0 };
		}
		v->mod_rows[m] = row + 1;
	}
}

void view_relayout(struct view *v, const struct ui_model *mo)
{
	int full = 0, collapsed = 0, avail, wide;

	getmaxyx(stdscr, v->h, v->w);
	v->too_small = v->w < MIN_W || v->h < MIN_H;
	v->laid_module = mo->module;
	erase();
	if (v->too_small)
		return;
	wide = v->w >= WIDE_W;
	v->strips_x = 0;
	v->strips_w = wide ? v->w - (v->w * 2 / 5) - 1 : v->w;
	for (int i = 0; i < P_COUNT; i++)
		v->valw[i] = value_width(i);
	layout_strips(v, v->strips_w);
	for (int m = 0; m < MOD_COUNT; m++) {
		full += v->mod_rows[m];
		collapsed += m == mo->module ? v->mod_rows[m] : 1;
	}
	avail = v->h - 2; /* header and status lines */
	v->collapsed = 0;
	if (wide) {
		/* Strips left, meters right, the GR history across the bottom. */
		/* Meters, then the numbers and warnings beneath them. */
		int right = METER_ROWS + 1 + 7;
		int top = full > right ? full : right;
		if (avail < top + 2) {
			top = collapsed > right ? collapsed : right;
			v->collapsed = 1;
		}
		if (avail < top) {
			v->too_small = 1;
			return;
		}
		v->strips_y = 1;
		v->strips_h = v->collapsed ? collapsed : full;
		v->meters_y = 1;
		v->meters_x = v->strips_w + 1;
		v->meters_w = v->w - v->meters_x;
		v->side_x = v->meters_x + 1;
		v->side_w = v->meters_w - 1;
		v->side_y = v->meters_y + METER_ROWS + 1;
		v->graph_y = 1 + top;
		v->graph_h = avail - top;
	} else {
		if (avail >= full + METER_ROWS + 2) {
			v->strips_h = full;
		} else if (avail >= collapsed + METER_ROWS) {
			v->strips_h = collapsed;
			v->collapsed = 1;
		} else {
			v->too_small = 1;
			return;
		}
		v->strips_y = 1;
		v->meters_y = v->strips_y + v->strips_h;
		v->meters_x = 0;
		v->side_w = SIDE_W;
		v->meters_w = v->w - SIDE_W - 1;
		v->side_x = v->meters_w + 1;
		v->side_y = v->meters_y;
		v->graph_y = v->meters_y + METER_ROWS;
		v->graph_h = avail - v->strips_h - METER_ROWS;
	}
	v->status_y = v->h - 1;
	/* The track list takes rows from the GR history: one compact line
	 * when the history has few, a panel (a line per track) when four
	 * rows of history remain beside it. */
	v->tracks_h = 0;
	if ((mo->ntracks > 1 || mo->ref_loaded) && v->graph_h >= 1) {
		int want = mo->ntracks > 1 ? 1 + mo->ntracks : 1;
		int room = v->graph_h - 4;
		v->tracks_h = want > 1 && room >= 3 ? (want < room ? want : room) : 1;
		v->tracks_y = v->graph_y;
		v->graph_y += v->tracks_h;
		v->graph_h -= v->tracks_h;
	}
	for (int m = 0, y = v->strips_y; m < MOD_COUNT; m++) {
		v->mod_y[m] = y;
		v->shown_rows[m] = v->collapsed && m != mo->module ? 1 : v->mod_rows[m];
		y += v->shown_rows[m];
	}
}

struct view *view_new(void)
{
	return calloc(1, sizeof(struct view));
}

void view_free(struct view *v)
{
	free(v);
}

int view_too_small(const struct view *v)
{
	return v->too_small;
}

static void fmt_time(char *buf, size_t size, double s)
{
	if (!(s >= 0))
		s = 0;
	int m = (int)(s / 60);
	snprintf(buf, size, "%d:%04.1f", m, s - m * 60);
}

static void draw_header(struct view *v, const struct ui_model *mo)
{
	const struct glyphs *g = G();
	const struct engine_info *in = &mo->info;
	const struct engine_meters *m = &mo->m;
	char pos[16], dur[16], loop[48], dev[128], tail[64];
	const char *tr;
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

	/* Left: what and where; right: the device and its health. */
	theme_set(stdscr, R_HEADER);
	mvhline(0, 0, ' ', v->w);
	move(0, 0);
	addstr(" ");
	addstr(tr);
	printw(" %s/%s  ", pos, dur);
	int x = getcurx(stdscr);
	int right = (int)strlen(dev) + (int)strlen(tail) + 4;
	int room = v->w - x - right - (int)strlen(loop) - 2;
	if (room < 8) {
		/* Narrow: the loop goes first, then the device name shrinks. */
		loop[0] = 0;
		room = v->w - x - right;
	}
	if (mo->ntracks > 1)
		putn(0, x, room > 0 ? room : 0, R_HEADER, "%d/%d %s", mo->track + 1, mo->ntracks,
		     in->source[0] ? in->source : "-");
	else
		putn(0, x, room > 0 ? room : 0, R_HEADER, "%s", in->source[0] ? in->source : "-");
	x += room > 0 ? room : 0;
	if (loop[0]) {
		putn(0, x, (int)strlen(loop) + 2, R_HEADER, " %s ", loop);
		x += (int)strlen(loop) + 2;
	}
	putn(0, x, v->w - x, in->error[0] ? R_ERROR : R_HEADER, "  %s  %s ",
	     in->error[0] ? in->error : dev, tail);
}

static void draw_strip(struct view *v, const struct ui_model *mo, int mod)
{
	int y0 = v->mod_y[mod], rows = v->shown_rows[mod];
	int byp = mo->v[param_bypass(mod)] >= 0.5;
	int sel = mod == mo->module;
	int x0 = v->strips_x + LABEL_W;
	const struct glyphs *g = G();

	for (int r = 0; r < rows; r++) {
		move(y0 + r, v->strips_x);
		theme_set(stdscr, R_NORMAL);
		for (int i = 0; i < v->strips_w; i++)
			addch(' ');
	}
	putn(y0, v->strips_x, 1, sel ? R_MODULE_SEL : R_NORMAL, "%s", sel ? ">" : " ");
	if (sel && g->utf8)
		put(y0, v->strips_x, R_MODULE_SEL, g->sel_left);
	putn(y0, v->strips_x + 1, 8, sel ? R_MODULE_SEL : R_LABEL, "%s", module_names[mod]);
	putn(y0, v->strips_x + 9, 3, byp ? R_BYPASS : R_GOOD, "%s", byp ? "OFF" : "on");
	for (int id = param_bypass(mod) + 1; id < param_end(mod); id++) {
		const struct cell *c = &v->cell[id];
		char val[32];
		int psel = sel && id == mo->param;
		if (c->row >= rows)
			continue;
		view_format_value(id, mo->v[id], val, sizeof val);
		int x = x0 + c->col, y = y0 + c->row;
		enum role base = byp ? R_BYPASS : R_NORMAL;
		if (psel) {
			putn(y, x, c->width, R_PARAM_SEL, "[%s %*s%s]", param_table[id].name,
			     v->valw[id], val, param_table[id].unit);
		} else {
			putn(y, x, 1 + (int)strlen(param_table[id].name) + 1, base == R_BYPASS ? R_BYPASS : R_LABEL,
			     " %s ", param_table[id].name);
			x += 2 + (int)strlen(param_table[id].name);
			enum role vr = byp ? R_BYPASS : R_VALUE;
			/* A value off its default is what the eye looks for. */
			if (!byp && fabs(mo->v[id] - param_table[id].def) < 1e-9)
				vr = R_NORMAL;
			putn(y, x, v->valw[id], vr, "%*s", v->valw[id], val);
			putn(y, x + v->valw[id], (int)strlen(param_table[id].unit) + 1, byp ? R_BYPASS : R_UNIT,
			     "%s ", param_table[id].unit);
		}
	}
	if (v->collapsed && !sel && v->mod_rows[mod] > 1)
		putn(y0, v->strips_x + v->strips_w - 4, 4, R_DIM, " ...");
	if (has_gr(mod) && v->gr_cell[mod].row >= 0 && v->gr_cell[mod].row < rows) {
		const struct cell *c = &v->gr_cell[mod];
		double gr = !mo->have_meters ? 0 : mod == MOD_COMP ? mo->m.comp_gr_db : mo->m.limiter_gr_db;
		double grn = !mo->have_meters ? 0 : mod == MOD_COMP ? mo->num.comp_gr_db : mo->num.limiter_gr_db;
		int y = y0 + c->row, x = x0 + c->col, n = 6;
		double cells = fmin(gr / GR_FULL, 1.0) * n;
		putn(y, x, 3, R_LABEL, " GR");
		move(y, x + 3);
		theme_set(stdscr, R_GR);
		for (int i = 0; i < n; i++) {
			double f = cells - i;
			addstr(f >= 1 ? g->bar_full : f > 0 ? g->bar_part[(int)(f * 8)] : " ");
		}
		putn(y, x + 3 + n, 5, byp ? R_BYPASS : R_VALUE, "%5.1f", grn);
	}
}

static void draw_strips(struct view *v, const struct ui_model *mo)
{
	for (int m = 0; m < MOD_COUNT; m++)
		draw_strip(v, mo, m);
}

/* A horizontal bar from lo to hi; colour zones by position; a hold mark
 * and a reference mark (ceiling or target). */
static void draw_bar(int y, int x, int n, double val, double lo, double hi,
		     double hold, double mark, double warn_at, double over_at,
		     enum role fixed)
{
	const struct glyphs *g = G();
	double cells = (val - lo) / (hi - lo) * n;
	int hold_c = isfinite(hold) ? (int)((hold - lo) / (hi - lo) * n) : -1;
	int mark_c = isfinite(mark) ? (int)((mark - lo) / (hi - lo) * n) : -1;

	if (!isfinite(val))
		cells = 0;
	if (hold_c >= n)
		hold_c = n - 1;
	move(y, x);
	for (int i = 0; i < n; i++) {
		double f = cells - i;
		double at = lo + (hi - lo) * (i + 0.5) / n;
		enum role r = fixed ? fixed : at >= over_at ? R_METER_HIGH : at >= warn_at ? R_METER_MID : R_METER_LOW;
		const char *s = f >= 1 ? g->bar_full : f > 0 ? g->bar_part[(int)(f * 8)] : NULL;
		if (i == hold_c && (f < 1)) {
			theme_set(stdscr, hold >= over_at ? R_METER_OVER : R_HOLD);
			addstr(g->hold);
		} else if (!s || !strcmp(s, " ")) {
			theme_set(stdscr, i == mark_c ? R_MARK : R_NORMAL);
			addstr(i == mark_c ? g->ceiling : " ");
		} else {
			theme_set(stdscr, r);
			addstr(s);
		}
	}
}

static void fmt_db(char *buf, size_t size, double x)
{
	if (isfinite(x) && x > -99.9)
		snprintf(buf, size, "%5.1f", x);
	else
		snprintf(buf, size, "  -  ");
}

static void draw_meters(struct view *v, const struct ui_model *mo)
{
	const struct engine_meters *m = &mo->m, *num = &mo->num;
	int y = v->meters_y, x = v->meters_x, w = v->meters_w;
	int nw = 16, bar = w - 4 - nw;
	double ceiling = mo->v[P_LIMITER_CEILING];
	char a[16], b[16];
	static const char *lbl[3] = { "M", "S", "I" };
	double lufs[3];

	if (!mo->have_meters) {
		static const struct engine_meters none = {
			.peak_db = { -INFINITY, -INFINITY }, .true_peak_db = { -INFINITY, -INFINITY },
			.momentary_lufs = -INFINITY, .short_term_lufs = -INFINITY,
			.integrated_lufs = -INFINITY, .max_true_peak_db = -INFINITY,
		};
		m = num = &none;
	}
	lufs[0] = m->momentary_lufs;
	lufs[1] = m->short_term_lufs;
	lufs[2] = m->integrated_lufs;
	if (bar < 8)
		bar = 8;
	for (int ch = 0; ch < 2; ch++) {
		putn(y + ch, x, 4, R_LABEL, " %c ", ch ? 'R' : 'L');
		draw_bar(y + ch, x + 4, bar, m->peak_db[ch], PEAK_LO, PEAK_HI, mo->hold_tp[ch],
			 ceiling, -9, ceiling + 0.05, 0);
		fmt_db(a, sizeof a, num->peak_db[ch]);
		fmt_db(b, sizeof b, mo->hold_tp[ch]);
		putn(y + ch, x + 4 + bar, nw, mo->hold_tp[ch] > ceiling + 0.05 ? R_METER_OVER : R_NORMAL,
		     " %s tp%s", a, b);
	}
	for (int i = 0; i < 3; i++) {
		putn(y + 2 + i, x, 4, R_LABEL, " %s ", lbl[i]);
		draw_bar(y + 2 + i, x + 4, bar, lufs[i], LUFS_LO, LUFS_HI, NAN,
			 mo->platform_target, mo->platform_target - 4, mo->platform_target + 5, 0);
		fmt_db(a, sizeof a, i == 0 ? num->momentary_lufs : i == 1 ? num->short_term_lufs : num->integrated_lufs);
		putn(y + 2 + i, x + 4 + bar, nw, i == 2 ? R_VALUE : R_NORMAL, " %s LUFS", a);
	}
	for (int i = 0; i < 2; i++) {
		double gr = i ? m->limiter_gr_db : m->comp_gr_db;
		if (!mo->have_meters)
			gr = 0;
		putn(y + 5 + i, x, 4, R_LABEL, "%s", i ? "lim " : "cmp ");
		double hold = mo->have_meters && mo->hold_gr[i] > 0.05 ? fmin(mo->hold_gr[i], GR_FULL) : NAN;
		draw_bar(y + 5 + i, x + 4, bar, gr, 0, GR_FULL, hold, NAN, 1e9, 1e9, R_GR);
		putn(y + 5 + i, x + 4 + bar, nw, R_NORMAL, " %5.1f dB GR",
		     mo->have_meters ? (i ? num->limiter_gr_db : num->comp_gr_db) : 0.0);
	}

	/* The side panel: range, crest, what the platforms will do. */
	{
		int sx = v->side_x, sw = v->side_w > 40 ? 40 : v->side_w, sy = v->side_y;
		double I = num->integrated_lufs, plr = num->max_true_peak_db - I;
		static const struct { const char *name; double target; } plat[3] = {
			{ "Spotify/YT/Tidal", -14 }, { "Apple Music", -16 }, { "Deezer", -15 },
		};
		char warn[3][96];
		int nw_ = view_warnings(mo, warn, 3);
		int have_i = mo->have_meters && isfinite(I) && I > -70;

		fmt_db(a, sizeof a, have_i ? num->lra_lu : NAN);
		fmt_db(b, sizeof b, have_i && isfinite(plr) ? plr : NAN);
		putn(sy, sx, sw, R_NORMAL, "LRA%s LU   PLR%s dB", a, b);
		for (int i = 0; i < 3; i++) {
			double change = plat[i].target - I;
			char c[24];
			if (have_i)
				snprintf(c, sizeof c, "%+5.1f", change);
			else
				snprintf(c, sizeof c, "   - ");
			putn(sy + 1 + i, sx, sw - 6, R_NORMAL, "%-16.16s %3.0f", plat[i].name, plat[i].target);
			putn(sy + 1 + i, sx + sw - 6, 6, have_i && change < -1 ? R_METER_MID : R_NORMAL, "%s", c);
		}
		for (int i = 0; i < 3; i++) {
			if (i < nw_)
				putn(sy + 4 + i, sx, sw, R_WARN, "!%s", warn[i]);
			else if (i == 0 && !nw_ && have_i)
				putn(sy + 4 + i, sx, sw, R_GOOD, " no over-limiting");
			else
				putn(sy + 4 + i, sx, sw, R_NORMAL, "%s", "");
		}
	}
}

int view_warnings(const struct ui_model *mo, char out[][96], int max)
{
	const struct engine_meters *m = &mo->num;
	int n = 0;
	double I = m->integrated_lufs, plr = m->max_true_peak_db - I;
	double sum = 0;
	int count = 0;

	if (!mo->have_meters)
		return 0;
	/* Sustained limiting: the mean of the last 3 s of limiter GR. */
	for (uint64_t k = 0; k < 30 && k < mo->gr_count; k++) {
		sum += mo->gr_lim[(mo->gr_count - 1 - k) % GR_HIST_LEN];
		count++;
	}
	if (n < max && count >= 10 && sum / count > 3.5)
		snprintf(out[n++], 96, "limiter %.1f dB for 3 s", sum / count);
	if (n < max && isfinite(I) && I > -70 && isfinite(plr) && plr < 8)
		snprintf(out[n++], 96, "PLR %.1f dB: crushed", plr);
	if (n < max && isfinite(I) && I > -70) {
		/* Loudness the chain added: the A/B match gain when the engine
		 * has measured it, else the limiter drive. */
		double gained = m->ab_offset_db > 0.05 ? m->ab_offset_db : mo->v[P_LIMITER_DRIVE];
		double down = I - mo->platform_target;
		if (down > 0.5 && down > gained)
			snprintf(out[n++], 96, "%.0f LUFS: -%.1f dB there > +%.1f", mo->platform_target,
				 down, gained);
	}
	return n;
}

/* The GR history: columns of the largest GR over a fixed span of samples,
 * anchored to absolute sample numbers so the picture steps, never shimmers. */
static void draw_graph(struct view *v, const struct ui_model *mo)
{
	const struct glyphs *g = G();
	int gh = v->graph_h, lw = 4, gw = v->w - lw;
	int spc, rows[2], y = v->graph_y;
	uint64_t cur;

	if (gh <= 0)
		return;
	spc = (int)ceil(GR_HIST_SPAN / GR_HIST_PERIOD / gw);
	if (spc < 1)
		spc = 1;
	rows[0] = gh / 2 > 0 ? gh / 2 : 0;
	rows[1] = gh - rows[0];
	cur = mo->gr_count / (uint64_t)spc;
	for (int s = 0; s < 2; s++) {
		const float *hist = s ? mo->gr_lim : mo->gr_comp;
		int rh = rows[s];
		if (rh <= 0)
			continue;
		for (int r = 0; r < rh; r++) {
			char lab[8] = "";
			/* The name on top, then the full-scale value it is drawn to. */
			if (r == 0)
				snprintf(lab, sizeof lab, s ? "lim" : "cmp");
			else if (r == 1)
				snprintf(lab, sizeof lab, "%.0fdB", GRAPH_FULL);
			putn(y + r, 0, lw, R_LABEL, "%s", lab);
			move(y + r, lw);
			theme_set(stdscr, R_GR);
			for (int c = 0; c < gw; c++) {
				/* Column c from the left; the rightmost is the newest. */
				int64_t colno = (int64_t)cur - (gw - 1 - c);
				double gr = 0;
				if (colno >= 0) {
					for (int k = 0; k < spc; k++) {
						uint64_t sidx = (uint64_t)colno * (uint64_t)spc + (uint64_t)k;
						if (sidx >= mo->gr_count || mo->gr_count - sidx > GR_HIST_LEN)
							continue;
						if (hist[sidx % GR_HIST_LEN] > gr)
							gr = hist[sidx % GR_HIST_LEN];
					}
				}
				/* Eighths of the whole graph height, bottom row first. */
				int level = (int)lround(fmin(gr / GRAPH_FULL, 1.0) * rh * 8);
				int row_from_bottom = rh - 1 - r;
				int l = level - row_from_bottom * 8;
				l = l < 0 ? 0 : l > 8 ? 8 : l;
				addstr(g->vpart[l]);
			}
		}
		y += rh;
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
	trim = mo->have_meters ? (mo->ref_on ? m->ref_trim_db : m->master_trim_db) : 0;
	if (!(trim < -0.05))
		snprintf(buf, size, "%s 0.0 dB", mo->ref_on ? "REFERENCE" : "MASTER");
	else
		snprintf(buf, size, "%s %.1f dB", mo->ref_on ? "REFERENCE" : "MASTER", trim);
	if (mo->ref_on)
		*r = R_PARAM_SEL;
}

static void fmt_lufs(char *buf, size_t size, double x)
{
	if (isfinite(x) && x > -70)
		snprintf(buf, size, "%.1f", x);
	else
		snprintf(buf, size, "-");
}

/* One line: the tracks (the current one highlighted), the album's
 * loudness, master or reference.  More rows: a line per track with its
 * loudness. */
static void draw_tracks(struct view *v, const struct ui_model *mo)
{
	int y = v->tracks_y, w = v->w, rows = v->tracks_h;
	char rt[80], right[256], al[64], a[16];
	enum role rr;

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
				need += 1 + (int)strnlen(mo->tracks[i].name, 20) + 3;
				if (need > lw)
					break;
				start = i;
			}
			putn(y, 0, lw, R_NORMAL, "%s", start > 0 ? "<" : " ");
			x = 1;
			for (int i = start; i < mo->ntracks && x < lw; i++) {
				int cur = i == mo->track;
				char item[40];
				snprintf(item, sizeof item, "%d %.20s%s", i + 1, mo->tracks[i].name,
					 mo->tracks[i].dirty ? "*" : "");
				int n = (int)strlen(item);
				if (n > lw - x)
					n = lw - x;
				putn(y, x, n, cur ? R_PARAM_SEL : R_LABEL, "%s", item);
				x += n;
				if (x < lw)
					putn(y, x++, 1, R_NORMAL, " ");
			}
			if (x < lw)
				putn(y, x, lw - x, R_NORMAL, "%s", "");
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
		if (isfinite(d) && d > -70)
			putn(y, 0, w - rw, R_LABEL, " %d tracks  %s (%d measured): Spotify %+.1f Apple %+.1f Deezer %+.1f",
			     mo->ntracks, al, mo->album_measured, -14 - d, -16 - d, -15 - d);
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
		putn(y + 1 + r, 0, 6, cur ? R_MODULE_SEL : R_LABEL, "%s%3d ", cur ? ">" : " ", i + 1);
		putn(y + 1 + r, 6, w - 6 - 40 > 10 ? w - 46 : 10, cur ? R_PARAM_SEL : R_NORMAL, "%s",
		     t->name);
		if (w - 46 > 10)
			putn(y + 1 + r, w - 40, 40, R_NORMAL, "%6s LUFS  LRA %5s  %s", l, lr,
			     t->dirty ? "edited" : "");
	}
}

static void draw_status(struct view *v, const struct ui_model *mo)
{
	int y = v->status_y;
	char right[160];
	int rw;

	snprintf(right, sizeof right, " %s%s%s%s%s %s%s",
		 mo->monitor != MON_STEREO ? "mon:" : "",
		 mo->monitor != MON_STEREO ? monitor_names[mo->monitor] : "",
		 mo->ab ? "  A/B:DRY" : "", mo->ref_on ? "  REF" : "",
		 mo->monitor != MON_STEREO || mo->ab || mo->ref_on ? " " : "",
		 mo->preset[0] ? mo->preset : "no preset", mo->dirty ? "*" : "");
	rw = (int)strlen(right) + 1;
	if (rw > v->w / 2)
		rw = v->w / 2;
	if (mo->cmdline) {
		putn(y, 0, v->w, R_NORMAL, ":%s", mo->cmd);
		if (mo->cmd_hint[0] && mo->cmd_len + 4 < v->w)
			putn(y, mo->cmd_len + 3, v->w - mo->cmd_len - 3, R_DIM, "%s", mo->cmd_hint);
		move(y, 1 + mo->cmd_len < v->w ? 1 + mo->cmd_len : v->w - 1);
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
	else
		putn(y, 0, v->w - rw, R_DIM, "? help  : command  q quit");
	putn(y, v->w - rw, rw, mo->dirty ? R_VALUE : R_DIM, "%s", right);
}

/* Help: every command with the keys actually bound to it, in columns. */
static const char *const cmdline_help[] = {
	":set comp.ratio 2    set a value",
	":save NAME           save a preset",
	":load NAME|PATH      load a preset",
	":render PATH         render offline",
	":target -14 [all]    land on LUFS",
	":bypass MOD  :monitor NAME",
	":seek 1:20  :loop A B|off  :reset",
	":next :prev :track N  switch track",
	":copy all|N          settings to tracks",
	":ref [on|off]        reference",
	":w :q :q!  :presets",
};
#define NCMDLINE_HELP ((int)(sizeof cmdline_help / sizeof cmdline_help[0]))

int view_help_rows(const struct view *v, const struct ui_model *mo, int *visible)
{
	int colw = 39, cols = (v->w - 2) / colw;
	(void)mo;
	if (cols < 1)
		cols = 1;
	*visible = v->h - 4;
	return (ACT_COUNT - 1 + NCMDLINE_HELP + cols - 1) / cols;
}

static void draw_help(struct view *v, const struct ui_model *mo)
{
	int ncmd = NCMDLINE_HELP;
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
			putn(y, x, colw - 1, R_LABEL, "%s", cmdline_help[i - (ACT_COUNT - 1)]);
		}
	}
	putn(v->h - 2, 1, v->w - 2, R_DIM, "? or Esc closes   j/k or arrows scroll   keymap: ~/.config/lathe/keymap.ini");
}

void view_draw(struct view *v, const struct ui_model *mo, unsigned parts)
{
	int h, w;

	getmaxyx(stdscr, h, w);
	if (h != v->h || w != v->w || (v->collapsed && mo->module != v->laid_module)) {
		view_relayout(v, mo);
		parts = VP_ALL;
	}
	if (v->too_small) {
		if (parts) {
			erase();
			theme_set(stdscr, R_WARN);
			mvaddnstr(v->h / 2, 0, "terminal too small", v->w);
			theme_set(stdscr, R_NORMAL);
			mvprintw(v->h / 2 + 1, 0, "%.*s", v->w, "need 60x20");
			wnoutrefresh(stdscr);
			doupdate();
		}
		return;
	}
	if (parts & VP_HEADER)
		draw_header(v, mo);
	if (mo->help) {
		if (parts & (VP_HELP | VP_STRIPS | VP_METERS | VP_GRAPH))
			draw_help(v, mo);
	} else {
		if (parts & VP_STRIPS)
			draw_strips(v, mo);
		if (parts & VP_METERS)
			draw_meters(v, mo);
		if (parts & VP_GRAPH)
			draw_graph(v, mo);
		if (parts & (VP_TRACKS | VP_METERS))
			draw_tracks(v, mo);
	}
	if (parts & VP_STATUS)
		draw_status(v, mo);
	theme_set(stdscr, R_NORMAL);
	curs_set(mo->cmdline ? 1 : 0);
	if (mo->cmdline)
		move(v->status_y, 1 + mo->cmd_len < v->w ? 1 + mo->cmd_len : v->w - 1);
	wnoutrefresh(stdscr);
	doupdate();
}
