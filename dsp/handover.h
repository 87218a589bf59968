/* A lock-free handover of the newest value from one thread to another: a
 * triple buffer.  Neither side ever waits or retries: the writer fills
 * its own slot and swaps it with the middle one, the reader swaps the
 * middle one for its own when it is fresh.  One writer thread and one
 * reader thread per handover. */
#ifndef LATHE_HANDOVER_H
#define LATHE_HANDOVER_H
#include <stdatomic.h>

#define HANDOVER_FRESH 4u

/* Declares struct NAME holding three T: slot[back] is the writer's,
 * slot[front] the reader's, mid (plus the FRESH bit) the one between. */
#define HANDOVER(NAME, T)                                 \
	struct NAME {                                     \
		T slot[3];                                \
		_Atomic unsigned mid;                     \
		unsigned back, front;                     \
	}

#define handover_init(h) \
	((h)->back = 0, (h)->front = 2, atomic_init(&(h)->mid, 1u))
/* Writer: fill *handover_back(h), then handover_publish(h). */
#define handover_back(h) (&(h)->slot[(h)->back])
#define handover_publish(h)                                                          \
	((h)->back = atomic_exchange_explicit(&(h)->mid, (h)->back | HANDOVER_FRESH,  \
	                                      memory_order_acq_rel) & 3u)
/* Reader: 1 when a newer value arrived; it is then at *handover_front(h). */
static inline int handover_fetch_(_Atomic unsigned *mid, unsigned *front)
{
	if (!(atomic_load_explicit(mid, memory_order_relaxed) & HANDOVER_FRESH))
		return 0;
	*front = atomic_exchange_explicit(mid, *front, memory_order_acq_rel) & 3u;
	return 1;
}
#define handover_fetch(h) handover_fetch_(&(h)->mid, &(h)->front)
#define handover_front(h) (&(h)->slot[(h)->front])
#endif
