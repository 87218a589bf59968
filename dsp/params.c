#include "params.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const module_names[MOD_COUNT] = {
	"input", "hpf", "eq", "comp", "mbcomp", "imager", "clip", "limiter", "output",
};

#define BYPASS(m) { m, "bypass", "", 0, 1, 0, 1, PF_SWITCH }
#define EQ_BAND(band, f, fmin, fmax, q) \
	{ MOD_EQ, band "_freq", "Hz", fmin, fmax, f, 1.03, PF_LOG }, \
	{ MOD_EQ, band "_gain", "dB", -12, 12, 0, 0.1, 0 }, \
	{ MOD_EQ, band "_q", "", 0.1, 10, q, 1.05, PF_LOG }, \
	/* 0 stereo, 1 mid, 2 side: the band works on L and R, M or S */ \
	{ MOD_EQ, band "_mode", "", 0, 2, 0, 1, PF_SWITCH }, \
	/* dynamic: the gain moves by up to dyn_range as the band's own \
	 * level rises above dyn_threshold (0: a static band) */ \
	{ MOD_EQ, band "_dyn_range", "dB", -12, 12, 0, 0.5, 0 }, \
	{ MOD_EQ, band "_dyn_threshold", "dB", -60, 0, -20, 0.5, 0 }, \
	{ MOD_EQ, band "_dyn_attack", "ms", 0.5, 200, 5, 1.1, PF_LOG }, \
	{ MOD_EQ, band "_dyn_release", "ms", 10, 2000, 100, 1.1, PF_LOG }
#define MB_BAND(band, thr, ratio, att, rel) \
	{ MOD_MBCOMP, band "_threshold", "dB", -60, 0, thr, 0.5, 0 }, \
	{ MOD_MBCOMP, band "_ratio", ":1", 1, 20, ratio, 1.05, PF_LOG }, \
	{ MOD_MBCOMP, band "_attack", "ms", 0.1, 200, att, 1.1, PF_LOG }, \
	{ MOD_MBCOMP, band "_release", "ms", 10, 2000, rel, 1.1, PF_LOG }, \
	{ MOD_MBCOMP, band "_makeup", "dB", -12, 24, 0, 0.1, 0 }

/* Defaults are a transparent chain: flat EQ, a subsonic high-pass, a
 * compressor and limiter that only act on peaks near full scale. */
