#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "status.h"

int xdg_path(enum xdg_kind kind, const char *sub, char *buf, size_t size)
{
	const char *xdg = getenv(kind == XDG_CONFIG ? "XDG_CONFIG_HOME" : "XDG_STATE_HOME");
	const char *home = getenv("HOME");
	const char *dflt = kind == XDG_CONFIG ? ".config" : ".local/state";
	const char *sep = sub && *sub ? "/" : "";
	int n;

	if (!sub)
		sub = "";
	if (xdg && xdg[0] == '/') {
		n = snprintf(buf, size, "%s/lathe%s%s", xdg, sep, sub);
	} else {
		if (!home || !*home) {
			struct passwd *pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (!home || !*home)
			return -1;
		n = snprintf(buf, size, "%s/%s/lathe%s%s", home, dflt, sep, sub);
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int exe_prefix(char *buf, size_t size)
{
	char exe[4096], *slash = NULL;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (len <= 0)
		return -1;
	exe[len] = 0;
	/* EXEDIR/.. spelled without "..", so messages naming folders under
	 * it read cleanly even for folders that do not exist. */
	for (int k = 0; k < 2 && (slash = strrchr(exe, '/')); k++)
		*slash = 0;
	if (!slash)
		return -1;
	return snprintf(buf, size, "%s", exe) >= (int)size ? -1 : 0;
}

int make_dirs(const char *path, mode_t mode, char *err, int errlen)
{
	char buf[4096];
	struct stat st;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return ST_OK;
		snprintf(err, (size_t)errlen, "%.400s: is not a folder", path);
		return ST_OUTPUT;
	}
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		snprintf(err, (size_t)errlen, "%.400s...: path too long", path);
		return ST_OUTPUT;
	}
	/* One component at a time; the ones that exist are passed over. */
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = 0;
			if (mkdir(buf, mode) != 0 && errno != EEXIST) {
				snprintf(err, (size_t)errlen, "%.400s: cannot create the folder: %s", buf, strerror(errno));
				return ST_OUTPUT;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, (size_t)errlen, "%.400s: is not a folder", path);
		return ST_OUTPUT;
	}
	return ST_OK;
}

int path_resolve(const char *path, char *out, size_t size)
{
	char buf[PATH_MAX], real[PATH_MAX];
	const char *tail = "";
	size_t len;

	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -1;
	/* The longest part that exists, resolved; what does not exist yet
	 * cannot be a link and is appended as it is. */
	for (;;) {
		len = strlen(buf);
		while (len > 1 && buf[len - 1] == '/')
			buf[--len] = 0;
		if (realpath(len ? buf : ".", real))
			break;
		if (errno != ENOENT)
			return -1;
		char *slash = strrchr(buf, '/');
		if (!slash) {
			tail = path;
			buf[0] = 0;
		} else if (slash == buf) {
			return -1;   /* even "/" is missing */
		} else {
			*slash = 0;
			tail = path + (slash - buf) + 1;
		}
	}
	int n = *tail ? snprintf(out, size, "%s%s%s", real, strcmp(real, "/") ? "/" : "", tail)
		      : snprintf(out, size, "%s", real);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int path_within(const char *path, const char *folder)
{
	char a[PATH_MAX], b[PATH_MAX];
	size_t n;

	if (path_resolve(path, a, sizeof a) || path_resolve(folder, b, sizeof b))
		return 0;
	n = strlen(b);
	if (n == 1 && b[0] == '/')
		return 1;
	return !strncmp(a, b, n) && (a[n] == 0 || a[n] == '/');
}
