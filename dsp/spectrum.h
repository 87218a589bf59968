/* Spectrum analysis on KISS FFT: band layouts, a Hann-windowed power
 * spectrum normalised so that bins add up to the mean square, a Welch
 * average for whole files (lathe analyze --spectrum) and a live analyser
 * with ballistics for the console.  The console and the CLI read bands
 * through the same spec_band_sum, so they agree.
 *
 * Levels are dB FS RMS: 10 log10 of the mean square, the mean of both
 * channels' power; a full-scale sine reads -3.01 in its band.  None of
 * this is for the audio thread: it allocates in _new and runs FFTs. */
#ifndef LATHE_SPECTRUM_H
#define LATHE_SPECTRUM_H
#include <stdint.h>

#define SPEC_THIRDS 31        /* ISO 266 third-octave centres, 20 Hz to 20 kHz */
#define SPEC_MAX_BANDS 160
#define SPEC_FLOOR_DB (-150.0) /* what an empty band reads */

/* Nominal (labelled) centres: 20, 25, 31.5 ... 16000, 20000. */
extern const double spec_third_nominal[SPEC_THIRDS];

struct spec_bands {
	int n;
	double lo[SPEC_MAX_BANDS], hi[SPEC_MAX_BANDS], centre[SPEC_MAX_BANDS];
};

/* The 31 third octaves: exact centres 1000 * 10^(k/10), edges at
 * 10^(+-1/20) of the centre (IEC 61260 base-ten bands). */
void spec_bands_thirds(struct spec_bands *b);
/* Bands of 1/per_octave octave, centres 1000 * 2^(k/per_octave), from
 * the band that holds fmin to the one that holds fmax.  Returns the count (clipped to SPEC_MAX_BANDS). */
int spec_bands_fraction(struct spec_bands *b, int per_octave, double fmin, double fmax);

/* One windowed FFT of n points (a power of two). */
struct spec_fft;
struct spec_fft *spec_fft_new(int n);
void spec_fft_free(struct spec_fft *f);
int spec_fft_size(const struct spec_fft *f);
/* The n samples x[0], x[stride], ... are windowed and transformed; out
 * gets n/2 + 1 complex bins (re, im pairs) scaled so that re^2 + im^2 of
 * bin k is its share of the frame's mean square (one-sided), and the
 * products of two channels' bins give their cross-power the same way. */
void spec_fft_run(struct spec_fft *f, const float *x, int stride, float *out);

/* Sum of per-bin values v[0..nbins) over [lo, hi) Hz, bin k covering
 * (k - 1/2, k + 1/2) * bin_hz, edge bins weighted by their overlap. */
double spec_band_sum(const double *v, int nbins, double bin_hz, double lo, double hi);

/* FFT size for a rate: the smallest power of two >= rate, which makes a
 * 1/6 octave at 20 Hz three bins wide (a sine at a centre reads its level
 * within 0.1 dB even there). */
int spec_fft_size_for(double rate);

/* Welch's average over a whole signal: Hann frames, 50% overlap. */
struct spec_welch;
struct spec_welch *spec_welch_new(double rate);
void spec_welch_free(struct spec_welch *w);
void spec_welch_add(struct spec_welch *w, const float *stereo, int64_t frames);
/* Mean level in each band, dB FS RMS (SPEC_FLOOR_DB when empty).  The
 * tail that no full frame covered is taken in by a last frame. */
void spec_welch_bands(struct spec_welch *w, const struct spec_bands *b, double *db);

/* The live analyser.  Samples come in as they were played; bands take the
 * short FFT (rate / 16 points: ~85 ms, updated every half frame) where
 * they are at least three of its bins wide, the long one (spec_fft_size_for,
 * updated every eighth of a frame) below.  Ballistics run on audio time,
 * so the readings do not depend on how often the UI asks. */
enum spec_ballistic { SPEC_FAST, SPEC_SLOW, SPEC_PEAK };
#define SPEC_FAST_S 0.125   /* exponential, on power: the SLM "fast" */
#define SPEC_SLOW_S 1.0     /* and "slow" */
#define SPEC_HOLD_S 1.5     /* peak hold, then a fall of */
#define SPEC_FALL_DB_S 12.0

/* Stereo figures of a frequency range from the latest frames, smoothed. */
struct spec_stereo {
	double corr;     /* -1..1; NaN when the range is silent */
	double width_db; /* side over mid power, dB; -inf for mono */
	double level_db; /* mean of the channels' power */
};
enum { SPEC_LOW, SPEC_MID, SPEC_HIGH, SPEC_RANGES }; /* < 150, < 5000, above */
extern const double spec_range_edges[SPEC_RANGES + 1];

struct spec_live;
struct spec_live *spec_live_new(double rate);
void spec_live_free(struct spec_live *s);
/* Forget what was heard (a seek, a new track, a pre/post switch). */
void spec_live_reset(struct spec_live *s);
void spec_live_set_bands(struct spec_live *s, const struct spec_bands *b);
const struct spec_bands *spec_live_bands(const struct spec_live *s);
/* Interleaved stereo, any block size.  FFTs run here as soon as enough
 * new samples came in; returns 1 when the readings moved. */
int spec_live_push(struct spec_live *s, const float *stereo, int frames);
double spec_live_level(const struct spec_live *s, int band, enum spec_ballistic k);
void spec_live_stereo(const struct spec_live *s, int range, struct spec_stereo *out);
#endif
