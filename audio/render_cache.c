/* See render_cache.h.  Blocks go out as a frame count and the two
 * channels, collected in a 1 MB buffer and written a buffer at a time
 * (a system call per block was a measurable part of the pass on a VM);
 * with pcache_async a thread of its own writes one buffer while the
 * pipe's worker fills the other, so the kernel's copies into the page
 * cache (a fifth of a 5-minute --target's samples when they were on the
 * caller's thread) run beside the chain.  The passes read it back
 * through stdio.  The file is in $TMPDIR (or
 * /tmp), unlinked as soon as it exists, so nothing is left behind by a
 * crash, and the pages are dropped unwritten when it is closed soon
 * enough.  On a tmpfs the file would be memory: there it is used only
 * up to CACHE_TMPFS_MAX, the bound the render keeps in memory anyway.
 * Anywhere it stops at CACHE_MAX (46 minutes of 44.1 kHz stereo): past
 * a tenth of the memory the kernel starts writing dirty pages out, and
 * the disk's time would be the cache's cost. */
#include "render_cache.h"

#include "bgwrite.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/statfs.h>
#include <unistd.h>

#define CACHE_BUF (1 << 20)
#define CACHE_TMPFS_MAX (64LL << 20)
#define CACHE_MAX (1LL << 30)
/* Left free on the file system besides the cache: the output itself
 * is still to be written, and others use the disk. */
#define CACHE_SPARE (512LL << 20)
#define TMPFS_MAGIC_ 0x01021994

struct pcache {
	int fd;
	FILE *f;      /* for reading back, from the first rewind */
	char *rbuf;   /* f's buffer */
	char *wbuf;   /* blocks collected for the next write */
	size_t len;
	int bad;
	int done;     /* writing is over (pcache_ok) */
	struct bgwrite *w; /* pcache_async's thread, or NULL */
};

/* The collected bytes written, by the thread when there is one (after
 * the buffer before them: the same order). */
static void flush(struct pcache *c)
{
	size_t n = c->len;

	c->len = 0;
	if (!n || c->bad)
		return;
	if (c->w ? bgwrite_hand(c->w, &c->wbuf, n, 0) : write_fd(c->fd, c->wbuf, n))
		c->bad = 1;
}

/* Everything handed over written and the thread gone: the file is the
 * caller's alone again. */
static void stop_writer(struct pcache *c)
{
	if (bgwrite_stop(c->w))
		c->bad = 1;
	c->w = NULL;
}

struct pcache *pcache_new(long long frames)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	struct statfs fs;
	long long need = frames * 2 * (long long)sizeof(float) * 11 / 10 + CACHE_BUF;

	if (!dir || !*dir)
		dir = "/tmp";
	if (frames <= 0 || need > CACHE_MAX || statfs(dir, &fs) != 0)
		return NULL;
	if (fs.f_type == TMPFS_MAGIC_ ? need > CACHE_TMPFS_MAX
				      : (long long)fs.f_bavail * (long long)fs.f_bsize < need + CACHE_SPARE)
		return NULL;
	if ((size_t)snprintf(path, sizeof path, "%s/lathe-cache.XXXXXX", dir) >= sizeof path)
		return NULL;
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return NULL;
	unlink(path);
	struct pcache *c = calloc(1, sizeof *c);
	if (c && !(c->wbuf = malloc(CACHE_BUF))) {
		free(c);
		c = NULL;
	}
	if (!c) {
		close(fd);
		return NULL;
	}
	c->fd = fd;
	return c;
}

int pcache_async(struct pcache *c)
{
	return (c->w = bgwrite_start(c->fd, CACHE_BUF, 0)) ? 0 : -1;
}

void pcache_free(struct pcache *c)
{
	if (!c)
		return;
	stop_writer(c);
	if (c->f)
		fclose(c->f);
	else
		close(c->fd);
	free(c->rbuf);
	free(c->wbuf);
	free(c);
}

static void put(struct pcache *c, const void *p, size_t n)
{
	while (n) {
		size_t m = CACHE_BUF - c->len < n ? CACHE_BUF - c->len : n;
		memcpy(c->wbuf + c->len, p, m);
		c->len += m;
		p = (const char *)p + m;
		n -= m;
		if (c->len == CACHE_BUF)
			flush(c);
	}
}

int pcache_put(struct pcache *c, const float *L, const float *R, int n)
{
	int32_t k = n;

	if (c->bad || c->done)
		return -1;
	put(c, &k, sizeof k);
	put(c, L, (size_t)n * sizeof *L);
	put(c, R, (size_t)n * sizeof *R);
	return c->bad ? -1 : 0;
}

int pcache_ok(struct pcache *c)
{
	if (!c->done) {
		flush(c);
		stop_writer(c);
		c->done = 1;
		free(c->wbuf);
		c->wbuf = NULL;
		if (!c->bad) {
			c->rbuf = malloc(CACHE_BUF);
			c->f = c->rbuf ? fdopen(c->fd, "rb") : NULL;
			if (c->f)
				setvbuf(c->f, c->rbuf, _IOFBF, CACHE_BUF);
			else
				c->bad = 1;
		}
	}
	return !c->bad;
}

int pcache_rewind(struct pcache *c)
{
	if (c->bad || !c->done || fseek(c->f, 0, SEEK_SET) != 0) {
		c->bad = 1;
		return -1;
	}
	return 0;
}

int pcache_get(struct pcache *c, float *L, float *R, int max)
{
	int32_t k;

	if (c->bad)
		return -1;
	if (fread(&k, sizeof k, 1, c->f) != 1)
		return feof(c->f) && !ferror(c->f) ? 0 : -1;
	if (k < 0 || k > max || fread(L, sizeof *L, (size_t)k, c->f) != (size_t)k ||
	    fread(R, sizeof *R, (size_t)k, c->f) != (size_t)k) {
		c->bad = 1;
		return -1;
	}
	return (int)k;
}
