/* Album files and the album comparison. */
#include "album.h"

#include <ctype.h>
#include <errno.h>
#include <iniparser.h>

#include "iniload.h"
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "preset.h"
#include "source.h"
#include "status.h"

#define LINE_MAX_LEN 1000
#define FILE_MAX (1L << 20)
#define KEYS_MAX 4096

static const char *const album_keys[] = {
	"name", "version", "target", "ceiling", "mode", "output", "format", "bits",
	"preset", "set",
};
static const char *const track_keys[] = { "file", "preset", "set", "output" };
#define N_ALBUM_KEYS (int)(sizeof album_keys / sizeof album_keys[0])
#define N_TRACK_KEYS (int)(sizeof track_keys / sizeof track_keys[0])

/* One key of the file as our own scan saw it: section -1 is [album],
 * otherwise the track number. */
struct key {
	int sec;
	char secname[32];
	int id;
	int line;
};

struct sec {
	int num;        /* track number; 0 for [album] */
	char name[32];
	int line;
};

struct scan {
	struct key *keys;
	int nkeys;
	struct sec *secs;
	int nsecs;
};

__attribute__((format(printf, 3, 4)))
static int fail(char *err, int errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, (size_t)errlen, fmt, ap);
	va_end(ap);
	return ST_USAGE;
}

static void quote(char *buf, size_t size, const char *s)
{
	if (strlen(s) > 40)
		snprintf(buf, size, "%.37s...", s);
	else
		snprintf(buf, size, "%s", s);
}

static void list(char *buf, size_t size, const char *const *names, int n)
{
	size_t len = 0;
	buf[0] = 0;
	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "", names[i]);
}

/* "track12" -> 12; -1 for anything else. */
static int track_number(const char *s)
{
	char *end;
	long n;
	if (strncmp(s, "track", 5) || !isdigit((unsigned char)s[5]))
		return -1;
	n = strtol(s + 5, &end, 10);
	return *end || n < 1 || n > 1000000 ? -1 : (int)n;
}

/* Our own pass over the file: line numbers for every key, and the errors
 * iniparser would let through (unknown or repeated sections and keys,
 * binary data, lines it would cut). */
