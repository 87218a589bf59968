/* Oversampled soft clipper.
 *
 * Per channel, per input sample:
 *   1x -> 2x  half-band interpolator A (KA pairs, Kaiser beta BA)
 *   2x -> 4x  half-band interpolator B (KB pairs, beta BB)
 *   4x -> 8x  half-band interpolator C (KC pairs, beta BC)
 *   clip      y = c * f(drive * v / c) at 8x
 *   then C, B and A again as decimators
 * A is the sharp one: at 2x everything from 24.1 kHz (44.1 kHz minus the
 * 20 kHz band) up must go, since it would fold into the band at 1x; B
 * and C only remove what would fold from far above, so they are short.
 * 8x, not 4x: at 4x the clipped tone's 31st to 39th harmonics (155 to
 * 195 kHz) fold straight into the band at the 4x rate, where no filter
 * can reach them (-81 dB at 21.4 kHz, -86 dB at 11.4 kHz, softness 50%).
 * Both stop bands are about 100 dB down (beta 10), which is what keeps
 * the products of a 5 kHz tone clipped 6 dB at least 90 dB down below
 * 20 kHz (tests/unit/test_clip.c measures it).
 *
 * f(u) is linear up to the knee a = 1 - softness, then a shoulder that
 * meets the line with four continuous derivatives and approaches 1, so
 * its harmonics fall off fast (as n^-6) and little lands where the
 * filters must remove it, or beyond 8x where nothing can.  Softness
 * 0 is a hard clip (its harmonics fall off slowly: more aliasing).
 *
 * Latency (counting the stages' centre taps): L = 2 KA + KB + KC/2 - 1
 * samples at 1x, constant; the bypass crossfades to the input delayed
 * by L.  All
 * per-sample recursions: the block size never changes a sample. */
#include "clip.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kaiser.h"

#define KA 32
#define BA 10.0
#define KB 8
#define BB 10.0
#define KC 4 /* even: the parities below depend on it */
#define BC 10.0
#define LAT (2 * KA + KB + KC / 2 - 1)
/* Ring sizes (powers of two, written twice so any window is contiguous). */
#define N1 64  /* 1x input: 2 KA */
#define N2 16  /* 2x into B: 2 KB */
#define N3 32  /* 4x back from C: 4 KB */
#define N5 8   /* 4x into C: 2 KC */
#define N6 16  /* 8x clipped: 4 KC - 1 */
#define N4 128 /* 2x into the last stage: 4 KA */
#define ND 128 /* dry delay: LAT + 1 */
#define BYPASS_MS 10.0

struct chan {
	float r1[2 * N1], r2[2 * N2], r3[2 * N3], r4[2 * N4], r5[2 * N5], r6[2 * N6];
	float dl[2 * ND];
	unsigned i1, i2, i3, i4, i5, i6, id;
};

struct clip {
	double rate;
	float a[KA], b[KB], c[KC];
	struct chan ch[2];
	float drive, ceil, knee, kinv; /* f's knee a and 1 / (1 - a) */
	float byp, byp_t, byp_step;
	int stale; /* the filter rings hold old samples (fully bypassed) */
};

/* Weights of the half-sample point from the K nearest samples each side,
 * a[k] for the pair at distance k + 1/2, normalised to unit DC gain. */
static void halfband(float *a, int K, double beta)
{
	double w[64], sum = 0.0;
	for (int k = 1; k <= K; k++) {
		double t = k - 0.5;
		w[k - 1] = sin(M_PI * t) / (M_PI * t) * kaiser(t / K, beta);
		sum += 2.0 * w[k - 1];
	}
	for (int k = 0; k < K; k++)
		a[k] = (float)(w[k] / sum);
}

struct clip *clip_new(double rate)
{
	struct clip *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->rate = rate;
	halfband(m->a, KA, BA);
	halfband(m->b, KB, BB);
	halfband(m->c, KC, BC);
	m->byp_step = (float)(1.0 / (BYPASS_MS * 1e-3 * rate));
	double p[P_COUNT];
	params_defaults(p);
	clip_set(m, p);
	m->byp = m->byp_t;
	clip_reset(m);
	return m;
}

