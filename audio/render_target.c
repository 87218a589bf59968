/* The loudness search for --target: render_find_drive and
 * render_file_target.
 *
 * The modules before the limiter run once, and their output is kept (the
 * cache): every loudness measurement of the secant search, and the final
 * write, rerun only the limiter on it.  Up to CACHE_MEM_FRAMES the cache
 * is in memory; beyond that it is an unlinked temporary file (8 bytes a
 * frame: 2.5 GB for 2 hours at 44.1 kHz), so memory stays bounded at any
 * length while the search stays as fast (the kernel's page cache usually
 * holds the file, and a read costs less than rerunning the modules).  The
 * samples are the same either way, and the same as the search without a
 * cache (which remains the fallback when no temporary file can be made).
 *
 * Progress: one bar across the phases, which only moves forward:
 * measuring (the pass that fills the cache), searching (each measurement
 * takes half of what is left of the search's share, since their number is
 * not known ahead), writing. */
#include "render_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsp/chain.h"
#include "source.h"
#include "status.h"

/* 32 MB of cache in memory, about 95 s at 44.1 kHz. */
#define NO_CACHE (-2)
#define CACHE_MEM_FRAMES (4LL << 20)

/* ---- one bar across the phases --------------------------------------- */

struct job {
	const struct render_opts *o;
	double lo, hi; /* the current pass's share of the bar */
	double shown;  /* the furthest reported: the bar never goes back */
};

static void job_progress(void *ctx, double f)
{
	struct job *j = ctx;
	double p = j->lo + (j->hi - j->lo) * (f < 0 ? 0 : f > 1 ? 1 : f);

	if (p > j->shown + 1e-9 && j->o && j->o->progress) {
		j->shown = p;
		j->o->progress(j->o->ctx, p);
	}
}

static void job_phase(struct job *j, const char *name, double lo, double hi)
{
	j->lo = lo;
	j->hi = hi;
	if (name && j->o && j->o->phase)
		j->o->phase(j->o->ctx, name);
}

/* Options for one pass: the caller's, with progress mapped onto the bar. */
static struct render_opts job_opts(struct job *j)
{
	struct render_opts p = { 0 };

	if (j->o)
		p = *j->o;
	p.progress = j->o && j->o->progress ? job_progress : NULL;
	p.ctx = j;
	p.phase = NULL;
	return p;
}

/* ---- the search ------------------------------------------------------ */

typedef int (*measure_fn)(void *ctx, const double v[P_COUNT], double *lufs,
			  double *gr, char *err, int errlen);

/* Secant search on the limiter drive.  Below the ceiling loudness follows
 * drive dB for dB; limiting makes it fall short, so the first step is
 * taken whole and the rest by secants. */
static int search_drive(measure_fn measure, void *ctx, const char *in,
			double v[P_COUNT], double target, double *lufs_out,
			double *max_gr_db, char *err, int errlen)
{
	const struct param_desc *d = &param_table[P_LIMITER_DRIVE];
	double x0 = v[P_LIMITER_DRIVE], y0, x1, y1 = NAN, gr = 0;
	int rc;

	rc = measure(ctx, v, &y0, &gr, err, errlen);
	if (rc)
		return rc;
	if (!isfinite(y0)) {
		snprintf(err, (size_t)errlen, "%s: is silent; no drive reaches %.1f LUFS", in, target);
		return ST_INPUT;
	}
	if (fabs(y0 - target) < 0.03) {
		y1 = y0;
		goto done;
	}
	x1 = x0 + (target - y0);
	for (int it = 0; it < 12; it++) {
		if (x1 > d->max)
			x1 = d->max;
		if (x1 < d->min)
			x1 = d->min;
		v[P_LIMITER_DRIVE] = x1;
		rc = measure(ctx, v, &y1, &gr, err, errlen);
		if (rc)
			return rc;
		if (fabs(y1 - target) < 0.03)
			break;
		if ((x1 == d->max && y1 < target) || (x1 == d->min && y1 > target)) {
			snprintf(err, (size_t)errlen,
				 "%s: cannot reach %.1f LUFS: at the limit of the drive range (%+.0f dB) it lands at %.2f LUFS",
				 in, target, x1, y1);
			return ST_USAGE;
		}
		double slope = (y1 - y0) / (x1 - x0);
		/* Loudness never rises faster than drive, and a flat slope means
		 * the limiter is eating everything: keep steps sane. */
		if (!isfinite(slope) || slope > 1.0)
			slope = 1.0;
		if (slope < 0.05)
			slope = 0.05;
		x0 = x1;
		y0 = y1;
		x1 = x1 + (target - y1) / slope;
	}
	if (fabs(y1 - target) > 0.1) {
		snprintf(err, (size_t)errlen, "%s: the loudness search did not settle on %.1f LUFS (%.2f)",
			 in, target, y1);
		return ST_USAGE;
	}
done:
	if (lufs_out)
		*lufs_out = y1;
	if (max_gr_db)
		*max_gr_db = gr;
	return ST_OK;
}


