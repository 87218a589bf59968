/* The offline pass through the chain (render_run), on two threads when the
 * machine has two cores: a worker decodes and runs the modules before the
 * clipper (chain_process_pre), the caller's thread runs the clipper, the
 * limiter and what follows (chain_process_post), the fades, dither and the
 * encoder (the sink).  They hand fixed blocks of BLOCK frames over through
 * a bounded queue of NBLK blocks.  A --target pass that reads its cached
 * pre-clipper signal (render_cache.h) has nothing to decode, so there the
 * worker runs the clipper and limiter too.
 *
 * Why the samples cannot depend on the thread count: with settings at
 * rest the two halves of the chain keep disjoint state, each half sees
 * every block whole and in order, and the serial path runs exactly the
 * same two steps per block one after the other (chain.h: pre over a
 * stretch then post over it is chain_process).  Timing only decides who
 * waits.  Everything the caller sees (progress, the sink, the meters, the
 * cancel flag) stays on the caller's thread. */
#include "render_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsp/chain.h"
#include "fade.h"
#include "render_cache.h"
#include "source.h"
#include "status.h"

/* Eight blocks in flight (740 ms at 44.1 kHz, 256 kB): enough to ride
 * out the other thread being descheduled for a moment, small enough to
 * stay in cache.  A side that has to wait sleeps until HALF blocks are
 * there for it (or the end), not one: with one the faster thread slept
 * and was woken on every block, and the futex calls and switches were a
 * twentieth of a --target's samples. */
#define NBLK 8
#define HALF (NBLK / 2)

/* The producer's half: everything before chain_process_post. */
struct front {
	struct feed *f;
	struct chain *c;
	int tail;   /* frames of silence still to push through the latency */
};

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	int threaded;
	unsigned put, got;  /* blocks produced and consumed, under mu */
	int stop;           /* the consumer has finished early, under mu */
	int pwait, cwait;   /* the producer, the consumer asleep, under mu */
	int ended;          /* the producer has made its last block, under mu */
	struct feed f;      /* the caller's, with the worker's own buffers */
	char *err;          /* the caller's message buffer */
	struct front fr;
	struct blk b[NBLK];
};

static int feed_read(struct feed *f, float *L, float *R, int n)
{
	int64_t got = source_read_split(f->src, L, R, f->buf, n);

	if (got < 0) {
		snprintf(f->err, (size_t)f->errlen, "%s", source_error(f->src));
		return -1;
	}
	return (int)got;
}

/* The next block: read (or the silence that flushes the lookahead at the
 * end) and the modules before the clipper. */
static void front_step(struct front *fr, struct blk *b)
{
	int n;

	b->end = 0;
	b->post = 0;
	if (fr->f->cache) {
		/* Already through the modules, the latency's silence too.
		 * Reading it back leaves the worker idle, so it runs the rest
		 * of the chain (clipper, limiter) as well, the caller only the
		 * fades, dither, metering and encoding: the same steps in the
		 * same order on the same state, on another thread. */
		n = pcache_get(fr->f->cache, b->L, b->R, BLOCK);
		b->n = n > 0 ? n : 0;
		b->end = n < 0 ? -1 : n == 0;
		if (n < 0)
			snprintf(fr->f->err, (size_t)fr->f->errlen, "the temporary copy of the signal could not be read back");
		if (n > 0) {
			chain_process_post(fr->c, b->L, b->R, n);
			b->post = 1;
		}
		return;
	}
	n = feed_read(fr->f, b->L, b->R, BLOCK);
	if (n < 0) {
		b->n = 0;
		b->end = -1;
		return;
	}
	if (n == 0) {
		if (fr->tail == 0) {
			b->n = 0;
			b->end = 1;
			return;
		}
		n = fr->tail < BLOCK ? fr->tail : BLOCK;
		memset(b->L, 0, (size_t)n * sizeof *b->L);
		memset(b->R, 0, (size_t)n * sizeof *b->R);
		fr->tail -= n;
	}
	b->n = n;
	chain_process_pre(fr->c, b->L, b->R, n);
	/* A failed put leaves the cache bad; the caller finds out at
	 * pcache_ok and the passes decode again. */
	if (fr->f->keep)
		(void)pcache_put(fr->f->keep, b->L, b->R, n);
}

