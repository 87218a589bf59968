/* Parameter values as the strips, the undo messages and the help show
 * them: curses-free, so the model can use it. */
#include <stdio.h>
#include <string.h>

#include "tui/ui_view.h"

void view_format_value(int id, double val, char *buf, int size)
{
	const struct param_desc *d = &param_table[id];
	const char *u = d->unit;

	if (d->flags & PF_SWITCH && d->module == MOD_EQ && val >= EQ_STEREO && val <= EQ_SIDE)
		snprintf(buf, (size_t)size, "%s", (const char *[]){ "stereo", "mid", "side" }[(int)val]);
	else if (d->flags & PF_SWITCH)
		snprintf(buf, (size_t)size, "%.0f", val);
	else if (strcmp(u, "Hz") == 0) {
		if (val >= 10000)
			snprintf(buf, (size_t)size, "%.1fk", val / 1000);
		else if (val >= 1000)
			snprintf(buf, (size_t)size, "%.2fk", val / 1000);
		else if (val < 100 && (d->flags & PF_LOG))
			snprintf(buf, (size_t)size, "%.1f", val);
		else
			snprintf(buf, (size_t)size, "%.0f", val);
	} else if (strcmp(u, "ms") == 0) {
		snprintf(buf, (size_t)size, val < 1 ? "%.2f" : val < 100 ? "%.1f" : "%.0f", val);
	} else if (strcmp(u, ":1") == 0) {
		snprintf(buf, (size_t)size, "%.1f", val);
	} else if (d->flags & PF_LOG) {
		snprintf(buf, (size_t)size, val < 10 ? "%.2f" : "%.1f", val);
	} else if (d->step < 1) {
		/* Gains read better signed: +1.5 dB boost, -1.5 dB cut. */
		snprintf(buf, (size_t)size, d->min < 0 && d->max > 0 ? "%+.1f" : "%.1f", val);
	} else {
		snprintf(buf, (size_t)size, "%.0f", val);
	}
	/* Never a locale comma (only LC_CTYPE is set, but be sure). */
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
}

/* The modules laid out as grids: bands in columns, a band's parameters
 * in rows (the EQ's five bands, the multiband's three). */
int param_grid(int module, struct param_grid *g)
{
	memset(g, 0, sizeof *g);
	if (module == MOD_EQ)
		*g = (struct param_grid){ EQ_BANDS, P_EQ_BAND(0), EQB_COUNT };
	else if (module == MOD_MBCOMP)
		*g = (struct param_grid){ MB_BANDS, P_MB_BAND(0), MBB_COUNT };
	return g->bands > 0;
}

int grid_pos(int id, int *band, int *row)
{
	struct param_grid g;

	if (id < 0 || id >= P_COUNT || !param_grid(param_table[id].module, &g) ||
	    id < g.first || id >= g.first + g.bands * g.size)
		return -1;
	*band = (id - g.first) / g.size;
	*row = (id - g.first) % g.size;
	return 0;
}

void grid_band_name(int id, char *buf, int size)
{
	const char *n = param_table[id].name, *us = strchr(n, '_');
	snprintf(buf, (size_t)size, "%.*s", us ? (int)(us - n) : (int)strlen(n), n);
}

/* "dyn_threshold" -> "dyn thr": at most max columns. */
void grid_row_name(int id, char *buf, int size, int max)
{
	const char *n = param_table[id].name, *us = strchr(n, '_');
	char *t;

	snprintf(buf, (size_t)size, "%s", us ? us + 1 : n);
	static const char *const longer[] = { "threshold", "attack", "release" };
	for (int i = 0; i < 3 && (int)strlen(buf) > max; i++)
		if ((t = strstr(buf, longer[i])))
			memmove(t + 3, t + strlen(longer[i]), strlen(t + strlen(longer[i])) + 1);
	for (t = buf; *t; t++)
		if (*t == '_')
			*t = ' ';
	if ((int)strlen(buf) > max)
		buf[max] = 0;
}

const char *view_short_path(const char *path, char *buf, int size, int max)
{
	if ((int)strlen(path) <= max)
		return path;
	const char *base = strrchr(path, '/');
	base = base && base[1] ? base + 1 : path;
	int n = (int)strlen(base);
	if (n > max - 4) {
		const char *end = base + n - (max - 7 > 1 ? max - 7 : 1);
		while ((*end & 0xc0) == 0x80)
			end++;   /* not from inside a UTF-8 character */
		snprintf(buf, (size_t)size, ".../...%s", end);
	} else
		snprintf(buf, (size_t)size, ".../%s", base);
	return buf;
}
