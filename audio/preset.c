#include "preset.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "iniload.h"
#include "status.h"

/* Sections: the modules by enum module_id, then [preset]. */
#define SEC_PRESET MOD_COUNT
#define SEC_COUNT (MOD_COUNT + 1)
/* At most one entry per known key; anything more is an error first. */
#define SCAN_MAX (P_COUNT + 8)

static const char *const preset_keys[] = { "name", "version", "notes" };
#define NPRESET_KEYS (int)(sizeof preset_keys / sizeof preset_keys[0])

static const char *section_name(int sec)
{
	return sec == SEC_PRESET ? "preset" : module_names[sec];
}

static void format_range(char *buf, size_t size, int id)
{
	const struct param_desc *d = &param_table[id];
	char lo[32], hi[32];

	format_double(lo, sizeof lo, d->min);
	format_double(hi, sizeof hi, d->max);
	if (d->flags & PF_SWITCH) {
		/* Discrete: list the allowed values ("0 or 1", "12 or 24 dB/oct",
		 * "0, 1 or 2"). */
		size_t n = 0;
		buf[0] = 0;
		for (double v = d->min + d->step; v < d->max && n < size; v += d->step) {
			char mid[32];
			format_double(mid, sizeof mid, v - d->step);
			n += (size_t)snprintf(buf + n, size - n, "%s, ", mid);
		}
		if (n < size) {
			char last[32];
			format_double(last, sizeof last, d->max - d->step);
			if (d->max - d->min > d->step)
				snprintf(buf + n, size - n, "%s or %s%s%s", last, hi, *d->unit ? " " : "", d->unit);
			else
				snprintf(buf, size, "%s or %s%s%s", lo, hi, *d->unit ? " " : "", d->unit);
		}
	} else if (!d->unit[0] || d->unit[0] == ':') {
		snprintf(buf, size, "%s to %s", lo, hi);
	} else {
		snprintf(buf, size, "%s to %s%s%s", lo, hi,
			 strcmp(d->unit, "%") ? " " : "", d->unit);
	}
}

/* A discrete parameter takes min, min + step, ... max. */
static int on_grid(int id, double v)
{
	const struct param_desc *d = &param_table[id];
	double k = (v - d->min) / d->step;
	return v >= d->min && v <= d->max && k == floor(k);
}

int param_parse_value(int id, const char *text, double *out, char *msg, int msglen)
{
	const struct param_desc *d = &param_table[id];
	const char *mod = module_names[d->module];
	char q[48], range[96];
	double v;

	while (*text == ' ' || *text == '\t')
		text++;
	ini_quote(q, sizeof q, text);
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
		else if (strpbrk(text, "xX"))
			snprintf(msg, (size_t)msglen, "%s.%s = %s is not a decimal number (%s)",
				 mod, d->name, q, range);
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
	const char *path;
	struct scan_key keys[SCAN_MAX];
	int nkeys;
	int cur;           /* section of the lines being read: SEC_*, -1 none */
	/* The first unknown section or key.  It is reported only after the
	 * whole file is read, because a newer format version explains it
	 * better than the key itself does. */
	char pending[ERRLEN];
};

/* Sections whose keys are skipped after an unknown [section]. */
#define SEC_SKIP (-2)

#define ERR(...) (snprintf(err, (size_t)errlen, __VA_ARGS__), ST_USAGE)

