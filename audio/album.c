/* Album files: reading and checking them. */
#include "album.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cue.h"
#include "fade.h"
#include "iniload.h"
#include "preset.h"
#include "source.h"
#include "status.h"

#define KEYS_MAX 4096

static const char *const album_keys[] = {
	"name", "version", "target", "ceiling", "mode", "output", "format", "bits",
	"preset", "set", "artist", "date", "comment", "continuous",
};
static const char *const track_keys[] = {
	"file", "preset", "set", "output", "title", "artist", "isrc", "comment",
	"gap", "fade_in", "fade_out",
};
#define N_ALBUM_KEYS (int)(sizeof album_keys / sizeof album_keys[0])
#define N_TRACK_KEYS (int)(sizeof track_keys / sizeof track_keys[0])

/* One key of the file as our own scan saw it: section -1 is [album],
 * otherwise the track number. */
struct key {
	int sec;
	int id;
	int line;
};

struct sec {
	int num;        /* track number; 0 for [album] */
	char name[32];
	int line;
};

struct scan {
	const char *path;
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

/* Each section and key line as the INI reader hands it over: the
 * errors the INI format would let through (unknown or repeated
 * sections and keys), with line numbers kept for later messages. */
static int check_line(void *ctx, const struct ini_entry *e, char *err, int errlen)
{
	struct scan *sc = ctx;
	const char *path = sc->path;
	char q[48], hint[256];
	struct sec *cur = sc->nsecs ? &sc->secs[sc->nsecs - 1] : NULL;
	int line = e->line;

	if (!e->key) {
		ini_quote(q, sizeof q, e->section);
		int num = strcmp(e->section, "album") ? track_number(e->section) : 0;
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
		snprintf(cur->name, sizeof cur->name, "%s", e->section);
		return ST_OK;
	}
	ini_quote(q, sizeof q, e->key);
	if (!cur)
		return fail(err, errlen, "%s:%d: %s is outside any section (put it under [album] or [trackN])",
			    path, line, q);
	const char *const *names = cur->num ? track_keys : album_keys;
	int n = cur->num ? N_TRACK_KEYS : N_ALBUM_KEYS, id = -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(e->key, names[i]))
			id = i;
	if (id < 0) {
		list(hint, sizeof hint, names, n);
		return fail(err, errlen, "%s:%d: unknown key %s.%s; [%s] has: %s", path, line,
			    cur->num ? "track" : "album", q, cur->num ? "trackN" : "album", hint);
	}
	if (e->first_line)
		return fail(err, errlen, "%s:%d: %s.%s is set twice (first on line %d)",
			    path, line, cur->name, e->key, e->first_line);
	if (sc->nkeys >= KEYS_MAX)
		return fail(err, errlen, "%s:%d: too many keys", path, line);
	struct key *k = &sc->keys[sc->nkeys++];
	k->sec = cur->num;
	k->id = id;
	k->line = line;
	return ST_OK;
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
	char buf[INI_LINE_MAX + 1], msg[ERRLEN];
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

static const char *value_of(const struct ini_file *ini, const char *sec, const char *key)
{
	return ini_get(ini, sec, key, NULL);
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

/* A tag key of [album] or [trackN] into t, checked as --tag checks it. */
static int tag_value(const char *key, const char *val, struct album_tags *t, const char *path,
		     int line, const char *sec, char *err, int errlen)
{
	char kv[TAG_VALUE_MAX + 64], msg[ERRLEN], k[16], value[TAG_VALUE_MAX + 8];

	snprintf(kv, sizeof kv, "%s=%s", key, val);
	if (strlen(val) > TAG_VALUE_MAX || tag_check(kv, msg, sizeof msg))
		return fail(err, errlen, "%s:%d: %s.%s: %s", path, line, sec, key,
			    strlen(val) > TAG_VALUE_MAX ? "longer than 512 bytes" : msg);
	tag_split(kv, k, sizeof k, value, sizeof value);
	char *dst = !strcmp(key, "title") ? t->title : !strcmp(key, "artist") ? t->artist
		  : !strcmp(key, "comment") ? t->comment : !strcmp(key, "date") ? t->date : NULL;
	value[dst ? TAG_VALUE_MAX : sizeof t->isrc - 1] = 0;  /* checked above */
	if (dst) {
		memcpy(dst, value, strlen(value) + 1);
	} else {
		memcpy(t->isrc, value, strlen(value) + 1);
		t->isrc_line = line;
	}
	return ST_OK;
}

/* gap, fade_in, fade_out: seconds. */
static int seconds_value(const char *key, const char *val, double *out, const char *path,
			 int line, const char *sec, char *err, int errlen)
{
	double max = !strcmp(key, "gap") ? ALBUM_GAP_MAX_S : FADE_MAX_S, x;
	char q[48];

	ini_quote(q, sizeof q, val);
	if (parse_double(val, &x))
		return fail(err, errlen, "%s:%d: %s.%s = %s is not a number (seconds)", path, line, sec, key, q);
	if (x < 0 || x > max)
		return fail(err, errlen, "%s:%d: %s.%s = %s is out of range (0 to %g s)", path, line, sec, key, q, max);
	*out = x;
	return ST_OK;
}

/* The keys of [trackN] that are metadata and sequencing. */
static int track_extras(struct album_track *t, const struct scan *sc, int num, const char *sec,
			const struct ini_file *d, const char *path, char *err, int errlen)
{
	static const char *const tagk[] = { "title", "artist", "isrc", "comment" };
	static const char *const seck[] = { "gap", "fade_in", "fade_out" };
	double *dst[] = { &t->gap_s, &t->fade_in_s, &t->fade_out_s };
	int line, rc;

	for (int i = 0; i < 4; i++)
		if ((line = key_line(sc, num, track_keys, tagk[i]))) {
			const char *val = value_of(d, sec, tagk[i]);
			rc = tag_value(tagk[i], val ? val : "", &t->tags, path, line, sec, err, errlen);
			if (rc)
				return rc;
		}
	for (int i = 0; i < 3; i++)
		if ((line = key_line(sc, num, track_keys, seck[i]))) {
			const char *val = value_of(d, sec, seck[i]);
			rc = seconds_value(seck[i], val ? val : "", dst[i], path, line, sec, err, errlen);
			if (rc)
				return rc;
		}
	return ST_OK;
}

/* What the continuous file and its CUE sheet need of the tracks. */
static int check_continuous(const struct album *al, char *err, int errlen)
{
	const char *bad = NULL;
	if (!al->continuous[0])
		return ST_OK;
	for (int i = 0; i < al->ntracks; i++) {
		const struct album_tags *t = &al->tracks[i].tags;
		bad = cue_text_ok(t->title) ? "title" : cue_text_ok(t->artist) ? "artist" : NULL;
		if (bad)
			return fail(err, errlen, "%s:%d: track%d.%s has a double quote, which a CUE sheet cannot hold",
				    al->path, al->tracks[i].line, i + 1, bad);
	}
	if (cue_text_ok(al->name) || cue_text_ok(al->tags.artist))
		return fail(err, errlen, "%s:%d: the album's name or artist has a double quote, which a CUE sheet cannot hold",
			    al->path, al->continuous_line);
	return ST_OK;
}

static int album_values(struct album *al, const struct scan *sc, const struct ini_file *d,
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
		ini_quote(q, sizeof q, val ? val : "");
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
		ini_quote(q, sizeof q, val);
		if (!*val && strcmp(key, "name"))
			return fail(err, errlen, "%s:%d: album.%s has no value", path, line, key);
		if (!strcmp(key, "name")) {
			snprintf(al->name, sizeof al->name, "%s", val);
		} else if (!strcmp(key, "artist") || !strcmp(key, "date") || !strcmp(key, "comment")) {
			rc = tag_value(key, val, &al->tags, path, line, "album", err, errlen);
			if (rc)
				return rc;
		} else if (!strcmp(key, "continuous")) {
			if (strchr(val, '/') || !strcmp(val, ".") || !strcmp(val, ".."))
				return fail(err, errlen, "%s:%d: album.continuous = %s: a file name in the output folder, not a path",
					    path, line, q);
			if (strlen(val) >= sizeof al->continuous)
				return fail(err, errlen, "%s:%d: album.continuous: name too long", path, line);
			snprintf(al->continuous, sizeof al->continuous, "%s", val);
			al->continuous_line = line;
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
			/* A shared album file must not write anywhere it likes:
			 * its output stays below its own folder (-o is the way
			 * to write elsewhere). */
			if (val[0] == '/' || !strcmp(val, "..") || !strncmp(val, "../", 3) ||
			    strstr(val, "/../") || (strlen(val) >= 3 && !strcmp(val + strlen(val) - 3, "/..")))
				return fail(err, errlen, "%s:%d: album.output = %s: must be a folder below the album file's "
					    "(no absolute path, no ..); -o DIR writes elsewhere", path, line, q);
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
	char apreset[256] = "";   /* its name, for the console to show */
	if ((line = key_line(sc, 0, album_keys, "preset"))) {
		snprintf(apreset, sizeof apreset, "%s", value_of(d, "album", "preset"));
		rc = load_preset(value_of(d, "album", "preset"), dir, base, path, line, err, errlen);
		if (rc)
			return rc;
	} else if (default_preset) {
		char pp[4096];
		snprintf(apreset, sizeof apreset, "%s", default_preset);
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
		snprintf(t->preset, sizeof t->preset, "%s", apreset);
		/* Every [trackN] needs a file, before anything else is said. */
		t->file_line = key_line(sc, sec->num, track_keys, "file");
		if (!t->file_line)
			return fail(err, errlen, "%s:%d: [%s] has no file = ...", path, sec->line, sec->name);
		if ((line = key_line(sc, sec->num, track_keys, "preset"))) {
			val = value_of(d, sec->name, "preset");
			if (!val || !*val)
				return fail(err, errlen, "%s:%d: %s.preset has no value", path, line, sec->name);
			params_defaults(t->v);
			snprintf(t->preset, sizeof t->preset, "%s", val);
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
			ini_quote(q, sizeof q, val ? val : "");
			if (!val || !*val)
				return fail(err, errlen, "%s:%d: %s.output has no value", path, line, sec->name);
			if (strchr(val, '/') || !strcmp(val, ".") || !strcmp(val, ".."))
				return fail(err, errlen, "%s:%d: %s.output = %s: a file name in the output folder, not a path",
					    path, line, sec->name, q);
			if (strlen(val) >= sizeof t->output)
				return fail(err, errlen, "%s:%d: %s.output: name too long", path, line, sec->name);
			snprintf(t->output, sizeof t->output, "%s", val);
		}
		rc = track_extras(t, sc, sec->num, sec->name, d, path, err, errlen);
		if (rc)
			return rc;
		line = t->file_line;
		val = value_of(d, sec->name, "file");
		ini_quote(q, sizeof q, val ? val : "");
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
	return check_continuous(al, err, errlen);
}

int album_load(const char *path, const char *default_preset, struct album *al,
	       char *err, int errlen)
{
	struct scan sc = { 0 };
	struct ini_file ini = { 0 };
	int rc;

	memset(al, 0, sizeof *al);
	size_t len = strlen(path);
	if (len >= sizeof al->path) {
		snprintf(err, (size_t)errlen, "%.400s: path too long", path);
		return ST_USAGE;
	}
	memcpy(al->path, path, len + 1);
	sc.keys = calloc(KEYS_MAX, sizeof *sc.keys);
	sc.secs = calloc(ALBUM_MAX_TRACKS + 1, sizeof *sc.secs);
	if (!sc.keys || !sc.secs) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		rc = ST_INPUT;
		goto out;
	}
	sc.path = path;
	struct ini_opts o = { "an album file", 0, 0, check_line, &sc };
	rc = ini_read(path, &o, &ini, err, errlen);
	if (rc)
		goto out;
	if (sc.nsecs == 0) {
		rc = fail(err, errlen, "%s: no [album] or [trackN] section: not an album file", path);
		goto out;
	}
	qsort(sc.secs, (size_t)sc.nsecs, sizeof *sc.secs, cmp_sec);
	rc = album_values(al, &sc, &ini, default_preset, err, errlen);
out:
	ini_free(&ini);
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

