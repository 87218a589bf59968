#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "status.h"

static int fail(const struct atomicfile *af, int e, char *err, int errlen)
{
	if (err && errlen > 0)
		snprintf(err, (size_t)errlen, "cannot write %s: %s", af->name, strerror(e));
	return ST_OUTPUT;
}

int path_is_regular_or_absent(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno == ENOENT;
	return S_ISREG(st.st_mode);
}

/* Splits "a/b/c.ini" into "a/b" and "c.ini" without libgen's in-place
 * surprises; a bare name lives in ".". */
static void split_path(const char *path, char *dir, size_t dirsize, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, dirsize, ".");
		*base = path;
	} else if (slash == path) {
		snprintf(dir, dirsize, "/");
		*base = slash + 1;
	} else {
		snprintf(dir, dirsize, "%.*s", (int)(slash - path), path);
		*base = slash + 1;
	}
}

/* Opens a device, FIFO or socket target for writing.  A FIFO's open(2)
 * waits for a reader, possibly forever: with a cancel flag it is opened
 * non-blocking and retried every 20 ms until a reader comes or the flag
 * is raised (ST_OUTPUT, errno EINTR).  The descriptor is then put back in
 * blocking mode, so writes wait for a slow reader as they should. */
static int open_special(struct atomicfile *af, const struct stat *st,
			const atomic_int *cancel, char *err, int errlen)
{
	int fifo = S_ISFIFO(st->st_mode) && cancel;
	int oflags = O_WRONLY | O_NOCTTY | O_CLOEXEC | (fifo ? O_NONBLOCK : 0);

	for (;;) {
		if (cancel && atomic_load(cancel)) {
			int rc = fail(af, EINTR, err, errlen);
			errno = EINTR;
			return rc;
		}
		af->fd = open(af->target, oflags);
		if (af->fd >= 0)
			break;
		if (!fifo || errno != ENXIO)
			return fail(af, errno, err, errlen);
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (fifo) {
		int fl = fcntl(af->fd, F_GETFL);
		if (fl < 0 || fcntl(af->fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
			int e = errno;
			close(af->fd);
			af->fd = -1;
			return fail(af, e, err, errlen);
		}
	}
	af->direct = 1;
	return ST_OK;
}

int atomicfile_open(struct atomicfile *af, const char *path, unsigned flags,
		    char *err, int errlen)
{
	return atomicfile_open_cancel(af, path, flags, NULL, err, errlen);
}

int atomicfile_open_cancel(struct atomicfile *af, const char *path, unsigned flags,
			   const atomic_int *cancel, char *err, int errlen)
{
	struct stat st;
	char dir[4096];
	const char *base;
	mode_t um;
	int n;

	memset(af, 0, sizeof *af);
	af->fd = -1;
	af->name = path;

	/* A symlink is followed, as a shell's > follows it: the file it
	 * points to is replaced (atomically, in that file's folder) and the
	 * link stays.  A link to nothing is refused rather than followed to
	 * create its target: a planted dangling link would otherwise steer
	 * the write to any name the link's author chose. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		char *real = realpath(path, NULL);
		if (!real) {
			int e = errno;
			if (err && errlen > 0)
				snprintf(err, (size_t)errlen, "cannot write %s: %s", path,
					 e == ENOENT ? "a symbolic link to nothing" : strerror(e));
			errno = e;
			return ST_OUTPUT;
		}
		if (strlen(real) < sizeof af->target)
			snprintf(af->target, sizeof af->target, "%s", real);
		free(real);
		if (!af->target[0])
			return fail(af, ENAMETOOLONG, err, errlen);
	}
	if (!af->target[0]) {
		if (strlen(path) >= sizeof af->target)
			return fail(af, ENAMETOOLONG, err, errlen);
		snprintf(af->target, sizeof af->target, "%s", path);
	}

	if (stat(af->target, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return fail(af, EISDIR, err, errlen);
		if (!S_ISREG(st.st_mode)) {
			if (!(flags & AF_DIRECT_SPECIAL)) {
				if (err && errlen > 0)
					snprintf(err, (size_t)errlen, "cannot write %s: not a regular file", path);
				return ST_OUTPUT;
			}
			return open_special(af, &st, cancel, err, errlen);
		}
		af->mode = st.st_mode & 07777;
	} else if (errno != ENOENT) {
		return fail(af, errno, err, errlen);
	} else {
		um = umask(0);
		umask(um);
		af->mode = 0666 & ~um;
	}

	split_path(af->target, dir, sizeof dir, &base);
	if (!*base)
		return fail(af, EISDIR, err, errlen);
	n = snprintf(af->tmp, sizeof af->tmp, "%s/.%s.XXXXXX", dir, base);
	if (n < 0 || (size_t)n >= sizeof af->tmp) {
		af->tmp[0] = 0;
		return fail(af, ENAMETOOLONG, err, errlen);
	}
	af->fd = mkostemp(af->tmp, O_CLOEXEC);
	if (af->fd < 0) {
		int e = errno;
		af->tmp[0] = 0;
		return fail(af, e, err, errlen);
	}
	/* mkstemp makes 0600; the file should look like any other the user
	 * saves, or keep the permissions the old one had. */
	if (fchmod(af->fd, (mode_t)af->mode) != 0) {
		int e = errno;
		atomicfile_abort(af);
		return fail(af, e, err, errlen);
	}
	return ST_OK;
}

FILE *atomicfile_stream(struct atomicfile *af)
{
	if (!af->fp && af->fd >= 0)
		af->fp = fdopen(af->fd, "w");
	return af->fp;
}

int atomicfile_open_stream(struct atomicfile *af, const char *path, unsigned flags,
			   FILE **fp, char *err, int errlen)
{
	int rc = atomicfile_open(af, path, flags, err, errlen);

	if (rc)
		return rc;
	*fp = atomicfile_stream(af);
	if (!*fp) {
		atomicfile_abort(af);
		snprintf(err, (size_t)errlen, "cannot write %s: out of memory", path);
		return ST_OUTPUT;
	}
	return ST_OK;
}

void atomicfile_abort(struct atomicfile *af)
{
	if (af->fp)
		fclose(af->fp);
	else if (af->fd >= 0)
		close(af->fd);
	af->fp = NULL;
	af->fd = -1;
	if (af->tmp[0])
		unlink(af->tmp);
	af->tmp[0] = 0;
}

int atomicfile_commit(struct atomicfile *af, char *err, int errlen)
{
	char dir[4096];
	const char *base;
	int e = 0, dfd;

	if (af->fd < 0)
		return fail(af, EBADF, err, errlen);
	/* Record only the first error: it is the cause, later ones follow. */
	errno = 0;
	if (af->fp && (fflush(af->fp) != 0 || ferror(af->fp)))
		e = errno ? errno : EIO;
	/* fsync before the rename: otherwise a crash right after it can leave
	 * the new name pointing at an empty file on ext4 and friends.  A FIFO
	 * or terminal cannot be synced, and that is no error. */
	if (!e && fsync(af->fd) != 0 && !(af->direct && (errno == EINVAL || errno == EROFS)))
		e = errno;
	if (af->fp) {
		if (fclose(af->fp) != 0 && !e)
			e = errno;
	} else if (close(af->fd) != 0 && !e) {
		e = errno;
	}
	af->fp = NULL;
	af->fd = -1;
	if (!e && !af->direct && rename(af->tmp, af->target) != 0)
		e = errno;
	if (e) {
		atomicfile_abort(af);
		return fail(af, e, err, errlen);
	}
	af->tmp[0] = 0;
	if (af->direct)
		return ST_OK;
	/* The rename itself is durable only once the folder is synced.  The
	 * new file is already in place, so a failure here is not reported as
	 * a failed save: the data is there for every reader. */
	split_path(af->target, dir, sizeof dir, &base);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return ST_OK;
}
