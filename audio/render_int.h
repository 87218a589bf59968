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

/* Where audio comes from: a file (through the whole chain), or the output
 * of the modules before the limiter kept by the search (through the
 * limiter only), in memory (cL, cR) or in a temporary file (fd >= 0, of
 * interleaved stereo float frames). */
struct feed {
	struct source *src;
	const float *cL, *cR;
	int fd;
	int64_t pos, frames;
	float *buf;
	char *err;
	int errlen;
};

/* n frames from frame pos of a cache file into buf (interleaved); frames
 * read, or -1 with errno. */
int64_t cache_file_read(int fd, float *buf, int64_t pos, int64_t n);

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
/* A feed rendered into OUT through a temporary file renamed at the end. */
int render_write(struct feed *f, int rate, const char *in, const char *out,
		 const double v[P_COUNT], const struct render_opts *o,
		 char *err, int errlen);
/* Integrated loudness of a feed through the chain. */
int render_measure_feed(struct feed *f, int rate, const double v[P_COUNT], double *lufs,
			double *max_gr_db, const struct render_opts *o, char *err, int errlen);
#endif
