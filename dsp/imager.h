#ifndef LATHE_IMAGER_H
#define LATHE_IMAGER_H
#include "params.h"

/* Module shape shared by every dsp/ module: all allocation in _new, no
 * allocation, locks or I/O in _set or _process.  _set reads only this
 * module's entries of the full parameter array and recomputes coefficients
 * only when a value changed.  _process works in place and is partition
 * independent: the same samples come out whatever the block sizes. */
struct imager;
struct imager *imager_new(double rate);
void imager_free(struct imager *m);
void imager_reset(struct imager *m);
void imager_set(struct imager *m, const double p[P_COUNT]);
void imager_process(struct imager *m, float *L, float *R, int n);
#endif
