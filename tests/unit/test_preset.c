/* Presets and atomic files: every factory preset validates and says what
 * it is for; good files load with the values their ";!" comments state;
 * every bad file (committed or generated) is refused with one line naming
 * the file, the line and the key, without a crash and without a word on
 * stderr; save/load round-trips exactly; a save that fails (read-only
 * folder, full disk, missing folder) leaves the old file intact and no
 * temporary file behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "audio/atomicfile.h"
#include "audio/preset.h"
#include "audio/status.h"

static char root[1024];

static void find_root(void)
{
	/* __FILE__ is tests/unit/test_preset.c, relative or absolute. */
	const char *f = __FILE__;
	const char *p = strstr(f, "tests/unit/test_preset.c");
	size_t len = p ? (size_t)(p - f) : 0;
	memcpy(root, f, len);
	root[len] = 0;
}

/* ---- helpers ---------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_tmpdir(char *buf, size_t size)
{
	snprintf(buf, size, "/tmp/lathe-test-preset.XXXXXX");
	assert_non_null(mkdtemp(buf));
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* Names in dir other than "." and ".." except `keep`; a leftover temporary
 * file (".x.ini.XXXXXX") shows up here. */
static int count_other_entries(const char *dir, const char *keep, char *first, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (keep && !strcmp(de->d_name, keep)))
			continue;
		if (!n && first)
			snprintf(first, size, "%s", de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/* stderr goes to a file while library code runs: it must stay empty. */
/* Static, not on a test's stack: after a failed assertion the teardown
 * must put stderr back (cmocka reports there) and show what was caught. */
static struct quiet { int saved; int active; char path[64]; } quiet;

static void quiet_begin(void)
{
	struct quiet *q = &quiet;
	int fd;
	snprintf(q->path, sizeof q->path, "/tmp/lathe-test-stderr.XXXXXX");
	fd = mkstemp(q->path);
	assert_true(fd >= 0);
	fflush(stderr);
	q->saved = dup(2);
	dup2(fd, 2);
	close(fd);
	q->active = 1;
}

static void quiet_restore(void)
{
	struct quiet *q = &quiet;
	fflush(stderr);
	dup2(q->saved, 2);
	close(q->saved);
	q->active = 0;
}

static void quiet_end(void)
{
	struct quiet *q = &quiet;
	struct stat st;
	quiet_restore();
	assert_int_equal(stat(q->path, &st), 0);
	if (st.st_size) {
		char *text = read_all(q->path, NULL);
		unlink(q->path);
		fail_msg("library code wrote to stderr: %s", text);
	}
	unlink(q->path);
}

/* Every test gets a fresh folder; teardown runs even after a failed
 * assertion, so no mount, temp folder or redirection outlives a test. */
struct fixture {
	char dir[64];
	int mounted;    /* a tmpfs is mounted on dir */
	int read_only;  /* dir was chmod'ed 0555 */
};

static int fx_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	make_tmpdir(fx->dir, sizeof fx->dir);
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fixture *fx = *state;
	if (quiet.active) {
		char *text;
		quiet_restore();
		text = read_all(quiet.path, NULL);
		if (text)
			fputs(text, stderr);
		free(text);
		unlink(quiet.path);
	}
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("LATHE_DATADIR");
	if (fx->read_only)
		chmod(fx->dir, 0755);
	if (fx->mounted && umount(fx->dir) != 0)
		umount2(fx->dir, MNT_DETACH);
	rm_rf(fx->dir);
	free(fx);
	return 0;
}

/* ";! KEY = VALUE" comments in the test files state what must come out. */
struct expect { char key[64]; char value[512]; };

static int read_expectations(const char *path, struct expect *e, int max)
{
	FILE *f = fopen(path, "rb");
	char line[2048];
	int n = 0;
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		char *eq, *k, *v;
		line[strcspn(line, "\r\n")] = 0;
		if (strncmp(line, ";! ", 3))
			continue;
		eq = strstr(line, " =");
		assert_non_null(eq);
		*eq = 0;
		k = line + 3;
		v = eq + 2;
		if (*v == ' ')
			v++;
		assert_true(n < max);
		snprintf(e[n].key, sizeof e[n].key, "%.63s", k);
		snprintf(e[n].value, sizeof e[n].value, "%.511s", v);
		n++;
	}
	fclose(f);
	return n;
}

static int list_ini(const char *dir, char names[][256], int max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len > 4 && !strcmp(de->d_name + len - 4, ".ini") && n < max)
			snprintf(names[n++], 256, "%s", de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, 256, (int (*)(const void *, const void *))strcmp);
	return n;
}

static int get(const char *dotted)
{
	int id = param_find_dotted(dotted);
	if (id < 0)
		fail_msg("test data names unknown parameter %s", dotted);
	return id;
}

/* ---- factory presets -------------------------------------------------- */