/* The search without a cache: every measurement reruns the whole chain
 * from the file. */
struct file_measure {
	const char *in;
	struct job *job;
	double s0, s1; /* the search's share of the bar */
	int iter;
};

/* Measurement k takes [1 - 2^-k, 1 - 2^-(k+1)] of the search's share. */
static void search_step(struct job *j, double s0, double s1, int *iter)
{
	double a = 1 - pow(0.5, *iter), b = 1 - pow(0.5, *iter + 1);

	job_phase(j, NULL, s0 + (s1 - s0) * a, s0 + (s1 - s0) * b);
	(*iter)++;
}

static int measure_file(void *ctx, const double v[P_COUNT], double *lufs,
			double *gr, char *err, int errlen)
{
	struct file_measure *m = ctx;
	struct source *src;
	int rc = render_open_input(&src, m->in, m->job->o, err, errlen);

	if (rc)
		return rc;
	search_step(m->job, m->s0, m->s1, &m->iter);
	struct render_opts p = job_opts(m->job);
	struct feed f = { .src = src, .fd = -1 };
	rc = render_measure_feed(&f, source_rate(src), v, lufs, gr, &p, err, errlen);
	source_close(src);
	return rc;
}

/* ---- the cache ------------------------------------------------------- */

struct cache {
	float *L, *R;  /* in memory, or */
	int fd;        /* a temporary file; -1: none */
	int64_t frames;
	int rate;
	struct job *job;
	double s0, s1;
	int iter;
};

