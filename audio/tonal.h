/* Tonal balance of a whole file: how its energy splits between a few broad
 * bands, and the overall slope of its spectrum.  These are the figures a
 * mastering engineer compares across an album to find the track that is
 * brighter, darker or heavier than the rest. */
#ifndef LATHE_TONAL_H
#define LATHE_TONAL_H
#include <stdint.h>

enum { TONAL_SUB, TONAL_LOW, TONAL_LOW_MID, TONAL_HIGH_MID, TONAL_HIGH, TONAL_AIR,
       TONAL_BANDS };

/* "sub", "low", "low_mid", "high_mid", "high", "air" */
extern const char *const tonal_band_names[TONAL_BANDS];
/* Band i spans edges[i] to edges[i + 1] Hz: 20 60 250 2k 6k 12k 20k.
 * Bands above the Nyquist frequency hold nothing. */
extern const double tonal_band_edges[TONAL_BANDS + 1];

/* Anything quieter than this, relative to the whole, reads as this. */
#define TONAL_FLOOR_DB (-120.0)

struct tonal {
	/* Energy of each band (both channels, whole file) relative to the
	 * energy from 20 Hz to 20 kHz, in dB: the six add up to 0 dB. */
	double band_db[TONAL_BANDS];
	/* Least-squares slope of the energy per third-octave band against
	 * frequency in octaves, 50 Hz to 16 kHz: pink noise reads 0, white
	 * noise +3, typical mixes a little below 0.  Brighter is higher. */
	double tilt_db_oct;
	int valid;  /* 0: silence, the figures are NaN */
};

struct tonal_state;

/* NULL when out of memory (or a rate outside 8 kHz to 768 kHz). */
struct tonal_state *tonal_new(int rate);
/* Interleaved stereo; any block size gives the same result. */
void tonal_add(struct tonal_state *t, const float *stereo, int64_t frames);
/* The figures for everything added so far. */
void tonal_get(struct tonal_state *t, struct tonal *out);
void tonal_free(struct tonal_state *t);

/* The whole file: ST_OK, or ST_INPUT with a one-line message. */
int tonal_file(const char *path, struct tonal *out, char *err, int errlen);
#endif
