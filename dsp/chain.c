/* The chain glues the modules together and owns the three things that
 * must be the same for every module: parameter smoothing, bypass
 * crossfades and sanitising the input.
 *
 * Block-size independence: parameter values advance only at absolute frame
 * positions that are multiples of CHAIN_SUBBLOCK, and every per-sample
 * recursion (gains, crossfades, module state) is a pure function of the
 * samples so far.  Splitting the caller's block at those positions thus
 * gives identical output for any block sizes. */
#include "chain.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clip.h"
#include "comp.h"
#include "designer.h"
#include "eq.h"
#include "hpf.h"
#include "imager.h"
#include "mbcomp.h"
#include "limiter.h"
#include "truepeak.h"

#define SMOOTH_MS 30.0  /* time constant of parameter glides */
#define XFADE_MS 10.0   /* bypass crossfade length */
#define GAIN_MS 5.0     /* per-sample gain glide */
#define INPUT_LIMIT 1000.0f /* +60 dBFS: beyond this an input is garbage */

/* Modules behind the generic bypass crossfade (slot_module). */
#define NSLOTS 5
/* Frames per module call when nothing crossfades: the modules work in
 * chunks of 256 of their own, and each call's set-up (states into
 * registers and back) is paid per call. */
#define SETTLED_BLOCK 256

/* A module behind the generic bypass crossfade. */
struct slot {
	void *m;
	void (*set)(void *m, const double p[P_COUNT]);
	void (*process)(void *m, float *L, float *R, int n);
	void (*reset)(void *m);
	float bp;      /* 0 = in circuit, 1 = bypassed; moves per sample */
	int bp_target;
};

struct chain {
	double rate;
	double target[P_COUNT]; /* where the user wants each parameter */
	double cur[P_COUNT];    /* the smoothed value the DSP uses now */
	double applied[P_COUNT];/* what the modules were last told */
	uint64_t pos;           /* frames since reset: sub-block alignment */
	double smooth_k;        /* one-pole coefficient per sub-block */
	float xfade_step;       /* bypass ramp per sample */
	double gain_k;          /* per-sample one-pole for input/output gain */
	double in_g, in_g_target, out_g, out_g_target;

	struct hpf *hpf;
	struct eq *eq;
	struct designer *designer; /* live playback: the EQ's fits, off this thread */
	struct comp *comp;
	struct mbcomp *mbcomp;
	struct imager *imager;
	struct clip *clip;      /* first of the post part (run_post) */
	struct limiter *lim;
	struct slot slots[NSLOTS]; /* slot_module's, in chain order */
	float dryL[CHAIN_SUBBLOCK], dryR[CHAIN_SUBBLOCK];

	int meters_on;
	struct tpdet *tp[2];
	float peak[2], tpeak[2];
};

static double db2lin(double db) { return pow(10.0, db / 20.0); }

/* Adapters so the slot table can call every module the same way. */
#define ADAPT(name) \
	static void name##_set_v(void *m, const double p[P_COUNT]) { name##_set(m, p); } \
	static void name##_process_v(void *m, float *L, float *R, int n) { name##_process(m, L, R, n); } \
	static void name##_reset_v(void *m) { name##_reset(m); }
ADAPT(hpf)
ADAPT(eq)
ADAPT(comp)
ADAPT(mbcomp)
ADAPT(imager)

static const enum module_id slot_module[NSLOTS] = {
	MOD_HPF, MOD_EQ, MOD_COMP, MOD_MBCOMP, MOD_IMAGER,
};

struct chain *chain_new(double rate)
{
	struct chain *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	c->rate = rate;
	if (!(c->hpf = hpf_new(rate)) || !(c->eq = eq_new(rate)) ||
	    !(c->comp = comp_new(rate)) || !(c->imager = imager_new(rate)) ||
	    !(c->mbcomp = mbcomp_new(rate)) ||
	    !(c->clip = clip_new(rate)) || !(c->lim = limiter_new(rate)) ||
	    !(c->tp[0] = tpdet_new()) || !(c->tp[1] = tpdet_new()))
		goto fail;
	c->slots[0] = (struct slot){ c->hpf, hpf_set_v, hpf_process_v, hpf_reset_v, 0, 0 };
	c->slots[1] = (struct slot){ c->eq, eq_set_v, eq_process_v, eq_reset_v, 0, 0 };
	c->slots[2] = (struct slot){ c->comp, comp_set_v, comp_process_v, comp_reset_v, 0, 0 };
	c->slots[3] = (struct slot){ c->mbcomp, mbcomp_set_v, mbcomp_process_v, mbcomp_reset_v, 0, 0 };
	c->slots[4] = (struct slot){ c->imager, imager_set_v, imager_process_v, imager_reset_v, 0, 0 };
	c->smooth_k = 1.0 - exp(-CHAIN_SUBBLOCK / (SMOOTH_MS * 1e-3 * rate));
	c->gain_k = 1.0 - exp(-1.0 / (GAIN_MS * 1e-3 * rate));
	c->xfade_step = (float)(1.0 / (XFADE_MS * 1e-3 * rate));
	params_defaults(c->target);
	chain_reset(c);
	return c;
fail:
	chain_free(c);
	return NULL;
}

