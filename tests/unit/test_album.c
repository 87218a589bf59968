/* Album files and the album comparison: every bad file in
 * tests/data/album/bad is refused with one line naming the file and the
 * line its first comment states; a good file gives each track the chain
 * its presets and overrides say, in track order; the album loudness and
 * the outlier flags match hand-computed values. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "audio/album.h"
#include "audio/album_report.h"
#include "audio/status.h"

static char root[1024];
static char tmp[1024];

static void find_root(void)
{
	const char *f = __FILE__;
	const char *p = strstr(f, "tests/unit/test_album.c");
	size_t len = p ? (size_t)(p - f) : 0;
	memcpy(root, f, len);
	root[len] = 0;
}

static void write_text(const char *name, const char *text)
{
	char path[2048];
	snprintf(path, sizeof path, "%s/%s", tmp, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void write_wav(const char *name, double seconds)
{
	char path[2048];
	SF_INFO info = { .samplerate = 44100, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
	snprintf(path, sizeof path, "%s/%s", tmp, name);
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	assert_non_null(sf);
	int n = (int)(seconds * 44100);
	for (int i = 0; i < n; i++) {
		float fr[2] = { (float)(0.3 * sin(i * 0.05)), (float)(0.3 * sin(i * 0.07)) };
		sf_writef_float(sf, fr, 1);
	}
	sf_close(sf);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof tmp, "%s/lathe-album-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(tmp));
	char cfg[1100];
	/* Presets by name come from the source tree, never the user's folder. */
	snprintf(cfg, sizeof cfg, "%s/config", tmp);
	setenv("XDG_CONFIG_HOME", cfg, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_bad_files(void **state)
{
	(void)state;
	char dir[1100];
	struct dirent *de;
	int count = 0;
	snprintf(dir, sizeof dir, "%stests/data/album/bad", root);
	DIR *d = opendir(dir);
	assert_non_null(d);
	/* Track files are named relative to the album file's folder. */
	while ((de = readdir(d))) {
		char path[2048], first[256], want[256], lineprefix[2100], err[ERRLEN];
		int line;
		struct album al;
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".ini"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(first, sizeof first, f));
		fclose(f);
		first[strcspn(first, "\n")] = 0;
		if (sscanf(first, "; expect %d: %255[^\n]", &line, want) != 2)
			fail_msg("%s: first line must be '; expect LINE: text'", path);
		err[0] = 0;
		int rc = album_load(path, NULL, &al, err, sizeof err);
		print_message("%s -> %s\n", de->d_name, err);
		if (rc != ST_USAGE)
			fail_msg("%s: status %d, want %d (%s)", de->d_name, rc, ST_USAGE, err);
		if (line > 0)
			snprintf(lineprefix, sizeof lineprefix, "%s:%d: ", path, line);
		else
			snprintf(lineprefix, sizeof lineprefix, "%s: ", path);
		if (strncmp(err, lineprefix, strlen(lineprefix)))
			fail_msg("%s: message does not start with '%s': %s", de->d_name, lineprefix, err);
		if (!strstr(err, want))
			fail_msg("%s: message lacks '%s': %s", de->d_name, want, err);
		assert_null(strchr(err, '\n'));
		assert_null(al.tracks);
		count++;
	}
	closedir(d);
	assert_true(count >= 20);
}