static void factory_presets_validate(void **state)
{
	char dir[1200], names[64][256], path[1600], name[128], notes[1024], err[ERRLEN];
	double v[P_COUNT], def[P_COUNT];
	const char *required[] = { "transparent", "glue", "streaming", "loud", "air" };
	int n, have_gentle = 0;

	(void)state;
	snprintf(dir, sizeof dir, "%spresets", root);
	n = list_ini(dir, names, 64);
	assert_true(n >= 6);
	params_defaults(def);
	quiet_begin();
	for (int i = 0; i < n; i++) {
		char base[256];
		snprintf(path, sizeof path, "%s/%.255s", dir, names[i]);
		snprintf(base, sizeof base, "%.*s", (int)strlen(names[i]) - 4, names[i]);
		err[0] = 0;
		if (preset_load(path, v, name, sizeof name, notes, sizeof notes, err, sizeof err) != ST_OK)
			fail_msg("factory preset does not load: %s", err);
		/* The [preset] name is what the UI shows: it must be the name
		 * -p takes. */
		assert_string_equal(name, base);
		if (strlen(notes) < 150)
			fail_msg("%s: notes should say what it is for and why (%zu characters)", names[i], strlen(notes));
		have_gentle |= !strcmp(base, "warm") || !strcmp(base, "acoustic");
	}
	quiet_end();
	assert_true(have_gentle);
	for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
		snprintf(path, sizeof path, "%s/%s.ini", dir, required[i]);
		if (access(path, R_OK))
			fail_msg("missing factory preset %s", required[i]);
	}

	/* The presets do what their notes promise. */
	snprintf(path, sizeof path, "%s/transparent.ini", dir);
	assert_int_equal(preset_load(path, v, NULL, 0, NULL, 0, err, sizeof err), ST_OK);
	assert_memory_equal(v, def, sizeof v);

	snprintf(path, sizeof path, "%s/glue.ini", dir);
	assert_int_equal(preset_load(path, v, NULL, 0, NULL, 0, err, sizeof err), ST_OK);
	assert_true(v[P_COMP_RATIO] >= 1.5 && v[P_COMP_RATIO] <= 2);
	assert_true(v[P_COMP_ATTACK] >= 20 && v[P_COMP_ATTACK] <= 40);
	assert_true(v[P_COMP_RELEASE] >= 100 && v[P_COMP_RELEASE] <= 200);
	assert_true(v[P_COMP_KNEE] > 0);
	assert_true(v[P_COMP_BYPASS] == 0);
	/* 1-2 dB of reduction on material 6 dB over the threshold: the
	 * static curve's slope puts it at 6 * (1 - 1/ratio). */
	{
		double gr = 6 * (1 - 1 / v[P_COMP_RATIO]);
		assert_true(gr >= 1 && gr <= 2.5);
	}

	snprintf(path, sizeof path, "%s/streaming.ini", dir);
	assert_int_equal(preset_load(path, v, NULL, 0, NULL, 0, err, sizeof err), ST_OK);
	assert_true(v[P_LIMITER_CEILING] == -1);
	assert_true(v[P_LIMITER_BYPASS] == 0);
	double streaming_drive = v[P_LIMITER_DRIVE];

	snprintf(path, sizeof path, "%s/loud.ini", dir);
	assert_int_equal(preset_load(path, v, NULL, 0, notes, sizeof notes, err, sizeof err), ST_OK);
	assert_true(v[P_LIMITER_CEILING] == -1);
	assert_true(v[P_LIMITER_DRIVE] > streaming_drive);
	assert_non_null(strstr(notes, "over-limiting"));

	snprintf(path, sizeof path, "%s/air.ini", dir);
	assert_int_equal(preset_load(path, v, NULL, 0, NULL, 0, err, sizeof err), ST_OK);
	assert_true(v[P_EQ_HIGH_GAIN] >= 1 && v[P_EQ_HIGH_GAIN] <= 2);
	assert_true(v[P_EQ_HIGH_FREQ] >= 10000 && v[P_EQ_HIGH_FREQ] <= 12000);
	assert_true(v[P_HPF_FREQ] >= 25 && v[P_HPF_FREQ] <= 32);
	/* No boost anywhere below the shelf: the low end gets tighter. */
	assert_true(v[P_EQ_LOW_GAIN] <= 0 && v[P_EQ_MID1_GAIN] <= 0);
}

/* ---- good files ------------------------------------------------------- */

