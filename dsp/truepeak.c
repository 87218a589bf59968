#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oversample.h"
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

/* The output meter's path: the same steps as tpdet_push, inlined into a
 * loop the compiler can build for AVX2 (the 48-tap dot product is most of
 * the cost, and the same summation order gives the same values). */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("avx2", "default")))
#endif
#endif
float tpdet_run(struct tpdet *t, const float *x, int n, float peak)
{
	for (int i = 0; i < n; i++) {
		float v = x[i], ax = fabsf(v);
		if (!(ax >= 1e-30f && ax <= 1e30f))
			v = 0.0f;
		unsigned k = t->n++, w = k & (HSIZE - 1);
		float p[6];
		t->hist[w] = v;
		t->hist[w + HSIZE] = v;
		os_step(&t->oc, &t->ch, &t->hist[w + HSIZE - OS_H1 + 1], k, p);
		float q = os_refine(p);
		peak = q > peak ? q : peak;
	}
	return peak;
}

int tpdet_latency(void)
{
	return OS_DELAY;
}
