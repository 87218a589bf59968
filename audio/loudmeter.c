/* Loudness metering for the live thread.  See loudmeter.h.
 *
 * True peak is not measured here: the chain already detects it on its
 * output with its own 4x oversampler, and libebur128's resampler would cost
 * as much again.
 *
 * A/B matching: the short-term loudness of both paths is averaged in the
 * power domain with a 4 s time constant.  Power averaging weights loud
 * passages the way integrated loudness does, so the offset converges to the
 * difference of integrated loudness over the recent past, yet follows a
 * parameter change within seconds (integrated loudness since the start of
 * play would take the whole song to forget an old setting). */
#include "loudmeter.h"

#include <ebur128.h>
#include <math.h>
#include <stdlib.h>

#define MATCH_TAU_S 4.0
#define MATCH_GATE_LUFS -60.0 /* below this the difference is not music */

struct loudmeter {
	ebur128_state *wet, *dry;
	double pw, pd;  /* averaged short-term powers */
	int primed;
	float offset_db;
};

struct loudmeter *loudmeter_new(unsigned rate)
{
	struct loudmeter *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	l->wet = ebur128_init(2, rate, EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I |
			      EBUR128_MODE_LRA | EBUR128_MODE_HISTOGRAM);
	l->dry = ebur128_init(2, rate, EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_HISTOGRAM);
	if (!l->wet || !l->dry) {
		loudmeter_free(l);
		return NULL;
	}
	return l;
}

void loudmeter_free(struct loudmeter *l)
{
	if (!l)
		return;
	if (l->wet)
		ebur128_destroy(&l->wet);
	if (l->dry)
		ebur128_destroy(&l->dry);
	free(l);
}

void loudmeter_add(struct loudmeter *l, const float *wet, const float *dry, size_t n)
{
	ebur128_add_frames_float(l->wet, wet, n);
	if (dry)
		ebur128_add_frames_float(l->dry, dry, n);
}

static float get(int (*f)(ebur128_state *, double *), ebur128_state *st)
{
	double v;

	if (f(st, &v) != EBUR128_SUCCESS || !(v > -200.0))
		return -INFINITY;
	return (float)v;
}

void loudmeter_read(struct loudmeter *l, double dt, struct loud_readings *r)
{
	double lra;

	r->momentary = get(ebur128_loudness_momentary, l->wet);
	r->short_term = get(ebur128_loudness_shortterm, l->wet);
	r->integrated = get(ebur128_loudness_global, l->wet);
	r->lra = ebur128_loudness_range(l->wet, &lra) == EBUR128_SUCCESS ? (float)lra : 0.0f;

	float sd = get(ebur128_loudness_shortterm, l->dry);
	if (r->short_term > MATCH_GATE_LUFS && sd > MATCH_GATE_LUFS) {
		double pw = pow(10.0, r->short_term / 10.0), pd = pow(10.0, sd / 10.0);
		if (!l->primed) {
			l->pw = pw;
			l->pd = pd;
			l->primed = 1;
		} else {
			double a = 1.0 - exp(-dt / MATCH_TAU_S);
			l->pw += (pw - l->pw) * a;
			l->pd += (pd - l->pd) * a;
		}
		l->offset_db = (float)(10.0 * log10(l->pw / l->pd));
	}
	r->ab_offset_db = l->offset_db;
}