static void good_files_load(void **state)
{
	char dir[1200], names[64][256], path[1600], name[256], notes[1024], err[ERRLEN];
	struct expect e[64];
	double v[P_COUNT], want[P_COUNT];
	int n;

	(void)state;
	snprintf(dir, sizeof dir, "%stests/data/presets/good", root);
	n = list_ini(dir, names, 64);
	assert_true(n >= 5);
	quiet_begin();
	for (int i = 0; i < n; i++) {
		int ne;
		snprintf(path, sizeof path, "%s/%.255s", dir, names[i]);
		ne = read_expectations(path, e, 64);
		params_defaults(want);
		/* Start from garbage: load must begin from the defaults. */
		for (int k = 0; k < P_COUNT; k++)
			v[k] = -12345;
		if (preset_load(path, v, name, sizeof name, notes, sizeof notes, err, sizeof err) != ST_OK)
			fail_msg("%s should load: %s", names[i], err);
		for (int k = 0; k < ne; k++) {
			if (!strcmp(e[k].key, "name")) {
				if (strcmp(name, e[k].value))
					fail_msg("%s: name '%s', expected '%s'", names[i], name, e[k].value);
			} else if (!strcmp(e[k].key, "notes")) {
				if (strcmp(notes, e[k].value))
					fail_msg("%s: notes '%s', expected '%s'", names[i], notes, e[k].value);
			} else {
				double x;
				assert_int_equal(parse_double(e[k].value, &x), 0);
				want[get(e[k].key)] = x;
			}
		}
		for (int k = 0; k < P_COUNT; k++)
			if (v[k] != want[k])
				fail_msg("%s: %s.%s = %.17g, expected %.17g", names[i],
					 module_names[param_table[k].module], param_table[k].name, v[k], want[k]);
	}
	quiet_end();
}

/* ---- bad files -------------------------------------------------------- */

/* The message is one line, names the file, and is refused with status st. */
static void check_refused(const char *path, int st, const char *const *needles, int nneedles)
{
	char err[ERRLEN] = "", name[64] = "untouched", notes[64] = "untouched";
	double v[P_COUNT], before[P_COUNT];
	int rc;

	for (int k = 0; k < P_COUNT; k++)
		before[k] = v[k] = 1000 + k;
	rc = preset_load(path, v, name, sizeof name, notes, sizeof notes, err, sizeof err);
	if (rc != st)
		fail_msg("%s: status %d, expected %d (%s)", path, rc, st, err);
	if (!strstr(err, path))
		fail_msg("%s: message does not name the file: %s", path, err);
	if (strchr(err, '\n'))
		fail_msg("%s: message is more than one line: %s", path, err);
	for (int i = 0; i < nneedles; i++)
		if (!strstr(err, needles[i]))
			fail_msg("%s: message lacks '%s': %s", path, needles[i], err);
	/* A refused file changes nothing. */
	assert_memory_equal(v, before, sizeof v);
	assert_string_equal(name, "untouched");
	assert_string_equal(notes, "untouched");
}

static void bad_files_fail(void **state)
{
	char dir[1200], names[64][256], path[1600];
	struct expect e[16];
	int n;

	(void)state;
	snprintf(dir, sizeof dir, "%stests/data/presets/bad", root);
	n = list_ini(dir, names, 64);
	assert_true(n >= 20);
	quiet_begin();
	for (int i = 0; i < n; i++) {
		const char *needles[16];
		char linebuf[16][1700];
		int ne, nn = 0;
		snprintf(path, sizeof path, "%s/%.255s", dir, names[i]);
		ne = read_expectations(path, e, 16);
		for (int k = 0; k < ne; k++) {
			if (!strcmp(e[k].key, "line")) {
				/* "file:LINE:" form */
				snprintf(linebuf[nn], sizeof linebuf[nn], "%s:%s: ", path, e[k].value);
				needles[nn] = linebuf[nn];
				nn++;
			} else if (!strcmp(e[k].key, "expect")) {
				needles[nn++] = e[k].value;
			}
		}
		/* Only the empty file cannot carry its own expectations. */
		if (!nn && strcmp(names[i], "empty.ini"))
			fail_msg("%s has no ';! expect' line", names[i]);
		if (!strcmp(names[i], "empty.ini"))
			needles[nn++] = "empty";
		check_refused(path, ST_USAGE, needles, nn);
	}
	quiet_end();
}

