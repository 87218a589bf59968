#include "sfout.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SFOUT_BUF (1 << 20)

/* The writer thread (sfout_async): it writes one full buffer while the
 * caller fills the other.  Only the buffer handed over and the error
 * cross between the threads, under mu; everything that moves or reads
 * the file position first waits for the writer to be idle (drain). */
struct sfout_writer {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	char *spare;     /* the caller's next buffer, while idle */
	char *job;       /* a full buffer to write, NULL when idle */
	off_t job_at;
	int err, stop;
};

/* A short write is an error here even when write(2) itself gave none
 * (it returns 0 only for a zero count): libsndfile would carry on. */
static int write_fd(int fd, const char *p, size_t count)
{
	size_t done = 0;

	while (done < count) {
		ssize_t n = write(fd, p + done, count - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		done += (size_t)n;
	}
	return 0;
}

static int write_all(struct sfout *o, const char *p, size_t count)
{
	int e = write_fd(o->fd, p, count);

	if (e && !o->err)
		o->err = e;
	return e ? -1 : 0;
}

/* The disk starts on what is written while the rest is computed: the
 * fsync at the end (atomicfile.c) then waits for the last megabytes, not
 * the whole file (it was a sixth of a 5-minute render's wall time).  Only
 * a hint: where it cannot (a pipe), nothing changes. */
static void hint(int fd, off_t at, size_t len)
{
	(void)sync_file_range(fd, at, (off_t)len, SYNC_FILE_RANGE_WRITE);
}

static void *writer_thread(void *arg)
{
	struct sfout *o = arg;
	struct sfout_writer *w = o->w;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->job && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->job)
			break;
		char *p = w->job;
		off_t at = w->job_at;
		int failed = w->err;
		pthread_mutex_unlock(&w->mu);
		int e = failed ? 0 : write_fd(o->fd, p, SFOUT_BUF);
		if (!failed && !e)
			hint(o->fd, at, SFOUT_BUF);
		pthread_mutex_lock(&w->mu);
		if (e && !w->err)
			w->err = e;
		w->spare = p;
		w->job = NULL;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Waits for the writer to be idle and takes over its error; 0 or -1. */
static int drain(struct sfout *o)
{
	struct sfout_writer *w = o->w;

	if (w) {
		pthread_mutex_lock(&w->mu);
		while (w->job)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->err && !o->err)
			o->err = w->err;
		pthread_mutex_unlock(&w->mu);
	}
	return o->err ? -1 : 0;
}

/* The full buffer (at its file offset) to the writer and the writer's
 * spare in its place; waits while the writer still has the one before. */
static int hand_over(struct sfout *o, off_t at)
{
	struct sfout_writer *w = o->w;

	pthread_mutex_lock(&w->mu);
	while (w->job)
		pthread_cond_wait(&w->cv, &w->mu);
	if (w->err && !o->err)
		o->err = w->err;
	if (!o->err) {
		w->job = o->buf;
		w->job_at = at;
		o->buf = w->spare;
		w->spare = NULL;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	o->len = 0;
	return o->err ? -1 : 0;
}

/* What is collected goes to the file before anything that looks at or
 * moves the file position. */
static int flush(struct sfout *o)
{
	size_t n = o->len;

	o->len = 0;
	if (o->w && drain(o))
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
				if (hand_over(o, start))
					return 0;
				continue;
			}
			if (flush(o))
				return 0;
			hint(o->fd, start, o->cap);
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
	struct sfout_writer *w;

	if (!o->buf || o->w || !(w = calloc(1, sizeof *w)))
		return -1;
	if (!(w->spare = malloc(SFOUT_BUF)))
		goto fail;
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&w->cv, NULL) != 0)
		goto fail_mu;
	o->w = w;
	if (pthread_create(&w->th, NULL, writer_thread, o) != 0)
		goto fail_cv;
	return 0;
fail_cv:
	o->w = NULL;
	pthread_cond_destroy(&w->cv);
fail_mu:
	pthread_mutex_destroy(&w->mu);
fail:
	free(w->spare);
	free(w);
	return -1;
}

/* Joins the writer once it has written what it holds. */
static void writer_stop(struct sfout *o)
{
	struct sfout_writer *w = o->w;

	if (!w)
		return;
	drain(o);
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->spare);
	free(w);
	o->w = NULL;
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
		writer_stop(o);
		free(o->buf);
		o->buf = NULL;
	}
	if (o->err)
		return o->err;
	if (rc != 0)
		return e ? e : EIO;
	return 0;
}
