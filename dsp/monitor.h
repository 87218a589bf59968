/* Listening aids after the chain: the level-matched A/B against the dry
 * signal and the monitor modes.  Never part of a render.  With A/B off and
 * the stereo monitor, the master passes through bit for bit. */
#ifndef LATHE_MONITOR_H
#define LATHE_MONITOR_H

/* Listening aids; never rendered. */
enum monitor {
	MON_STEREO, MON_MONO, MON_SIDE, MON_LEFT, MON_RIGHT,
	MON_SMALL,    /* small-speaker emulation: band-limited mono */
	MON_PLATFORM, /* as a streaming service plays it after normalisation */
	MON_COUNT
};
extern const char *const monitor_names[MON_COUNT];

struct monitor_stage;
struct monitor_stage *monitor_new(double rate); /* NULL when out of memory */
void monitor_free(struct monitor_stage *m);
/* Filters cleared, fades finished. */
void monitor_reset(struct monitor_stage *m);
void monitor_set_mode(struct monitor_stage *m, enum monitor mode);
void monitor_set_ab(struct monitor_stage *m, int dry);
/* Gain for the dry signal (A/B) and the platform's normalisation gain;
 * both glide, so they can be updated at every meter frame. */
void monitor_set_ab_gain_db(struct monitor_stage *m, float db);
void monitor_set_platform_gain_db(struct monitor_stage *m, float db);
/* wet: the master; dry: the input, aligned with it.  out: interleaved. */
void monitor_process(struct monitor_stage *m, const float *wetL, const float *wetR,
		     const float *dryL, const float *dryR, float *out, int n);
#endif
