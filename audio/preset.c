#include "preset.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <iniparser.h>

#include "iniload.h"
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "status.h"

/* Sections: the modules by enum module_id, then [preset]. */
#define SEC_PRESET MOD_COUNT
#define SEC_COUNT (MOD_COUNT + 1)
/* Anything bigger is not a preset; a limit keeps a wrong -p argument
 * (a WAV file, /var/log/...) from being read at length. */
#define FILE_MAX (1L << 20)
/* Longest key we need to tell apart; longer ones are unknown anyway. */
#define KEY_MAX 48
/* At most one entry per known key; anything more is an error first. */
#define SCAN_MAX (P_COUNT + 8)

static const char *const preset_keys[] = { "name", "version", "notes" };
#define NPRESET_KEYS (int)(sizeof preset_keys / sizeof preset_keys[0])

static const char *section_name(int sec)
{
	return sec == SEC_PRESET ? "preset" : module_names[sec];
}

/* Messages quote what the user wrote, but never a whole 1 KB line. */
static void quote_text(char *buf, size_t size, const char *s)
{
	size_t n = strlen(s);
	if (n > 40)
		snprintf(buf, size, "%.37s...", s);
	else
		snprintf(buf, size, "%s", s);
}

static void format_range(char *buf, size_t size, int id)
{
	const struct param_desc *d = &param_table[id];
	char lo[32], hi[32];

	format_double(lo, sizeof lo, d->min);
	format_double(hi, sizeof hi, d->max);
	if (d->flags & PF_SWITCH) {
		/* Discrete: list the allowed values ("0 or 1", "12 or 24 dB/oct"). */
		snprintf(buf, size, "%s or %s%s%s", lo, hi, *d->unit ? " " : "", d->unit);
	} else if (!d->unit[0] || d->unit[0] == ':') {
		snprintf(buf, size, "%s to %s", lo, hi);
	} else {
		snprintf(buf, size, "%s to %s%s%s", lo, hi,
			 strcmp(d->unit, "%") ? " " : "", d->unit);
	}
}

/* Every discrete parameter today has exactly two values (min, max); a
 * third would need a list here and in format_range. */
static int on_grid(int id, double v)
{
	const struct param_desc *d = &param_table[id];
	return v == d->min || v == d->max;
}

int param_parse_value(int id, const char *text, double *out, char *msg, int msglen)
{
	const struct param_desc *d = &param_table[id];
	const char *mod = module_names[d->module];
	char q[48], range[96];
	double v;

	while (*text == ' ' || *text == '\t')
		text++;
	quote_text(q, sizeof q, text);
	if (!*text) {
		snprintf(msg, (size_t)msglen, "%s.%s has no value", mod, d->name);
		return -1;
	}
	format_range(range, sizeof range, id);
	if (parse_double(text, &v) != 0) {
		char *end;
		double big = strtod(text, &end);
		while (*end == ' ' || *end == '\t' || *end == '\r')
			end++;
		if (strchr(text, ','))
			snprintf(msg, (size_t)msglen, "%s.%s = %s is not a number (use '.' for decimals)",
				 mod, d->name, q);
		else if (end != text && !*end && isinf(big) && !strcasestr(text, "inf"))
			snprintf(msg, (size_t)msglen, "%s.%s = %s is out of range (%s)",
				 mod, d->name, q, range);
		else if (end != text && !*end)
			snprintf(msg, (size_t)msglen, "%s.%s = %s is not a finite number (%s)",
				 mod, d->name, q, range);
		else
			snprintf(msg, (size_t)msglen, "%s.%s = %s is not a number (%s)",
				 mod, d->name, q, range);
		return -1;
	}
	if (d->flags & PF_SWITCH ? !on_grid(id, v) : (v < d->min || v > d->max)) {
		snprintf(msg, (size_t)msglen, "%s.%s = %s %s (%s)", mod, d->name, q,
			 d->flags & PF_SWITCH ? "is not allowed" : "is out of range", range);
		return -1;
	}
	/* -0 would be saved as "-0"; it means 0. */
	*out = v == 0 ? 0 : v;
	return 0;
}

