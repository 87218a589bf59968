#include "sfout.h"

#include "bgwrite.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SFOUT_BUF (1 << 20)

/* Keeps e when it is the first error; 0, or -1 once there is one. */
static int keep_err(struct sfout *o, int e)
{
	if (e && !o->err)
		o->err = e;
	return o->err ? -1 : 0;
}

static int write_all(struct sfout *o, const char *p, size_t count)
{
	int e = write_fd(o->fd, p, count);

	keep_err(o, e);
	return e ? -1 : 0;
}

/* What is collected goes to the file before anything that looks at or
 * moves the file position. */
static int flush(struct sfout *o)
{
	size_t n = o->len;

	o->len = 0;
	if (o->w && keep_err(o, bgwrite_drain(o->w)))
		return -1;
	return n ? write_all(o, o->buf, n) : 0;
}

static sf_count_t vio_filelen(void *user)
{
	struct sfout *o = user;
	struct stat st;

	if (flush(o) || fstat(o->fd, &st) != 0) {
		if (!o->err)
			o->err = errno;
		return -1;
	}
	return st.st_size;
}

static sf_count_t vio_seek(sf_count_t offset, int whence, void *user)
{
	struct sfout *o = user;
	off_t r = flush(o) ? -1 : lseek(o->fd, (off_t)offset, whence);

	if (r < 0 && !o->err)
		o->err = errno;
	return r;
}

static sf_count_t vio_read(void *ptr, sf_count_t count, void *user)
{
	struct sfout *o = user;
	sf_count_t done = 0;

	if (flush(o))
		return 0;
	while (done < count) {
		ssize_t n = read(o->fd, (char *)ptr + done, (size_t)(count - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

static sf_count_t vio_write(const void *ptr, sf_count_t count, void *user)
{
	struct sfout *o = user;
	const char *p = ptr;
	size_t left = (size_t)count;

	if (o->err)
		return 0;
	if (!o->buf)
		return write_all(o, p, left) ? 0 : count;
	if (o->len == 0) {
		off_t at = lseek(o->fd, 0, SEEK_CUR);
		if (at < 0) {
			o->err = errno;
			return 0;
		}
		o->at = at;
	}
	while (left) {
		size_t k = o->cap - o->len < left ? o->cap - o->len : left;
		memcpy(o->buf + o->len, p, k);
		o->len += k;
		p += k;
		left -= k;
		if (o->len == o->cap) {
			off_t start = (off_t)o->at;
			o->at += (long long)o->cap;
			if (o->w) {
				o->len = 0;
				if (keep_err(o, bgwrite_hand(o->w, &o->buf, o->cap, start)))
					return 0;
				continue;
			}
			if (flush(o))
				return 0;
			bgwrite_hint(o->fd, start, o->cap);
		}
	}
	return count;
}

static sf_count_t vio_tell(void *user)
{
	struct sfout *o = user;

	if (o->len)
		return (sf_count_t)(o->at + (long long)o->len);
	return vio_seek(0, SEEK_CUR, user);
}

static SF_VIRTUAL_IO vio = { vio_filelen, vio_seek, vio_read, vio_write, vio_tell };

SNDFILE *sfout_open(struct sfout *o, int fd, int direct, SF_INFO *info)
{
	SNDFILE *sf;

	o->fd = fd;
	o->err = 0;
	o->len = 0;
	o->at = 0;
	o->buf = NULL;
	o->cap = 0;
	o->w = NULL;
	if (direct)
		return sf_open_fd(fd, SFM_WRITE, info, SF_FALSE);
	/* Without the buffer the file is written as it comes: slower, the
	 * same bytes. */
	o->buf = malloc(SFOUT_BUF);
	o->cap = o->buf ? SFOUT_BUF : 0;
	sf = sf_open_virtual(&vio, SFM_WRITE, info, o);
	if (!sf) {
		free(o->buf);
		o->buf = NULL;
	}
	return sf;
}

int sfout_async(struct sfout *o)
{
	if (!o->buf || o->w || !(o->w = bgwrite_start(o->fd, SFOUT_BUF, 1)))
		return -1;
	return 0;
}

int sfout_close(struct sfout *o, SNDFILE *sf)
{
	int rc;

	errno = 0;
	rc = sf_close(sf);
	/* sf_close's last words (the header's sizes) may still be here. */
	int e = errno;
	if (o->buf) {
		flush(o);
		keep_err(o, bgwrite_stop(o->w));
		o->w = NULL;
		free(o->buf);
		o->buf = NULL;
	}
	if (o->err)
		return o->err;
	if (rc != 0)
		return e ? e : EIO;
	return 0;
}
