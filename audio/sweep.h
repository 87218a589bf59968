/* The drive sweep: a track through the current settings at limiter drives
 * from 0 dB up, measured at each step, and the drive past which more drive
 * stops paying (the rule is stated in the README, with its figures).
 *
 * One pass over the file: it is decoded and run through the modules
 * before the limiter once, a second at a time, and every step's own
 * limiter and what follows it (chain_process_post) run over that second
 * in lockstep, so a step's samples are those of `lathe render --set
 * limiter.drive=D`.  Memory is a few seconds of audio plus each step's
 * chain and meter, whatever the length: nothing of the track is kept. */
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

/* How far the sweep is, 0..1 of the track; called from one of the
 * sweep's threads (never two at once), about once per second of audio.
 * It may set the cancel flag; it must not call into the sweep. */
typedef void (*sweep_progress_fn)(void *ctx, double done);

struct sweep_opts {
	int rate;              /* the track converted to it first, as render --rate does; 0: its own */
	double max_db, step_db; /* steps 0, step, 2*step ... up to max_db (the drive's range permitting) */
	int jobs;              /* threads: 0, the cores (at most 16); the figures never depend on it */
	atomic_int *cancel;    /* may be NULL; set from any thread: sweep_run returns -1 soon after */
	sweep_progress_fn progress; /* may be NULL */
	void *ctx;
};

/* ST_OK; ST_INPUT for an unreadable or silent input (or out of memory),
 * -1 when cancelled; err then holds one line naming in.  Free out with
 * sweep_free (only after ST_OK). */
int sweep_run(const char *in, const double v[P_COUNT], const struct sweep_opts *o,
	      struct sweep *out, char *err, int errlen);
void sweep_free(struct sweep *s);

/* The index of the last step worth taking: walking up from 0 dB, the
 * last drive at which the step into it still bought at least
 * SWEEP_MIN_GAIN_LU_PER_DB of loudness per dB and the residual stays at
 * or under SWEEP_MAX_RESIDUAL_DB. */
int sweep_stop(const struct sweep_step *s, int n);
#endif