static int scan_line(struct scan *sc, char *s, int line, const char *path,
		     char *err, int errlen)
{
	char q[48], hint[256];
	struct sec *cur = sc->nsecs ? &sc->secs[sc->nsecs - 1] : NULL;

	s = ini_trim(s);
	if (!*s || *s == ';' || *s == '#')
		return ST_OK;
	if (*s == '[') {
		char *close = strchr(s, ']');
		if (!close || ini_trim(close + 1)[0] || strchr(s + 1, '[')) {
			quote(q, sizeof q, s);
			return fail(err, errlen, "%s:%d: syntax error: %s is not a [section] line", path, line, q);
		}
		*close = 0;
		s = ini_trim(s + 1);
		for (char *p = s; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		quote(q, sizeof q, s);
		int num = strcmp(s, "album") ? track_number(s) : 0;
		if (num < 0)
			return fail(err, errlen, "%s:%d: unknown section [%s]; sections are [album] and [track1], [track2], ...",
				    path, line, q);
		for (int i = 0; i < sc->nsecs; i++)
			if (sc->secs[i].num == num)
				return fail(err, errlen, "%s:%d: [%s] repeats [%s] from line %d",
					    path, line, q, sc->secs[i].name, sc->secs[i].line);
		if (sc->nsecs >= ALBUM_MAX_TRACKS + 1)
			return fail(err, errlen, "%s:%d: more than %d tracks", path, line, ALBUM_MAX_TRACKS);
		cur = &sc->secs[sc->nsecs++];
		cur->num = num;
		cur->line = line;
		snprintf(cur->name, sizeof cur->name, "%s", s);
		return ST_OK;
	}
	char *eq = strchr(s, '=');
	if (!eq) {
		quote(q, sizeof q, s);
		return fail(err, errlen, "%s:%d: syntax error: expected KEY = VALUE or [section], got '%s'",
			    path, line, q);
	}
	*eq = 0;
	s = ini_trim(s);
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	quote(q, sizeof q, s);
	if (!*s)
		return fail(err, errlen, "%s:%d: syntax error: no key before '='", path, line);
	if (!cur)
		return fail(err, errlen, "%s:%d: %s is outside any section (put it under [album] or [trackN])",
			    path, line, q);
	const char *const *names = cur->num ? track_keys : album_keys;
	int n = cur->num ? N_TRACK_KEYS : N_ALBUM_KEYS, id = -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			id = i;
	if (id < 0) {
		list(hint, sizeof hint, names, n);
		return fail(err, errlen, "%s:%d: unknown key %s.%s; [%s] has: %s", path, line,
			    cur->num ? "track" : "album", q, cur->num ? "trackN" : "album", hint);
	}
	for (int i = 0; i < sc->nkeys; i++)
		if (sc->keys[i].sec == cur->num && sc->keys[i].id == id)
			return fail(err, errlen, "%s:%d: %s.%s is set twice (first on line %d)",
				    path, line, cur->name, s, sc->keys[i].line);
	if (sc->nkeys >= KEYS_MAX)
		return fail(err, errlen, "%s:%d: too many keys", path, line);
	struct key *k = &sc->keys[sc->nkeys++];
	k->sec = cur->num;
	k->id = id;
	k->line = line;
	snprintf(k->secname, sizeof k->secname, "%s", cur->name);
	return ST_OK;
}

static int scan_file(const char *path, struct scan *sc, char *err, int errlen)
{
	char buf[LINE_MAX_LEN + 2];
	long total = 0;
	int line = 0, c = 0, rc = ST_OK;
	FILE *f = fopen(path, "rb");

	if (!f) {
		snprintf(err, (size_t)errlen, "%s: cannot open: %s", path, strerror(errno));
		return ST_INPUT;
	}
	ini_skip_bom(f);
	while (rc == ST_OK && c != EOF) {
		size_t len = 0;
		line++;
		while ((c = getc(f)) != EOF && c != '\n') {
			if (++total > FILE_MAX) {
				rc = fail(err, errlen, "%s: larger than %ld bytes: not an album file", path, FILE_MAX);
				break;
			}
			if (c == 0 || (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
				rc = fail(err, errlen, "%s:%d: binary data (byte 0x%02x): not an album file",
					  path, line, c);
				break;
			}
			if (len >= LINE_MAX_LEN) {
				rc = fail(err, errlen, "%s:%d: line too long (more than %d characters)",
					  path, line, LINE_MAX_LEN);
				break;
			}
			buf[len++] = (char)c;
		}
		if (rc)
			break;
		if (ferror(f)) {
			snprintf(err, (size_t)errlen, "%s: cannot read: %s", path, strerror(errno));
			rc = ST_INPUT;
			break;
		}
		buf[len] = 0;
		/* iniparser would join this line with the next. */
		char *t = ini_trim(buf);
		if (*t && *t != ';' && *t != '#' && t[strlen(t) - 1] == '\\') {
			rc = fail(err, errlen, "%s:%d: a line may not end in '\\' (continuations are not allowed)",
				  path, line);
			break;
		}
		rc = scan_line(sc, buf, line, path, err, errlen);
	}
	fclose(f);
	if (rc == ST_OK && sc->nsecs == 0)
		rc = fail(err, errlen, "%s: no [album] or [trackN] section: not an album file", path);
	return rc;
}

/* The folder of path, with a trailing '/', or "" for the current one. */
static void dir_of(char *buf, size_t size, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		buf[0] = 0;
	else
		snprintf(buf, size, "%.*s", (int)(slash - path + 1), path);
}

static int join(char *out, size_t size, const char *dir, const char *rel)
{
	int n = rel[0] == '/' ? snprintf(out, size, "%s", rel) : snprintf(out, size, "%s%s", dir, rel);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Applies "mod.param=v, mod.param=v" to v; messages as FILE:LINE. */
static int apply_sets(const char *list_text, double v[P_COUNT], const char *path, int line,
		      const char *what, char *err, int errlen)
{
	char buf[LINE_MAX_LEN + 1], msg[ERRLEN];
	char *save = NULL, *item;
	int any = 0;

	snprintf(buf, sizeof buf, "%s", list_text);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		item = ini_trim(item);
		if (!*item)
			continue;
		any = 1;
		if (param_set_from_string(item, v, msg, sizeof msg)) {
			const char *m = strncmp(msg, "--set: ", 7) ? msg : msg + 7;
			return fail(err, errlen, "%s:%d: %s.set: %s", path, line, what, m);
		}
	}
	if (!any)
		return fail(err, errlen, "%s:%d: %s.set has no value (MODULE.PARAM=VALUE, ...)", path, line, what);
	return ST_OK;
}

/* Resolves and loads a preset named in the album file into v. */
static int load_preset(const char *value, const char *dir, double v[P_COUNT],
		       const char *path, int line, char *err, int errlen)
{
	char pp[4096], rel[4096], msg[ERRLEN];
	size_t n = strlen(value);
	int rc;

	if (strchr(value, '/') || (n >= 4 && !strcmp(value + n - 4, ".ini"))) {
		if (join(rel, sizeof rel, dir, value))
			return fail(err, errlen, "%s:%d: preset path too long", path, line);
		value = rel;
	}
	rc = preset_resolve(value, pp, sizeof pp, msg, sizeof msg);
	if (rc)
		return fail(err, errlen, "%s:%d: %s", path, line, msg);
	/* preset_load names the preset file and its own line. */
	return preset_load(pp, v, NULL, 0, NULL, 0, err, errlen);
}

static const char *value_of(dictionary *d, const char *sec, const char *key)
{
	char k[96];
	snprintf(k, sizeof k, "%s:%s", sec, key);
	return iniparser_getstring(d, k, NULL);
}

static int key_line(const struct scan *sc, int sec, const char *const *names, const char *key)
{
	for (int i = 0; i < sc->nkeys; i++)
		if (sc->keys[i].sec == sec && !strcmp(names[sc->keys[i].id], key))
			return sc->keys[i].line;
	return 0;
}

static int cmp_sec(const void *a, const void *b)
{
	const struct sec *x = a, *y = b;
	return (x->num > y->num) - (x->num < y->num);
}

static int album_values(struct album *al, const struct scan *sc, dictionary *d,
			const char *default_preset, char *err, int errlen)
{
	const char *path = al->path, *val;
	char dir[4096], q[48];
	double base[P_COUNT], x;
	int line, rc;

	dir_of(dir, sizeof dir, path);
	params_defaults(base);
	/* The version first: a newer file's unknown keys are best explained
	 * by its version. */
	if ((line = key_line(sc, 0, album_keys, "version"))) {
		val = value_of(d, "album", "version");
		quote(q, sizeof q, val ? val : "");
		if (!val || parse_double(val, &x) || x < 1 || x != floor(x))
			return fail(err, errlen, "%s:%d: album.version = %s is not a format version (a whole number, %d for this lathe)",
				    path, line, q, ALBUM_VERSION);
		if (x > ALBUM_VERSION)
			return fail(err, errlen, "%s:%d: format version %s is newer than this lathe reads (%d): upgrade lathe",
				    path, line, q, ALBUM_VERSION);
	}
	for (int i = 0; i < sc->nkeys; i++) {
		const struct key *k = &sc->keys[i];
		const char *key;
		if (k->sec != 0)
			continue;
		key = album_keys[k->id];
		line = k->line;
		val = value_of(d, "album", key);
		if (!val)
			return fail(err, errlen, "%s:%d: album.%s could not be read", path, line, key);
		quote(q, sizeof q, val);
		if (!*val && strcmp(key, "name"))
			return fail(err, errlen, "%s:%d: album.%s has no value", path, line, key);
		if (!strcmp(key, "name")) {
			snprintf(al->name, sizeof al->name, "%s", val);
		} else if (!strcmp(key, "target")) {
			if (parse_double(val, &x))
				return fail(err, errlen, "%s:%d: album.target = %s is not a number (LUFS, e.g. -14)", path, line, q);
			if (x < -60 || x > 0)
				return fail(err, errlen, "%s:%d: album.target = %s is out of range (-60 to 0 LUFS)", path, line, q);
			al->has_target = 1;
			al->target = x;
		} else if (!strcmp(key, "ceiling")) {
			const struct param_desc *pd = &param_table[P_LIMITER_CEILING];
			if (parse_double(val, &x))
				return fail(err, errlen, "%s:%d: album.ceiling = %s is not a number (dBTP, e.g. -1)", path, line, q);
			if (x < pd->min || x > pd->max)
				return fail(err, errlen, "%s:%d: album.ceiling = %s is out of range (%g to %g dBTP)",
					    path, line, q, pd->min, pd->max);
			al->has_ceiling = 1;
			al->ceiling = x;
		} else if (!strcmp(key, "mode")) {
			if (!strcasecmp(val, "track"))
				al->mode = ALBUM_MODE_TRACK;
			else if (!strcasecmp(val, "album"))
				al->mode = ALBUM_MODE_ALBUM;
			else
				return fail(err, errlen, "%s:%d: album.mode = %s: expected track (each track on the target) or album (one gain for all)",
					    path, line, q);
		} else if (!strcmp(key, "output")) {
			if (join(al->outdir, sizeof al->outdir, dir, val))
				return fail(err, errlen, "%s:%d: album.output: path too long", path, line);
		} else if (!strcmp(key, "format")) {
			if (!strcasecmp(val, "wav") || !strcasecmp(val, "flac") || !strcasecmp(val, "aiff"))
				snprintf(al->format, sizeof al->format, "%s", val);
			else if (!strcasecmp(val, "aif"))
				snprintf(al->format, sizeof al->format, "aiff");
			else
				return fail(err, errlen, "%s:%d: album.format = %s: expected wav, flac or aiff", path, line, q);
			for (char *p = al->format; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		} else if (!strcmp(key, "bits")) {
			if (!strcmp(val, "16") || !strcmp(val, "24"))
				al->bits = atoi(val);
			else if (!strcmp(val, "32f") || !strcmp(val, "32"))
				al->bits = 32;
			else
				return fail(err, errlen, "%s:%d: album.bits = %s: expected 16, 24 or 32f", path, line, q);
		}
	}
	if (al->bits == 32 && !strcmp(al->format, "flac"))
		return fail(err, errlen, "%s:%d: album.bits = 32f: FLAC has no float samples (use wav or aiff, or 24)",
			    path, key_line(sc, 0, album_keys, "bits"));

	/* The album's own chain: preset, ceiling, set; tracks start from it. */
	if ((line = key_line(sc, 0, album_keys, "preset"))) {
		rc = load_preset(value_of(d, "album", "preset"), dir, base, path, line, err, errlen);
		if (rc)
			return rc;
	} else if (default_preset) {
		char pp[4096];
		rc = preset_resolve(default_preset, pp, sizeof pp, err, errlen);
		if (!rc)
			rc = preset_load(pp, base, NULL, 0, NULL, 0, err, errlen);
		if (rc)
			return rc;
	}
	int ntr = 0;
	for (int i = 0; i < sc->nsecs; i++)
		ntr += sc->secs[i].num > 0;
	al->tracks = calloc((size_t)(ntr ? ntr : 1), sizeof *al->tracks);
	if (!al->tracks) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		return ST_INPUT;
	}
	for (int s = 0; s < sc->nsecs; s++) {
		const struct sec *sec = &sc->secs[s];
		struct album_track *t;
		if (!sec->num)
			continue;
		t = &al->tracks[al->ntracks++];
		t->line = sec->line;
		memcpy(t->v, base, sizeof base);
		/* Every [trackN] needs a file, before anything else is said. */
		t->file_line = key_line(sc, sec->num, track_keys, "file");
		if (!t->file_line)
			return fail(err, errlen, "%s:%d: [%s] has no file = ...", path, sec->line, sec->name);
		if ((line = key_line(sc, sec->num, track_keys, "preset"))) {
			val = value_of(d, sec->name, "preset");
			if (!val || !*val)
				return fail(err, errlen, "%s:%d: %s.preset has no value", path, line, sec->name);
			params_defaults(t->v);
			rc = load_preset(val, dir, t->v, path, line, err, errlen);
			if (rc)
				return rc;
		}
		if (al->has_ceiling)
			t->v[P_LIMITER_CEILING] = al->ceiling;
		if ((line = key_line(sc, 0, album_keys, "set"))) {
			rc = apply_sets(value_of(d, "album", "set"), t->v, path, line, "album", err, errlen);
			if (rc)
				return rc;
		}
		if ((line = key_line(sc, sec->num, track_keys, "set"))) {
			val = value_of(d, sec->name, "set");
			rc = apply_sets(val ? val : "", t->v, path, line, sec->name, err, errlen);
			if (rc)
				return rc;
		}
		if ((line = key_line(sc, sec->num, track_keys, "output"))) {
			val = value_of(d, sec->name, "output");
			quote(q, sizeof q, val ? val : "");
			if (!val || !*val)
				return fail(err, errlen, "%s:%d: %s.output has no value", path, line, sec->name);
			if (strchr(val, '/') || !strcmp(val, ".") || !strcmp(val, ".."))
				return fail(err, errlen, "%s:%d: %s.output = %s: a file name in the output folder, not a path",
					    path, line, sec->name, q);
			if (strlen(val) >= sizeof t->output)
				return fail(err, errlen, "%s:%d: %s.output: name too long", path, line, sec->name);
			snprintf(t->output, sizeof t->output, "%s", val);
		}
		line = t->file_line;
		val = value_of(d, sec->name, "file");
		quote(q, sizeof q, val ? val : "");
		if (!val || !*val)
			return fail(err, errlen, "%s:%d: %s.file has no value", path, line, sec->name);
		if (join(t->file, sizeof t->file, dir, val))
			return fail(err, errlen, "%s:%d: %s.file: path too long", path, line, sec->name);
		struct stat st;
		if (stat(t->file, &st) != 0)
			return fail(err, errlen, "%s:%d: %s.file = %s: %s", path, line, sec->name, q,
				    errno == ENOENT ? "no such file (names are relative to the album file)" : strerror(errno));
		if (S_ISDIR(st.st_mode))
			return fail(err, errlen, "%s:%d: %s.file = %s: is a folder, not an audio file",
				    path, line, sec->name, q);
	}
	if (al->ntracks == 0)
		return fail(err, errlen, "%s: no tracks ([track1] with file = ...)", path);
	return ST_OK;
}

int album_load(const char *path, const char *default_preset, struct album *al,
	       char *err, int errlen)
{
	char ini_msg[256];
	struct scan sc = { 0 };
	struct stat st;
	dictionary *d = NULL;
	int rc;

	memset(al, 0, sizeof *al);
	size_t len = strlen(path);
	if (len >= sizeof al->path) {
		snprintf(err, (size_t)errlen, "%.400s: path too long", path);
		return ST_USAGE;
	}
	memcpy(al->path, path, len + 1);
	if (stat(path, &st) != 0) {
		snprintf(err, (size_t)errlen, "%s: cannot open: %s", path, strerror(errno));
		return ST_INPUT;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, (size_t)errlen, "%s: not a regular file", path);
		return ST_INPUT;
	}
	sc.keys = calloc(KEYS_MAX, sizeof *sc.keys);
	sc.secs = calloc(ALBUM_MAX_TRACKS + 1, sizeof *sc.secs);
	if (!sc.keys || !sc.secs) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		rc = ST_INPUT;
		goto out;
	}
	rc = scan_file(path, &sc, err, errlen);
	if (rc)
		goto out;
	qsort(sc.secs, (size_t)sc.nsecs, sizeof *sc.secs, cmp_sec);
	d = ini_load_quiet(path, ini_msg, sizeof ini_msg);
	if (!d) {
		snprintf(err, (size_t)errlen, "%s: cannot be read%s%s", path, ini_msg[0] ? ": " : "", ini_trim(ini_msg));
		rc = ST_INPUT;
		goto out;
	}
	rc = album_values(al, &sc, d, default_preset, err, errlen);
out:
	if (d)
		iniparser_freedict(d);
	free(sc.keys);
	free(sc.secs);
	if (rc)
		album_free(al);
	return rc;
}

