/* The designer thread: see designer.h. */
#include "designer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* The poll: every millisecond while requests come (a glide asks for a
 * fit per step it settles on), backing off by doubling to 16 ms once none
 * has come for a while.  Polling at 1 kHz all through playback cost this
 * thread about as much CPU as the audio thread on a VM, where each
 * wake-up is some 25 us of CPU; a fit is only the closed form's
 * refinement, so one landing 16 ms after a quiet spell is not heard. */
#define POLL_MIN_NS 1000000L
#define POLL_MAX_NS 16000000L

struct designer {
	pthread_t th;
	atomic_int stop;
	struct eq *eq;
};

static void *run(void *arg)
{
	struct designer *d = arg;
	long ns = POLL_MIN_NS;

	while (!atomic_load_explicit(&d->stop, memory_order_relaxed)) {
		if (eq_design_pending(d->eq)) {
			ns = POLL_MIN_NS;
			continue;
		}
		struct timespec ts = { 0, ns };
		nanosleep(&ts, NULL);
		if (ns < POLL_MAX_NS)
			ns *= 2;
	}
	return NULL;
}

struct designer *designer_start(struct eq *eq)
{
	struct designer *d = calloc(1, sizeof *d);

	if (!d)
		return NULL;
	d->eq = eq;
	atomic_init(&d->stop, 0);
	eq_set_async(eq, 1);
	if (pthread_create(&d->th, NULL, run, d) != 0) {
		eq_set_async(eq, 0);
		free(d);
		return NULL;
	}
	return d;
}

void designer_stop(struct designer *d)
{
	if (!d)
		return;
	atomic_store_explicit(&d->stop, 1, memory_order_relaxed);
	pthread_join(d->th, NULL);
	free(d);
}
