/* An album as one continuous file: where each track sits in it, and its
 * CUE sheet.
 *
 * The file is every track's master in order, each preceded by its gap of
 * digital silence.  A CUE sheet counts in CD frames (75 a second), so a
 * gap is lengthened by less than one frame to make its track start
 * exactly on a frame: INDEX 01 is then the track's first sample, and
 * INDEX 00 (the pregap) the first frame of the silence.  Without a gap (a
 * segue) the audio runs on untouched and INDEX 01 is the frame the track
 * starts in (at most 1/75 s early).  At rates that are not a whole number
 * of samples a frame (8, 16, 32 kHz) indexes are the nearest frame before.
 * Nothing here does I/O except cue_write. */
#ifndef LATHE_CUE_H
#define LATHE_CUE_H
#include <stdint.h>

#define CUE_FPS 75

struct cue_track {
	int64_t frames;        /* samples of the track's master */
	double gap_s;          /* silence asked for before it */
	const char *title, *performer, *isrc;   /* NULL or "" for none */
	/* Filled by cue_layout: */
	int64_t silence;       /* samples of silence before the track */
	int64_t start;         /* its first sample in the continuous file */
	int64_t index0, index1; /* CD frames; index0 -1 when there is no pregap */
};

/* Places the tracks; returns the continuous file's length in samples. */
int64_t cue_layout(int rate, struct cue_track *t, int n);

/* "mm:ss:ff" of a CD frame count. */
void cue_msf(char *buf, int size, int64_t frames);

/* 0 when s can stand in a CUE sheet's quoted field (no double quote, no
 * control character); else -1. */
int cue_text_ok(const char *s);

/* Writes the CUE sheet for audio file `file` (named in it by its last
 * path component; type WAVE for WAV and FLAC, AIFF for AIFF) atomically to
 * path.  ST_OK or ST_OUTPUT with a message. */
int cue_write(const char *path, const char *file, const char *album_title,
	      const char *album_performer, const struct cue_track *t, int n,
	      char *err, int errlen);
#endif
