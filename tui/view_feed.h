/* What the analysis views (tui/view_*.c) read, shared by all of them and
 * free of curses: the engine's tap drained into the live spectrum
 * analyser and the stereo sums, the EQ curve of the current settings, and
 * per-position histories of the track (short-term and momentary loudness,
 * peak envelope) that fill as it plays.
 *
 * One feed per console (a singleton): each view's update calls
 * vfeed_update, which does the frame's work once, whichever view asks
 * first.  The tap runs only while a view that needs it is on screen. */
#ifndef LATHE_VIEW_FEED_H
#define LATHE_VIEW_FEED_H
#include "dsp/spectrum.h"
#include "dsp/stereo.h"
#include "tui/ui_lower.h"

#define VF_SLOTS 6000   /* track history: 0.1 s each up to 10 min, longer tracks coarser */

struct vfeed {
	double rate;
	struct spec_live *spec;       /* the bars: pre or post */
	struct spec_live *refspec;    /* the reference, as it plays along */
	double ref_sum[SPEC_MAX_BANDS]; /* its mean band power since load */
	long ref_n;
	int pre;                      /* 1: the bars show the chain's input */
	struct stereo_acc play;       /* post, since the track was loaded or seeked to 0 */
	double sl, sr, slr;           /* post, smoothed over STEREO_LIVE_S */
	double slo[3];                /* the same below 150 Hz */
	struct eqcurve *curve;
	double v[P_COUNT];            /* settings the curve was made for */
	int64_t next_pos;             /* tap position expected next */
	double now;                   /* the frame being served */
	int want, wanted;             /* the tap is wanted this frame, was last frame */
	int tap_on;
	uint64_t seq;                 /* bumps when the readings moved */
	/* Track histories, slot = position / slot_s. */
	char source[256];
	double dur, slot_s;
	float st[VF_SLOTS], mom[VF_SLOTS], peak[VF_SLOTS];
	double pos_s;
	int playing;
};

#define STEREO_LIVE_S 0.3

/* The console's feed, made on first use; NULL when out of memory. */
struct vfeed *vfeed_get(void);
/* The frame's work; need_tap: the calling view is shown and reads the tap. */
void vfeed_update(const struct lower_feed *f, int need_tap);
void vfeed_set_pre(int pre);
/* Live correlation (-1..1, NaN silent) and balance (dB, + right) of post. */
double vfeed_corr(const struct vfeed *v);
double vfeed_corr_low(const struct vfeed *v);
double vfeed_balance(const struct vfeed *v);
/* The reference's mean level in band i (dB), or NAN when none played. */
double vfeed_ref_db(const struct vfeed *v, int band);
double vfeed_curve_db(const struct vfeed *v, double f);
/* The whole track's short-term loudness over [t0, t1) s from the console's
 * background measurement (mo->master.series), NAN where it has none;
 * -INFINITY where silent. */
double vfeed_series_max(const struct ui_model *mo, double t0, double t1);
/* Largest value of a history over slots covering [t0, t1) s: NAN unplayed. */
double vfeed_hist_max(const struct vfeed *v, const float *h, double t0, double t1);
#endif
