/* Keymaps: the shipped default.ini matches the built-in bindings, user
 * files override key by key, and every bad file is refused with the file,
 * the line and the key named. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <curses.h>

#include "audio/status.h"
#include "tui/keymap.h"

static char root[1024];

static void find_root(void)
{
	/* __FILE__ is tests/unit/test_keymap.c relative to the repository,
	 * or absolute; either way strip the last three components. */
	const char *f = __FILE__;
	const char *p = strstr(f, "tests/unit/test_keymap.c");
	size_t len = p ? (size_t)(p - f) : 0;
	memcpy(root, f, len);
	root[len] = 0;
}

static void path_of(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s%s", root, rel);
}

static void default_ini_matches_builtin(void **state)
{
	struct keymap builtin, file;
	char path[1200], err[512] = "";

	(void)state;
	keymap_defaults(&builtin);
	keymap_clear(&file);
	path_of(path, sizeof path, "keymaps/default.ini");
	assert_int_equal(keymap_load(&file, path, err, sizeof err), ST_OK);
	for (int key = 0; key < KEYMAP_SIZE; key++) {
		if (builtin.cmd[key] != file.cmd[key])
			fail_msg("key %d: built-in %s, default.ini %s", key,
				 command_names[builtin.cmd[key]], command_names[file.cmd[key]]);
	}
}

static void defaults_cover_the_essentials(void **state)
{
	struct keymap k;
	(void)state;
	keymap_defaults(&k);
	assert_int_equal(keymap_lookup(&k, 'j'), ACT_PARAM_NEXT);
	assert_int_equal(keymap_lookup(&k, KEY_DOWN), ACT_PARAM_NEXT);
	assert_int_equal(keymap_lookup(&k, 'l'), ACT_MODULE_NEXT);
	assert_int_equal(keymap_lookup(&k, '+'), ACT_VALUE_UP);
	assert_int_equal(keymap_lookup(&k, ' '), ACT_PLAY_PAUSE);
	assert_int_equal(keymap_lookup(&k, 'u'), ACT_UNDO);
	assert_int_equal(keymap_lookup(&k, 'r' & 0x1f), ACT_REDO);
	assert_int_equal(keymap_lookup(&k, ':'), ACT_COMMAND);
	assert_int_equal(keymap_lookup(&k, '?'), ACT_HELP);
	assert_int_equal(keymap_lookup(&k, 'q'), ACT_QUIT);
	/* Tracks and the reference: n/p as in cmus, r for reference, and a
	 * capital C for the copy to every track, hard to hit by accident. */
	assert_int_equal(keymap_lookup(&k, 'n'), ACT_TRACK_NEXT);
	assert_int_equal(keymap_lookup(&k, 'p'), ACT_TRACK_PREV);
	assert_int_equal(keymap_lookup(&k, 'r'), ACT_REFERENCE);
	assert_int_equal(keymap_lookup(&k, 'C'), ACT_COPY_ALL);
	assert_int_equal(keymap_lookup(&k, 'c'), ACT_NONE);
	assert_int_equal(command_find("copy_all"), ACT_COPY_ALL);
	/* Every command but "none" is reachable from the keyboard. */
	for (int c = 1; c < ACT_COUNT; c++) {
		int bound = 0;
		for (int key = 0; key < KEYMAP_SIZE; key++)
			bound |= k.cmd[key] == c;
		if (!bound)
			fail_msg("command %s has no default key", command_names[c]);
	}
	assert_int_equal(keymap_lookup(&k, -1), ACT_NONE);
	assert_int_equal(keymap_lookup(&k, 100000), ACT_NONE);
}

static void user_file_overrides_key_by_key(void **state)
{
	struct keymap k;
	char path[1200], err[512] = "";
	(void)state;
	keymap_defaults(&k);
	path_of(path, sizeof path, "tests/data/keymaps/good/override.ini");
	assert_int_equal(keymap_load(&k, path, err, sizeof err), ST_OK);
	assert_int_equal(keymap_lookup(&k, 'j'), ACT_MODULE_NEXT);
	assert_int_equal(keymap_lookup(&k, 'k'), ACT_NONE);
	assert_int_equal(keymap_lookup(&k, 'J'), ACT_PARAM_NEXT);
	assert_int_equal(keymap_lookup(&k, 'p' & 0x1f), ACT_PLAY_PAUSE);
	assert_int_equal(keymap_lookup(&k, KEY_F(5)), ACT_STOP);
	assert_int_equal(keymap_lookup(&k, ';'), ACT_COMMAND);
	/* Untouched keys keep their defaults. */
	assert_int_equal(keymap_lookup(&k, 'q'), ACT_QUIT);
	assert_int_equal(keymap_lookup(&k, KEY_DOWN), ACT_PARAM_NEXT);
}

