#ifndef LATHE_LIMITER_H
#define LATHE_LIMITER_H
#include "params.h"

/* Lookahead true-peak limiter.  Module shape: see chain.h; its bypass
 * is handled inside (a crossfade to the delayed dry signal) because its
 * latency must not change when it is bypassed. */
struct limiter;
struct limiter *limiter_new(double rate);
void limiter_free(struct limiter *m);
void limiter_reset(struct limiter *m);
void limiter_set(struct limiter *m, const double p[P_COUNT]);
void limiter_process(struct limiter *m, float *L, float *R, int n);
/* Constant for a given rate: independent of every parameter. */
int limiter_latency(const struct limiter *m);
/* Largest gain reduction (dB, >= 0) since the last read; resets the hold. */
float limiter_read_gr(struct limiter *m);
#endif
