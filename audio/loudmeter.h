/* Loudness of the master and of the dry signal, measured continuously in
 * the audio thread (lathe's own K filter and fixed histograms: nothing
 * allocated after loudmeter_new), and the gain that makes the dry signal
 * as loud as the master for a level-matched A/B. */
#ifndef LATHE_LOUDMETER_H
#define LATHE_LOUDMETER_H
#include <stddef.h>

struct loud_readings {
	float momentary, short_term, integrated, lra; /* of the master; -inf when silent */
	float ab_offset_db; /* gain for the dry signal to match the master */
	/* BS.1770 integrated loudness of the master since loudmeter_mark
	 * (gated -70 LUFS absolute, -10 LU relative; -inf before the first
	 * block above the gate), and the seconds of audio it covers.  The
	 * reference match uses it: unlike `integrated`, it forgets the
	 * settings before the last change. */
	float since_mark;
	float since_mark_s;
};

struct loudmeter;
/* NULL when out of memory. */
struct loudmeter *loudmeter_new(unsigned rate);
void loudmeter_free(struct loudmeter *l);
/* Interleaved stereo; dry may be NULL (no A/B matching then). */
void loudmeter_add(struct loudmeter *l, const float *wet, const float *dry, size_t n);
/* Start the since-mark measurement afresh (audio thread; no allocation). */
void loudmeter_mark(struct loudmeter *l);
/* Read the meters; call every few tens of ms, dt seconds apart. */
void loudmeter_read(struct loudmeter *l, double dt, struct loud_readings *r);
#endif
