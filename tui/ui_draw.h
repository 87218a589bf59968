/* Drawing helpers for every part of the screen (the ui_*.c files and the
 * lower panel's views, tui/view_*.c): clipped text in a theme role, bars
 * and number formats.  Curses only; no engine. */
#ifndef LATHE_UI_DRAW_H
#define LATHE_UI_DRAW_H
#include <stddef.h>
#include "tui/ui_theme.h"

#define PEAK_LO (-36.0)  /* meter scales, dB */
#define PEAK_HI 2.0
#define LUFS_LO (-36.0)
#define LUFS_HI 0.0
#define GR_FULL 12.0     /* GR bars */

/* Print at (y, x) clipped to n columns, padded with blanks to n; control
 * bytes, bytes that are not UTF-8 (or not ASCII in an ASCII terminal) and
 * bidirectional overrides are drawn as '?'. */
__attribute__((format(printf, 5, 6)))
void putn(int y, int x, int n, enum role r, const char *fmt, ...);
void put(int y, int x, enum role r, const char *s);
/* The end of s that putn draws in at most n columns (at a character's
 * start), and its width in *cols: a long line shows what is being typed. */
const char *text_tail(const char *s, int n, int *cols);
/* A horizontal bar of n cells from lo to hi; colour zones by position
 * (warn_at, over_at) unless fixed is a role; a hold mark and a reference
 * mark (ceiling or target), NAN for none. */
void draw_bar(int y, int x, int n, double val, double lo, double hi,
	      double hold, double mark, double warn_at, double over_at,
	      enum role fixed);
void fmt_db(char *buf, size_t size, double x);    /* "%5.1f" or "  -  " */
void fmt_lufs(char *buf, size_t size, double x);  /* "%.1f" or "-" */
void fmt_time(char *buf, size_t size, double s);  /* "m:ss.s" */
#endif
