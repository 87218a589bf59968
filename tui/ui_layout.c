/* The screen's layout: where strips, meters, the lower panel, the track
 * list and the status line go for the terminal's size (again only when it
 * changes), and view_draw, which draws the parts flagged. */
#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui_layout.h"
#include "tui/ui_lower.h"

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
		struct param_grid grid;
		/* A grid module flows only what comes before its bands. */
		if (param_grid(m, &grid)) {
			end = grid.first;
			g = 1;
		}
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
		v->prefix_end_x[m] = x;
		if (param_grid(m, &grid)) {
			v->grid_hdr[m] = (end > first ? row + 1 : 0) + 1;
			v->mod_rows[m] = v->grid_hdr[m] + grid.size;
		}
	}
}

/* Rows the selected module gets when the others show one each and spare
 * rows are left: all of its own while the lower panel keeps LOWER_MIN,
 * else what leaves it that (a grid scrolls), else what there is. */
static int select_rows(const struct view *v, int m, int spare)
{
	int want = v->mod_rows[m], least = param_grid(m, &(struct param_grid){ 0 }) ? v->grid_hdr[m] + 1 : 1;

	if (want + LOWER_MIN <= spare)
		return want;
	if (spare - LOWER_MIN >= least)
		return spare - LOWER_MIN;
	return want < spare ? want : spare > least ? spare : least;
}

void view_relayout(struct view *v, const struct ui_model *mo)
{
	int full = 0, collapsed = 0, avail, wide, sel_rows;

	getmaxyx(stdscr, v->h, v->w);
	v->too_small = v->w < MIN_W || v->h < MIN_H;
	v->laid_module = mo->module;
	v->laid_lower = mo->lower;
	erase();
	if (v->too_small)
		return;
	wide = v->w >= WIDE_W;
	v->strips_x = 0;
	v->strips_w = wide ? v->w - (v->w * 2 / 5) - 1 : v->w;
	for (int i = 0; i < P_COUNT; i++)
		v->valw[i] = value_width(i);
	layout_strips(v, v->strips_w);
	avail = v->h - 2; /* header and status lines */
	sel_rows = select_rows(v, mo->module, avail - METER_ROWS - (MOD_COUNT - 1));
	for (int m = 0; m < MOD_COUNT; m++) {
		full += v->mod_rows[m];
		collapsed += m == mo->module ? sel_rows : 1;
	}
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
		/* The GR history reads in two rows; the other views want room,
		 * which the strips give up by showing only the selected module
		 * in full. */
		int roomy = mo->lower != 0 && avail >= collapsed + METER_ROWS + 6;
		if (avail >= full + METER_ROWS + 2 && !roomy) {
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
		v->shown_rows[m] = !v->collapsed ? v->mod_rows[m] : m != mo->module ? 1 : sel_rows;
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

void view_draw(struct view *v, const struct ui_model *mo, unsigned parts)
{
	int h, w;

	getmaxyx(stdscr, h, w);
	if (h != v->h || w != v->w || (v->collapsed && mo->module != v->laid_module) ||
	    (mo->lower != v->laid_lower && (mo->lower == 0 || v->laid_lower == 0))) {
		view_relayout(v, mo);
		parts = VP_ALL;
	}
	/* Help covers the strips, meters and the gaps between them: opening
	 * or closing it (or Ctrl-L) blanks everything, so nothing of the
	 * other page is left in cells no part draws. */
	if ((parts & VP_CLEAR) || mo->help != v->laid_help) {
		erase();
		parts |= VP_ALL;
		v->laid_help = mo->help;
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
		if ((parts & VP_GRAPH) && v->graph_h > 0) {
			const struct lower_view *lv = lower_views[mo->lower];
			lv->draw(mo->lower_state, mo, (struct ui_rect){ v->graph_y, 0, v->w, v->graph_h });
		}
		if (parts & (VP_TRACKS | VP_METERS))
			draw_tracks(v, mo);
	}
	if (parts & VP_STATUS)
		draw_status(v, mo);
	theme_set(stdscr, R_NORMAL);
	curs_set(mo->cmdline || mo->edit ? 1 : 0);
	if (mo->cmdline || mo->edit)
		move(v->status_y, v->cursor_x < v->w ? v->cursor_x : v->w - 1);
	wnoutrefresh(stdscr);
	doupdate();
}
