/* Offline render through the chain, and the loudness search for --target. */
#ifndef LATHE_RENDER_H
#define LATHE_RENDER_H
#include <stdatomic.h>
#include <stdint.h>
#include "dsp/params.h"

struct render_opts {
	int bits;                 /* 16, 24 (TPDF dithered) or 32 (float) */
	uint32_t dither_seed;     /* dither is deterministic for a given seed */
	/* Called now and then from the rendering thread with 0..1 of the
	 * whole job; it only ever increases. */
	void (*progress)(void *ctx, double fraction);
	/* Called as each phase of a loudness search begins, from the same
	 * thread: "measuring", "searching", "writing".  May be NULL. */
	void (*phase)(void *ctx, const char *name);
	void *ctx;
	atomic_int *cancel;       /* non-zero: stop, remove the temporary file */
	/* Delivery: the output rate (0: the input's), converted before the
	 * chain so the limiter's true-peak ceiling holds at the output rate;
	 * metadata "key=value" (tag_check'ed, see tags.h). */
	int rate;
	const char *const *tags;
	int ntags;
	/* Album sequencing: fades at the head and tail of the output, after
	 * the chain and before dither (fade.h), in seconds; 0: none.  Every
	 * pass applies them, so a loudness search measures the faded master. */
	double fade_in_s, fade_out_s;
	/* 1: the whole pass on the calling thread; 2: decoding and the
	 * modules before the clipper on a thread of their own
	 * (render_pipe.c); 0: 2 on a machine with more than one core.  The
	 * samples are the same either way. */
	int threads;
};

/* What a render measured on its output (only with a non-NULL result). */
struct render_result {
	int64_t frames;
	int rate;
};

/* Render IN through the chain set to v into OUT (format from OUT's
 * extension).  A regular OUT is written to a temporary file in the same
 * folder and renamed at the end; anything else (/dev/null, a pipe) is
 * written straight through.  Returns ST_OK, or ST_INPUT / ST_OUTPUT /
 * ST_USAGE with a one-line message in err; on failure nothing is left
 * under OUT's name that was not there before. */
int render_file(const char *in, const char *out, const double v[P_COUNT],
		const struct render_opts *o, struct render_result *res,
		char *err, int errlen);

/* Loudness of IN through the chain set to v, without writing anything:
 * integrated LUFS, and the largest limiter gain reduction (dB). */
int render_measure(const char *in, const double v[P_COUNT], double *lufs,
		   double *max_gr_db, const struct render_opts *o,
		   char *err, int errlen);

/* Find the limiter drive that puts IN's integrated loudness at target
 * (within 0.05 LU); v[P_LIMITER_DRIVE] is updated.  ST_USAGE with a
 * message when the target cannot be reached within the drive range. */
int render_find_drive(const char *in, double v[P_COUNT], double target,
		      double *lufs_out, double *max_gr_db,
		      const struct render_opts *o, char *err, int errlen);

/* render_find_drive then render_file, in one: the modules before the
 * limiter run once (their output kept in memory, or in a temporary file
 * for a long input, so memory stays bounded at any length) and each
 * loudness measurement and the write rerun only the limiter.  Same samples
 * as the two calls. */
int render_file_target(const char *in, const char *out, double v[P_COUNT],
		       double target, const struct render_opts *o,
		       double *lufs, double *max_gr_db, char *err, int errlen);

/* Output format from a file name: 0 when unknown. */
int render_format_for(const char *path, int bits);
#endif
