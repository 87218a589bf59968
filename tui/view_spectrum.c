/* The spectrum view: 1/6-octave (or finer, where the width allows) bars
 * of the chain's output or input on a log axis, the slow reading as the
 * bar and the peak hold as a mark, the EQ curve of the current settings
 * over it (its own +-12 dB scale, centred), and the reference's mean
 * spectrum, moved to the master's loudness, as dots.
 *
 * The picture is taken at most SNAP_S apart and drawn from that snapshot
 * in between, so a terminal gets at most a few changes a second. */
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tui/view_feed.h"
#include "tui/view_util.h"

#define SNAP_S 0.25
#define TOP_DB (-12.0)
#define RANGE_DB 60.0
#define CURVE_DB 12.0
#define LABEL_W 4
#define MAXW 512

struct spview {
	int cols;               /* columns the bands were laid for */
	int per;                /* bands per octave */
	int band[MAXW];         /* band shown in each column */
	double bar[MAXW], peak[MAXW], ref[MAXW], curve[MAXW];
	double snap_at;
	int have, slow;         /* slow (default) or fast bars */
	int pre;
	double ref_off;         /* dB the reference is moved by */
};

static struct spview *the_view; /* for the :spectrum command */

static void *sp_open(void)
{
	struct spview *s = calloc(1, sizeof *s);
	if (s)
		s->slow = 1;
	the_view = s;
	return s;
}

static void sp_close(void *st)
{
	if (the_view == st)
		the_view = NULL;
	free(st);
}

/* Bands for a graph of w columns: one per column at most, never coarser
 * than 1/6 octave nor finer than 1/12. */
static void lay_bands(struct spview *s, struct vfeed *v, int w)
{
	struct spec_bands b;
	int per = w / 10;

	per = per < 6 ? 6 : per > 12 ? 12 : per;
	spec_bands_fraction(&b, per, 20, 20000);
	spec_live_set_bands(v->spec, &b);
	for (int c = 0; c < w && c < MAXW; c++) {
		double f = vu_col_freq(c, w);
		int k = 0;
		while (k + 1 < b.n && b.hi[k] <= f)
			k++;
		s->band[c] = k;
	}
	s->cols = w;
	s->per = per;
}

static void sp_update(void *st, const struct lower_feed *f)
{
	struct spview *s = st;
	struct vfeed *v;
	const struct ui_model *mo = f->mo;

	vfeed_update(f, f->shown);
	v = vfeed_get();
	if (!s || !v || !f->shown || !s->cols)
		return;
	if (s->have && f->now - s->snap_at < SNAP_S)
		return;
	s->snap_at = f->now;
	s->have = 1;
	s->pre = v->pre;
	s->ref_off = 0;
	if (isfinite(mo->m.master_lufs) && isfinite(mo->m.ref_lufs))
		s->ref_off = mo->m.master_lufs - mo->m.ref_lufs;
	for (int c = 0; c < s->cols && c < MAXW; c++) {
		int k = s->band[c];
		s->bar[c] = spec_live_level(v->spec, k, s->slow ? SPEC_SLOW : SPEC_FAST);
		s->peak[c] = spec_live_level(v->spec, k, SPEC_PEAK);
		s->ref[c] = mo->ref_loaded ? vfeed_ref_db(v, k) + s->ref_off : NAN;
		s->curve[c] = vfeed_curve_db(v, vu_col_freq(c, s->cols));
	}
}

/* Sub-rows (4 a row) from the top of a gh-row graph for a dB value. */
static int sub_of(double db, double top, double range, int gh)
{
	double t = (top - db) / range;
	int n = gh * 4;
	int k = (int)lround(t * (n - 1));
	return k < 0 ? 0 : k >= n ? n - 1 : k;
}

