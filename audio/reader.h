/* The decoder thread: reads the source ahead of the audio thread into a
 * lock-free ring of chunks, so the audio thread never touches a file.
 *
 * Seeks are generations: the audio thread asks for a frame, the reader
 * seeks and stamps every chunk it reads afterwards with the new
 * generation, and the audio thread skips chunks of older ones.  A loop
 * region makes the reader jump back from its end by itself, so a loop
 * wrap costs no waiting for the decoder. */
#ifndef LATHE_READER_H
#define LATHE_READER_H
#include <stdint.h>

#define READER_CHUNK 1024 /* frames per chunk */

enum { CHUNK_EOF = 1, CHUNK_ERROR = 2 };

struct chunk {
	unsigned gen;  /* seek generation it was read under */
	int flags;     /* CHUNK_EOF: nothing more (n is 0); CHUNK_ERROR likewise */
	int n;         /* frames */
	int64_t start; /* source frame of data[0] */
	float data[2 * READER_CHUNK];
};

struct reader;
struct source;
/* Starts the thread, reading from frame 0 under generation 0.  The source
 * stays the caller's; free the reader before closing it.  NULL when out of
 * memory or no thread could be started. */
struct reader *reader_new(struct source *s);
void reader_free(struct reader *r);

/* Audio thread: the oldest chunk or NULL, then reader_consume. */
const struct chunk *reader_peek(struct reader *r);
void reader_consume(struct reader *r);
/* Audio thread: read from frame on; returns the generation to wait for. */
unsigned reader_seek(struct reader *r, int64_t frame);

/* Control thread: loop region in frames; b <= a turns it off. */
void reader_set_loop(struct reader *r, int64_t a, int64_t b);
/* The message after a CHUNK_ERROR chunk was seen. */
const char *reader_error(const struct reader *r);
#endif
