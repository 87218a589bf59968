/* The meters (peak, true peak, loudness, GR), the side panel of figures
 * and warnings beside them, and the GR history: the lower panel's first
 * view. */
#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui_layout.h"
#include "tui/ui_lower.h"
#include "tui/platforms.h"

#define GRAPH_FULL 6.0   /* GR history, dB at the top of each graph */

static const struct glyphs *G(void)
{
	return theme_glyphs();
}

void draw_meters(struct view *v, const struct ui_model *mo)
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
	/* I is the whole track's, as it would render (measured in the
	 * background), not what has been heard. */
	lufs[2] = mo->master.valid ? mo->master.I : NAN;
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
		fmt_db(a, sizeof a, i == 0 ? num->momentary_lufs : i == 1 ? num->short_term_lufs : lufs[2]);
		if (i == 2 && mo->master.measuring)
			putn(y + 2 + i, x + 4 + bar, nw, R_DIM, " %s LUFS ~", a);
		else
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
		double I = mo->master.I, plr = mo->master.plr;
		const struct platform *plat = platforms;
		int nw_ = mo->nwarn;
		int have_i = mo->master.valid && isfinite(I) && I > -70;

		fmt_db(a, sizeof a, have_i ? mo->master.lra : NAN);
		fmt_db(b, sizeof b, have_i && isfinite(plr) ? plr : NAN);
		putn(sy, sx, sw, R_NORMAL, "LRA%s LU   PLR%s dB", a, b);
		for (int i = 0; i < PLATFORM_COUNT; i++) {
			double change = plat[i].target - I;
			char c[24];
			if (have_i)
				snprintf(c, sizeof c, "%+5.1f", change);
			else
				snprintf(c, sizeof c, "   - ");
			putn(sy + 1 + i, sx, sw - 6, R_NORMAL, "%-16.16s %3.0f", plat[i].name, plat[i].target);
			putn(sy + 1 + i, sx + sw - 6, 6, have_i && change < -1 ? R_METER_MID : R_NORMAL, "%s", c);
		}
		int codec_row = nw_ < 2 ? 1 : 2;   /* the first row the warnings leave */
		for (int i = 0; i < 3; i++) {
			if (i < nw_)
				putn(sy + 4 + i, sx, sw, R_WARN, "!%s", mo->warn[i].brief);
			else if (i == 0 && !nw_ && have_i)
				putn(sy + 4 + i, sx, sw, R_GOOD, " no over-limiting");
			else if (i == codec_row) {
				char ct[40];
				const struct ui_sweep *cs = &mo->sweep;
				codec_tp_line(ct, sizeof ct, cs->codec_valid, cs->codec_measuring, cs->codec_tp);
				/* Over the ceiling after the encoder: the master clips there. */
				int over = cs->codec_valid && fmax(cs->codec_tp[0], cs->codec_tp[1]) > 0.0;
				putn(sy + 4 + i, sx, sw, cs->codec_measuring ? R_DIM : over ? R_WARN : R_NORMAL, "%s", ct);
			} else if (i == 2 && isfinite(mo->played_I))
				/* What was heard, labelled apart from the master's I. */
				putn(sy + 4 + i, sx, sw, R_DIM, " played %5.1f LUFS (i resets)", mo->played_I);
			else
				putn(sy + 4 + i, sx, sw, R_NORMAL, "%s", "");
		}
	}
}

/* The GR history: columns of the largest GR over a fixed span of samples,
 * anchored to absolute sample numbers so the picture steps, never shimmers. */
static void gr_history_draw(void *st, const struct ui_model *mo, struct ui_rect a)
{
	const struct glyphs *g = G();
	int gh = a.h, lw = 4, gw = a.w - lw;
	int spc, rows[2], y = a.y;
	uint64_t cur;

	(void)st;
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
			putn(y + r, a.x, lw, R_LABEL, "%s", lab);
			move(y + r, a.x + lw);
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

/* The history itself is kept by the model (mo->gr_comp, gr_lim), which the
 * warnings read too: nothing to update here. */
const struct lower_view gr_history_view = {
	.name = "GR history",
	.draw = gr_history_draw,
};