void clip_free(struct clip *m)
{
	free(m);
}

void clip_reset(struct clip *m)
{
	memset(m->ch, 0, sizeof m->ch);
	m->byp = m->byp_t;
	m->stale = 0;
}

void clip_set(struct clip *m, const double p[P_COUNT])
{
	m->drive = (float)pow(10.0, p[P_CLIP_DRIVE] / 20.0);
	m->ceil = (float)pow(10.0, p[P_CLIP_CEILING] / 20.0);
	double s = p[P_CLIP_SOFTNESS] / 100.0;
	m->knee = (float)(1.0 - s);
	m->kinv = s > 1e-4 ? (float)(1.0 / s) : 0.0f;
	m->byp_t = p[P_CLIP_BYPASS] >= 0.5 ? 1.0f : 0.0f;
}

int clip_latency(const struct clip *m)
{
	(void)m;
	return LAT;
}

static inline void push(float *r, unsigned size, unsigned *i, float v)
{
	unsigned w = *i & (size - 1);
	r[w] = r[w + size] = v;
	(*i)++;
}

/* The last n samples pushed, oldest first. */
static inline const float *last(const float *r, unsigned size, unsigned i, int n)
{
	return r + ((i - 1) & (size - 1)) + size - (unsigned)n + 1;
}

/* Half-sample point between h[K - 1] and h[K] of 2K samples. */
static inline float hb_up(const float *a, int K, const float *h)
{
	float s = 0.0f;
	for (int k = 1; k <= K; k++)
		s += a[k - 1] * (h[K - k] + h[K - 1 + k]);
	return s;
}

/* Low-passed value at z[c], c = 2K - 1, from z[0 .. 4K - 2]. */
static inline float hb_down(const float *a, int K, const float *z)
{
	const int c = 2 * K - 1;
	float s = 0.0f;
	for (int k = 1; k <= K; k++)
		s += a[k - 1] * (z[c - 2 * k + 1] + z[c + 2 * k - 1]);
	return 0.5f * z[c] + 0.5f * s;
}

static inline float shape(const struct clip *m, float v)
{
	float u = fabsf(v * m->drive) / m->ceil, y;
	if (u <= m->knee)
		y = u;
	else if (m->kinv == 0.0f)
		y = 1.0f;
	else {
		/* g(z) = z / (1 + z^4)^(1/4): g' = 1 and g'' = g''' = g'''' = 0
		 * at the knee, so the curve joins the line with four
		 * continuous derivatives (a tanh shoulder joins with two),
		 * and costs two square roots instead of a tanhf. */
		float z = (u - m->knee) * m->kinv, z2 = z * z;
		y = m->knee + z / sqrtf(sqrtf(1.0f + z2 * z2)) / m->kinv;
	}
	return copysignf(y * m->ceil, v);
}

/* One input sample through the six stages; returns the sample L
 * samples ago, clipped.  Where a decimator's window stops one short of
 * the newest value, that value's partner has not arrived yet: the
 * window is centred on the even (kept) phase. */
static float run1(const struct clip *m, struct chan *c, float x)
{
	push(c->r1, N1, &c->i1, x);
	const float *h1 = last(c->r1, N1, c->i1, 2 * KA);
	float w[2] = { h1[KA - 1], hb_up(m->a, KA, h1) };
	for (int j = 0; j < 2; j++) {
		push(c->r2, N2, &c->i2, w[j]);
		const float *h2 = last(c->r2, N2, c->i2, 2 * KB);
		float v[2] = { h2[KB - 1], hb_up(m->b, KB, h2) };
		for (int k = 0; k < 2; k++) {
			push(c->r5, N5, &c->i5, v[k]);
			const float *h5 = last(c->r5, N5, c->i5, 2 * KC);
			push(c->r6, N6, &c->i6, shape(m, h5[KC - 1]));
			push(c->r6, N6, &c->i6, shape(m, hb_up(m->c, KC, h5)));
			push(c->r3, N3, &c->i3, hb_down(m->c, KC, last(c->r6, N6, c->i6, 4 * KC - 1)));
		}
		push(c->r4, N4, &c->i4, hb_down(m->b, KB, last(c->r3, N3, c->i3, 4 * KB)));
	}
	return hb_down(m->a, KA, last(c->r4, N4, c->i4, 4 * KA));
}

