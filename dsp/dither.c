#include "dither.h"
#include "clones.h"

#include <math.h>
#include <string.h>

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
 * cannot hold a 24-bit step plus a fraction.  Written with vector types
 * because GCC would not vectorise the scalar loop (the integer-to-double
 * steps defeated it); each lane does the same IEEE operations as the
 * scalar form would, so the samples do not depend on the CPU. */
typedef uint32_t u32x8 __attribute__((vector_size(32)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef int64_t i64x4 __attribute__((vector_size(32)));
typedef float f32x4 __attribute__((vector_size(16)));
typedef double f64x4 __attribute__((vector_size(32)));

/* a where the mask m is set, else b (a macro: a function returning a
 * 32-byte vector changes the ABI without AVX) */
#define PICK(m, a, b) ((f64x4)(((i64x4)(a) & (m)) | ((i64x4)(b) & ~(m))))

static inline void group(uint32_t *lane, const float *x, int *out, double scale, int unit)
{
	const f64x4 hi = { scale - 1, scale - 1, scale - 1, scale - 1 };
	const f64x4 lo = { -scale, -scale, -scale, -scale };
	const f64x4 sc = { scale, scale, scale, scale };
	const f64x4 step = { 1.0 / 65536, 1.0 / 65536, 1.0 / 65536, 1.0 / 65536 };
	const f64x4 half = { 0.5, 0.5, 0.5, 0.5 };
	const i64x4 sign = { INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN };
	u32x8 r;
	int32_t d[8];

	memcpy(&r, lane, sizeof r);
	r ^= r << 13;
	r ^= r >> 17;
	r ^= r << 5;
	memcpy(lane, &r, sizeof r);
	for (int j = 0; j < 8; j++)
		d[j] = (int32_t)(r[j] & 0xffff) - (int32_t)(r[j] >> 16);
	for (int g = 0; g < 8; g += 4) {
		i32x4 di;
		f32x4 xf;
		memcpy(&di, d + g, sizeof di);
		memcpy(&xf, x + g, sizeof xf);
		f64x4 t = __builtin_convertvector(di, f64x4) * step;
		f64x4 v = __builtin_convertvector(xf, f64x4) * sc + t;
		/* half away from zero (copysign), then truncate */
		v = v + (f64x4)(((i64x4)v & sign) | (i64x4)half);
		v = PICK(v > hi, hi, v);
		v = PICK(v < lo, lo, v);
		/* v is a whole number of LSBs in range: the product fits */
		i32x4 o = __builtin_convertvector(v, i32x4) * unit;
		memcpy(out + g, &o, sizeof o);
	}
}

/* With AVX2 the groups run four doubles wide (see clones.h). */
DSP_CLONES
void dither_run(struct dither *d, const float *x, int *out, int n)
{
	const double scale = d->bits == 16 ? 32768.0 : 8388608.0;
	const int unit = d->bits == 16 ? 65536 : 256;
	int i = 0;

	for (; i + DITHER_LANES <= n; i += DITHER_LANES)
		group(d->lane, x + i, out + i, scale, unit);
	if (i < n) {
		/* The tail goes through a padded group, which steps every
		 * lane and drops the draws it does not use.  So the samples
		 * depend only on where calls end: calls of whole multiples of
		 * DITHER_LANES give the samples of one long call, a shorter
		 * one mid-stream does not (5 + 59 differs from 64 from sample
		 * 5 on).  A render's calls follow from the input's length and
		 * the chain's latency alone, so a render is reproducible. */
		float px[DITHER_LANES] = { 0 };
		int po[DITHER_LANES];
		for (int j = 0; i + j < n; j++)
			px[j] = x[i + j];
		group(d->lane, px, po, scale, unit);
		for (int j = 0; i + j < n; j++)
			out[i + j] = po[j];
	}
}