void album_free(struct album *al)
{
	free(al->tracks);
	al->tracks = NULL;
	al->ntracks = 0;
}

int album_check_audio(const struct album *al, char *err, int errlen)
{
	for (int i = 0; i < al->ntracks; i++) {
		const struct album_track *t = &al->tracks[i];
		struct source *src;
		char msg[ERRLEN];
		int rc = source_open(&src, t->file, msg, sizeof msg);
		if (rc) {
			if (t->file_line)
				snprintf(err, (size_t)errlen, "%s:%d: %s", al->path, t->file_line, msg);
			else
				snprintf(err, (size_t)errlen, "%s", msg);
			return rc;
		}
		source_close(src);
	}
	return ST_OK;
}

/* ---- comparison ------------------------------------------------------- */

double album_loudness(const double *lufs, const double *seconds, int n)
{
	double e = 0, t = 0;
	for (int i = 0; i < n; i++) {
		if (!isfinite(lufs[i]) || !(seconds[i] > 0))
			continue;
		e += seconds[i] * pow(10, lufs[i] / 10);
		t += seconds[i];
	}
	return t > 0 && e > 0 ? 10 * log10(e / t) : -INFINITY;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of the finite values among n; NaN when there are none. */
static double median(double *x, int n)
{
	int m = 0;
	for (int i = 0; i < n; i++)
		if (isfinite(x[i]))
			x[m++] = x[i];
	if (m == 0)
		return NAN;
	qsort(x, (size_t)m, sizeof *x, cmp_double);
	return m % 2 ? x[m / 2] : 0.5 * (x[m / 2 - 1] + x[m / 2]);
}

void album_compare(struct track_figures *t, int n, struct album_summary *s)
{
	double *x = malloc((size_t)(n ? n : 1) * sizeof *x);
	double *dur = malloc((size_t)(n ? n : 1) * sizeof *dur);
	double lo = INFINITY, hi = -INFINITY;
	int m;

	memset(s, 0, sizeof *s);
	s->max_true_peak = -INFINITY;
	if (!x || !dur) {
		free(x);
		free(dur);
		return;
	}
#define MEDIAN_OF(expr, out) do { \
		m = 0; \
		for (int i = 0; i < n; i++) \
			if (t[i].ok) \
				x[m++] = (expr); \
		(out) = median(x, m); \
	} while (0)
	MEDIAN_OF(t[i].a.integrated_lufs, s->median_lufs);
	MEDIAN_OF(t[i].a.lra_lu, s->median_lra);
	MEDIAN_OF(t[i].a.plr_db, s->median_plr);
	MEDIAN_OF(t[i].t.tilt_db_oct, s->median_tilt);
	for (int b = 0; b < TONAL_BANDS; b++)
		MEDIAN_OF(t[i].t.band_db[b], s->median_band[b]);
#undef MEDIAN_OF
	m = 0;
	for (int i = 0; i < n; i++) {
		struct track_figures *f = &t[i];
		f->flags = 0;
		if (!f->ok)
			continue;
		x[m] = f->a.integrated_lufs;
		dur[m++] = f->a.duration_s;
		s->n++;
		if (isfinite(f->a.integrated_lufs)) {
			lo = fmin(lo, f->a.integrated_lufs);
			hi = fmax(hi, f->a.integrated_lufs);
		}
		s->max_true_peak = fmax(s->max_true_peak, f->a.true_peak_dbtp);
		f->d_lufs = f->a.integrated_lufs - s->median_lufs;
		f->d_lra = f->a.lra_lu - s->median_lra;
		f->d_plr = f->a.plr_db - s->median_plr;
		f->d_tilt = f->t.tilt_db_oct - s->median_tilt;
		if (fabs(f->d_lufs) > OUTLIER_LOUDNESS_LU)
			f->flags |= OUT_LOUDNESS;
		if (fabs(f->d_lra) > OUTLIER_LRA_LU)
			f->flags |= OUT_LRA;
		if (fabs(f->d_plr) > OUTLIER_PLR_DB)
			f->flags |= OUT_PLR;
		if (fabs(f->d_tilt) > OUTLIER_TILT_DB_OCT)
			f->flags |= OUT_TILT;
		for (int b = 0; b < TONAL_BANDS; b++) {
			f->d_band[b] = f->t.band_db[b] - s->median_band[b];
			if (fabs(f->d_band[b]) > OUTLIER_BAND_DB)
				f->flags |= OUT_BAND0 << b;
		}
		/* A silent track has nothing to compare. */
		if (!isfinite(f->a.integrated_lufs))
			f->flags |= OUT_LOUDNESS;
		s->outliers += f->flags != 0;
	}
	s->album_lufs = album_loudness(x, dur, m);
	s->spread_lu = hi >= lo ? hi - lo : 0;
	free(x);
	free(dur);
}

