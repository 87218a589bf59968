#ifndef LATHE_TRUEPEAK_H
#define LATHE_TRUEPEAK_H

/* Oversampled (BS.1770-style) peak detector for one channel. */
struct tpdet;
struct tpdet *tpdet_new(void);
void tpdet_free(struct tpdet *t);
void tpdet_reset(struct tpdet *t);
/* Push one sample; returns the largest |x| of the reconstructed waveform
 * around a sample tpdet_latency() samples in the past. */
float tpdet_push(struct tpdet *t, float x);
/* Push n samples; returns the larger of peak and every value tpdet_push
 * would have returned for them. */
float tpdet_run(struct tpdet *t, const float *x, int n, float peak);
int tpdet_latency(void);
#endif