void chain_free(struct chain *c)
{
	if (!c)
		return;
	designer_stop(c->designer);
	hpf_free(c->hpf);
	eq_free(c->eq);
	comp_free(c->comp);
	mbcomp_free(c->mbcomp);
	imager_free(c->imager);
	clip_free(c->clip);
	limiter_free(c->lim);
	tpdet_free(c->tp[0]);
	tpdet_free(c->tp[1]);
	free(c);
}

static double gain_target(const double *v, int bypass, int gain)
{
	return v[bypass] >= 0.5 ? 1.0 : db2lin(v[gain]);
}

/* Push current values into the modules whose parameters moved. */
static void apply(struct chain *c, int force)
{
	for (int s = 0; s < NSLOTS; s++) {
		enum module_id m = slot_module[s];
		int changed = force;
		for (int i = param_first(m); i < param_end(m) && !changed; i++)
			changed = c->cur[i] != c->applied[i];
		if (!changed)
			continue;
		int bp = c->cur[param_bypass(m)] >= 0.5;
		/* A module coming back into circuit starts from clean state:
		 * what it held when bypassed is stale, and the crossfade hides
		 * the restart. */
		if (!bp && c->slots[s].bp_target && !force)
			c->slots[s].reset(c->slots[s].m);
		c->slots[s].bp_target = bp;
		c->slots[s].set(c->slots[s].m, c->cur);
	}
	int clip_changed = force;
	for (int i = param_first(MOD_CLIP); i < param_end(MOD_CLIP); i++)
		clip_changed |= c->cur[i] != c->applied[i];
	if (clip_changed)
		clip_set(c->clip, c->cur);
	int lim_changed = force;
	for (int i = param_first(MOD_LIMITER); i < param_end(MOD_LIMITER); i++)
		lim_changed |= c->cur[i] != c->applied[i];
	if (lim_changed)
		limiter_set(c->lim, c->cur);
	c->in_g_target = gain_target(c->cur, P_INPUT_BYPASS, P_INPUT_GAIN);
	c->out_g_target = gain_target(c->cur, P_OUTPUT_BYPASS, P_OUTPUT_GAIN);
	memcpy(c->applied, c->cur, sizeof c->cur);
}

void chain_reset(struct chain *c)
{
	memcpy(c->cur, c->target, sizeof c->cur);
	hpf_reset(c->hpf);
	eq_reset(c->eq);
	comp_reset(c->comp);
	mbcomp_reset(c->mbcomp);
	imager_reset(c->imager);
	limiter_reset(c->lim);
	tpdet_reset(c->tp[0]);
	tpdet_reset(c->tp[1]);
	apply(c, 1);
	clip_reset(c->clip); /* after its settings: starts on its bypass target */
	for (int s = 0; s < NSLOTS; s++)
		c->slots[s].bp = (float)c->slots[s].bp_target;
	c->in_g = c->in_g_target;
	c->out_g = c->out_g_target;
	c->pos = 0;
	c->peak[0] = c->peak[1] = c->tpeak[0] = c->tpeak[1] = 0;
}

void chain_set(struct chain *c, int id, double v)
{
	if (id >= 0 && id < P_COUNT)
		c->target[id] = param_clamp(id, v);
}

void chain_set_all(struct chain *c, const double v[P_COUNT])
{
	for (int i = 0; i < P_COUNT; i++)
		chain_set(c, i, v[i]);
}

double chain_get(const struct chain *c, int id)
{
	return c->target[id];
}

void chain_jump(struct chain *c)
{
	memcpy(c->cur, c->target, sizeof c->cur);
	apply(c, 0);
	for (int s = 0; s < NSLOTS; s++)
		c->slots[s].bp = (float)c->slots[s].bp_target;
	c->in_g = c->in_g_target;
	c->out_g = c->out_g_target;
}