/* "bypass threshold ratio ..." for "comp has: ..." hints. */
static void list_keys(char *buf, size_t size, int sec)
{
	size_t len = 0;
	buf[0] = 0;
	if (sec == SEC_PRESET) {
		for (int i = 0; i < NPRESET_KEYS && len < size; i++)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "", preset_keys[i]);
		return;
	}
	for (int i = param_first(sec); i < param_end(sec) && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i > param_first(sec) ? " " : "", param_table[i].name);
}

static void list_sections(char *buf, size_t size)
{
	size_t len = (size_t)snprintf(buf, size, "preset");
	for (int m = 0; m < MOD_COUNT && len < size; m++)
		len += (size_t)snprintf(buf + len, size - len, " %s", module_names[m]);
}

/* ---- reading ---------------------------------------------------------- */

struct scan_key {
	int sec, id;       /* id: parameter, or index in preset_keys */
	int line;
};

struct scan {
	struct scan_key keys[SCAN_MAX];
	int nkeys;
	int nsections;
	/* The first unknown section or key.  It is reported only after the
	 * whole file is read, because a newer format version explains it
	 * better than the key itself does. */
	char pending[ERRLEN];
	char version[48];
	int version_line;
};

/* Sections whose keys are skipped after an unknown [section]. */
#define SEC_SKIP (-2)

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Strict UTF-8 (no overlongs, no surrogates): a text editor's file passes,
 * a WAV or a Latin-1 file given by mistake does not. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		int len;
		unsigned min, cp;
		if (c < 0x80) { i++; continue; }
		if (c >= 0xC2 && c <= 0xDF) { len = 1; min = 0x80; cp = c & 0x1F; }
		else if (c >= 0xE0 && c <= 0xEF) { len = 2; min = 0x800; cp = c & 0x0F; }
		else if (c >= 0xF0 && c <= 0xF4) { len = 3; min = 0x10000; cp = c & 0x07; }
		else return 0;
		if (i + (size_t)len >= n)
			return 0;
		for (int k = 1; k <= len; k++) {
			if ((s[i + (size_t)k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + (size_t)k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += (size_t)len + 1;
	}
	return 1;
}

#define ERR(...) (snprintf(err, (size_t)errlen, __VA_ARGS__), ST_USAGE)

/* One logical line (continuations joined) of the file, already checked to
 * be text.  Mirrors iniparser's grammar closely enough that both agree on
 * which key is which, and is stricter where iniparser guesses. */
static int scan_line(struct scan *sc, int *cur, char *raw, int lineno,
		     const char *path, char *err, int errlen)
{
	char *s = ini_trim(raw), q[48], hint[256];

	if (!*s || *s == ';' || *s == '#')
		return ST_OK;
	if (*s == '[') {
		char *close = strchr(s, ']');
		if (!close || close[1] || strchr(s + 1, '[')) {
			quote_text(q, sizeof q, s);
			return ERR("%s:%d: syntax error: %s is not a [section] line", path, lineno, q);
		}
		*close = 0;
		s = ini_trim(s + 1);
		lower(s);
		*cur = -1;
		for (int i = 0; i < SEC_COUNT; i++)
			if (!strcmp(s, section_name(i)))
				*cur = i;
		if (*cur < 0) {
			quote_text(q, sizeof q, s);
			list_sections(hint, sizeof hint);
			if (!sc->pending[0])
				snprintf(sc->pending, sizeof sc->pending,
					 "%s:%d: unknown section [%s]; sections are: %s", path, lineno, q, hint);
			*cur = SEC_SKIP;
			return ST_OK;
		}
		sc->nsections++;
		return ST_OK;
	}
	char *eq = strchr(s, '=');
	if (!eq) {
		quote_text(q, sizeof q, s);
		return ERR("%s:%d: syntax error: expected KEY = VALUE or [section], got '%s'",
			   path, lineno, q);
	}
	*eq = 0;
	s = ini_trim(s);
	lower(s);
	quote_text(q, sizeof q, s);
	if (!*s)
		return ERR("%s:%d: syntax error: no key before '='", path, lineno);
	if (*cur == SEC_SKIP)
		return ST_OK;
	if (*cur < 0)
		return ERR("%s:%d: %s is outside any section (put it under [preset] or a module)",
			   path, lineno, q);
	int id = -1;
	if (*cur == SEC_PRESET) {
		for (int i = 0; i < NPRESET_KEYS; i++)
			if (!strcmp(s, preset_keys[i]))
				id = i;
	} else {
		id = param_find(module_names[*cur], s);
	}
	if (id < 0) {
		list_keys(hint, sizeof hint, *cur);
		if (!sc->pending[0])
			snprintf(sc->pending, sizeof sc->pending, "%s:%d: unknown key %s.%s; %s has: %s",
				 path, lineno, section_name(*cur), q, section_name(*cur), hint);
		return ST_OK;
	}
	if (*cur == SEC_PRESET && !strcmp(preset_keys[id], "version")) {
		/* The raw number, as iniparser would read it: up to a comment,
		 * without quotes. */
		char *val = ini_trim(eq + 1);
		if (*val == '"' || *val == '\'') {
			char qc[2] = { *val++, 0 };
			val[strcspn(val, qc)] = 0;
		} else {
			val[strcspn(val, ";#")] = 0;
		}
		snprintf(sc->version, sizeof sc->version, "%s", ini_trim(val));
		sc->version_line = lineno;
	}
	for (int i = 0; i < sc->nkeys; i++)
		if (sc->keys[i].sec == *cur && sc->keys[i].id == id)
			return ERR("%s:%d: %s.%s is set twice (first on line %d)", path, lineno,
				   section_name(*cur), s, sc->keys[i].line);
	/* Cannot overflow: every known key appears at most once. */
	sc->keys[sc->nkeys++] = (struct scan_key){ *cur, id, lineno };
	return ST_OK;
}

/* Reads the file once on our own, byte by byte, so that binary data, NUL
 * bytes, overlong lines, duplicates (which iniparser silently merges) and
 * syntax errors are caught with their line number before iniparser sees it. */
static int scan_file(FILE *f, struct scan *sc, const char *path, char *err, int errlen)
{
	char buf[PRESET_LINE_MAX + 1];
	size_t len = 0;
	long total = 0;
	int lineno = 0, start = 1, cur = -1, c, rc, cont = 0;

	memset(sc, 0, sizeof *sc);
	do {
		size_t begin = len;
		lineno++;
		while ((c = getc(f)) != EOF && c != '\n') {
			if (++total > FILE_MAX)
				return ERR("%s: larger than %ld bytes: not a preset file", path, FILE_MAX);
			if (c == 0 || (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
				return ERR("%s:%d: binary data (byte 0x%02x): not a preset file",
					   path, lineno, c);
			if (len >= PRESET_LINE_MAX)
				return ERR("%s:%d: line too long (more than %d characters)",
					   path, lineno, PRESET_LINE_MAX);
			buf[len++] = (char)c;
		}
		if (ferror(f)) {
			snprintf(err, (size_t)errlen, "%s: cannot read: %s", path, strerror(errno));
			return ST_INPUT;
		}
		total += c == '\n';
		if (c == EOF && len == begin && !cont)
			break;
		if (!utf8_valid((unsigned char *)buf + begin, len - begin))
			return ERR("%s:%d: not UTF-8 text: not a preset file", path, lineno);
		buf[len] = 0;
		/* iniparser joins a line ending in '\' with the next one. */
		while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t' || buf[len - 1] == '\r'))
			buf[--len] = 0;
		if (len > 0 && buf[len - 1] == '\\') {
			if (c == EOF)
				return ERR("%s:%d: the last line ends in '\\' (a continuation) but nothing follows",
					   path, lineno);
			buf[--len] = 0;
			if (!cont)
				start = lineno;
			cont = 1;
			continue;
		}
		if (cont && len == 0)
			return ERR("%s:%d: a line continued with '\\' is followed by a blank line",
				   path, lineno);
		rc = scan_line(sc, &cur, buf, cont ? start : lineno, path, err, errlen);
		if (rc)
			return rc;
		len = 0;
		cont = 0;
	} while (c != EOF);
	if (sc->pending[0]) {
		double ver;
		if (sc->version_line && !parse_double(sc->version, &ver) && ver > PRESET_VERSION)
			return ERR("%s:%d: format version %s is newer than this lathe reads (%d): upgrade lathe",
				   path, sc->version_line, sc->version, PRESET_VERSION);
		snprintf(err, (size_t)errlen, "%s", sc->pending);
		return ST_USAGE;
	}
	if (total == 0)
		return ERR("%s: file is empty", path);
	if (sc->nkeys == 0 && sc->nsections == 0)
		return ERR("%s: no settings in the file (only comments or blank lines)", path);
	return ST_OK;
}

static void name_from_path(char *name, int namelen, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;
	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".ini"))
		n -= 4;
	snprintf(name, (size_t)namelen, "%.*s", (int)n, base);
}

int preset_load(const char *path, double v[P_COUNT], char *name, int namelen,
		char *notes, int noteslen, char *err, int errlen)
{
	char ini_msg[256];
	struct scan *sc;
	struct stat st;
	dictionary *d;
	double tmp[P_COUNT];
	char key[KEY_MAX + 16], msg[256];
	char tname[PRESET_LINE_MAX + 1], tnotes[PRESET_LINE_MAX + 1];
	FILE *f;
	int rc = ST_OK;

	if (stat(path, &st) != 0) {
		snprintf(err, (size_t)errlen, "%s: cannot open: %s", path, strerror(errno));
		return ST_INPUT;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, (size_t)errlen, "%s: is a folder, not a preset file", path);
		return ST_INPUT;
	}
	if (!S_ISREG(st.st_mode)) {
		/* iniparser reads the file a second time: a pipe would be empty. */
		snprintf(err, (size_t)errlen, "%s: not a regular file", path);
		return ST_INPUT;
	}
	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, (size_t)errlen, "%s: cannot open: %s", path, strerror(errno));
		return ST_INPUT;
	}
	sc = malloc(sizeof *sc);
	if (!sc) {
		fclose(f);
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		return ST_INPUT;
	}
	ini_skip_bom(f);
	rc = scan_file(f, sc, path, err, errlen);
	fclose(f);
	if (rc) {
		free(sc);
		return rc;
	}

	d = ini_load_quiet(path, ini_msg, sizeof ini_msg);
	if (!d) {
		if (ini_msg[0])
			snprintf(err, (size_t)errlen, "%s: cannot be read: %s", path, ini_trim(ini_msg));
		else
			snprintf(err, (size_t)errlen, "%s: cannot be read", path);
		free(sc);
		return ST_INPUT;
	}

	params_defaults(tmp);
	name_from_path(tname, sizeof tname, path);
	tnotes[0] = 0;

	/* The version first: a newer file's unknown keys are best explained
	 * by its version, not one by one. */
	for (int i = 0; i < sc->nkeys && !rc; i++) {
		const struct scan_key *k = &sc->keys[i];
		const char *val;
		double ver;
		char q[48];
		if (k->sec != SEC_PRESET || strcmp(preset_keys[k->id], "version"))
			continue;
		val = iniparser_getstring(d, "preset:version", NULL);
		quote_text(q, sizeof q, val ? val : "");
		if (!val || parse_double(val, &ver) || ver < 1 || ver != floor(ver))
			rc = ERR("%s:%d: preset.version = %s is not a format version (a whole number, %d for this lathe)",
				 path, k->line, q, PRESET_VERSION);
		else if (ver > PRESET_VERSION)
			rc = ERR("%s:%d: format version %s is newer than this lathe reads (%d): upgrade lathe",
				 path, k->line, q, PRESET_VERSION);
	}
	for (int i = 0; i < sc->nkeys && !rc; i++) {
		const struct scan_key *k = &sc->keys[i];
		const char *kname = k->sec == SEC_PRESET ? preset_keys[k->id] : param_table[k->id].name;
		const char *val;

		snprintf(key, sizeof key, "%s:%s", section_name(k->sec), kname);
		val = iniparser_getstring(d, key, NULL);
		if (!val) {
			rc = ERR("%s:%d: %s.%s could not be read", path, k->line, section_name(k->sec), kname);
		} else if (k->sec == SEC_PRESET) {
			if (!strcmp(kname, "name") && *val)
				snprintf(tname, sizeof tname, "%s", val);
			else if (!strcmp(kname, "notes"))
				snprintf(tnotes, sizeof tnotes, "%s", val);
		} else if (param_parse_value(k->id, val, &tmp[k->id], msg, sizeof msg)) {
			rc = ERR("%s:%d: %s", path, k->line, msg);
		}
	}
	iniparser_freedict(d);
	free(sc);
	if (rc == ST_OK) {
		memcpy(v, tmp, sizeof tmp);
		if (name && namelen > 0)
			snprintf(name, (size_t)namelen, "%s", tname);
		if (notes && noteslen > 0)
			snprintf(notes, (size_t)noteslen, "%s", tnotes);
	}
	return rc;
}

