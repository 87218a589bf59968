#include "iniload.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

char *ini_trim(char *s)
{
	char *e = s + strlen(s);
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

int ini_skip_bom(FILE *f)
{
	unsigned char b[3];

	if (fread(b, 1, 3, f) == 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
		return 1;
	rewind(f);
	return 0;
}

/* A copy of the file without its byte-order mark, in memory, for
 * iniparser (which only opens paths); -1 when there is no mark or no
 * copy could be made (the file is then read as it is). */
static int copy_without_bom(const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t n;
	int fd = -1;

	if (!f)
		return -1;
	if (ini_skip_bom(f) && (fd = memfd_create("lathe-ini", MFD_CLOEXEC)) >= 0) {
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			if (write(fd, buf, n) != (ssize_t)n) {
				close(fd);
				fd = -1;
				break;
			}
	}
	fclose(f);
	return fd;
}

dictionary *ini_load_quiet(const char *path, char *msg, int msglen)
{
	dictionary *d;
	char alt[64];
	int fd = copy_without_bom(path);

	ini_msg[0] = 0;
	iniparser_set_error_callback(ini_error);
	if (fd >= 0)
		snprintf(alt, sizeof alt, "/proc/self/fd/%d", fd);
	d = iniparser_load(fd >= 0 ? alt : path);
	if (fd >= 0 && !d) /* no /proc: read it as it is */
		d = iniparser_load(path);
	if (fd >= 0)
		close(fd);
	if (msg)
		snprintf(msg, (size_t)msglen, "%s", ini_msg);
	return d;
}
