/* What each command of the key table does, and presets saved and loaded. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "audio/engine.h"
#include "audio/preset.h"
#include "audio/status.h"
#include "tui/console.h"

/* The monitor keys map onto enum monitor by offset: same order, same count. */
#define SAME_MON(a, m) _Static_assert(ACT_MON_##a - ACT_MON_STEREO == MON_##m - MON_STEREO, \
				      "ACT_MON_" #a " and MON_" #m " out of step")
SAME_MON(MONO, MONO);
SAME_MON(SIDE, SIDE);
SAME_MON(LEFT, LEFT);
SAME_MON(RIGHT, RIGHT);
SAME_MON(SMALL, SMALL);
SAME_MON(PLATFORM, PLATFORM);
_Static_assert(ACT_MON_PLATFORM - ACT_MON_STEREO == MON_COUNT - 1, "a monitor mode has no key command");

void run_command(struct console *c, enum command cmd)
{
	/* Only an unbroken run of steps on one parameter is one undo step. */
	if (cmd < ACT_VALUE_UP || cmd > ACT_VALUE_DOWN_COARSE)
		c->un.last_edit_id = -1;
	switch (cmd) {
	case ACT_NONE: break;
	case ACT_QUIT: request_quit(c); break;
	case ACT_HELP:
		c->mo.help = !c->mo.help;
		c->mo.help_top = 0;
		c->pending |= VP_ALL;
		break;
	case ACT_COMMAND: open_cmdline(c, ""); break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		c->pending |= VP_ALL | VP_CLEAR;
		break;
	case ACT_MODULE_NEXT: move_module(c, 1); break;
	case ACT_MODULE_PREV: move_module(c, -1); break;
	case ACT_PARAM_NEXT: move_param(c, 1); break;
	case ACT_PARAM_PREV: move_param(c, -1); break;
	case ACT_BAND_NEXT: move_band(c, 1); break;
	case ACT_BAND_PREV: move_band(c, -1); break;
	case ACT_VALUE_UP: step_value(c, 1, 1); break;
	case ACT_VALUE_DOWN: step_value(c, -1, 1); break;
	case ACT_VALUE_UP_FINE: step_value(c, 1, 0.1); break;
	case ACT_VALUE_DOWN_FINE: step_value(c, -1, 0.1); break;
	case ACT_VALUE_UP_COARSE: step_value(c, 1, 10); break;
	case ACT_VALUE_DOWN_COARSE: step_value(c, -1, 10); break;
	case ACT_VALUE_DEFAULT:
		set_value(c, c->mo.param, param_table[c->mo.param].def);
		break;
	case ACT_VALUE_EDIT: edit_open(c); break;
	case ACT_BYPASS: {
		int b = param_bypass(c->mo.module);
		c->un.last_edit_id = -1;
		set_value(c, b, c->mo.v[b] >= 0.5 ? 0 : 1);
		con_status(c, 0, "%s %s", module_names[c->mo.module], c->mo.v[b] >= 0.5 ? "bypassed" : "in");
		break;
	}
	case ACT_AB:
		if (!c->mo.ab && c->mo.ref_on)
			set_reference(c, 0);
		c->mo.ab = !c->mo.ab;
		engine_set_ab(c->e, c->mo.ab);
		if (c->mo.ab && c->mo.have_meters && isfinite(c->mo.m.ab_offset_db))
			/* The dry mix is turned to the master's loudness: say by how much. */
			con_status(c, 0, "A/B: dry mix, %s %.1f dB to match the master",
				   c->mo.m.ab_offset_db >= 0 ? "raised" : "turned down", fabs(c->mo.m.ab_offset_db));
		else
			con_status(c, 0, c->mo.ab ? "A/B: dry mix, matched in loudness" : "A/B: processed");
		break;
	case ACT_PLAY_PAUSE: engine_toggle(c->e); c->pending |= VP_HEADER; break;
	case ACT_STOP: engine_stop(c->e); c->pending |= VP_HEADER; break;
	case ACT_SEEK_FWD: engine_seek(c->e, 5, 1); break;
	case ACT_SEEK_BACK: engine_seek(c->e, -5, 1); break;
	case ACT_SEEK_FWD_LONG: engine_seek(c->e, 30, 1); break;
	case ACT_SEEK_BACK_LONG: engine_seek(c->e, -30, 1); break;
	case ACT_SEEK_START: engine_seek(c->e, 0, 0); break;
	case ACT_LOOP_IN:
		c->mo.loop_a = con_position(c);
		if (c->mo.loop_b <= c->mo.loop_a)
			c->mo.loop_b = 0;
		engine_set_loop(c->e, c->mo.loop_a, c->mo.loop_b);
		con_status(c, 0, "loop start %.1f s; set the end with the loop_out key", c->mo.loop_a);
		c->pending |= VP_HEADER;
		break;
	case ACT_LOOP_OUT:
		if (con_position(c) <= c->mo.loop_a) {
			con_status(c, 1, "the loop end must come after its start");
			break;
		}
		c->mo.loop_b = con_position(c);
		engine_set_loop(c->e, c->mo.loop_a, c->mo.loop_b);
		/* The end is where the playhead is: back to the start now, as a
		 * DAW does (the engine loops only when its input reaches the end,
		 * and the input is already past it). */
		engine_seek(c->e, c->mo.loop_a, 0);
		con_status(c, 0, "loop %.1f-%.1f s", c->mo.loop_a, c->mo.loop_b);
		c->pending |= VP_HEADER;
		break;
	case ACT_LOOP_CLEAR:
		c->mo.loop_a = c->mo.loop_b = 0;
		engine_set_loop(c->e, 0, 0);
		c->pending |= VP_HEADER;
		break;
	case ACT_MON_STEREO: case ACT_MON_MONO: case ACT_MON_SIDE: case ACT_MON_LEFT:
	case ACT_MON_RIGHT: case ACT_MON_SMALL: case ACT_MON_PLATFORM:
		set_monitor(c, MON_STEREO + (cmd - ACT_MON_STEREO));
		break;
	case ACT_MON_CYCLE: set_monitor(c, (c->mo.monitor + 1) % MON_COUNT); break;
	case ACT_UNDO: undo_redo(c, 0); break;
	case ACT_REDO: undo_redo(c, 1); break;
	case ACT_SAVE:
		if (c->mo.preset[0])
			save_preset(c, c->mo.preset);
		else
			open_cmdline(c, "save ");
		break;
	case ACT_TRACK_NEXT: switch_track(c, c->cur + 1); break;
	case ACT_TRACK_PREV: switch_track(c, c->cur - 1); break;
	case ACT_REFERENCE: set_reference(c, !c->mo.ref_on); break;
	case ACT_COPY_ALL: copy_settings(c, -1); break;
	case ACT_VIEW_NEXT: next_lower_view(c); break;
	case ACT_SOLO_BAND: {
		int b = -1, row;
		if (c->mo.module == MOD_MBCOMP && grid_pos(c->mo.param, &b, &row) == 0 && b >= 0)
			set_solo(c, c->mo.mb_solo == b ? -1 : b);
		else if (c->mo.mb_solo >= 0)
			set_solo(c, -1);
		else
			con_status(c, 1, "solo: select a band of the multiband (mbcomp), then o");
		break;
	}
	case ACT_PLAYED_RESET:
		played_reset(c);
		con_status(c, 0, "played loudness: counting afresh from here (I stays the whole track's)");
		break;
	case ACT_COUNT: break;
	}
}

