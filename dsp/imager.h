#ifndef LATHE_IMAGER_H
#define LATHE_IMAGER_H
#include "params.h"

/* Stereo imager: width of the side signal, and bass mono below a
 * crossover.  Module shape: see chain.h. */
struct imager;
struct imager *imager_new(double rate);
void imager_free(struct imager *m);
void imager_reset(struct imager *m);
void imager_set(struct imager *m, const double p[P_COUNT]);
void imager_process(struct imager *m, float *L, float *R, int n);
#endif
