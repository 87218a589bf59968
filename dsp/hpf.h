#ifndef LATHE_HPF_H
#define LATHE_HPF_H
#include "params.h"

/* High-pass filter, 12 or 24 dB/oct, the slope switched by a crossfade.
 * Module shape: see chain.h. */
struct hpf;
struct hpf *hpf_new(double rate);
void hpf_free(struct hpf *m);
void hpf_reset(struct hpf *m);
void hpf_set(struct hpf *m, const double p[P_COUNT]);
void hpf_process(struct hpf *m, float *L, float *R, int n);
/* |H|^2 at f of the cascade of the target slope, as last designed
 * (read-only, for the console's EQ curve). */
double hpf_mag2(const struct hpf *m, double f);
#endif