void album_flag_text(const struct track_figures *t, char *buf, int size)
{
	size_t len = 0, n = (size_t)size;
	buf[0] = 0;
#define ADD(...) do { \
		if (len < n) \
			len += (size_t)snprintf(buf + len, n - len, __VA_ARGS__); \
	} while (0)
	if (t->flags & OUT_LOUDNESS) {
		if (isfinite(t->d_lufs))
			ADD("%sloudness %+.1f LU", len ? ", " : "", t->d_lufs);
		else
			ADD("%ssilent", len ? ", " : "");
	}
	if (t->flags & OUT_LRA)
		ADD("%sLRA %+.1f LU", len ? ", " : "", t->d_lra);
	if (t->flags & OUT_PLR)
		ADD("%sPLR %+.1f dB", len ? ", " : "", t->d_plr);
	if (t->flags & OUT_TILT)
		ADD("%stilt %+.1f dB/oct (%s)", len ? ", " : "", t->d_tilt,
		    t->d_tilt > 0 ? "brighter" : "darker");
	for (int b = 0; b < TONAL_BANDS; b++)
		if (t->flags & (OUT_BAND0 << b))
			ADD("%s%s %+.1f dB", len ? ", " : "", tonal_band_names[b], t->d_band[b]);
#undef ADD
}

