/* libsndfile writing where every byte is checked.  libsndfile drops write
 * errors in places (the FLAC encoder writes its last frames inside
 * sf_close and ignores a failure there), so a regular file is written
 * through virtual I/O callbacks that record the first error themselves.
 * A pipe or device (written straight through, see AF_DIRECT_SPECIAL) goes
 * through sf_open_fd, because libsndfile must know it cannot seek there:
 * it refuses WAV and AIFF and leaves the FLAC header as streamed.
 *
 *	struct sfout o;
 *	SNDFILE *sf = sfout_open(&o, fd, direct, &info);
 *	... sf_writef_*(sf, ...) ...
 *	int e = sfout_close(&o, sf);   // 0, or the errno of the first failure
 */
#ifndef LATHE_SFOUT_H
#define LATHE_SFOUT_H
#include <sndfile.h>

struct sfout {
	int fd;
	int err;   /* first errno seen by a callback; 0 while all is well */
	/* libsndfile hands over a few kB at a time; collected here and
	 * written in large runs that start on page boundaries, the kernel
	 * neither zeroes nor copies a page twice (that was a sixth of a
	 * render's time).  buf NULL: every write goes straight through. */
	char *buf;
	size_t len, cap;
	long long at; /* file offset of buf[0] */
	struct bgwrite *w; /* sfout_async's thread, or NULL */
};

/* NULL when libsndfile refuses the format or the first header write
 * fails; o->err then holds the errno, if it was a system error. */
SNDFILE *sfout_open(struct sfout *o, int fd, int direct, SF_INFO *info);

/* From here on each full buffer is written on a thread of its own while
 * the caller fills another: the same bytes, the kernel's copies off the
 * caller's thread.  -1 (and everything as before) when the thread or its
 * buffer cannot be had. */
int sfout_async(struct sfout *o);

/* Closes sf (writing what libsndfile still holds) and returns 0 when every
 * write, from the first header to the last frame, went through; otherwise
 * the errno of the first failure (EIO when libsndfile gave none). */
int sfout_close(struct sfout *o, SNDFILE *sf);
#endif
