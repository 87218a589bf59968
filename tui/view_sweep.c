/* The drive sweep: integrated loudness (bars, left scale) and the
 * limiter's distortion (residual_db, a dot line, right scale) against the
 * limiter drive, one column group per step of the sweep, with the stop
 * point and the current drive marked, and their figures in words under
 * the picture.  The curve is the whole track's with the current settings
 * (console_sweep.c runs `lathe sweep`'s code in the background); the
 * picture changes only when a sweep lands or the drive moves, which keeps
 * the bytes sent low. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/platforms.h"
#include "tui/view_util.h"

#define LABEL_W 5
#define RIGHT_W 4
#define RES_TOP 0.0      /* residual scale, dB */
#define RES_BOTTOM (-48.0)

/* Cell of step i's group that marks it, and the group's width. */
static int group_x(int i, int cw)
{
	return i * cw;
}

/* The residual's dot: sub-row 0 (top) .. gh*4-1. */
static int res_sub(double r, int gh)
{
	double t = (RES_TOP - r) / (RES_TOP - RES_BOTTOM);
	int k = (int)lround(t * (gh * 4 - 1));
	return k < 0 ? 0 : k > gh * 4 - 1 ? gh * 4 - 1 : k;
}

static void draw_chart(const struct ui_sweep *s, double drive, int y, int x, int w, int gh, int cw,
		       double lo, double hi)
{
	const struct glyphs *g = theme_glyphs();
	int gw = s->n * cw;

	for (int row = 0; row < gh; row++) {
		double lab = hi - (hi - lo) * row / (gh > 1 ? gh - 1 : 1);
		if (row == 0 || row == gh - 1)
			putn(y + row, x, LABEL_W, R_LABEL, "%5.0f", lab);
		else
			putn(y + row, x, LABEL_W, R_LABEL, "%s", "");
		move(y + row, x + LABEL_W);
		for (int i = 0; i < s->n; i++) {
			double t = (s->lufs[i] - lo) / (hi - lo);
			int level = (int)lround((t < 0 ? 0 : t > 1 ? 1 : t) * gh * 8);
			int l = level - (gh - 1 - row) * 8;
			int rs = res_sub(s->residual[i], gh);
			enum role r = i == s->stop ? R_GOOD : s->drive[i] > s->drive[s->stop] ? R_METER_HIGH : R_METER_MID;
			if (s->drive[i] > drive + 0.05)
				r = R_DIM;   /* past the current drive: not taken */
			l = l < 0 ? 0 : l > 8 ? 8 : l;
			for (int k = 0; k < cw; k++) {
				if (k == cw - 1 && cw > 1) {
					addstr(" ");
				} else if (rs / 4 == row && k == 0) {
					theme_set(stdscr, R_WARN);
					addstr(g->utf8 ? vu_line(rs % 4) : "x");
				} else if (l > 0) {
					theme_set(stdscr, r);
					addstr(g->vpart[l]);
				} else {
					addstr(" ");
				}
			}
		}
		/* The residual's scale, and blanks to the rectangle's edge. */
		int rest = w - LABEL_W - gw;
		if (rest > 0 && (row == 0 || row == gh - 1))
			putn(y + row, x + LABEL_W + gw, rest, R_WARN, "%4.0f", row ? RES_BOTTOM : RES_TOP);
		else if (rest > 0)
			putn(y + row, x + LABEL_W + gw, rest, R_NORMAL, "%s", "");
	}
}

/* Drive labels every 3 dB; under them (or over them, with one row) the
 * marks: "^" the stop point, "|" the current drive. */
