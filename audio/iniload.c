#include "iniload.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "status.h"

char *ini_trim(char *s)
{
	char *e = s + strlen(s);
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

void ini_quote(char *buf, int size, const char *s)
{
	if (strlen(s) > 40)
		snprintf(buf, (size_t)size, "%.37s...", s);
	else
		snprintf(buf, (size_t)size, "%s", s);
}

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

/* ---- storage: entries by offset while the text grows, and a hash of
 * section.key for the duplicate check (a file may hold 100,000 keys). */

struct slot {
	size_t sec, key, val;  /* offsets into text; key (size_t)-1 for a section line */
	int line, first_line;
	uint32_t hash;
};

struct store {
	char *text;
	size_t len, cap;
	struct slot *slots;
	int n, cap_slots;
	int *table;            /* slot index + 1, 0 empty; size a power of two */
	int table_size;
	int nsections;
	long bytes;
};

#define NO_KEY ((size_t)-1)

static uint32_t hash_of(const char *sec, const char *key)
{
	uint32_t h = 2166136261u;
	for (; *sec; sec++)
		h = (h ^ (unsigned char)*sec) * 16777619u;
	h = (h ^ 0xff) * 16777619u;  /* separator no name holds */
	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h;
}

static int put_text(struct store *st, const char *s, size_t *off)
{
	size_t n = strlen(s) + 1;
	if (st->len + n > st->cap) {
		size_t cap = st->cap ? st->cap : 4096;
		while (cap < st->len + n)
			cap *= 2;
		char *t = realloc(st->text, cap);
		if (!t)
			return -1;
		st->text = t;
		st->cap = cap;
	}
	memcpy(st->text + st->len, s, n);
	*off = st->len;
	st->len += n;
	return 0;
}

static int grow_table(struct store *st)
{
	int size = st->table_size ? st->table_size * 2 : 256;
	int *t = calloc((size_t)size, sizeof *t);
	if (!t)
		return -1;
	for (int i = 0; i < st->n; i++) {
		if (st->slots[i].key == NO_KEY || st->slots[i].first_line)
			continue;
		uint32_t h = st->slots[i].hash & (uint32_t)(size - 1);
		while (t[h])
			h = (h + 1) & (uint32_t)(size - 1);
		t[h] = i + 1;
	}
	free(st->table);
	st->table = t;
	st->table_size = size;
	return 0;
}

/* The earlier slot with this section and key, or -1; adds it to the
 * table when there is none. */
static int dup_of(struct store *st, int idx, const char *sec, const char *key)
{
	uint32_t h = st->slots[idx].hash;
	uint32_t m = (uint32_t)(st->table_size - 1);

	for (uint32_t i = h & m; st->table[i]; i = (i + 1) & m) {
		const struct slot *o = &st->slots[st->table[i] - 1];
		if (o->hash == h && !strcmp(st->text + o->sec, sec) && !strcmp(st->text + o->key, key))
			return st->table[i] - 1;
	}
	for (uint32_t i = h & m;; i = (i + 1) & m)
		if (!st->table[i]) {
			st->table[i] = idx + 1;
			return -1;
		}
}

/* Adds an entry; fills e (pointing at the caller's strings) for the check. */
static int add_entry(struct store *st, const char *sec, const char *key, const char *val,
		     int line, struct ini_entry *e)
{
	struct slot *s;

	if (st->n == st->cap_slots) {
		int cap = st->cap_slots ? st->cap_slots * 2 : 64;
		struct slot *p = realloc(st->slots, (size_t)cap * sizeof *p);
		if (!p)
			return -1;
		st->slots = p;
		st->cap_slots = cap;
	}
	s = &st->slots[st->n];
	memset(s, 0, sizeof *s);
	s->line = line;
	if (put_text(st, sec, &s->sec) || (key && put_text(st, key, &s->key)) || put_text(st, val, &s->val))
		return -1;
	*e = (struct ini_entry){ sec, key, val, line, 0 };
	if (!key) {
		s->key = NO_KEY;
		st->n++;
		st->nsections++;
		return 0;
	}
	s->hash = hash_of(sec, key);
	/* The table holds the slots before this one. */
	if (st->table_size < 2 * st->n + 4 && grow_table(st))
		return -1;
	st->n++;
	int d = dup_of(st, st->n - 1, sec, key);
	if (d >= 0)
		s->first_line = e->first_line = st->slots[d].line;
	return 0;
}

/* The value as iniparser reads it from the text after '=' (trimmed). */
static void parse_value(char *v, char *out, size_t size)
{
	char qc = *v;
	if ((qc == '"' || qc == '\'') && v[1] && v[1] != qc) {
		/* Quoted: everything up to the closing quote (or the end), kept
		 * as it is; what follows is ignored. */
		size_t n = strcspn(v + 1, qc == '"' ? "\"" : "'");
		snprintf(out, size, "%.*s", (int)n, v + 1);
		return;
	}
	v[strcspn(v, ";#")] = 0;
	v = ini_trim(v);
	if (!strcmp(v, "\"\"") || !strcmp(v, "''"))
		v = "";
	snprintf(out, size, "%s", v);
}

#define ERR(...) (snprintf(err, (size_t)errlen, __VA_ARGS__), ST_USAGE)

/* One logical line (continuations joined), already checked to be text. */
static int read_line(struct store *st, char *sec, size_t secsize, char *raw, int line,
		     const char *path, const struct ini_opts *o, char *err, int errlen)
{
	char *s = ini_trim(raw), q[48], val[INI_LINE_MAX + 1];
	struct ini_entry e;

	if (!*s || *s == ';' || *s == '#')
		return ST_OK;
	if (*s == '[') {
		char *close = strchr(s, ']');
		if (!close || close[1] || strchr(s + 1, '[')) {
			ini_quote(q, sizeof q, s);
			return ERR("%s:%d: syntax error: %s is not a [section] line", path, line, q);
		}
		*close = 0;
		s = ini_trim(s + 1);
		lower(s);
		snprintf(sec, secsize, "%s", s);
		if (add_entry(st, sec, NULL, "", line, &e))
			goto oom;
		return o->check ? o->check(o->ctx, &e, err, errlen) : ST_OK;
	}
	char *eq = strchr(s, '=');
	if (!eq) {
		ini_quote(q, sizeof q, s);
		return ERR("%s:%d: syntax error: expected KEY = VALUE or [section], got '%s'", path, line, q);
	}
	*eq = 0;
	s = ini_trim(s);
	lower(s);
	if (!*s)
		return ERR("%s:%d: syntax error: no key before '='", path, line);
	parse_value(ini_trim(eq + 1), val, sizeof val);
	if (add_entry(st, sec, s, val, line, &e))
		goto oom;
	return o->check ? o->check(o->ctx, &e, err, errlen) : ST_OK;
oom:
	snprintf(err, (size_t)errlen, "%s: out of memory", path);
	return ST_INPUT;
}

/* Reads the file byte by byte, so that binary data, NUL bytes, overlong
 * lines and syntax errors are caught with their line number. */
static int scan(FILE *f, struct store *st, const char *path, const struct ini_opts *o,
		char *err, int errlen)
{
	char buf[INI_LINE_MAX + 1], sec[INI_LINE_MAX + 1] = "";
	size_t len = 0;
	long total = 0;
	int lineno = 0, start = 1, c, rc, cont = 0;

	do {
		size_t begin = len;
		lineno++;
		while ((c = getc(f)) != EOF && c != '\n') {
			if (++total > INI_FILE_MAX)
				return ERR("%s: larger than %ld bytes: not %s", path, INI_FILE_MAX, o->what);
			if (c == 0 || (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
				return ERR("%s:%d: binary data (byte 0x%02x): not %s", path, lineno, c, o->what);
			if (len >= INI_LINE_MAX)
				return ERR("%s:%d: line too long (more than %d characters)",
					   path, lineno, INI_LINE_MAX);
			buf[len++] = (char)c;
		}
		if (ferror(f)) {
			snprintf(err, (size_t)errlen, "%s: cannot read: %s", path, strerror(errno));
			return ST_INPUT;
		}
		total += c == '\n';
		if (c == EOF && len == begin && !cont)
			break;
		if (c == EOF && len == begin)
			return ERR("%s:%d: the last line ends in '\\' (a continuation) but nothing follows",
				   path, start);
		if (o->utf8 && !utf8_valid((unsigned char *)buf + begin, len - begin))
			return ERR("%s:%d: not UTF-8 text: not %s", path, lineno, o->what);
		buf[len] = 0;
		while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t' || buf[len - 1] == '\r'))
			buf[--len] = 0;
		if (len > 0 && buf[len - 1] == '\\') {
			if (!o->continuation) {
				char *t = ini_trim(buf);
				if (*t != ';' && *t != '#')
					return ERR("%s:%d: a line may not end in '\\' (continuations are not allowed)",
						   path, lineno);
			} else {
				/* iniparser joins a line ending in '\' with the next one. */
				if (c == EOF)
					return ERR("%s:%d: the last line ends in '\\' (a continuation) but nothing follows",
						   path, lineno);
				buf[--len] = 0;
				if (!cont)
					start = lineno;
				cont = 1;
				continue;
			}
		}
		if (cont && len == 0)
			return ERR("%s:%d: a line continued with '\\' is followed by a blank line",
				   path, lineno);
		rc = read_line(st, sec, sizeof sec, buf, cont ? start : lineno, path, o, err, errlen);
		if (rc)
			return rc;
		cont = 0;
		len = 0;
	} while (c != EOF);
	st->bytes = total;
	return ST_OK;
}

static int skip_bom(FILE *f)
{
	unsigned char b[3];

	if (fread(b, 1, 3, f) == 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
		return 1;
	rewind(f);
	return 0;
}

static void store_free(struct store *st)
{
	free(st->text);
	free(st->slots);
	free(st->table);
}

int ini_read(const char *path, const struct ini_opts *o, struct ini_file *ini,
	     char *err, int errlen)
{
	struct store st = { 0 };
	struct stat sb;
	FILE *f;
	int rc;

	memset(ini, 0, sizeof *ini);
	if (stat(path, &sb) != 0) {
		snprintf(err, (size_t)errlen, "%s: cannot open: %s", path, strerror(errno));
		return ST_INPUT;
	}
	if (S_ISDIR(sb.st_mode)) {
		snprintf(err, (size_t)errlen, "%s: is a folder, not %s", path, o->what);
		return ST_INPUT;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, (size_t)errlen, "%s: not a regular file", path);
		return ST_INPUT;
	}
	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, (size_t)errlen, "%s: cannot open: %s", path, strerror(errno));
		return ST_INPUT;
	}
	/* Windows editors start UTF-8 files with a byte-order mark. */
	skip_bom(f);
	rc = scan(f, &st, path, o, err, errlen);
	fclose(f);
	if (rc == ST_OK && st.n > 0) {
		ini->entries = malloc((size_t)st.n * sizeof *ini->entries);
		if (!ini->entries) {
			snprintf(err, (size_t)errlen, "%s: out of memory", path);
			rc = ST_INPUT;
		}
	}
	if (rc) {
		store_free(&st);
		return rc;
	}
	for (int i = 0; i < st.n; i++) {
		const struct slot *s = &st.slots[i];
		ini->entries[i] = (struct ini_entry){
			st.text + s->sec, s->key == NO_KEY ? NULL : st.text + s->key,
			st.text + s->val, s->line, s->first_line,
		};
	}
	ini->nentries = st.n;
	ini->nsections = st.nsections;
	ini->bytes = st.bytes;
	ini->store = st.text;
	free(st.slots);
	free(st.table);
	return ST_OK;
}

void ini_free(struct ini_file *ini)
{
	free(ini->entries);
	free(ini->store);
	memset(ini, 0, sizeof *ini);
}

const struct ini_entry *ini_find(const struct ini_file *ini, const char *section,
				 const char *key)
{
	for (int i = ini->nentries - 1; i >= 0; i--) {
		const struct ini_entry *e = &ini->entries[i];
		if (e->key && !strcmp(e->key, key) && !strcmp(e->section, section))
			return e;
	}
	return NULL;
}

const char *ini_get(const struct ini_file *ini, const char *section, const char *key,
		    const char *def)
{
	const struct ini_entry *e = ini_find(ini, section, key);
	return e ? e->value : def;
}
