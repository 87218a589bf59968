/* Loudness metering for the live thread.  See loudmeter.h.
 *
 * Cost: asking libebur128 for momentary and short-term loudness makes it
 * sum its whole 0.4 s and 3 s windows on every call; at 25 meter frames a
 * second on two paths that was half of the audio thread's time.  Instead
 * the audio is fed in exact 100 ms blocks and the library is asked only
 * for each block's K-weighted loudness (a 100 ms window); momentary and
 * short-term are then the mean energy of the last 4 and 30 blocks, which
 * is their BS.1770 definition, updated at 10 Hz as EBU Tech 3341 asks.
 * Integrated loudness and LRA come from libebur128's histograms.
 *
 * True peak is not measured here: the chain already detects it on its
 * output with its own oversampler, and libebur128's resampler would cost
 * as much again.
 *
 * A/B matching: block energies of both paths, gated at -60 LUFS, are
 * averaged with a 4 s time constant.  Power averaging weights loud
 * passages the way integrated loudness does, so the offset converges to
 * the difference of integrated loudness over the recent past, yet follows
 * a parameter change within seconds (integrated loudness since the start
 * of play would take the whole song to forget an old setting).
 *
 * Since-mark loudness (the reference match): BS.1770 gating blocks are
 * 400 ms long and overlap by 75%, so one ends with every 100 ms block and
 * its energy is the mean of the last four, which we have.  Their energies
 * go into a histogram of 0.1 dB bins from -70 to +5 LUFS (count and energy
 * sum per bin, as libebur128's histogram mode), which loudmeter_mark
 * clears with a memset: a real integrated loudness that can be restarted
 * from the audio thread whenever the settings change. */
#include "loudmeter.h"
#include "lufs.h"

#include <ebur128.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MS 100
#define M_BLOCKS 4   /* 400 ms */
#define S_BLOCKS 30  /* 3 s */
#define MATCH_TAU_S 4.0
#define MATCH_GATE_LUFS -60.0
#define HIST_LO -70.0   /* absolute gate */
#define HIST_HI 5.0
#define HIST_BINS 750   /* 0.1 dB */

struct loudmeter {
	ebur128_state *wet;
	/* The dry path needs only its 100 ms block energies (the A/B
	 * match): lathe's own K filter (lufs.c), some half of libebur128's
	 * instructions per frame (which were 7% of the audio thread's). */
	struct lufs_meter *dry;
	double dsum;              /* the dry block's K-weighted energy so far */
	int dry_gap;              /* a part of this block came without dry */
	unsigned block, fill;     /* frames per block, frames into this one */
	double ew[S_BLOCKS];      /* last block energies of the master, a ring */
	int head, count;
	double pw, pd, match_a;   /* A/B: averaged powers, per-block coefficient */
	int primed;
	float offset_db;
	/* Since the mark: gating blocks per bin, and their energy sum. */
	unsigned hcount[HIST_BINS];
	double hsum[HIST_BINS];
	unsigned hblocks;     /* 100 ms blocks since the mark */
};

struct loudmeter *loudmeter_new(unsigned rate)
{
	struct loudmeter *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	l->block = rate * BLOCK_MS / 1000;
	l->match_a = 1.0 - exp(-BLOCK_MS * 1e-3 / MATCH_TAU_S);
	l->wet = ebur128_init(2, rate, EBUR128_MODE_M | EBUR128_MODE_I |
			      EBUR128_MODE_LRA | EBUR128_MODE_HISTOGRAM);
	l->dry = lufs_new(rate);
	if (!l->wet || !l->dry) {
		loudmeter_free(l);
		return NULL;
	}
	return l;
}

void loudmeter_free(struct loudmeter *l)
{
	if (!l)
		return;
	if (l->wet)
		ebur128_destroy(&l->wet);
	lufs_free(l->dry);
	free(l);
}

static double block_lufs(ebur128_state *st)
{
	double v;

	if (ebur128_loudness_window(st, BLOCK_MS, &v) != EBUR128_SUCCESS || !(v > -200.0))
		return -HUGE_VAL;
	return v;
}

static double energy(double lufs) { return lufs > -200.0 ? pow(10.0, (lufs + 0.691) / 10.0) : 0.0; }

