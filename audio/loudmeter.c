/* Loudness metering for the live thread.  See loudmeter.h.
 *
 * Cost: libebur128 on the master (its double-precision K filter per
 * sample and channel, the filtered audio kept in a ring and summed again
 * for every window asked of it) was some 35% of the audio thread's time
 * with the default chain (perf, play --device null).  Everything here is
 * instead built on 100 ms block energies from lathe's own K filter
 * (lufs.c, lufs_sum_stereo: both channels in one vector, within 0.001 LU
 * of libebur128), one meter per path, both filtered in one pass
 * (lufs_sum_stereo2: 256-bit lanes where the CPU has AVX, under half the
 * instructions of two passes); the rest is a handful of operations per
 * 100 ms block and a bounded histogram scan per read.
 *
 * Momentary and short-term are the mean energy of the last 4 and 30
 * blocks, which is their BS.1770 definition, updated at 10 Hz as EBU Tech
 * 3341 asks.
 *
 * Integrated loudness: BS.1770 gating blocks are 400 ms long and overlap
 * by 75%, so one ends with every 100 ms block and its energy is the mean
 * of the last four, which we have.  Their energies go into a histogram of
 * 0.1 dB bins from -70 LUFS (the absolute gate) to +30 LUFS, libebur128's
 * histogram mode, with each bin's energy sum kept as well as its count so
 * the mean is exact; the relative gate (-10 LU) can only fall on a bin.
 * One histogram since the meter was made (`integrated`), one that
 * loudmeter_mark clears with a memset (`since_mark`, the reference match:
 * a real integrated loudness that can be restarted from the audio thread
 * whenever the settings change).
 *
 * LRA (EBU Tech 3342) as libebur128 computes it in histogram mode:
 * short-term energies every second once 3 s are in, absolute gate -70
 * LUFS, relative gate 20 LU below the mean of those (bin centres, as the
 * library sums them), then the 10th and 95th percentiles of what is left
 * by the library's rank rule, read as bin centres.
 *
 * True peak is not measured here: the chain already detects it on its
 * output with its own oversampler.
 *
 * A/B matching: block energies of both paths, gated at -60 LUFS, are
 * averaged with a 4 s time constant.  Power averaging weights loud
 * passages the way integrated loudness does, so the offset converges to
 * the difference of integrated loudness over the recent past, yet follows
 * a parameter change within seconds (integrated loudness since the start
 * of play would take the whole song to forget an old setting). */
#include "loudmeter.h"
#include "lufs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MS 100
#define M_BLOCKS 4   /* 400 ms */
#define S_BLOCKS 30  /* 3 s */
#define LRA_HOP 10   /* a short-term energy every 1 s */
#define MATCH_TAU_S 4.0
#define MATCH_GATE_LUFS -60.0
#define HIST_LO -70.0   /* absolute gate */
#define HIST_BINS 1000  /* 0.1 dB, to +30 LUFS */

/* Blocks above the absolute gate by 0.1 dB bin: how many, and the energy
 * they brought; the totals kept as they come so a read need not sum the
 * whole histogram for the relative gate. */
struct hist {
	unsigned count[HIST_BINS];
	double sum[HIST_BINS];
	unsigned long n;
	double total;
};

struct loudmeter {
	/* The master's and the dry path's K filters (lufs.c). */
	struct lufs_meter *wet, *dry;
	double wsum, dsum;        /* this block's K-weighted energy so far */
	int dry_gap;              /* a part of this block came without dry */
	unsigned block, fill;     /* frames per block, frames into this one */
	double ew[S_BLOCKS];      /* last block energies of the master, a ring */
	int head, count;
	unsigned long blocks;     /* 100 ms blocks since the meter was made */
	double pw, pd, match_a;   /* A/B: averaged powers, per-block coefficient */
	int primed;
	float offset_db;
	struct hist whole;    /* gating blocks since the meter was made */
	struct hist mark;     /* gating blocks since the mark */
	unsigned hblocks;     /* 100 ms blocks since the mark */
	struct hist st;       /* short-term energies for LRA (bin centres) */
	/* The histogram readings, recomputed only when a block has ended
	 * or the mark moved (reads come 2-3 times per block). */
	unsigned long seq, read_seq;
	float integrated, lra, since_mark;
};

struct loudmeter *loudmeter_new(unsigned rate)
{
	struct loudmeter *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	l->block = rate * BLOCK_MS / 1000;
	l->match_a = 1.0 - exp(-BLOCK_MS * 1e-3 / MATCH_TAU_S);
	l->wet = lufs_new(rate);
	l->dry = lufs_new(rate);
	if (!l->wet || !l->dry) {
		loudmeter_free(l);
		return NULL;
	}
	l->read_seq = (unsigned long)-1;
	return l;
}

void loudmeter_free(struct loudmeter *l)
{
	if (!l)
		return;
	lufs_free(l->wet);
	lufs_free(l->dry);
	free(l);
}

static double lufs_of(double e) { return -0.691 + 10.0 * log10(e); }

/* The bin of energy e, or -1 below the absolute gate. */
static int hist_bin(double e)
{
	if (!(e > 0))
		return -1;
	double lufs = lufs_of(e);
	if (lufs < HIST_LO)
		return -1;
	int b = (int)((lufs - HIST_LO) * 10.0);
	return b < HIST_BINS ? b : HIST_BINS - 1;
}

static void hist_add(struct hist *h, int b, double e)
{
	h->count[b]++;
	h->sum[b] += e;
	h->n++;
	h->total += e;
}

