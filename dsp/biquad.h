/* Second-order sections shared by hpf, eq and imager: design in user units
 * and a stereo run loop.  Coefficients and state are double: a -12 dB bell
 * at 30 Hz has poles within 1e-4 of the unit circle, where float
 * coefficients would move the response by tenths of a dB. */
#ifndef LATHE_BIQUAD_H
#define LATHE_BIQUAD_H
#include <math.h>

/* H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2) */
struct bq {
	double b0, b1, b2, a1, a2;
};

/* Analog second-order prototype in s normalised to w0 (s = j f/f0):
 * H(s) = (n2 s^2 + n1 s + n0) / (d2 s^2 + d1 s + d0). */
struct bq_analog {
	double n2, n1, n0, d2, d1, d0;
};

void bq_identity(struct bq *c);

/* Bilinear designs, prewarped at f.  Used where the response near Nyquist
 * does not matter (high-pass below 300 Hz, crossovers below 500 Hz) and
 * where exact complementarity is needed: LP and HP Butterworth pairs built
 * here from the same f sum, squared, to bq_allpass(f, 1/sqrt 2). */
void bq_lowpass(struct bq *c, double rate, double f, double q);
void bq_highpass(struct bq *c, double rate, double f, double q);
void bq_allpass(struct bq *c, double rate, double f, double q);
/* Band-pass with 0 dB at f; first-order low- and high-pass (b2 = a2 = 0). */
void bq_bandpass(struct bq *c, double rate, double f, double q);
void bq_lowpass1(struct bq *c, double rate, double f);
void bq_highpass1(struct bq *c, double rate, double f);

/* RBJ cookbook analog prototypes; gain in dB, q as in the cookbook. */
struct bq_analog bq_proto_peak(double gain_db, double q);
struct bq_analog bq_proto_low_shelf(double gain_db, double q);
struct bq_analog bq_proto_high_shelf(double gain_db, double q);
/* |H(j f/f0)|^2 of an analog prototype. */
double bq_analog_mag2(const struct bq_analog *a, double f_over_f0);

/* Magnitude-matched design of an EQ prototype at centre/corner f0: poles
 * by the matched z-transform, numerator fitted to the analog magnitude
 * (near-minimax in dB) up to 20 kHz at 44.1 kHz (0.4535 fs, at most
 * 24 kHz) where that stays within 0.1 dB, else up to 0.4 fs when that
 * follows better below.  f0 should be <= 0.45 rate.
 * kind: 0 peak, 1 low shelf, 2 high shelf. */
enum bq_eq_kind { BQ_PEAK, BQ_LOW_SHELF, BQ_HIGH_SHELF };
void bq_design_eq(struct bq *c, double rate, enum bq_eq_kind kind,
                  double f0, double gain_db, double q);
/* To the top of the band over the whole range: one section where it
 * follows the prototype within 0.1 dB to 20 kHz (44.1 kHz; 0.4535 fs, at
 * most 24 kHz), else two fitted jointly.  Returns the number of sections
 * (1 or 2); c[1] is the identity when 1.  For a designer thread or an
 * offline render: it takes up to a few milliseconds. */
int bq_design_eq2(struct bq c[2], double rate, enum bq_eq_kind kind,
                  double f0, double gain_db, double q);
/* The same in closed form, bounded time, for values in motion: matched
 * at DC, f0 and Nyquist only (tenths of a dB off near Nyquist).  c keeps
 * its old value in the rare case no stable section comes out. */
void bq_design_eq_fast(struct bq *c, double rate, enum bq_eq_kind kind,
                       double f0, double gain_db, double q);
struct bq_analog bq_proto(enum bq_eq_kind kind, double gain_db, double q);

/* |H(e^jw)|^2 of a section at frequency f. */
double bq_mag2(const struct bq *c, double rate, double f);

/* With phi1 = sin^2(w/2), phi0 = 1 - phi1, phi2 = 4 phi0 phi1, the squared
 * magnitude of any second-order polynomial in z^-1 is linear in three
 * numbers: |b(e^jw)|^2 = B0 phi0 + B1 phi1 + B2 phi2 (see eqdesign.c). */
static inline void bq_phis(double rate, double f, double ph[3])
{
	double s = sin(M_PI * f / rate);
	double p1 = s * s, p0 = 1.0 - p1;

	ph[0] = p0;
	ph[1] = p1;
	ph[2] = 4.0 * p0 * p1;
}

/* Direct form I state of one section for L and R: the last two inputs
 * and outputs.  DF1 is the fastest double form here: the only chain of
 * dependent operations from one sample to the next is y[n-1] -> a1 y[n-1]
 * -> one subtraction (transposed DF2 has three), and each recursion is
 * what bounds these filters, not the arithmetic.  In double its roundoff
 * is far below float output resolution even for a 10 Hz section at
 * 192 kHz. */
struct bq_df1 {
	double x1[2], x2[2], y1[2], y2[2];
};

/* A cascade of n_sec sections run in place over n float frames, sample
 * by sample and both channels at once; non-finite input enters as
 * silence.  n_sec <= BQ_MAX_CASCADE. */
#define BQ_MAX_CASCADE 10
void bq_run_cascade(const struct bq *const *c, struct bq_df1 *const *s, int n_sec,
                    float *L, float *R, int n);
/* Flush denormal-sized state to zero and clear state that is not finite.
 * Returns 1 when the state had to be cleared. */
int bq_df1_sanitize(struct bq_df1 *s);

/* The one direct form I step, for every loop that runs sections on an
 * L/R pair (the cascade here, the high-pass, the compressor's
 * sidechain): coefficients and state as two-lane vectors (GCC and clang
 * vector extensions), loaded into registers for a loop and stored after.
 * Written once so every module rounds the same way. */
#if !defined(__GNUC__)
#error "dsp/biquad.h needs GCC or clang vector extensions"
#endif
typedef double bq_v2d __attribute__((vector_size(16)));

struct bq_sec {
	bq_v2d b0, b1, b2, a1, a2, x1, x2, y1, y2;
};

static inline struct bq_sec bq_sec_load(const struct bq *c, const struct bq_df1 *s)
{
	return (struct bq_sec){ { c->b0, c->b0 }, { c->b1, c->b1 }, { c->b2, c->b2 },
	                        { c->a1, c->a1 }, { c->a2, c->a2 },
	                        { s->x1[0], s->x1[1] }, { s->x2[0], s->x2[1] },
	                        { s->y1[0], s->y1[1] }, { s->y2[0], s->y2[1] } };
}

static inline void bq_sec_store(const struct bq_sec *k, struct bq_df1 *s)
{
	*s = (struct bq_df1){ { k->x1[0], k->x1[1] }, { k->x2[0], k->x2[1] },
	                      { k->y1[0], k->y1[1] }, { k->y2[0], k->y2[1] } };
}

/* Grouped so the feedback term a1 y1 is the last operation: the only
 * chain from one sample to the next is one multiply and one subtraction. */
static inline __attribute__((always_inline)) bq_v2d bq_sec_step(struct bq_sec *k, bq_v2d x)
{
	bq_v2d y = ((k->b0 * x + k->b1 * k->x1) + (k->b2 * k->x2 - k->a2 * k->y2)) - k->a1 * k->y1;
	k->x2 = k->x1;
	k->x1 = x;
	k->y2 = k->y1;
	k->y1 = y;
	return y;
}

#endif
