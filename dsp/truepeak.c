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

typedef float v8f __attribute__((vector_size(32)));

/* The first stage's dot products of k samples (os_dot on &x[i] into
 * u[i]), eight samples a vector: lane l sums x[i + l + ...], the taps
 * broadcast, with os_dot's eight partial sums and their order, so every
 * lane is the value os_dot gives.  One sample at a time, the sums across
 * a vector's lanes at the end were a third of the meter's cost. */
static inline __attribute__((always_inline)) void first_stage(const float *c, const float *x, float *u, int k)
{
	int i = 0;

	for (; i + 8 <= k; i += 8) {
		v8f a[8];
		for (int j = 0; j < 8; j++)
			a[j] = (v8f){ 0 };
		for (int q = 0; q < OS_H1; q += 8)
			for (int j = 0; j < 8; j++) {
				v8f xv;
				memcpy(&xv, x + i + q + j, sizeof xv);
				a[j] += c[q + j] * xv;
			}
		v8f s = ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
		memcpy(u + i, &s, sizeof s);
	}
	for (; i < k; i++)
		u[i] = os_dot(c, x + i, OS_H1);
}

/* x[m] of sample i's interval sits at buf[i + X0] (os_step's h + OS_H1 -
 * 1 - OS_DELAY, h = buf + i). */
#define X0 (OS_H1 - 1 - OS_DELAY)

/* os_step's second stage and os_grid_peak for k samples as vector loops:
 * the same expressions per sample (U(j) is ul[i + 2 + j], x[m + j] is
 * x[i + X0 + j]), so the same values. */
static inline __attribute__((always_inline)) void second_stage(const float *b, const float *x, const float *ul,
                                                                 float *p0, float *p2, float *p4, float *gp, int k)
{
	for (int i = 0; i < k; i++) {
		const float *xm = x + i + X0, *u = ul + i + 2;
		float sm4 = xm[-2], sm3 = u[-2], sm2 = xm[-1], sm1 = u[-1], s0 = xm[0];
		float s1 = u[0], s2 = xm[1], s3 = u[1], s4 = xm[2], s5 = u[2];
		float a = b[0] * (sm1 + s0) + b[1] * (sm2 + s1) + b[2] * (sm3 + s2) + b[3] * (sm4 + s3);
		float c = b[0] * (s0 + s1) + b[1] * (sm1 + s2) + b[2] * (sm2 + s3) + b[3] * (sm3 + s4);
		float e = b[0] * (s1 + s2) + b[1] * (s0 + s3) + b[2] * (sm1 + s4) + b[3] * (sm2 + s5);
		p0[i] = a;
		p2[i] = c;
		p4[i] = e;
		float m = fabsf(s0);
		m = fabsf(c) > m ? fabsf(c) : m;
		m = fabsf(s1) > m ? fabsf(s1) : m;
		m = fabsf(e) > m ? fabsf(e) : m;
		gp[i] = m;
	}
}

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
		/* ul[4 + i]: the half-sample point sample i's first stage
		 * makes (u[n - OS_K1]); ul[0..3] the four before it. */
		float ul[4 + CHUNK];
		const unsigned n0 = t->n;
		for (int j = 0; j < 4; j++)
			ul[j] = t->ch.u[(n0 - OS_K1 - 4 + (unsigned)j) & 7];
		first_stage(t->oc.c1, buf, ul + 4, k);
		float p0[CHUNK], p2[CHUNK], p4[CHUNK], gp[CHUNK];
		second_stage(t->oc.b, buf, ul, p0, p2, p4, gp, k);
		for (int i = 0; i < k; i++) {
			/* os_refine never reads above its grid peak times
			 * OS_SEC4 (the same product): an interval under the
			 * peak so far cannot raise it, and most are. */
			if (!(gp[i] * OS_SEC4 > peak))
				continue;
			const float p[6] = { p0[i], buf[i + X0], p2[i], ul[i + 2], p4[i], buf[i + X0 + 1] };
			float q = os_refine(p);
			peak = q > peak ? q : peak;
		}
		for (int j = k - 8 > 0 ? k - 8 : 0; j < k; j++)
			t->ch.u[(n0 + (unsigned)j - OS_K1) & 7] = ul[4 + j];
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