static void generated_bad_files(void **state)
{
	struct fixture *fx = *state;
	const char *dir = fx->dir;
	char path[128];
	unsigned char junk[4096];
	uint32_t seed = 12345;
	char *big;

	(void)state;
	quiet_begin();

	/* Random bytes, as from a WAV given by mistake. */
	for (size_t i = 0; i < sizeof junk; i++) {
		seed = seed * 1664525u + 1013904223u;
		junk[i] = (unsigned char)(seed >> 24);
	}
	snprintf(path, sizeof path, "%s/garbage.ini", dir);
	write_file(path, junk, sizeof junk);
	check_refused(path, ST_USAGE, (const char *[]){ "not a preset file" }, 1);

	/* A real file header: RIFF....WAVE then binary. */
	snprintf(path, sizeof path, "%s/song.wav.ini", dir);
	write_file(path, "RIFF\x24\x08\x00\x00WAVEfmt ", 16);
	check_refused(path, ST_USAGE, (const char *[]){ ":1: binary data" }, 1);

	/* A 1 MB line. */
	big = malloc((1 << 20) + 16);
	assert_non_null(big);
	memcpy(big, "[comp]\nratio = ", 15);
	memset(big + 15, '1', 1 << 20);
	big[15 + (1 << 20)] = '\n';
	snprintf(path, sizeof path, "%s/longline.ini", dir);
	write_file(path, big, 16 + (1 << 20));
	check_refused(path, ST_USAGE, (const char *[]){ ":2: line too long" }, 1);

	/* Many short lines adding up to more than any preset. */
	for (int i = 0; i < (1 << 20); i += 8)
		memcpy(big + i, "; abcd\n\n", 8);
	snprintf(path, sizeof path, "%s/huge.ini", dir);
	write_file(path, big, 1 << 20);
	write_file(path, big, (1 << 20));
	{
		FILE *f = fopen(path, "ab");
		fputs("; one more line past the limit\n", f);
		fclose(f);
	}
	check_refused(path, ST_USAGE, (const char *[]){ "not a preset file" }, 1);
	free(big);

	/* NUL in the middle of an otherwise good line. */
	snprintf(path, sizeof path, "%s/nul.ini", dir);
	write_file(path, "[comp]\nratio = 2\0 junk\n", 23);
	check_refused(path, ST_USAGE, (const char *[]){ ":2: binary data (byte 0x00)" }, 1);

	/* Latin-1 text is not UTF-8. */
	snprintf(path, sizeof path, "%s/latin1.ini", dir);
	write_file(path, "[preset]\nnotes = S\xfc\xdf\n", 21);
	check_refused(path, ST_USAGE, (const char *[]){ ":2: not UTF-8" }, 1);

	/* A continuation at the very end. */
	snprintf(path, sizeof path, "%s/continued.ini", dir);
	write_file(path, "[preset]\nnotes = a \\", 20);
	check_refused(path, ST_USAGE, (const char *[]){ ":2:", "nothing follows" }, 1);

	/* A newer version with nothing else wrong. */
	snprintf(path, sizeof path, "%s/v9.ini", dir);
	write_file(path, "[preset]\nversion = 9\n", 21);
	check_refused(path, ST_USAGE, (const char *[]){ ":2:", "version 9 is newer" }, 2);

	/* Could not be read: ST_INPUT. */
	snprintf(path, sizeof path, "%s/missing.ini", dir);
	check_refused(path, ST_INPUT, (const char *[]){ "No such file" }, 1);
	check_refused(dir, ST_INPUT, (const char *[]){ "folder" }, 1);
	snprintf(path, sizeof path, "%s/fifo.ini", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	check_refused(path, ST_INPUT, (const char *[]){ "not a regular file" }, 1);
	if (geteuid() != 0) {
		/* root reads anything, so this only means something for users. */
		snprintf(path, sizeof path, "%s/secret.ini", dir);
		write_file(path, "[comp]\n", 7);
		chmod(path, 0);
		check_refused(path, ST_INPUT, (const char *[]){ "Permission denied" }, 1);
	}
	quiet_end();
}

/* ---- saving ----------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static double uniform(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void random_settings(double v[P_COUNT])
{
	for (int i = 0; i < P_COUNT; i++) {
		const struct param_desc *d = &param_table[i];
		double u = uniform();
		if (d->flags & PF_SWITCH)
			v[i] = u < 0.5 ? d->min : d->max;
		else if (u < 0.05)
			v[i] = d->min;  /* the ends of the range must survive too */
		else if (u > 0.95)
			v[i] = d->max;
		else if (d->flags & PF_LOG)
			v[i] = d->min * pow(d->max / d->min, uniform());
		else
			v[i] = d->min + (d->max - d->min) * uniform();
	}
}

static void round_trip_is_exact(void **state)
{
	struct fixture *fx = *state;
	const char *dir = fx->dir;
	char path[128], err[ERRLEN], name[PRESET_NAME_MAX], notes[PRESET_NOTES_MAX + 1];
	double v[P_COUNT], back[P_COUNT];

	(void)state;
	snprintf(path, sizeof path, "%s/rt.ini", dir);
	for (int t = 0; t < 300; t++) {
		random_settings(v);
		if (preset_save(path, v, "round trip", "n", err, sizeof err) != ST_OK)
			fail_msg("save: %s", err);
		if (preset_load(path, back, NULL, 0, NULL, 0, err, sizeof err) != ST_OK)
			fail_msg("load of a saved preset: %s", err);
		for (int i = 0; i < P_COUNT; i++)
			if (back[i] != v[i])
				fail_msg("try %d: %s.%s saved %.17g, read %.17g", t,
					 module_names[param_table[i].module], param_table[i].name, v[i], back[i]);
	}
	/* Values typed by a user stay short in the file. */
	params_defaults(v);
	v[P_COMP_RATIO] = 1.5;
	v[P_EQ_HIGH_GAIN] = 0.1 + 0.2;  /* 0.30000000000000004: needs 17 digits */
	assert_int_equal(preset_save(path, v, NULL, NULL, err, sizeof err), ST_OK);
	{
		char *text = read_all(path, NULL);
		assert_non_null(strstr(text, "\nratio = 1.5 "));
		assert_non_null(strstr(text, "\nhigh_gain = 0.30000000000000004 "));
		assert_non_null(strstr(text, "version = 1\n"));
		free(text);
	}
	assert_int_equal(preset_load(path, back, name, sizeof name, NULL, 0, err, sizeof err), ST_OK);
	assert_true(back[P_EQ_HIGH_GAIN] == 0.1 + 0.2);
	assert_string_equal(name, "rt");  /* no name given: the file's */

	/* Names and notes with everything iniparser treats specially. */
	const char *tricky[][2] = {
		{ "glue; v2 #3", "a;b # c = d [x]" },
		{ "It's \"quoted\"", "both ' and \" quotes" },
		{ "Süße Lüfte", "für Gesang — ‘Luft’ bei 12 kHz" },
		{ "x", "" },
	};
	for (size_t k = 0; k < sizeof tricky / sizeof *tricky; k++) {
		assert_int_equal(preset_save(path, v, tricky[k][0], tricky[k][1], err, sizeof err), ST_OK);
		assert_int_equal(preset_load(path, back, name, sizeof name, notes, sizeof notes, err, sizeof err), ST_OK);
		if (k == 1) {
			/* iniparser has no escapes: double quotes become single
			 * when both kinds are present, nothing else is lost. */
			assert_string_equal(name, "It's 'quoted'");
			assert_string_equal(notes, "both ' and ' quotes");
		} else {
			assert_string_equal(name, tricky[k][0]);
			assert_string_equal(notes, tricky[k][1]);
		}
	}
	/* A line break in notes cannot end the value early. */
	assert_int_equal(preset_save(path, v, "nl", "one\ntwo\\\n[comp]\nratio = 9", err, sizeof err), ST_OK);
	assert_int_equal(preset_load(path, back, name, sizeof name, notes, sizeof notes, err, sizeof err), ST_OK);
	assert_string_equal(notes, "one two\\ [comp] ratio = 9");
	assert_true(back[P_COMP_RATIO] == 1.5);
}