/* ---- writing ---------------------------------------------------------- */

/* The shortest text that reads back as exactly the same double: values a
 * user typed stay short ("0.7"), stepped ones keep every bit, so a saved
 * preset renders the same samples as the session it came from. */
static void format_exact(char *buf, int size, double v)
{
	double back;
	if (v == 0)
		v = 0;
	format_double(buf, size, v);
	for (int prec = 7; prec <= 17; prec++) {
		if (parse_double(buf, &back) == 0 && back == v)
			return;
		snprintf(buf, (size_t)size, "%.*g", prec, v);
		for (char *p = buf; *p; p++)
			if (*p == ',')
				*p = '.';
	}
}

/* A value on one line that iniparser gives back as it was: control
 * characters become spaces, and quotes keep ';' and '#' from starting a
 * comment.  iniparser has no escapes, so a text holding both kinds of
 * quote has its double quotes turned into single ones. */
static void quote_value(char *out, size_t size, const char *in)
{
	char tmp[PRESET_LINE_MAX + 1];
	size_t n = 0;
	char qc;

	for (; *in && n < sizeof tmp - 1; in++)
		tmp[n++] = (unsigned char)*in < 0x20 || *in == 0x7f ? ' ' : *in;
	tmp[n] = 0;
	char *t = ini_trim(tmp);
	if (strchr(t, '"') && strchr(t, '\''))
		for (char *p = t; *p; p++)
			if (*p == '"')
				*p = '\'';
	qc = strchr(t, '"') ? '\'' : '"';
	snprintf(out, size, "%c%s%c", qc, t, qc);
}

