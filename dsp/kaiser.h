/* The Kaiser window, for the oversampler's windowed-sinc filters (and the
 * resampler test's spectral window). */
#ifndef LATHE_KAISER_H
#define LATHE_KAISER_H

/* The window at u in [-1, 1] (0 outside), 1 at the centre; beta sets the
 * trade between main-lobe width and side-lobe level. */
double kaiser(double u, double beta);
#endif
