/* libFuzzer harness: album files.  album_load either refuses the bytes with
 * one line naming the album file (or the preset it names), or gives at
 * least one track, each with an existing file and in-range parameters.
 * The folder holds a track file, a folder and a preset for the seeds to
 * name. */
#include <math.h>

#include "audio/album.h"
#include "audio/preset.h"
#include "audio/status.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

static const char good_preset[] =
	"[preset]\nname = p\nversion = 1\n[comp]\nratio = 2\n[limiter]\nceiling = -1.5\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[512];

	(void)argc;
	(void)argv;
	fuzz_setup_dir();
	/* album_load only checks that track files exist; contents do not matter. */
	fuzz_write(path, sizeof path, "a.wav", (const unsigned char *)"x", 1);
	fuzz_write(path, sizeof path, "b.flac", (const unsigned char *)"x", 1);
	fuzz_write(path, sizeof path, "p.ini", (const unsigned char *)good_preset,
		   sizeof good_preset - 1);
	snprintf(path, sizeof path, "%s/sub", fuzz_dir);
	mkdir(path, 0700);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct album al;
	struct stat st;
	char path[512], msg[ERRLEN], preset[512];
	int rc;

	/* -p on the command line is relative to the current folder, not the album. */
	snprintf(preset, sizeof preset, "%s/p.ini", fuzz_dir);
	fuzz_write(path, sizeof path, "album.ini", data, n);
	msg[0] = 0;
	/* Half the runs with a default preset, as `lathe render -p` gives. */
	rc = album_load(path, n && (data[0] & 1) ? preset : NULL, &al, msg, sizeof msg);
	if (rc) {
		FUZZ_CHECK(rc == ST_USAGE || rc == ST_INPUT, "album_load returned %d", rc);
		fuzz_check_msg(msg, sizeof msg);
		/* The album file, or a preset it names (which may be anywhere). */
		FUZZ_CHECK(strstr(msg, path) || strchr(msg, '/'), "message does not name a file: %s", msg);
		FUZZ_CHECK(al.tracks == NULL && al.ntracks == 0, "tracks left allocated on failure");
		return 0;
	}
	FUZZ_CHECK(al.ntracks >= 1 && al.ntracks <= ALBUM_MAX_TRACKS, "%d tracks", al.ntracks);
	FUZZ_CHECK(!al.has_target || (al.target >= -60 && al.target <= 0), "target %g", al.target);
	FUZZ_CHECK(al.bits == 0 || al.bits == 16 || al.bits == 24 || al.bits == 32, "bits %d", al.bits);
	for (int t = 0; t < al.ntracks; t++) {
		const struct album_track *tr = &al.tracks[t];
		FUZZ_CHECK(stat(tr->file, &st) == 0 && !S_ISDIR(st.st_mode),
			   "track %d: %s is not a file", t, tr->file);
		FUZZ_CHECK(!strchr(tr->output, '/'), "track %d: output %s is a path", t, tr->output);
		for (int i = 0; i < P_COUNT; i++)
			FUZZ_CHECK(isfinite(tr->v[i]) && tr->v[i] >= param_table[i].min &&
				   tr->v[i] <= param_table[i].max,
				   "track %d: parameter %d = %g", t, i, tr->v[i]);
	}
	album_free(&al);
	return 0;
}
