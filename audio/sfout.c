#include "sfout.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static sf_count_t vio_filelen(void *user)
{
	struct sfout *o = user;
	struct stat st;

	if (fstat(o->fd, &st) != 0) {
		if (!o->err)
			o->err = errno;
		return -1;
	}
	return st.st_size;
}

static sf_count_t vio_seek(sf_count_t offset, int whence, void *user)
{
	struct sfout *o = user;
	off_t r = lseek(o->fd, (off_t)offset, whence);

	if (r < 0 && !o->err)
		o->err = errno;
	return r;
}

static sf_count_t vio_read(void *ptr, sf_count_t count, void *user)
{
	struct sfout *o = user;
	sf_count_t done = 0;

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

/* A short write is an error here even when write(2) itself gave none
 * (it returns 0 only for a zero count): libsndfile would carry on. */
static sf_count_t vio_write(const void *ptr, sf_count_t count, void *user)
{
	struct sfout *o = user;
	sf_count_t done = 0;

	if (o->err)
		return 0;
	while (done < count) {
		ssize_t n = write(o->fd, (const char *)ptr + done, (size_t)(count - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			o->err = n < 0 ? errno : EIO;
			break;
		}
		done += n;
	}
	return done;
}

static sf_count_t vio_tell(void *user)
{
	return vio_seek(0, SEEK_CUR, user);
}

static SF_VIRTUAL_IO vio = { vio_filelen, vio_seek, vio_read, vio_write, vio_tell };

SNDFILE *sfout_open(struct sfout *o, int fd, int direct, SF_INFO *info)
{
	o->fd = fd;
	o->err = 0;
	if (direct)
		return sf_open_fd(fd, SFM_WRITE, info, SF_FALSE);
	return sf_open_virtual(&vio, SFM_WRITE, info, o);
}

int sfout_close(struct sfout *o, SNDFILE *sf)
{
	int rc;

	errno = 0;
	rc = sf_close(sf);
	if (o->err)
		return o->err;
	if (rc != 0)
		return errno ? errno : EIO;
	return 0;
}
