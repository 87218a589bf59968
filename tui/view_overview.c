/* The overview: the whole track across the screen, one row of its peak
 * envelope with the play position and the loop region, the times under
 * it, and, with room, a taller envelope of the short-term loudness.  A
 * mouse click on it seeks there (view_overview_seek, for terminals that
 * report clicks); :seek does the same by time.  Columns are fixed
 * stretches of the track, so only the column the playhead enters changes. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/view_feed.h"
#include "tui/view_util.h"

#define PEAK_FLOOR (-48.0)
#define ST_LO (-36.0)

static struct ui_rect drawn; /* where the envelope row was last drawn */
static int drawn_ok;

static void ov_update(void *st, const struct lower_feed *f)
{
	(void)st;
	vfeed_update(f, 0);
}

static int eighths(double v, double lo, double hi, int rows)
{
	double t = isfinite(v) ? (v - lo) / (hi - lo) : 0;
	return (int)lround((t < 0 ? 0 : t > 1 ? 1 : t) * rows * 8);
}

static void env_rows(const struct vfeed *v, const struct ui_model *mo, int y, int x, int w,
		     int rows, const float *h, double lo, double hi, int marks)
{
	const struct glyphs *g = theme_glyphs();
	double dur = v->dur > 0 ? v->dur : 1;
	int pos_col = (int)floor(v->pos_s / dur * w);
	int loop = mo->loop_b > mo->loop_a;

	for (int row = 0; row < rows; row++) {
		move(y + row, x);
		for (int c = 0; c < w; c++) {
			double a = dur * c / w, b = dur * (c + 1) / w;
			double val = h ? vfeed_hist_max(v, h, a, b) : vfeed_series_max(mo, a, b);
			int l = eighths(val, lo, hi, rows) - (rows - 1 - row) * 8;
			int inloop = loop && b > mo->loop_a && a < mo->loop_b;
			l = l < 0 ? 0 : l > 8 ? 8 : l;
			if (marks && c == pos_col) {
				theme_set(stdscr, R_PARAM_SEL);
				addstr(l ? g->vpart[l] : g->hold);
			} else if (isnan(val)) {
				theme_set(stdscr, inloop ? R_MARK : R_DIM);
				addstr(row == rows - 1 ? (inloop ? g->hline : g->utf8 ? "\u00b7" : ".") : " ");
			} else {
				theme_set(stdscr, inloop ? R_MARK : R_METER_LOW);
				addstr(g->vpart[l]);
			}
		}
	}
}

static void ov_draw(void *st, const struct ui_model *mo, struct ui_rect r)
{
	struct vfeed *v = vfeed_get();
	char t0[16], tp[16], t1[16], la[16], lb[16], line[256];

	(void)st;
	if (!v || r.h <= 0 || r.w <= 0)
		return;
	int whole = mo->master.series != NULL && mo->master.nseries > 0;
	/* The row: the whole track's short-term loudness once the console
	 * measured it, the peaks of what has played until then. */
	if (whole)
		env_rows(v, mo, r.y, r.x, r.w, 1, NULL, ST_LO, 0, 1);
	else
		env_rows(v, mo, r.y, r.x, r.w, 1, v->peak, PEAK_FLOOR, 0, 1);
	drawn = (struct ui_rect){ r.y, r.x, r.w, 1 };
	drawn_ok = 1;
	if (r.h >= 2) {
		fmt_time(t0, sizeof t0, 0);
		fmt_time(tp, sizeof tp, v->pos_s);
		fmt_time(t1, sizeof t1, v->dur);
		if (mo->loop_b > mo->loop_a) {
			fmt_time(la, sizeof la, mo->loop_a);
			fmt_time(lb, sizeof lb, mo->loop_b);
			snprintf(line, sizeof line, "at %s  loop %s-%s", tp, la, lb);
		} else {
			snprintf(line, sizeof line, "at %s  loop off", tp);
		}
		int mid = (int)strlen(line), side = (r.w - mid) / 2 - (int)strlen(t0);
		putn(r.y + 1, r.x, r.w, R_LABEL, "%s%*s%s%*s", t0, side > 1 ? side : 1, "", line,
		     r.w - (int)strlen(t0) - (side > 1 ? side : 1) - mid, t1);
	}
	if (r.h >= 4) {
		putn(r.y + 2, r.x, r.w, R_LABEL, "%s; below: peaks as played (-48..0 dB)",
		     whole ? "row: short-term loudness, whole track" : "row: peaks as played");
		env_rows(v, mo, r.y + 3, r.x, r.w, r.h - 3, v->peak, PEAK_FLOOR, 0, 0);
	} else if (r.h == 3) {
		putn(r.y + 2, r.x, r.w, R_NORMAL, "%s", "");
	}
}

int view_overview_seek(const struct ui_model *mo, int y, int x, double *seconds)
{
	struct vfeed *v = vfeed_get();

	(void)mo;
	if (!drawn_ok || !v || y != drawn.y || x < drawn.x || x >= drawn.x + drawn.w || !(v->dur > 0))
		return 0;
	*seconds = v->dur * (x - drawn.x + 0.5) / drawn.w;
	return 1;
}

void view_overview_hidden(void)
{
	drawn_ok = 0;
}

const struct lower_view overview_view = {
	.name = "overview",
	.update = ov_update,
	.draw = ov_draw,
};
