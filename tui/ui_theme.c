#include "tui/ui_theme.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

struct role_style {
	short fg, bg;   /* -1: terminal default */
	attr_t colour_attr, mono_attr;
};

/* One table, two schemes: colour (fg, bg, attr) and monochrome (attr). */
static const struct role_style styles[R_COUNT] = {
	[R_NORMAL]     = { -1, -1, A_NORMAL, A_NORMAL },
	[R_HEADER]     = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[R_TITLE]      = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[R_LABEL]      = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[R_MODULE_SEL] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[R_PARAM_SEL]  = { COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE },
	[R_BYPASS]     = { COLOR_BLUE, -1, A_BOLD, A_DIM },
	[R_VALUE]      = { -1, -1, A_BOLD, A_BOLD },
	[R_UNIT]       = { -1, -1, A_NORMAL, A_NORMAL },
	[R_METER_LOW]  = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[R_METER_MID]  = { COLOR_YELLOW, -1, A_NORMAL, A_NORMAL },
	[R_METER_HIGH] = { COLOR_RED, -1, A_NORMAL, A_BOLD },
	[R_METER_OVER] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE },
	[R_HOLD]       = { COLOR_WHITE, -1, A_BOLD, A_BOLD },
	[R_MARK]       = { COLOR_MAGENTA, -1, A_BOLD, A_NORMAL },
	[R_GR]         = { COLOR_MAGENTA, -1, A_NORMAL, A_NORMAL },
	[R_WARN]       = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_REVERSE },
	[R_GOOD]       = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[R_STATUS]     = { -1, -1, A_NORMAL, A_NORMAL },
	[R_ERROR]      = { COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE },
	[R_KEY]        = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[R_DIM]        = { -1, -1, A_DIM, A_NORMAL },
};

static const struct glyphs utf8_glyphs = {
	1, "\u2588",
	{ " ", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589" },
	{ " ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" },
	"\u2502", "\u250a", "\u2506",
	"\u25b6", "\u2016", "\u25a0",
	"\u25b8", " ", "\u2500",
};

static const struct glyphs ascii_glyphs = {
	0, "#",
	{ " ", " ", " ", " ", "=", "=", "=", "=" },
	{ " ", ".", ".", "-", "-", "=", "=", "#", "#" },
	"|", ":", ":",
	">", "=", "#",
	">", " ", "-",
};

static int colour;
static const struct glyphs *glyphs = &ascii_glyphs;

void theme_init(void)
{
	const char *nc = getenv("NO_COLOR");
	const char *cs = nl_langinfo(CODESET);

	glyphs = cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0) ?
		&utf8_glyphs : &ascii_glyphs;
	colour = has_colors() && !(nc && *nc);
	if (!colour)
		return;
	start_color();
	use_default_colors();
	for (int r = 1; r < R_COUNT; r++)
		init_pair((short)r, styles[r].fg, styles[r].bg);
}

int theme_colour(void)
{
	return colour;
}

const struct glyphs *theme_glyphs(void)
{
	return glyphs;
}

attr_t theme_attr(enum role r)
{
	if (!colour)
		return styles[r].mono_attr;
	return styles[r].colour_attr | (r ? COLOR_PAIR(r) : 0);
}

void theme_set(WINDOW *w, enum role r)
{
	wattrset(w, (int)theme_attr(r));
}
