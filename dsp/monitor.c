/* Monitor modes and the level-matched A/B.  See monitor.h.
 *
 * Every switch is a crossfade (A/B 30 ms, modes 20 ms) and every gain
 * glides, because the engineer flips these while the music plays. */
#include "monitor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "biquad.h"

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
#define MON_CHUNK 256

struct monitor_stage {
	double rate;
	int ab;             /* target: 1 = dry */
	float x, x_step;    /* A/B mix position, 0 = master */
	float ab_g, ab_g_target;
	float pf_g, pf_g_target;
	float gain_k;
	enum monitor mode, prev;
	float mx, mx_step;  /* mode crossfade, 1 = finished */
	/* small speaker: on the mono sum, in both lanes of the shared
	 * cascade (two high-pass sections, one low-pass) */
	struct bq sec[3];
	struct bq_df1 st[3];
};

static void clear_small(struct monitor_stage *m)
{
	for (int k = 0; k < 3; k++)
		m->st[k] = (struct bq_df1){ { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
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
	bq_highpass(&m->sec[0], rate, SMALL_LO_HZ, M_SQRT1_2);
	bq_highpass(&m->sec[1], rate, SMALL_LO_HZ, M_SQRT1_2);
	bq_lowpass(&m->sec[2], rate, SMALL_HI_HZ, M_SQRT1_2);
	monitor_reset(m);
	return m;
}

void monitor_free(struct monitor_stage *m)
{
	free(m);
}

void monitor_reset(struct monitor_stage *m)
{
	clear_small(m);
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
	if (mode == MON_SMALL || m->prev == MON_SMALL)
		clear_small(m);
}

void monitor_set_ab(struct monitor_stage *m, int dry) { m->ab = !!dry; }

static float db2g(float db) { return isfinite(db) ? powf(10.0f, db / 20.0f) : 1.0f; }

void monitor_set_ab_gain_db(struct monitor_stage *m, float db) { m->ab_g_target = db2g(db); }
void monitor_set_platform_gain_db(struct monitor_stage *m, float db) { m->pf_g_target = db2g(db); }

/* One monitor mode applied to one frame. */
static void apply(enum monitor mode, float l, float r, float small, float pf,
		  float *ol, float *orr)
{
	switch (mode) {
	case MON_MONO: *ol = *orr = 0.5f * (l + r); break;
	case MON_SIDE: *ol = *orr = 0.5f * (l - r); break;
	case MON_LEFT: *ol = *orr = l; break;
	case MON_RIGHT: *ol = *orr = r; break;
	case MON_SMALL: *ol = *orr = small; break;
	case MON_PLATFORM: *ol = l * pf; *orr = r * pf; break;
	default: *ol = l; *orr = r; break;
	}
}

/* A/B first, for the chunk; then the small speaker's filters on the mono
 * sum; then the modes, crossfaded. */
static void process_chunk(struct monitor_stage *m, const float *wetL, const float *wetR,
                          const float *dryL, const float *dryR, float *out, int n, int small)
{
	float l[MON_CHUNK], r[MON_CHUNK], pf[MON_CHUNK], sm[MON_CHUNK], sm2[MON_CHUNK];
	float target = (float)m->ab;

	for (int i = 0; i < n; i++) {
		l[i] = wetL[i];
		r[i] = wetR[i];
		m->ab_g += (m->ab_g_target - m->ab_g) * m->gain_k;
		m->pf_g += (m->pf_g_target - m->pf_g) * m->gain_k;
		pf[i] = m->pf_g;
		if (m->x > 0 || target > 0) {
			float x = m->x, g = m->ab_g;
			/* Equal-gain crossfade: wet and dry are correlated. */
			l[i] = l[i] * (1 - x) + dryL[i] * g * x;
			r[i] = r[i] * (1 - x) + dryR[i] * g * x;
			if (x != target) {
				x += target > x ? m->x_step : -m->x_step;
				m->x = x < 0 ? 0 : x > 1 ? 1 : x;
			}
		}
		sm[i] = sm2[i] = 0.5f * (l[i] + r[i]);
	}
	if (small) {
		const struct bq *c[3] = { &m->sec[0], &m->sec[1], &m->sec[2] };
		struct bq_df1 *st[3] = { &m->st[0], &m->st[1], &m->st[2] };
		bq_run_cascade(c, st, 3, sm, sm2, n);
		/* Keeps denormals out of the state during silence. */
		for (int k = 0; k < 3; k++)
			bq_df1_sanitize(&m->st[k]);
	}
	for (int i = 0; i < n; i++) {
		float al, ar;
		apply(m->mode, l[i], r[i], sm[i], pf[i], &al, &ar);
		if (m->mx < 1) {
			float bl, br, k = m->mx;
			apply(m->prev, l[i], r[i], sm[i], pf[i], &bl, &br);
			al = al * k + bl * (1 - k);
			ar = ar * k + br * (1 - k);
			m->mx = k + m->mx_step > 1 ? 1 : k + m->mx_step;
		}
		out[2 * i] = al;
		out[2 * i + 1] = ar;
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
	for (int i0 = 0; i0 < n; i0 += MON_CHUNK) {
		int k = n - i0 < MON_CHUNK ? n - i0 : MON_CHUNK;
		process_chunk(m, wetL + i0, wetR + i0, dryL + i0, dryR + i0, out + 2 * i0, k, small);
	}
}
