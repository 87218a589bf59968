/* The analysis tap (engine.h): a copy of what the chain put out, and of
 * what went into it, for meters that run on the UI side.  The audio
 * thread only copies into a preallocated SPSC ring (no FFT, no lock, no
 * allocation); when the reader falls behind, blocks are dropped and
 * counted, never waited for.  Off until the UI asks, so `lathe play` and a
 * console showing no analysis view pay nothing. */
#include <string.h>

#include "engine_state.h"

#define TAP_SLOTS 256 /* 256 x 256 frames: 1.4 s at 48 kHz of slack for the UI */

void engine_tap_enable(struct engine *e, int on)
{
	if (on && !e->tap_ready) {
		if (spsc_init(&e->tap, TAP_SLOTS, sizeof(struct engine_tap_block)) != 0)
			return;
		e->tap_ready = 1;
	}
	if (e->tap_ready) {
		/* Drop what waited while it was off: it is not what plays now. */
		if (on && !atomic_load_explicit(&e->tap_on, memory_order_relaxed))
			while (spsc_read_slot(&e->tap))
				spsc_release(&e->tap);
		atomic_store_explicit(&e->tap_on, on, memory_order_release);
	}
}

int engine_tap_read(struct engine *e, struct engine_tap_block *b)
{
	if (!e->tap_ready)
		return 0;
	return spsc_pop(&e->tap, b) == 0;
}

unsigned engine_tap_lost(struct engine *e)
{
	return atomic_load_explicit(&e->tap_lost, memory_order_relaxed);
}

void eng_tap_free(struct engine *e)
{
	if (e->tap_ready)
		spsc_free(&e->tap);
	e->tap_ready = 0;
}

/* Audio thread: m interleaved frames of the chain's output and input,
 * the first of them at source frame pos, and the reference's m frames
 * (planar; NULL when none plays along). */
void eng_tap_push(struct engine *e, const float *post, const float *pre,
		  const float *refl, const float *refr, int m, int64_t pos)
{
	if (!atomic_load_explicit(&e->tap_on, memory_order_acquire)) {
		e->tap_fill = 0;
		return;
	}
	while (m > 0) {
		struct engine_tap_block *b = spsc_write_slot(&e->tap);
		if (!b) {
			atomic_fetch_add_explicit(&e->tap_lost, (unsigned)m, memory_order_relaxed);
			return;
		}
		if (e->tap_fill && (b->pos + e->tap_fill != pos || b->has_ref != (refl != NULL))) {
			/* A seek or a loop: the block so far goes out alone. */
			b->n = e->tap_fill;
			spsc_commit(&e->tap);
			e->tap_fill = 0;
			continue;
		}
		if (!e->tap_fill) {
			b->pos = pos;
			b->has_ref = refl != NULL;
		}
		int k = ENGINE_TAP_FRAMES - e->tap_fill;
		k = m < k ? m : k;
		memcpy(b->post + 2 * e->tap_fill, post, sizeof *post * 2 * (size_t)k);
		memcpy(b->pre + 2 * e->tap_fill, pre, sizeof *pre * 2 * (size_t)k);
		if (refl) {
			float *r = b->ref + 2 * e->tap_fill;
			for (int i = 0; i < k; i++) {
				r[2 * i] = refl[i];
				r[2 * i + 1] = refr[i];
			}
			refl += k;
			refr += k;
		}
		e->tap_fill += k;
		post += 2 * k;
		pre += 2 * k;
		pos += k;
		m -= k;
		if (e->tap_fill == ENGINE_TAP_FRAMES) {
			b->n = ENGINE_TAP_FRAMES;
			spsc_commit(&e->tap);
			e->tap_fill = 0;
		}
	}
}