static void cell(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		snprintf(buf, n, "-");
	else if (fabs(v) >= 99.95)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%.1f", v);
}

static void row(FILE *f, const char *mark, const char *name, double lufs, double lra,
		double tp, double plr, double tilt, const double *bands)
{
	char c[11][16];
	size_t len = strlen(name);
	cell(c[0], 16, lufs);
	cell(c[1], 16, lra);
	cell(c[2], 16, tp);
	cell(c[3], 16, plr);
	cell(c[4], 16, tilt);
	for (int b = 0; b < TONAL_BANDS; b++)
		cell(c[5 + b], 16, bands[b]);
	/* The end of a long name tells tracks apart; the start is a folder. */
	if (len > 18)
		fprintf(f, "%s..%-16s", mark, name + len - 16);
	else
		fprintf(f, "%s%-18s", mark, name);
	fprintf(f, "%6s%5s%6s%5s%6s", c[0], c[1], c[2], c[3], c[4]);
	for (int b = 0; b < TONAL_BANDS; b++)
		fprintf(f, "%6s", c[5 + b]);
	fputc('\n', f);
}

void album_print_table(FILE *f, const struct track_figures *t, int n,
		       const struct album_summary *s)
{
	/* 80 columns: 20 for the name, 28 for loudness, 36 for tone. */
	fprintf(f, "  %-18s%6s%5s%6s%5s%6s%6s%6s%6s%6s%6s%6s\n", "track", "LUFS", "LRA", "dBTP",
		"PLR", "tilt", "sub", "low", "lomid", "himid", "high", "air");
	for (int i = 0; i < n; i++) {
		if (!t[i].ok) {
			fprintf(f, "  %-18.18s  (not measured)\n", t[i].name);
			continue;
		}
		row(f, t[i].flags ? "* " : "  ", t[i].name, t[i].a.integrated_lufs, t[i].a.lra_lu,
		    t[i].a.true_peak_dbtp, t[i].a.plr_db, t[i].t.tilt_db_oct, t[i].t.band_db);
	}
	if (s->n > 1)
		row(f, "  ", "median", s->median_lufs, s->median_lra, NAN, s->median_plr,
		    s->median_tilt, s->median_band);
	fprintf(f, "  (LUFS integrated; LRA in LU; tilt in dB/oct, 0 = pink; bands in dB of the total)\n");
	if (s->n < 2)
		return;
	fprintf(f, "\nalbum: %.1f LUFS over all tracks, loudness spread %.1f LU, highest true peak %.1f dBTP\n",
		s->album_lufs, s->spread_lu, s->max_true_peak);
	if (!s->outliers) {
		fprintf(f, "no track stands out from the median (loudness %.0f LU, tilt %.0f dB/oct, bands %.0f dB, LRA %.0f LU, PLR %.0f dB)\n",
			OUTLIER_LOUDNESS_LU, OUTLIER_TILT_DB_OCT, OUTLIER_BAND_DB, OUTLIER_LRA_LU, OUTLIER_PLR_DB);
		return;
	}
	fprintf(f, "stands out from the album median:\n");
	for (int i = 0; i < n; i++) {
		char buf[512];
		if (!t[i].ok || !t[i].flags)
			continue;
		album_flag_text(&t[i], buf, sizeof buf);
		fprintf(f, "  %s: %s\n", t[i].name, buf);
	}
}

