/* Second-order sections shared by hpf, eq and imager: design in user units
 * and a stereo run loop.  Coefficients and state are double: a -12 dB bell
 * at 30 Hz has poles within 1e-4 of the unit circle, where float
 * coefficients would move the response by tenths of a dB. */
#ifndef LATHE_BIQUAD_H
#define LATHE_BIQUAD_H

/* H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2) */
struct bq {
	double b0, b1, b2, a1, a2;
};

/* Transposed direct form II state of one section for L and R. */
struct bq_state {
	double s1[2], s2[2];
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

/* RBJ cookbook analog prototypes; gain in dB, q as in the cookbook. */
struct bq_analog bq_proto_peak(double gain_db, double q);
struct bq_analog bq_proto_low_shelf(double gain_db, double q);
struct bq_analog bq_proto_high_shelf(double gain_db, double q);
/* |H(j f/f0)|^2 of an analog prototype. */
double bq_analog_mag2(const struct bq_analog *a, double f_over_f0);

/* Magnitude-matched design of an EQ prototype at centre/corner f0: poles
 * by the matched z-transform, numerator fitted to the analog magnitude
 * (near-minimax in dB) up to fit_hi Hz.  f0 should be <= 0.45 rate.
 * kind: 0 peak, 1 low shelf, 2 high shelf. */
enum bq_eq_kind { BQ_PEAK, BQ_LOW_SHELF, BQ_HIGH_SHELF };
void bq_design_eq(struct bq *c, double rate, enum bq_eq_kind kind,
                  double f0, double gain_db, double q);
/* The same in closed form, bounded time, for values in motion: matched
 * at DC, f0 and Nyquist only (tenths of a dB off near Nyquist).  c keeps
 * its old value in the rare case no stable section comes out. */
void bq_design_eq_fast(struct bq *c, double rate, enum bq_eq_kind kind,
                       double f0, double gain_db, double q);
/* Upper edge of the fitted band at a sample rate. */
double bq_fit_hi(double rate);
struct bq_analog bq_proto(enum bq_eq_kind kind, double gain_db, double q);

/* |H(e^jw)|^2 of a section at frequency f. */
double bq_mag2(const struct bq *c, double rate, double f);

/* In place on n samples of both channels. */
void bq_run(const struct bq *c, struct bq_state *s, double *L, double *R, int n);
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
#define BQ_MAX_CASCADE 5
void bq_run_cascade(const struct bq *const *c, struct bq_df1 *const *s, int n_sec,
                    float *L, float *R, int n);
/* As bq_sanitize, for DF1 state. */
int bq_df1_sanitize(struct bq_df1 *s);
/* Flush denormal-sized state to zero and clear state that is not finite.
 * Returns 1 when the state had to be cleared. */
int bq_sanitize(struct bq_state *s);

#endif
