/* The limiter's envelope (used by dsp/limiter.c only): from h[n], the
 * largest driven peak the gain must already hold at sample n, the gain g
 * of each sample: the depth's instant attack and program-dependent
 * release (the tops' hold, the low-frequency floor) and the two boxes
 * that turn the depth into a smooth gain.  Split from the limiter because
 * it is the part that decides how the limiter sounds, measured on its
 * own terms (THD+N of low tones, loudness against distortion on music);
 * the limiter keeps the delay lines, the detector's ring and h. */
#ifndef LATHE_LIMENV_H
#define LATHE_LIMENV_H

#include "limdetect.h"

/* Blocks of floor depths kept for the hold (a power of two). */
#define LIMENV_RING 128u

struct limenv {
	/* Settings: the threshold, the release's weights per frame at no
	 * and at full load (wfast, wslow), the load's weight per frame (ka),
	 * the boxes' lengths and reciprocals, the tops' longest hold and
	 * shortest spacing (frames). */
	float thr, wfast, wslow, ka, inv1, inv2;
	int B1, B2;
	unsigned hmax, gapmin;
	/* eh, bh: the depth and the first box's output by time (ring of
	 * emask + 1); s1, s2 the box sums; quiet the number of trailing
	 * zeros in eh (the sums are then known to be 0); d the depth; g the
	 * last gain. */
	float *eh, *bh;
	unsigned emask, quiet;
	double s1, s2;
	float d, g;
	/* The load: the depth's average over REL_LOAD_MS (limenv.c), which
	 * moves the release between wfast and wslow. */
	float load;
	/* The tops' hold: hc counts down the hold after the depth was last
	 * at its top, since counts from there; hold is the length in use
	 * (HOLD_GAP times the last spacing of two tops, or none), at most
	 * hmax.  dtop the depth of the last top; intop while at it. */
	unsigned hc, since, hold;
	float dtop;
	int intop;
	/* The low-frequency floor: lz the low-pass per channel (lw its
	 * coefficient), lf its larger magnitude by time (ring of lmask + 1,
	 * read back frames behind), lcur the current block's deepest floor,
	 * lheld the deepest of the last lnb blocks of lbs frames (lbk), lfl
	 * the floor after its release (lrr per frame), tb each frame's. */
	float lz[2], lw, *lf, lcur, lheld, lfl, lrr;
	unsigned lmask, back, lbs, lnb;
	float lbk[LIMENV_RING], tb[LIMDET_CH];
};

/* Rings of esize (eh, bh) and lsize (lf) floats, both powers of two.
 * Returns -1 when out of memory (limenv_free then frees what was got). */
int limenv_init(struct limenv *e, double rate, unsigned esize, unsigned lsize);
void limenv_free(struct limenv *e);
void limenv_reset(struct limenv *e);
/* Settings: release time and hold (ms), the threshold; gapmin with rate. */
void limenv_set_release(struct limenv *e, double ms, double rate);
void limenv_set_hold(struct limenv *e, double ms, double rate);
/* The driven input's low band for the floor: x0, x1 the undriven
 * samples of frames n0 .. n0 + nc - 1, dv their drives. */
void limenv_lowband(struct limenv *e, const float *x0, const float *x1,
                    const float *dv, unsigned n0, int nc);
/* The gains of frames n0 .. n0 + nc - 1 into gb from their h (hb);
 * cool says no h of the block passes the threshold. */
void limenv_block(struct limenv *e, const float *hb, float *gb, int cool,
                  unsigned n0, int nc);
#endif
