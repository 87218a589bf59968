/* Album files: a list of tracks rendered through the chain as one
 * release (the comparison of the tracks is in album_report.h).
 *
 * An album file (INI, read by audio/iniload.h):
 *
 *	[album]
 *	name = Night Drive EP
 *	version = 1
 *	target = -14         ; integrated LUFS
 *	ceiling = -1         ; dBTP
 *	mode = track         ; track: each track on the target
 *	                     ; album: one gain for all, the album on the target
 *	output = masters     ; folder, relative to this file (made if missing)
 *	format = flac        ; wav, flac or aiff
 *	bits = 24            ; 16, 24 or 32f
 *	preset = glue        ; default preset of every track
 *	set = comp.ratio=2   ; --set style overrides for every track
 *
 *	artist = Somebody    ; tags of every track (a track's own win)
 *	date = 2026
 *	comment = ...
 *	continuous = Night Drive EP.flac  ; also the whole album as one file
 *	                     ; in the output folder, with a CUE sheet beside it
 *
 *	[track1]
 *	file = 01 intro.wav  ; relative to this file
 *	preset = warm        ; optional
 *	set = comp.ratio=2, eq.high_gain=-1   ; optional, after the presets
 *	output = 01 Intro    ; optional name in the output folder
 *	title = Intro        ; tags of this track's master
 *	artist = ...
 *	isrc = GB-XYZ-26-00001  ; FLAC masters and the CUE sheet carry it
 *	comment = ...
 *	gap = 2              ; seconds of silence before it (continuous file)
 *	fade_in = 0.5        ; seconds, equal-power (audio/fade.h)
 *	fade_out = 4
 *
 * Tracks are [trackN], N = 1, 2, ..., rendered in the order of N.  Every
 * mistake is refused with one line "FILE:LINE: message".  Nothing here
 * prints to stderr or exits. */
#ifndef LATHE_ALBUM_H
#define LATHE_ALBUM_H
#include <stdio.h>

#include "dsp/params.h"
#include "tags.h"

#define ALBUM_VERSION 1
#define ALBUM_MAX_TRACKS 999

enum album_mode { ALBUM_MODE_TRACK, ALBUM_MODE_ALBUM };

#define ALBUM_GAP_MAX_S 60.0

/* Metadata as the file gives it ("" = not given). */
struct album_tags {
	char title[TAG_VALUE_MAX + 1], artist[TAG_VALUE_MAX + 1];
	char comment[TAG_VALUE_MAX + 1], date[TAG_VALUE_MAX + 1];
	char isrc[16];      /* 12 characters, dashes dropped */
	int isrc_line;
};

struct album_track {
	char file[4096];    /* input, resolved against the album file's folder */
	char output[1024];  /* output name in the folder ("" = from the input) */
	double v[P_COUNT];  /* the chain for this track */
	int line;           /* of [trackN]; 0 when from the command line */
	int file_line;      /* of its file key */
	struct album_tags tags;
	double gap_s, fade_in_s, fade_out_s;
	char preset[256];   /* the preset as named (its own, else the album's,
			     * else default_preset); "" = none */
};

struct album {
	char path[4096];    /* the album file; "" when from the command line */
	char name[256];
	int has_target;  double target;
	int has_ceiling; double ceiling;
	enum album_mode mode;
	char outdir[4096];  /* resolved; "" when not given */
	char format[8];     /* "wav", "flac", "aiff"; "" when not given */
	int bits;           /* 16, 24, 32; 0 when not given */
	struct album_tags tags;   /* artist, date, comment of every track */
	char continuous[1024];    /* file name in outdir; "" = none */
	int continuous_line;
	struct album_track *tracks;
	int ntracks;
};

/* Reads and checks an album file.  Each track's chain is: defaults, its
 * preset (else the album's, else default_preset, which may be NULL), the
 * album's ceiling, the album's set, the track's set.  Track files must
 * exist (ST_USAGE otherwise: a wrong name in the file); whether they are
 * audio is album_check_audio's job.  ST_OK, ST_USAGE or ST_INPUT with one
 * line in err.  On success free with album_free. */
int album_load(const char *path, const char *default_preset, struct album *al,
	       char *err, int errlen);
void album_free(struct album *al);

/* Opens every track as audio: ST_INPUT naming the file (and the album
 * file's line) for the first one that is not usable. */
int album_check_audio(const struct album *al, char *err, int errlen);
#endif