static void test_good_file(void **state)
{
	(void)state;
	char path[2048], err[ERRLEN], want[2100];
	struct album al;
	mkdir(strcat(strcpy(path, tmp), "/in"), 0777);
	write_wav("in/one.wav", 0.5);
	write_wav("in/two.wav", 0.5);
	write_wav("in/three.wav", 0.5);
	/* Also a preset next to the album file, by relative path. */
	write_text("mine.ini", "[preset]\nversion = 1\n[comp]\nratio = 3\nthreshold = -20\n");
	write_text("album.ini",
		   "# a comment\n"
		   "[Album]\n"
		   "name = \"Night Drive; EP\"\n"
		   "version = 1\n"
		   "target = -16.5\n"
		   "ceiling = -2\n"
		   "mode = Album\n"
		   "output = masters\n"
		   "format = FLAC\n"
		   "bits = 16\n"
		   "set = eq.low_gain=1.5, comp.ratio=4\n"
		   "\n"
		   "[track10]\n"
		   "file = in/three.wav\n"
		   "output = 03 Last\n"
		   "[track2]\n"
		   "file = in/two.wav\n"
		   "preset = mine.ini\n"
		   "set = comp.ratio=2 ; a comment\n"
		   "[track1]\n"
		   "file = in/one.wav\n");
	snprintf(path, sizeof path, "%s/album.ini", tmp);
	int rc = album_load(path, NULL, &al, err, sizeof err);
	if (rc)
		fail_msg("%s", err);
	assert_string_equal(al.name, "Night Drive; EP");
	assert_true(al.has_target && al.target == -16.5);
	assert_true(al.has_ceiling && al.ceiling == -2);
	assert_int_equal(al.mode, ALBUM_MODE_ALBUM);
	assert_string_equal(al.format, "flac");
	assert_int_equal(al.bits, 16);
	snprintf(want, sizeof want, "%s/masters", tmp);
	assert_string_equal(al.outdir, want);
	assert_int_equal(al.ntracks, 3);
	/* In the order of N, not of the file. */
	snprintf(want, sizeof want, "%s/in/one.wav", tmp);
	assert_string_equal(al.tracks[0].file, want);
	snprintf(want, sizeof want, "%s/in/three.wav", tmp);
	assert_string_equal(al.tracks[2].file, want);
	assert_string_equal(al.tracks[2].output, "03 Last");
	assert_int_equal(al.tracks[0].line, 20);
	assert_int_equal(al.tracks[1].file_line, 17);
	/* Track 1: defaults, album ceiling and set. */
	assert_true(al.tracks[0].v[P_LIMITER_CEILING] == -2);
	assert_true(al.tracks[0].v[P_EQ_LOW_GAIN] == 1.5);
	assert_true(al.tracks[0].v[P_COMP_RATIO] == 4);
	assert_true(al.tracks[0].v[P_COMP_THRESHOLD] == 0);
	/* Track 2: its own preset, then the album set, then its own set. */
	assert_true(al.tracks[1].v[P_COMP_THRESHOLD] == -20);
	assert_true(al.tracks[1].v[P_COMP_RATIO] == 2);
	assert_true(al.tracks[1].v[P_EQ_LOW_GAIN] == 1.5);
	assert_true(al.tracks[1].v[P_LIMITER_CEILING] == -2);
	assert_int_equal(album_check_audio(&al, err, sizeof err), ST_OK);
	album_free(&al);

	/* A default preset (the command line's -p) applies where the file
	 * names none. */
	write_text("plain.ini", "[album]\n[track1]\nfile = in/one.wav\n");
	snprintf(path, sizeof path, "%s/plain.ini", tmp);
	char mine[2100];
	snprintf(mine, sizeof mine, "%s/mine.ini", tmp);
	rc = album_load(path, mine, &al, err, sizeof err);
	if (rc)
		fail_msg("%s", err);
	assert_false(al.has_target);
	assert_int_equal(al.mode, ALBUM_MODE_TRACK);
	assert_true(al.tracks[0].v[P_COMP_RATIO] == 3);
	album_free(&al);
}

static void test_not_audio(void **state)
{
	(void)state;
	char path[2048], err[ERRLEN], want[2100];
	struct album al;
	write_wav("ok.wav", 0.2);
	write_text("text.wav", "not audio at all\n");
	write_text("na.ini", "[album]\n[track1]\nfile = ok.wav\n[track2]\nfile = text.wav\n");
	snprintf(path, sizeof path, "%s/na.ini", tmp);
	assert_int_equal(album_load(path, NULL, &al, err, sizeof err), ST_OK);
	assert_int_equal(album_check_audio(&al, err, sizeof err), ST_INPUT);
	snprintf(want, sizeof want, "%s:5: ", path);
	if (strncmp(err, want, strlen(want)) || !strstr(err, "text.wav"))
		fail_msg("%s", err);
	album_free(&al);
	/* A missing album file is an input that cannot be read. */
	snprintf(path, sizeof path, "%s/none.ini", tmp);
	assert_int_equal(album_load(path, NULL, &al, err, sizeof err), ST_INPUT);
}

