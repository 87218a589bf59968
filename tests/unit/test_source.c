/* Reading files: source_read converts 16- and 24-bit PCM itself (WAV and
 * AIFF, source.c), and what it hands out must be libsndfile's own floats
 * bit for bit (renders are compared byte for byte against earlier ones),
 * in every container and width, mono as dual mono, across odd read sizes,
 * a seek, the extremes of the range and the file's end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sndfile.h>
#include <unistd.h>

#include "audio/source.h"
#include "audio/status.h"

#define FRAMES 30011 /* not a multiple of any read size below */

/* Every code in the width's range appears: a ramp through all 16-bit
 * values, the 24-bit ones stepped by a prime, both extremes, and noise. */
static void signal(int *x, int channels)
{
	uint32_t r = 12345;

	for (int i = 0; i < FRAMES; i++)
		for (int c = 0; c < channels; c++) {
			int64_t v;
			r = r * 1664525u + 1013904223u;
			switch ((i + c) % 4) {
			case 0: v = (int64_t)(i % 65536 - 32768) * 65536; break;
			case 1: v = (int64_t)((i * 7919) % 16777216 - 8388608) * 256; break;
			case 2: v = (int32_t)r; break;
			default: v = i % 2 ? INT32_MAX : INT32_MIN; break;
			}
			x[i * channels + c] = (int)v;
		}
}

static void check_format(int format, int channels, const char *ext)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/lathe-test-source-%d%s", (int)getpid(), ext);
	SF_INFO info = { .samplerate = 44100, .channels = channels, .format = format };
	int *x = malloc((size_t)FRAMES * (size_t)channels * sizeof *x);
	float *want = malloc((size_t)FRAMES * (size_t)channels * sizeof *want);
	/* Room for a whole read past the end: libsndfile zeroes what it
	 * could not fill. */
	float *got = malloc((size_t)(FRAMES + 8192) * 2 * sizeof *got);
	assert_true(x && want && got);
	signal(x, channels);

	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	assert_non_null(sf);
	assert_int_equal(sf_writef_int(sf, x, FRAMES), FRAMES);
	sf_close(sf);
	SF_INFO ri = { 0 };
	sf = sf_open(path, SFM_READ, &ri);
	assert_non_null(sf);
	assert_int_equal(sf_readf_float(sf, want, FRAMES), FRAMES);
	sf_close(sf);

	struct source *s;
	char err[256];
	assert_int_equal(source_open(&s, path, err, sizeof err), ST_OK);
	int64_t done = 0, n;
	static const int sizes[] = { 1, 4096, 333, 8192, 17, 5000 };
	for (int k = 0; (n = source_read(s, got + 2 * done, sizes[k % 6])) > 0; k++) {
		assert_true(n <= sizes[k % 6]);
		done += n;
		assert_true(done <= FRAMES);
	}
	assert_int_equal(n, 0);
	assert_int_equal(done, FRAMES);
	for (int64_t i = 0; i < FRAMES; i++)
		for (int c = 0; c < 2; c++)
			if (memcmp(&got[2 * i + c], &want[i * channels + (channels == 2 ? c : 0)],
				   sizeof *got)) {
				fail_msg("%s format %#x: frame %lld channel %d: %.9g, libsndfile %.9g",
					 ext, format, (long long)i, c, got[2 * i + c],
					 want[i * channels + (channels == 2 ? c : 0)]);
			}
	/* A seek, then the same frames as from the start. */
	assert_int_equal(source_seek(s, 12345), 0);
	assert_int_equal(source_read(s, got, 100), 100);
	for (int i = 0; i < 100; i++)
		assert_memory_equal(&got[2 * i], &want[(12345 + i) * channels], sizeof *got);
	source_close(s);
	unlink(path);
	free(x);
	free(want);
	free(got);
}

static void test_pcm_as_libsndfile(void **state)
{
	(void)state;
	for (int ch = 1; ch <= 2; ch++) {
		check_format(SF_FORMAT_WAV | SF_FORMAT_PCM_16, ch, ".wav");
		check_format(SF_FORMAT_WAV | SF_FORMAT_PCM_24, ch, ".wav");
		check_format(SF_FORMAT_AIFF | SF_FORMAT_PCM_16, ch, ".aiff");
		check_format(SF_FORMAT_AIFF | SF_FORMAT_PCM_24, ch, ".aiff");
		/* Through libsndfile as before: the other byte orders and
		 * containers. */
		check_format(SF_FORMAT_WAV | SF_FORMAT_PCM_24 | SF_ENDIAN_BIG, ch, ".wav");
		check_format(SF_FORMAT_AIFF | SF_FORMAT_PCM_16 | SF_ENDIAN_LITTLE, ch, ".aiff");
		check_format(SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, ch, ".wav");
		check_format(SF_FORMAT_FLAC | SF_FORMAT_PCM_24, ch, ".flac");
		check_format(SF_FORMAT_WAV | SF_FORMAT_FLOAT, ch, ".wav");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcm_as_libsndfile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
