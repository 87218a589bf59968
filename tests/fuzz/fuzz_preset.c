/* libFuzzer harness: preset files.  Whatever the bytes, preset_load either
 * refuses them with one line naming the file, leaving the values alone, or
 * accepts values that are all in range; an accepted preset saved again
 * reads back to exactly the same values.  The same bytes (up to a line)
 * are also tried as a --set argument. */
#include <math.h>

#include "audio/preset.h"
#include "audio/status.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup_dir();
	return 0;
}

static void check_in_range(const double v[P_COUNT], const char *what)
{
	for (int i = 0; i < P_COUNT; i++)
		FUZZ_CHECK(isfinite(v[i]) && v[i] >= param_table[i].min && v[i] <= param_table[i].max,
			   "%s: parameter %d = %g outside %g..%g", what, i, v[i],
			   param_table[i].min, param_table[i].max);
}

static void try_set(const unsigned char *data, size_t n)
{
	char arg[300];
	double v[P_COUNT], before[P_COUNT];
	char msg[ERRLEN];
	int rc;

	if (n >= sizeof arg)
		n = sizeof arg - 1;
	memcpy(arg, data, n);
	arg[n] = 0;
	/* One argument of a command line: a newline in it is the user's own. */
	arg[strcspn(arg, "\n")] = 0;
	params_defaults(v);
	memcpy(before, v, sizeof v);
	msg[0] = 0;
	rc = param_set_from_string(arg, v, msg, sizeof msg);
	if (rc) {
		FUZZ_CHECK(rc == ST_USAGE, "--set returned %d", rc);
		fuzz_check_msg(msg, sizeof msg);
		FUZZ_CHECK(!memcmp(v, before, sizeof v), "--set changed values on failure");
	} else {
		check_in_range(v, "--set");
	}
}

/* What preset_save keeps of a text: control characters become spaces,
 * ends are trimmed, and with both kinds of quote the double ones become
 * single ones (iniparser has no escapes). */
static void normalize(char *s)
{
	size_t n, b = 0;
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = 0;
	while (s[b] == ' ' || s[b] == '\t')
		b++;
	memmove(s, s + b, n - b + 1);
	if (strchr(s, '"') && strchr(s, '\''))
		for (char *p = s; *p; p++)
			if (*p == '"')
				*p = '\'';
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	char path[512], out[512], msg[ERRLEN], name[PRESET_NAME_MAX + 40];
	char notes[PRESET_LINE_MAX + 1], name2[sizeof name], notes2[sizeof notes];
	double v[P_COUNT], before[P_COUNT], back[P_COUNT];
	int rc;

	try_set(data, n);

	fuzz_write(path, sizeof path, "in.ini", data, n);
	for (int i = 0; i < P_COUNT; i++)
		v[i] = -12345.5; /* a value no preset can produce */
	memcpy(before, v, sizeof v);
	msg[0] = 0;
	rc = preset_load(path, v, name, sizeof name, notes, sizeof notes, msg, sizeof msg);
	if (rc) {
		FUZZ_CHECK(rc == ST_USAGE || rc == ST_INPUT, "preset_load returned %d", rc);
		fuzz_check_msg(msg, sizeof msg);
		FUZZ_CHECK(strstr(msg, path) != NULL, "message does not name the file: %s", msg);
		FUZZ_CHECK(!memcmp(v, before, sizeof v), "preset_load changed values on failure");
		return 0;
	}
	check_in_range(v, "preset_load");

	/* What was accepted must survive a save and a load unchanged. */
	snprintf(out, sizeof out, "%s/out.ini", fuzz_dir);
	rc = preset_save(out, v, name, notes, msg, sizeof msg);
	if (rc) {
		/* Only a name or notes that are too long may stop the save. */
		FUZZ_CHECK(rc == ST_USAGE && (strlen(name) >= PRESET_NAME_MAX ||
					      strlen(notes) > PRESET_NOTES_MAX),
			   "preset_save refused an accepted preset: %s", msg);
		return 0;
	}
	rc = preset_load(out, back, name2, sizeof name2, notes2, sizeof notes2, msg, sizeof msg);
	FUZZ_CHECK(rc == ST_OK, "a saved preset does not load: %s", msg);
	for (int i = 0; i < P_COUNT; i++)
		FUZZ_CHECK(back[i] == v[i], "parameter %d: saved %.17g, read %.17g", i, v[i], back[i]);
	/* Text comes back as it was, but for what preset_save documents. */
	normalize(notes);
	normalize(name);
	if (!name[0])
		snprintf(name, sizeof name, "out"); /* a blank name: the file's */
	FUZZ_CHECK(!strcmp(notes, notes2), "notes [%s] read back as [%s]", notes, notes2);
	FUZZ_CHECK(!strcmp(name, name2), "name [%s] read back as [%s]", name, name2);
	return 0;
}
