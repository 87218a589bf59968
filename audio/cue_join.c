/* The continuous album file: the finished masters read back and written
 * one after the other, each after its gap of digital silence, so its
 * samples are the masters' to the bit (no second render, no second
 * dither), and its CUE sheet. */
#include "cue_join.h"

#include <errno.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "render.h"
#include "source.h"
#include "sfout.h"
#include "status.h"
#include "tags.h"

#define JOIN_BLOCK 8192

/* Each master's length, and the rate they share. */
static int masters_info(const char *const *masters, struct cue_track *t, int n, int *rate,
			char *err, int errlen)
{
	*rate = 0;
	for (int i = 0; i < n; i++) {
		SF_INFO info = { 0 };
		int fd = source_open_fd(masters[i], err, errlen);
		SNDFILE *sf = fd < 0 ? NULL : sf_open_fd(fd, SFM_READ, &info, SF_FALSE);
		if (!sf) {
			if (fd >= 0) {
				close(fd);
				snprintf(err, (size_t)errlen, "%s: cannot read back the master: %s", masters[i],
					 sf_strerror(NULL));
			}
			return ST_OUTPUT;
		}
		sf_close(sf);
		close(fd);
		if (info.channels != 2 || (*rate && info.samplerate != *rate)) {
			snprintf(err, (size_t)errlen, "%s: at %d Hz, track 1 at %d Hz: one continuous file needs one rate (--rate HZ)",
				 masters[i], info.samplerate, *rate);
			return ST_USAGE;
		}
		*rate = info.samplerate;
		t[i].frames = info.frames;
	}
	return ST_OK;
}

/* Silence, then master i, appended to out. */
static int append(SNDFILE *out, int is_float, const char *master, int64_t silence, int *ibuf,
		  float *fbuf, char *err, int errlen)
{
	SF_INFO info = { 0 };
	SNDFILE *in;
	sf_count_t got;

	memset(ibuf, 0, JOIN_BLOCK * 2 * sizeof *ibuf);
	memset(fbuf, 0, JOIN_BLOCK * 2 * sizeof *fbuf);
	while (silence > 0) {
		sf_count_t k = silence < JOIN_BLOCK ? silence : JOIN_BLOCK;
		if ((is_float ? sf_writef_float(out, fbuf, k) : sf_writef_int(out, ibuf, k)) != k)
			return ST_OUTPUT;
		silence -= k;
	}
	/* Through a descriptor, as every input: a master's path may be longer
	 * than libsndfile's own open takes. */
	int fd = source_open_fd(master, err, errlen);
	in = fd < 0 ? NULL : sf_open_fd(fd, SFM_READ, &info, SF_FALSE);
	if (!in) {
		if (fd >= 0) {
			close(fd);
			snprintf(err, (size_t)errlen, "%s: cannot read back the master: %s", master, sf_strerror(NULL));
		}
		return ST_INPUT;
	}
	/* Integers carry 16- and 24-bit samples exactly (left-justified);
	 * float masters go through as floats. */
	while ((got = is_float ? sf_readf_float(in, fbuf, JOIN_BLOCK) : sf_readf_int(in, ibuf, JOIN_BLOCK)) > 0)
		if ((is_float ? sf_writef_float(out, fbuf, got) : sf_writef_int(out, ibuf, got)) != got) {
			sf_close(in);
			close(fd);
			return ST_OUTPUT;
		}
	sf_close(in);
	close(fd);
	return ST_OK;
}

int cue_join(const struct cue_join *j, struct cue_track *t, char *err, int errlen)
{
	struct atomicfile af;
	struct sfout so;
	SF_INFO info = { 0 };
	int rate, rc, e;
	int *ibuf = NULL;
	float *fbuf = NULL;
	SNDFILE *sf;

	rc = masters_info(j->masters, t, j->n, &rate, err, errlen);
	if (rc)
		return rc;
	cue_layout(rate, t, j->n);
	info.samplerate = rate;
	info.channels = 2;
	info.format = render_format_for(j->path, j->bits);
	if (!info.format) {
		snprintf(err, (size_t)errlen, "%s: cannot write this format%s (use .wav, .flac or .aiff)", j->path,
			 j->bits == 32 ? " as 32-bit float" : "");
		return ST_USAGE;
	}
	ibuf = malloc(JOIN_BLOCK * 2 * sizeof *ibuf);
	fbuf = malloc(JOIN_BLOCK * 2 * sizeof *fbuf);
	if (!ibuf || !fbuf) {
		free(ibuf);
		free(fbuf);
		snprintf(err, (size_t)errlen, "%s: out of memory", j->path);
		return ST_OUTPUT;
	}
	if (atomicfile_open(&af, j->path, 0, err, errlen)) {
		rc = ST_OUTPUT;
		goto out;
	}
	sf = sfout_open(&so, af.fd, 0, &info);
	if (!sf) {
		snprintf(err, (size_t)errlen, "%s: cannot write: %s", j->path, so.err ? strerror(so.err) : sf_strerror(NULL));
		atomicfile_abort(&af);
		rc = ST_OUTPUT;
		goto out;
	}
	sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
	rc = tags_write(sf, j->tags, j->ntags, err, errlen) ? ST_USAGE : ST_OK;
	for (int i = 0; rc == ST_OK && i < j->n; i++) {
		rc = append(sf, j->bits == 32, j->masters[i], t[i].silence, ibuf, fbuf, err, errlen);
		if (rc == ST_OK && j->cancel && atomic_load(j->cancel))
			rc = -1;
	}
	e = sfout_close(&so, sf);
	if (rc == ST_OUTPUT || (rc == ST_OK && e)) {
		snprintf(err, (size_t)errlen, "%s: write failed: %s", j->path, strerror(e ? e : EIO));
		rc = ST_OUTPUT;
	}
	if (rc == -1)
		snprintf(err, (size_t)errlen, "%s: interrupted; nothing written", j->path);
	if (rc == ST_OK)
		rc = cue_write(j->cue_path, j->path, j->title, j->performer, t, j->n, err, errlen);
	if (rc == ST_OK) {
		rc = atomicfile_commit(&af, err, errlen) ? ST_OUTPUT : ST_OK;
		if (rc)
			unlink(j->cue_path);
	} else {
		atomicfile_abort(&af);
	}
out:
	free(ibuf);
	free(fbuf);
	return rc;
}
