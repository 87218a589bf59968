/* The designer thread: see designer.h. */
#include "designer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* Idle poll: a fit lands at most this long after a glide ends, plus its
 * own design time. */
#define POLL_NS 1000000L

struct designer {
	pthread_t th;
	atomic_int stop;
	struct eq *eq;
};

static void *run(void *arg)
{
	struct designer *d = arg;
	struct timespec ts = { 0, POLL_NS };

	while (!atomic_load_explicit(&d->stop, memory_order_relaxed))
		if (!eq_design_pending(d->eq))
			nanosleep(&ts, NULL);
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