int preset_save(const char *path, const double v[P_COUNT], const char *name,
		const char *notes, char *err, int errlen)
{
	struct atomicfile af;
	char buf[PRESET_LINE_MAX + 8], val[40], range[96], defname[PRESET_NAME_MAX];
	FILE *f;
	int rc;

	for (int i = 0; i < P_COUNT; i++) {
		const struct param_desc *d = &param_table[i];
		double x = v[i];
		char msg[200];
		format_exact(val, sizeof val, x);
		if (!isfinite(x) || param_parse_value(i, val, &x, msg, sizeof msg))
			return ERR("cannot save %s: %s.%s = %s is not a valid value", path,
				   module_names[d->module], d->name, val);
	}
	if (!name || !*name) {
		name_from_path(defname, sizeof defname, path);
		name = defname;
	}
	if (strlen(name) >= PRESET_NAME_MAX)
		return ERR("cannot save %s: the name is longer than %d characters", path, PRESET_NAME_MAX - 1);
	if (notes && strlen(notes) > PRESET_NOTES_MAX)
		return ERR("cannot save %s: the notes are longer than %d characters", path, PRESET_NOTES_MAX);

	rc = atomicfile_open(&af, path, 0, err, errlen);
	if (rc)
		return rc;
	f = atomicfile_stream(&af);
	if (!f) {
		atomicfile_abort(&af);
		snprintf(err, (size_t)errlen, "cannot write %s: out of memory", path);
		return ST_OUTPUT;
	}
	fprintf(f, "# lathe preset, format version %d.\n"
		   "# One section per module of the chain, one key per parameter; a key\n"
		   "# that is left out keeps its default.  Numbers use '.' for decimals.\n"
		   "# Units and ranges are in the comments after each value; bypass is 0 or 1.\n\n",
		PRESET_VERSION);
	quote_value(buf, sizeof buf, name);
	fprintf(f, "[preset]\nname = %s\nversion = %d\n", buf, PRESET_VERSION);
	quote_value(buf, sizeof buf, notes ? notes : "");
	fprintf(f, "notes = %s\n", buf);
	for (int m = 0; m < MOD_COUNT; m++) {
		fprintf(f, "\n[%s]\n", module_names[m]);
		for (int i = param_first(m); i < param_end(m); i++) {
			const struct param_desc *d = &param_table[i];
			format_exact(val, sizeof val, v[i]);
			format_range(range, sizeof range, i);
			snprintf(buf, sizeof buf, "%s = %s", d->name, val);
			fprintf(f, "%-24s ; %s\n", buf, range);
		}
	}
	return atomicfile_commit(&af, err, errlen);
}

