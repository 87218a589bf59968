#include "tui/keymap.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/iniload.h"
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
	{ "S-l", ACT_BAND_NEXT }, { "S-right", ACT_BAND_NEXT },
	{ "S-h", ACT_BAND_PREV }, { "S-left", ACT_BAND_PREV },
	{ "+", ACT_VALUE_UP }, { "equal", ACT_VALUE_UP },
	{ "-", ACT_VALUE_DOWN },
	{ "rbracket", ACT_VALUE_UP_FINE }, { "lbracket", ACT_VALUE_DOWN_FINE },
	{ "}", ACT_VALUE_UP_COARSE }, { "pgup", ACT_VALUE_UP_COARSE },
	{ "{", ACT_VALUE_DOWN_COARSE }, { "pgdn", ACT_VALUE_DOWN_COARSE },
	{ "d", ACT_VALUE_DEFAULT }, { "enter", ACT_VALUE_EDIT },
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
	{ "r", ACT_REFERENCE }, { "v", ACT_VIEW_NEXT }, { "i", ACT_PLAYED_RESET },
	{ "o", ACT_SOLO_BAND },
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

struct load {
	const char *path;
	struct keymap next;
	unsigned char seen[KEYMAP_SIZE];
	int seen_line[KEYMAP_SIZE];
};

/* Each section and key line in file order: the first mistake in the file
 * is the one reported. */
static int check_line(void *ctx, const struct ini_entry *e, char *err, int errlen)
{
	struct load *l = ctx;
	const char *path = l->path;

	if (!e->key) {
		if (strcmp(e->section, "keys") && strcmp(e->section, "keymap")) {
			snprintf(err, (size_t)errlen, "%s:%d: unknown section [%s] (expected [keymap] or [keys])",
				 path, e->line, e->section);
			return ST_USAGE;
		}
		return ST_OK;
	}
	if (!e->section[0]) {
		snprintf(err, (size_t)errlen, "%s:%d: key '%s' is outside any section (put it under [keys])",
			 path, e->line, e->key);
		return ST_USAGE;
	}
	if (!strcmp(e->section, "keymap")) {
		if (strcmp(e->key, "version")) {
			snprintf(err, (size_t)errlen, "%s:%d: key '%s': unknown key in [keymap]",
				 path, e->line, e->key);
			return ST_USAGE;
		}
		if (strcmp(e->value, "1")) {
			snprintf(err, (size_t)errlen, "%s:%d: key 'version': unsupported keymap version '%s' (this lathe reads 1)",
				 path, e->line, e->value);
			return ST_USAGE;
		}
		return ST_OK;
	}
	int key = keymap_key_parse(e->key);
	int cmd = command_find(e->value);
	if (key < 0 || key >= KEYMAP_SIZE) {
		snprintf(err, (size_t)errlen, "%s:%d: key '%s': unknown key name", path, e->line, e->key);
		return ST_USAGE;
	}
	if (cmd < 0) {
		snprintf(err, (size_t)errlen, "%s:%d: key '%s': unknown command '%s'",
			 path, e->line, e->key, e->value);
		return ST_USAGE;
	}
	/* Two names can be one key (tab, C-i). */
	if (e->first_line || l->seen[key]) {
		snprintf(err, (size_t)errlen, "%s:%d: key '%s' is bound twice in this file (first on line %d)",
			 path, e->line, e->key, e->first_line ? e->first_line : l->seen_line[key]);
		return ST_USAGE;
	}
	l->seen[key] = 1;
	l->seen_line[key] = e->line;
	l->next.cmd[key] = (unsigned char)cmd;
	return ST_OK;
}

int keymap_load(struct keymap *k, const char *path, char *err, int errlen)
{
	struct load *l = calloc(1, sizeof *l);
	struct ini_file ini;
	int st;

	if (!l) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		return ST_INPUT;
	}
	l->path = path;
	l->next = *k;
	struct ini_opts o = { "a keymap", 0, 1, check_line, l };
	st = ini_read(path, &o, &ini, err, errlen);
	if (st == ST_OK) {
		ini_free(&ini);
		*k = l->next;
	}
	free(l);
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