/* The dry delay alone, over a block: the same samples as pushing and
 * reading one at a time.  Only the last LAT samples pushed are ever read
 * (the loop below reads LAT back after its push), so a block of LAT or
 * more moves by LAT in place and leaves its last LAT in the ring; a
 * shorter one goes through the ring in runs short enough that what they
 * push never overwrites the LAT samples they read. */
static void delay(struct chan *c, float *x, int n)
{
	for (int j = 0; j < n; j++)
		x[j] = fabsf(x[j]) <= 1e6f ? x[j] : 0.0f; /* NaN fails the test */
	if (n >= LAT) {
		float t[LAT];
		memcpy(t, x + n - LAT, sizeof t);
		memmove(x + LAT, x, (size_t)(n - LAT) * sizeof *x);
		memcpy(x, last(c->dl, ND, c->id, LAT), sizeof t);
		for (int j = 0; j < LAT; j++)
			push(c->dl, ND, &c->id, t[j]);
		return;
	}
	float t[ND - LAT];
	for (int i0 = 0, mm; i0 < n; i0 += mm) {
		mm = n - i0 < ND - LAT ? n - i0 : ND - LAT;
		memcpy(t, x + i0, (size_t)mm * sizeof *x);
		memcpy(x + i0, last(c->dl, ND, c->id, LAT), (size_t)mm * sizeof *x);
		for (int j = 0; j < mm; j++)
			push(c->dl, ND, &c->id, t[j]);
	}
}

void clip_process(struct clip *m, float *L, float *R, int n)
{
	float *io[2] = { L, R };
	if (m->byp == 1.0f && m->byp_t == 1.0f) {
		/* Bypassed and staying so (the default): only the dry delay,
		 * the same samples as the loop below, without its per-sample
		 * tests (they were a tenth of a default render). */
		for (int k = 0; k < 2 && n > 0; k++)
			delay(&m->ch[k], io[k], n);
		if (n > 0)
			m->stale = 1;
		return;
	}
	for (int i = 0; i < n; i++) {
		if (m->byp != m->byp_t) {
			m->byp += m->byp < m->byp_t ? m->byp_step : -m->byp_step;
			if (fabsf(m->byp - m->byp_t) < m->byp_step)
				m->byp = m->byp_t;
		}
		if (m->byp < 1.0f && m->stale) {
			/* Coming back into circuit: the crossfade starts from
			 * the dry signal and hides the filters' start-up. */
			for (int k = 0; k < 2; k++) {
				struct chan *c = &m->ch[k];
				memset(c->r1, 0, sizeof c->r1);
				memset(c->r2, 0, sizeof c->r2);
				memset(c->r3, 0, sizeof c->r3);
				memset(c->r4, 0, sizeof c->r4);
				memset(c->r5, 0, sizeof c->r5);
				memset(c->r6, 0, sizeof c->r6);
			}
			m->stale = 0;
		}
		for (int k = 0; k < 2; k++) {
			struct chan *c = &m->ch[k];
			float x = io[k][i];
			x = fabsf(x) <= 1e6f ? x : 0.0f; /* NaN fails the test */
			push(c->dl, ND, &c->id, x);
			float dry = *last(c->dl, ND, c->id, LAT + 1);
			if (m->byp == 1.0f) {
				io[k][i] = dry;
				continue;
			}
			float y = run1(m, c, x);
			io[k][i] = m->byp == 0.0f ? y : y + m->byp * (dry - y);
		}
		if (m->byp == 1.0f)
			m->stale = 1;
	}
}
