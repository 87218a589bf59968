/* Albums: a list of tracks rendered through the chain as one release, and
 * the comparison that tells which track stands out from the rest.
 *
 * An album file (INI, read with iniparser):
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
 *	[track1]
 *	file = 01 intro.wav  ; relative to this file
 *	preset = warm        ; optional
 *	set = comp.ratio=2, eq.high_gain=-1   ; optional, after the presets
 *	output = 01 Intro    ; optional name in the output folder
 *
 * Tracks are [trackN], N = 1, 2, ..., rendered in the order of N.  Every
 * mistake is refused with one line "FILE:LINE: message".  Nothing here
 * prints to stderr or exits. */
#ifndef LATHE_ALBUM_H
#define LATHE_ALBUM_H
#include <stdio.h>

#include "analyze.h"
#include "dsp/params.h"
#include "tonal.h"

#define ALBUM_VERSION 1
#define ALBUM_MAX_TRACKS 999

enum album_mode { ALBUM_MODE_TRACK, ALBUM_MODE_ALBUM };

struct album_track {
	char file[4096];    /* input, resolved against the album file's folder */
	char output[1024];  /* output name in the folder ("" = from the input) */
	double v[P_COUNT];  /* the chain for this track */
	int line;           /* of [trackN]; 0 when from the command line */
	int file_line;      /* of its file key */
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

/* ---- comparison ------------------------------------------------------- */

/* How far from the album's median a track may be before it is flagged. */
#define OUTLIER_LOUDNESS_LU 1.0
#define OUTLIER_LRA_LU 3.0
#define OUTLIER_PLR_DB 3.0
#define OUTLIER_TILT_DB_OCT 1.0
#define OUTLIER_BAND_DB 3.0

/* What can stand out, one bit each. */
enum {
	OUT_LOUDNESS = 1 << 0,
	OUT_LRA = 1 << 1,
	OUT_PLR = 1 << 2,
	OUT_TILT = 1 << 3,
	OUT_BAND0 = 1 << 4,  /* OUT_BAND0 << b for tonal band b */
};

struct track_figures {
	const char *name;     /* shown in reports */
	struct analysis a;
	struct tonal t;
	int ok;               /* 0: not measured (failed); left out of medians */
	/* Filled by album_compare: difference from the median, and the flags. */
	double d_lufs, d_lra, d_plr, d_tilt, d_band[TONAL_BANDS];
	unsigned flags;
};

struct album_summary {
	int n;                 /* tracks measured */
	double median_lufs, median_lra, median_plr, median_tilt;
	double median_band[TONAL_BANDS];
	double album_lufs;     /* of all tracks together, see album_loudness */
	double spread_lu;      /* loudest minus quietest */
	double max_true_peak;
	int outliers;          /* tracks with at least one flag */
};

/* The integrated loudness of tracks played one after the other: the
 * duration-weighted mean of their power.  This is what BS.1770 gating
 * gives for the whole album whenever each track's gated loudness stands
 * for its whole length (true but for long near-silent passages). */
double album_loudness(const double *lufs, const double *seconds, int n);

/* Medians, deviations and flags for the tracks with ok set. */
void album_compare(struct track_figures *t, int n, struct album_summary *s);

/* "loudness -6.0 LU, air +5.9 dB" for a track's flags ("" if none). */
void album_flag_text(const struct track_figures *t, char *buf, int size);

/* The comparison table: one row per track, the median, then one line per
 * track that stands out, saying by how much. */
void album_print_table(FILE *f, const struct track_figures *t, int n,
		       const struct album_summary *s);

/* JSON pieces, for callers that build objects around them:
 * "key": value pairs without braces, comma-separated, no trailing comma.
 * album_json_outliers writes "outlier": true|false and "outliers": {...}
 * with, for each flag, the difference from the median: loudness_off_lu,
 * lra_off_lu, plr_off_db, tilt_off_db_oct, BAND_off_db. */
void album_json_string(FILE *f, const char *s);
void album_json_figures(FILE *f, const struct track_figures *t);
void album_json_outliers(FILE *f, const struct track_figures *t);
void album_json_summary(FILE *f, const struct album_summary *s);
#endif