static void good_files_load(void **state)
{
	char dir[1200];
	DIR *d;
	struct dirent *de;
	int n = 0;
	(void)state;
	path_of(dir, sizeof dir, "tests/data/keymaps/good");
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[2400], err[512] = "";
		struct keymap k;
		if (!strstr(de->d_name, ".ini"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		keymap_defaults(&k);
		if (keymap_load(&k, path, err, sizeof err) != ST_OK)
			fail_msg("%s refused: %s", path, err);
		n++;
	}
	closedir(d);
	assert_true(n >= 3);
}

/* Each bad file says on its first line what the message must contain. */
static void bad_files_are_refused_with_file_line_and_key(void **state)
{
	char dir[1200];
	DIR *d;
	struct dirent *de;
	int n = 0;
	(void)state;
	path_of(dir, sizeof dir, "tests/data/keymaps/bad");
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[2400], err[512] = "", first[256] = "", want[2700];
		struct keymap k, before;
		FILE *f;
		if (!strstr(de->d_name, ".ini"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(first, sizeof first, f));
		fclose(f);
		first[strcspn(first, "\n")] = 0;
		assert_non_null(strstr(first, "; expect: "));
		snprintf(want, sizeof want, "%s%s", path, strstr(first, "; expect: ") + 10);
		keymap_defaults(&k);
		before = k;
		if (keymap_load(&k, path, err, sizeof err) != ST_USAGE)
			fail_msg("%s accepted", path);
		if (!strstr(err, want))
			fail_msg("%s: message '%s' lacks '%s'", path, err, want);
		assert_memory_equal(&k, &before, sizeof k);
		n++;
	}
	closedir(d);
	assert_true(n >= 5);
}

/* Windows editors save with a byte-order mark and CRLF line ends: such a
 * keymap loads like any other, as presets and albums do. */
static void bom_and_crlf_load(void **state)
{
	char path[] = "/tmp/lathe-keymap-XXXXXX", err[512] = "";
	static const char text[] = "\xEF\xBB\xBF[keymap]\r\nversion = 1\r\n[keys]\r\nJ = quit ; comment\r\nz = help\r\n";
	struct keymap k;
	int fd = mkstemp(path);
	FILE *f;
	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, sizeof text - 1, f), sizeof text - 1);
	fclose(f);
	keymap_defaults(&k);
	if (keymap_load(&k, path, err, sizeof err) != ST_OK)
		fail_msg("refused: %s", err);
	assert_int_equal(keymap_lookup(&k, 'j'), ACT_QUIT);
	assert_int_equal(keymap_lookup(&k, 'z'), ACT_HELP);
	assert_int_equal(keymap_lookup(&k, 'q'), ACT_QUIT);
	unlink(path);
}

static void missing_file_is_an_input_error(void **state)
{
	struct keymap k;
	char err[512] = "";
	(void)state;
	keymap_defaults(&k);
	assert_int_equal(keymap_load(&k, "/nonexistent/keymap.ini", err, sizeof err), ST_INPUT);
	assert_non_null(strstr(err, "/nonexistent/keymap.ini"));
}

static void key_names_round_trip(void **state)
{
	static const char *names[] = { "j", "S-j", "C-r", "space", "up", "S-left",
		"pgup", "F1", "colon", "lbracket", "+", "?", "esc", "enter", "home" };
	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char back[32];
		int key = keymap_key_parse(names[i]);
		assert_true(key >= 0 && key < KEYMAP_SIZE);
		keymap_key_name(key, back, sizeof back);
		assert_int_equal(keymap_key_parse(back), key);
	}
	assert_int_equal(keymap_key_parse("S-j"), 'J');
	assert_int_equal(keymap_key_parse("c-R"), 'r' & 0x1f);
	assert_int_equal(keymap_key_parse("f13"), -1);
	assert_int_equal(keymap_key_parse("nokey"), -1);
	assert_int_equal(keymap_key_parse(""), -1);
	assert_int_equal(command_find("param_next"), ACT_PARAM_NEXT);
	assert_int_equal(command_find("bogus"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_ini_matches_builtin),
		cmocka_unit_test(defaults_cover_the_essentials),
		cmocka_unit_test(user_file_overrides_key_by_key),
		cmocka_unit_test(good_files_load),
		cmocka_unit_test(bad_files_are_refused_with_file_line_and_key),
		cmocka_unit_test(bom_and_crlf_load),
		cmocka_unit_test(missing_file_is_an_input_error),
		cmocka_unit_test(key_names_round_trip),
	};
	find_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
