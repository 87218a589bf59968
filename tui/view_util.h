/* Small curses helpers of the analysis views: one-cell line glyphs
 * (braille in UTF-8, ASCII otherwise) and a horizontal scale track. */
#ifndef LATHE_VIEW_UTIL_H
#define LATHE_VIEW_UTIL_H
#include "tui/ui_draw.h"
#include "tui/ui_lower.h"

/* A dot line through a cell at sub-row sub (0 top .. 3 bottom). */
const char *vu_line(int sub);
/* A dotted line (every other column) for a reference curve. */
const char *vu_dots(int sub, int col);
/* A track of n cells for val in lo..hi with a centre tick at mid, the
 * value's cell drawn in role r; labels are the caller's. */
void vu_track(int y, int x, int n, double val, double lo, double hi, double mid, enum role r);
/* Column of a frequency on a log axis 20 Hz..20 kHz over w columns. */
double vu_col_freq(int col, int w);
/* Frequency labels under a log axis of w columns at x. */
void vu_freq_labels(int y, int x, int w);
#endif