static void save_refuses_bad_values(void **state)
{
	struct fixture *fx = *state;
	const char *dir = fx->dir;
	char path[128], err[ERRLEN], notes[PRESET_NOTES_MAX + 2];
	double v[P_COUNT];

	(void)state;
	snprintf(path, sizeof path, "%s/bad.ini", dir);
	params_defaults(v);
	v[P_COMP_RATIO] = 50;
	assert_int_equal(preset_save(path, v, NULL, NULL, err, sizeof err), ST_USAGE);
	assert_non_null(strstr(err, "comp.ratio"));
	v[P_COMP_RATIO] = NAN;
	assert_int_equal(preset_save(path, v, NULL, NULL, err, sizeof err), ST_USAGE);
	params_defaults(v);
	v[P_HPF_SLOPE] = 18;
	assert_int_equal(preset_save(path, v, NULL, NULL, err, sizeof err), ST_USAGE);
	assert_non_null(strstr(err, "hpf.slope"));
	params_defaults(v);
	memset(notes, 'x', sizeof notes - 1);
	notes[sizeof notes - 1] = 0;
	assert_int_equal(preset_save(path, v, NULL, notes, err, sizeof err), ST_USAGE);
	assert_non_null(strstr(err, "notes"));
	notes[PRESET_NOTES_MAX] = 0;  /* exactly the limit: fine */
	assert_int_equal(preset_save(path, v, NULL, notes, err, sizeof err), ST_OK);
	assert_int_equal(preset_load(path, v, NULL, 0, NULL, 0, err, sizeof err), ST_OK);
	unlink(path);
	assert_int_equal(count_other_entries(dir, NULL, NULL, 0), 0);
}

/* Saves an "old" preset, then tries to save a different one over it with
 * the folder made unwritable by `spoil`; checks the failure and that the
 * old bytes and nothing else are there. */
static void check_failed_save(const char *dir, const char *path, const char *needle)
{
	char err[ERRLEN] = "", other[256];
	double v[P_COUNT];
	char *before, *after;
	size_t nb, na;

	before = read_all(path, &nb);
	assert_non_null(before);
	params_defaults(v);
	v[P_COMP_RATIO] = 7;
	assert_int_equal(preset_save(path, v, "new", "new notes", err, sizeof err), ST_OUTPUT);
	if (!strstr(err, path) || !strstr(err, needle))
		fail_msg("message should name %s and say '%s': %s", path, needle, err);
	after = read_all(path, &na);
	assert_non_null(after);
	assert_int_equal(na, nb);
	assert_memory_equal(before, after, nb);
	const char *base = strrchr(path, '/') + 1;
	if (count_other_entries(dir, base, other, sizeof other) != 0) {
		/* the filler file of the full-disk case is expected */
		if (strcmp(other, "filler"))
			fail_msg("left behind in %s: %s", dir, other);
	}
	free(before);
	free(after);
}

static void save_old(const char *path)
{
	char err[ERRLEN];
	double v[P_COUNT];
	params_defaults(v);
	v[P_COMP_RATIO] = 3;
	if (preset_save(path, v, "old", "old notes", err, sizeof err) != ST_OK)
		fail_msg("%s", err);
}

