#include "outplan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "status.h"

/* The absolute name a path that does not exist yet would get: its
 * longest existing ancestor resolved by realpath (links and all), then the
 * rest with "." and ".." taken lexically, which is exact because a
 * component that does not exist cannot be a link.  0, or -1 when too long
 * or unresolvable. */
static int future_name(const char *path, char *buf, size_t size)
{
	char pre[4096], rest[4096], *real;
	size_t len = strlen(path), cut = len;
	struct stat st;
	int n;

	if (len == 0 || len >= sizeof pre)
		return -1;
	memcpy(pre, path, len + 1);
	for (;;) {
		pre[cut] = 0;
		if (cut == 0 || stat(pre, &st) == 0)
			break;
		while (cut > 0 && path[cut - 1] != '/')
			cut--;
		while (cut > 1 && path[cut - 1] == '/')
			cut--;
	}
	real = realpath(cut ? pre : ".", NULL);
	if (!real)
		return -1;
	n = snprintf(buf, size, "%s", real);
	free(real);
	if (n < 0 || (size_t)n >= size)
		return -1;
	snprintf(rest, sizeof rest, "%s", path + cut);
	for (char *save, *tok = strtok_r(rest, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			char *slash = strrchr(buf, '/');
			if (slash && slash != buf)
				*slash = 0;
			else
				snprintf(buf, size, "/");
			continue;
		}
		size_t b = strlen(buf);
		n = snprintf(buf + b, size - b, "%s%s", buf[b - 1] == '/' ? "" : "/", tok);
		if (n < 0 || (size_t)n >= size - b)
			return -1;
	}
	return 0;
}

int outplan_same(const char *a, const char *b)
{
	struct stat sa, sb;
	char na[4096], nb[4096];
	int ea = stat(a, &sa), eb = stat(b, &sb);

	if (ea == 0 && eb == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (ea == 0 || eb == 0)
		return 0;
	return future_name(a, na, sizeof na) == 0 && future_name(b, nb, sizeof nb) == 0 &&
	       !strcmp(na, nb);
}

int outplan_check(int n, const char *const *in, const char *const *out,
		  const char *what, char *err, int errlen)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < n; k++)
			if (outplan_same(out[i], in[k])) {
				if (i == k)
					snprintf(err, (size_t)errlen,
						 "%s: is %s %d itself; lathe never writes over an input",
						 out[i], what, i + 1);
				else
					snprintf(err, (size_t)errlen,
					 "%s: the output of %s %d would overwrite the input of %s %d; lathe never writes over an input",
					 out[i], what, i + 1, what, k + 1);
				return ST_OUTPUT;
			}
	for (int i = 0; i < n; i++)
		for (int k = 0; k < i; k++)
			if (outplan_same(out[i], out[k])) {
				snprintf(err, (size_t)errlen,
					 "%s: %ss %d and %d would both be written there; nothing written",
					 out[i], what, k + 1, i + 1);
				return ST_USAGE;
			}
	return ST_OK;
}
