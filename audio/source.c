/* Sources: audio files through libsndfile, or a buffer in memory.  Both
 * hand out interleaved stereo float; mono files play as dual mono. */
#include "source.h"
#include "resample.h"

#include <errno.h>
#include <fcntl.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "status.h"
#include "dsp/clones.h"

#define MIN_RATE 22050
#define MAX_RATE 192000
#define MONO_CHUNK 4096

struct source {
	SNDFILE *sf;         /* NULL for memory and converted sources */
	int fd;              /* sf's descriptor (libsndfile does not own it); -1: none */
	float *mem;          /* interleaved stereo, memory sources */
	float *mono;         /* scratch for dual-mono expansion */
	/* PCM read as bytes and converted here (raw_format): 2 or 3 bytes a
	 * sample, big-endian or not; width 0: through libsndfile. */
	int width, big;
	unsigned char *raw;
	int64_t frames, pos;
	int rate, channels;
	char name[256];
	char err[ERRLEN];
	/* A converted source (source_convert): the one it reads, and the
	 * converter's state. */
	struct source *in;
	struct resampler *rs;
	float *ibuf, *obuf, *skip;
	long oavail, ooff;    /* frames in obuf, frames of them handed out */
	int in_end, drained;  /* in is exhausted; so is the converter */
};

#define RAW_CHUNK 4096 /* frames per raw read */

static int64_t conv_read(struct source *s, float *stereo, int64_t frames);
static int conv_seek(struct source *s, int64_t f);

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

int source_open_fd(const char *path, char *err, int errlen)
{
	struct stat st;
	int fd, fl;

	if (stat(path, &st) != 0)
		return fail(err, errlen, path, strerror(errno)), -1;
	if (S_ISDIR(st.st_mode))
		return fail(err, errlen, path, "is a directory, not an audio file"), -1;
	/* A FIFO with no writer would block the open for ever, and a pipe or
	 * a device cannot seek, which playback and two-pass renders need;
	 * a device is not even opened (opening some has effects). */
	if (!S_ISREG(st.st_mode))
		return fail(err, errlen, path, "is not a regular file (a pipe or a device)"), -1;
	/* Non-blocking and checked again on the descriptor: the name may have
	 * been swapped for a FIFO since the stat. */
	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, path, strerror(errno)), -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		close(fd);
		return fail(err, errlen, path, "is not a regular file (a pipe or a device)"), -1;
	}
	return fd;
}

/* 16- and 24-bit PCM in WAV (little-endian) and AIFF (big-endian): read
 * as bytes and converted here.  libsndfile's own conversion, a scalar
 * loop per sample, was about 8% of a render's decoding thread (perf).
 * The values are the same: sample / 2^15 or / 2^23 is exact in a float
 * either way.  The container is told by its first bytes: RIFX and AIFC
 * (either byte order) stay with libsndfile. */
static void raw_format(struct source *s, int fd, const SF_INFO *info)
{
	int major = info->format & SF_FORMAT_TYPEMASK, sub = info->format & SF_FORMAT_SUBMASK;
	unsigned char h[12];

	s->width = 0;
	if ((sub != SF_FORMAT_PCM_16 && sub != SF_FORMAT_PCM_24) ||
	    pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h)
		return;
	if (major == SF_FORMAT_WAV && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "WAVE", 4))
		s->big = 0;
	else if (major == SF_FORMAT_AIFF && !memcmp(h, "FORM", 4) && !memcmp(h + 8, "AIFF", 4))
		s->big = 1;
	else
		return;
	s->width = sub == SF_FORMAT_PCM_16 ? 2 : 3;
}

