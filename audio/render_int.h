/* Inside the offline render (render.c: feeds, sinks, the pass through the
 * chain; render_target.c: the loudness search), not part of its API. */
#ifndef LATHE_RENDER_INT_H
#define LATHE_RENDER_INT_H
#include <stdint.h>

#include "render.h"

#define BLOCK 4096 /* frames per step through the chain */

struct source;

/* Where processed audio goes: a file, or a loudness meter. */
struct sink {
	int (*write)(struct sink *k, const float *stereo, int n);
};

/* Where audio comes from: a file, read through the whole chain. */
struct pcache;
struct feed {
	struct source *src;
	float *buf;
	char *err;
	int errlen;
	/* When set, the blocks of an earlier pass through the modules
	 * before the clipper (render_cache.h), read instead of src. */
	struct pcache *cache;
	/* When set, every block made (the latency's silence included) is
	 * put here, by whichever thread makes it. */
	struct pcache *keep;
};

/* A feed read and run through the modules before the clipper
 * (chain_process_pre) in blocks of BLOCK frames, on a thread of its own
 * unless o says otherwise (render_pipe.c), then tail frames of silence.
 * pipe_next gives the next block (waiting for it), pipe_done hands it
 * back; the caller runs the rest of the chain on its own thread.  The
 * blocks are the same whatever the thread. */
struct blk {
	float L[BLOCK], R[BLOCK];
	int n;    /* frames in the block */
	int end;  /* 1: no more audio; -1: the read failed (message at close) */
	int post; /* the rest of the chain has run on it too (a cached feed) */
};
struct pipe;
struct chain;
/* Whether a render may use more than its caller's thread (LATHE_THREADS=1
 * or o->threads == 1 say no; one core says no). */
int render_threads(const struct render_opts *o);
/* NULL when out of memory; f->err and f->errlen: where a read error goes. */
struct pipe *pipe_open(struct feed *f, struct chain *c, int tail, const struct render_opts *o);
struct blk *pipe_next(struct pipe *p);
void pipe_done(struct pipe *p);
/* Stops the worker; -1 when a read failed (the message now in f->err). */
int pipe_close(struct pipe *p);

/* A feed through a fresh chain into a sink, latency compensated; ST_OK,
 * ST_INPUT, ST_OUTPUT or -1 (cancelled). */
int render_run(struct feed *f, int rate, const double v[P_COUNT], struct sink *sink,
	       const struct render_opts *o, double *max_gr, char *err, int errlen);
/* source_open, converted to o->rate when that is another rate (--rate:
 * the chain runs at the output rate, so its true-peak ceiling holds
 * there). */
int render_open_input(struct source **src, const char *in, const struct render_opts *o,
		      char *err, int errlen);
/* The checks a render can fail before it reads any audio. */
int render_check_output(const char *in, const char *out, int bits, int *format,
			char *err, int errlen);
/* A loudness search's render (render_target.c): it measures what it
 * writes, and keeps it only when it lands within tol of target. */
struct render_check {
	double target, tol;
	double lufs, max_gr_db; /* measured */
};
#define RENDER_MISSED (-3)
/* A feed rendered into OUT through a temporary file renamed at the end.
 * With chk: RENDER_MISSED (nothing written) when the output's loudness
 * is not within chk->tol of chk->target. */
int render_write(struct feed *f, int rate, const char *in, const char *out,
		 const double v[P_COUNT], const struct render_opts *o,
		 struct render_check *chk, char *err, int errlen);
/* Integrated loudness of a feed through the chain. */
int render_measure_feed(struct feed *f, int rate, const double v[P_COUNT], double *lufs,
			double *max_gr_db, const struct render_opts *o, char *err, int errlen);
#endif
