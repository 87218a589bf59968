/* iniparser_load without its error printer: library code never writes to
 * stderr (the console owns the terminal), so iniparser's first complaint
 * is handed to the caller instead. */
#ifndef LATHE_INILOAD_H
#define LATHE_INILOAD_H
#include <iniparser.h>
#include <stdio.h>

/* NULL when iniparser refuses the file; msg then holds its first message
 * on one line ("" when it gave none). */
dictionary *ini_load_quiet(const char *path, char *msg, int msglen);

/* Windows editors start UTF-8 files with a byte-order mark, which
 * iniparser takes for part of the first line.  Moves f past one if it
 * has one (f at the start of a regular file); 1 when it did. */
int ini_skip_bom(FILE *f);

/* s without leading and trailing blanks (space, tab, and the CR of a
 * Windows line ending); cuts s in place. */
char *ini_trim(char *s);
#endif
