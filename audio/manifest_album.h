/* The manifest of an album render: one file for the whole release, with
 * every track's input and master (paths, SHA-256), the settings it was
 * rendered with (the drive the search chose among them), its dither seed,
 * fades, gap and tags, and the continuous file and CUE sheet when there
 * are some, so `lathe verify` can render every track again, join them
 * again and compare every byte.  JSON, one key per line. */
#ifndef LATHE_MANIFEST_ALBUM_H
#define LATHE_MANIFEST_ALBUM_H
#include <stdint.h>

#include "dsp/params.h"
#include "tags.h"

#define MANIFEST_TRACK_TAGS 8

struct manifest_track {
	char input[4096], input_sha256[65];
	char output[4096], output_sha256[65];
	double v[P_COUNT];        /* as rendered (the drive after any search) */
	uint32_t dither_seed;
	double gap_s, fade_in_s, fade_out_s;
	char tags[MANIFEST_TRACK_TAGS][TAG_VALUE_MAX + 16];   /* of its master */
	int ntags;
	/* What the CUE sheet says of it. */
	char title[TAG_VALUE_MAX + 1], performer[TAG_VALUE_MAX + 1], isrc[16];
};

struct manifest_album {
	char album_file[4096];    /* "" when from the command line */
	char name[256], artist[TAG_VALUE_MAX + 1], date[TAG_VALUE_MAX + 1];
	int bits, rate;
	double target_lufs;
	int mode_album;           /* 1: one gain for the album */
	char continuous[4096], continuous_sha256[65];   /* "" when none */
	char cue[4096], cue_sha256[65];
	struct manifest_track *tracks;
	int ntracks;
};

/* 1 when path is an album manifest (its first keys say so). */
int manifest_is_album(const char *path);

/* Writes m atomically to path.  ST_OK or ST_OUTPUT with a message. */
int manifest_album_write(const char *path, const struct manifest_album *m, char *err, int errlen);
/* Reads it back; ST_OK, ST_INPUT (unreadable), ST_USAGE (not one, or of
 * another lathe).  Free with manifest_album_free. */
int manifest_album_read(const char *path, struct manifest_album *m, char *err, int errlen);
void manifest_album_free(struct manifest_album *m);
#endif
