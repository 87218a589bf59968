/* Streaming conversion through libsoxr (see resample.h).
 *
 * soxr_process takes as much input as the output room given allows, and
 * keeps what it cannot hand out yet in its own FIFO; so a call gets room
 * for all its input's output and takes the whole input, and the end is
 * drained in fixed steps.  soxr's output is already aligned with the input
 * (it drops its filter's delay itself); the length is made exact here: at
 * the end its last frames are cut or the missing ones (the filter's tail
 * rounds either way by a frame or two) padded with silence. */
#include "resample.h"

#include <soxr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRAIN_FRAMES 4096

struct resampler {
	soxr_t sx;
	int from, to, channels;
	int64_t in_total, out_total;
	int ended;   /* soxr has nothing more: the padding is next */
	int settle;
	char err[160];
};

int64_t resample_frames(int64_t frames, int from, int to)
{
	return (frames * to + from - 1) / from;
}

static soxr_t make(int from, int to, int channels, soxr_error_t *e)
{
	soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
	/* Linear phase, the 0.01 dB roll-off; its transition band ends at
	 * the lower Nyquist frequency, so nothing above it folds back. */
	soxr_quality_spec_t q = soxr_quality_spec(SOXR_VHQ, SOXR_ROLLOFF_SMALL);
	/* One thread: the output must not depend on OpenMP's scheduling,
	 * and the callers already run beside the audio thread. */
	soxr_runtime_spec_t rt = soxr_runtime_spec(1);

	return soxr_create(from, to, (unsigned)channels, e, &io, &q, &rt);
}

struct resampler *resampler_new(int from, int to, int channels, char *err, int errlen)
{
	struct resampler *r;
	soxr_error_t e = NULL;

	if (from < 1 || to < 1 || from > 1000000 || to > 1000000 || channels < 1 || channels > 2) {
		snprintf(err, (size_t)errlen, "cannot convert %d Hz to %d Hz (%d channels)", from, to, channels);
		return NULL;
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, (size_t)errlen, "out of memory");
		return NULL;
	}
	r->sx = make(from, to, channels, &e);
	if (!r->sx || e) {
		snprintf(err, (size_t)errlen, "soxr: %s", e ? e : "out of memory");
		soxr_delete(r->sx);
		free(r);
		return NULL;
	}
	r->from = from;
	r->to = to;
	r->channels = channels;
	/* The filter's delay, in output frames, twice over and a margin:
	 * after that much the history a reset lost no longer reaches the
	 * output. */
	r->settle = 2 * (int)(soxr_delay(r->sx) + 0.5) + 64;
	if (r->settle < 2 * DRAIN_FRAMES)
		r->settle = 2 * DRAIN_FRAMES;
	return r;
}

void resampler_free(struct resampler *r)
{
	if (!r)
		return;
	soxr_delete(r->sx);
	free(r);
}

size_t resampler_room(const struct resampler *r, size_t in_frames)
{
	size_t n = (size_t)resample_frames((int64_t)in_frames, r->from, r->to) + 2;

	return n > DRAIN_FRAMES ? n : DRAIN_FRAMES;
}

static long fail(struct resampler *r, soxr_error_t e)
{
	snprintf(r->err, sizeof r->err, "soxr: %s", e);
	return -1;
}

/* The end: soxr's remaining output, cut to the exact length, then zeros
 * up to it. */
static long drain(struct resampler *r, float *out)
{
	int64_t want = resample_frames(r->in_total, r->from, r->to) - r->out_total;
	size_t odone = 0;

	if (want <= 0)
		return 0;
	if (want > DRAIN_FRAMES)
		want = DRAIN_FRAMES;
	if (!r->ended) {
		soxr_error_t e = soxr_process(r->sx, NULL, 0, NULL, out, (size_t)want, &odone);
		if (e)
			return fail(r, e);
		if (odone == 0)
			r->ended = 1;
	}
	if (r->ended) {
		memset(out, 0, (size_t)want * (size_t)r->channels * sizeof *out);
		odone = (size_t)want;
	}
	r->out_total += (int64_t)odone;
	return (long)odone;
}

long resampler_run(struct resampler *r, const float *in, size_t in_frames, float *out)
{
	size_t idone = 0, odone = 0;
	soxr_error_t e;

	if (!in)
		return drain(r, out);
	if (in_frames == 0)
		return 0;
	e = soxr_process(r->sx, in, in_frames, &idone, out, resampler_room(r, in_frames), &odone);
	if (e)
		return fail(r, e);
	if (idone != in_frames)
		return fail(r, "took less input than it was given");
	r->in_total += (int64_t)in_frames;
	r->out_total += (int64_t)odone;
	return (long)odone;
}

/* A new soxr rather than soxr_clear: 0.1.3's clear also forgets the
 * ratio, and the next process call then dereferences freed stages. */
int resampler_reset(struct resampler *r)
{
	soxr_error_t e = NULL;
	soxr_t sx = make(r->from, r->to, r->channels, &e);

	r->in_total = r->out_total = 0;
	r->ended = 0;
	if (!sx || e) {
		soxr_delete(sx);
		snprintf(r->err, sizeof r->err, "soxr: %s", e ? e : "out of memory");
		return -1;
	}
	soxr_delete(r->sx);
	r->sx = sx;
	return 0;
}

int resampler_settle(const struct resampler *r)
{
	return r->settle;
}

const char *resampler_error(const struct resampler *r)
{
	return r->err;
}
