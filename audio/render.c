/* Offline render: source -> chain (render_pipe.c) -> file, with the
 * limiter's latency compensated so output frame n lines up with input
 * frame n and nothing of the head or tail is lost. */
#include "render_int.h"

#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "atomicfile.h"
#include "sfout.h"
#include "dsp/chain.h"
#include "dsp/dither.h"
#include "lufs.h"
#include "source.h"
#include "status.h"
#include "tags.h"

struct file_sink {
	struct sink base;
	SNDFILE *sf;
	int bits;
	struct dither dither;
	int *ibuf;
	unsigned char *raw; /* the file's own bytes, when pack() writes them */
	int width, big;     /* bytes a sample and their order, for pack() */
	struct lufs_meter *m; /* measuring what is written, or NULL */
};

struct meter_sink {
	struct sink base;
	struct lufs_meter *m;
};

int render_format_for(const char *path, int bits)
{
	const char *dot = strrchr(path, '.');
	int sub = bits == 16 ? SF_FORMAT_PCM_16 : bits == 24 ? SF_FORMAT_PCM_24 : SF_FORMAT_FLOAT;

	if (!dot || strchr(dot, '/'))
		return 0;
	if (!strcasecmp(dot, ".wav") || !strcasecmp(dot, ".wave"))
		return SF_FORMAT_WAV | sub;
	if (!strcasecmp(dot, ".aif") || !strcasecmp(dot, ".aiff"))
		return SF_FORMAT_AIFF | sub;
	if (!strcasecmp(dot, ".flac"))
		return bits == 32 ? 0 : SF_FORMAT_FLAC | sub;
	return 0;
}

/* n dithered samples (whole 16- or 24-bit steps, left-aligned in an int
 * as sf_writef_int takes them) as a WAV's or AIFF's bytes: the bytes
 * libsndfile's own conversion writes, at a fraction of its cost (it was
 * 5% of a render).  On a little-endian machine the 24-bit WAV loop
 * stores four bytes and steps three: out has one byte to spare. */
static void pack(unsigned char *out, const int *x, int n, int width, int big)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (width == 3 && !big) {
		for (int i = 0; i < n; i++, out += 3) {
			uint32_t w = (uint32_t)x[i] >> 8;
			memcpy(out, &w, sizeof w);
		}
		return;
	}
#endif
	if (width == 3 && !big) {
		for (int i = 0; i < n; i++, out += 3) {
			uint32_t w = (uint32_t)x[i];
			out[0] = (unsigned char)(w >> 8);
			out[1] = (unsigned char)(w >> 16);
			out[2] = (unsigned char)(w >> 24);
		}
	} else if (width == 3) {
		for (int i = 0; i < n; i++, out += 3) {
			uint32_t w = (uint32_t)x[i];
			out[0] = (unsigned char)(w >> 24);
			out[1] = (unsigned char)(w >> 16);
			out[2] = (unsigned char)(w >> 8);
		}
	} else {
		for (int i = 0; i < n; i++, out += 2) {
			uint32_t w = (uint32_t)x[i];
			out[!big] = (unsigned char)(w >> 24);
			out[big] = (unsigned char)(w >> 16);
		}
	}
}

static int file_write(struct sink *k, const float *stereo, int n)
{
	struct file_sink *f = (struct file_sink *)k;

	if (f->m && lufs_add(f->m, stereo, (size_t)n) != 0)
		return -1;
	if (f->bits == 32)
		return sf_writef_float(f->sf, stereo, n) == n ? 0 : -1;
	dither_run(&f->dither, stereo, f->ibuf, 2 * n);
	if (!f->raw)
		return sf_writef_int(f->sf, f->ibuf, n) == n ? 0 : -1;
	sf_count_t bytes = (sf_count_t)n * 2 * f->width;
	pack(f->raw, f->ibuf, 2 * n, f->width, f->big);
	return sf_write_raw(f->sf, f->raw, bytes) == bytes ? 0 : -1;
}