static void atomic_save_read_only_folder(void **state)
{
	struct fixture *fx = *state;
	const char *dir = fx->dir;
	char path[128];

	snprintf(path, sizeof path, "%s/x.ini", dir);
	if (geteuid() == 0) {
		/* Permissions do not stop root: a read-only mount does. */
		if (mount("tmpfs", dir, "tmpfs", 0, "size=64k") != 0)
			skip();
		fx->mounted = 1;
		save_old(path);
		if (mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, "size=64k") != 0)
			skip();
		check_failed_save(dir, path, "Read-only file system");
	} else {
		save_old(path);
		chmod(dir, 0555);
		fx->read_only = 1;
		check_failed_save(dir, path, "Permission denied");
	}
}

static void atomic_save_full_disk(void **state)
{
	struct fixture *fx = *state;
	const char *dir = fx->dir;
	char path[128], filler[128], err[ERRLEN];
	char block[4096];
	double v[P_COUNT];
	FILE *f;

	(void)state;
	if (geteuid() != 0 || mount("tmpfs", dir, "tmpfs", 0, "size=64k") != 0)
		skip();
	fx->mounted = 1;
	snprintf(path, sizeof path, "%s/x.ini", dir);
	snprintf(filler, sizeof filler, "%s/filler", dir);
	save_old(path);
	/* Fill every last block. */
	f = fopen(filler, "wb");
	assert_non_null(f);
	memset(block, 'z', sizeof block);
	setvbuf(f, NULL, _IONBF, 0);
	while (fwrite(block, 1, sizeof block, f) == sizeof block)
		;
	while (fwrite(block, 1, 1, f) == 1)
		;
	fclose(f);
	check_failed_save(dir, path, "No space left on device");
	/* With room again the same save works: the failure was the space. */
	unlink(filler);
	params_defaults(v);
	v[P_COMP_RATIO] = 7;
	assert_int_equal(preset_save(path, v, "new", NULL, err, sizeof err), ST_OK);
	assert_int_equal(preset_load(path, v, NULL, 0, NULL, 0, err, sizeof err), ST_OK);
	assert_true(v[P_COMP_RATIO] == 7);
	assert_int_equal(count_other_entries(dir, "x.ini", NULL, 0), 0);
	assert_int_equal(umount(dir), 0);
	fx->mounted = 0;
}

static void save_errors_name_the_file(void **state)
{
	struct fixture *fx = *state;
	const char *dir = fx->dir;
	char path[160], err[ERRLEN];
	double v[P_COUNT];

	(void)state;
	params_defaults(v);
	/* The folder does not exist. */
	snprintf(path, sizeof path, "%s/no/such/x.ini", dir);
	assert_int_equal(preset_save(path, v, NULL, NULL, err, sizeof err), ST_OUTPUT);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));
	/* The target is a folder: the rename fails after everything was
	 * written, and the temporary file must still go. */
	snprintf(path, sizeof path, "%s/folder.ini", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(preset_save(path, v, NULL, NULL, err, sizeof err), ST_OUTPUT);
	assert_non_null(strstr(err, path));
	assert_int_equal(count_other_entries(dir, "folder.ini", NULL, 0), 0);
	/* A device is not replaced by a preset. */
	assert_int_equal(preset_save("/dev/null", v, NULL, NULL, err, sizeof err), ST_OUTPUT);
	assert_non_null(strstr(err, "/dev/null"));
}

/* ---- atomicfile on its own -------------------------------------------- */

static void atomicfile_basics(void **state)
{
	struct fixture *fx = *state;
	const char *dir = fx->dir;
	char path[128], link[128], err[ERRLEN], *text;
	struct atomicfile af;
	struct stat st;

	(void)state;
	snprintf(path, sizeof path, "%s/out.txt", dir);

	assert_int_equal(path_is_regular_or_absent(path), 1);
	assert_int_equal(path_is_regular_or_absent("/dev/null"), 0);
	assert_int_equal(path_is_regular_or_absent(dir), 0);

	/* Abort leaves nothing. */
	assert_int_equal(atomicfile_open(&af, path, 0, err, sizeof err), ST_OK);
	fputs("draft", atomicfile_stream(&af));
	atomicfile_abort(&af);
	assert_int_equal(count_other_entries(dir, NULL, NULL, 0), 0);

	/* Commit through the descriptor; the umask decides the mode. */
	mode_t um = umask(022);
	assert_int_equal(atomicfile_open(&af, path, 0, err, sizeof err), ST_OK);
	assert_int_equal(write(af.fd, "one\n", 4), 4);
	assert_int_equal(atomicfile_commit(&af, err, sizeof err), ST_OK);
	umask(um);
	assert_int_equal(path_is_regular_or_absent(path), 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);

	/* Replacing keeps the old file's permissions. */
	chmod(path, 0640);
	assert_int_equal(atomicfile_open(&af, path, 0, err, sizeof err), ST_OK);
	/* Until the commit, readers see the old contents. */
	fputs("two\n", atomicfile_stream(&af));
	fflush(af.fp);
	text = read_all(path, NULL);
	assert_string_equal(text, "one\n");
	free(text);
	assert_int_equal(atomicfile_commit(&af, err, sizeof err), ST_OK);
	text = read_all(path, NULL);
	assert_string_equal(text, "two\n");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);

	/* Through a symlink: the link stays, the file it names changes. */
	snprintf(link, sizeof link, "%s/link.txt", dir);
	assert_int_equal(symlink("out.txt", link), 0);
	assert_int_equal(atomicfile_open(&af, link, 0, err, sizeof err), ST_OK);
	fputs("three\n", atomicfile_stream(&af));
	assert_int_equal(atomicfile_commit(&af, err, sizeof err), ST_OK);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	text = read_all(path, NULL);
	assert_string_equal(text, "three\n");
	free(text);
	assert_int_equal(count_other_entries(dir, "out.txt", NULL, 0), 1);  /* the link */

	/* Devices: refused, or written straight through when asked. */
	assert_int_equal(atomicfile_open(&af, "/dev/null", 0, err, sizeof err), ST_OUTPUT);
	assert_non_null(strstr(err, "/dev/null"));
	assert_int_equal(atomicfile_open(&af, "/dev/null", AF_DIRECT_SPECIAL, err, sizeof err), ST_OK);
	assert_true(af.direct);
	fputs("gone", atomicfile_stream(&af));
	assert_int_equal(atomicfile_commit(&af, err, sizeof err), ST_OK);
	assert_int_equal(path_is_regular_or_absent("/dev/null"), 0);

	/* /dev/full: the write error surfaces at commit with the name. */
	if (access("/dev/full", W_OK) == 0) {
		assert_int_equal(atomicfile_open(&af, "/dev/full", AF_DIRECT_SPECIAL, err, sizeof err), ST_OK);
		fputs("x", atomicfile_stream(&af));
		assert_int_equal(atomicfile_commit(&af, err, sizeof err), ST_OUTPUT);
		assert_string_equal(err, "cannot write /dev/full: No space left on device");
	}
}

