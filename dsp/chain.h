/* The mastering chain: input, hpf, eq, comp, mbcomp, imager, clip, limiter,
 * output.
 * The live thread and the offline render call exactly this, so what is
 * heard is what is rendered.  Not thread-safe: one thread owns a chain. */
#ifndef LATHE_CHAIN_H
#define LATHE_CHAIN_H
#include "params.h"

/* The shape of every module of the chain (hpf, eq, comp, mbcomp, imager,
 * clip, limiter), described here once: NAME_new(rate) does all the
 * allocation (NULL when out of memory), then NAME_set, NAME_process,
 * NAME_reset, NAME_free.  No allocation, locks or I/O in _set or
 * _process.  _set reads only its module's entries of the full parameter
 * array and recomputes coefficients only when a value changed.  _process
 * works in place and is partition independent: the same samples come
 * out whatever the block sizes. */

/* Parameter updates are applied on absolute frame positions that are
 * multiples of this, which is what makes the output independent of the
 * caller's block size. */
#define CHAIN_SUBBLOCK 32

struct chain_meters {
	float peak[2];      /* linear sample peak of the output since the last read */
	float true_peak[2]; /* linear, oversampled detection */
	float comp_gr_db;   /* largest gain reduction since the last read, >= 0 */
	float mbcomp_gr_db[MB_BANDS]; /* the same per band: low, mid, high */
	float eq_dyn_db[EQ_BANDS];    /* each dynamic EQ band's gain offset now, dB */
	float limiter_gr_db;
};

struct chain;
struct chain *chain_new(double rate);       /* NULL when out of memory */
void chain_free(struct chain *c);
/* Clear every filter, delay and envelope; current values jump to targets. */
void chain_reset(struct chain *c);
/* Set a target value (clamped); the chain glides to it without clicks. */
void chain_set(struct chain *c, int id, double v);
void chain_set_all(struct chain *c, const double v[P_COUNT]);
double chain_get(const struct chain *c, int id);
/* Current values jump to the targets: for the start of a render. */
void chain_jump(struct chain *c);
/* In place, any n >= 0.  Non-finite input samples are treated as silence. */
void chain_process(struct chain *c, float *L, float *R, int n);
/* For renders with settings at rest (chain_reset or chain_jump after the
 * last chain_set): the modules before the clipper, and the clipper and
 * limiter with what follows.  pre over a stretch, then post over it, gives exactly the
 * samples of chain_process; a loudness search reruns only post. */
void chain_process_pre(struct chain *c, float *L, float *R, int n);
void chain_process_post(struct chain *c, float *L, float *R, int n);
/* post in its two halves, clip then limit, for a sweep: the clipper does
 * not depend on the limiter's drive, so one clipper can feed every drive's
 * limiter. */
void chain_process_clip(struct chain *c, float *L, float *R, int n);
void chain_process_limit(struct chain *c, float *L, float *R, int n);
/* Listening aid: hear only multiband band 0 (low), 1 (mid) or 2 (high),
 * or all (-1).  Not a parameter: never saved, never rendered. */
void chain_set_mbcomp_solo(struct chain *c, int band);
/* For live playback, before the audio thread first runs the chain: the
 * EQ's fitted designs move to a thread of their own, so a glide costs the
 * audio thread a bounded closed-form design per step (see eq.c).  The
 * targets set so far are fitted before it returns.
 * Output then depends on that thread's timing while values move; renders
 * never call this.  Returns -1 (and the chain stays synchronous) when no
 * thread could be started. */
int chain_start_designer(struct chain *c);
/* Frames by which the output lags the input (the clipper's filters and the
 * limiter's lookahead), whatever the settings. */
int chain_latency(const struct chain *c);
/* Output peak / true-peak metering costs time, so renders leave it off. */
void chain_enable_meters(struct chain *c, int on);
void chain_read_meters(struct chain *c, struct chain_meters *m);
#endif
