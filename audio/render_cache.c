/* See render_cache.h.  Blocks go out as a frame count and the two
 * channels, through a 1 MB stdio buffer (a system call per block was
 * a measurable part of the pass on a VM).  The file is in $TMPDIR (or
 * /tmp), unlinked as soon as it exists, so nothing is left behind by a
 * crash, and the pages are dropped unwritten when it is closed soon
 * enough.  On a tmpfs the file would be memory: there it is used only
 * up to CACHE_TMPFS_MAX, the bound the render keeps in memory anyway.
 * Anywhere it stops at CACHE_MAX (46 minutes of 44.1 kHz stereo): past
 * a tenth of the memory the kernel starts writing dirty pages out, and
 * the disk's time would be the cache's cost. */
#include "render_cache.h"

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
	FILE *f;
	char *buf;
	int bad;
};

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
	if (c)
		c->buf = malloc(CACHE_BUF);
	if (c && c->buf)
		c->f = fdopen(fd, "w+b");
	if (!c || !c->f) {
		if (c)
			free(c->buf);
		free(c);
		close(fd);
		return NULL;
	}
	setvbuf(c->f, c->buf, _IOFBF, CACHE_BUF);
	return c;
}

void pcache_free(struct pcache *c)
{
	if (!c)
		return;
	fclose(c->f);
	free(c->buf);
	free(c);
}

int pcache_put(struct pcache *c, const float *L, const float *R, int n)
{
	int32_t k = n;

	if (c->bad)
		return -1;
	if (fwrite(&k, sizeof k, 1, c->f) != 1 || fwrite(L, sizeof *L, (size_t)n, c->f) != (size_t)n ||
	    fwrite(R, sizeof *R, (size_t)n, c->f) != (size_t)n) {
		c->bad = 1;
		return -1;
	}
	return 0;
}

int pcache_ok(struct pcache *c)
{
	if (!c->bad && fflush(c->f) != 0)
		c->bad = 1;
	return !c->bad;
}

int pcache_rewind(struct pcache *c)
{
	if (c->bad || fseek(c->f, 0, SEEK_SET) != 0) {
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
