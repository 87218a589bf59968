#include "dither.h"

#include <math.h>

/* Each lane seeded from the render's seed through splitmix64. */
void dither_init(struct dither *d, int bits, uint32_t seed)
{
	uint64_t z = 0x9E3779B97F4A7C15ULL ^ seed;

	d->bits = bits;
	for (int j = 0; j < DITHER_LANES; j++) {
		z += 0x9E3779B97F4A7C15ULL;
		uint64_t x = z;
		x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
		x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
		x ^= x >> 31;
		d->lane[j] = (uint32_t)x | 1; /* xorshift32 must not start at 0 */
	}
}

/* One group of lanes.  The dither is the difference of the two 16-bit
 * halves of an xorshift32 draw: triangular over +-1 LSB on a 1/65536 LSB
 * grid, far finer than dither needs.  Rounding is in double: a float
 * cannot hold a 24-bit step plus a fraction.  Branch-free so it
 * vectorises. */
static inline void group(uint32_t *lane, const float *x, int *out, double scale, int shift)
{
	const double hi = scale - 1, lo = -scale;

	for (int j = 0; j < DITHER_LANES; j++) {
		uint32_t r = lane[j];
		r ^= r << 13;
		r ^= r >> 17;
		r ^= r << 5;
		lane[j] = r;
		double t = ((double)(int32_t)(r & 0xffff) - (double)(int32_t)(r >> 16)) * (1.0 / 65536.0);
		double v = (double)x[j] * scale + t;
		v = v + copysign(0.5, v);      /* half away from zero, then truncate */
		v = v > hi ? hi : v;
		v = v < lo ? lo : v;
		out[j] = (int32_t)((uint32_t)(int32_t)v << shift);
	}
}

/* With AVX2 the groups run four doubles wide (the same samples either
 * way: no FMA is contracted under -std=c11).  No ifunc under the
 * sanitizers: their instrumented resolvers run too early. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("avx2", "default")))
#endif
#endif
void dither_run(struct dither *d, const float *x, int *out, int n)
{
	const double scale = d->bits == 16 ? 32768.0 : 8388608.0;
	const int shift = 32 - d->bits;
	int i = 0;

	for (; i + DITHER_LANES <= n; i += DITHER_LANES)
		group(d->lane, x + i, out + i, scale, shift);
	if (i < n) {
		/* The tail: through a padded group, so every lane still steps
		 * the same way whatever the block sizes were. */
		float px[DITHER_LANES] = { 0 };
		int po[DITHER_LANES];
		for (int j = 0; i + j < n; j++)
			px[j] = x[i + j];
		group(d->lane, px, po, scale, shift);
		for (int j = 0; i + j < n; j++)
			out[i + j] = po[j];
	}
}
