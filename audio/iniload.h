/* The one INI reader for presets, album files, keymaps and sessions.
 *
 * The file is read once, with its own checks: a size cap, text only (no
 * NUL or control bytes; strict UTF-8 on request), a line length cap, one
 * UTF-8 byte-order mark skipped, CR of CRLF endings dropped, and every
 * section and key with its line number.  Values are read the way
 * iniparser reads them (the format the files were first written for):
 *
 *	key = "quoted ; kept"   ->  quoted ; kept
 *	key = 'it"s'            ->  it"s
 *	key = plain ; comment   ->  plain
 *	key =                   ->  (empty)
 *
 * Sections and keys are lowercased.  Each section line and key line is
 * handed to the caller's check in file order, so the first mistake in
 * the file is the one reported, with its line; a key seen before in the
 * same section comes with the line where it was first set.  Nothing here
 * prints or exits. */
#ifndef LATHE_INILOAD_H
#define LATHE_INILOAD_H

#define INI_LINE_MAX 1000          /* characters, after joining no line */
#define INI_FILE_MAX (1L << 20)    /* bytes */

struct ini_entry {
	const char *section;   /* "" before the first [section] */
	const char *key;       /* NULL for a [section] line itself */
	const char *value;     /* "" for a section line */
	int line;              /* of the key (the first line of a continued one) */
	int first_line;        /* of the same section.key earlier in the file, else 0 */
};

struct ini_file {
	struct ini_entry *entries;
	int nentries;
	char *store;           /* the text the entries point into */
	int nsections;
	long bytes;             /* in the file, after a byte-order mark */
};

/* Called for every section line and key line, in file order.  Returns
 * ST_OK to go on; anything else stops the read and is returned, with the
 * message the callback wrote into err. */
typedef int (*ini_check_fn)(void *ctx, const struct ini_entry *e, char *err, int errlen);

struct ini_opts {
	const char *what;      /* "a preset file": ends "binary data ...: not a preset file" */
	int continuation;      /* 1: a line ending in '\' goes on on the next; 0: refused */
	int utf8;              /* 1: refuse text that is not strict UTF-8 */
	ini_check_fn check;    /* may be NULL */
	void *ctx;
};

/* Reads path into ini.  ST_OK; ST_INPUT when it cannot be opened or read
 * (or is not a regular file); ST_USAGE with "FILE:LINE: message" when its
 * contents are wrong (or what the check returned).  On failure nothing
 * needs freeing; on success free with ini_free. */
int ini_read(const char *path, const struct ini_opts *o, struct ini_file *ini,
	     char *err, int errlen);
void ini_free(struct ini_file *ini);

/* The last entry for section.key (both lowercase), or NULL. */
const struct ini_entry *ini_find(const struct ini_file *ini, const char *section,
				 const char *key);
/* Its value, or def. */
const char *ini_get(const struct ini_file *ini, const char *section, const char *key,
		    const char *def);

/* s without leading and trailing blanks (space, tab, and the CR of a
 * Windows line ending); cuts s in place. */
char *ini_trim(char *s);

/* Messages quote what the user wrote, but never a whole 1 KB line. */
void ini_quote(char *buf, int size, const char *s);
#endif