int64_t cache_file_read(int fd, float *buf, int64_t pos, int64_t n)
{
	size_t want = (size_t)n * 2 * sizeof *buf, got = 0;

	while (got < want) {
		ssize_t r = pread(fd, (char *)buf + got, want - got,
				  (off_t)(pos * 2 * (int64_t)sizeof *buf) + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (int64_t)(got / (2 * sizeof *buf));
}

static int write_all(int fd, const void *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

/* An unlinked file for the cache: beside the output when that is a
 * regular file (its disk has room for the result, and /tmp may be memory),
 * else in $TMPDIR.  -1 when none can be made. */
static int cache_file_open(const char *out)
{
	char dir[4096];
	const char *t = getenv("TMPDIR");
	const char *slash = out ? strrchr(out, '/') : NULL;
	struct stat st;

	if (out && (stat(out, &st) != 0 || S_ISREG(st.st_mode))) {
		if (!slash)
			snprintf(dir, sizeof dir, ".");
		else
			snprintf(dir, sizeof dir, "%.*s", (int)(slash - out) > 0 ? (int)(slash - out) : 1, out);
	} else {
		snprintf(dir, sizeof dir, "%s", t && *t ? t : "/tmp");
	}
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	char path[4200];
	snprintf(path, sizeof path, "%s/.lathe-search-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static int measure_cache(void *ctx, const double v[P_COUNT], double *lufs,
			 double *gr, char *err, int errlen)
{
	struct cache *k = ctx;
	struct feed f = { .cL = k->L, .cR = k->R, .fd = k->fd, .frames = k->frames };

	search_step(k->job, k->s0, k->s1, &k->iter);
	struct render_opts p = job_opts(k->job);
	return render_measure_feed(&f, k->rate, v, lufs, gr, &p, err, errlen);
}

static void cache_free(struct cache *k)
{
	free(k->L);
	free(k->R);
	if (k->fd >= 0)
		close(k->fd);
	k->L = k->R = NULL;
	k->fd = -1;
}

/* The modules before the limiter over the whole file, into the cache.
 * ST_OK; ST_INPUT or -1 (cancelled) with a message; NO_CACHE when no
 * cache could be made (the caller searches without one). */
static int cache_fill(const char *in, const char *out, const double v[P_COUNT],
		      struct cache *k, char *err, int errlen)
{
	struct source *src;
	const struct render_opts *o = k->job->o;
	int rc = render_open_input(&src, in, o, err, errlen);

	if (rc)
		return rc;
	k->fd = -1;
	k->frames = source_frames(src);
	k->rate = source_rate(src);
	int64_t cap = o && o->cache_mem_frames ? o->cache_mem_frames : CACHE_MEM_FRAMES;
	if (k->frames <= cap) {
		k->L = malloc((size_t)(k->frames > 0 ? k->frames : 1) * sizeof *k->L);
		k->R = malloc((size_t)(k->frames > 0 ? k->frames : 1) * sizeof *k->R);
	} else {
		k->fd = cache_file_open(out);
	}
	struct chain *c = chain_new(k->rate);
	float *buf = malloc(BLOCK * 2 * sizeof *buf);
	float *L = malloc(BLOCK * sizeof *L), *R = malloc(BLOCK * sizeof *R);
	if ((!k->L || !k->R) && k->fd < 0) {
		rc = NO_CACHE;
		goto out;
	}
	if (!c || !buf || !L || !R) {
		snprintf(err, (size_t)errlen, "%s: out of memory", in);
		rc = ST_INPUT;
		goto out;
	}
	chain_set_all(c, v);
	chain_reset(c);
	int64_t n = 0, got = 0;
	while (n < k->frames && (got = source_read(src, buf, BLOCK)) > 0) {
		if (got > k->frames - n)
			got = k->frames - n;
		float *l = k->fd < 0 ? k->L + n : L, *r = k->fd < 0 ? k->R + n : R;
		for (int64_t i = 0; i < got; i++) {
			l[i] = buf[2 * i];
			r[i] = buf[2 * i + 1];
		}
		chain_process_pre(c, l, r, (int)got);
		if (k->fd >= 0) {
			for (int64_t i = 0; i < got; i++) {
				buf[2 * i] = l[i];
				buf[2 * i + 1] = r[i];
			}
			if (write_all(k->fd, buf, (size_t)got * 2 * sizeof *buf) != 0) {
				rc = NO_CACHE; /* a full disk, say: search without it */
				goto out;
			}
		}
		n += got;
		job_progress(k->job, (double)n / (double)(k->frames > 0 ? k->frames : 1));
		if (o && o->cancel && atomic_load(o->cancel)) {
			snprintf(err, (size_t)errlen, "%s: interrupted", in);
			rc = -1;
			goto out;
		}
	}
	if (got < 0 || source_error(src)[0]) {
		snprintf(err, (size_t)errlen, "%s", source_error(src));
		rc = ST_INPUT;
	}
	/* A header that promised more than the file holds. */
	k->frames = n;
out:
	if (rc)
		cache_free(k);
	chain_free(c);
	free(buf);
	free(L);
	free(R);
	source_close(src);
	return rc;
}

/* The drive for target, into v: with a cache when one can be made (kept
 * in *k for the write), else by rerunning the chain.  The bar: measuring
 * [0, m], searching [m, s]. */
static int find_drive(const char *in, const char *out, double v[P_COUNT], double target,
		      double *lufs, double *gr, struct job *j, double m, double s,
		      struct cache *k, char *err, int errlen)
{
	job_phase(j, "measuring", 0, m);
	k->job = j;
	k->fd = -1;
	int rc = cache_fill(in, out, v, k, err, errlen);
	if (rc != ST_OK && rc != NO_CACHE)
		return rc;
	job_phase(j, "searching", m, s);
	if (rc == NO_CACHE) {
		struct file_measure fm = { in, j, m, s, 0 };
		return search_drive(measure_file, &fm, in, v, target, lufs, gr, err, errlen);
	}
	k->s0 = m;
	k->s1 = s;
	rc = search_drive(measure_cache, k, in, v, target, lufs, gr, err, errlen);
	if (rc)
		cache_free(k);
	return rc;
}

int render_find_drive(const char *in, double v[P_COUNT], double target,
		      double *lufs_out, double *max_gr_db,
		      const struct render_opts *o, char *err, int errlen)
{
	struct job j = { o, 0, 0, -1 };
	struct cache k = { .fd = -1 };
	int rc = find_drive(in, NULL, v, target, lufs_out, max_gr_db, &j, 0.4, 1.0, &k, err, errlen);

	cache_free(&k);
	return rc;
}

int render_file_target(const char *in, const char *out, double v[P_COUNT],
		       double target, const struct render_opts *o,
		       double *lufs, double *max_gr_db, char *err, int errlen)
{
	struct job j = { o, 0, 0, -1 };
	struct cache k = { .fd = -1 };
	int rc, format;

	rc = render_check_output(in, out, o && o->bits ? o->bits : 24, &format, err, errlen);
	if (rc)
		return rc;
	rc = find_drive(in, out, v, target, lufs, max_gr_db, &j, 0.3, 0.6, &k, err, errlen);
	if (rc == -1)
		snprintf(err, (size_t)errlen, "%s: render interrupted; nothing written", out);
	if (rc)
		return rc;
	job_phase(&j, "writing", 0.6, 1.0);
	struct render_opts p = job_opts(&j);
	if (k.L || k.fd >= 0) {
		struct feed f = { .cL = k.L, .cR = k.R, .fd = k.fd, .frames = k.frames };
		rc = render_write(&f, k.rate, in, out, v, &p, err, errlen);
	} else {
		rc = render_file(in, out, v, &p, NULL, err, errlen);
	}
	cache_free(&k);
	return rc;
}
