/* Finding presets by name: the user folder, then the factory folders. */
#include "preset.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "iniload.h"
#include "paths.h"
#include "status.h"

#define ERR(...) (snprintf(err, (size_t)errlen, __VA_ARGS__), ST_USAGE)

static int valid_name(const char *name)
{
	if (!*name || *name == '.' || strlen(name) >= PRESET_NAME_MAX)
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
			return 0;
	return 1;
}

static int user_dir(char *buf, size_t size)
{
	return xdg_path(XDG_CONFIG, "presets", buf, size);
}

/* Adds dir unless it is already listed (the same folder reached by two
 * routes, e.g. the installed lathe and LATHE_PREFIX). */
static int add_dir(char dirs[][4096], int user[], int n, int max, const char *dir, int is_user)
{
	char *real;
	if (n >= max || strlen(dir) >= 4096)
		return n;
	real = realpath(dir, NULL);
	if (real && strlen(real) < 4096)
		dir = real;
	for (int i = 0; i < n; i++)
		if (!strcmp(dirs[i], dir)) {
			free(real);
			return n;
		}
	snprintf(dirs[n], 4096, "%s", dir);
	user[n] = is_user;
	free(real);
	return n + 1;
}

int preset_dirs(char dirs[][4096], int user[], int max)
{
	char buf[4096], exe[4096];
	const char *env;
	int n = 0;

	if (user_dir(buf, sizeof buf) == 0)
		n = add_dir(dirs, user, n, max, buf, 1);
	env = getenv("LATHE_DATADIR");
	if (env && *env && snprintf(buf, sizeof buf, "%s/presets", env) < (int)sizeof buf)
		n = add_dir(dirs, user, n, max, buf, 0);
	if (exe_prefix(exe, sizeof exe) == 0) {
		if (snprintf(buf, sizeof buf, "%s/presets", exe) < (int)sizeof buf)
			n = add_dir(dirs, user, n, max, buf, 0);
		if (snprintf(buf, sizeof buf, "%s/share/lathe/presets", exe) < (int)sizeof buf)
			n = add_dir(dirs, user, n, max, buf, 0);
	}
#ifdef LATHE_PREFIX
	n = add_dir(dirs, user, n, max, LATHE_PREFIX "/share/lathe/presets", 0);
#endif
	return n;
}

static int is_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int preset_resolve(const char *name_or_path, char *path, int pathlen,
		   char *err, int errlen)
{
	char dirs[PRESET_DIRS_MAX][4096], looked[ERRLEN], q[48];
	int user[PRESET_DIRS_MAX], n, len = 0;
	size_t sl = strlen(name_or_path);

	if (strchr(name_or_path, '/') || (sl >= 4 && !strcmp(name_or_path + sl - 4, ".ini"))) {
		if (sl >= (size_t)pathlen)
			return ERR("%s: path too long", name_or_path);
		snprintf(path, (size_t)pathlen, "%s", name_or_path);
		return ST_OK;
	}
	ini_quote(q, sizeof q, name_or_path);
	if (!valid_name(name_or_path))
		return ERR("preset '%s': not a preset name (letters, digits, '.', '-', '_'); "
			   "give a file as a path with '/' or ending in .ini", q);
	n = preset_dirs(dirs, user, PRESET_DIRS_MAX);
	looked[0] = 0;
	for (int i = 0; i < n; i++) {
		char cand[4096 + PRESET_NAME_MAX + 8];
		if (snprintf(cand, sizeof cand, "%s/%s.ini", dirs[i], name_or_path) >= (int)sizeof cand)
			continue;
		if (is_regular(cand)) {
			if (strlen(cand) >= (size_t)pathlen)
				return ERR("%s: path too long", cand);
			snprintf(path, (size_t)pathlen, "%s", cand);
			return ST_OK;
		}
		if (len < (int)sizeof looked)
			len += snprintf(looked + len, sizeof looked - (size_t)len, "%s%s", i ? ", " : "", dirs[i]);
	}
	return ERR("preset '%s' not found (looked in %s)", q, n ? looked : "no folder: set LATHE_DATADIR");
}

int preset_user_path(const char *name, char *path, int pathlen, int create,
		     char *err, int errlen)
{
	char dir[4096], q[48];
	int n;

	ini_quote(q, sizeof q, name);
	if (!valid_name(name))
		return ERR("preset '%s': not a preset name (letters, digits, '.', '-', '_')", q);
	if (user_dir(dir, sizeof dir) != 0)
		return ERR("preset '%s': no home folder to save it in (set HOME or XDG_CONFIG_HOME)", q);
	n = snprintf(path, (size_t)pathlen, "%s/%s.ini", dir, name);
	if (n < 0 || n >= pathlen)
		return ERR("%s/%s.ini: path too long", dir, name);
	if (create)
		return make_dirs(dir, 0700, err, errlen);
	return ST_OK;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct preset_entry *)a)->name, ((const struct preset_entry *)b)->name);
}

int preset_list(struct preset_entry **list, int *count, char *err, int errlen)
{
	char dirs[PRESET_DIRS_MAX][4096];
	int user[PRESET_DIRS_MAX], nd, n = 0, cap = 0;
	struct preset_entry *out = NULL;

	*list = NULL;
	*count = 0;
	nd = preset_dirs(dirs, user, PRESET_DIRS_MAX);
	for (int i = 0; i < nd; i++) {
		DIR *dp = opendir(dirs[i]);
		struct dirent *de;
		if (!dp)
			continue;
		while ((de = readdir(dp))) {
			char name[PRESET_NAME_MAX], path[sizeof out->path];
			size_t len = strlen(de->d_name);
			int dup = 0;
			if (len <= 4 || len - 4 >= sizeof name || strcmp(de->d_name + len - 4, ".ini"))
				continue;
			snprintf(name, sizeof name, "%.*s", (int)(len - 4), de->d_name);
			if (!valid_name(name))
				continue;
			if (snprintf(path, sizeof path, "%s/%s", dirs[i], de->d_name) >= (int)sizeof path
			    || !is_regular(path))
				continue;
			/* Earlier folders win, as in preset_resolve. */
			for (int k = 0; k < n && !dup; k++)
				dup = !strcmp(out[k].name, name);
			if (dup)
				continue;
			if (n == cap) {
				int ncap = cap ? cap * 2 : 16;
				struct preset_entry *p = realloc(out, (size_t)ncap * sizeof *p);
				if (!p) {
					closedir(dp);
					free(out);
					snprintf(err, (size_t)errlen, "listing presets: out of memory");
					return ST_INPUT;
				}
				out = p;
				cap = ncap;
			}
			snprintf(out[n].name, sizeof out[n].name, "%s", name);
			snprintf(out[n].path, sizeof out[n].path, "%s", path);
			out[n].user = user[i];
			n++;
		}
		closedir(dp);
	}
	if (n > 1)
		qsort(out, (size_t)n, sizeof *out, entry_cmp);
	*list = out;
	*count = n;
	return ST_OK;
}
