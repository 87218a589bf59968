/* Parameter values as the strips, the undo messages and the help show
 * them: curses-free, so the model can use it. */
#include <stdio.h>
#include <string.h>

#include "tui/ui_view.h"

void view_format_value(int id, double val, char *buf, int size)
{
	const struct param_desc *d = &param_table[id];
	const char *u = d->unit;

	if (d->flags & PF_SWITCH)
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
