/* The limiter's detector (used by dsp/limiter.c only): for each interval
 * between two input samples, the driven true peak that the gain computer
 * must hold under its threshold.  Split from the gain computer because it
 * is a model of meters (ours and libebur128's), tested on its own terms. */
#ifndef LATHE_LIMDETECT_H
#define LATHE_LIMDETECT_H

#include "oversample.h"

/* Frames per detection block: the interpolator runs over a block at a
 * time, vectorised along time (each value is still the same fixed-order
 * sum whatever the block, so partitions never change a sample). */
#define LIMDET_CH 64
/* Half-sample points computed before a block's first interval. */
#define LIMDET_UPRE 5

struct limdet {
	struct os_coefs oc;
	float kd2, kd1, kd0; /* bound from differences (limdet_init) */
	/* The fine estimate's scale (OS_LOW_8X, or more where meters
	 * disagree more: limdet_set_rate). */
	float low8;
	/* Block scratch, per channel: half-sample points, the 1/4 points
	 * (from the interval before the block's first to the one after its
	 * last: the refinement reads the 4x points either side), the 3/4
	 * points, grid peak plus near-Nyquist share, the meters' model. */
	float u[2][LIMDET_CH + LIMDET_UPRE], p2[2][LIMDET_CH + 2], p4[2][LIMDET_CH + 1];
	float q[2][LIMDET_CH], e[2][LIMDET_CH], r[2][LIMDET_CH];
};

void limdet_init(struct limdet *d);
/* At 96 kHz and above libebur128 interpolates 2x, not 4x, with a filter
 * the meters' model does not follow, and reads clipped noise up to
 * 0.01 dB above its true peak: the fine estimate keeps OS_LOW there.
 * thr_4 is thr / (OS_SEC4 * OS_LOW) at any rate. */
void limdet_set_rate(struct limdet *d, double rate);
/* One block of nc <= LIMDET_CH intervals m = n0 - OS_DELAY + t.  XL, XR
 * hold each channel's x from time n0 - OS_H1 - 4 up to n0 + nc - 1
 * (contiguous), dv the drive of each interval's first sample.  p[t] gets
 * the peak of interval t times its drive when it can pass thr_4 (the
 * threshold on the 4x grid's scale), else 0. */
void limdet_block(struct limdet *d, const float *XL, const float *XR,
                  const float *dv, int nc, float thr_4, float *p);
#endif
