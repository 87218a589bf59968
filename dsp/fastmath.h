/* Cheap log2 and exp2 for per-sample level detection (the compressor, the
 * dynamic EQ): written so GCC vectorises them over a block. */
#ifndef LATHE_FASTMATH_H
#define LATHE_FASTMATH_H
#include <stdint.h>

/* log2 and exp2 good to about 1e-6 relative: 1e-5 dB, far below what the
 * static curve needs, at a fraction of libm's cost.  Forced inline: GCC
 * kept them out of line in the compressor's target_clones loops, a call
 * per sample that was a quarter of a render's time. */
static inline __attribute__((always_inline)) float fast_log2(float x)
{
	union { float f; uint32_t u; } v = { x };
	/* Split at sqrt(2): mantissa in [sqrt(1/2), sqrt(2)). */
	uint32_t adj = (v.u + 0x004afb0du) & 0xff800000u; /* exponent after rounding */
	int e = (int)(adj >> 23) - 127;
	v.u -= adj - 0x3f800000u;
	float mm = v.f;
	/* log2(m) = 2/ln2 * atanh(s), s = (m - 1) / (m + 1), |s| < 0.172 */
	float s = (mm - 1.0f) / (mm + 1.0f), s2 = s * s;
	float p = s * (2.8853900818f + s2 * (0.9617966939f + s2 * (0.5770780164f + s2 * 0.4121985831f)));
	return (float)e + p;
}

static inline __attribute__((always_inline)) float fast_exp2(float y)
{
	y = y < -126.0f ? -126.0f : y;
	y = y > 126.0f ? 126.0f : y;
	/* y + 127.5 > 0, so truncation is floor: k - 127 = round(y). */
	int k = (int)(y + 127.5f);
	float f = y - (float)(k - 127); /* f in [-0.5, 0.5] */
	float p = 1.0f + f * (0.6931471806f + f * (0.2402265070f + f * (0.0555041087f +
	          f * (0.0096181291f + f * (0.0013333558f + f * 0.0001540353f)))));
	union { float f; uint32_t u; } v;
	v.u = (uint32_t)k << 23;
	return p * v.f;
}

#endif
