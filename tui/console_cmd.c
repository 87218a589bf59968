/* The ':' command line, and what each command of the key table does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "audio/engine.h"
#include "audio/preset.h"
#include "audio/status.h"
#include "tui/console.h"

static void open_cmdline(struct console *c, const char *text)
{
	c->cl.hist_at = c->cl.nhist;
	c->mo.cmdline = 1;
	snprintf(c->mo.cmd, sizeof c->mo.cmd, "%s", text);
	c->mo.cmd_len = (int)strlen(c->mo.cmd);
	c->pending |= VP_STATUS;
}

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
		c->pending |= VP_ALL;
		break;
	case ACT_MODULE_NEXT: move_module(c, 1); break;
	case ACT_MODULE_PREV: move_module(c, -1); break;
	case ACT_PARAM_NEXT: move_param(c, 1); break;
	case ACT_PARAM_PREV: move_param(c, -1); break;
	case ACT_VALUE_UP: step_value(c, 1, 1); break;
	case ACT_VALUE_DOWN: step_value(c, -1, 1); break;
	case ACT_VALUE_UP_FINE: step_value(c, 1, 0.1); break;
	case ACT_VALUE_DOWN_FINE: step_value(c, -1, 0.1); break;
	case ACT_VALUE_UP_COARSE: step_value(c, 1, 10); break;
	case ACT_VALUE_DOWN_COARSE: step_value(c, -1, 10); break;
	case ACT_VALUE_DEFAULT:
		set_value(c, c->mo.param, param_table[c->mo.param].def);
		break;
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
	case ACT_COUNT: break;
	}
}

static double parse_time(const char *s, int *ok)
{
	double m = 0, sec;
	const char *colon = strchr(s, ':');
	char buf[32];

	*ok = 0;
	if (colon) {
		size_t n = (size_t)(colon - s);
		if (n >= sizeof buf)
			return 0;
		memcpy(buf, s, n);
		buf[n] = 0;
		if (parse_double(buf, &m) != 0)
			return 0;
		s = colon + 1;
	}
	if (parse_double(s, &sec) != 0)
		return 0;
	*ok = 1;
	return m * 60 + sec;
}

static void exec_cmdline(struct console *c, char *line)
{
	char *cmd, *arg, *save;
	char err[ERRLEN];

	cmd = strtok_r(line, " \t", &save);
	if (!cmd)
		return;
	arg = strtok_r(NULL, "", &save);
	while (arg && (*arg == ' ' || *arg == '\t'))
		arg++;
	if (arg) {
		char *end = arg + strlen(arg);
		while (end > arg && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
	}
	logmsg(c, "command: %s %s", cmd, arg ? arg : "");
	c->un.last_edit_id = -1;

	if (!strcmp(cmd, "set")) {
		char assign[300];
		double v[P_COUNT];
		char *sp;
		if (!arg) {
			con_status(c, 1, "usage: set MODULE.PARAM VALUE");
			return;
		}
		snprintf(assign, sizeof assign, "%s", arg);
		sp = strpbrk(assign, " \t");
		if (sp && !strchr(assign, '='))
			*sp = '=';
		memcpy(v, c->mo.v, sizeof v);
		if (param_set_from_string(assign, v, err, sizeof err) != ST_OK) {
			con_status(c, 1, "%s", err);
			return;
		}
		apply_params(c, v, 1);
		char *eq = strchr(assign, '=');
		if (eq)
			*eq = 0;
		int id = param_find_dotted(assign);
		if (eq)
			*eq = '=';
		if (id >= 0 && id != param_bypass(param_table[id].module))
			select_param(c, id);
		con_status(c, 0, "%s", assign);
	} else if (!strcmp(cmd, "save") || !strcmp(cmd, "w")) {
		save_preset(c, arg ? arg : c->mo.preset);
	} else if (!strcmp(cmd, "wq")) {
		save_preset(c, arg ? arg : c->mo.preset);
		if (!c->mo.dirty)
			c->quit = 1;
	} else if (!strcmp(cmd, "load") || !strcmp(cmd, "e")) {
		load_preset(c, arg);
	} else if (!strcmp(cmd, "render")) {
		if (!arg) {
			con_status(c, 1, "usage: render PATH (wav, flac or aiff)");
			return;
		}
		start_job(c, JOB_RENDER, arg, 0);
	} else if (!strcmp(cmd, "target")) {
		double t, I = c->mo.m.integrated_lufs;
		/* "target -14 all": every track, this one first, then the
		 * others in turn in the background. */
		char *all = arg ? strstr(arg, " all") : NULL;
		if (all && strcmp(all, " all") == 0)
			*all = 0;
		else
			all = NULL;
		if (!arg || parse_double(arg, &t) != 0 || t > 0 || t < -40) {
			con_status(c, 1, "usage: target LUFS [all] (e.g. target -14)");
			return;
		}
		if (c->job.kind != JOB_NONE) {
			con_status(c, 1, "a %s is still running", c->job.kind == JOB_RENDER ? "render" : "target search");
			return;
		}
		/* Right away from what the meters measured; then refined by
		 * measuring the whole file through the chain in the background. */
		if (c->mo.have_meters && isfinite(I) && I > -70) {
			double d = c->mo.v[P_LIMITER_DRIVE] + (t - I);
			c->un.last_edit_id = -1;
			set_value(c, P_LIMITER_DRIVE, d);
			con_status(c, 0, "target %.1f: drive %.1f dB from %.1f LUFS measured; refining",
			       t, c->mo.v[P_LIMITER_DRIVE], I);
		}
		if (start_job(c, JOB_TARGET, NULL, t) == 0)
			c->job.target_todo = all ? c->ntracks - 1 : 0;
	} else if (!strcmp(cmd, "bypass")) {
		int m = arg ? module_find(arg) : c->mo.module;
		if (m < 0) {
			con_status(c, 1, "no module '%s' (input hpf eq comp imager limiter output)", arg);
			return;
		}
		int b = param_bypass(m);
		c->un.last_edit_id = -1;
		set_value(c, b, c->mo.v[b] >= 0.5 ? 0 : 1);
	} else if (!strcmp(cmd, "monitor")) {
		for (int m = 0; m < MON_COUNT; m++)
			if (arg && !strcmp(arg, monitor_names[m])) {
				set_monitor(c, m);
				return;
			}
		con_status(c, 1, "monitor: stereo mono side left right small platform");
	} else if (!strcmp(cmd, "seek")) {
		int ok;
		double t = arg ? parse_time(arg, &ok) : 0;
		if (!arg || !ok) {
			con_status(c, 1, "usage: seek SECONDS or M:SS");
			return;
		}
		engine_seek(c->e, t, 0);
	} else if (!strcmp(cmd, "loop")) {
		char *b = arg ? strpbrk(arg, " \t") : NULL;
		int oka = 0, okb = 0;
		if (arg && !strcmp(arg, "off")) {
			c->mo.loop_a = c->mo.loop_b = 0;
		} else if (b) {
			*b++ = 0;
			double ta = parse_time(arg, &oka), tb = parse_time(b + strspn(b, " \t"), &okb);
			if (!oka || !okb || tb <= ta) {
				con_status(c, 1, "usage: loop START END (seconds or M:SS), or loop off");
				return;
			}
			c->mo.loop_a = ta;
			c->mo.loop_b = tb;
		} else {
			con_status(c, 1, "usage: loop START END, or loop off");
			return;
		}
		engine_set_loop(c->e, c->mo.loop_a, c->mo.loop_b);
		c->pending |= VP_HEADER;
	} else if (!strcmp(cmd, "reset")) {
		double v[P_COUNT];
		params_defaults(v);
		apply_params(c, v, 1);
		con_status(c, 0, "every parameter at its default (u undoes)");
	} else if (!strcmp(cmd, "q") || !strcmp(cmd, "quit")) {
		request_quit(c);
	} else if (!strcmp(cmd, "q!")) {
		c->quit = 1;
	} else if (!strcmp(cmd, "next") || !strcmp(cmd, "prev")) {
		switch_track(c, c->cur + (!strcmp(cmd, "next") ? 1 : -1));
	} else if (!strcmp(cmd, "track") || !strcmp(cmd, "copy")) {
		double x;
		int all = !strcmp(cmd, "copy") && arg && !strcmp(arg, "all");
		if (!all && (!arg || parse_double(arg, &x) != 0 || x != floor(x))) {
			con_status(c, 1, "usage: %s", !strcmp(cmd, "track") ? "track N" : "copy all | copy N");
			return;
		}
		if (!strcmp(cmd, "track"))
			switch_track(c, (int)x - 1);
		else
			copy_settings(c, all ? -1 : (int)x - 1);
	} else if (!strcmp(cmd, "ref") || !strcmp(cmd, "reference")) {
		if (!arg)
			set_reference(c, !c->mo.ref_on);
		else if (!strcmp(arg, "on") || !strcmp(arg, "off"))
			set_reference(c, !strcmp(arg, "on"));
		else
			con_status(c, 1, "usage: ref [on|off]");
	} else if (!strcmp(cmd, "help")) {
		run_command(c, ACT_HELP);
	} else if (!strcmp(cmd, "presets")) {
		struct preset_entry *list;
		int n;
		char buf[256] = "presets:";
		if (preset_list(&list, &n, err, sizeof err) != ST_OK) {
			con_status(c, 1, "%s", err);
			return;
		}
		for (int i = 0; i < n; i++) {
			size_t len = strlen(buf);
			snprintf(buf + len, sizeof buf - len, " %s", list[i].name);
		}
		free(list);
		con_status(c, 0, "%s", buf);
	} else {
		con_status(c, 1, "unknown command '%s' (? lists them)", cmd);
	}
}

