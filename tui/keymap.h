/* Key bindings: a table from ncurses key codes to commands, filled from
 * built-in defaults (identical to keymaps/default.ini, a test checks it)
 * and then from INI files, each overriding key by key. */
#ifndef LATHE_KEYMAP_H
#define LATHE_KEYMAP_H
#include "tui/commands.h"

/* Bytes and the ncurses KEY_* codes all fall below KEY_MAX (0777). */
#define KEYMAP_SIZE 512

struct keymap {
	unsigned char cmd[KEYMAP_SIZE]; /* enum command; ACT_NONE unbound */
};

void keymap_clear(struct keymap *k);
void keymap_defaults(struct keymap *k);
/* Apply the [keys] section of an INI file over k.  Returns ST_OK, ST_INPUT
 * when the file cannot be read, ST_USAGE for a bad entry with
 * "file:line: key 'x': ..." in err.  On error k is left unchanged. */
int keymap_load(struct keymap *k, const char *path, char *err, int errlen);
/* ACT_NONE for an unbound or out-of-range key. */
enum command keymap_lookup(const struct keymap *k, int key);

/* Key names as written in keymaps: "j", "S-j" (shift: 'J'), "C-r",
 * "space", "up", "S-left", "pgup", "f1", "colon" ...  Returns the ncurses
 * key code, or -1 for an unknown name.  Case-insensitive, because
 * the INI reader lowercases keys. */
int keymap_key_parse(const char *name);
/* The canonical name of a key code, for the help overlay. */
void keymap_key_name(int key, char *buf, int size);
/* Keys bound to cmd, comma-separated, at most max of them. */
void keymap_keys_for(const struct keymap *k, enum command cmd, char *buf,
		     int size, int max);
#endif
