/* Drawing helpers: see ui_draw.h. */
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

/* Print clipped to n columns (ASCII text only), padding with blanks. */
__attribute__((format(printf, 5, 6)))
void putn(int y, int x, int n, enum role r, const char *fmt, ...)
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

void put(int y, int x, enum role r, const char *s)
{
	theme_set(stdscr, r);
	mvaddstr(y, x, s);
}

/* A horizontal bar from lo to hi; colour zones by position; a hold mark
 * and a reference mark (ceiling or target). */
void draw_bar(int y, int x, int n, double val, double lo, double hi,
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

void fmt_db(char *buf, size_t size, double x)
{
	if (isfinite(x) && x > -99.9)
		snprintf(buf, size, "%5.1f", x);
	else
		snprintf(buf, size, "  -  ");
}

void fmt_lufs(char *buf, size_t size, double x)
{
	if (isfinite(x) && x > -70)
		snprintf(buf, size, "%.1f", x);
	else
		snprintf(buf, size, "-");
}

void fmt_time(char *buf, size_t size, double s)
{
	if (!(s >= 0))
		s = 0;
	int m = (int)(s / 60);
	snprintf(buf, size, "%d:%04.1f", m, s - m * 60);
}
