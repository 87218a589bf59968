#ifndef LATHE_HPF_H
#define LATHE_HPF_H
#include "params.h"

/* Module shape shared by every dsp/ module: all allocation in _new, no
 * allocation, locks or I/O in _set or _process.  _set reads only this
 * module's entries of the full parameter array and recomputes coefficients
 * only when a value changed.  _process works in place and is partition
 * independent: the same samples come out whatever the block sizes. */
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