/* The words the command line understands, for Tab. */
static const char *const cmd_words[] = {
	"set", "save", "load", "render", "target", "bypass", "monitor", "seek",
	"loop", "reset", "presets", "track", "next", "prev", "copy", "ref",
	"help", "w", "wq", "e", "quit", "q!",
};

static void remember(struct console *c, const char *line)
{
	if (!line[0] || (c->cl.nhist && !strcmp(c->cl.hist[c->cl.nhist - 1], line)))
		return;
	if (c->cl.nhist == CMD_HISTORY) {
		memmove(c->cl.hist[0], c->cl.hist[1], sizeof c->cl.hist[0] * (CMD_HISTORY - 1));
		c->cl.nhist--;
	}
	snprintf(c->cl.hist[c->cl.nhist++], sizeof c->cl.hist[0], "%s", line);
}

static void show_line(struct ui_model *mo, const char *text)
{
	snprintf(mo->cmd, sizeof mo->cmd, "%s", text);
	mo->cmd_len = (int)strlen(mo->cmd);
}

/* Up and Down walk the history as in a shell; the line being typed is
 * kept and comes back below the newest entry. */
static void browse(struct console *c, int dir)
{
	int to = c->cl.hist_at + dir;

	if (to < 0 || to > c->cl.nhist)
		return;
	if (c->cl.hist_at == c->cl.nhist)
		snprintf(c->cl.hist_edit, sizeof c->cl.hist_edit, "%s", c->mo.cmd);
	c->cl.hist_at = to;
	show_line(&c->mo, to == c->cl.nhist ? c->cl.hist_edit : c->cl.hist[to]);
}

