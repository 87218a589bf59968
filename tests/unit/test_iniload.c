/* The one INI reader: values as iniparser reads them, line numbers for
 * sections and keys in file order, duplicates with the first line, and
 * the refusals (binary data, long lines, size) named by line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "audio/iniload.h"
#include "audio/status.h"

static char path[64];

static void write_file(const char *text, size_t n)
{
	FILE *f;
	snprintf(path, sizeof path, "/tmp/lathe-ini-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
}

static const struct ini_opts plain = { "an INI file", 1, 1, NULL, NULL };

static void values_as_iniparser_reads_them(void **state)
{
	static const char text[] =
		"\xEF\xBB\xBF; comment\r\n"
		"[Sec]\r\n"
		"Plain = a b  ; cut here\r\n"
		"dq = \"x ; y # z\" junk\n"
		"sq = 'it\"s'\n"
		"empty =\n"
		"emptyq = \"\"\n"
		"hash = v#w\n"
		"eqs = a=b=c\n"
		"open = \"no close\n"
		"cont = one \\\n"
		"two\n"
		"[other]\n"
		"plain = 2\n";
	struct ini_file ini;
	char err[256] = "";
	(void)state;
	write_file(text, sizeof text - 1);
	assert_int_equal(ini_read(path, &plain, &ini, err, sizeof err), ST_OK);
	assert_string_equal(ini_get(&ini, "sec", "plain", "?"), "a b");
	assert_string_equal(ini_get(&ini, "sec", "dq", "?"), "x ; y # z");
	assert_string_equal(ini_get(&ini, "sec", "sq", "?"), "it\"s");
	assert_string_equal(ini_get(&ini, "sec", "empty", "?"), "");
	assert_string_equal(ini_get(&ini, "sec", "emptyq", "?"), "");
	assert_string_equal(ini_get(&ini, "sec", "hash", "?"), "v");
	assert_string_equal(ini_get(&ini, "sec", "eqs", "?"), "a=b=c");
	assert_string_equal(ini_get(&ini, "sec", "open", "?"), "no close");
	assert_string_equal(ini_get(&ini, "sec", "cont", "?"), "one two");
	assert_string_equal(ini_get(&ini, "other", "plain", "?"), "2");
	assert_string_equal(ini_get(&ini, "sec", "missing", "?"), "?");
	assert_int_equal(ini_find(&ini, "sec", "plain")->line, 3);
	assert_int_equal(ini_find(&ini, "sec", "cont")->line, 11);
	assert_int_equal(ini.nsections, 2);
	ini_free(&ini);
	unlink(path);
}

struct seen { int n; int lines[8]; int first[8]; };

static int record(void *ctx, const struct ini_entry *e, char *err, int errlen)
{
	struct seen *s = ctx;
	(void)err; (void)errlen;
	if (e->key && s->n < 8) {
		s->lines[s->n] = e->line;
		s->first[s->n++] = e->first_line;
	}
	return ST_OK;
}

static void duplicates_carry_the_first_line(void **state)
{
	static const char text[] = "[a]\nk = 1\n[b]\nk = 2\n[a]\nK = 3\n";
	struct seen s = { 0 };
	struct ini_opts o = { "an INI file", 0, 0, record, &s };
	struct ini_file ini;
	char err[256];
	(void)state;
	write_file(text, sizeof text - 1);
	assert_int_equal(ini_read(path, &o, &ini, err, sizeof err), ST_OK);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.first[0], 0);
	assert_int_equal(s.first[1], 0);  /* another section */
	assert_int_equal(s.lines[2], 6);
	assert_int_equal(s.first[2], 2);
	assert_string_equal(ini_get(&ini, "a", "k", "?"), "3");  /* the last wins */
	ini_free(&ini);
	unlink(path);
}

/* Many keys: the duplicate check stays linear (a hash, not a scan). */
static void many_keys(void **state)
{
	size_t cap = 1 << 20, n = 0;
	char *text = malloc(cap), err[256];
	struct ini_file ini;
	(void)state;
	n += (size_t)snprintf(text + n, cap - n, "[s]\n");
	for (int i = 0; i < 50000; i++)
		n += (size_t)snprintf(text + n, cap - n, "k%d = %d\n", i, i);
	n += (size_t)snprintf(text + n, cap - n, "k123 = again\n");
	write_file(text, n);
	assert_int_equal(ini_read(path, &plain, &ini, err, sizeof err), ST_OK);
	assert_int_equal(ini.nentries, 50002);
	assert_int_equal(ini.entries[50001].first_line, 125);
	assert_string_equal(ini_get(&ini, "s", "k49999", "?"), "49999");
	ini_free(&ini);
	unlink(path);
	free(text);
}

static void refusals_name_the_line(void **state)
{
	static const struct { const char *text; size_t n; const char *want; } bad[] = {
		{ "[a]\nk = 1\n\x01\n", 12, ":3: binary data (byte 0x01): not an INI file" },
		{ "[a]\nk = \xff\n", 9, ":2: not UTF-8 text" },
		{ "[a\n", 3, ":1: syntax error: [a is not a [section] line" },
		{ "[a]\njunk\n", 9, ":2: syntax error: expected KEY = VALUE" },
		{ "[a]\n = 1\n", 9, ":2: syntax error: no key before '='" },
		{ "[a]\nk = 1 \\\n", 12, ":2: the last line ends in '\\'" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct ini_file ini;
		char err[256] = "";
		write_file(bad[i].text, bad[i].n);
		assert_int_equal(ini_read(path, &plain, &ini, err, sizeof err), ST_USAGE);
		if (!strstr(err, bad[i].want) || strncmp(err, path, strlen(path)))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i].want);
		unlink(path);
	}
	/* A line over the cap, and continuations where they are refused. */
	char *big = malloc(INI_LINE_MAX + 16), err[256];
	struct ini_file ini;
	memset(big, 'x', INI_LINE_MAX + 8);
	memcpy(big, "[a]\nk=", 6);
	write_file(big, INI_LINE_MAX + 8);
	assert_int_equal(ini_read(path, &plain, &ini, err, sizeof err), ST_USAGE);
	assert_non_null(strstr(err, ":2: line too long"));
	unlink(path);
	free(big);
	struct ini_opts nocont = { "an album file", 0, 0, NULL, NULL };
	write_file("[a]\nk = 1 \\\nj = 2\n", 18);
	assert_int_equal(ini_read(path, &nocont, &ini, err, sizeof err), ST_USAGE);
	assert_non_null(strstr(err, ":2: a line may not end in '\\'"));
	unlink(path);
	assert_int_equal(ini_read("/nonexistent/x.ini", &plain, &ini, err, sizeof err), ST_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_as_iniparser_reads_them),
		cmocka_unit_test(duplicates_carry_the_first_line),
		cmocka_unit_test(many_keys),
		cmocka_unit_test(refusals_name_the_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
