/* Drives preset_save and preset_load for the fault tests.
 *
 *	hx_preset save PATH A|B      save preset A or B once; exit: the ST_*
 *	hx_preset loop PATH          save A, B, A, B, ... until killed
 *	hx_preset check PATH         load; print "A" or "B" and exit 0 when the
 *	                             file is exactly one of them, else exit 1
 *
 * A and B differ in every parameter that has room to, and carry long notes,
 * so a torn or mixed file cannot pass for either. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/preset.h"
#include "audio/status.h"
#include "dsp/params.h"

static void make(double v[P_COUNT], int which, char *notes, size_t size)
{
	params_defaults(v);
	for (int i = 0; i < P_COUNT; i++) {
		const struct param_desc *d = &param_table[i];
		if (d->flags & PF_SWITCH)
			v[i] = which ? d->max : d->min;
		else
			v[i] = d->min + (d->max - d->min) * (which ? 0.75 : 0.25);
	}
	snprintf(notes, size, "preset %c: ", which ? 'B' : 'A');
	for (size_t n = strlen(notes); n + 2 < size && n < PRESET_NOTES_MAX - 1; n++)
		notes[n] = which ? 'b' : 'a', notes[n + 1] = 0;
}

static int save(const char *path, int which)
{
	double v[P_COUNT];
	char notes[PRESET_NOTES_MAX + 1], err[ERRLEN];
	int rc;

	make(v, which, notes, sizeof notes);
	rc = preset_save(path, v, which ? "B" : "A", notes, err, sizeof err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "save"))
		return save(argv[2], argv[3][0] == 'B');
	if (argc == 3 && !strcmp(argv[1], "loop")) {
		for (unsigned i = 0;; i++)
			if (save(argv[2], i & 1))
				return 3;
	}
	if (argc == 3 && !strcmp(argv[1], "check")) {
		double v[P_COUNT], want[P_COUNT];
		char notes[PRESET_LINE_MAX + 1], wnotes[PRESET_NOTES_MAX + 1];
		char name[PRESET_NAME_MAX], err[ERRLEN];
		int rc = preset_load(argv[2], v, name, sizeof name, notes, sizeof notes, err, sizeof err);
		if (rc) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		for (int w = 0; w < 2; w++) {
			make(want, w, wnotes, sizeof wnotes);
			if (!memcmp(v, want, sizeof v) && !strcmp(notes, wnotes) &&
			    !strcmp(name, w ? "B" : "A")) {
				printf("%c\n", w ? 'B' : 'A');
				return 0;
			}
		}
		fprintf(stderr, "%s: loads, but is neither preset A nor B\n", argv[2]);
		return 1;
	}
	fprintf(stderr, "usage: hx_preset save PATH A|B | loop PATH | check PATH\n");
	return 1;
}
