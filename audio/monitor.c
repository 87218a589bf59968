/* Monitor modes and the level-matched A/B.  See monitor.h.
 *
 * Every switch is a crossfade (A/B 30 ms, modes 20 ms) and every gain
 * glides, because the engineer flips these while the music plays. */
#include "monitor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const monitor_names[MON_COUNT] = {
	"stereo", "mono", "side", "left", "right", "small speaker", "platform",
};

#define AB_FADE_MS 30.0
#define MODE_FADE_MS 20.0
#define GAIN_MS 50.0
/* Small speaker: a phone or laptop speaker passes little below 150 Hz
 * and rolls off above 7 kHz. */
#define SMALL_LO_HZ 150.0
#define SMALL_HI_HZ 7000.0

struct biquad { float b0, b1, b2, a1, a2, z1, z2; };

struct monitor_stage {
	double rate;
	int ab;             /* target: 1 = dry */
	float x, x_step;    /* A/B mix position, 0 = master */
	float ab_g, ab_g_target;
	float pf_g, pf_g_target;
	float gain_k;
	enum monitor mode, prev;
	float mx, mx_step;  /* mode crossfade, 1 = finished */
	struct biquad hp[2], lp; /* small speaker, on the mono sum */
};

/* RBJ cookbook, Q = 1/sqrt(2). */
static void design(struct biquad *b, double rate, double f, int high)
{
	double w = 2 * M_PI * f / rate, c = cos(w), al = sin(w) / (2 * M_SQRT1_2);
	double a0 = 1 + al;
	double k = high ? (1 + c) / 2 : (1 - c) / 2;

	b->b0 = (float)(k / a0);
	b->b1 = (float)((high ? -2 * k : 2 * k) / a0);
	b->b2 = (float)(k / a0);
	b->a1 = (float)(-2 * c / a0);
	b->a2 = (float)((1 - al) / a0);
	b->z1 = b->z2 = 0;
}

static float bq(struct biquad *b, float x)
{
	float y = b->b0 * x + b->z1;
	b->z1 = b->b1 * x - b->a1 * y + b->z2;
	b->z2 = b->b2 * x - b->a2 * y;
	return y;
}

struct monitor_stage *monitor_new(double rate)
{
	struct monitor_stage *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->rate = rate;
	m->x_step = (float)(1.0 / (AB_FADE_MS * 1e-3 * rate));
	m->mx_step = (float)(1.0 / (MODE_FADE_MS * 1e-3 * rate));
	m->gain_k = (float)(1.0 - exp(-1.0 / (GAIN_MS * 1e-3 * rate)));
	m->ab_g = m->ab_g_target = 1;
	m->pf_g = m->pf_g_target = 1;
	m->mode = m->prev = MON_STEREO;
	monitor_reset(m);
	return m;
}

void monitor_free(struct monitor_stage *m)
{
	free(m);
}

void monitor_reset(struct monitor_stage *m)
{
	design(&m->hp[0], m->rate, SMALL_LO_HZ, 1);
	design(&m->hp[1], m->rate, SMALL_LO_HZ, 1);
	design(&m->lp, m->rate, SMALL_HI_HZ, 0);
	m->x = (float)m->ab;
	m->mx = 1;
	m->prev = m->mode;
	m->ab_g = m->ab_g_target;
	m->pf_g = m->pf_g_target;
}

void monitor_set_mode(struct monitor_stage *m, enum monitor mode)
{
	if (mode == m->mode || mode < 0 || mode >= MON_COUNT)
		return;
	/* Switching again mid-fade starts from where the ear is now. */
	m->prev = m->mx >= 0.5f ? m->mode : m->prev;
	m->mode = mode;
	m->mx = 0;
	if (mode == MON_SMALL || m->prev == MON_SMALL) {
		m->hp[0].z1 = m->hp[0].z2 = m->hp[1].z1 = m->hp[1].z2 = 0;
		m->lp.z1 = m->lp.z2 = 0;
	}
}

void monitor_set_ab(struct monitor_stage *m, int dry) { m->ab = !!dry; }

static float db2g(float db) { return isfinite(db) ? powf(10.0f, db / 20.0f) : 1.0f; }

void monitor_set_ab_gain_db(struct monitor_stage *m, float db) { m->ab_g_target = db2g(db); }
void monitor_set_platform_gain_db(struct monitor_stage *m, float db) { m->pf_g_target = db2g(db); }

/* One monitor mode applied to one frame. */
static void apply(struct monitor_stage *m, enum monitor mode, float l, float r,
		  float small, float *ol, float *orr)
{
	switch (mode) {
	case MON_MONO: *ol = *orr = 0.5f * (l + r); break;
	case MON_SIDE: *ol = *orr = 0.5f * (l - r); break;
	case MON_LEFT: *ol = *orr = l; break;
	case MON_RIGHT: *ol = *orr = r; break;
	case MON_SMALL: *ol = *orr = small; break;
	case MON_PLATFORM: *ol = l * m->pf_g; *orr = r * m->pf_g; break;
	default: *ol = l; *orr = r; break;
	}
}

void monitor_process(struct monitor_stage *m, const float *wetL, const float *wetR,
		     const float *dryL, const float *dryR, float *out, int n)
{
	float target = (float)m->ab;

	if (m->x == 0 && target == 0 && m->mode == MON_STEREO && m->mx >= 1) {
		/* What is heard is what is rendered: not one bit altered. */
		for (int i = 0; i < n; i++) {
			out[2 * i] = wetL[i];
			out[2 * i + 1] = wetR[i];
		}
		return;
	}
	int small = m->mode == MON_SMALL || (m->mx < 1 && m->prev == MON_SMALL);
	for (int i = 0; i < n; i++) {
		float l = wetL[i], r = wetR[i];
		m->ab_g += (m->ab_g_target - m->ab_g) * m->gain_k;
		m->pf_g += (m->pf_g_target - m->pf_g) * m->gain_k;
		if (m->x > 0 || target > 0) {
			float x = m->x, g = m->ab_g;
			/* Equal-gain crossfade: wet and dry are correlated. */
			l = l * (1 - x) + dryL[i] * g * x;
			r = r * (1 - x) + dryR[i] * g * x;
			if (x != target) {
				x += target > x ? m->x_step : -m->x_step;
				m->x = x < 0 ? 0 : x > 1 ? 1 : x;
			}
		}
		float sm = 0;
		if (small)
			sm = bq(&m->lp, bq(&m->hp[1], bq(&m->hp[0], 0.5f * (l + r))));
		float al, ar;
		apply(m, m->mode, l, r, sm, &al, &ar);
		if (m->mx < 1) {
			float bl, br, k = m->mx;
			apply(m, m->prev, l, r, sm, &bl, &br);
			al = al * k + bl * (1 - k);
			ar = ar * k + br * (1 - k);
			m->mx = k + m->mx_step > 1 ? 1 : k + m->mx_step;
		}
		out[2 * i] = al;
		out[2 * i + 1] = ar;
	}
	/* Keep denormals out of the filter state during silence. */
	if (fabsf(m->lp.z1) < 1e-25f) m->lp.z1 = 0;
	if (fabsf(m->lp.z2) < 1e-25f) m->lp.z2 = 0;
	for (int k = 0; k < 2; k++) {
		if (fabsf(m->hp[k].z1) < 1e-25f) m->hp[k].z1 = 0;
		if (fabsf(m->hp[k].z2) < 1e-25f) m->hp[k].z2 = 0;
	}
}
