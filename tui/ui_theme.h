/* Colour roles and glyphs.  Code draws with roles (what a thing is), never
 * with colours; a scheme maps roles to colours and attributes, and the
 * monochrome scheme maps them to bold / reverse / underline only, so the
 * console reads the same on a vt100 or with NO_COLOR.  Glyphs are chosen
 * once: UTF-8 blocks and lines, or plain ASCII. */
#ifndef LATHE_UI_THEME_H
#define LATHE_UI_THEME_H
#include <curses.h>

enum role {
	R_NORMAL, R_HEADER, R_TITLE, R_LABEL, R_MODULE_SEL, R_PARAM_SEL,
	R_BYPASS, R_VALUE, R_UNIT, R_METER_LOW, R_METER_MID, R_METER_HIGH,
	R_METER_OVER, R_HOLD, R_MARK, R_GR, R_WARN, R_GOOD, R_STATUS, R_ERROR,
	R_KEY, R_DIM,
	R_COUNT
};

struct glyphs {
	int utf8;
	const char *bar_full;      /* a full meter cell */
	const char *bar_part[8];   /* eighths 0..7 of a cell, left-aligned */
	const char *vpart[9];      /* 0..8 eighths of a cell, from the bottom */
	const char *hold, *ceiling, *target;
	const char *play, *pause, *stop;
	const char *sel_left, *sel_right, *hline;
};

/* Called once after initscr.  UTF-8 when the LC_CTYPE locale's codeset is
 * UTF-8; colour when the terminal has it and NO_COLOR is unset or empty. */
void theme_init(void);
int theme_colour(void);
const struct glyphs *theme_glyphs(void);
attr_t theme_attr(enum role r);
/* Pair and attributes of a role on a window. */
void theme_set(WINDOW *w, enum role r);
#endif
