/* Loudness and peak report of a file (BS.1770 / EBU R128 via libebur128). */
#ifndef LATHE_ANALYZE_H
#define LATHE_ANALYZE_H

struct analysis {
	double integrated_lufs, short_term_max_lufs, momentary_max_lufs, lra_lu;
	double true_peak_dbtp, sample_peak_dbfs, plr_db;
	double duration_s;
	int sample_rate, channels;
};

/* ST_OK or ST_INPUT with a one-line message. */
int analyze_file(const char *path, struct analysis *a, char *err, int errlen);
#endif