/* ---- JSON ------------------------------------------------------------- */

void album_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* JSON has no infinity: silence reads as null. */
static void jnum(FILE *f, const char *key, double v, const char *sep)
{
	if (isfinite(v))
		fprintf(f, "\"%s\": %.2f%s", key, v, sep);
	else
		fprintf(f, "\"%s\": null%s", key, sep);
}

void album_json_figures(FILE *f, const struct track_figures *t)
{
	const struct analysis *a = &t->a;
	jnum(f, "integrated_lufs", a->integrated_lufs, ", ");
	jnum(f, "short_term_max_lufs", a->short_term_max_lufs, ", ");
	jnum(f, "momentary_max_lufs", a->momentary_max_lufs, ", ");
	jnum(f, "lra_lu", a->lra_lu, ", ");
	jnum(f, "true_peak_dbtp", a->true_peak_dbtp, ", ");
	jnum(f, "sample_peak_dbfs", a->sample_peak_dbfs, ", ");
	jnum(f, "plr_db", a->plr_db, ", ");
	fprintf(f, "\"duration_s\": %.3f, \"sample_rate\": %d, \"channels\": %d, ",
		a->duration_s, a->sample_rate, a->channels);
	jnum(f, "tilt_db_oct", t->t.tilt_db_oct, ", ");
	fprintf(f, "\"bands_db\": {");
	for (int b = 0; b < TONAL_BANDS; b++)
		jnum(f, tonal_band_names[b], t->t.band_db[b], b + 1 < TONAL_BANDS ? ", " : "");
	fprintf(f, "}");
}