const struct param_desc param_table[P_COUNT] = {
	BYPASS(MOD_INPUT),
	{ MOD_INPUT, "gain", "dB", -24, 24, 0, 0.1, 0 },

	BYPASS(MOD_HPF),
	{ MOD_HPF, "freq", "Hz", 10, 300, 20, 1.03, PF_LOG },
	{ MOD_HPF, "slope", "dB/oct", 12, 24, 12, 12, PF_SWITCH },

	BYPASS(MOD_EQ),
	EQ_BAND("low", 100, 20, 1000, 0.707),
	EQ_BAND("mid1", 250, 20, 20000, 0.7),
	EQ_BAND("mid2", 1000, 20, 20000, 0.7),
	EQ_BAND("mid3", 4000, 20, 20000, 0.7),
	EQ_BAND("high", 10000, 1000, 20000, 0.707),

	BYPASS(MOD_COMP),
	{ MOD_COMP, "threshold", "dB", -60, 0, 0, 0.5, 0 },
	{ MOD_COMP, "ratio", ":1", 1, 20, 2, 1.05, PF_LOG },
	{ MOD_COMP, "attack", "ms", 0.1, 200, 10, 1.1, PF_LOG },
	{ MOD_COMP, "release", "ms", 10, 2000, 150, 1.1, PF_LOG },
	{ MOD_COMP, "knee", "dB", 0, 24, 6, 0.5, 0 },
	{ MOD_COMP, "makeup", "dB", -12, 24, 0, 0.1, 0 },
	{ MOD_COMP, "sc_hpf", "Hz", 10, 500, 60, 1.05, PF_LOG },
	{ MOD_COMP, "mix", "%", 0, 100, 100, 1, 0 },

	/* Off by default: bypass starts at 1. */
	{ MOD_MBCOMP, "bypass", "", 0, 1, 1, 1, PF_SWITCH },
	{ MOD_MBCOMP, "xover_low", "Hz", 40, 1000, 200, 1.03, PF_LOG },
	{ MOD_MBCOMP, "xover_high", "Hz", 1000, 12000, 3000, 1.03, PF_LOG },
	MB_BAND("low", -20, 2, 30, 250),
	MB_BAND("mid", -20, 2, 10, 150),
	MB_BAND("high", -20, 2, 3, 80),

	BYPASS(MOD_IMAGER),
	{ MOD_IMAGER, "width", "%", 0, 200, 100, 1, 0 },
	{ MOD_IMAGER, "bass_mono", "Hz", 0, 500, 0, 5, 0 },

	/* Off by default (bypass 1): a clipper is a choice, not a safety.
	 * Ceiling in sample dBFS at 8x; the limiter after it holds the true
	 * peak.  Softness is the share of the ceiling the shoulder spans. */
	{ MOD_CLIP, "bypass", "", 0, 1, 1, 1, PF_SWITCH },
	{ MOD_CLIP, "drive", "dB", 0, 24, 0, 0.1, 0 },
	{ MOD_CLIP, "ceiling", "dBFS", -12, 0, 0, 0.1, 0 },
	{ MOD_CLIP, "softness", "%", 0, 100, 50, 1, 0 },

	BYPASS(MOD_LIMITER),
	{ MOD_LIMITER, "drive", "dB", -24, 24, 0, 0.1, 0 },
	{ MOD_LIMITER, "ceiling", "dBTP", -12, 0, -1, 0.1, 0 },
	/* Below 5 ms of release or 1 ms of lookahead the gain moves faster
	 * than the detector can vouch for between samples (clipped noise
	 * driven +12 dB read 0.09 dB over a -0.1 dBTP ceiling at 1 ms /
	 * 0.5 ms), and it only distorts: the true-peak promise sets the range. */
	{ MOD_LIMITER, "release", "ms", 5, 1000, 7, 1.1, PF_LOG },
	{ MOD_LIMITER, "lookahead", "ms", 1, 5, 5, 0.1, 0 },
	/* The release is fast (7 ms; below that the products of a 19 + 20 kHz
	 * twin tone rise from -155 to -133 dB) because it only falls back to the
	 * low-frequency floor (dsp/limiter.c): bass keeps the gain still, a
	 * transient without bass recovers at once.  It follows the load
	 * (dsp/limenv.c): 0.85 times this for isolated peaks, up to 1.3 times
	 * under sustained limiting.  The lookahead's 5 ms
	 * spread the attack over the longest ramp the latency allows: on
	 * music that takes more off the distortion than off the loudness.  The hold is
	 * the longest hold between a steady tone's equal crests, so a pure
	 * bass tone is not reshaped inside its cycle; 30 ms covers a 20 Hz
	 * half-cycle.  0 turns it off. */
	{ MOD_LIMITER, "hold", "ms", 0, 50, 30, 1, 0 },

	BYPASS(MOD_OUTPUT),
	/* After the limiter: a boost would push true peaks past the ceiling,
	 * so the output stage only ever trims down. */
	{ MOD_OUTPUT, "gain", "dB", -24, 0, 0, 0.1, 0 },
};

int param_first(enum module_id m)
{
	for (int i = 0; i < P_COUNT; i++)
		if (param_table[i].module == m)
			return i;
	return P_COUNT;
}

int param_end(enum module_id m)
{
	int i = param_first(m);
	while (i < P_COUNT && param_table[i].module == m)
		i++;
	return i;
}

int param_bypass(enum module_id m)
{
	return param_first(m);
}

int module_find(const char *name)
{
	for (int m = 0; m < MOD_COUNT; m++)
		if (strcmp(module_names[m], name) == 0)
			return m;
	return -1;
}

int param_find(const char *module, const char *name)
{
	int m = module_find(module);
	if (m < 0)
		return -1;
	for (int i = param_first(m); i < param_end(m); i++)
		if (strcmp(param_table[i].name, name) == 0)
			return i;
	return -1;
}

int param_find_dotted(const char *dotted)
{
	const char *dot = strchr(dotted, '.');
	char mod[32];
	size_t len;

	if (!dot || (len = (size_t)(dot - dotted)) >= sizeof mod)
		return -1;
	memcpy(mod, dotted, len);
	mod[len] = 0;
	return param_find(mod, dot + 1);
}

double param_clamp(int id, double v)
{
	const struct param_desc *d = &param_table[id];

	if (!(v == v))
		return d->def;
	if (v < d->min)
		v = d->min;
	if (v > d->max)
		v = d->max;
	if (d->flags & PF_SWITCH)
		v = d->min + d->step * floor((v - d->min) / d->step + 0.5);
	return v;
}

