/* The one parameter table.  Every parameter of the chain is described once
 * here; the DSP, the UI strips, the INI keys, the keymap actions and --set
 * all read this table, so adding a parameter is adding one row. */
#ifndef LATHE_PARAMS_H
#define LATHE_PARAMS_H

enum module_id {
	MOD_INPUT, MOD_HPF, MOD_EQ, MOD_COMP, MOD_IMAGER, MOD_LIMITER, MOD_OUTPUT,
	MOD_COUNT
};

/* Order matters: parameters of one module are contiguous and in UI order. */
enum param_id {
	P_INPUT_BYPASS, P_INPUT_GAIN,
	P_HPF_BYPASS, P_HPF_FREQ, P_HPF_SLOPE,
	P_EQ_BYPASS,
	P_EQ_LOW_FREQ, P_EQ_LOW_GAIN, P_EQ_LOW_Q,
	P_EQ_MID1_FREQ, P_EQ_MID1_GAIN, P_EQ_MID1_Q,
	P_EQ_MID2_FREQ, P_EQ_MID2_GAIN, P_EQ_MID2_Q,
	P_EQ_MID3_FREQ, P_EQ_MID3_GAIN, P_EQ_MID3_Q,
	P_EQ_HIGH_FREQ, P_EQ_HIGH_GAIN, P_EQ_HIGH_Q,
	P_COMP_BYPASS, P_COMP_THRESHOLD, P_COMP_RATIO, P_COMP_ATTACK,
	P_COMP_RELEASE, P_COMP_KNEE, P_COMP_MAKEUP, P_COMP_SC_HPF, P_COMP_MIX,
	P_IMAGER_BYPASS, P_IMAGER_WIDTH, P_IMAGER_BASS_MONO,
	P_LIMITER_BYPASS, P_LIMITER_DRIVE, P_LIMITER_CEILING,
	P_LIMITER_RELEASE, P_LIMITER_LOOKAHEAD, P_LIMITER_HOLD,
	P_OUTPUT_BYPASS, P_OUTPUT_GAIN,
	P_COUNT
};

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
