/* A stereo float source: an audio file through libsndfile, or audio in
 * memory (the demo mix).  Mono is read as dual mono. */
#ifndef LATHE_SOURCE_H
#define LATHE_SOURCE_H
#include <stdint.h>

struct source;
/* Returns ST_OK, or ST_INPUT with a one-line message in err. */
int source_open(struct source **out, const char *path, char *err, int errlen);
/* The descriptor every audio input is opened through (for sf_open_fd:
 * libsndfile's sf_open refuses paths over about 1,000 bytes): a regular
 * file, opened read-only without blocking on a FIFO, in blocking mode.
 * -1 with a one-line message in err. */
int source_open_fd(const char *path, char *err, int errlen);
/* Takes ownership of a malloc'd interleaved stereo buffer. */
struct source *source_from_memory(float *stereo, int64_t frames, int rate,
				  const char *name);
/* Interleaved stereo; returns frames read (0 at the end), or -1 on a read
 * error (message in source_error). */
int64_t source_read(struct source *s, float *stereo, int64_t frames);
/* The same frames as source_read, as two planes; tmp (2 x frames floats)
 * for the sources read interleaved.  24-bit WAV is converted straight
 * into the planes. */
int64_t source_read_split(struct source *s, float *L, float *R, float *tmp, int64_t frames);
int source_seek(struct source *s, int64_t frame); /* 0 on success */
int source_rate(const struct source *s);
int source_channels(const struct source *s);   /* of the file: 1 or 2 */
int64_t source_frames(const struct source *s); /* total length */
const char *source_name(const struct source *s);
const char *source_error(const struct source *s);
void source_close(struct source *s);
/* in converted to rate as it is read (libsoxr, see resample.h), as a
 * source of its own that owns in: streaming, so any length, in a few
 * hundred kB; seeks are exact.  ST_OK, or ST_INPUT with a message (in is
 * closed then). */
int source_convert(struct source *in, int rate, struct source **out, char *err, int errlen);
#endif
