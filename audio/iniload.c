#include "iniload.h"

#include <stdarg.h>
#include <stdio.h>

/* iniparser reports through one process-wide printf-like callback with no
 * user pointer: keep the first message per thread. */
static _Thread_local char ini_msg[256];

__attribute__((format(printf, 1, 2)))
static int ini_error(const char *fmt, ...)
{
	va_list ap;

	if (ini_msg[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(ini_msg, sizeof ini_msg, fmt, ap);
	va_end(ap);
	for (char *p = ini_msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return 0;
}

dictionary *ini_load_quiet(const char *path, char *msg, int msglen)
{
	dictionary *d;

	ini_msg[0] = 0;
	iniparser_set_error_callback(ini_error);
	d = iniparser_load(path);
	if (msg)
		snprintf(msg, (size_t)msglen, "%s", ini_msg);
	return d;
}