void save_preset(struct console *c, const char *name)
{
	char path[4096], err[ERRLEN];

	if (!name || !*name) {
		con_status(c, 1, "save needs a name: :save NAME");
		return;
	}
	if (preset_user_path(name, path, sizeof path, 1, err, sizeof err) != ST_OK ||
	    preset_save(path, c->mo.v, name, c->notes, err, sizeof err) != ST_OK) {
		con_status(c, 1, "%s", err);
		return;
	}
	snprintf(c->mo.preset, sizeof c->mo.preset, "%s", name);
	memcpy(c->saved_v, c->mo.v, sizeof c->saved_v);
	changed(c);
	con_status(c, 0, "saved %s", path);
}

void load_preset(struct console *c, const char *name)
{
	char path[4096], err[ERRLEN], pname[PRESET_NAME_MAX];
	double v[P_COUNT];

	if (!name || !*name) {
		con_status(c, 1, "load needs a name or a path: :load NAME");
		return;
	}
	if (preset_resolve(name, path, sizeof path, err, sizeof err) != ST_OK ||
	    preset_load(path, v, pname, sizeof pname, c->notes, sizeof c->notes,
			err, sizeof err) != ST_OK) {
		con_status(c, 1, "%s", err);
		return;
	}
	double before[P_COUNT];
	char what[200];
	memcpy(before, c->mo.v, sizeof before);
	apply_params(c, v, 1);
	snprintf(c->mo.preset, sizeof c->mo.preset, "%s", pname);
	memcpy(c->saved_v, v, sizeof c->saved_v);
	changed(c);
	/* What it changed: as many values named as an 80-column status line
	 * holds (the log has them all); the rest is u away. */
	char all[4096], line[300];
	int n = describe_changes(before, c->mo.v, all, sizeof all, P_COUNT);
	if (n)
		logmsg(c, "load %s (%s): %s", pname, path, all);
	for (int show = 3; n && show >= 1; show--) {
		describe_changes(before, c->mo.v, what, sizeof what, show);
		snprintf(line, sizeof line, "loaded %s: %d change%s: %s", pname, n, n == 1 ? "" : "s", what);
		if (strlen(line) <= 70 || show == 1)
			break;
	}
	if (n)
		con_status(c, 0, "%s", line);
	else
		con_status(c, 0, "loaded %s (%s): no value changed", pname, path);
}