static void gate_block(struct loudmeter *l)
{
	double s = 0;

	/* A 400 ms gating block is whole only after four 100 ms ones since
	 * the mark: before that it would hold audio of the old settings. */
	if (++l->hblocks < M_BLOCKS)
		return;
	for (int i = 1; i <= M_BLOCKS; i++)
		s += l->ew[(l->head - i + S_BLOCKS) % S_BLOCKS];
	s /= M_BLOCKS;
	if (!(s > 0))
		return;
	double lufs = -0.691 + 10.0 * log10(s);
	if (lufs < HIST_LO)
		return;
	int b = (int)((lufs - HIST_LO) * 10.0);
	if (b >= HIST_BINS)
		b = HIST_BINS - 1;
	l->hcount[b]++;
	l->hsum[b] += s;
}

void loudmeter_mark(struct loudmeter *l)
{
	memset(l->hcount, 0, sizeof l->hcount);
	memset(l->hsum, 0, sizeof l->hsum);
	l->hblocks = 0;
}

/* The gated mean of the histogram: blocks above -70 LUFS, then above the
 * mean of those minus 10 LU. */
static float since_mark(const struct loudmeter *l)
{
	double s = 0, rel;
	unsigned long n = 0;

	for (int b = 0; b < HIST_BINS; b++) {
		s += l->hsum[b];
		n += l->hcount[b];
	}
	if (n == 0)
		return -INFINITY;
	rel = -0.691 + 10.0 * log10(s / (double)n) - 10.0;
	s = 0;
	n = 0;
	for (int b = 0; b < HIST_BINS; b++) {
		/* A bin counts when its lower edge is above the gate, as the
		 * histogram can tell no finer. */
		if (HIST_LO + b * 0.1 < rel - 0.05)
			continue;
		s += l->hsum[b];
		n += l->hcount[b];
	}
	return n ? (float)(-0.691 + 10.0 * log10(s / (double)n)) : -INFINITY;
}

static void end_block(struct loudmeter *l, int with_dry)
{
	double w = block_lufs(l->wet);

	l->ew[l->head] = energy(w);
	l->head = (l->head + 1) % S_BLOCKS;
	if (l->count < S_BLOCKS)
		l->count++;
	gate_block(l);
	if (!with_dry)
		return;
	/* The mean over the block of both channels' powers, as libebur128's
	 * 100 ms window reads it. */
	double pd = l->dsum / l->block;
	double d = pd > 0 ? -0.691 + 10.0 * log10(pd) : -HUGE_VAL;
	if (w > MATCH_GATE_LUFS && d > MATCH_GATE_LUFS) {
		double pw = energy(w);
		if (!l->primed) {
			l->pw = pw;
			l->pd = pd;
			l->primed = 1;
		} else {
			l->pw += (pw - l->pw) * l->match_a;
			l->pd += (pd - l->pd) * l->match_a;
		}
		l->offset_db = (float)(10.0 * log10(l->pw / l->pd));
	}
}

void loudmeter_add(struct loudmeter *l, const float *wet, const float *dry, size_t n)
{
	while (n > 0) {
		size_t k = l->block - l->fill;
		if (k > n)
			k = n;
		ebur128_add_frames_float(l->wet, wet, k);
		if (dry)
			l->dsum += lufs_sum_stereo(l->dry, dry, k);
		else
			l->dry_gap = 1;
		l->fill += (unsigned)k;
		if (l->fill == l->block) {
			end_block(l, !l->dry_gap);
			l->fill = 0;
			l->dsum = 0;
			l->dry_gap = 0;
		}
		wet += 2 * k;
		if (dry)
			dry += 2 * k;
		n -= k;
	}
}

/* Mean energy of the last n blocks (fewer at the start), as LUFS. */
static float mean_lufs(const struct loudmeter *l, int n)
{
	double s = 0;

	if (n > l->count)
		n = l->count;
	if (n == 0)
		return -INFINITY;
	for (int i = 1; i <= n; i++)
		s += l->ew[(l->head - i + S_BLOCKS) % S_BLOCKS];
	s /= n;
	return s > 0 ? (float)(-0.691 + 10.0 * log10(s)) : -INFINITY;
}

void loudmeter_read(struct loudmeter *l, double dt, struct loud_readings *r)
{
	double v;

	(void)dt;
	r->momentary = mean_lufs(l, M_BLOCKS);
	r->short_term = mean_lufs(l, S_BLOCKS);
	r->integrated = ebur128_loudness_global(l->wet, &v) == EBUR128_SUCCESS && v > -200.0
		? (float)v : -INFINITY;
	r->lra = ebur128_loudness_range(l->wet, &v) == EBUR128_SUCCESS ? (float)v : 0.0f;
	r->ab_offset_db = l->offset_db;
	r->since_mark = since_mark(l);
	r->since_mark_s = (float)(l->hblocks * BLOCK_MS) * 1e-3f;
}
