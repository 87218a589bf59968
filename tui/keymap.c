#include "tui/keymap.h"

#include <ctype.h>
#include <curses.h>
#include <iniparser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/status.h"

const char *const command_names[ACT_COUNT] = {
#define X(e, n, h) n,
	LATHE_COMMANDS(X)
#undef X
};

const char *const command_help[ACT_COUNT] = {
#define X(e, n, h) h,
	LATHE_COMMANDS(X)
#undef X
};

int command_find(const char *name)
{
	for (int i = 0; i < ACT_COUNT; i++)
		if (strcmp(command_names[i], name) == 0)
			return i;
	return -1;
}

/* Names for keys that are not one printable character, or that INI
 * syntax cannot hold as a key (';' and '#' start comments, '=' splits). */
static const struct { const char *name; int key; } named_keys[] = {
	{ "space", ' ' }, { "enter", '\n' }, { "tab", '\t' }, { "esc", 27 },
	{ "backspace", KEY_BACKSPACE }, { "delete", KEY_DC },
	{ "insert", KEY_IC }, { "home", KEY_HOME }, { "end", KEY_END },
	{ "pgup", KEY_PPAGE }, { "pgdn", KEY_NPAGE },
	{ "up", KEY_UP }, { "down", KEY_DOWN },
	{ "left", KEY_LEFT }, { "right", KEY_RIGHT },
	{ "s-up", KEY_SR }, { "s-down", KEY_SF },
	{ "s-left", KEY_SLEFT }, { "s-right", KEY_SRIGHT },
	{ "s-home", KEY_SHOME }, { "s-end", KEY_SEND }, { "s-tab", KEY_BTAB },
	{ "colon", ':' }, { "semicolon", ';' }, { "hash", '#' },
	{ "equal", '=' }, { "lbracket", '[' }, { "rbracket", ']' },
};

int keymap_key_parse(const char *name)
{
	size_t n = strlen(name);

	if (n == 0)
		return -1;
	if (n == 1)
		return isprint((unsigned char)name[0]) ?
			tolower((unsigned char)name[0]) : -1;
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (strcasecmp(named_keys[i].name, name) == 0)
			return named_keys[i].key;
	if (n == 3 && name[1] == '-') {
		int c = (unsigned char)name[2];
		if ((name[0] == 's' || name[0] == 'S') && isalpha(c))
			return toupper(c);
		if ((name[0] == 'c' || name[0] == 'C') && isalpha(c))
			return tolower(c) & 0x1f;
	}
	if ((name[0] == 'f' || name[0] == 'F') && isdigit((unsigned char)name[1])) {
		char *end;
		long f = strtol(name + 1, &end, 10);
		if (!*end && f >= 1 && f <= 12)
			return KEY_F((int)f);
	}
	return -1;
}

void keymap_key_name(int key, char *buf, int size)
{
	if (key == ' ' || key == '\n' || key == '\t' || key == 27 || key >= 256) {
		for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
			if (named_keys[i].key == key) {
				/* Shifted arrows read better as S-left than s-left. */
				if (named_keys[i].name[1] == '-')
					snprintf(buf, (size_t)size, "S%s", named_keys[i].name + 1);
				else
					snprintf(buf, (size_t)size, "%s", named_keys[i].name);
				return;
			}
		if (key >= KEY_F(1) && key <= KEY_F(12)) {
			snprintf(buf, (size_t)size, "F%d", key - KEY_F(0));
			return;
		}
		snprintf(buf, (size_t)size, "#%d", key);
	} else if (key >= 'A' && key <= 'Z') {
		snprintf(buf, (size_t)size, "S-%c", key - 'A' + 'a');
	} else if (key < 32) {
		snprintf(buf, (size_t)size, "C-%c", key + 'a' - 1);
	} else {
		snprintf(buf, (size_t)size, "%c", key);
	}
}

void keymap_clear(struct keymap *k)
{
	memset(k->cmd, ACT_NONE, sizeof k->cmd);
}

enum command keymap_lookup(const struct keymap *k, int key)
{
	if (key < 0 || key >= KEYMAP_SIZE)
		return ACT_NONE;
	return (enum command)k->cmd[key];
}

/* The bindings of keymaps/default.ini, so the program works with no data
 * files installed.  tests/unit/test_keymap.c checks the two agree. */
