/* iniparser_load without its error printer: library code never writes to
 * stderr (the console owns the terminal), so iniparser's first complaint
 * is handed to the caller instead. */
#ifndef LATHE_INILOAD_H
#define LATHE_INILOAD_H
#include <iniparser.h>

/* NULL when iniparser refuses the file; msg then holds its first message
 * on one line ("" when it gave none). */
dictionary *ini_load_quiet(const char *path, char *msg, int msglen);
#endif