static void test_album_loudness(void **state)
{
	(void)state;
	double l[3] = { -10, -20, -14 }, s[3] = { 60, 60, 120 };
	/* Mean power: (0.1 + 0.01) / 2 -> -12.596 LUFS. */
	assert_true(fabs(album_loudness(l, s, 2) - 10 * log10(0.055)) < 1e-9);
	/* A track twice as long weighs twice. */
	double want = 10 * log10((60 * 0.1 + 60 * 0.01 + 120 * pow(10, -1.4)) / 240);
	assert_true(fabs(album_loudness(l, s, 3) - want) < 1e-9);
	double same[2] = { -14, -14 };
	assert_true(fabs(album_loudness(same, s, 2) + 14) < 1e-12);
	/* Silence adds no power, only time... unless everything is silent. */
	double sil[2] = { -INFINITY, -INFINITY };
	assert_true(isinf(album_loudness(sil, s, 2)));
}

static struct track_figures fig(double lufs, double lra, double plr, double tilt, double air)
{
	struct track_figures f;
	memset(&f, 0, sizeof f);
	f.ok = 1;
	f.name = "t";
	f.a.integrated_lufs = lufs;
	f.a.lra_lu = lra;
	f.a.plr_db = plr;
	f.a.true_peak_dbtp = plr + lufs;
	f.a.duration_s = 60;
	f.t.valid = 1;
	f.t.tilt_db_oct = tilt;
	for (int b = 0; b < TONAL_BANDS; b++)
		f.t.band_db[b] = -10 - b;
	f.t.band_db[TONAL_AIR] = air;
	return f;
}

static void test_compare(void **state)
{
	(void)state;
	struct track_figures t[5];
	struct album_summary s;
	char text[512];

	t[0] = fig(-14.0, 5, 10, -2.0, -30);
	t[1] = fig(-14.05, 6, 11, -2.2, -31);
	t[2] = fig(-20.0, 5, 10, -2.1, -30);  /* quiet */
	t[3] = fig(-14.1, 5, 10, -0.5, -24);  /* bright: tilt and air */
	t[4] = fig(-14.0, 12, 16, -2.0, -30); /* much more dynamic */
	album_compare(t, 5, &s);
	assert_int_equal(s.n, 5);
	assert_true(fabs(s.median_lufs + 14.05) < 1e-9);
	assert_true(fabs(s.median_tilt + 2.0) < 1e-9);
	assert_true(fabs(s.median_band[TONAL_AIR] + 30) < 1e-9);
	assert_int_equal(t[0].flags, 0);
	assert_int_equal(t[1].flags, 0);
	assert_int_equal(t[2].flags, OUT_LOUDNESS);
	assert_true(fabs(t[2].d_lufs + 5.95) < 1e-9);
	assert_int_equal(t[3].flags, OUT_TILT | (OUT_BAND0 << TONAL_AIR));
	assert_int_equal(t[4].flags, OUT_LRA | OUT_PLR);
	assert_int_equal(s.outliers, 3);
	assert_true(fabs(s.spread_lu - 6.0) < 1e-9);
	album_flag_text(&t[3], text, sizeof text);
	assert_string_equal(text, "tilt +1.5 dB/oct (brighter), air +6.0 dB");
	album_flag_text(&t[2], text, sizeof text);
	assert_string_equal(text, "loudness -5.9 LU");

	/* A failed track is left out of the medians and never flagged. */
	t[2].ok = 0;
	album_compare(t, 5, &s);
	assert_int_equal(s.n, 4);
	assert_true(fabs(s.median_lufs + 14.025) < 1e-9);
	assert_int_equal(t[2].flags, 0);

	/* Just under each limit: no flag. */
	t[0] = fig(-14, 5, 10, -2, -30);
	t[1] = fig(-14.99, 7.99, 12.99, -2.99, -32.99);
	t[2] = fig(-13.01, 2.01, 7.01, -1.01, -27.01);
	album_compare(t, 3, &s);
	assert_int_equal(t[0].flags | t[1].flags | t[2].flags, 0);

	/* The table and the JSON pieces print without trouble. */
	FILE *f = tmpfile();
	assert_non_null(f);
	album_print_table(f, t, 3, &s);
	album_json_figures(f, &t[0]);
	album_json_outliers(f, &t[0]);
	album_json_summary(f, &s);
	assert_true(ftell(f) > 400);
	fclose(f);
}

int main(void)
{
	find_root();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_not_audio),
		cmocka_unit_test(test_album_loudness),
		cmocka_unit_test(test_compare),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
