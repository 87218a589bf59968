/* Grid modules in the strips: the EQ's bands (and the multiband's) as
 * columns, each band's parameters as rows, so a value is a row and a
 * column away (up/down a band's column, H/L across to the same row of
 * another band).  Expanded, a grid shows its header (the multiband's
 * crossovers, then the band names, with each band's gain reduction) and
 * as many rows as the screen has room for, scrolled to keep the selected
 * one in view; collapsed, one summary row. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/ui_layout.h"

#define GRID_COL_MAX 16

static int col_width(const struct view *v, const struct param_grid *g)
{
	int w = (v->strips_w - LABEL_W) / g->bands;
	return w < GRID_COL_MAX ? w : GRID_COL_MAX;
}

int grid_has_prefix(int m)
{
	struct param_grid g;
	return param_grid(m, &g) && g.first > param_bypass(m) + 1;
}

/* Value and unit right-aligned in the cell, the brackets of a selected
 * one just around it so that the value never moves. */
static void grid_cell(const struct ui_model *mo, int id, int y, int x, int colw, int byp, int psel)
{
	char val[32], text[48];
	const char *unit = param_table[id].unit;

	view_format_value(id, mo->v[id], val, sizeof val);
	snprintf(text, sizeof text, "%s%s", val, unit);
	int len = (int)strlen(text), pad = colw - 2 - len;
	if (pad < 0)
		pad = 0;
	if (psel) {
		putn(y, x + pad, len + 2, R_PARAM_SEL, "[%s]", text);
		return;
	}
	enum role vr = byp ? R_BYPASS : fabs(mo->v[id] - param_table[id].def) < 1e-9 ? R_NORMAL : R_VALUE;
	putn(y, x + 1 + pad, (int)strlen(val), vr, "%s", val);
	putn(y, x + 1 + pad + (int)strlen(val), (int)strlen(unit), byp ? R_BYPASS : R_UNIT, "%s", unit);
}

static float band_gr(const struct ui_model *mo, int mod, int b)
{
	if (mod != MOD_MBCOMP || !mo->have_meters || b >= MB_BANDS)
		return NAN;
	return mo->num.mbcomp_gr_db[b];
}

/* The band names over their columns; the multiband's with its GR. */
static void grid_names(const struct view *v, const struct ui_model *mo, int mod, int y, int with_row)
{
	struct param_grid g;
	param_grid(mod, &g);
	int colw = col_width(v, &g), x0 = v->strips_x + LABEL_W;
	int byp = mo->v[param_bypass(mod)] >= 0.5;

	for (int b = 0; b < g.bands; b++) {
		char name[16];
		int x = x0 + b * colw, id = g.first + b * g.size;
		grid_band_name(id, name, sizeof name);
		if (mod == MOD_MBCOMP && mo->mb_solo == b) {
			/* Heard alone: said over its column, collapsed or not. */
			char s[sizeof name];
			snprintf(s, sizeof s, "SOLO %.8s", name);
			memcpy(name, s, sizeof name);
		}
		if (with_row >= 0) {
			/* Collapsed: "low +1.5dB", the row that says most. */
			char val[32], text[64];
			int rid = id + with_row;
			view_format_value(rid, mo->v[rid], val, sizeof val);
			snprintf(text, sizeof text, "%s %s%s", name, val, param_table[rid].unit);
			putn(y, x, colw - 1, byp ? R_BYPASS : R_LABEL, "%*s", colw - 1, text);
			continue;
		}
		float gr = band_gr(mo, mod, b);
		int room = colw - 1 - (int)strlen(name) - 1;   /* columns left of the name */
		if (isfinite(gr) && room >= 5) {
			/* "GR 2.1", or the figure alone beside a long (solo'd) name. */
			char num[8];
			snprintf(num, sizeof num, "%4.1f", gr);
			int lab = room >= 8 ? 3 : 0;
			if (lab)
				putn(y, x + 1, 3, R_LABEL, "GR ");
			putn(y, x + 1 + lab, 4, byp ? R_BYPASS : R_VALUE, "%s", num);
		}
		putn(y, x + colw - 1 - (int)strlen(name), (int)strlen(name), byp ? R_BYPASS : R_LABEL, "%s", name);
	}
}

void draw_grid(struct view *v, const struct ui_model *mo, int mod)
{
	struct param_grid g;
	int y0 = v->mod_y[mod], rows = v->shown_rows[mod], hdr = v->grid_hdr[mod];
	int byp = mo->v[param_bypass(mod)] >= 0.5, sel = mod == mo->module;
	int band, srow, top = 0;

	param_grid(mod, &g);
	int colw = col_width(v, &g), x0 = v->strips_x + LABEL_W;
	if (rows < 2) {
		if (!grid_has_prefix(mod))
			grid_names(v, mo, mod, y0, mod == MOD_EQ ? EQB_GAIN : 0);
		else if (mod == MOD_MBCOMP && mo->have_meters && v->prefix_end_x[mod] + 18 <= v->strips_w - LABEL_W) {
			int x = x0 + v->prefix_end_x[mod];
			putn(y0, x, 4, R_LABEL, " GR");
			for (int b = 0; b < MB_BANDS; b++)
				putn(y0, x + 3 + 5 * b, 5, byp ? R_BYPASS : R_VALUE, "%5.1f", band_gr(mo, mod, b));
		}
		return;
	}
	grid_names(v, mo, mod, y0 + hdr - 1, -1);
	int win = rows - hdr;
	if (sel && grid_pos(mo->param, &band, &srow) == 0 && srow >= win)
		top = srow - win + 1;
	for (int wr = 0; wr < win && top + wr < g.size; wr++) {
		int r = top + wr, y = y0 + hdr + wr;
		char lab[16];
		grid_row_name(g.first + r, lab, sizeof lab, LABEL_W - 3);
		putn(y, v->strips_x, LABEL_W, byp ? R_BYPASS : R_LABEL, "%*s ", LABEL_W - 1, lab);
		for (int b = 0; b < g.bands; b++) {
			int id = g.first + b * g.size + r;
			grid_cell(mo, id, y, x0 + b * colw, colw, byp, sel && id == mo->param);
		}
	}
	/* Rows scrolled out of view, above or below. */
	if (top > 0)
		putn(y0 + hdr, v->strips_x, 1, R_DIM, "^");
	if (top + win < g.size)
		putn(y0 + rows - 1, v->strips_x, 1, R_DIM, "v");
}