/* n samples of raw PCM to floats, every step-th one from out. */
static void raw_to_float(const struct source *s, const unsigned char *p, float *out, size_t n,
			 int step)
{
	if (s->width == 2 && !s->big) {
		for (size_t i = 0; i < n; i++, p += 2)
			out[i * (size_t)step] = (float)(int16_t)(p[0] | p[1] << 8) * (1.0f / 32768);
	} else if (s->width == 2) {
		for (size_t i = 0; i < n; i++, p += 2)
			out[i * (size_t)step] = (float)(int16_t)(p[1] | p[0] << 8) * (1.0f / 32768);
	} else if (!s->big) {
		size_t i = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* A word load and a shift: twice the speed of three byte
		 * loads (the last sample's word would read past the end). */
		for (; i + 1 < n; i++, p += 3) {
			uint32_t w;
			memcpy(&w, p, sizeof w);
			out[i * (size_t)step] = (float)(int32_t)(w << 8) * (1.0f / 2147483648.0f);
		}
#endif
		for (; i < n; i++, p += 3)
			out[i * (size_t)step] = (float)(int32_t)((uint32_t)p[0] << 8 | (uint32_t)p[1] << 16 |
								 (uint32_t)p[2] << 24) * (1.0f / 2147483648.0f);
	} else {
		for (size_t i = 0; i < n; i++, p += 3)
			out[i * (size_t)step] = (float)(int32_t)((uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
								 (uint32_t)p[0] << 24) * (1.0f / 2147483648.0f);
	}
}

static int64_t raw_read(struct source *s, float *stereo, int64_t frames)
{
	int64_t done = 0;
	size_t fb = (size_t)s->width * (size_t)s->channels;

	while (done < frames) {
		int64_t want = frames - done > RAW_CHUNK ? RAW_CHUNK : frames - done;
		sf_count_t got = sf_read_raw(s->sf, s->raw, (sf_count_t)((size_t)want * fb));
		if (got < 0 || sf_error(s->sf) != SF_ERR_NO_ERROR)
			return -1;
		int64_t k = (int64_t)((size_t)got / fb);
		if (k == 0)
			break;
		float *o = stereo + 2 * done;
		if (s->channels == 2) {
			raw_to_float(s, s->raw, o, (size_t)(2 * k), 1);
		} else {
			raw_to_float(s, s->raw, o, (size_t)k, 2);
			for (int64_t i = 0; i < k; i++)
				o[2 * i + 1] = o[2 * i];
		}
		done += k;
	}
	return done;
}

int source_open(struct source **out, const char *path, char *err, int errlen)
{
	SF_INFO info = { 0 };
	SNDFILE *sf;
	struct source *s;
	char why[300];
	int fd;

	*out = NULL;
	/* Through a descriptor: libsndfile's own open refuses paths longer
	 * than about 1,000 bytes, and outputs may be longer than that. */
	fd = source_open_fd(path, err, errlen);
	if (fd < 0)
		return ST_INPUT;
	sf = sf_open_fd(fd, SFM_READ, &info, SF_FALSE);
	if (!sf) {
		close(fd);
		snprintf(why, sizeof why, "not a readable audio file (%s)", sf_strerror(NULL));
		return fail(err, errlen, path, why);
	}
	if (info.channels < 1 || info.channels > 2) {
		sf_close(sf);
		close(fd);
		snprintf(why, sizeof why, "has %d channels; lathe masters mono or stereo files", info.channels);
		return fail(err, errlen, path, why);
	}
	if (info.samplerate < MIN_RATE || info.samplerate > MAX_RATE) {
		sf_close(sf);
		close(fd);
		snprintf(why, sizeof why, "sample rate %d Hz is outside %d to %d Hz",
			 info.samplerate, MIN_RATE, MAX_RATE);
		return fail(err, errlen, path, why);
	}
	/* Shorter than 10 ms is not a mix: refuse rather than master a click. */
	if (info.frames < info.samplerate / 100) {
		sf_close(sf);
		close(fd);
		snprintf(why, sizeof why, "holds only %lld frames of audio (at least %d needed)",
			 (long long)info.frames, info.samplerate / 100);
		return fail(err, errlen, path, why);
	}
	s = calloc(1, sizeof *s);
	if (s)
		raw_format(s, fd, &info);
	if (!s || (info.channels == 1 && !(s->mono = malloc(MONO_CHUNK * sizeof *s->mono))) ||
	    (s->width && !(s->raw = malloc((size_t)RAW_CHUNK * 2 * (size_t)s->width)))) {
		if (s)
			free(s->mono);
		free(s);
		sf_close(sf);
		close(fd);
		return fail(err, errlen, path, "out of memory");
	}
	s->sf = sf;
	s->fd = fd;
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

	if (s->in)
		return conv_read(s, stereo, frames);
	if (s->mem) {
		int64_t n = s->frames - s->pos;
		if (n > frames)
			n = frames;
		if (n > 0)
			memcpy(stereo, s->mem + 2 * s->pos, (size_t)n * 2 * sizeof *stereo);
		s->pos += n > 0 ? n : 0;
		return n > 0 ? n : 0;
	}
	if (s->width) {
		done = raw_read(s, stereo, frames);
		if (done < 0) {
			snprintf(s->err, sizeof s->err, "%s: read error: %s", s->name,
				 sf_strerror(s->sf));
			return -1;
		}
		s->pos += done;
		return done;
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

/* 24-bit little-endian stereo straight to two planes, four frames at a
 * time: each sample's three bytes shuffled to the top of a 32-bit lane,
 * the same conversion as raw_to_float's (exact in a float either way).
 * Each step reads 28 bytes of its 24; the last steps go one by one. */
typedef unsigned char u8x16 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef float f32x4 __attribute__((vector_size(16)));

DSP_CLONES
static void s24le_split(const unsigned char *p, float *L, float *R, size_t frames)
{
	const u8x16 zero = { 0 };
	const f32x4 k = { 1.0f / 2147483648.0f, 1.0f / 2147483648.0f, 1.0f / 2147483648.0f,
			  1.0f / 2147483648.0f };
	size_t i = 0;

	for (; 6 * i + 28 <= 6 * frames; i += 4, p += 24) {
		u8x16 a, b;
		memcpy(&a, p, sizeof a);
		memcpy(&b, p + 12, sizeof b);
		i32x4 x = (i32x4)__builtin_shufflevector(a, zero, 16, 0, 1, 2, 16, 3, 4, 5,
							 16, 6, 7, 8, 16, 9, 10, 11);
		i32x4 y = (i32x4)__builtin_shufflevector(b, zero, 16, 0, 1, 2, 16, 3, 4, 5,
							 16, 6, 7, 8, 16, 9, 10, 11);
		f32x4 fx = __builtin_convertvector(x, f32x4) * k;
		f32x4 fy = __builtin_convertvector(y, f32x4) * k;
		f32x4 l = __builtin_shufflevector(fx, fy, 0, 2, 4, 6);
		f32x4 r = __builtin_shufflevector(fx, fy, 1, 3, 5, 7);
		memcpy(L + i, &l, sizeof l);
		memcpy(R + i, &r, sizeof r);
	}
	for (; i < frames; i++, p += 6) {
		L[i] = (float)(int32_t)((uint32_t)p[0] << 8 | (uint32_t)p[1] << 16 |
					(uint32_t)p[2] << 24) * (1.0f / 2147483648.0f);
		R[i] = (float)(int32_t)((uint32_t)p[3] << 8 | (uint32_t)p[4] << 16 |
					(uint32_t)p[5] << 24) * (1.0f / 2147483648.0f);
	}
}

int64_t source_read_split(struct source *s, float *L, float *R, float *tmp, int64_t frames)
{
	int64_t done = 0;

	if (s->in || s->mem || s->width != 3 || s->big || s->channels != 2) {
		done = source_read(s, tmp, frames);
		for (int64_t i = 0; i < done; i++) {
			L[i] = tmp[2 * i];
			R[i] = tmp[2 * i + 1];
		}
		return done;
	}
	while (done < frames) {
		int64_t want = frames - done > RAW_CHUNK ? RAW_CHUNK : frames - done;
		sf_count_t got = sf_read_raw(s->sf, s->raw, (sf_count_t)want * 6);
		if (got < 0 || sf_error(s->sf) != SF_ERR_NO_ERROR) {
			snprintf(s->err, sizeof s->err, "%s: read error: %s", s->name,
				 sf_strerror(s->sf));
			return -1;
		}
		int64_t k = (int64_t)got / 6;
		if (k == 0)
			break;
		s24le_split(s->raw, L + done, R + done, (size_t)k);
		done += k;
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
	if (s->in)
		return conv_seek(s, frame);
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
	if (s->sf) {
		sf_close(s->sf);
		close(s->fd);
	}
	free(s->mem);
	free(s->mono);
	free(s->raw);
	source_close(s->in);
	resampler_free(s->rs);
	free(s->ibuf);
	free(s->obuf);
	free(s->skip);
	free(s);
}

/* ---- conversion as it is read --------------------------------------- */

#define CONV_CHUNK 4096 /* input frames per step */

static long gcd(long a, long b)
{
	while (b) {
		long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* The next converted frames into s->obuf; 0 once all are out, -1 on a
 * read or conversion error (message in s->err). */
static long conv_step(struct source *s)
{
	long w;

	if (!s->in_end) {
		int64_t n = source_read(s->in, s->ibuf, CONV_CHUNK);
		if (n < 0) {
			snprintf(s->err, sizeof s->err, "%s", source_error(s->in));
			return -1;
		}
		if (n == 0) {
			s->in_end = 1;
			return conv_step(s);
		}
		w = resampler_run(s->rs, s->ibuf, (size_t)n, s->obuf);
	} else {
		w = resampler_run(s->rs, NULL, 0, s->obuf);
	}
	if (w < 0)
		snprintf(s->err, sizeof s->err, "%s: %s", s->name, resampler_error(s->rs));
	return w;
}

static int64_t conv_read(struct source *s, float *stereo, int64_t frames)
{
	int64_t done = 0;

	while (done < frames) {
		if (s->ooff < s->oavail) {
			int64_t k = s->oavail - s->ooff;
			if (k > frames - done)
				k = frames - done;
			memcpy(stereo + 2 * done, s->obuf + 2 * s->ooff, (size_t)k * 2 * sizeof *stereo);
			s->ooff += (long)k;
			done += k;
			continue;
		}
		if (s->drained)
			break;
		long w = conv_step(s);
		if (w < 0)
			return -1;
		if (w == 0 && s->in_end)
			s->drained = 1;
		s->oavail = w;
		s->ooff = 0;
	}
	s->pos += done;
	return done;
}

/* Output frame f: the input is sought to a point where input and output
 * frames coincide exactly (a multiple of from/gcd input frames), enough
 * before f for the filter to settle, and the frames up to f are converted
 * and dropped.  So a seek costs the conversion of resampler_settle frames
 * and a little more, and what follows equals an uncut run to far below
 * hearing (test_resample: -120 dB). */
static int conv_seek(struct source *s, int64_t f)
{
	long g = gcd(s->in->rate, s->rate);
	int64_t L = s->in->rate / g, M = s->rate / g;
	int64_t j0 = f - resampler_settle(s->rs);

	j0 = j0 <= 0 ? 0 : j0 / M * M;
	if (source_seek(s->in, j0 / M * L) != 0) {
		snprintf(s->err, sizeof s->err, "%s", source_error(s->in));
		return -1;
	}
	if (resampler_reset(s->rs) != 0) {
		snprintf(s->err, sizeof s->err, "%s: %s", s->name, resampler_error(s->rs));
		return -1;
	}
	s->in_end = s->drained = 0;
	s->oavail = s->ooff = 0;
	s->pos = j0;
	while (s->pos < f) {
		int64_t k = f - s->pos > CONV_CHUNK ? CONV_CHUNK : f - s->pos;
		int64_t n = conv_read(s, s->skip, k);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
	}
	return 0;
}

int source_convert(struct source *in, int rate, struct source **out, char *err, int errlen)
{
	struct source *s = calloc(1, sizeof *s);
	char why[200];

	*out = NULL;
	if (!s) {
		snprintf(err, (size_t)errlen, "%s: out of memory", in->name);
		source_close(in);
		return ST_INPUT;
	}
	s->in = in;
	s->rs = resampler_new(in->rate, rate, 2, why, sizeof why);
	if (!s->rs) {
		snprintf(err, (size_t)errlen, "%s: %s", in->name, why);
		source_close(s);
		return ST_INPUT;
	}
	s->ibuf = malloc((size_t)CONV_CHUNK * 2 * sizeof *s->ibuf);
	s->obuf = malloc(resampler_room(s->rs, CONV_CHUNK) * 2 * sizeof *s->obuf);
	s->skip = malloc((size_t)CONV_CHUNK * 2 * sizeof *s->skip);
	if (!s->ibuf || !s->obuf || !s->skip || source_seek(in, 0) != 0) {
		snprintf(err, (size_t)errlen, "%s: %s", in->name,
			 s->ibuf && s->obuf && s->skip ? "cannot seek" : "out of memory");
		source_close(s);
		return ST_INPUT;
	}
	s->frames = resample_frames(in->frames, in->rate, rate);
	s->rate = rate;
	s->channels = in->channels;
	snprintf(s->name, sizeof s->name, "%s", in->name);
	*out = s;
	return ST_OK;
}
