/* Typing a value: Enter on the selected parameter opens a field holding
 * its value as a plain number; Enter sets what was typed (clamped to the
 * table's range, saying so when it was out of it) as one undo step, Esc
 * leaves the value as it was.  Curses-free: the model's unit test types
 * into it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/console.h"

static void param_label(int id, char *buf, int size)
{
	snprintf(buf, (size_t)size, "%s.%s", module_names[param_table[id].module], param_table[id].name);
}

void edit_open(struct console *c)
{
	struct ui_model *mo = &c->mo;
	int id = mo->param;

	if (id < 0 || id >= P_COUNT)
		return;
	mo->edit = 1;
	mo->edit_id = id;
	mo->edit_fresh = 1;
	/* The number as the INI file and --set take it, not the strip's
	 * rounded, unit-scaled text ("10.0k"). */
	format_double(mo->edit_text, sizeof mo->edit_text, mo->v[id]);
	mo->edit_len = (int)strlen(mo->edit_text);
	mo->status[0] = 0;
	c->pending |= VP_STATUS | VP_STRIPS;
}

static void edit_close(struct console *c)
{
	c->mo.edit = 0;
	c->pending |= VP_STATUS | VP_STRIPS;
}

/* Enter: set the value, or say why not and leave the field open. */
static void edit_commit(struct console *c)
{
	struct ui_model *mo = &c->mo;
	const struct param_desc *d = &param_table[mo->edit_id];
	int id = mo->edit_id;
	char name[64], lo[32], hi[32], was[32], now[32];
	double x, old = mo->v[id];

	param_label(id, name, sizeof name);
	format_double(lo, sizeof lo, d->min);
	format_double(hi, sizeof hi, d->max);
	if (parse_double(mo->edit_text, &x) != 0) {
		con_status(c, 1, "%s: '%s' is not a number", name, mo->edit_text);
		mo->edit_fresh = 1;
		return;
	}
	edit_close(c);
	double v = param_clamp(id, x);
	/* Its own undo step, even right after arrow steps of the same value. */
	c->un.last_edit_id = -1;
	set_value(c, id, v);
	c->un.last_edit_id = -1;
	view_format_value(id, old, was, sizeof was);
	view_format_value(id, mo->v[id], now, sizeof now);
	if (x < d->min || x > d->max)
		con_status(c, 1, "%s: %s is out of range (%s to %s%s%s): set to %s", name, mo->edit_text, lo,
			   hi, d->unit[0] ? " " : "", d->unit, now);
	else if (mo->v[id] == old)
		con_status(c, 0, "%s stays %s%s", name, now, d->unit);
	else
		con_status(c, 0, "%s %s -> %s%s (u undoes)", name, was, now, d->unit);
}

void edit_key(struct console *c, int ch)
{
	struct ui_model *mo = &c->mo;

	c->pending |= VP_STATUS;
	if (mo->status_error)
		mo->status[0] = 0;   /* a refusal is answered by the next key */
	if (ch == 27) {
		char name[64];
		param_label(mo->edit_id, name, sizeof name);
		edit_close(c);
		con_status(c, 0, "%s: unchanged", name);
	} else if (ch == '\n' || ch == '\r' || ch == KEY_CODE_ENTER) {
		edit_commit(c);
	} else if (ch == KEY_CODE_BACKSPACE || ch == 127 || ch == 8) {
		if (mo->edit_fresh)
			mo->edit_len = 0;
		else if (mo->edit_len > 0)
			mo->edit_len--;
		mo->edit_text[mo->edit_len] = 0;
		mo->edit_fresh = 0;
	} else if (ch == ('u' & 0x1f)) {
		mo->edit_len = 0;
		mo->edit_text[0] = 0;
		mo->edit_fresh = 0;
	} else if (ch > 32 && ch < 127) {
		/* The first key typed replaces the value shown, as in a
		 * selected field; keys after it add to it. */
		if (mo->edit_fresh)
			mo->edit_len = 0;
		mo->edit_fresh = 0;
		if (mo->edit_len < (int)sizeof mo->edit_text - 1)
			mo->edit_text[mo->edit_len++] = (char)ch;
		mo->edit_text[mo->edit_len] = 0;
	}
}
