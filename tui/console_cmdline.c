/* The ':' command line: one table of commands (name, arguments, help,
 * what Tab completes, handler), as tmux's cmd_entry, drives execution,
 * completion and the help page; history as in a shell. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "audio/engine.h"
#include "audio/preset.h"
#include "audio/status.h"
#include "tui/console.h"
#include "tui/ui_lower.h"
#include "tui/platforms.h"
#include "tui/suggest.h"

/* What Tab completes after the command's name. */
enum complete_kind { CPL_NONE, CPL_PARAM, CPL_MODULE, CPL_MONITOR, CPL_PRESET, CPL_WORDS };

struct cmd_entry {
	const char *name;
	const char *alias;           /* a short form, or NULL */
	const char *args;            /* as the help shows them */
	const char *help;
	enum complete_kind complete;
	const char *words;           /* CPL_WORDS: the words, space-separated */
	void (*exec)(struct console *c, char *arg);
};

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
	/* Range-checked before anything converts it to frames: 1e19 s
	 * overflows an int64 frame count.  No track is longer than a day. */
	if (m < 0 || sec < 0 || m * 60 + sec > 86400)
		return 0;
	*ok = 1;
	return m * 60 + sec;
}

static void cx_set(struct console *c, char *arg)
{
	char assign[300], err[ERRLEN];
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
}

static void cx_save(struct console *c, char *arg)
{
	save_preset(c, arg ? arg : c->mo.preset);
}

static void cx_wq(struct console *c, char *arg)
{
	save_preset(c, arg ? arg : c->mo.preset);
	if (!c->mo.dirty)
		c->quit = 1;
}

static void cx_load(struct console *c, char *arg)
{
	load_preset(c, arg);
}

static void cx_presets(struct console *c, char *arg)
{
	struct preset_entry *list;
	char buf[256] = "presets:", err[ERRLEN];
	int n;

	(void)arg;
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
}

static void cx_reset(struct console *c, char *arg)
{
	double v[P_COUNT];

	(void)arg;
	params_defaults(v);
	apply_params(c, v, 1);
	con_status(c, 0, "every parameter at its default (u undoes)");
}

static void cx_render(struct console *c, char *arg)
{
	if (!arg) {
		con_status(c, 1, c->have_album ? "usage: render PATH (this track: wav, flac or aiff) or render DIR (every track)" :
			   "usage: render PATH (wav, flac or aiff)");
		return;
	}
	if (album_render_wanted(c, arg))
		album_render_start(c, arg);
	else
		start_job(c, JOB_RENDER, arg, 0);
}

static void cx_solo(struct console *c, char *arg)
{
	int b = arg ? solo_band_named(arg) : -2;

	if (b == -2)
		con_status(c, 1, "usage: solo low|mid|high|off (a multiband band alone, for listening)");
	else
		set_solo(c, b);
}

static void cx_cancel(struct console *c, char *arg)
{
	(void)arg;
	if (c->job.kind == JOB_NONE) {
		con_status(c, 1, "nothing runs in the background");
		return;
	}
	atomic_store(&c->job.cancel, 1);
	if (c->job.kind == JOB_ALBUM)
		album_render_cancel();
	con_status(c, 0, "cancelling the background %s", c->job.kind == JOB_TARGET ? "search" : "render");
}

static void cx_target(struct console *c, char *arg)
{
	double t;
	/* "target -14 all": every track, this one first, then the others in
	 * turn in the background. */
	char *all = arg ? strstr(arg, " all") : NULL;

	if (all && strcmp(all, " all") == 0)
		*all = 0;
	else
		all = NULL;
	if (!arg || parse_double(arg, &t) != 0 || t > TARGET_LUFS_MAX || t < TARGET_LUFS_MIN) {
		con_status(c, 1, "usage: target LUFS [all] (%.0f to %.0f, e.g. target -14)",
			   TARGET_LUFS_MIN, TARGET_LUFS_MAX);
		return;
	}
	if (c->job.kind != JOB_NONE) {
		con_status(c, 1, "a %s is still running", c->job.kind == JOB_TARGET ? "target search" : "render");
		return;
	}
	/* What is heard moves once, to the result: the search measures the
	 * whole file through the chain in the background, and a first guess
	 * played meanwhile would be a jump of several dB. */
	if (start_job(c, JOB_TARGET, NULL, t) == 0) {
		c->job.target_todo = all ? c->ntracks - 1 : 0;
		con_status(c, 0, "target %.1f: searching the drive in the background (a change of settings cancels it)", t);
	}
}

