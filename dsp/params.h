/* The one parameter table.  Every parameter of the chain is described once
 * here; the DSP, the UI strips, the INI keys, the keymap actions and --set
 * all read this table, so adding a parameter is adding one row. */
#ifndef LATHE_PARAMS_H
#define LATHE_PARAMS_H

enum module_id {
	MOD_INPUT, MOD_HPF, MOD_EQ, MOD_COMP, MOD_MBCOMP, MOD_IMAGER, MOD_CLIP, MOD_LIMITER,
	MOD_OUTPUT,
	MOD_COUNT
};

/* Order matters: parameters of one module are contiguous and in UI order. */
enum param_id {
	P_INPUT_BYPASS, P_INPUT_GAIN,
	P_HPF_BYPASS, P_HPF_FREQ, P_HPF_SLOPE,
	P_EQ_BYPASS,
#define EQ_BAND_IDS(B) P_EQ_##B##_FREQ, P_EQ_##B##_GAIN, P_EQ_##B##_Q, P_EQ_##B##_MODE, \
	P_EQ_##B##_DYN_RANGE, P_EQ_##B##_DYN_THRESHOLD, P_EQ_##B##_DYN_ATTACK, P_EQ_##B##_DYN_RELEASE
	EQ_BAND_IDS(LOW), EQ_BAND_IDS(MID1), EQ_BAND_IDS(MID2), EQ_BAND_IDS(MID3), EQ_BAND_IDS(HIGH),
#undef EQ_BAND_IDS
	P_COMP_BYPASS, P_COMP_THRESHOLD, P_COMP_RATIO, P_COMP_ATTACK,
	P_COMP_RELEASE, P_COMP_KNEE, P_COMP_MAKEUP, P_COMP_SC_HPF, P_COMP_MIX,
	P_MBCOMP_BYPASS, P_MBCOMP_XOVER_LOW, P_MBCOMP_XOVER_HIGH,
#define MB_BAND_IDS(B) P_MBCOMP_##B##_THRESHOLD, P_MBCOMP_##B##_RATIO, P_MBCOMP_##B##_ATTACK, \
	P_MBCOMP_##B##_RELEASE, P_MBCOMP_##B##_MAKEUP
	MB_BAND_IDS(LOW), MB_BAND_IDS(MID), MB_BAND_IDS(HIGH),
#undef MB_BAND_IDS
	P_IMAGER_BYPASS, P_IMAGER_WIDTH, P_IMAGER_BASS_MONO,
	P_CLIP_BYPASS, P_CLIP_DRIVE, P_CLIP_CEILING, P_CLIP_SOFTNESS,
	P_LIMITER_BYPASS, P_LIMITER_DRIVE, P_LIMITER_CEILING,
	P_LIMITER_RELEASE, P_LIMITER_LOOKAHEAD, P_LIMITER_HOLD,
	P_OUTPUT_BYPASS, P_OUTPUT_GAIN,
	P_COUNT
};

/* EQ band i's parameters: P_EQ_BAND(i) + EQB_FREQ and so on.  The
 * multiband compressor's band i likewise: P_MB_BAND(i) + MBB_THRESHOLD. */
enum eq_band_param {
	EQB_FREQ, EQB_GAIN, EQB_Q, EQB_MODE, EQB_DYN_RANGE, EQB_DYN_THRESHOLD,
	EQB_DYN_ATTACK, EQB_DYN_RELEASE, EQB_COUNT
};
#define EQ_BANDS 5
#define P_EQ_BAND(i) (P_EQ_LOW_FREQ + (i) * EQB_COUNT)
enum eq_mode { EQ_STEREO, EQ_MID, EQ_SIDE };
enum mb_band_param { MBB_THRESHOLD, MBB_RATIO, MBB_ATTACK, MBB_RELEASE, MBB_MAKEUP, MBB_COUNT };
#define MB_BANDS 3
#define P_MB_BAND(i) (P_MBCOMP_LOW_THRESHOLD + (i) * MBB_COUNT)

enum param_flags {
	PF_LOG    = 1 << 0, /* smoothed and stepped on a log scale (frequencies, times) */
	PF_SWITCH = 1 << 1, /* discrete: jumps, never smoothed (bypass, slope) */
};

struct param_desc {
	enum module_id module;
	const char *name;  /* INI key and the part after the dot in --set */
	const char *unit;  /* "dB", "Hz", "ms", "%", "dBTP", "dB/oct", "" */
	double min, max, def;
	double step;       /* one keypress; PF_LOG: a factor, e.g. 1.05 */
	unsigned flags;
};

extern const struct param_desc param_table[P_COUNT];
extern const char *const module_names[MOD_COUNT];

/* First and one-past-last parameter of a module. */
int param_first(enum module_id m);
int param_end(enum module_id m);
/* The bypass parameter of a module (every module has one, first in its range). */
int param_bypass(enum module_id m);

int module_find(const char *name);
/* "comp.ratio" -> P_COMP_RATIO, or -1. */
int param_find_dotted(const char *dotted);
/* Section and key as in the INI file; -1 when unknown. */
int param_find(const char *module, const char *name);

/* Clamp to range and snap discrete values (slope 12/24, bypass 0/1). */
double param_clamp(int id, double v);
/* One step up (dir > 0) or down, scaled by mult (0.1 fine, 10 coarse). */
double param_step(int id, double v, int dir, double mult);
/* Default values of the whole table. */
void params_defaults(double v[P_COUNT]);

/* Change detection, the one idiom of every module's _set.  A module keeps
 * double seen[P_COUNT]; param_unseen marks it all unseen (in _new, and
 * wherever a redesign must be forced), so the next _set finds every value
 * new.  param_changed: whether any of p[first..end) differs from what was
 * seen, bit for bit (a NaN that stays is no change); records them. */
void param_unseen(double seen[P_COUNT]);
int param_changed(double seen[P_COUNT], const double p[P_COUNT], int first, int end);

/* Locale-independent number parsing: the whole string must be a finite
 * number.  Returns 0 on success. */
int parse_double(const char *s, double *out);
/* "%g"-like, always with '.' as decimal separator. */
void format_double(char *buf, int size, double v);

#endif
