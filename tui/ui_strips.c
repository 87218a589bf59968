/* The module strips: a row (or a few) per module, a cell per parameter. */
#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui_layout.h"

static const struct glyphs *G(void)
{
	return theme_glyphs();
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
	struct param_grid grid;
	int end = param_grid(mod, &grid) ? grid.first : param_end(mod);
	for (int id = param_bypass(mod) + 1; id < end; id++) {
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
	if (end != param_end(mod))
		draw_grid(v, mo, mod);
	else if (v->collapsed && !sel && v->mod_rows[mod] > 1)
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

void draw_strips(struct view *v, const struct ui_model *mo)
{
	for (int m = 0; m < MOD_COUNT; m++)
		draw_strip(v, mo, m);
}
