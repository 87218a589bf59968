/* Sources: audio files through libsndfile, or a buffer in memory.  Both
 * hand out interleaved stereo float; mono files play as dual mono. */
#include "source.h"
#include "resample.h"

#include <errno.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "status.h"

#define MIN_RATE 22050
#define MAX_RATE 192000
#define MONO_CHUNK 4096

struct source {
	SNDFILE *sf;         /* NULL for memory sources */
	float *mem;          /* interleaved stereo, memory sources */
	float *mono;         /* scratch for dual-mono expansion */
	int64_t frames, pos;
	int rate, channels;
	char name[256];
	char err[ERRLEN];
};

static int fail(char *err, int errlen, const char *path, const char *what)
{
	size_t n = strlen(path);
	/* A path as long as the message would push out what is wrong with it:
	 * keep its end, which names the file. */
	if (n > 200)
		snprintf(err, (size_t)errlen, "...%s: %s", path + n - 200, what);
	else
		snprintf(err, (size_t)errlen, "%s: %s", path, what);
	return ST_INPUT;
}

int source_open(struct source **out, const char *path, char *err, int errlen)
{
	struct stat st;
	SF_INFO info = { 0 };
	SNDFILE *sf;
	struct source *s;
	char why[300];

	*out = NULL;
	if (stat(path, &st) != 0)
		return fail(err, errlen, path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return fail(err, errlen, path, "is a directory, not an audio file");
	/* A FIFO with no writer would block sf_open for ever, and a pipe or
	 * a device cannot seek, which playback and two-pass renders need. */
	if (!S_ISREG(st.st_mode))
		return fail(err, errlen, path, "is not a regular file (a pipe or a device)");
	sf = sf_open(path, SFM_READ, &info);
	if (!sf) {
		/* libsndfile reports a missing permission as a format error. */
		FILE *f = fopen(path, "rb");
		if (!f)
			return fail(err, errlen, path, strerror(errno));
		fclose(f);
		snprintf(why, sizeof why, "not a readable audio file (%s)", sf_strerror(NULL));
		return fail(err, errlen, path, why);
	}
	if (info.channels < 1 || info.channels > 2) {
		sf_close(sf);
		snprintf(why, sizeof why, "has %d channels; lathe masters mono or stereo files", info.channels);
		return fail(err, errlen, path, why);
	}
	if (info.samplerate < MIN_RATE || info.samplerate > MAX_RATE) {
		sf_close(sf);
		snprintf(why, sizeof why, "sample rate %d Hz is outside %d to %d Hz",
			 info.samplerate, MIN_RATE, MAX_RATE);
		return fail(err, errlen, path, why);
	}
	/* Shorter than 10 ms is not a mix: refuse rather than master a click. */
	if (info.frames < info.samplerate / 100) {
		sf_close(sf);
		snprintf(why, sizeof why, "holds only %lld frames of audio (at least %d needed)",
			 (long long)info.frames, info.samplerate / 100);
		return fail(err, errlen, path, why);
	}
	s = calloc(1, sizeof *s);
	if (!s || (info.channels == 1 && !(s->mono = malloc(MONO_CHUNK * sizeof *s->mono)))) {
		free(s);
		sf_close(sf);
		return fail(err, errlen, path, "out of memory");
	}
	s->sf = sf;
	s->frames = info.frames;
	s->rate = info.samplerate;
	s->channels = info.channels;
	snprintf(s->name, sizeof s->name, "%s", path);
	*out = s;
	return ST_OK;
}

struct source *source_from_memory(float *stereo, int64_t frames, int rate,
				  const char *name)
{
	struct source *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->mem = stereo;
	s->frames = frames;
	s->rate = rate;
	s->channels = 2;
	snprintf(s->name, sizeof s->name, "%s", name);
	return s;
}

int64_t source_read(struct source *s, float *stereo, int64_t frames)
{
	int64_t done = 0;

	if (s->mem) {
		int64_t n = s->frames - s->pos;
		if (n > frames)
			n = frames;
		if (n > 0)
			memcpy(stereo, s->mem + 2 * s->pos, (size_t)n * 2 * sizeof *stereo);
		s->pos += n > 0 ? n : 0;
		return n > 0 ? n : 0;
	}
	while (done < frames) {
		sf_count_t want = frames - done, got;
		if (s->channels == 2) {
			got = sf_readf_float(s->sf, stereo + 2 * done, want);
		} else {
			if (want > MONO_CHUNK)
				want = MONO_CHUNK;
			got = sf_readf_float(s->sf, s->mono, want);
			for (sf_count_t i = 0; i < got; i++)
				stereo[2 * (done + i)] = stereo[2 * (done + i) + 1] = s->mono[i];
		}
		if (got < 0 || sf_error(s->sf) != SF_ERR_NO_ERROR) {
			snprintf(s->err, sizeof s->err, "%s: read error: %s", s->name,
				 sf_strerror(s->sf));
			return -1;
		}
		if (got == 0)
			break;
		done += got;
	}
	s->pos += done;
	return done;
}

int source_seek(struct source *s, int64_t frame)
{
	if (frame < 0)
		frame = 0;
	if (frame > s->frames)
		frame = s->frames;
	if (s->sf && sf_seek(s->sf, frame, SEEK_SET) < 0) {
		snprintf(s->err, sizeof s->err, "%s: cannot seek: %s", s->name,
			 sf_strerror(s->sf));
		return -1;
	}
	s->pos = frame;
	return 0;
}

int source_rate(const struct source *s) { return s->rate; }
int source_channels(const struct source *s) { return s->channels; }
int64_t source_frames(const struct source *s) { return s->frames; }
const char *source_name(const struct source *s) { return s->name; }
const char *source_error(const struct source *s) { return s->err; }

void source_close(struct source *s)
{
	if (!s)
		return;
	if (s->sf)
		sf_close(s->sf);
	free(s->mem);
	free(s->mono);
	free(s);
}

/* Minutes of audio a converted reference may take in memory: at 192 kHz
 * the decoded input alone is 3 GB an hour. */
#define RESAMPLE_MAX_MINUTES 20

int source_resample(struct source *s, int rate, struct source **out, char *err, int errlen)
{
	int64_t n = s->frames, m, got = 0, k = 0;
	float *in, *res;

	if (n > (int64_t)RESAMPLE_MAX_MINUTES * 60 * s->rate) {
		snprintf(err, (size_t)errlen, "%s: longer than %d minutes: too long to convert from %d to %d Hz",
			 s->name, RESAMPLE_MAX_MINUTES, s->rate, rate);
		return ST_INPUT;
	}
	m = resample_frames(n, s->rate, rate);
	in = malloc((size_t)(n > 0 ? n : 1) * 2 * sizeof *in);
	res = malloc((size_t)(m > 0 ? m : 1) * 2 * sizeof *res);
	if (!in || !res || source_seek(s, 0) != 0) {
		snprintf(err, (size_t)errlen, "%s: %s", s->name, in && res ? "cannot seek" : "out of memory");
		goto fail;
	}
	while (got < n && (k = source_read(s, in + 2 * got, n - got)) > 0)
		got += k;
	if (k < 0) {
		snprintf(err, (size_t)errlen, "%s", source_error(s));
		goto fail;
	}
	m = resample_frames(got, s->rate, rate);
	if (resample_stereo(in, got, s->rate, res, rate) != 0) {
		snprintf(err, (size_t)errlen, "%s: out of memory", s->name);
		goto fail;
	}
	free(in);
	*out = source_from_memory(res, m, rate, s->name);
	if (!*out) {
		free(res);
		snprintf(err, (size_t)errlen, "%s: out of memory", s->name);
		return ST_INPUT;
	}
	(*out)->channels = s->channels;
	return ST_OK;
fail:
	free(in);
	free(res);
	return ST_INPUT;
}
