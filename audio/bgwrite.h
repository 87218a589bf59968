/* A thread that writes one full buffer to a file while its owner fills
 * another (double buffering), so the kernel's copies run beside the
 * owner's work.  Used by the render's output (sfout) and --target's cache
 * (render_cache).  Only the buffer handed over and the first error cross
 * between the threads, under a mutex; after an error nothing more is
 * written.
 *
 *	struct bgwrite *w = bgwrite_start(fd, size, hint);
 *	... fill buf ... bgwrite_hand(w, &buf, len, at);  // buf: the spare now
 *	int e = bgwrite_stop(w);  // 0, or the errno of the first failure
 */
#ifndef LATHE_BGWRITE_H
#define LATHE_BGWRITE_H
#include <stddef.h>
#include <sys/types.h>

struct bgwrite;

/* Writes all of p at fd's position: 0, or the errno (EIO for a short
 * write with none: libsndfile would carry on after one). */
int write_fd(int fd, const char *p, size_t count);

/* The thread and a spare buffer of size bytes; NULL when either cannot be
 * had.  hint: each buffer written is handed to the disk at once
 * (sync_file_range, see bgwrite.c). */
struct bgwrite *bgwrite_start(int fd, size_t size, int hint);

/* Hands *buf (len bytes, to go at file offset at) to the thread and puts
 * the spare in *buf, waiting while the buffer before is still being
 * written.  0, or the first error (then *buf stays the caller's). */
int bgwrite_hand(struct bgwrite *w, char **buf, size_t len, off_t at);

/* Waits until everything handed over is written: 0 or the first error.
 * Before anything that moves or reads the file position. */
int bgwrite_drain(struct bgwrite *w);

/* Drains, joins and frees (NULL is fine): 0 or the first error. */
int bgwrite_stop(struct bgwrite *w);

/* The disk starts on what is written while the rest is computed, so an
 * fsync at the end waits for the last megabytes, not the whole file.  Only
 * a hint: where it cannot (a pipe), nothing changes. */
void bgwrite_hint(int fd, off_t at, size_t len);
#endif
