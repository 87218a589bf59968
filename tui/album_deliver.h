/* An album render's deliverables besides the masters (album_deliver.c). */
#ifndef LATHE_ALBUM_DELIVER_H
#define LATHE_ALBUM_DELIVER_H
#include <stddef.h>

#include "album_run.h"
#include "audio/cue.h"

/* Track i's tags for its master j->out (title, artist, album,
 * tracknumber N/TOTAL, date, comment, and the ISRC where FLAC carries
 * it).  ST_USAGE with one line for an ISRC nothing would carry. */
int album_job_tags(struct job *j, const struct album *al, int i, char *err, int errlen);

/* NAME.cue for the continuous file NAME.ext. */
void album_cue_path(char *buf, size_t size, const char *continuous);

/* The continuous file at path and its CUE sheet at cue, from the
 * finished masters of r; t (r->n entries) receives the layout. */
int album_continuous(const struct album *al, const struct run *r, const char *path,
		     const char *cue, struct cue_track *t, char *err, int errlen);

/* The album's manifest at path (manifest_album.h), after a finished
 * render; cont and cue NULL when there is no continuous file. */
int album_manifest(const char *path, const struct album *al, const struct run *r,
		   const char *cont, const char *cue, char *err, int errlen);
#endif
