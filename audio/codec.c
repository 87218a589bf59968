#include "codec.h"

#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resample.h"
#include "source.h"
#include "status.h"

#define CHUNK 4096

int codec_parse(const char *text, struct codec *c, char *msg, int msglen)
{
	struct codec tmp = { CODEC_MP3, 0 };
	const char *colon = strchr(text, ':');
	size_t n = colon ? (size_t)(colon - text) : strlen(text);

	if (n == 3 && !strncmp(text, "mp3", 3))
		tmp.kind = CODEC_MP3;
	else if (n == 4 && !strncmp(text, "opus", 4))
		tmp.kind = CODEC_OPUS;
	else {
		snprintf(msg, (size_t)msglen, "'%.40s': expected mp3[:KBPS] or opus[:KBPS]", text);
		return -1;
	}
	if (colon) {
		char *end;
		long k = strtol(colon + 1, &end, 10);
		long lo = tmp.kind == CODEC_MP3 ? 32 : 6, hi = tmp.kind == CODEC_MP3 ? 320 : 256;
		if (end == colon + 1 || *end || k < lo || k > hi) {
			snprintf(msg, (size_t)msglen, "'%.40s': the bit rate is %ld to %ld kbps", text, lo, hi);
			return -1;
		}
		tmp.kbps = (int)k;
	}
	if (!tmp.kbps)
		tmp.kbps = tmp.kind == CODEC_MP3 ? 320 : 128;
	if (c)
		*c = tmp;
	return 0;
}

void codec_name(const struct codec *c, char *buf, int size)
{
	snprintf(buf, (size_t)size, "%s %d kbps", c->kind == CODEC_MP3 ? "mp3" : "opus", c->kbps);
}

/* libsndfile sets the bit rate through a 0..1 "compression level".  For
 * MP3 (constant bit rate, MPEG-1 rates) it maps linearly onto LAME's
 * 320..32 kbps.  For Opus it maps onto the stream's total rate, measured
 * from the size of 30 s stereo encodes: level 0 -> 471 kbps, 0.5 -> 242,
 * 0.75 -> 127, 1 -> 11; so level = (471 - kbps) / 460 (64, 128, 192 kbps
 * asked for came out 65, 129, 193). */
static double level_for(const struct codec *c)
{
	double l = c->kind == CODEC_MP3 ? (320.0 - c->kbps) / (320.0 - 32.0) : (471.0 - c->kbps) / 460.0;
	return l < 0 ? 0 : l > 1 ? 1 : l;
}

/* Opus runs at 48 kHz only; anything else is converted first, as any
 * Opus encoder does. */
