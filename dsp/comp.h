#ifndef LATHE_COMP_H
#define LATHE_COMP_H
#include "params.h"

/* Bus compressor: RMS detector, soft knee, sidechain high-pass, makeup
 * and dry/wet mix.  Module shape: see chain.h. */
struct comp;
struct comp *comp_new(double rate);
void comp_free(struct comp *m);
void comp_reset(struct comp *m);
void comp_set(struct comp *m, const double p[P_COUNT]);
void comp_process(struct comp *m, float *L, float *R, int n);
/* nm compressors, each on its own L[k], R[k], all n frames: the samples
 * of comp_process on each (the multiband's bands). */
void comp_process_bands(struct comp *const *m, float *const *L, float *const *R, int nm, int n);
/* Largest gain reduction (dB, >= 0) since the last read; resets the hold. */
float comp_read_gr(struct comp *m);
/* Static curve: output level for an input level (dB), without makeup. */
double comp_curve_db(double in_db, double threshold, double ratio, double knee);
#endif
