/* Presets: INI files with one section per module and one key per parameter
 * (names from dsp/params.h), plus
 *
 *	[preset]
 *	name = glue
 *	version = 1
 *	notes = "what it is for and why"
 *
 * Missing keys keep their default.  Everything else that is not exactly
 * right (unknown sections or keys, duplicates, non-numbers, out-of-range
 * values, a newer format version, binary data, lines too long) is refused
 * with one line "FILE:LINE: message" naming the key.  Nothing here prints
 * or exits: functions return an ST_* status and write the message into the
 * caller's buffer. */
#ifndef LATHE_PRESET_H
#define LATHE_PRESET_H
#include "dsp/params.h"

/* The format written by preset_save; files with a larger version are refused. */
#define PRESET_VERSION 1
/* The INI reader takes lines of 1000 characters; longer ones are refused, and notes
 * longer than this cannot be saved. */
#define PRESET_LINE_MAX 1000
#define PRESET_NOTES_MAX 900
#define PRESET_NAME_MAX 64

/* Reads path into v, starting from the defaults.  name and notes (either may
 * be NULL) receive [preset] name (the file name without .ini when absent)
 * and notes.  ST_OK; ST_INPUT when the file cannot be opened or read;
 * ST_USAGE when its contents are wrong.  v is left untouched on failure. */
int preset_load(const char *path, double v[P_COUNT], char *name, int namelen,
		char *notes, int noteslen, char *err, int errlen);

/* Writes every parameter (grouped by module, in table order, with units and
 * ranges as comments) atomically over path.  Values round-trip exactly.
 * ST_OK; ST_USAGE for a value out of range or notes too long; ST_OUTPUT when
 * the file cannot be written (the old file is then untouched). */
int preset_save(const char *path, const double v[P_COUNT], const char *name,
		const char *notes, char *err, int errlen);

/* A path (contains '/' or ends in ".ini") is used as it is.  A name is
 * looked up as NAME.ini in the user folder, then in the factory folders
 * (see preset_dirs).  ST_USAGE, listing where it looked, when not found. */
int preset_resolve(const char *name_or_path, char *path, int pathlen,
		   char *err, int errlen);

/* The folders searched, in order:
 *	$XDG_CONFIG_HOME/lathe/presets (default ~/.config/lathe/presets)  user
 *	$LATHE_DATADIR/presets                                           factory
 *	EXEDIR/../presets            (a build in the source tree: build/lathe)
 *	EXEDIR/../share/lathe/presets                      (an installed lathe)
 *	LATHE_PREFIX/share/lathe/presets        (LATHE_PREFIX set at build time)
 * Folders that cannot be determined are left out.  Returns how many were
 * written (at most max); user[i] is 1 for the user folder. */
#define PRESET_DIRS_MAX 5
int preset_dirs(char dirs[][4096], int user[], int max);

/* The user folder path for NAME.ini; with create, makes the folders
 * (mode 0700 for new ones).  Names are letters, digits, '.', '-', '_' and
 * must not start with '.'.  ST_USAGE for a bad name, ST_OUTPUT when the
 * folder cannot be made. */
int preset_user_path(const char *name, char *path, int pathlen, int create,
		     char *err, int errlen);

struct preset_entry {
	char name[PRESET_NAME_MAX];
	char path[4096];
	int user;  /* 1: from the user folder (it hides a factory one of that name) */
};

/* Every preset that preset_resolve would find by name, sorted by name, one
 * entry per name.  *list is malloc'd (free it); *count may be 0.  Folders
 * that do not exist are skipped.  ST_OK, or ST_INPUT when out of memory. */
int preset_list(struct preset_entry **list, int *count, char *err, int errlen);

/* "comp.ratio=2" as given to --set: the same checks and messages as a
 * preset file ("--set: unknown parameter comp.foo; comp has: ...").
 * ST_OK or ST_USAGE; v changes only on success. */
int param_set_from_string(const char *assignment, double v[P_COUNT],
			  char *err, int errlen);

/* Checks one value given as text for parameter id: 0 and *out set on
 * success, else -1 and a message like "comp.ratio = 50 is out of range
 * (1 to 20)" (no file name).  Shared by the preset reader, --set and
 * anyone else parsing user input (the UI's typed values). */
int param_parse_value(int id, const char *text, double *out, char *msg, int msglen);
#endif