static const struct { const char *key; enum command cmd; } builtin[] = {
	{ "q", ACT_QUIT }, { "?", ACT_HELP }, { "f1", ACT_HELP },
	{ "colon", ACT_COMMAND }, { "C-l", ACT_REDRAW },
	{ "l", ACT_MODULE_NEXT }, { "right", ACT_MODULE_NEXT }, { "tab", ACT_MODULE_NEXT },
	{ "h", ACT_MODULE_PREV }, { "left", ACT_MODULE_PREV }, { "S-tab", ACT_MODULE_PREV },
	{ "j", ACT_PARAM_NEXT }, { "down", ACT_PARAM_NEXT },
	{ "k", ACT_PARAM_PREV }, { "up", ACT_PARAM_PREV },
	{ "+", ACT_VALUE_UP }, { "equal", ACT_VALUE_UP },
	{ "-", ACT_VALUE_DOWN },
	{ "rbracket", ACT_VALUE_UP_FINE }, { "lbracket", ACT_VALUE_DOWN_FINE },
	{ "}", ACT_VALUE_UP_COARSE }, { "pgup", ACT_VALUE_UP_COARSE },
	{ "{", ACT_VALUE_DOWN_COARSE }, { "pgdn", ACT_VALUE_DOWN_COARSE },
	{ "d", ACT_VALUE_DEFAULT },
	{ "b", ACT_BYPASS }, { "a", ACT_AB },
	{ "space", ACT_PLAY_PAUSE }, { "s", ACT_STOP },
	{ ".", ACT_SEEK_FWD }, { ",", ACT_SEEK_BACK },
	{ ">", ACT_SEEK_FWD_LONG }, { "<", ACT_SEEK_BACK_LONG },
	{ "home", ACT_SEEK_START }, { "g", ACT_SEEK_START },
	{ "(", ACT_LOOP_IN }, { ")", ACT_LOOP_OUT }, { "x", ACT_LOOP_CLEAR },
	{ "1", ACT_MON_STEREO }, { "2", ACT_MON_MONO }, { "3", ACT_MON_SIDE },
	{ "4", ACT_MON_LEFT }, { "5", ACT_MON_RIGHT }, { "6", ACT_MON_SMALL },
	{ "7", ACT_MON_PLATFORM }, { "m", ACT_MON_CYCLE },
	{ "u", ACT_UNDO }, { "C-r", ACT_REDO },
	{ "w", ACT_SAVE },
	{ "n", ACT_TRACK_NEXT }, { "p", ACT_TRACK_PREV }, { "S-c", ACT_COPY_ALL },
	{ "r", ACT_REFERENCE }, { "v", ACT_VIEW_NEXT },
};

void keymap_defaults(struct keymap *k)
{
	keymap_clear(k);
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
		int key = keymap_key_parse(builtin[i].key);
		if (key >= 0 && key < KEYMAP_SIZE)
			k->cmd[key] = (unsigned char)builtin[i].cmd;
	}
}

/* iniparser does not say where a key is; find the line of its nth
 * appearance for the message (0 when there is none). */
static int find_nth_line(const char *path, const char *section, const char *key, int nth)
{
	FILE *f = fopen(path, "r");
	char line[512], cur[128] = "";
	int n = 0, found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof line, f)) {
		char *s = line, *e;
		n++;
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '[') {
			e = strchr(s, ']');
			if (e) {
				size_t len = (size_t)(e - s - 1);
				if (len >= sizeof cur)
					len = sizeof cur - 1;
				memcpy(cur, s + 1, len);
				cur[len] = 0;
				if (!key[0] && strcasecmp(cur, section) == 0)
					found = n;
			}
			continue;
		}
		if (strcasecmp(cur, section) != 0 || !(e = strchr(s, '=')))
			continue;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if ((size_t)(e - s) == strlen(key) && strncasecmp(s, key, (size_t)(e - s)) == 0 &&
		    --nth == 0)
			found = n;
	}
	fclose(f);
	return found;
}

static int find_line(const char *path, const char *section, const char *key)
{
	return find_nth_line(path, section, key, 1);
}

/* iniparser reports syntax errors through a process-wide callback that
 * prints to stderr; keep quiet while loading, but keep the line number of
 * the first error ("... in FILE (LINE)") to report it our own way. */
static _Thread_local int ini_err_line;

__attribute__((format(printf, 1, 2)))
static int quiet_errback(const char *fmt, ...)
{
	char msg[256];
	const char *p;
	va_list ap;

	if (ini_err_line)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	msg[strcspn(msg, "\n")] = 0; /* the offending text follows on a second line */
	p = strrchr(msg, '(');
	if (p)
		ini_err_line = atoi(p + 1);
	return 0;
}