/* Each section and key line as the INI reader hands it over. */
static int check_line(void *ctx, const struct ini_entry *e, char *err, int errlen)
{
	struct scan *sc = ctx;
	const char *path = sc->path;
	char q[48], hint[256];
	int id = -1;

	if (!e->key) {
		sc->cur = -1;
		for (int i = 0; i < SEC_COUNT; i++)
			if (!strcmp(e->section, section_name(i)))
				sc->cur = i;
		if (sc->cur < 0) {
			ini_quote(q, sizeof q, e->section);
			list_sections(hint, sizeof hint);
			if (!sc->pending[0])
				snprintf(sc->pending, sizeof sc->pending,
					 "%s:%d: unknown section [%s]; sections are: %s", path, e->line, q, hint);
			sc->cur = SEC_SKIP;
		}
		return ST_OK;
	}
	ini_quote(q, sizeof q, e->key);
	if (sc->cur == SEC_SKIP)
		return ST_OK;
	if (sc->cur < 0)
		return ERR("%s:%d: %s is outside any section (put it under [preset] or a module)",
			   path, e->line, q);
	if (sc->cur == SEC_PRESET) {
		for (int i = 0; i < NPRESET_KEYS; i++)
			if (!strcmp(e->key, preset_keys[i]))
				id = i;
	} else {
		id = param_find(module_names[sc->cur], e->key);
	}
	if (id < 0) {
		list_keys(hint, sizeof hint, sc->cur);
		if (!sc->pending[0])
			snprintf(sc->pending, sizeof sc->pending, "%s:%d: unknown key %s.%s; %s has: %s",
				 path, e->line, section_name(sc->cur), q, section_name(sc->cur), hint);
		return ST_OK;
	}
	if (e->first_line)
		return ERR("%s:%d: %s.%s is set twice (first on line %d)", path, e->line,
			   section_name(sc->cur), e->key, e->first_line);
	/* Cannot overflow: every known key appears at most once. */
	sc->keys[sc->nkeys++] = (struct scan_key){ sc->cur, id, e->line };
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

/* The version first: a newer file's unknown keys are best explained by
 * its version, not one by one. */
static int check_version(const struct scan *sc, const struct ini_file *ini,
			 char *err, int errlen)
{
	for (int i = 0; i < sc->nkeys; i++) {
		const struct scan_key *k = &sc->keys[i];
		const char *val;
		double ver;
		char q[48];
		if (k->sec != SEC_PRESET || strcmp(preset_keys[k->id], "version"))
			continue;
		val = ini_get(ini, "preset", "version", "");
		ini_quote(q, sizeof q, val);
		if (parse_double(val, &ver) || ver < 1 || ver != floor(ver))
			return ERR("%s:%d: preset.version = %s is not a format version (a whole number, %d for this lathe)",
				   sc->path, k->line, q, PRESET_VERSION);
		if (ver > PRESET_VERSION)
			return ERR("%s:%d: format version %s is newer than this lathe reads (%d): upgrade lathe",
				   sc->path, k->line, q, PRESET_VERSION);
	}
	return ST_OK;
}

int preset_load(const char *path, double v[P_COUNT], char *name, int namelen,
		char *notes, int noteslen, char *err, int errlen)
{
	struct scan *sc;
	struct ini_file ini;
	double tmp[P_COUNT];
	char msg[256];
	char tname[INI_LINE_MAX + 1], tnotes[INI_LINE_MAX + 1];
	int rc;

	sc = calloc(1, sizeof *sc);
	if (!sc) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		return ST_INPUT;
	}
	sc->path = path;
	sc->cur = -1;
	struct ini_opts o = { "a preset file", 1, 1, check_line, sc };
	rc = ini_read(path, &o, &ini, err, errlen);
	if (rc) {
		free(sc);
		return rc;
	}
	if (sc->pending[0]) {
		const char *ver = ini_get(&ini, "preset", "version", NULL);
		double x;
		if (ver && !parse_double(ver, &x) && x > PRESET_VERSION)
			rc = check_version(sc, &ini, err, errlen);
		else
			rc = ERR("%s", sc->pending);
	} else if (ini.nentries == 0) {
		rc = ini.bytes ? ERR("%s: no settings in the file (only comments or blank lines)", path)
			       : ERR("%s: file is empty", path);
	} else {
		rc = check_version(sc, &ini, err, errlen);
	}

	params_defaults(tmp);
	name_from_path(tname, sizeof tname, path);
	tnotes[0] = 0;
	for (int i = 0; i < sc->nkeys && !rc; i++) {
		const struct scan_key *k = &sc->keys[i];
		const char *kname = k->sec == SEC_PRESET ? preset_keys[k->id] : param_table[k->id].name;
		const char *val = ini_get(&ini, section_name(k->sec), kname, "");

		if (k->sec == SEC_PRESET) {
			if (!strcmp(kname, "name") && *val)
				snprintf(tname, sizeof tname, "%s", val);
			else if (!strcmp(kname, "notes"))
				snprintf(tnotes, sizeof tnotes, "%s", val);
		} else if (param_parse_value(k->id, val, &tmp[k->id], msg, sizeof msg)) {
			rc = ERR("%s:%d: %s", path, k->line, msg);
		}
	}
	ini_free(&ini);
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

/* A value on one line that the INI reader gives back as it was: control
 * characters become spaces, and quotes keep ';' and '#' from starting a
 * comment.  The format has no escapes, so a text holding both kinds of
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

	rc = atomicfile_open_stream(&af, path, 0, &f, err, errlen);
	if (rc)
		return rc;
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

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* ---- --set ------------------------------------------------------------ */

int param_set_from_string(const char *assignment, double v[P_COUNT],
			  char *err, int errlen)
{
	char buf[256], hint[256], msg[256], q[48];
	char *eq, *dot, *lhs;
	int m, id;

	ini_quote(q, sizeof q, assignment);
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
		ini_quote(q, sizeof q, lhs);
		return ERR("--set: expected MODULE.PARAM=VALUE, got '%s' before '='", q);
	}
	*dot = 0;
	m = module_find(lhs);
	if (m < 0) {
		size_t len = 0;
		ini_quote(q, sizeof q, lhs);
		hint[0] = 0;
		for (int i = 0; i < MOD_COUNT; i++)
			len += (size_t)snprintf(hint + len, sizeof hint - len, "%s%s", i ? " " : "", module_names[i]);
		return ERR("--set: unknown module %s; modules are: %s", q, hint);
	}
	id = param_find(lhs, dot + 1);
	if (id < 0) {
		ini_quote(q, sizeof q, dot + 1);
		list_keys(hint, sizeof hint, m);
		return ERR("--set: unknown parameter %s.%s; %s has: %s", lhs, q, lhs, hint);
	}
	if (param_parse_value(id, ini_trim(eq + 1), &v[id], msg, sizeof msg))
		return ERR("--set: %s", msg);
	return ST_OK;
}
