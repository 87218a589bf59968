/* Writing an album as one continuous file with its CUE sheet (cue.h says
 * where each track sits). */
#ifndef LATHE_CUE_JOIN_H
#define LATHE_CUE_JOIN_H
#include <stdatomic.h>

#include "cue.h"

struct cue_join {
	const char *path;        /* the continuous file (format from its extension) */
	const char *cue_path;    /* its CUE sheet */
	int bits;                /* the masters' own: 16, 24 or 32 (float) */
	const char *const *masters;  /* the finished per-track masters, in order */
	int n;
	const char *title, *performer;     /* the album's, for the CUE sheet */
	const char *const *tags;           /* KEY=VALUE for the file itself */
	int ntags;
	atomic_int *cancel;
};

/* Reads the masters back (one rate for all, else ST_USAGE), lays the
 * tracks out into t (frames, silence, start, indexes), writes the file
 * and then the CUE sheet, each atomically.  ST_OK, or ST_INPUT /
 * ST_OUTPUT / ST_USAGE / -1 (cancelled) with one line; nothing is left
 * under either name on failure. */
int cue_join(const struct cue_join *j, struct cue_track *t, char *err, int errlen);
#endif
