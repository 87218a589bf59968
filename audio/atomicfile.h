/* Writing a file so that readers only ever see the old contents or the
 * complete new ones: the data goes to a temporary file in the same folder
 * (same filesystem, so rename(2) is atomic), is flushed and fsynced, and
 * only then renamed over the target.  A crash, a full disk or a failed
 * write leaves the old file as it was and no temporary file behind.
 *
 *	struct atomicfile af;
 *	if (atomicfile_open(&af, path, 0, err, errlen))
 *		return ST_OUTPUT;
 *	fprintf(atomicfile_stream(&af), ...);     // or write(af.fd, ...)
 *	return atomicfile_commit(&af, err, errlen); // or atomicfile_abort(&af)
 *
 * Every function returns ST_OK or ST_OUTPUT with a one-line message naming
 * the target, e.g. "cannot write x.ini: No space left on device". */
#ifndef LATHE_ATOMICFILE_H
#define LATHE_ATOMICFILE_H
#include <stdatomic.h>
#include <stdio.h>

enum atomicfile_flags {
	/* A target that exists and is not a regular file (/dev/null, a FIFO,
	 * a terminal) is opened and written straight through instead of being
	 * replaced by a regular file.  Without the flag such a target is an
	 * error. */
	AF_DIRECT_SPECIAL = 1 << 0,
};

struct atomicfile {
	char target[4096]; /* where the data ends up (a symlink's target) */
	char tmp[4096];    /* the temporary file; "" when writing directly */
	const char *name;  /* the path as the caller gave it, for messages */
	int fd;            /* write here, or through atomicfile_stream() */
	FILE *fp;
	int direct;        /* 1: writing the target itself (not renamed) */
	int mode;          /* permissions for the new file */
};

/* Creates ".BASENAME.XXXXXX" next to the target.  The new file gets the old
 * file's permissions, or 0666 minus the umask when there was none.  `path`
 * must stay valid until commit or abort (it is quoted in messages). */
int atomicfile_open(struct atomicfile *af, const char *path, unsigned flags,
		    char *err, int errlen);
/* atomicfile_open whose wait for a FIFO's reader ends when *cancel
 * becomes non-zero: ST_OUTPUT with errno EINTR.  cancel may be NULL. */
int atomicfile_open_cancel(struct atomicfile *af, const char *path, unsigned flags,
			   const atomic_int *cancel, char *err, int errlen);
/* A stdio stream on af->fd, created on first use (NULL when out of memory).
 * Use either the stream or the descriptor, not both. */
FILE *atomicfile_stream(struct atomicfile *af);
/* atomicfile_open and a stream on it: *fp is set on ST_OK; on failure
 * nothing is left behind and err says why. */
int atomicfile_open_stream(struct atomicfile *af, const char *path, unsigned flags,
			   FILE **fp, char *err, int errlen);
/* Flush, fsync, close (checking every error), rename over the target and
 * fsync the folder.  On failure the temporary file is removed.  Either way
 * the struct is finished with. */
int atomicfile_commit(struct atomicfile *af, char *err, int errlen);
/* Close and remove the temporary file; the target is untouched. */
void atomicfile_abort(struct atomicfile *af);

/* 1 when path names a regular file or nothing at all (it may be replaced by
 * a rename), 0 when it is a device, a FIFO, a socket or a folder (it must
 * be written straight through, or refused).  Symlinks are followed. */
int path_is_regular_or_absent(const char *path);
#endif
