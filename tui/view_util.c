/* Helpers of the analysis views: see view_util.h. */
#include "tui/view_util.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Braille cells: dots 1-2-3-7 down the left, 4-5-6-8 down the right. */
static const char *const braille_both[4] = { "\u2809", "\u2812", "\u2824", "\u28c0" };
static const char *const braille_left[4] = { "\u2801", "\u2802", "\u2804", "\u2840" };
static const char *const ascii_line[4] = { "\"", "-", "-", "_" };
static const char *const ascii_dots[4] = { "'", ".", ".", "." };

const char *vu_line(int sub)
{
	sub = sub < 0 ? 0 : sub > 3 ? 3 : sub;
	return theme_glyphs()->utf8 ? braille_both[sub] : ascii_line[sub];
}

const char *vu_dots(int sub, int col)
{
	sub = sub < 0 ? 0 : sub > 3 ? 3 : sub;
	if (!theme_glyphs()->utf8)
		return col & 1 ? " " : ascii_dots[sub];
	return braille_left[sub];
}

void vu_track(int y, int x, int n, double val, double lo, double hi, double mid, enum role r)
{
	const struct glyphs *g = theme_glyphs();
	int at = -1, c0 = (int)lround((mid - lo) / (hi - lo) * (n - 1));

	if (isfinite(val)) {
		double t = (val - lo) / (hi - lo);
		t = t < 0 ? 0 : t > 1 ? 1 : t;
		at = (int)lround(t * (n - 1));
	}
	move(y, x);
	for (int i = 0; i < n; i++) {
		if (i == at) {
			theme_set(stdscr, r);
			addstr(g->bar_full);
		} else {
			theme_set(stdscr, R_DIM);
			addstr(i == c0 ? g->hold : g->hline);
		}
	}
}

double vu_col_freq(int col, int w)
{
	return 20.0 * pow(1000.0, (col + 0.5) / w);
}

void vu_freq_labels(int y, int x, int w)
{
	static const double f[] = { 50, 100, 200, 500, 1000, 2000, 5000, 10000 };
	static const char *const name[] = { "50", "100", "200", "500", "1k", "2k", "5k", "10k" };
	char line[512];
	int n = w < (int)sizeof line - 1 ? w : (int)sizeof line - 1;

	memset(line, ' ', (size_t)n);
	line[n] = 0;
	for (int i = 0; i < 8; i++) {
		int c = (int)lround(log(f[i] / 20.0) / log(1000.0) * w - 0.5);
		int len = (int)strlen(name[i]);
		if (c < 0 || c + len > n)
			continue;
		/* Skip a label that would touch the one before. */
		if (c > 0 && line[c - 1] != ' ')
			continue;
		memcpy(line + c, name[i], (size_t)len);
	}
	putn(y, x, w, R_LABEL, "%s", line);
}
