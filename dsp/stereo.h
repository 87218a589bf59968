/* Stereo figures of a signal, in the time domain: correlation of the whole
 * and of what is below 150 Hz (a 4th-order Linkwitz-Riley low-pass, so the
 * figure is the bass's alone), balance and width.  Sums of products, so a
 * whole file and a whole play through the console read the same. */
#ifndef LATHE_STEREO_H
#define LATHE_STEREO_H
#include <stdint.h>

#define STEREO_LOW_HZ 150.0

struct stereo_acc {
	double ll, rr, lr;        /* sums of products, full band */
	double bl, br, blr;       /* below STEREO_LOW_HZ */
	double b0, b1, b2, a1, a2; /* one Butterworth section, run twice */
	double z[2][2][4];        /* [stage][channel]: x1 x2 y1 y2 */
};

void stereo_init(struct stereo_acc *s, double rate);
void stereo_reset(struct stereo_acc *s);
/* Interleaved stereo; non-finite samples count as silence. */
void stereo_add(struct stereo_acc *s, const float *stereo, int64_t frames);
/* -1..1: +1 for L = R, -1 for L = -R; NaN when either side is silent. */
double stereo_correlation(const struct stereo_acc *s);
/* The same figure from any sums of products (a meter's decayed ones too);
 * NaN when either power is at or under floor. */
double stereo_corr(double ll, double rr, double lr, double floor);
double stereo_correlation_low(const struct stereo_acc *s);
/* Right over left power, dB: + leans right.  NaN for silence. */
double stereo_balance_db(const struct stereo_acc *s);
/* Side over mid power, dB: -inf for mono, 0 for independent sides. */
double stereo_width_db(const struct stereo_acc *s);
#endif