static void cx_bypass(struct console *c, char *arg)
{
	int m = arg ? module_find(arg) : c->mo.module;

	if (m < 0) {
		con_status(c, 1, "no module '%s' (input hpf eq comp imager limiter output)", arg);
		return;
	}
	int b = param_bypass(m);
	c->un.last_edit_id = -1;
	set_value(c, b, c->mo.v[b] >= 0.5 ? 0 : 1);
}

static void cx_monitor(struct console *c, char *arg)
{
	for (int m = 0; m < MON_COUNT; m++)
		if (arg && !strcmp(arg, monitor_names[m])) {
			set_monitor(c, m);
			return;
		}
	con_status(c, 1, "monitor: stereo mono side left right small platform");
}

static void cx_seek(struct console *c, char *arg)
{
	int ok = 0;
	double t = arg ? parse_time(arg, &ok) : 0;

	if (!arg || !ok) {
		con_status(c, 1, "usage: seek SECONDS or M:SS");
		return;
	}
	engine_seek(c->e, t, 0);
}

static void cx_spectrum(struct console *c, char *arg)
{
	const char *msg = view_spectrum_command(arg);

	con_status(c, !strncmp(msg, "usage", 5), "%s", msg);
}

static void cx_loop(struct console *c, char *arg)
{
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
	/* A loop ending at or before the playhead starts over at once. */
	if (c->mo.loop_b > c->mo.loop_a && con_position(c) >= c->mo.loop_b - 0.05)
		engine_seek(c->e, c->mo.loop_a, 0);
	c->pending |= VP_HEADER;
}

static void cx_next(struct console *c, char *arg)
{
	(void)arg;
	switch_track(c, c->cur + 1);
}

static void cx_prev(struct console *c, char *arg)
{
	(void)arg;
	switch_track(c, c->cur - 1);
}

static int track_number(struct console *c, const char *arg, const char *usage, int *out)
{
	double x;

	if (!arg || parse_double(arg, &x) != 0 || x != floor(x) || fabs(x) > 1e6) {
		con_status(c, 1, "usage: %s", usage);
		return -1;
	}
	*out = (int)x - 1;
	return 0;
}

static void cx_track(struct console *c, char *arg)
{
	int i;
	if (track_number(c, arg, "track N", &i) == 0)
		switch_track(c, i);
}

static void cx_copy(struct console *c, char *arg)
{
	int i;
	if (arg && !strcmp(arg, "all"))
		copy_settings(c, -1);
	else if (track_number(c, arg, "copy all | copy N", &i) == 0)
		copy_settings(c, i);
}

static void cx_ref(struct console *c, char *arg)
{
	if (!arg)
		set_reference(c, !c->mo.ref_on);
	else if (!strcmp(arg, "on") || !strcmp(arg, "off"))
		set_reference(c, !strcmp(arg, "on"));
	else
		con_status(c, 1, "usage: ref [on|off]");
}

static void cx_codec(struct console *c, char *arg)
{
	con_codec_listen(c, arg);
}

static void cx_help(struct console *c, char *arg)
{
	(void)arg;
	run_command(c, ACT_HELP);
}

static void cx_quit(struct console *c, char *arg)
{
	(void)arg;
	request_quit(c);
}

static void cx_quit_now(struct console *c, char *arg)
{
	(void)arg;
	c->quit = 1;
}