void chain_set_mbcomp_solo(struct chain *c, int band)
{
	mbcomp_set_solo(c->mbcomp, band);
}

int chain_start_designer(struct chain *c)
{
	/* The settings it will start from are fitted here, where time does
	 * not matter: chain_reset on the audio thread then finds them done. */
	eq_set(c->eq, c->target);
	if (!c->designer)
		c->designer = designer_start(c->eq);
	return c->designer ? 0 : -1;
}

int chain_latency(const struct chain *c)
{
	return clip_latency(c->clip) + limiter_latency(c->lim);
}

void chain_enable_meters(struct chain *c, int on)
{
	c->meters_on = on;
}

void chain_read_meters(struct chain *c, struct chain_meters *m)
{
	for (int ch = 0; ch < 2; ch++) {
		m->peak[ch] = c->peak[ch];
		m->true_peak[ch] = c->tpeak[ch];
		c->peak[ch] = c->tpeak[ch] = 0;
	}
	m->comp_gr_db = comp_read_gr(c->comp);
	mbcomp_read_gr(c->mbcomp, m->mbcomp_gr_db);
	for (int b = 0; b < EQ_BANDS; b++)
		m->eq_dyn_db[b] = eq_dyn_offset_db(c->eq, b);
	m->limiter_gr_db = limiter_read_gr(c->lim);
}

/* One glide step, at a sub-block boundary. */
static void smooth(struct chain *c)
{
	int moved = 0;

	for (int i = 0; i < P_COUNT; i++) {
		double t = c->target[i], v = c->cur[i];
		if (v == t)
			continue;
		moved = 1;
		if (param_table[i].flags & PF_SWITCH) {
			v = t;
		} else if (param_table[i].flags & PF_LOG && v > 0 && t > 0) {
			v = exp(log(v) + (log(t) - log(v)) * c->smooth_k);
			if (fabs(log(t / v)) < 1e-4)
				v = t;
		} else {
			v += (t - v) * c->smooth_k;
			double span = param_table[i].max - param_table[i].min;
			if (fabs(t - v) < span * 1e-5)
				v = t;
		}
		c->cur[i] = v;
	}
	if (moved)
		apply(c, 0);
}

static void run_slot(struct chain *c, struct slot *s, float *L, float *R, int n)
{
	float target = (float)s->bp_target;

	if (s->bp == target) {
		if (!s->bp_target)
			s->process(s->m, L, R, n);
		return;
	}
	memcpy(c->dryL, L, (size_t)n * sizeof *L);
	memcpy(c->dryR, R, (size_t)n * sizeof *R);
	s->process(s->m, L, R, n);
	for (int i = 0; i < n; i++) {
		float b = s->bp;
		L[i] = L[i] * (1 - b) + c->dryL[i] * b;
		R[i] = R[i] * (1 - b) + c->dryR[i] * b;
		/* Step towards the target and stop on it: overshooting and
		 * stepping back would wobble between the two ends. */
		if (target > b)
			b = b + c->xfade_step > target ? target : b + c->xfade_step;
		else if (target < b)
			b = b - c->xfade_step < target ? target : b - c->xfade_step;
		s->bp = b;
	}
}

/* Per-sample gain glide; the recursion makes it partition independent. */
static void run_gain(double *g, double target, double k, float *L, float *R, int n)
{
	double v = *g;
	int i;

	if (v == target && v == 1.0)
		return;
	/* The glide snaps onto its target on a sample, not at the end of a
	 * call, so where the caller's blocks end cannot matter. */
	for (i = 0; i < n && v != target; i++) {
		v += (target - v) * k;
		if (fabs(v - target) < 1e-9)
			v = target;
		L[i] = (float)(L[i] * v);
		R[i] = (float)(R[i] * v);
	}
	for (; i < n; i++) {
		L[i] = (float)(L[i] * v);
		R[i] = (float)(R[i] * v);
	}
	*g = v;
}

/* NaN and inf become silence, absurd levels are clamped, denormals are
 * flushed so no filter ever sees one.  Written as selects, not branches,
 * so the loop vectorises. */
static void clean(float *x, int n)
{
	for (int i = 0; i < n; i++) {
		float v = x[i], a = fabsf(v);
		float y = a < 1e-30f ? 0.0f : v;
		y = a > INPUT_LIMIT ? copysignf(INPUT_LIMIT, v) : y;
		x[i] = (a == INFINITY) | (a != a) ? 0.0f : y;
	}
}

