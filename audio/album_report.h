/* The album comparison: the tracks' figures against the album's median,
 * and which track stands out from the rest, for `lathe render ALBUM`,
 * `lathe analyze` of several files and the console's track list. */
#ifndef LATHE_ALBUM_REPORT_H
#define LATHE_ALBUM_REPORT_H
#include <stdio.h>

#include "analyze.h"
#include "tonal.h"

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
void album_json_figures(FILE *f, const struct track_figures *t);
void album_json_outliers(FILE *f, const struct track_figures *t);
void album_json_summary(FILE *f, const struct album_summary *s);
#endif
