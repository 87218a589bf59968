/* Sample-rate conversion of a whole stereo buffer, for the reference
 * track (a CD-rate reference against a 48 or 96 kHz mix is the usual
 * case).  It is for listening, never for a render: the pass band is flat
 * within 0.01 dB to 0.9 of the lower Nyquist frequency, and aliases and
 * images are at least 60 dB down. */
#ifndef LATHE_RESAMPLE_H
#define LATHE_RESAMPLE_H
#include <stdint.h>

/* Length of the converted signal: ceil(frames * to / from). */
int64_t resample_frames(int64_t frames, int from, int to);
/* in: interleaved stereo, frames long, at rate from; out: room for
 * resample_frames(frames, from, to) frames at rate to.  0, or -1 when out
 * of memory. */
int resample_stereo(const float *in, int64_t frames, int from, float *out, int to);
#endif