static void draw_axis(const struct ui_sweep *s, double drive, int y, int x, int w, int cw, int marks_row)
{
	char line[512], mk[512];
	int n = w < (int)sizeof line - 1 ? w : (int)sizeof line - 1;
	int dc = -1;

	memset(line, ' ', (size_t)n);
	memset(mk, ' ', (size_t)n);
	line[n] = mk[n] = 0;
	/* The current drive's column, between steps as it lies. */
	if (s->n >= 2) {
		double step = s->drive[1] - s->drive[0];
		double f = (drive - s->drive[0]) / step;
		if (f >= 0 && f <= s->n - 1 + 0.5)
			dc = LABEL_W + (int)lround(f * cw);
	}
	int sc = LABEL_W + group_x(s->stop, cw);
	if (n >= 5)
		memcpy(line, "drive", 5);
	for (int i = 0; i < s->n; i++) {
		int c = LABEL_W + group_x(i, cw);
		char num[16];
		int len = snprintf(num, sizeof num, "%.0f", s->drive[i]);
		/* With the marks on this row, a label keeps clear of them. */
		int clash = !marks_row && ((sc >= c - 1 && sc <= c + len) || (dc >= c - 1 && dc <= c + len));
		if (fmod(s->drive[i] + 1e-6, 3.0) < 0.01 && c + len <= n && !clash)
			memcpy(line + c, num, (size_t)len);
	}
	char *m = marks_row ? mk : line;
	if (sc < n)
		m[sc] = '^';
	if (dc >= 0 && dc < n)
		m[dc] = dc == sc ? '*' : '|';
	putn(y, x, w, R_LABEL, "%s", line);
	if (marks_row) {
		/* The words beside the marks, where they fit. */
		if (sc + 6 < n && (dc < sc || dc > sc + 5))
			memcpy(mk + sc + 1, "stop", 4);
		if (dc >= 0 && dc + 4 < n && (sc < dc || sc > dc + 4) && (dc + 4 < sc || dc > sc + 5))
			memcpy(mk + dc + 1, "now", 3);
		putn(y + 1, x, w, R_MARK, "%s", mk);
	}
}

static void sw_draw(void *st, const struct ui_model *mo, struct ui_rect r)
{
	const struct ui_sweep *s = &mo->sweep;
	int lim_in = mo->v[param_bypass(MOD_LIMITER)] < 0.5;
	double drive = mo->v[P_LIMITER_DRIVE];
	int title = r.h >= 4, numbers = r.h >= 2, axis = r.h >= 5, marks = r.h >= 7;
	int gh = r.h - title - numbers - axis - marks;
	char now[80], stop[64];

	(void)st;
	if (r.h <= 0 || r.w <= 0)
		return;
	if (s->n < 2) {
		for (int row = 0; row < r.h; row++)
			putn(r.y + row, r.x, r.w, R_DIM, "%s", row ? "" :
			     "drive sweep: measuring the track at every drive (in the background)");
		return;
	}
	double sd = s->drive[s->stop];
	double at = sweep_curve_at(s->drive, s->lufs, s->n, drive);
	double res = sweep_curve_at(s->drive, s->residual, s->n, drive);
	if (s->stop >= s->n - 1)
		snprintf(stop, sizeof stop, "no stop up to %+.1f dB", sd);
	else
		snprintf(stop, sizeof stop, "stop %+.1f dB %.2f LUFS", sd, s->lufs[s->stop]);
	if (drive > s->drive[s->n - 1] + 0.05)
		snprintf(now, sizeof now, "now %+.1f dB: past the sweep", drive);
	else
		snprintf(now, sizeof now, "now %+.1f dB %.2f LUFS res %.1f dB%s", drive, at, res,
			 lim_in ? "" : " (limiter off)");
	if (title && s->measuring)
		putn(r.y, r.x, r.w, R_DIM, "drive sweep (remeasuring, this is of older settings) | %s", stop);
	else if (title)
		putn(r.y, r.x, r.w, R_LABEL, "drive sweep: LUFS bars, residual %s dB right | %s",
		     theme_glyphs()->utf8 ? "dots" : "x", stop);
	int cw = (r.w - LABEL_W - RIGHT_W) / s->n;
	if (gh > 0 && cw >= 1) {
		double lo = floor(s->lufs[0]), hi = ceil(s->lufs[0]);
		for (int i = 1; i < s->n; i++) {
			lo = fmin(lo, floor(s->lufs[i]));
			hi = fmax(hi, ceil(s->lufs[i]));
		}
		lo -= 1;   /* the quietest step still shows a sliver */
		if (hi - lo < 1)
			hi = lo + 1;
		draw_chart(s, drive, r.y + title, r.x, r.w, gh, cw, lo, hi);
		if (axis)
			draw_axis(s, drive, r.y + title + gh, r.x, r.w, cw, marks);
	} else {
		for (int row = 0; row < gh + axis + marks; row++)
			putn(r.y + title + row, r.x, r.w, R_NORMAL, "%s", "");
	}
	if (numbers)
		putn(r.y + r.h - 1, r.x, r.w, R_VALUE, "%s | top %+.0f dB %.2f LUFS%s", now,
		     s->drive[s->n - 1], s->lufs[s->n - 1], title ? "" : stop);
}

const struct lower_view sweep_view = {
	.name = "drive sweep",
	.draw = sw_draw,
};