static int encode(int fd, const float *stereo, long frames, int rate, const struct codec *c,
		  int *enc_rate, char *err, int errlen)
{
	SF_INFO info = { .channels = 2 };
	struct resampler *r = NULL;
	float *buf = NULL;
	SNDFILE *sf;
	int rc = ST_OK, mode = SF_BITRATE_MODE_CONSTANT;
	double level = level_for(c);

	info.samplerate = c->kind == CODEC_OPUS ? 48000 : rate;
	info.format = c->kind == CODEC_MP3 ? SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III
					   : SF_FORMAT_OGG | SF_FORMAT_OPUS;
	*enc_rate = info.samplerate;
	if (!sf_format_check(&info)) {
		snprintf(err, (size_t)errlen, "this libsndfile (%s) cannot write %s at %d Hz",
			 sf_version_string(), c->kind == CODEC_MP3 ? "MP3" : "Opus", info.samplerate);
		return ST_OUTPUT;
	}
	sf = sf_open_fd(fd, SFM_WRITE, &info, SF_FALSE);
	if (!sf) {
		snprintf(err, (size_t)errlen, "cannot start the %s encoder: %s",
			 c->kind == CODEC_MP3 ? "MP3" : "Opus", sf_strerror(NULL));
		return ST_OUTPUT;
	}
	sf_command(sf, SFC_SET_BITRATE_MODE, &mode, sizeof mode);
	sf_command(sf, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
	if (info.samplerate != rate) {
		r = resampler_new(rate, info.samplerate, 2, err, errlen);
		buf = r ? malloc(resampler_room(r, CHUNK) * 2 * sizeof *buf) : NULL;
		if (!buf) {
			if (r)
				snprintf(err, (size_t)errlen, "out of memory");
			rc = ST_OUTPUT;
			goto out;
		}
	}
	for (long pos = 0; pos < frames || r; ) {
		long n = frames - pos < CHUNK ? frames - pos : CHUNK;
		if (!r) {
			if (sf_writef_float(sf, stereo + 2 * pos, n) != n)
				rc = ST_OUTPUT;
			pos += n;
			if (rc)
				break;
			continue;
		}
		long w = resampler_run(r, n ? stereo + 2 * pos : NULL, (size_t)n, buf);
		pos += n;
		if (w < 0 || (w > 0 && sf_writef_float(sf, buf, w) != w)) {
			rc = ST_OUTPUT;
			break;
		}
		if (n == 0 && w == 0)
			break;
	}
	if (rc)
		snprintf(err, (size_t)errlen, "the encoder failed: %s", sf_strerror(sf));
out:
	if (sf_close(sf) != 0 && !rc) {
		snprintf(err, (size_t)errlen, "the encoder could not finish");
		rc = ST_OUTPUT;
	}
	resampler_free(r);
	free(buf);
	return rc;
}

/* The encoded stream in fd, from its start, for reading (buf: the
 * caller's buffer, NULL when it could not have one). */
static SNDFILE *open_decoder(int fd, SF_INFO *info, const float *buf, char *err, int errlen)
{
	SNDFILE *sf;

	lseek(fd, 0, SEEK_SET);
	sf = sf_open_fd(fd, SFM_READ, info, SF_FALSE);
	if (!sf || info->channels != 2 || !buf) {
		snprintf(err, (size_t)errlen, "cannot decode the encoded stream: %s", sf_strerror(sf));
		if (sf)
			sf_close(sf);
		return NULL;
	}
	return sf;
}

static int decoded_peak(int fd, double *tp_dbtp, char *err, int errlen)
{
	SF_INFO info = { 0 };
	SNDFILE *sf;
	ebur128_state *st = NULL;
	float *buf = malloc(CHUNK * 2 * sizeof *buf);
	sf_count_t n;
	double tp = 0, x;
	int rc = ST_OK;

	sf = open_decoder(fd, &info, buf, err, errlen);
	if (!sf) {
		rc = ST_INPUT;
		goto out;
	}
	st = ebur128_init(2, (unsigned long)info.samplerate, EBUR128_MODE_TRUE_PEAK);
	if (!st) {
		rc = ST_INPUT;
		goto out;
	}
	while ((n = sf_readf_float(sf, buf, CHUNK)) > 0)
		ebur128_add_frames_float(st, buf, (size_t)n);
	for (unsigned ch = 0; ch < 2; ch++)
		if (ebur128_true_peak(st, ch, &x) == EBUR128_SUCCESS && x > tp)
			tp = x;
	*tp_dbtp = tp > 0 ? 20 * log10(tp) : -INFINITY;
out:
	if (st)
		ebur128_destroy(&st);
	if (sf)
		sf_close(sf);
	free(buf);
	return rc;
}

/* The encoded stream in fd, decoded into a float WAV at path. */
static int decode_to(int fd, const char *path, char *err, int errlen)
{
	SF_INFO info = { 0 }, oinfo = { 0 };
	SNDFILE *sf, *of = NULL;
	float *buf = malloc(CHUNK * 2 * sizeof *buf);
	sf_count_t n;
	int rc = ST_OK;

	sf = open_decoder(fd, &info, buf, err, errlen);
	if (!sf) {
		rc = ST_INPUT;
		goto out;
	}
	oinfo.channels = 2;
	oinfo.samplerate = info.samplerate;
	oinfo.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
	of = sf_open(path, SFM_WRITE, &oinfo);
	if (!of) {
		snprintf(err, (size_t)errlen, "%s: %s", path, sf_strerror(NULL));
		rc = ST_OUTPUT;
		goto out;
	}
	while ((n = sf_readf_float(sf, buf, CHUNK)) > 0)
		if (sf_writef_float(of, buf, n) != n) {
			snprintf(err, (size_t)errlen, "%s: %s", path, sf_strerror(of));
			rc = ST_OUTPUT;
			break;
		}
out:
	if (of && sf_close(of) != 0 && !rc) {
		snprintf(err, (size_t)errlen, "%s: could not be finished", path);
		rc = ST_OUTPUT;
	}
	if (sf)
		sf_close(sf);
	free(buf);
	return rc;
}

/* The signal encoded into a nameless temporary file, then either its
 * decoded true peak (out NULL) or its decode written to out. */
static int round_trip(const float *stereo, long frames, int rate, const struct codec *c,
		      double *tp_dbtp, const char *out, char *err, int errlen)
{
	char path[4200];
	const char *tmp = getenv("TMPDIR");
	int fd, rc, enc_rate;

	snprintf(path, sizeof path, "%s/lathe-codec-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, (size_t)errlen, "%s: cannot make a temporary file for the encode", path);
		return ST_OUTPUT;
	}
	/* Nameless from here on: nothing is left behind, whatever happens. */
	unlink(path);
	rc = encode(fd, stereo, frames, rate, c, &enc_rate, err, errlen);
	if (!rc)
		rc = out ? decode_to(fd, out, err, errlen) : decoded_peak(fd, tp_dbtp, err, errlen);
	close(fd);
	return rc;
}

int codec_true_peak(const float *stereo, long frames, int rate, const struct codec *c,
		    double *tp_dbtp, char *err, int errlen)
{
	return round_trip(stereo, frames, rate, c, tp_dbtp, NULL, err, errlen);
}

static int file_round_trip(const char *path, const struct codec *c, double *tp_dbtp,
			   const char *out, char *err, int errlen)
{
	struct source *src;
	float *all;
	int64_t frames, n = 0, got;
	int rc = source_open(&src, path, err, errlen);

	if (rc)
		return rc;
	frames = source_frames(src);
	all = malloc((size_t)(frames > 0 ? frames : 1) * 2 * sizeof *all);
	if (!all) {
		source_close(src);
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		return ST_INPUT;
	}
	while (n < frames && (got = source_read(src, all + 2 * n, frames - n > CHUNK ? CHUNK : frames - n)) > 0)
		n += got;
	if (source_error(src)[0]) {
		snprintf(err, (size_t)errlen, "%s", source_error(src));
		rc = ST_INPUT;
	} else {
		rc = round_trip(all, (long)n, source_rate(src), c, tp_dbtp, out, err, errlen);
		if (rc && rc != ST_INPUT) {
			char tmp[ERRLEN];
			snprintf(tmp, sizeof tmp, "%s: %s", path, err);
			snprintf(err, (size_t)errlen, "%s", tmp);
		}
	}
	free(all);
	source_close(src);
	return rc;
}

int codec_true_peak_file(const char *path, const struct codec *c, double *tp_dbtp,
			 char *err, int errlen)
{
	return file_round_trip(path, c, tp_dbtp, NULL, err, errlen);
}

int codec_decode_file(const char *in, const struct codec *c, const char *out,
		      char *err, int errlen)
{
	return file_round_trip(in, c, NULL, out, err, errlen);
}