static void *front_thread(void *arg)
{
	struct pipe *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (p->put - p->got == NBLK && !p->stop) {
			p->pwait = 1;
			while (p->put - p->got > NBLK - HALF && !p->stop)
				pthread_cond_wait(&p->cv, &p->mu);
			p->pwait = 0;
		}
		if (p->stop)
			break;
		struct blk *b = &p->b[p->put % NBLK];
		/* The slot is ours until put moves past it: work unlocked. */
		pthread_mutex_unlock(&p->mu);
		front_step(&p->fr, b);
		pthread_mutex_lock(&p->mu);
		p->put++;
		if (b->end)
			p->ended = 1;
		if (p->cwait && (p->put - p->got >= HALF || p->ended))
			pthread_cond_broadcast(&p->cv);
		if (b->end)
			break;
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct blk *pipe_next(struct pipe *p)
{
	struct blk *b = &p->b[p->got % NBLK];

	if (!p->threaded) {
		front_step(&p->fr, b);
		return b;
	}
	pthread_mutex_lock(&p->mu);
	if (p->put == p->got) {
		p->cwait = 1;
		while (p->put - p->got < HALF && !p->ended)
			pthread_cond_wait(&p->cv, &p->mu);
		p->cwait = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

void pipe_done(struct pipe *p)
{
	if (!p->threaded) {
		p->got++;
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->got++;
	if (p->pwait && p->put - p->got <= NBLK - HALF)
		pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* LATHE_THREADS=1 in the environment asks the same as threads = 1: how
 * the bench and the tests compare the two ways on the command line. */
int render_threads(const struct render_opts *o)
{
	const char *env = getenv("LATHE_THREADS");

	if ((o && o->threads == 1) || (env && !strcmp(env, "1")))
		return 0;
	return (o && o->threads >= 2) || sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

struct pipe *pipe_open(struct feed *f, struct chain *c, int tail, const struct render_opts *o)
{
	struct pipe *p = calloc(1, sizeof *p);
	float *buf = malloc(BLOCK * 2 * sizeof *buf);
	char *ferr = malloc((size_t)f->errlen);

	if (!p || !buf || !ferr) {
		free(p);
		free(buf);
		free(ferr);
		return NULL;
	}
	/* The worker writes a read error here, the caller's err stays the
	 * caller's until the worker has been joined. */
	ferr[0] = 0;
	p->err = f->err;
	p->f = *f;
	p->f.buf = buf;
	p->f.err = ferr;
	p->fr = (struct front){ &p->f, c, tail };
	if (render_threads(o) && pthread_mutex_init(&p->mu, NULL) == 0) {
		if (pthread_cond_init(&p->cv, NULL) != 0)
			pthread_mutex_destroy(&p->mu);
		else if (pthread_create(&p->th, NULL, front_thread, p) == 0)
			p->threaded = 1;
		else {
			pthread_cond_destroy(&p->cv);
			pthread_mutex_destroy(&p->mu);
		}
	}
	return p;
}

int pipe_close(struct pipe *p)
{
	int failed;

	if (!p)
		return 0;
	if (p->threaded) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
	}
	failed = p->f.err[0] != 0;
	if (failed)
		snprintf(p->err, (size_t)p->f.errlen, "%s", p->f.err);
	free(p->f.buf);
	free(p->f.err);
	free(p);
	return failed ? -1 : 0;
}

/* Run a feed through a fresh chain into a sink, dropping the first latency
 * frames and flushing the lookahead with silence at the end.  Returns
 * ST_OK, ST_INPUT (read error), ST_OUTPUT (sink error) or -1 (cancelled). */
int render_run(struct feed *f, int rate, const double v[P_COUNT], struct sink *sink,
	       const struct render_opts *o, double *max_gr, char *err, int errlen)
{
	int rc = ST_OK, lat, skip;
	int64_t total = source_frames(f->src), done = 0, written = 0;
	float *out = malloc(BLOCK * 2 * sizeof *out);
	struct chain *c = chain_new(rate);
	struct pipe *p = NULL;
	double last_progress = -1;
	struct fade fades;

	if (max_gr)
		*max_gr = 0;
	/* Output frame n is input frame n: the output is total frames long. */
	fade_init(&fades, rate, total, o ? o->fade_in_s : 0, o ? o->fade_out_s : 0);
	if (c) {
		chain_set_all(c, v);
		chain_reset(c);
	}
	lat = skip = c ? chain_latency(c) : 0;
	f->err = err;
	f->errlen = errlen;
	if (!out || !c || !(p = pipe_open(f, c, lat, o))) {
		snprintf(err, (size_t)errlen, "out of memory");
		free(out);
		chain_free(c);
		return ST_INPUT;
	}
	for (;;) {
		struct blk *b = pipe_next(p);
		if (b->end) {
			rc = b->end < 0 ? ST_INPUT : ST_OK;
			break;
		}
		int n = b->n;
		if (!b->post)
			chain_process_post(c, b->L, b->R, n);
		int first = skip < n ? skip : n;
		skip -= first;
		for (int i = first; i < n; i++) {
			out[2 * (i - first)] = b->L[i];
			out[2 * (i - first) + 1] = b->R[i];
		}
		pipe_done(p);
		if (fades.in || fades.out)
			fade_apply(&fades, out, written, n - first);
		written += n - first;
		if (n > first && sink->write(sink, out, n - first) != 0) {
			rc = ST_OUTPUT;
			break;
		}
		done += n;
		if (o && o->cancel && atomic_load(o->cancel)) {
			rc = -1;
			break;
		}
		if (o && o->progress && total > 0) {
			double fr = (double)done / ((double)total + lat);
			if (fr - last_progress >= 0.005 || fr >= 1) {
				o->progress(o->ctx, fr > 1 ? 1 : fr);
				last_progress = fr;
			}
		}
	}
	pipe_close(p);
	/* The limiter's reading is its deepest gain since the last read (the
	 * reset): read once here, where the worker is done with the modules
	 * the same call reads. */
	if (max_gr) {
		struct chain_meters m;
		chain_read_meters(c, &m);
		*max_gr = m.limiter_gr_db;
	}
	chain_free(c);
	free(out);
	return rc;
}