/* The round values a coarse step of a log parameter lands on, per decade:
 * frequencies on ISO 266's third-octave preferred numbers (20, 25, 31.5,
 * 40 ... 1k, 1.25k, 1.6k: the centres of every graphic EQ and of the
 * spectrum view's bands, a third of an octave apart, about the size of a
 * coarse step, which was 0.43 octave); times on 1-2-5 (5, 10, 20, 50 ms:
 * a coarse step was x2.6, the series goes x2 and x2.5); ratios and Q on
 * 1, 1.5, 2, 3, 4, 6, 8 (the ratios a compressor's dial is marked with,
 * x1.33 to x1.5 where a coarse step was x1.63, so a 4:1 is two presses
 * from 2:1). */
static const double grid_hz[] = { 1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8 };
static const double grid_ms[] = { 1, 2, 5 };
static const double grid_x[] = { 1, 1.5, 2, 3, 4, 6, 8 };

/* The next round value above (dir > 0) or below v. */
static double log_grid_next(const struct param_desc *d, double v, int dir)
{
	const double *m = grid_x;
	int n = (int)(sizeof grid_x / sizeof grid_x[0]);
	double dec = pow(10, floor(log10(v))), best = dir > 0 ? INFINITY : -INFINITY;

	if (!strcmp(d->unit, "Hz")) {
		m = grid_hz;
		n = (int)(sizeof grid_hz / sizeof grid_hz[0]);
	} else if (!strcmp(d->unit, "ms")) {
		m = grid_ms;
		n = (int)(sizeof grid_ms / sizeof grid_ms[0]);
	}
	for (double e = dec / 10; e <= dec * 10.5; e *= 10)
		for (int k = 0; k < n; k++) {
			double g = m[k] * e;
			if (dir > 0 && g > v * (1 + 1e-9) && g < best)
				best = g;
			if (dir < 0 && g < v * (1 - 1e-9) && g > best)
				best = g;
		}
	/* 1.25 * 1000 may carry a last-bit error: a round value reads round. */
	char buf[32];
	snprintf(buf, sizeof buf, "%.10g", best);
	return strtod(buf, NULL);
}

double param_step(int id, double v, int dir, double mult)
{
	const struct param_desc *d = &param_table[id];

	if (d->flags & PF_SWITCH)
		return param_clamp(id, v + (dir > 0 ? d->step : -d->step));
	if ((d->flags & PF_LOG) && mult > 1 && v > 0) {
		/* Coarse: the next round value (above); a normal or fine
		 * step stays a proportion of the value, for fine tuning. */
		v = log_grid_next(d, v, dir);
	} else if (d->flags & PF_LOG) {
		double f = pow(d->step, mult);
		v = dir > 0 ? v * f : v / f;
	} else {
		double s = d->step * mult, g = d->step * fmin(mult, 1);
		v += dir > 0 ? s : -s;
		/* Land on the parameter's own step grid (a fine step's on its
		 * tenth): 0.3 dB, ten steps up and two more reads 1.5, where
		 * snapping to the coarse step's grid gave 1.2. */
		v = g * floor(v / g + 0.5);
	}
	return param_clamp(id, v);
}

void params_defaults(double v[P_COUNT])
{
	for (int i = 0; i < P_COUNT; i++)
		v[i] = param_table[i].def;
}

/* A NaN no arithmetic produces and no parser returns. */
static const uint64_t unseen_bits = 0x7ff4c47ee0000001ull;

void param_unseen(double seen[P_COUNT])
{
	for (int i = 0; i < P_COUNT; i++)
		memcpy(&seen[i], &unseen_bits, sizeof seen[i]);
}

int param_changed(double seen[P_COUNT], const double p[P_COUNT], int first, int end)
{
	size_t n = (size_t)(end - first) * sizeof *p;

	if (!memcmp(&seen[first], &p[first], n))
		return 0;
	memcpy(&seen[first], &p[first], n);
	return 1;
}

/* strtod honours LC_NUMERIC; we never set it (only LC_CTYPE), so the C
 * locale's '.' applies.  A comma is still refused so "1,5" cannot be read
 * as 1 in some other locale. */
int parse_double(const char *s, double *out)
{
	char *end;
	double v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || strchr(s, ','))
		return -1;
	/* Decimal only: strtod would also take hex ("0x10", "0x1p4"), which
	 * no one means as a setting. */
	if (strspn(s, "0123456789.eE+- \t\r\n") != strlen(s))
		return -1;
	v = strtod(s, &end);
	while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
		end++;
	if (end == s || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

void format_double(char *buf, int size, double v)
{
	snprintf(buf, (size_t)size, "%.6g", v);
	/* Any locale that slipped in a comma is undone here. */
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
}
