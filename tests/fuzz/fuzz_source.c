/* libFuzzer harness: the file loader.  The first byte picks the file's
 * extension (libsndfile guesses some formats from it), the rest is the
 * file.  source_open either refuses it with one line naming the file, or
 * gives 1-2 channels at a rate lathe supports, and then every read,
 * including after seeks, stays within what was asked for. */
#include <math.h>
#include <stdint.h>

#include "audio/source.h"
#include "audio/status.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

/* A hostile header may promise a day of audio: read at most this much. */
#define READ_MAX (1 << 18)
#define BLOCK 1000

static const char *const exts[] = {
	"wav", "aiff", "flac", "ogg", "mp3", "au", "caf", "w64", "raw", "txt",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup_dir();
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	static float buf[2 * BLOCK + 2];
	struct source *s;
	char path[512], name[32], msg[ERRLEN];
	int64_t total = 0, got;
	int rc;

	if (n < 1)
		return 0;
	snprintf(name, sizeof name, "in.%s", exts[data[0] % (sizeof exts / sizeof exts[0])]);
	fuzz_write(path, sizeof path, name, data + 1, n - 1);
	msg[0] = 0;
	rc = source_open(&s, path, msg, sizeof msg);
	if (rc) {
		FUZZ_CHECK(rc == ST_INPUT, "source_open returned %d", rc);
		fuzz_check_msg(msg, sizeof msg);
		FUZZ_CHECK(strstr(msg, path) != NULL, "message does not name the file: %s", msg);
		FUZZ_CHECK(s == NULL, "a source returned on failure");
		return 0;
	}
	FUZZ_CHECK(source_channels(s) == 1 || source_channels(s) == 2, "%d channels", source_channels(s));
	FUZZ_CHECK(source_rate(s) >= 22050 && source_rate(s) <= 192000, "rate %d", source_rate(s));
	FUZZ_CHECK(source_frames(s) > 0, "%lld frames", (long long)source_frames(s));
	/* A guard after the block: a read past what was asked for shows here. */
	buf[2 * BLOCK] = buf[2 * BLOCK + 1] = 12345.0f;
	while (total < READ_MAX && (got = source_read(s, buf, BLOCK)) > 0) {
		FUZZ_CHECK(got <= BLOCK, "read %lld frames, asked for %d", (long long)got, BLOCK);
		FUZZ_CHECK(buf[2 * BLOCK] == 12345.0f && buf[2 * BLOCK + 1] == 12345.0f,
			   "read wrote past the block");
		total += got;
	}
	if (got < 0)
		fuzz_check_msg(source_error(s), ERRLEN);
	/* The player seeks anywhere, including past the end. */
	if (source_seek(s, source_frames(s) / 2) == 0)
		got = source_read(s, buf, BLOCK);
	/* libsndfile says SF_COUNT_MAX frames when it cannot know (some MP3s). */
	if (source_frames(s) < INT64_MAX - 10 && source_seek(s, source_frames(s) + 10) == 0) {
		got = source_read(s, buf, BLOCK);
		FUZZ_CHECK(got <= 0, "read %lld frames past the end", (long long)got);
	}
	source_seek(s, 0);
	source_read(s, buf, 1);
	source_close(s);
	return 0;
}
