/* Loudness and peak report of a file (BS.1770 / EBU R128 via libebur128). */
#ifndef LATHE_ANALYZE_H
#define LATHE_ANALYZE_H
#include "dsp/spectrum.h"

struct analysis {
	double integrated_lufs, short_term_max_lufs, momentary_max_lufs, lra_lu;
	double true_peak_dbtp, sample_peak_dbfs, plr_db;
	double duration_s;
	int sample_rate, channels;
	/* Stereo (dsp/stereo.h): -1..1, NaN for silence. */
	double correlation, correlation_low;
	/* With analyze_file_spectrum only: dB FS RMS per third octave
	 * (spec_third_nominal), the file's mean. */
	int has_spectrum;
	double spectrum_db[SPEC_THIRDS];
};

/* ST_OK or ST_INPUT with a one-line message. */
int analyze_file(const char *path, struct analysis *a, char *err, int errlen);
/* The same, and the third-octave spectrum when spectrum is 1. */
int analyze_file_spectrum(const char *path, struct analysis *a, int spectrum,
			  char *err, int errlen);
#endif
