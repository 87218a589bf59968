/* glidebench [--sync] [--seconds S]: the audio thread's time per period
 * while a preset load makes every EQ band, the high-pass, the compressor
 * and the limiter glide at once, at 48 kHz with 5 ms (240-frame) periods,
 * paced like a sound card.  The chain runs as playback runs it (the EQ's
 * fits on the designer thread); --sync runs every design on this thread,
 * as renders do (and as playback did before).  Prints worst and mean
 * thread CPU time per period over the periods from the first load on,
 * and the share of a core over the last second, when the glides are over
 * and every part of the chain (M/S and dynamic EQ, the multiband) works. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/chain.h"
#include "dsp/params.h"

#define RATE 48000
#define PERIOD 240

static double thread_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Two presets far apart: each load moves every band (a resonant high
 * shelf near the top among them, the slowest fit) and the dynamics. */
static void preset(struct chain *c, int which)
{
	static const double eq[2][15] = {
		{ 80, 4, 0.7, 300, -3, 1.5, 2000, 2.5, 0.8, 7000, -4, 4, 16000, 5, 3 },
		{ 200, -3, 1.2, 120, 3, 0.6, 800, -2, 2, 12000, 3, 0.7, 6000, -4, 0.8 },
	};
	for (int i = 0; i < 15; i++)
		chain_set(c, P_EQ_BAND(i / 3) + i % 3, eq[which][i]);
	chain_set(c, P_HPF_FREQ, which ? 18 : 45);
	chain_set(c, P_COMP_THRESHOLD, which ? -10 : -24);
	chain_set(c, P_COMP_RATIO, which ? 1.5 : 4);
	chain_set(c, P_COMP_ATTACK, which ? 30 : 3);
	chain_set(c, P_COMP_RELEASE, which ? 400 : 80);
	chain_set(c, P_COMP_MAKEUP, which ? 0 : 4);
	chain_set(c, P_LIMITER_DRIVE, which ? 1 : 6);
	/* and every new part engaged: M/S and dynamic bands, the multiband */
	chain_set(c, P_EQ_MID1_MODE, which ? EQ_MID : EQ_SIDE);
	chain_set(c, P_EQ_MID3_DYN_RANGE, which ? -4 : -6);
	chain_set(c, P_EQ_MID3_DYN_THRESHOLD, which ? -30 : -24);
	chain_set(c, P_EQ_HIGH_MODE, which ? EQ_SIDE : EQ_MID);
	chain_set(c, P_EQ_LOW_DYN_RANGE, which ? 3 : -3);
	chain_set(c, P_MBCOMP_BYPASS, 0);
	chain_set(c, P_MBCOMP_XOVER_LOW, which ? 250 : 120);
	chain_set(c, P_MBCOMP_XOVER_HIGH, which ? 2500 : 5000);
	for (int b = 0; b < MB_BANDS; b++) {
		chain_set(c, P_MB_BAND(b) + MBB_THRESHOLD, which ? -18 : -28);
		chain_set(c, P_MB_BAND(b) + MBB_RATIO, which ? 2 : 3);
	}
	chain_set(c, P_LIMITER_RELEASE, which ? 200 : 20);
}

int main(int argc, char **argv)
{
	int sync = 0;
	double seconds = 5;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--sync"))
			sync = 1;
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else {
			fprintf(stderr, "usage: glidebench [--sync] [--seconds S]\n");
			return 2;
		}
	}
	struct chain *c = chain_new(RATE);
	if (!c || (!sync && chain_start_designer(c) != 0)) {
		fprintf(stderr, "glidebench: cannot set up the chain\n");
		return 1;
	}
	chain_enable_meters(c, 1);
	float L[PERIOD], R[PERIOD];
	int periods = (int)(seconds * RATE / PERIOD), load1 = RATE / 2 / PERIOD;
	int load2 = load1 + (periods - load1) / 2, counted = 0, steady_from = periods - RATE / PERIOD;
	double worst = 0, sum = 0, steady = 0;
	unsigned x = 1;
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);

	for (int p = 0; p < periods; p++) {
		/* Noise with a slow envelope, loud enough to work the dynamics. */
		for (int i = 0; i < PERIOD; i++) {
			double env = 0.3 + 0.25 * sin(2 * M_PI * 0.7 * (p * PERIOD + i) / RATE);
			x = x * 1664525u + 1013904223u;
			L[i] = (float)(env * ((double)(x >> 8) / 8388608.0 - 1.0));
			x = x * 1664525u + 1013904223u;
			R[i] = (float)(env * ((double)(x >> 8) / 8388608.0 - 1.0));
		}
		if (p == load1 || p == load2)
			preset(c, p == load2);
		double t0 = thread_s();
		chain_process(c, L, R, PERIOD);
		double dt = thread_s() - t0;
		if (p >= steady_from)
			steady += dt;
		if (p >= load1) {
			worst = dt > worst ? dt : worst;
			sum += dt;
			counted++;
		}
		next.tv_nsec += 1000000000L / (RATE / PERIOD);
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	double per = (double)PERIOD / RATE;
	printf("glide (%s): worst %.3f ms (%.1f%% of the 5 ms period), mean %.3f ms (%.2f%%) over %d periods, two preset loads\n",
	       sync ? "every fit on the audio thread" : "fits on the designer thread",
	       worst * 1e3, 100 * worst / per, sum / counted * 1e3, 100 * sum / counted / per, counted);
	printf("  at rest after the loads (everything engaged): %.2f%% of a core\n",
	       100 * steady / (periods - steady_from) / per);
	chain_free(c);
	return 0;
}
