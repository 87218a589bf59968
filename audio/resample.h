/* Streaming sample-rate conversion through libsoxr at its very high
 * quality (SOXR_VHQ: 28-bit precision, linear phase).  Used for the
 * reference track (a CD-rate reference against a 48 or 96 kHz mix) and for
 * `render --rate`.  Measured (tests/unit/test_resample.c): the pass band is
 * flat within 0.01 dB to 20 kHz (to 0.9 of the lower Nyquist frequency
 * when that is lower), and images and aliases are more than 140 dB down.
 *
 * Streaming: memory is a few hundred kB whatever the length.  The output
 * is aligned with the input (an impulse at input time t comes out at t)
 * and, once resampler_run has been given the end, exactly
 * resample_frames(total input, from, to) frames long.  Deterministic: the
 * same input gives the same output bit for bit, however it is cut into
 * calls.  One resampler is used from one thread at a time. */
#ifndef LATHE_RESAMPLE_H
#define LATHE_RESAMPLE_H
#include <stddef.h>
#include <stdint.h>

/* Length of the converted signal: ceil(frames * to / from). */
int64_t resample_frames(int64_t frames, int from, int to);

struct resampler;
/* channels 1 or 2, interleaved float; rates 1 Hz .. 1 MHz.  NULL, with a
 * one-line message in err, when soxr refuses or memory is short. */
struct resampler *resampler_new(int from, int to, int channels, char *err, int errlen);
void resampler_free(struct resampler *r);

/* Room the output needs for a call given in_frames frames of input. */
size_t resampler_room(const struct resampler *r, size_t in_frames);
/* Takes all in_frames frames of in and writes the output that is ready
 * into out (room for resampler_room(r, in_frames) frames).  in == NULL
 * marks the end of the input: what the filter still holds comes out, one
 * call at a time (room for resampler_room(r, 0) frames each), until a
 * call returns 0.  Returns frames written, or -1 (message in
 * resampler_error). */
long resampler_run(struct resampler *r, const float *in, size_t in_frames, float *out);
/* Forget the signal so far (before a seek); same rates.  0, or -1 when
 * out of memory (message in resampler_error; the old state is kept). */
int resampler_reset(struct resampler *r);
/* Frames of output the filter takes to settle after a reset: what a seek
 * must convert and drop before the output equals an uncut run. */
int resampler_settle(const struct resampler *r);
const char *resampler_error(const struct resampler *r);
#endif