/* ---- finding presets -------------------------------------------------- */

static void resolve_and_list(void **state)
{
	struct fixture *fx = *state;
	const char *dir = fx->dir;
	char sub[160], path[4096], err[ERRLEN], want[256];
	struct preset_entry *list;
	int n;
	double v[P_COUNT];

	(void)state;
	snprintf(sub, sizeof sub, "%s/config", dir);
	setenv("XDG_CONFIG_HOME", sub, 1);
	snprintf(sub, sizeof sub, "%s/data", dir);
	setenv("LATHE_DATADIR", sub, 1);
	mkdir(sub, 0755);
	snprintf(sub, sizeof sub, "%s/data/presets", dir);
	mkdir(sub, 0755);
	params_defaults(v);

	/* Paths are used as they are, existing or not. */
	assert_int_equal(preset_resolve("./mine.ini", path, sizeof path, err, sizeof err), ST_OK);
	assert_string_equal(path, "./mine.ini");
	assert_int_equal(preset_resolve("mine.ini", path, sizeof path, err, sizeof err), ST_OK);
	assert_string_equal(path, "mine.ini");
	assert_int_equal(preset_resolve("/abs/x", path, sizeof path, err, sizeof err), ST_OK);

	/* Not found: the message lists where it looked. */
	assert_int_equal(preset_resolve("nosuch", path, sizeof path, err, sizeof err), ST_USAGE);
	assert_non_null(strstr(err, "'nosuch'"));
	assert_non_null(strstr(err, "config/lathe/presets"));
	assert_non_null(strstr(err, "data/presets"));
	assert_int_equal(preset_resolve("bad name", path, sizeof path, err, sizeof err), ST_USAGE);
	assert_int_equal(preset_resolve(".hidden", path, sizeof path, err, sizeof err), ST_USAGE);
	assert_int_equal(preset_resolve("", path, sizeof path, err, sizeof err), ST_USAGE);

	/* Factory from LATHE_DATADIR. */
	snprintf(sub, sizeof sub, "%s/data/presets/shared.ini", dir);
	assert_int_equal(preset_save(sub, v, NULL, NULL, err, sizeof err), ST_OK);
	snprintf(sub, sizeof sub, "%s/data/presets/zeta.ini", dir);
	assert_int_equal(preset_save(sub, v, NULL, NULL, err, sizeof err), ST_OK);
	assert_int_equal(preset_resolve("shared", path, sizeof path, err, sizeof err), ST_OK);
	assert_non_null(strstr(path, "/data/presets/shared.ini"));

	/* A user preset of the same name wins. */
	assert_int_equal(preset_user_path("shared", path, sizeof path, 1, err, sizeof err), ST_OK);
	snprintf(want, sizeof want, "%s/config/lathe/presets/shared.ini", dir);
	assert_string_equal(path, want);
	assert_int_equal(preset_save(path, v, NULL, NULL, err, sizeof err), ST_OK);
	assert_int_equal(preset_user_path("alpha", path, sizeof path, 0, err, sizeof err), ST_OK);
	assert_int_equal(preset_save(path, v, NULL, NULL, err, sizeof err), ST_OK);
	assert_int_equal(preset_resolve("shared", path, sizeof path, err, sizeof err), ST_OK);
	assert_non_null(strstr(path, "/config/lathe/presets/shared.ini"));
	assert_int_equal(preset_user_path("../evil", path, sizeof path, 0, err, sizeof err), ST_USAGE);

	/* The list: sorted, one entry per name, user ones marked.  The
	 * factory folder next to this test binary may add more names. */
	assert_int_equal(preset_list(&list, &n, err, sizeof err), ST_OK);
	int seen = 0;
	for (int i = 0; i < n; i++) {
		if (i)
			assert_true(strcmp(list[i - 1].name, list[i].name) < 0);
		if (!strcmp(list[i].name, "shared")) {
			assert_true(list[i].user);
			seen++;
		}
		if (!strcmp(list[i].name, "alpha")) {
			assert_true(list[i].user);
			seen++;
		}
		if (!strcmp(list[i].name, "zeta")) {
			assert_false(list[i].user);
			assert_non_null(strstr(list[i].path, "/data/presets/zeta.ini"));
			seen++;
		}
	}
	assert_int_equal(seen, 3);
	free(list);

	/* The factory presets of this tree are found by name. */
	{
		char datadir[1200];
		snprintf(datadir, sizeof datadir, "%s.", root);
		setenv("LATHE_DATADIR", datadir, 1);
	}
	assert_int_equal(preset_resolve("glue", path, sizeof path, err, sizeof err), ST_OK);
	assert_int_equal(preset_load(path, v, NULL, 0, NULL, 0, err, sizeof err), ST_OK);
}

