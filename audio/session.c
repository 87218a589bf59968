#include "audio/session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/atomicfile.h"
#include "audio/iniload.h"
#include "audio/paths.h"
#include "audio/status.h"

#define SESSION_VERSION 1

/* The folder must be a real folder (not a link to one) that belongs to
 * us: another user who made it first, or planted a link under its name,
 * could read the sessions or steer our writes.  One of ours that others
 * may write to is closed to them. */
static int check_dir(const char *dir, char *err, int errlen)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			return ST_OK;
		if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
			snprintf(err, (size_t)errlen, "%.400s: a symbolic link, refused", dir);
		else
			snprintf(err, (size_t)errlen, "%.400s: %s", dir, strerror(e));
		return ST_OUTPUT;
	}
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid()) {
		snprintf(err, (size_t)errlen, "%.400s: user %u's folder, refused", dir,
			 (unsigned)st.st_uid);
		close(fd);
		return ST_OUTPUT;
	}
	if ((st.st_mode & 077) && fchmod(fd, st.st_mode & 0700) != 0) {
		snprintf(err, (size_t)errlen, "%.400s: open to other users: %s", dir, strerror(errno));
		close(fd);
		return ST_OUTPUT;
	}
	close(fd);
	return ST_OK;
}

int session_dir_err(char *buf, int size, int create, char *err, int errlen)
{
	if (xdg_path(XDG_STATE, NULL, buf, (size_t)size) != 0) {
		/* No shared fallback such as /tmp: another user could own it. */
		snprintf(buf, (size_t)size, "$XDG_STATE_HOME/lathe");
		snprintf(err, (size_t)errlen, "no home folder (HOME, XDG_STATE_HOME or the password entry) to keep sessions in");
		return ST_OUTPUT;
	}
	if (check_dir(buf, err, errlen) != ST_OK)
		return ST_OUTPUT;
	if (create && make_dirs(buf, 0700, err, errlen) != ST_OK)
		return ST_OUTPUT;
	return create ? check_dir(buf, err, errlen) : ST_OK;
}

int session_dir(char *buf, int size, int create)
{
	char err[ERRLEN];
	return session_dir_err(buf, size, create, err, sizeof err);
}

/* FNV-1a: a stable short name for a path. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void canonical(const char *file, char *buf, size_t size)
{
	char real[PATH_MAX];
	if (!file || !*file)
		buf[0] = 0;
	else if (realpath(file, real))
		snprintf(buf, size, "%s", real);
	else
		snprintf(buf, size, "%s", file);
}

int session_path(const char *file, char *buf, int size)
{
	char dir[4096], canon[PATH_MAX];
	int n;

	if (session_dir(dir, sizeof dir, 0) != ST_OK)
		return ST_OUTPUT;
	canonical(file, canon, sizeof canon);
	if (!canon[0])
		n = snprintf(buf, (size_t)size, "%s/session-demo.ini", dir);
	else
		n = snprintf(buf, (size_t)size, "%s/session-%016llx.ini", dir,
			     (unsigned long long)fnv1a(canon));
	return n < 0 || n >= size ? ST_OUTPUT : ST_OK;
}

/* Names go into the session percent-encoded (%XX for every byte that is
 * not printable ASCII, and for % " ' ; # \\): a file name may hold a
 * newline, quotes or ';', which an INI line cannot carry as they are.
 * Quoted too, so an old reader sees one plain value.  A name whose
 * encoding would pass the INI line limit is left out: the session is
 * found by the file's hash, the name only tells a reader whose it is. */
static void pct_encode(char *out, size_t size, const char *in)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		int plain = *p > 32 && *p < 127 && !strchr("%\"';#\\", *p);
		if (o + (plain ? 1 : 3) >= size || o + 3 >= INI_LINE_MAX - 16) {
			o = 0;
			break;
		}
		if (plain) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = 0;
}