/* Tab completes the word under the cursor: a command name first, then a
 * parameter for set (and a module for bypass).  With several matches it
 * extends to their common prefix and lists them on the status line. */
static void complete(struct console *c)
{
	struct ui_model *mo = &c->mo;
	char *word = strrchr(mo->cmd, ' ');
	int first = !word;
	const char *cands[P_COUNT + MOD_COUNT + 32];
	char names[P_COUNT][48];
	int n = 0;

	word = word ? word + 1 : mo->cmd;
	if (first) {
		for (size_t i = 0; i < sizeof cmd_words / sizeof *cmd_words; i++)
			cands[n++] = cmd_words[i];
	} else if (!strncmp(mo->cmd, "set ", 4) && word == mo->cmd + 4) {
		for (int i = 0; i < P_COUNT; i++) {
			snprintf(names[i], sizeof names[i], "%s.%s",
				 module_names[param_table[i].module], param_table[i].name);
			cands[n++] = names[i];
		}
	} else if (!strncmp(mo->cmd, "bypass ", 7) && word == mo->cmd + 7) {
		for (int m = 0; m < MOD_COUNT; m++)
			cands[n++] = module_names[m];
	} else {
		return;
	}

	size_t wl = strlen(word), common = 0;
	int hits = 0;
	const char *one = NULL;
	char list[sizeof mo->cmd_hint] = "";
	for (int i = 0; i < n; i++) {
		if (strncmp(cands[i], word, wl))
			continue;
		if (!hits++) {
			one = cands[i];
			common = strlen(one);
		} else {
			size_t k = 0;
			while (k < common && one[k] == cands[i][k])
				k++;
			common = k;
		}
		size_t len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%s", len ? " " : "", cands[i]);
	}
	if (!hits)
		return;
	size_t at = (size_t)(word - mo->cmd);
	char next[sizeof mo->cmd];
	snprintf(next, sizeof next, "%.*s%.*s%s", (int)at, mo->cmd, (int)common, one,
		 hits == 1 ? " " : "");
	show_line(mo, next);
	if (hits > 1)
		snprintf(mo->cmd_hint, sizeof mo->cmd_hint, "%s", list);
}

void cmdline_key(struct console *c, int ch)
{
	struct ui_model *mo = &c->mo;

	c->pending |= VP_STATUS;
	mo->cmd_hint[0] = 0;
	if (ch == 27 || ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && mo->cmd_len == 0)) {
		mo->cmdline = 0;
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		char line[sizeof mo->cmd];
		memcpy(line, mo->cmd, sizeof line);
		mo->cmdline = 0;
		mo->status[0] = 0;
		remember(c, line);
		exec_cmdline(c, line);
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		mo->cmd[--mo->cmd_len] = 0;
	} else if (ch == KEY_UP || ch == KEY_DOWN) {
		browse(c, ch == KEY_UP ? -1 : 1);
	} else if (ch == '\t') {
		complete(c);
	} else if (ch == ('u' & 0x1f)) {
		mo->cmd_len = 0;
		mo->cmd[0] = 0;
	} else if (ch >= 32 && ch < 127 && mo->cmd_len < (int)sizeof mo->cmd - 1) {
		mo->cmd[mo->cmd_len++] = (char)ch;
		mo->cmd[mo->cmd_len] = 0;
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
	apply_params(c, v, 1);
	snprintf(c->mo.preset, sizeof c->mo.preset, "%s", pname);
	memcpy(c->saved_v, v, sizeof c->saved_v);
	changed(c);
	con_status(c, 0, "loaded %s (%s)", pname, path);
}
