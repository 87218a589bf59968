#ifndef LATHE_CLIP_H
#define LATHE_CLIP_H
#include "params.h"

/* Oversampled soft clipper, before the limiter (SPEC.md `clip`): shaves
 * the peaks the limiter would otherwise duck the whole mix for.  Runs at
 * 8x so its harmonics above the audio band are filtered out instead of
 * folding back into it.  Like the limiter it handles its own bypass (a
 * crossfade to its delayed input), so its latency never changes.  Module
 * shape: see chain.h. */
struct clip;
struct clip *clip_new(double rate);
void clip_free(struct clip *m);
void clip_reset(struct clip *m);
void clip_set(struct clip *m, const double p[P_COUNT]);
void clip_process(struct clip *m, float *L, float *R, int n);
/* Constant: independent of every parameter and of the bypass. */
int clip_latency(const struct clip *m);
#endif