static int hexval(int ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
	     : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* The inverse; a '%' not followed by two hex digits stays as it is.  A
 * decoded NUL would end the name early: it is dropped. */
static void pct_decode(char *out, size_t size, const char *in)
{
	size_t o = 0;

	for (const char *p = in; *p && o + 1 < size; p++) {
		int hi, lo;
		if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
			if (hi || lo)
				out[o++] = (char)(hi << 4 | lo);
			p += 2;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = 0;
}

int session_save(const struct session *s, char *err, int errlen)
{
	char dir[4096], path[4200], canon[PATH_MAX], num[32], enc[3 * PATH_MAX + 1];
	struct atomicfile af;
	FILE *f;

	if (session_dir_err(dir, sizeof dir, 1, err, errlen) != ST_OK)
		return ST_OUTPUT;
	if (session_path(s->file, path, sizeof path) != ST_OK) {
		snprintf(err, (size_t)errlen, "%s: session path too long", dir);
		return ST_OUTPUT;
	}
	canonical(s->file, canon, sizeof canon);
	if (atomicfile_open_stream(&af, path, 0, &f, err, errlen) != ST_OK)
		return ST_OUTPUT;
	fprintf(f, "; lathe console session, saved when the terminal went away.\n"
		   "; The next `lathe` on the same file offers to restore it.\n"
		   "[session]\nversion = %d\n", SESSION_VERSION);
	pct_encode(enc, sizeof enc, canon);
	fprintf(f, "file = \"%s\"\n", enc);
	format_double(num, sizeof num, s->position_s);
	fprintf(f, "position = %s\n", num);
	format_double(num, sizeof num, s->loop_a);
	fprintf(f, "loop_a = %s\n", num);
	format_double(num, sizeof num, s->loop_b);
	fprintf(f, "loop_b = %s\n", num);
	pct_encode(enc, sizeof enc, s->preset);
	fprintf(f, "preset = \"%s\"\n", enc);
	fprintf(f, "saved = %lld\n\n[params]\n", (long long)s->saved_at);
	for (int i = 0; i < P_COUNT; i++) {
		format_double(num, sizeof num, s->v[i]);
		fprintf(f, "%s.%s = %s\n", module_names[param_table[i].module],
			param_table[i].name, num);
	}
	return atomicfile_commit(&af, err, errlen);
}


int session_load(const char *file, struct session *s, char *err, int errlen)
{
	char path[4200], key[96], msg[ERRLEN];
	struct ini_file ini;
	struct ini_opts o = { "a session file", 1, 0, NULL, NULL };
	double x;
	const char *str;

	if (session_path(file, path, sizeof path) != ST_OK || access(path, R_OK) != 0) {
		snprintf(err, (size_t)errlen, "no session for %s", file && *file ? file : "the demo mix");
		return ST_INPUT;
	}
	if (ini_read(path, &o, &ini, msg, sizeof msg) != ST_OK) {
		snprintf(err, (size_t)errlen, "%s: not a valid session file", path);
		return ST_INPUT;
	}
	str = ini_get(&ini, "session", "version", "0");
	if (strtol(str, NULL, 10) != SESSION_VERSION) {
		snprintf(err, (size_t)errlen, "%s: unknown session version", path);
		ini_free(&ini);
		return ST_INPUT;
	}
	memset(s, 0, sizeof *s);
	params_defaults(s->v);
	pct_decode(s->file, sizeof s->file, ini_get(&ini, "session", "file", ""));
	pct_decode(s->preset, sizeof s->preset, ini_get(&ini, "session", "preset", ""));
	if (parse_double(ini_get(&ini, "session", "position", "0"), &x) == 0 && x >= 0)
		s->position_s = x;
	if (parse_double(ini_get(&ini, "session", "loop_a", "0"), &x) == 0)
		s->loop_a = x;
	if (parse_double(ini_get(&ini, "session", "loop_b", "0"), &x) == 0)
		s->loop_b = x;
	s->saved_at = (time_t)strtoll(ini_get(&ini, "session", "saved", "0"), NULL, 10);
	for (int i = 0; i < P_COUNT; i++) {
		snprintf(key, sizeof key, "%s.%s", module_names[param_table[i].module],
			 param_table[i].name);
		str = ini_get(&ini, "params", key, NULL);
		if (str && parse_double(str, &x) == 0)
			s->v[i] = param_clamp(i, x);
	}
	ini_free(&ini);
	return ST_OK;
}

void session_remove(const char *file)
{
	char path[4200];
	if (session_path(file, path, sizeof path) == ST_OK)
		unlink(path);
}
