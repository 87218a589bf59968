/* Lock-free exchange between exactly two threads, in C11 atomics.
 *
 * spsc: one writer, one reader, fixed-size elements, power-of-two
 * capacity (the PortAudio ring buffer's shape).  Indices run freely and are
 * masked on use, so "full" and "empty" need no spare slot.  The writer
 * publishes an element with a release store of head; the reader's acquire
 * load of head makes the element's bytes visible, and the reverse pair on
 * tail hands the slot back.  Memory is allocated once, by spsc_init.
 *
 * tbuf: a triple buffer for snapshots (meter frames).  The writer always
 * has a private back slot, the reader a private front slot, and the middle
 * one is swapped atomically.  Unlike a seqlock, no byte is ever read while
 * it is written, so the exchange is clean under ThreadSanitizer and the
 * reader never retries. */
#ifndef LATHE_RING_H
#define LATHE_RING_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct spsc {
	_Atomic size_t head; /* written by the writer only */
	char pad[64 - sizeof(size_t)]; /* head and tail on separate cache lines */
	_Atomic size_t tail; /* written by the reader only */
	size_t mask, esize;
	unsigned char *buf;
};

/* capacity is rounded up to a power of two.  0 on success. */
static inline int spsc_init(struct spsc *r, size_t capacity, size_t esize)
{
	size_t n = 1;

	while (n < capacity)
		n <<= 1;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	r->mask = n - 1;
	r->esize = esize;
	r->buf = calloc(n, esize);
	return r->buf ? 0 : -1;
}

static inline void spsc_free(struct spsc *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Writer side: a slot to fill, or NULL when full; then spsc_commit. */
static inline void *spsc_write_slot(struct spsc *r)
{
	size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t t = atomic_load_explicit(&r->tail, memory_order_acquire);

	if (h - t > r->mask)
		return NULL;
	return r->buf + (h & r->mask) * r->esize;
}

static inline void spsc_commit(struct spsc *r)
{
	size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	atomic_store_explicit(&r->head, h + 1, memory_order_release);
}

static inline int spsc_push(struct spsc *r, const void *e)
{
	void *s = spsc_write_slot(r);

	if (!s)
		return -1;
	memcpy(s, e, r->esize);
	spsc_commit(r);
	return 0;
}

/* Reader side: the oldest element, or NULL when empty; then spsc_release. */
static inline void *spsc_read_slot(struct spsc *r)
{
	size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t h = atomic_load_explicit(&r->head, memory_order_acquire);

	if (h == t)
		return NULL;
	return r->buf + (t & r->mask) * r->esize;
}

static inline void spsc_release(struct spsc *r)
{
	size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
	atomic_store_explicit(&r->tail, t + 1, memory_order_release);
}

static inline int spsc_pop(struct spsc *r, void *e)
{
	void *s = spsc_read_slot(r);

	if (!s)
		return -1;
	memcpy(e, s, r->esize);
	spsc_release(r);
	return 0;
}

/* Elements waiting; exact for either side, a hint for anyone else. */
static inline size_t spsc_fill(struct spsc *r)
{
	return atomic_load_explicit(&r->head, memory_order_acquire) -
	       atomic_load_explicit(&r->tail, memory_order_acquire);
}

static inline size_t spsc_capacity(const struct spsc *r) { return r->mask + 1; }

#define TBUF_NEW 4u  /* flag in middle: the writer published since the last read */

struct tbuf {
	_Atomic unsigned middle; /* slot index | TBUF_NEW */
	unsigned back, front;    /* private to writer and reader */
	size_t esize;
	unsigned char *slot[3];
};

static inline int tbuf_init(struct tbuf *t, size_t esize)
{
	unsigned char *m = calloc(3, esize);

	if (!m)
		return -1;
	for (int i = 0; i < 3; i++)
		t->slot[i] = m + (size_t)i * esize;
	t->esize = esize;
	t->back = 0;
	atomic_init(&t->middle, 1);
	t->front = 2;
	return 0;
}

static inline void tbuf_free(struct tbuf *t)
{
	free(t->slot[0]);
	t->slot[0] = NULL;
}

/* Writer: fill tbuf_back(), then tbuf_publish(). */
static inline void *tbuf_back(struct tbuf *t) { return t->slot[t->back]; }

static inline void tbuf_publish(struct tbuf *t)
{
	unsigned old = atomic_exchange_explicit(&t->middle, t->back | TBUF_NEW,
						memory_order_acq_rel);
	t->back = old & 3u;
}

/* Reader: returns 1 and swaps when something new was published; the
 * newest snapshot is at tbuf_front() either way. */
static inline int tbuf_fetch(struct tbuf *t)
{
	if (!(atomic_load_explicit(&t->middle, memory_order_relaxed) & TBUF_NEW))
		return 0;
	unsigned old = atomic_exchange_explicit(&t->middle, t->front,
						memory_order_acq_rel);
	t->front = old & 3u;
	return 1;
}

static inline const void *tbuf_front(const struct tbuf *t) { return t->slot[t->front]; }
#endif