static int meter_write(struct sink *k, const float *stereo, int n)
{
	struct meter_sink *m = (struct meter_sink *)k;
	return lufs_add(m->m, stereo, (size_t)n);
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Checks that do not need the audio: worth failing on before a long
 * loudness search. */
int render_check_output(const char *in, const char *out, int bits, int *format,
			char *err, int errlen)
{
	*format = render_format_for(out, bits);
	/* No extension to go by (/dev/null, /dev/stdout): WAV for a device,
	 * FLAC for a pipe, since libsndfile must seek back to finish a WAV or
	 * AIFF header and a pipe cannot. */
	struct stat st;
	if (!*format && !path_is_regular_or_absent(out) && stat(out, &st) == 0) {
		int sub = bits == 16 ? SF_FORMAT_PCM_16 : bits == 24 ? SF_FORMAT_PCM_24 : SF_FORMAT_FLOAT;
		if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
			*format = bits == 32 ? 0 : SF_FORMAT_FLAC | sub;
		else
			*format = SF_FORMAT_WAV | sub;
	}
	if (!*format) {
		snprintf(err, (size_t)errlen, "%s: cannot write this format%s (use .wav, .flac or .aiff)",
			 out, bits == 32 ? " as 32-bit float" : "");
		return ST_USAGE;
	}
	if (same_file(in, out)) {
		snprintf(err, (size_t)errlen, "%s: is the input file; lathe never writes over its input", out);
		return ST_OUTPUT;
	}
	return ST_OK;
}

/* Render a feed into OUT through a temporary file renamed at the end. */
int render_write(struct feed *f, int rate, const char *in, const char *out,
			const double v[P_COUNT], const struct render_opts *o,
			struct render_check *chk, char *err, int errlen)
{
	struct file_sink fs = { .base = { file_write }, .bits = 24 };
	struct atomicfile af;
	struct sfout so;
	int rc, format, e;
	int bits = o && o->bits ? o->bits : 24;
	SF_INFO info = { 0 };

	rc = render_check_output(in, out, bits, &format, err, errlen);
	if (rc)
		return rc;
	info.samplerate = rate;
	info.channels = 2;
	info.format = format;
	fs.bits = bits;
	dither_init(&fs.dither, bits, o ? o->dither_seed : 0);
	fs.ibuf = malloc(BLOCK * 2 * sizeof *fs.ibuf);
	fs.m = chk ? lufs_new((unsigned)rate) : NULL;
	/* WAV and AIFF PCM are the samples' bytes after the header, in the
	 * container's order; FLAC goes through libsndfile's encoder. */
	int major = format & SF_FORMAT_TYPEMASK;
	if (bits != 32 && (major == SF_FORMAT_WAV || major == SF_FORMAT_AIFF)) {
		fs.width = bits / 8;
		fs.big = major == SF_FORMAT_AIFF;
		fs.raw = malloc((size_t)BLOCK * 2 * 3 + 1);
	}
	if (!fs.ibuf || (chk && !fs.m) || (fs.width && !fs.raw)) {
		snprintf(err, (size_t)errlen, "%s: out of memory", out);
		return ST_OUTPUT;
	}
	/* A temporary file renamed into place at the end; devices and pipes
	 * (/dev/null, a FIFO) are written straight through. */
	rc = atomicfile_open_cancel(&af, out, AF_DIRECT_SPECIAL, o ? o->cancel : NULL, err, errlen);
	/* Opening a FIFO waits for its reader; a signal that cancels the
	 * render ends that wait, and it is an interruption, not a failure. */
	if (rc && errno == EINTR && o && o->cancel && atomic_load(o->cancel)) {
		snprintf(err, (size_t)errlen, "%s: render interrupted; nothing written", out);
		rc = -1;
	}
	if (rc)
		goto out;
	fs.sf = sfout_open(&so, af.fd, af.direct, &info);
	if (!fs.sf) {
		snprintf(err, (size_t)errlen, "%s: cannot write: %s", out,
			 so.err ? strerror(so.err) : sf_strerror(NULL));
		atomicfile_abort(&af);
		rc = ST_OUTPUT;
		goto out;
	}
	/* A float WAV's PEAK chunk holds the time of writing: without it the
	 * same render gives the same bytes (manifests, verify). */
	sf_command(fs.sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
	if (o && o->ntags && tags_write(fs.sf, o->tags, o->ntags, err, errlen)) {
		sf_close(fs.sf);
		atomicfile_abort(&af);
		rc = ST_USAGE;
		goto out;
	}
	/* The file's writes on a thread of their own: the kernel's copies
	 * into the page cache were a sixth of the caller's thread. */
	if (render_threads(o))
		(void)sfout_async(&so);
	errno = 0;
	rc = render_run(f, rate, v, &fs.base, o, chk ? &chk->max_gr_db : NULL, err, errlen);
	if (rc == ST_OUTPUT)
		snprintf(err, (size_t)errlen, "%s: write failed: %s", out,
			 so.err ? strerror(so.err) : errno ? strerror(errno) : sf_strerror(fs.sf));
	/* sf_close writes the final header sizes, and the FLAC encoder its
	 * last frames: a failure there is a failed render. */
	e = sfout_close(&so, fs.sf);
	if (e && rc == ST_OK) {
		snprintf(err, (size_t)errlen, "%s: write failed: %s", out, strerror(e));
		rc = ST_OUTPUT;
	}
	/* An ISRC goes into a FLAC file once it is complete (tags.h). */
	if (rc == ST_OK && o && o->ntags && (format & SF_FORMAT_TYPEMASK) == SF_FORMAT_FLAC)
		rc = tags_flac_finish(&af, o->tags, o->ntags, err, errlen);
	/* A loudness search's render that missed its target is thrown
	 * away: the search tries again, and nothing reaches OUT's name. */
	if (rc == ST_OK && chk) {
		chk->lufs = lufs_integrated(fs.m);
		if (!(fabs(chk->lufs - chk->target) <= chk->tol))
			rc = RENDER_MISSED;
	}
	/* Closing flushes the last writes and fsyncs, which can take longer
	 * than all the audio did: a signal in that time still interrupts. */
	if (rc == ST_OK && o && o->cancel && atomic_load(o->cancel))
		rc = -1;
	if (rc == ST_OK)
		rc = atomicfile_commit(&af, err, errlen);
	else
		atomicfile_abort(&af);
	if (rc == -1)
		snprintf(err, (size_t)errlen, "%s: render interrupted; nothing written", out);
out:
	free(fs.ibuf);
	free(fs.raw);
	lufs_free(fs.m);
	return rc;
}

int render_open_input(struct source **src, const char *in, const struct render_opts *o,
		      char *err, int errlen)
{
	int rc = source_open(src, in, err, errlen);
	if (rc == ST_OK && o && o->rate && o->rate != source_rate(*src))
		rc = source_convert(*src, o->rate, src, err, errlen);
	return rc;
}

int render_file(const char *in, const char *out, const double v[P_COUNT],
		const struct render_opts *o, struct render_result *res,
		char *err, int errlen)
{
	struct source *src;
	int rc, format;

	rc = render_check_output(in, out, o && o->bits ? o->bits : 24, &format, err, errlen);
	if (rc)
		return rc;
	rc = render_open_input(&src, in, o, err, errlen);
	if (rc)
		return rc;
	struct feed f = { .src = src };
	rc = render_write(&f, source_rate(src), in, out, v, o, NULL, err, errlen);
	if (res && rc == ST_OK) {
		res->frames = source_frames(src);
		res->rate = source_rate(src);
	}
	source_close(src);
	return rc;
}

/* Integrated loudness of a feed through the chain (lufs.h: exact gating,
 * and a fraction of libebur128's cost, which was a third of a --target
 * search). */
int render_measure_feed(struct feed *f, int rate, const double v[P_COUNT], double *lufs,
			double *max_gr_db, const struct render_opts *o, char *err, int errlen)
{
	struct meter_sink ms = { { meter_write }, lufs_new((unsigned)rate) };
	int rc;

	if (!ms.m) {
		snprintf(err, (size_t)errlen, "out of memory");
		return ST_INPUT;
	}
	rc = render_run(f, rate, v, &ms.base, o, max_gr_db, err, errlen);
	if (rc == ST_OK)
		*lufs = lufs_integrated(ms.m);
	if (rc == ST_OUTPUT)
		snprintf(err, (size_t)errlen, "out of memory");
	if (rc == -1)
		snprintf(err, (size_t)errlen, "interrupted");
	lufs_free(ms.m);
	return rc;
}

int render_measure(const char *in, const double v[P_COUNT], double *lufs,
		   double *max_gr_db, const struct render_opts *o,
		   char *err, int errlen)
{
	struct source *src;
	int rc = render_open_input(&src, in, o, err, errlen);

	if (rc)
		return rc;
	struct feed f = { .src = src };
	rc = render_measure_feed(&f, source_rate(src), v, lufs, max_gr_db, o, err, errlen);
	source_close(src);
	return rc;
}

