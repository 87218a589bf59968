/* See bgwrite.h. */
#include "bgwrite.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct bgwrite {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	int fd, hint;
	char *spare;   /* the owner's next buffer, while idle */
	char *job;     /* a buffer to write, NULL when idle */
	size_t job_len;
	off_t job_at;
	int err, stop;
};

int write_fd(int fd, const char *p, size_t count)
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

void bgwrite_hint(int fd, off_t at, size_t len)
{
	(void)sync_file_range(fd, at, (off_t)len, SYNC_FILE_RANGE_WRITE);
}

static void *writer_thread(void *arg)
{
	struct bgwrite *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->job && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->job)
			break;
		char *p = w->job;
		size_t n = w->job_len;
		off_t at = w->job_at;
		int failed = w->err;
		pthread_mutex_unlock(&w->mu);
		int e = failed ? 0 : write_fd(w->fd, p, n);
		if (!failed && !e && w->hint)
			bgwrite_hint(w->fd, at, n);
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

struct bgwrite *bgwrite_start(int fd, size_t size, int hint)
{
	struct bgwrite *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	w->fd = fd;
	w->hint = hint;
	if (!(w->spare = malloc(size)))
		goto fail;
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&w->cv, NULL) != 0)
		goto fail_mu;
	if (pthread_create(&w->th, NULL, writer_thread, w) != 0)
		goto fail_cv;
	return w;
fail_cv:
	pthread_cond_destroy(&w->cv);
fail_mu:
	pthread_mutex_destroy(&w->mu);
fail:
	free(w->spare);
	free(w);
	return NULL;
}

/* Under mu: waits for the thread to be idle. */
static void wait_idle(struct bgwrite *w)
{
	while (w->job)
		pthread_cond_wait(&w->cv, &w->mu);
}

int bgwrite_hand(struct bgwrite *w, char **buf, size_t len, off_t at)
{
	pthread_mutex_lock(&w->mu);
	wait_idle(w);
	int e = w->err;
	if (!e) {
		w->job = *buf;
		w->job_len = len;
		w->job_at = at;
		*buf = w->spare;
		w->spare = NULL;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return e;
}

int bgwrite_drain(struct bgwrite *w)
{
	pthread_mutex_lock(&w->mu);
	wait_idle(w);
	int e = w->err;
	pthread_mutex_unlock(&w->mu);
	return e;
}

int bgwrite_stop(struct bgwrite *w)
{
	if (!w)
		return 0;
	pthread_mutex_lock(&w->mu);
	wait_idle(w);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	int e = w->err;
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->spare);
	free(w);
	return e;
}