int keymap_load(struct keymap *k, const char *path, char *err, int errlen)
{
	struct keymap next = *k;
	dictionary *d;
	FILE *probe = fopen(path, "r");
	int nsec, st = ST_OK;

	if (!probe) {
		snprintf(err, (size_t)errlen, "%s: cannot read the keymap", path);
		return ST_INPUT;
	}
	fclose(probe);
	ini_err_line = 0;
	iniparser_set_error_callback(quiet_errback);
	d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (!d) {
		if (ini_err_line > 0)
			snprintf(err, (size_t)errlen, "%s:%d: not valid INI (a syntax error, or a line over 1000 characters)",
				 path, ini_err_line);
		else
			snprintf(err, (size_t)errlen, "%s: not a valid INI file", path);
		return ST_USAGE;
	}
	nsec = iniparser_getnsec(d);
	for (int s = 0; s < nsec && st == ST_OK; s++) {
		const char *sec = iniparser_getsecname(d, s);
		if (strcmp(sec, "keys") != 0 && strcmp(sec, "keymap") != 0) {
			snprintf(err, (size_t)errlen, "%s:%d: unknown section [%s] (expected [keymap] or [keys])",
				 path, find_line(path, sec, "") , sec);
			st = ST_USAGE;
		}
	}
	if (st == ST_OK && iniparser_find_entry(d, "keymap")) {
		const char *ver = iniparser_getstring(d, "keymap:version", NULL);
		int nk = iniparser_getsecnkeys(d, "keymap");
		const char *keys[8];
		if (ver && strcmp(ver, "1") != 0) {
			snprintf(err, (size_t)errlen, "%s:%d: key 'version': unsupported keymap version '%s' (this lathe reads 1)",
				 path, find_line(path, "keymap", "version"), ver);
			st = ST_USAGE;
		} else if (nk > 0 && nk <= 8) {
			iniparser_getseckeys(d, "keymap", keys);
			for (int i = 0; i < nk && st == ST_OK; i++)
				if (strcmp(keys[i], "keymap:version") != 0) {
					snprintf(err, (size_t)errlen, "%s:%d: key '%s': unknown key in [keymap]",
						 path, find_line(path, "keymap", keys[i] + 7), keys[i] + 7);
					st = ST_USAGE;
				}
		} else if (nk > 8) {
			snprintf(err, (size_t)errlen, "%s: [keymap] holds only 'version'", path);
			st = ST_USAGE;
		}
	}
	if (st == ST_OK) {
		int nk = iniparser_getsecnkeys(d, "keys");
		const char **keys = nk > 0 ? calloc((size_t)nk, sizeof *keys) : NULL;
		if (nk > 0 && !keys) {
			snprintf(err, (size_t)errlen, "%s: out of memory", path);
			st = ST_USAGE;
		} else if (nk > 0) {
			iniparser_getseckeys(d, "keys", keys);
		}
		/* Bound twice in this file: iniparser keeps the last of two
		 * equal names silently, and two names can be one key (tab, C-i). */
		unsigned char seen[KEYMAP_SIZE] = { 0 };
		for (int i = 0; i < nk && st == ST_OK; i++) {
			const char *full = keys[i];
			const char *kname = full + 5; /* after "keys:" */
			const char *val = iniparser_getstring(d, full, "");
			int key = keymap_key_parse(kname);
			/* iniparser files "[keys:x]" as a key of [keys] with no value. */
			int cmd = val ? command_find(val) : -1;
			if (!val) {
				snprintf(err, (size_t)errlen, "%s:%d: unknown section [%s] (expected [keymap] or [keys])",
					 path, find_line(path, full, ""), full);
				st = ST_USAGE;
			} else if (key < 0 || key >= KEYMAP_SIZE) {
				snprintf(err, (size_t)errlen, "%s:%d: key '%s': unknown key name",
					 path, find_line(path, "keys", kname), kname);
				st = ST_USAGE;
			} else if (cmd < 0) {
				snprintf(err, (size_t)errlen, "%s:%d: key '%s': unknown command '%s'",
					 path, find_line(path, "keys", kname), kname, val);
				st = ST_USAGE;
			} else if (find_nth_line(path, "keys", kname, 2) || seen[key]) {
				int second = find_nth_line(path, "keys", kname, 2);
				snprintf(err, (size_t)errlen, "%s:%d: key '%s' is bound twice in this file",
					 path, second ? second : find_line(path, "keys", kname), kname);
				st = ST_USAGE;
			} else {
				seen[key] = 1;
				next.cmd[key] = (unsigned char)cmd;
			}
		}
		free(keys);
	}
	iniparser_freedict(d);
	if (st == ST_OK)
		*k = next;
	return st;
}

void keymap_keys_for(const struct keymap *k, enum command cmd, char *buf,
		     int size, int max)
{
	int n = 0, used = 0;

	buf[0] = 0;
	for (int key = 0; key < KEYMAP_SIZE && n < max; key++) {
		char name[16];
		if (k->cmd[key] != cmd)
			continue;
		keymap_key_name(key, name, sizeof name);
		int w = snprintf(buf + used, (size_t)(size - used), "%s%s", n ? " " : "", name);
		if (w < 0 || w >= size - used)
			break;
		used += w;
		n++;
	}
}
