/* A model of the integrated loudness at the limiter's output as a function
 * of its settings (drive above all), made in one pass over the limiter's
 * input: what the --target search runs on instead of rerunning the
 * limiter over the whole file for every trial drive (render_target.c). */
#ifndef LATHE_RENDER_MODEL_H
#define LATHE_RENDER_MODEL_H
#include <stdint.h>

#include "fade.h"
#include "dsp/params.h"

struct rmodel;

/* For a limiter input at rate of about frames frames (a hint for the
 * memory to reserve: 10 bytes per 64 frames at 44.1 kHz).  NULL when out
 * of memory. */
struct rmodel *rmodel_new(int rate, int64_t frames);
void rmodel_free(struct rmodel *m);
/* Before the first rmodel_add: the ceiling the searches will use and the
 * loudness they aim at.  The model then keeps only the peaks that can
 * matter on the way there (about a tenth of the detector's work); without
 * it, every peak that could reach -30 dBTP at +24 dB of drive.
 * rmodel_cap_db says how far that holds: the model knows no peak that
 * would reach the ceiling only at a higher drive. */
void rmodel_focus(struct rmodel *m, double ceiling_db, double target_lufs);
double rmodel_cap_db(const struct rmodel *m);
/* The limiter's input (undriven), frame n lined up with output frame n.
 * 0, or -1 when out of memory. */
int rmodel_add(struct rmodel *m, const float *L, const float *R, int n);
/* After the last rmodel_add. */
void rmodel_end(struct rmodel *m);
/* Predicted integrated loudness (LUFS) of the output with the limiter,
 * output gain and fades of v and f (f may be NULL). */
double rmodel_lufs(const struct rmodel *m, const double v[P_COUNT], const struct fade *f);

/* From a file (render_target.c): the model of IN through the chain set to
 * v, up to the limiter (the modules before it, then the clipper, which the
 * drive does not move; o: --rate, fades, cancel, progress), focused on aim
 * LUFS (NAN: every drive); the fades of o go into *fade, for rmodel_lufs.
 * NULL with a message in err (ST_* in *status) on failure. */
struct render_opts;
struct rmodel *render_model_open(const char *in, const double v[P_COUNT], double aim,
				 const struct render_opts *o, struct fade *fade, int *status,
				 char *err, int errlen);
/* The model's loudness of IN at v in one call (NAN on failure). */
double render_model_lufs(const char *in, const double v[P_COUNT], const struct render_opts *o,
			 char *err, int errlen);
#endif