/* ---- finding presets -------------------------------------------------- */

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
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	/* The XDG spec says relative values are to be ignored. */
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/lathe/presets", xdg);
	else {
		if (!home || !*home) {
			struct passwd *pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (!home)
			return -1;
		n = snprintf(buf, size, "%s/.config/lathe/presets", home);
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
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
	ssize_t len;
	int n = 0;

	if (user_dir(buf, sizeof buf) == 0)
		n = add_dir(dirs, user, n, max, buf, 1);
	env = getenv("LATHE_DATADIR");
	if (env && *env && snprintf(buf, sizeof buf, "%s/presets", env) < (int)sizeof buf)
		n = add_dir(dirs, user, n, max, buf, 0);
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		char *slash;
		exe[len] = 0;
		/* EXEDIR/.. spelled without "..", so the not-found message
		 * reads cleanly even for folders that do not exist. */
		for (int k = 0; k < 2 && (slash = strrchr(exe, '/')); k++)
			*slash = 0;
		if (slash) {
			if (snprintf(buf, sizeof buf, "%s/presets", exe) < (int)sizeof buf)
				n = add_dir(dirs, user, n, max, buf, 0);
			if (snprintf(buf, sizeof buf, "%s/share/lathe/presets", exe) < (int)sizeof buf)
				n = add_dir(dirs, user, n, max, buf, 0);
		}
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
	quote_text(q, sizeof q, name_or_path);
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

	quote_text(q, sizeof q, name);
	if (!valid_name(name))
		return ERR("preset '%s': not a preset name (letters, digits, '.', '-', '_')", q);
	if (user_dir(dir, sizeof dir) != 0)
		return ERR("preset '%s': no home folder to save it in (set HOME or XDG_CONFIG_HOME)", q);
	n = snprintf(path, (size_t)pathlen, "%s/%s.ini", dir, name);
	if (n < 0 || n >= pathlen)
		return ERR("%s/%s.ini: path too long", dir, name);
	if (create) {
		/* mkdir -p, one component at a time. */
		for (char *p = dir + 1;; p++) {
			if (*p == '/' || !*p) {
				char c = *p;
				*p = 0;
				if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
					snprintf(err, (size_t)errlen, "cannot create %s: %s", dir, strerror(errno));
					return ST_OUTPUT;
				}
				*p = c;
				if (!c)
					break;
			}
		}
	}
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

/* ---- --set ------------------------------------------------------------ */

int param_set_from_string(const char *assignment, double v[P_COUNT],
			  char *err, int errlen)
{
	char buf[256], hint[256], msg[256], q[48];
	char *eq, *dot, *lhs;
	int m, id;

	quote_text(q, sizeof q, assignment);
	if (strlen(assignment) >= sizeof buf)
		return ERR("--set: '%s' is too long", q);
	snprintf(buf, sizeof buf, "%s", assignment);
	eq = strchr(buf, '=');
	if (!eq)
		return ERR("--set: expected MODULE.PARAM=VALUE, got '%s'", q);
	*eq = 0;
	lhs = ini_trim(buf);
	lower(lhs);
	dot = strchr(lhs, '.');
	if (!dot) {
		quote_text(q, sizeof q, lhs);
		return ERR("--set: expected MODULE.PARAM=VALUE, got '%s' before '='", q);
	}
	*dot = 0;
	m = module_find(lhs);
	if (m < 0) {
		size_t len = 0;
		quote_text(q, sizeof q, lhs);
		hint[0] = 0;
		for (int i = 0; i < MOD_COUNT; i++)
			len += (size_t)snprintf(hint + len, sizeof hint - len, "%s%s", i ? " " : "", module_names[i]);
		return ERR("--set: unknown module %s; modules are: %s", q, hint);
	}
	id = param_find(lhs, dot + 1);
	if (id < 0) {
		quote_text(q, sizeof q, dot + 1);
		list_keys(hint, sizeof hint, m);
		return ERR("--set: unknown parameter %s.%s; %s has: %s", lhs, q, lhs, hint);
	}
	if (param_parse_value(id, ini_trim(eq + 1), &v[id], msg, sizeof msg))
		return ERR("--set: %s", msg);
	return ST_OK;
}
