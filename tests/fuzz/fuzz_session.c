/* libFuzzer harness: the console's session file.  session_load either
 * refuses the bytes with one line or gives a session whose every
 * parameter is in range and whose strings are terminated; a loaded
 * session saved again loads back the same (names with newlines, quotes
 * or ';' included, positions and parameters to the saved precision). */
#include <limits.h>
#include <math.h>

#include "audio/iniload.h"
#include "audio/session.h"
#include "audio/status.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

static const char *track = "/lathe-fuzz/no such folder/track.wav";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[4096], state[300];

	(void)argc;
	(void)argv;
	fuzz_setup_dir();
	snprintf(state, sizeof state, "%s/state", fuzz_dir);
	setenv("XDG_STATE_HOME", state, 1);
	FUZZ_CHECK(session_dir(dir, sizeof dir, 1) == ST_OK, "no state folder");
	return 0;
}

/* The session's percent-encoded length of a name (session.c leaves out a
 * name whose encoding would not fit an INI line). */
static size_t encoded_len(const char *name)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		n += *p > 32 && *p < 127 && !strchr("%\"';#\\", *p) ? 1 : 3;
	return n;
}

static int close_to(double a, double b)
{
	return a == b || fabs(a - b) <= 1e-5 * fmax(fabs(a), fabs(b));
}

static void check_session(const struct session *s)
{
	FUZZ_CHECK(memchr(s->file, 0, sizeof s->file) != NULL, "file not terminated");
	FUZZ_CHECK(memchr(s->preset, 0, sizeof s->preset) != NULL, "preset not terminated");
	FUZZ_CHECK(isfinite(s->position_s) && s->position_s >= 0, "position %g", s->position_s);
	for (int i = 0; i < P_COUNT; i++)
		FUZZ_CHECK(isfinite(s->v[i]) && s->v[i] >= param_table[i].min &&
			   s->v[i] <= param_table[i].max, "parameter %d = %g", i, s->v[i]);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	static struct session s, s2;
	char path[4200], err[ERRLEN], real[PATH_MAX];
	int rc;

	FUZZ_CHECK(session_path(track, path, sizeof path) == ST_OK, "no session path");
	{
		/* fuzz_write wants a name under fuzz_dir: the path's tail. */
		const char *tail = path + strlen(fuzz_dir) + 1;
		char full[600];
		fuzz_write(full, sizeof full, tail, data, n);
	}
	err[0] = 0;
	rc = session_load(track, &s, err, sizeof err);
	if (rc) {
		FUZZ_CHECK(rc == ST_INPUT, "session_load returned %d", rc);
		fuzz_check_msg(err, sizeof err);
		return 0;
	}
	check_session(&s);
	if (!isfinite(s.loop_a) || !isfinite(s.loop_b))
		return 0;   /* kept as read; the console ignores such a loop */
	/* Saved under the name it holds; loaded back by that name.  A name
	 * that resolves (realpath) is saved resolved: not a round trip. */
	if (s.file[0] && (s.file[0] != '/' || realpath(s.file, real)))
		return 0;
	rc = session_save(&s, err, sizeof err);
	FUZZ_CHECK(rc == ST_OK, "saving a loaded session: %s", err);
	rc = session_load(s.file, &s2, err, sizeof err);
	FUZZ_CHECK(rc == ST_OK, "loading a saved session: %s", err);
	session_remove(s.file);
	check_session(&s2);
	FUZZ_CHECK(!strcmp(s.file, s2.file) || (!s2.file[0] && encoded_len(s.file) + 3 >= INI_LINE_MAX - 16),
		   "file '%s' came back as '%s'", s.file, s2.file);
	FUZZ_CHECK(!strcmp(s.preset, s2.preset) || (!s2.preset[0] && encoded_len(s.preset) + 3 >= INI_LINE_MAX - 16),
		   "preset '%s' came back as '%s'", s.preset, s2.preset);
	FUZZ_CHECK(close_to(s.position_s, s2.position_s), "position %g came back %g", s.position_s, s2.position_s);
	for (int i = 0; i < P_COUNT; i++)
		FUZZ_CHECK(close_to(s.v[i], s2.v[i]) || fabs(s.v[i] - s2.v[i]) < 1e-9,
			   "parameter %d %.17g came back %.17g", i, s.v[i], s2.v[i]);
	return 0;
}