/* ---- --set ------------------------------------------------------------ */

static void set_from_string(void **state)
{
	char err[ERRLEN];
	double v[P_COUNT], before[P_COUNT];
	struct { const char *s; int id; double want; } good[] = {
		{ "comp.ratio=2", P_COMP_RATIO, 2 },
		{ " comp.ratio = 2.5 ", P_COMP_RATIO, 2.5 },
		{ "HPF.Slope=24", P_HPF_SLOPE, 24 },
		{ "limiter.bypass=1", P_LIMITER_BYPASS, 1 },
		{ "limiter.ceiling=-0.3", P_LIMITER_CEILING, -0.3 },
		{ "eq.high_freq=1.2e4", P_EQ_HIGH_FREQ, 12000 },
		{ "output.gain=-0", P_OUTPUT_GAIN, 0 },
	};
	struct { const char *s; const char *needle[3]; } bad[] = {
		{ "comp.ratio", { "expected MODULE.PARAM=VALUE", "comp.ratio" } },
		{ "ratio=2", { "expected MODULE.PARAM=VALUE", "ratio" } },
		{ "compressor.ratio=2", { "unknown module compressor", "input hpf eq comp" } },
		{ "comp.foo=1", { "--set: unknown parameter comp.foo; comp has:", "threshold ratio attack" } },
		{ "comp.ratio=abc", { "--set: comp.ratio = abc is not a number" } },
		{ "comp.ratio=1,5", { "comp.ratio = 1,5", "'.'" } },
		{ "comp.ratio=50", { "--set: comp.ratio = 50 is out of range (1 to 20)" } },
		{ "comp.ratio=nan", { "comp.ratio = nan" } },
		{ "limiter.ceiling=inf", { "limiter.ceiling = inf" } },
		{ "limiter.ceiling=1e308", { "out of range (-12 to 0 dBTP)" } },
		{ "hpf.slope=18", { "hpf.slope = 18", "12 or 24" } },
		{ "comp.ratio=", { "comp.ratio has no value" } },
		{ "=2", { "expected MODULE.PARAM=VALUE" } },
		{ "", { "expected MODULE.PARAM=VALUE" } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		params_defaults(v);
		memcpy(before, v, sizeof v);
		if (param_set_from_string(good[i].s, v, err, sizeof err) != ST_OK)
			fail_msg("'%s': %s", good[i].s, err);
		assert_true(v[good[i].id] == good[i].want);
		if (good[i].want == 0)
			assert_false(signbit(v[good[i].id]));  /* never saved as "-0" */
		before[good[i].id] = good[i].want;
		assert_memory_equal(v, before, sizeof v);  /* nothing else moved */
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		params_defaults(v);
		memcpy(before, v, sizeof v);
		err[0] = 0;
		if (param_set_from_string(bad[i].s, v, err, sizeof err) != ST_USAGE)
			fail_msg("'%s' was accepted", bad[i].s);
		assert_memory_equal(v, before, sizeof v);
		assert_true(!strncmp(err, "--set: ", 7));
		for (int k = 0; k < 3 && bad[i].needle[k]; k++)
			if (!strstr(err, bad[i].needle[k]))
				fail_msg("'%s': message lacks '%s': %s", bad[i].s, bad[i].needle[k], err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(factory_presets_validate, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(good_files_load, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(bad_files_fail, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(generated_bad_files, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(round_trip_is_exact, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(save_refuses_bad_values, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(atomic_save_read_only_folder, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(atomic_save_full_disk, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(save_errors_name_the_file, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(atomicfile_basics, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(resolve_and_list, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(set_from_string, fx_setup, fx_teardown),
	};
	find_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