static void sp_draw(void *st, const struct ui_model *mo, struct ui_rect r)
{
	struct spview *s = st;
	struct vfeed *v = vfeed_get();
	const struct glyphs *g = theme_glyphs();
	int title = r.h >= 4, labels = r.h >= 3;
	int gy = r.y + title, gh = r.h - title - labels, gw = r.w - LABEL_W;

	if (!s || !v || gh <= 0 || gw <= 0)
		return;
	if (gw > MAXW)
		gw = MAXW;
	if (s->cols != gw) {
		lay_bands(s, v, gw);
		s->have = 0;
		for (int c = 0; c < gw; c++)
			s->bar[c] = s->peak[c] = s->ref[c] = NAN, s->curve[c] = 0;
	}
	if (title)
		putn(r.y, r.x, r.w, R_LABEL, "spectrum %s, %s bars + peak, 1/%d oct dB FS | EQ curve +-%.0f dB%s",
		     s->pre ? "PRE (input)" : "post (output)", s->slow ? "slow" : "fast",
		     s->per,
		     CURVE_DB, mo->ref_loaded ? " | ref: dots" : "");
	for (int row = 0; row < gh; row++) {
		/* dB labels at the top, the middle and the bottom rows */
		double db = TOP_DB - RANGE_DB * (row + 0.5) / gh;
		if (row == 0 || row == gh - 1 || row == gh / 2)
			putn(gy + row, r.x, LABEL_W, R_LABEL, "%4.0f", db);
		else
			putn(gy + row, r.x, LABEL_W, R_LABEL, "%s", "");
		move(gy + row, r.x + LABEL_W);
		for (int c = 0; c < gw; c++) {
			int cs = sub_of(s->curve[c], CURVE_DB, 2 * CURVE_DB, gh);
			int ps = isfinite(s->peak[c]) ? sub_of(s->peak[c], TOP_DB, RANGE_DB, gh) : -1;
			int rs = isfinite(s->ref[c]) ? sub_of(s->ref[c], TOP_DB, RANGE_DB, gh) : -1;
			/* The bar in eighths of the graph's height, from the bottom. */
			double t = isfinite(s->bar[c]) ? (s->bar[c] - (TOP_DB - RANGE_DB)) / RANGE_DB : 0;
			int level = (int)lround((t < 0 ? 0 : t > 1 ? 1 : t) * gh * 8);
			int l = level - (gh - 1 - row) * 8;
			l = l < 0 ? 0 : l > 8 ? 8 : l;
			if (s->have && cs / 4 == row) {
				theme_set(stdscr, R_MARK);
				addstr(vu_line(cs % 4));
			} else if (rs >= 0 && rs / 4 == row) {
				theme_set(stdscr, R_DIM);
				addstr(vu_dots(rs % 4, c));
			} else if (l == 0 && ps >= 0 && ps / 4 == row && s->peak[c] > TOP_DB - RANGE_DB) {
				/* The peak hold: a thin block, unlike the curves' dots. */
				theme_set(stdscr, R_HOLD);
				addstr(g->utf8 ? "\u2594" : "_");
			} else {
				theme_set(stdscr, R_METER_LOW);
				addstr(g->vpart[l]);
			}
		}
	}
	if (labels) {
		putn(r.y + r.h - 1, r.x, LABEL_W, R_LABEL, "%s", " Hz");
		vu_freq_labels(r.y + r.h - 1, r.x + LABEL_W, gw);
		if (r.w > LABEL_W + gw)
			putn(r.y + r.h - 1, r.x + LABEL_W + gw, r.w - LABEL_W - gw, R_LABEL, "%s", "");
	}
}

/* :spectrum pre|post|fast|slow; returns a status message. */
const char *view_spectrum_command(const char *arg)
{
	if (!arg)
		return "usage: spectrum pre|post|fast|slow";
	if (!strcmp(arg, "pre") || !strcmp(arg, "post")) {
		vfeed_set_pre(!strcmp(arg, "pre"));
		if (the_view)
			the_view->have = 0;
		return !strcmp(arg, "pre") ? "spectrum: the chain's input" : "spectrum: the chain's output";
	}
	if (the_view && (!strcmp(arg, "fast") || !strcmp(arg, "slow"))) {
		the_view->slow = !strcmp(arg, "slow");
		the_view->have = 0;
		return the_view->slow ? "spectrum: slow bars (1 s)" : "spectrum: fast bars (125 ms)";
	}
	return "usage: spectrum pre|post|fast|slow";
}

const struct lower_view spectrum_view = {
	.name = "spectrum",
	.open = sp_open,
	.close = sp_close,
	.update = sp_update,
	.draw = sp_draw,
};
