/* TPDF dither and rounding to 16 or 24 bits, for the final word length of
 * a render.  Deterministic: the same seed gives the same samples. */
#ifndef LATHE_DITHER_H
#define LATHE_DITHER_H
#include <stdint.h>

/* Independent generators, so the loop over samples vectorises. */
#define DITHER_LANES 8

struct dither {
	uint32_t lane[DITHER_LANES];
	int bits;
};

void dither_init(struct dither *d, int bits, uint32_t seed);
/* x[0..n) to integers left-justified in 32 bits (as sf_writef_int wants),
 * with +-1 LSB triangular dither, rounded and clipped to the word.  Calls
 * whose n is a multiple of DITHER_LANES, then any last one, give the
 * samples of a single call; any other split gives other (equally valid)
 * dither. */
void dither_run(struct dither *d, const float *x, int *out, int n);
#endif
