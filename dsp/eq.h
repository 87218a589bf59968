#ifndef LATHE_EQ_H
#define LATHE_EQ_H
#include "params.h"

/* Five-band EQ: low shelf, three bells, high shelf, each stereo, mid or
 * side, each optionally dynamic.  Module shape: see chain.h. */
struct eq;
struct eq *eq_new(double rate);
void eq_free(struct eq *m);
void eq_reset(struct eq *m);
void eq_set(struct eq *m, const double p[P_COUNT]);
void eq_process(struct eq *m, float *L, float *R, int n);
/* |H|^2 at f of the sections designed by the last eq_set (read-only: the
 * console draws the EQ curve from an eq of its own, dsp/eqcurve.c). */
double eq_mag2(const struct eq *m, double f);
/* Live mode (off by default, and for renders): eq_set designs in closed
 * form and leaves the fit to eq_design_pending, run by another thread;
 * eq_process takes the fits in as they come.  Set before processing
 * starts.  eq_design_pending fits what eq_set asked for since the last
 * call and returns how many it made (0: nothing to do). */
void eq_set_async(struct eq *m, int on);
/* A dynamic band's gain offset now (dB, <= 0 for a cut), for meters. */
float eq_dyn_offset_db(const struct eq *m, int band);
int eq_design_pending(struct eq *m);
#endif
