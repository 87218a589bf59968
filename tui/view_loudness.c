/* Loudness over time, as Youlean draws it: the short-term loudness of the
 * whole track across the width (filled), the momentary trace (a line),
 * the target as a line, and the play position.  Columns stand for fixed
 * stretches of the track, so the picture changes only where new audio
 * was measured.
 *
 * The short-term curve is the whole track's as it renders with the
 * current settings, from the console's background measurement
 * (mo->master.series), whatever was played; until the first one lands,
 * and for the momentary trace, it is what has been played (the meters'
 * frames, kept per position by the feed). */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/view_feed.h"
#include "tui/view_util.h"

#define TOP_LUFS 0.0
#define RANGE_LU 36.0
#define LABEL_W 4

static void ld_update(void *st, const struct lower_feed *f)
{
	(void)st;
	vfeed_update(f, 0);
}

static int sub_of(double db, int gh)
{
	double t = (TOP_LUFS - db) / RANGE_LU;
	int n = gh * 4, k = (int)lround(t * (n - 1));
	return k < 0 ? 0 : k >= n ? n - 1 : k;
}

static void ld_draw(void *st, const struct ui_model *mo, struct ui_rect r)
{
	struct vfeed *v = vfeed_get();
	const struct glyphs *g = theme_glyphs();
	int title = r.h >= 4, labels = r.h >= 3;
	int gy = r.y + title, gh = r.h - title - labels, gw = r.w - LABEL_W;
	char t0[16], t1[16], s[16], m[16];

	(void)st;
	if (!v || gh <= 0 || gw <= 0)
		return;
	double dur = v->dur > 0 ? v->dur : 1, target = mo->platform_target;
	int pos_col = (int)floor(v->pos_s / dur * gw);
	int tsub = isfinite(target) ? sub_of(target, gh) : -1;
	int whole = mo->master.series != NULL && mo->master.nseries > 0;
	if (title) {
		fmt_lufs(s, sizeof s, mo->num.short_term_lufs);
		fmt_lufs(m, sizeof m, mo->num.momentary_lufs);
		putn(r.y, r.x, r.w, R_LABEL,
		     "loudness  S %s bars (%s)  M %s dots  target %.0f LUFS",
		     s, whole ? (mo->master.measuring ? "whole, remeasuring" : "whole track") : "as played",
		     m, target);
	}
	for (int row = 0; row < gh; row++) {
		double lab = TOP_LUFS - RANGE_LU * (row + 0.5) / gh;
		if (row == 0 || row == gh - 1 || row == gh / 2)
			putn(gy + row, r.x, LABEL_W, R_LABEL, "%4.0f", lab);
		else
			putn(gy + row, r.x, LABEL_W, R_LABEL, "%s", "");
		move(gy + row, r.x + LABEL_W);
		for (int c = 0; c < gw; c++) {
			double a = dur * c / gw, b = dur * (c + 1) / gw;
			double st_l = whole ? vfeed_series_max(mo, a, b) : vfeed_hist_max(v, v->st, a, b);
			double mo_l = vfeed_hist_max(v, v->mom, a, b);
			double t = isfinite(st_l) ? (st_l - (TOP_LUFS - RANGE_LU)) / RANGE_LU : 0;
			int level = (int)lround((t < 0 ? 0 : t > 1 ? 1 : t) * gh * 8);
			int l = level - (gh - 1 - row) * 8;
			int ms = isfinite(mo_l) ? sub_of(mo_l, gh) : -1;
			l = l < 0 ? 0 : l > 8 ? 8 : l;
			if (ms >= 0 && ms / 4 == row && l < 8) {
				theme_set(stdscr, R_DIM);
				addstr(vu_line(ms % 4));
			} else if (l > 0) {
				theme_set(stdscr, isfinite(target) && st_l > target + 1 ? R_METER_HIGH : R_METER_MID);
				addstr(g->vpart[l]);
			} else if (c == pos_col) {
				theme_set(stdscr, R_HOLD);
				addstr(g->hold);
			} else if (tsub >= 0 && tsub / 4 == row) {
				theme_set(stdscr, R_MARK);
				addstr(g->utf8 ? "\u254c" : "-");
			} else {
				addstr(" ");
			}
		}
	}
	if (labels) {
		fmt_time(t0, sizeof t0, 0);
		fmt_time(t1, sizeof t1, v->dur);
		putn(r.y + r.h - 1, r.x, r.w, R_LABEL, "LUFS%s%*s", t0, gw - (int)strlen(t0), t1);
	}
}

const struct lower_view loudness_view = {
	.name = "loudness over time",
	.update = ld_update,
	.draw = ld_draw,
};