static const struct cmd_entry cmds[] = {
	{ "set", NULL, "MOD.PARAM VALUE", "set a value", CPL_PARAM, NULL, cx_set },
	{ "save", "w", "[NAME]", "save a preset", CPL_PRESET, NULL, cx_save },
	{ "wq", NULL, "[NAME]", "save the preset and quit", CPL_PRESET, NULL, cx_wq },
	{ "load", "e", "NAME|PATH", "load a preset", CPL_PRESET, NULL, cx_load },
	{ "presets", NULL, "", "list the presets", CPL_NONE, NULL, cx_presets },
	{ "reset", NULL, "", "every value to default", CPL_NONE, NULL, cx_reset },
	{ "render", NULL, "PATH|DIR", "render offline (DIR: the album)", CPL_NONE, NULL, cx_render },
	{ "cancel", NULL, "", "stop the background job", CPL_NONE, NULL, cx_cancel },
	{ "target", NULL, "LUFS [all]", "land on a loudness", CPL_WORDS, "-14 -16 -9 all", cx_target },
	{ "bypass", NULL, "[MODULE]", "bypass a module", CPL_MODULE, NULL, cx_bypass },
	{ "monitor", NULL, "MODE", "listen mono, side...", CPL_MONITOR, NULL, cx_monitor },
	{ "solo", NULL, "low|mid|high|off", "hear one multiband band", CPL_WORDS, "low mid high off", cx_solo },
	{ "seek", NULL, "M:SS", "go to a time", CPL_NONE, NULL, cx_seek },
	{ "spectrum", NULL, "pre|post|fast|slow", "spectrum view: input or output, bar speed", CPL_WORDS,
	  "pre post fast slow", cx_spectrum },
	{ "loop", NULL, "A B|off", "loop from A to B", CPL_WORDS, "off", cx_loop },
	{ "next", NULL, "", "next track", CPL_NONE, NULL, cx_next },
	{ "prev", NULL, "", "previous track", CPL_NONE, NULL, cx_prev },
	{ "track", NULL, "N", "go to track N", CPL_NONE, NULL, cx_track },
	{ "copy", NULL, "all|N", "settings to tracks", CPL_WORDS, "all", cx_copy },
	{ "ref", "reference", "[on|off]", "master / reference", CPL_WORDS, "on off", cx_ref },
	{ "codec", NULL, "mp3|opus[:K]|off", "hear the master's decode", CPL_WORDS, "mp3 opus off", cx_codec },
	{ "help", NULL, "", "this help", CPL_NONE, NULL, cx_help },
	{ "quit", "q", "", "quit (asks if unsaved)", CPL_NONE, NULL, cx_quit },
	{ "q!", NULL, "", "quit, dropping tweaks", CPL_NONE, NULL, cx_quit_now },
};
#define NCMDS ((int)(sizeof cmds / sizeof cmds[0]))

static const struct cmd_entry *find_cmd(const char *name)
{
	for (int i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name) || (cmds[i].alias && !strcmp(cmds[i].alias, name)))
			return &cmds[i];
	return NULL;
}

/* The help page's lines, from the table. */
static char help_lines[NCMDS][64];
static const char *help_ptrs[NCMDS];

void cmdline_help_lines(const char *const **out, int *n)
{
	for (int i = 0; i < NCMDS; i++) {
		char head[40];
		snprintf(head, sizeof head, ":%s%s%s %s", cmds[i].name, cmds[i].alias ? "|" : "",
			 cmds[i].alias ? cmds[i].alias : "", cmds[i].args);
		snprintf(help_lines[i], sizeof help_lines[i], "%-21s %s", head, cmds[i].help);
		help_ptrs[i] = help_lines[i];
	}
	*out = help_ptrs;
	*n = NCMDS;
}

static void exec_cmdline(struct console *c, char *line)
{
	char *cmd, *arg, *save;

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
		if (!*arg)
			arg = NULL;
	}
	logmsg(c, "command: %s %s", cmd, arg ? arg : "");
	c->un.last_edit_id = -1;
	const struct cmd_entry *e = find_cmd(cmd);
	if (e) {
		e->exec(c, arg);
		return;
	}
	const char *names[2 * NCMDS];
	int n = 0;
	for (int i = 0; i < NCMDS; i++) {
		names[n++] = cmds[i].name;
		if (cmds[i].alias)
			names[n++] = cmds[i].alias;
	}
	const char *near = suggest_word(cmd, names, n);
	if (near)
		con_status(c, 1, "unknown command '%s': did you mean %s? (? lists them)", cmd, near);
	else
		con_status(c, 1, "unknown command '%s' (? lists them)", cmd);
}

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

#define MAX_CANDS (P_COUNT + 256)

/* The candidates for the second word of a command line starting with the
 * entry e; names is scratch for the ones that need building. */
static int candidates(const struct cmd_entry *e, const char **cands, char (*names)[PRESET_NAME_MAX + 8],
		      struct preset_entry **presets)
{
	int n = 0;

