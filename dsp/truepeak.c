#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oversample.h"
#include "clones.h"
#include "truepeak.h"

/* History ring written twice (at w and w + HSIZE) so the interpolator
 * always reads OS_H1 contiguous samples without wrapping. */
#define HSIZE 128

struct tpdet {
	struct os_coefs oc;
	struct os_chan ch;
	float hist[2 * HSIZE];
	unsigned n;
};

struct tpdet *tpdet_new(void)
{
	struct tpdet *t = malloc(sizeof *t);
	if (!t)
		return NULL;
	os_init(&t->oc);
	tpdet_reset(t);
	return t;
}

void tpdet_free(struct tpdet *t)
{
	free(t);
}

void tpdet_reset(struct tpdet *t)
{
	memset(t->hist, 0, sizeof t->hist);
	memset(&t->ch, 0, sizeof t->ch);
	t->n = 0;
}

float tpdet_push(struct tpdet *t, float x)
{
	/* NaN and inf never enter the history; denormals are flushed. */
	float ax = fabsf(x);
	if (!(ax >= 1e-30f && ax <= 1e30f))
		x = 0.0f;
	unsigned n = t->n++, w = n & (HSIZE - 1);
	float p[6];
	t->hist[w] = x;
	t->hist[w + HSIZE] = x;
	os_step(&t->oc, &t->ch, &t->hist[w + HSIZE - OS_H1 + 1], n, p);
	return os_refine(p);
}

/* The output meter's path: the same steps as tpdet_push, on a linear copy
 * of the history plus the block.  Pushing one sample at a time stores it
 * and at once reads it back inside a vector load, which the CPU cannot
 * forward from the store (a stall per sample, most of the cost); here
 * every sample is stored before any is read, so the 48-tap dot products
 * of neighbouring samples overlap.  Same summation order: same values. */
#define CHUNK 256

DSP_CLONES
float tpdet_run(struct tpdet *t, const float *x, int n, float peak)
{
	float buf[OS_H1 - 1 + CHUNK];

	while (n > 0) {
		int k = n < CHUNK ? n : CHUNK;
		/* The last OS_H1 - 1 samples pushed (zeros before the first). */
		unsigned last = (t->n - 1) & (HSIZE - 1);
		memcpy(buf, &t->hist[last + HSIZE - (OS_H1 - 1) + 1], (OS_H1 - 1) * sizeof *buf);
		for (int i = 0; i < k; i++) {
			float v = x[i], ax = fabsf(v);
			buf[OS_H1 - 1 + i] = ax >= 1e-30f && ax <= 1e30f ? v : 0.0f;
		}
		for (int i = 0; i < k; i++) {
			float p[6];
			os_step(&t->oc, &t->ch, &buf[i], t->n + (unsigned)i, p);
			float q = os_refine(p);
			peak = q > peak ? q : peak;
		}
		for (int i = 0; i < k; i++) {
			unsigned w = (t->n + (unsigned)i) & (HSIZE - 1);
			t->hist[w] = t->hist[w + HSIZE] = buf[OS_H1 - 1 + i];
		}
		t->n += (unsigned)k;
		x += k;
		n -= k;
	}
	return peak;
}

int tpdet_latency(void)
{
	return OS_DELAY;
}