void album_json_outliers(FILE *f, const struct track_figures *t)
{
	const char *sep = "";
	fprintf(f, "\"outlier\": %s, \"outliers\": {", t->flags ? "true" : "false");
#define ONE(bit, key, d) do { \
		if (t->flags & (bit)) { \
			fputs(sep, f); \
			jnum(f, key, d, ""); \
			sep = ", "; \
		} \
	} while (0)
	/* Names of their own, so that line tools looking for a figure's key
	 * never pick up a difference instead. */
	ONE(OUT_LOUDNESS, "loudness_off_lu", t->d_lufs);
	ONE(OUT_LRA, "lra_off_lu", t->d_lra);
	ONE(OUT_PLR, "plr_off_db", t->d_plr);
	ONE(OUT_TILT, "tilt_off_db_oct", t->d_tilt);
	for (int b = 0; b < TONAL_BANDS; b++) {
		char key[32];
		snprintf(key, sizeof key, "%s_off_db", tonal_band_names[b]);
		ONE(OUT_BAND0 << b, key, t->d_band[b]);
	}
#undef ONE
	fprintf(f, "}");
}

void album_json_summary(FILE *f, const struct album_summary *s)
{
	jnum(f, "album_lufs", s->album_lufs, ", ");
	jnum(f, "loudness_spread_lu", s->spread_lu, ", ");
	jnum(f, "max_true_peak_dbtp", s->max_true_peak, ", ");
	fprintf(f, "\"median\": {");
	jnum(f, "integrated_lufs", s->median_lufs, ", ");
	jnum(f, "lra_lu", s->median_lra, ", ");
	jnum(f, "plr_db", s->median_plr, ", ");
	jnum(f, "tilt_db_oct", s->median_tilt, ", ");
	fprintf(f, "\"bands_db\": {");
	for (int b = 0; b < TONAL_BANDS; b++)
		jnum(f, tonal_band_names[b], s->median_band[b], b + 1 < TONAL_BANDS ? ", " : "");
	fprintf(f, "}}, \"outliers\": %d", s->outliers);
}