	switch (e->complete) {
	case CPL_PARAM:
		for (int i = 0; i < P_COUNT && n < MAX_CANDS; i++) {
			snprintf(names[n], sizeof names[n], "%s.%s",
				 module_names[param_table[i].module], param_table[i].name);
			cands[n] = names[n];
			n++;
		}
		break;
	case CPL_MODULE:
		for (int m = 0; m < MOD_COUNT; m++)
			cands[n++] = module_names[m];
		break;
	case CPL_MONITOR:
		for (int m = 0; m < MON_COUNT; m++)
			cands[n++] = monitor_names[m];
		break;
	case CPL_PRESET: {
		char err[ERRLEN];
		int np = 0;
		if (preset_list(presets, &np, err, sizeof err) != ST_OK)
			break;
		for (int i = 0; i < np && n < MAX_CANDS; i++)
			cands[n++] = (*presets)[i].name;
		break;
	}
	case CPL_WORDS: {
		const char *w = e->words;
		while (*w && n < MAX_CANDS) {
			size_t len = strcspn(w, " ");
			snprintf(names[n], sizeof names[n], "%.*s", (int)len, w);
			cands[n] = names[n];
			n++;
			w += len;
			w += strspn(w, " ");
		}
		break;
	}
	case CPL_NONE:
		break;
	}
	return n;
}

/* Tab completes the word under the cursor: a command name first, then
 * what the command's table row says.  With several matches it extends to
 * their common prefix and lists them after the line. */
static void complete(struct console *c)
{
	struct ui_model *mo = &c->mo;
	char *word = strrchr(mo->cmd, ' ');
	static const char *cands[MAX_CANDS];
	static char names[MAX_CANDS][PRESET_NAME_MAX + 8];
	struct preset_entry *presets = NULL;
	int n = 0;

	if (!word) {
		word = mo->cmd;
		for (int i = 0; i < NCMDS; i++)
			cands[n++] = cmds[i].name;
	} else {
		char name[32];
		size_t len = strcspn(mo->cmd, " ");
		word++;
		snprintf(name, sizeof name, "%.*s", (int)(len < 31 ? len : 31), mo->cmd);
		const struct cmd_entry *e = find_cmd(name);
		/* Only the first argument completes (target's "all" is the second). */
		if (!e || (strchr(mo->cmd + len + 1, ' ') && e->complete != CPL_WORDS))
			return;
		n = candidates(e, cands, names, &presets);
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
	if (hits) {
		size_t at = (size_t)(word - mo->cmd);
		char next[sizeof mo->cmd];
		snprintf(next, sizeof next, "%.*s%.*s%s", (int)at, mo->cmd, (int)common, one,
			 hits == 1 ? " " : "");
		show_line(mo, next);
		if (hits > 1)
			snprintf(mo->cmd_hint, sizeof mo->cmd_hint, "%s", list);
	}
	free(presets);
}

void open_cmdline(struct console *c, const char *text)
{
	c->cl.hist_at = c->cl.nhist;
	c->mo.cmdline = 1;
	snprintf(c->mo.cmd, sizeof c->mo.cmd, "%s", text);
	c->mo.cmd_len = (int)strlen(c->mo.cmd);
	c->pending |= VP_STATUS;
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
		/* A whole UTF-8 character: its continuation bytes, then its lead. */
		while (mo->cmd_len > 1 && (mo->cmd[mo->cmd_len - 1] & 0xc0) == 0x80)
			mo->cmd[--mo->cmd_len] = 0;
		mo->cmd[--mo->cmd_len] = 0;
	} else if (ch == KEY_UP || ch == KEY_DOWN) {
		browse(c, ch == KEY_UP ? -1 : 1);
	} else if (ch == '\t') {
		complete(c);
	} else if (ch == ('u' & 0x1f)) {
		mo->cmd_len = 0;
		mo->cmd[0] = 0;
	} else if (ch >= 32 && ch < 256 && ch != 127) {
		/* Bytes of 0x80 and up are UTF-8 as the terminal sends it (a
		 * file name with an accent); the line shows them through putn,
		 * which prints broken sequences as '?'. */
		if (mo->cmd_len < (int)sizeof mo->cmd - 1) {
			mo->cmd[mo->cmd_len++] = (char)ch;
			mo->cmd[mo->cmd_len] = 0;
		} else {
			snprintf(mo->cmd_hint, sizeof mo->cmd_hint, "(line full: %d bytes)", mo->cmd_len);
		}
	}
}
