#ifndef LATHE_MBCOMP_H
#define LATHE_MBCOMP_H
#include "params.h"

/* Three-band compressor: Linkwitz-Riley crossovers at xover_low and
 * xover_high, the bus compressor (comp.c) on each band with the band's
 * threshold, ratio, attack, release and makeup (6 dB knee, no sidechain
 * filter: the band is its own, 100 % mix).  Module shape as every dsp/
 * module (see chain.h). */
struct mbcomp;
struct mbcomp *mbcomp_new(double rate);
void mbcomp_free(struct mbcomp *m);
void mbcomp_reset(struct mbcomp *m);
void mbcomp_set(struct mbcomp *m, const double p[P_COUNT]);
void mbcomp_process(struct mbcomp *m, float *L, float *R, int n);
/* Listening aid: only band 0..2 is heard (its compressed signal), or all
 * (-1).  Not a parameter, so presets never hold it and renders never hear
 * it. */
void mbcomp_set_solo(struct mbcomp *m, int band);
/* Largest gain reduction of each band (dB, >= 0) since the last read. */
void mbcomp_read_gr(struct mbcomp *m, float gr[MB_BANDS]);
/* Knee of every band's curve (dB): comp_curve_db(in, thr, ratio, this). */
#define MBCOMP_KNEE_DB 6.0
#endif
