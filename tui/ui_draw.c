/* Drawing helpers: see ui_draw.h. */
#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/ui_layout.h"

static const struct glyphs *G(void)
{
	return theme_glyphs();
}

/* One character of s that the terminal may be sent: its length in bytes
 * (0: none), its width in *w.  Names come from outside (file names,
 * presets, devices, album files) and may hold any bytes: a control byte
 * would move the cursor or start an escape sequence, a newline would
 * break the layout, a bidirectional override would reorder what follows,
 * and a byte that is not UTF-8 is the terminal's to guess. */
static int safe_char(const unsigned char *s, int utf8, int *w)
{
	unsigned c = s[0];
	int len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
		  c >= 0xf0 && c <= 0xf4 ? 4 : 0;

	*w = 1;
	if (len == 1)
		return c >= 32 && c != 127 ? 1 : 0;
	if (!utf8 || !len)
		return 0;
	c &= 0x7f >> len;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF; C1 controls; the
	 * bidirectional and zero-width format characters. */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff) || c < 0xa0 || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff)
		return 0;
	*w = wcwidth((wchar_t)c);
	return *w >= 0 ? len : 0;
}

/* Print clipped to n columns, padding with blanks.  Anything the terminal
 * should not be sent is drawn as '?' (see safe_char); columns are counted
 * as the terminal counts them, so a name of wide or accented characters
 * neither overflows its field nor leaves old cells behind. */
__attribute__((format(printf, 5, 6)))
void putn(int y, int x, int n, enum role r, const char *fmt, ...)
{
	char buf[512], out[512];
	va_list ap;
	int cols = 0, utf8 = G()->utf8;
	size_t o = 0;

	if (n <= 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (const unsigned char *p = (const unsigned char *)buf; *p && o + 4 < sizeof out;) {
		int w, len = safe_char(p, utf8, &w);
		if (len && w == 0 && cols == 0)
			len = 0;   /* a combining mark needs a character to sit on */
		if (!len) {
			w = 1;
			if (cols + 1 > n)
				break;
			out[o++] = '?';
			/* One '?' for a whole broken sequence: its lead byte and
			 * the continuation bytes after it. */
			p++;
			while ((*p & 0xc0) == 0x80 && utf8)
				p++;
		} else {
			if (cols + w > n)
				break;
			memcpy(out + o, p, (size_t)len);
			o += (size_t)len;
			p += len;
		}
		cols += w;
	}
	out[o] = 0;
	theme_set(stdscr, r);
	mvaddstr(y, x, out);
	for (int i = cols; i < n; i++)
		addch(' ');
}

/* Past one character as putn draws it (a broken sequence is one '?'):
 * the next character's start, its width in *w. */
static const unsigned char *char_step(const unsigned char *p, int utf8, int *w)
{
	int len = safe_char(p, utf8, w);

	if (len)
		return p + len;
	*w = 1;
	for (p++; (*p & 0xc0) == 0x80 && utf8; p++)
		;
	return p;
}

const char *text_tail(const char *s, int n, int *cols)
{
	int utf8 = G()->utf8, total = 0, w;
	const unsigned char *p = (const unsigned char *)s;

	/* The whole width first; the tail starts where what is left fits. */
	for (const unsigned char *q = p; *q; total += w)
		q = char_step(q, utf8, &w);
	while (*p && total > n) {
		p = char_step(p, utf8, &w);
		total -= w;
	}
	*cols = total;
	return (const char *)p;
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