static void meter(struct chain *c, const float *L, const float *R, int n)
{
	const float *ch[2] = { L, R };

	for (int k = 0; k < 2; k++) {
		float p = c->peak[k];
		for (int i = 0; i < n; i++) {
			float a = fabsf(ch[k][i]);
			p = a > p ? a : p;
		}
		float t = tpdet_run(c->tp[k], ch[k], n, c->tpeak[k]);
		c->peak[k] = p;
		c->tpeak[k] = t > p ? t : p;
	}
}

static void run_pre(struct chain *c, float *L, float *R, int n)
{
	clean(L, n);
	clean(R, n);
	run_gain(&c->in_g, c->in_g_target, c->gain_k, L, R, n);
	for (int s = 0; s < NSLOTS; s++)
		run_slot(c, &c->slots[s], L, R, n);
}

/* The clipper belongs to the post part with the limiter: all the
 * latency is there, so a cache of the pre part's output (the loudness
 * search) is the whole signal, already aligned with the input. */
static void run_limit(struct chain *c, float *L, float *R, int n)
{
	limiter_process(c->lim, L, R, n);
	run_gain(&c->out_g, c->out_g_target, c->gain_k, L, R, n);
	/* Last line of defence: nothing non-finite reaches a speaker (NaN
	 * fails the comparison, inf exceeds it). */
	for (int i = 0; i < n; i++) {
		L[i] = fabsf(L[i]) <= FLT_MAX ? L[i] : 0.0f;
		R[i] = fabsf(R[i]) <= FLT_MAX ? R[i] : 0.0f;
	}
	if (c->meters_on)
		meter(c, L, R, n);
}

static void run_post(struct chain *c, float *L, float *R, int n)
{
	clip_process(c->clip, L, R, n);
	run_limit(c, L, R, n);
}

/* No bypass crossfade in progress: run_slot needs no dry copy (whose
 * buffers hold one sub-block), so a call may be longer. */
static int slots_settled(const struct chain *c)
{
	for (int s = 0; s < NSLOTS; s++)
		if (c->slots[s].bp != (float)c->slots[s].bp_target)
			return 0;
	return 1;
}

/* Every glide has landed: smooth() would do nothing at the sub-block
 * boundaries left in this call (the targets move only between calls). */
static int at_rest(const struct chain *c)
{
	for (int i = 0; i < P_COUNT; i++)
		if (c->cur[i] != c->target[i])
			return 0;
	return slots_settled(c);
}

void chain_process(struct chain *c, float *L, float *R, int n)
{
	while (n > 0) {
		if (c->pos % CHAIN_SUBBLOCK == 0)
			smooth(c);
		int k = CHAIN_SUBBLOCK - (int)(c->pos % CHAIN_SUBBLOCK);
		if (k < n && at_rest(c))
			k = SETTLED_BLOCK;
		if (k > n)
			k = n;
		run_pre(c, L, R, k);
		run_post(c, L, R, k);
		L += k;
		R += k;
		n -= k;
		c->pos += (uint64_t)k;
	}
}

/* Every module is partition independent and, with settings at rest,
 * smooth() has nothing to do: running the two halves over whole blocks
 * one after the other gives the samples chain_process gives. */
void chain_process_pre(struct chain *c, float *L, float *R, int n)
{
	for (int k; n > 0; n -= k, L += k, R += k) {
		int most = slots_settled(c) ? SETTLED_BLOCK : CHAIN_SUBBLOCK;
		k = n < most ? n : most;
		run_pre(c, L, R, k);
	}
}

/* The clipper over the whole block first: nothing it does depends on
 * where calls end, nor on the limiter after it, and its bypassed delay
 * moves a long block at once (clip.c). */
void chain_process_post(struct chain *c, float *L, float *R, int n)
{
	if (n > 0)
		clip_process(c->clip, L, R, n);
	chain_process_limit(c, L, R, n);
}

void chain_process_clip(struct chain *c, float *L, float *R, int n)
{
	if (n > 0)
		clip_process(c->clip, L, R, n);
}

void chain_process_limit(struct chain *c, float *L, float *R, int n)
{
	for (int k; n > 0; n -= k, L += k, R += k) {
		k = n < SETTLED_BLOCK ? n : SETTLED_BLOCK;
		run_limit(c, L, R, k);
	}
}
