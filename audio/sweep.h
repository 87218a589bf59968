/* The drive sweep: a track through the current settings at limiter drives
 * from 0 dB up, measured at each step, and the drive past which more drive
 * stops paying (the rule is stated in the README, with its figures).
 *
 * The modules before the limiter run once over the whole track, into
 * memory; every step reruns only the limiter and what follows it
 * (chain_process_post), as render --target does, so a step's figures are
 * those of `lathe render --set limiter.drive=D` to the sample. */
#ifndef LATHE_SWEEP_H
#define LATHE_SWEEP_H
#include <stdatomic.h>

#include "dsp/params.h"

struct sweep_step {
	double drive_db;
	double integrated_lufs, true_peak_dbtp, plr_db, lra_lu;
	double gr_mean_db;   /* limiter gain reduction, mean over 10 ms blocks of the deepest in each */
	double residual_db;  /* power of output - a*input (a: least squares), dB below the output */
};

struct sweep {
	struct sweep_step *steps;
	int n;
	int stop;              /* index of the step sweep_stop chose */
	double stop_drive_db;
	double seconds;        /* of the track */
	int rate;
};

/* The stop rule's thresholds (README, "Where more limiting stops paying"). */
#define SWEEP_MIN_GAIN_LU_PER_DB 0.5
#define SWEEP_MAX_RESIDUAL_DB (-12.0)

/* Steps 0, step, 2*step ... up to max_db (drive range permitting), on
 * threads (up to jobs, 0: cores).  rate: the track converted to it first,
 * as render --rate does (0: the file's own rate).  ST_OK; ST_INPUT for an unreadable or
 * silent input, -1 when cancel was set.  Free with sweep_free. */
int sweep_run(const char *in, const double v[P_COUNT], int rate, double max_db, double step_db,
	      int jobs, atomic_int *cancel, struct sweep *out, char *err, int errlen);
void sweep_free(struct sweep *s);

/* The index of the last step worth taking: walking up from 0 dB, the
 * last drive at which the step into it still bought at least
 * SWEEP_MIN_GAIN_LU_PER_DB of loudness per dB and the residual stays at
 * or under SWEEP_MAX_RESIDUAL_DB. */
int sweep_stop(const struct sweep_step *s, int n);
#endif
