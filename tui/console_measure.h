/* The master's figures: a track run through the chain with given settings,
 * as it would render, measured whole (integrated, LRA, true peak, PLR and
 * the short-term loudness over time).  The console runs this on a thread
 * of its own after each settled settings change.  Curses-free. */
#ifndef LATHE_CONSOLE_MEASURE_H
#define LATHE_CONSOLE_MEASURE_H
#include <stdatomic.h>
#include "dsp/params.h"

/* Short-term loudness (3 s window) every this many seconds of the track. */
#define MEASURE_SERIES_PERIOD 0.1

struct master_figures {
	double integrated;      /* LUFS; -INFINITY: silent */
	double lra;             /* LU */
	double true_peak;       /* dBTP, the larger of true and sample peak, as analyze */
	double plr;             /* true_peak - integrated */
	double max_gr;          /* largest limiter GR, dB */
	double duration_s;
	/* Short-term loudness at t = (i + 1) * MEASURE_SERIES_PERIOD, LUFS
	 * (-INFINITY where silent); malloc'd, nseries entries. */
	float *series;
	int nseries;
};

/* Run IN through a chain set to v and measure its output.  cancel (may be
 * NULL) stops it early: -1 then.  progress (may be NULL) gets 0..1000.
 * ST_OK, or ST_INPUT with a message. */
int measure_master(const char *in, const double v[P_COUNT], struct master_figures *f,
		   atomic_int *cancel, atomic_int *progress, char *err, int errlen);
void master_figures_free(struct master_figures *f);
#endif
