/* The chain's EQ curve: the magnitude of the sections the high-pass and
 * the EQ design for a set of parameters, evaluated, not simulated.  It
 * builds its own hpf and eq (the same _set code the chain runs, so the
 * same clamps and designs) and asks them for |H|; bypassed modules are
 * flat.  For the console's spectrum view; not for the audio thread. */
#ifndef LATHE_EQCURVE_H
#define LATHE_EQCURVE_H
#include "params.h"

struct eqcurve;
struct eqcurve *eqcurve_new(double rate);
void eqcurve_free(struct eqcurve *c);
/* Designs only when a value changed; 1 when it did. */
int eqcurve_set(struct eqcurve *c, const double p[P_COUNT]);
/* Gain at f in dB (hpf and eq together). */
double eqcurve_db(const struct eqcurve *c, double f);
#endif