/* The first bin whose centre is at or above gate (LUFS): a bin counts
 * when its lower edge is, half a bin's grace, as the histogram can tell
 * no finer. */
static int hist_from(double gate)
{
	double x = (gate - 0.05 - HIST_LO) * 10.0;
	int b = x > 1.0 ? (x < HIST_BINS ? (int)x - 1 : HIST_BINS) : 0;

	while (b < HIST_BINS && HIST_LO + b * 0.1 < gate - 0.05)
		b++;
	return b;
}

/* The gated mean: blocks above -70 LUFS, then above the mean of those
 * minus 10 LU. */
static float hist_gated(const struct hist *h)
{
	double s = 0;
	unsigned long n = 0;

	if (h->n == 0)
		return -INFINITY;
	for (int b = hist_from(lufs_of(h->total / (double)h->n) - 10.0); b < HIST_BINS; b++) {
		s += h->sum[b];
		n += h->count[b];
	}
	return n ? (float)lufs_of(s / (double)n) : -INFINITY;
}

/* EBU Tech 3342's loudness range of the short-term histogram, by
 * libebur128's rule: the relative gate 20 LU below the mean, the
 * percentiles' ranks (size - 1) * p rounded, each read as the centre of
 * the bin where the running count first passes the rank. */
static float hist_lra(const struct hist *h)
{
	unsigned long m = 0, c = 0, lo, hi;
	int b0, j, jl;

	if (h->n == 0)
		return 0.0f;
	b0 = hist_from(lufs_of(h->total / (double)h->n) - 20.0);
	for (j = b0; j < HIST_BINS; j++)
		m += h->count[j];
	if (m == 0)
		return 0.0f;
	lo = (unsigned long)((double)(m - 1) * 0.1 + 0.5);
	hi = (unsigned long)((double)(m - 1) * 0.95 + 0.5);
	for (j = b0; c <= lo; j++)
		c += h->count[j];
	jl = j - 1;
	for (; c <= hi; j++)
		c += h->count[j];
	return (float)((j - 1 - jl) * 0.1);
}

/* Mean energy of the last n blocks (n <= count). */
static double mean_energy(const struct loudmeter *l, int n)
{
	double s = 0;

	for (int i = 1; i <= n; i++)
		s += l->ew[(l->head - i + S_BLOCKS) % S_BLOCKS];
	return s / n;
}

static void gate_block(struct loudmeter *l)
{
	if (l->count < M_BLOCKS)
		return;
	double s = mean_energy(l, M_BLOCKS);
	int b = hist_bin(s);
	if (b < 0)
		return;
	hist_add(&l->whole, b, s);
	/* A 400 ms gating block is whole only after four 100 ms ones since
	 * the mark: before that it would hold audio of the old settings. */
	if (l->hblocks >= M_BLOCKS)
		hist_add(&l->mark, b, s);
}

static void lra_block(struct loudmeter *l)
{
	if (l->blocks < S_BLOCKS || l->blocks % LRA_HOP)
		return;
	int b = hist_bin(mean_energy(l, S_BLOCKS));
	if (b >= 0)
		hist_add(&l->st, b, pow(10.0, (HIST_LO + (b + 0.5) * 0.1 + 0.691) / 10.0));
}

void loudmeter_mark(struct loudmeter *l)
{
	memset(&l->mark, 0, sizeof l->mark);
	l->hblocks = 0;
	l->seq++;
}

static void end_block(struct loudmeter *l, int with_dry)
{
	/* The mean over the block of both channels' powers, libebur128's
	 * 100 ms window. */
	double pw = l->wsum / l->block;

	l->ew[l->head] = pw;
	l->head = (l->head + 1) % S_BLOCKS;
	if (l->count < S_BLOCKS)
		l->count++;
	l->blocks++;
	l->hblocks++;
	l->seq++;
	gate_block(l);
	lra_block(l);
	if (!with_dry)
		return;
	double pd = l->dsum / l->block;
	double w = pw > 0 ? lufs_of(pw) : -HUGE_VAL;
	double d = pd > 0 ? lufs_of(pd) : -HUGE_VAL;
	if (w > MATCH_GATE_LUFS && d > MATCH_GATE_LUFS) {
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
		if (dry) {
			double ew, ed;
			lufs_sum_stereo2(l->wet, l->dry, wet, dry, k, &ew, &ed);
			l->wsum += ew;
			l->dsum += ed;
		} else {
			l->wsum += lufs_sum_stereo(l->wet, wet, k);
			l->dry_gap = 1;
		}
		l->fill += (unsigned)k;
		if (l->fill == l->block) {
			end_block(l, !l->dry_gap);
			l->fill = 0;
			l->wsum = 0;
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
	if (n > l->count)
		n = l->count;
	if (n == 0)
		return -INFINITY;
	double s = mean_energy(l, n);
	return s > 0 ? (float)lufs_of(s) : -INFINITY;
}

void loudmeter_read(struct loudmeter *l, double dt, struct loud_readings *r)
{
	(void)dt;
	if (l->read_seq != l->seq) {
		l->integrated = hist_gated(&l->whole);
		l->lra = hist_lra(&l->st);
		l->since_mark = hist_gated(&l->mark);
		l->read_seq = l->seq;
	}
	r->momentary = mean_lufs(l, M_BLOCKS);
	r->short_term = mean_lufs(l, S_BLOCKS);
	r->integrated = l->integrated;
	r->lra = l->lra;
	r->ab_offset_db = l->offset_db;
	r->since_mark = l->since_mark;
	r->since_mark_s = (float)(l->hblocks * BLOCK_MS) * 1e-3f;
}
