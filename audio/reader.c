/* The decoder thread.  See reader.h. */
#include "reader.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ring.h"
#include "source.h"

/* 128 chunks: about 2.7 s at 48 kHz, room for a slow disk or decoder. */
#define RING_CHUNKS 128

struct reader {
	struct source *src;
	struct spsc ring;        /* of struct chunk */
	pthread_t thread;
	sem_t wake;
	atomic_int quit;
	_Atomic unsigned seek_gen;
	_Atomic int64_t seek_frame;
	_Atomic int64_t loop_a, loop_b;
	atomic_int asleep;       /* the reader is waiting for room */
	char err[512];           /* written before the CHUNK_ERROR chunk is published */
};

static void nap(struct reader *r)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	atomic_store_explicit(&r->asleep, 1, memory_order_release);
	while (sem_timedwait(&r->wake, &ts) != 0 && errno == EINTR)
		;
	atomic_store_explicit(&r->asleep, 0, memory_order_release);
}

static void *run(void *arg)
{
	struct reader *r = arg;
	unsigned gen = 0;
	int64_t pos = 0;
	int done = 0;

	while (!atomic_load_explicit(&r->quit, memory_order_acquire)) {
		unsigned g = atomic_load_explicit(&r->seek_gen, memory_order_acquire);
		if (g != gen) {
			gen = g;
			pos = atomic_load_explicit(&r->seek_frame, memory_order_acquire);
			done = 0;
			if (source_seek(r->src, pos) != 0) {
				snprintf(r->err, sizeof r->err, "%s", source_error(r->src));
				struct chunk *c;
				while (!(c = spsc_write_slot(&r->ring)) &&
				       !atomic_load_explicit(&r->quit, memory_order_acquire))
					nap(r);
				if (!c)
					break;
				*c = (struct chunk){ .gen = gen, .flags = CHUNK_ERROR, .start = pos };
				spsc_commit(&r->ring);
				done = 1;
				continue;
			}
		}
		struct chunk *c = done ? NULL : spsc_write_slot(&r->ring);
		if (!c) {
			nap(r);
			continue;
		}
		int64_t want = READER_CHUNK;
		int64_t a = atomic_load_explicit(&r->loop_a, memory_order_relaxed);
		int64_t b = atomic_load_explicit(&r->loop_b, memory_order_relaxed);
		int looping = b > a && pos < b;
		if (looping && pos + want > b)
			want = b - pos;
		int64_t n = source_read(r->src, c->data, want);
		c->gen = gen;
		c->start = pos;
		c->n = n > 0 ? (int)n : 0;
		c->flags = 0;
		if (n < 0) {
			snprintf(r->err, sizeof r->err, "%s", source_error(r->src));
			c->flags = CHUNK_ERROR;
			done = 1;
		} else if (n == 0) {
			c->flags = CHUNK_EOF;
			done = 1;
		}
		spsc_commit(&r->ring);
		pos += n > 0 ? n : 0;
		if (looping && pos == b && !done) {
			/* Read on from the loop start; the audio thread sees the
			 * jump in chunk starts and fades across it. */
			if (source_seek(r->src, a) == 0)
				pos = a;
		}
	}
	return NULL;
}

struct reader *reader_new(struct source *s)
{
	struct reader *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->src = s;
	if (spsc_init(&r->ring, RING_CHUNKS, sizeof(struct chunk)) != 0)
		goto fail_ring;
	if (sem_init(&r->wake, 0, 0) != 0)
		goto fail_sem;
	atomic_init(&r->quit, 0);
	atomic_init(&r->seek_gen, 0);
	atomic_init(&r->seek_frame, 0);
	atomic_init(&r->loop_a, 0);
	atomic_init(&r->loop_b, 0);
	atomic_init(&r->asleep, 0);
	if (source_seek(s, 0) != 0 || pthread_create(&r->thread, NULL, run, r) != 0)
		goto fail_thread;
	return r;
fail_thread:
	sem_destroy(&r->wake);
fail_sem:
	spsc_free(&r->ring);
fail_ring:
	free(r);
	return NULL;
}

void reader_free(struct reader *r)
{
	if (!r)
		return;
	atomic_store_explicit(&r->quit, 1, memory_order_release);
	sem_post(&r->wake);
	pthread_join(r->thread, NULL);
	sem_destroy(&r->wake);
	spsc_free(&r->ring);
	free(r);
}

const struct chunk *reader_peek(struct reader *r)
{
	return spsc_read_slot(&r->ring);
}

void reader_consume(struct reader *r)
{
	spsc_release(&r->ring);
	/* Wake the reader only when it sleeps and there is real room:
	 * sem_post is cheap, but not free. */
	if (atomic_load_explicit(&r->asleep, memory_order_acquire) &&
	    spsc_fill(&r->ring) < RING_CHUNKS / 2)
		sem_post(&r->wake);
}

unsigned reader_seek(struct reader *r, int64_t frame)
{
	unsigned g = atomic_load_explicit(&r->seek_gen, memory_order_relaxed) + 1;

	atomic_store_explicit(&r->seek_frame, frame, memory_order_release);
	atomic_store_explicit(&r->seek_gen, g, memory_order_release);
	sem_post(&r->wake);
	return g;
}

void reader_set_loop(struct reader *r, int64_t a, int64_t b)
{
	atomic_store_explicit(&r->loop_a, a, memory_order_relaxed);
	atomic_store_explicit(&r->loop_b, b, memory_order_relaxed);
}

const char *reader_error(const struct reader *r)
{
	return r->err;
}
