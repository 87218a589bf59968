/* Fades of an album's track: in at its head, out at its tail, applied to
 * the master after the whole chain (so they never raise a true peak) and
 * before dither.
 *
 * The shape is equal power, a quarter sine: gain sin(pi/2 * x) with x
 * going 0 -> 1 over a fade-in and 1 -> 0 over a fade-out, -3 dB half way.
 * Against a linear ramp (-6 dB half way) it keeps the music's body
 * through most of the fade and lets it go at the end, which is how a
 * fade-out is heard as the end of a song rather than a level dropping;
 * the first sample of a fade-in and the last of a fade-out are 0. */
#ifndef LATHE_FADE_H
#define LATHE_FADE_H
#include <stdint.h>

#define FADE_MAX_S 600.0

struct fade {
	int64_t total;    /* frames of the output */
	int64_t in, out;  /* frames of each fade (0: none) */
};

/* Fades of in_s and out_s seconds over an output of total frames (each
 * shortened to the output's length). */
void fade_init(struct fade *f, int rate, int64_t total, double in_s, double out_s);

/* The gain at output frame pos. */
double fade_gain(const struct fade *f, int64_t pos);

/* Applies the fades to n interleaved stereo frames starting at output
 * frame pos. */
void fade_apply(const struct fade *f, float *stereo, int64_t pos, int n);
#endif
