/* The console's model without a terminal or an engine: values and their
 * undo, tracks and copies, meter frames (holds, the GR history) and the
 * warnings.  This binary links no curses (see the Makefile): a curses call
 * reaching the model fails its link. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tui/console.h"
#include "tui/suggest.h"

static struct console *new_console(int ntracks)
{
	struct console *c = calloc(1, sizeof *c);
	char err[ERRLEN];
	double v[P_COUNT];

	assert_non_null(c);
	assert_int_equal(con_alloc_tracks(c, ntracks, err, sizeof err), ST_OK);
	params_defaults(v);
	for (int i = 0; i < ntracks; i++) {
		snprintf(c->tracks[i].path, sizeof c->tracks[i].path, "/music/track%d.wav", i + 1);
		memcpy(c->tracks[i].v, v, sizeof v);
		con_track_named(c, i);
	}
	memcpy(c->mo.v, v, sizeof v);
	memcpy(c->saved_v, v, sizeof v);
	c->mo.platform_target = -14;
	c->now = 100;
	return c;
}

static void free_console(struct console *c)
{
	con_free_tracks(c);
	free(c);
}

static void steps_coalesce_and_undo(void **state)
{
	struct console *c = new_console(1);
	int id = P_COMP_RATIO;
	double def = c->mo.v[id];

	(void)state;
	select_param(c, id);
	step_value(c, 1, 1);
	c->now += 0.2;
	step_value(c, 1, 1);
	assert_true(c->mo.v[id] > def);
	assert_true(c->mo.dirty);
	assert_string_equal(c->ut[0].name, "track1.wav");
	/* Two quick steps of one parameter are one undo step. */
	undo_redo(c, 0);
	assert_true(fabs(c->mo.v[id] - def) < 1e-9);
	assert_false(c->mo.dirty);
	/* It says what it undid: comp.ratio back to its default. */
	char want[160], a[32], b[32];
	view_format_value(id, c->un.redo[0].v[id], a, sizeof a);
	view_format_value(id, def, b, sizeof b);
	snprintf(want, sizeof want, "undo: comp.ratio %s -> %s (0 more to undo)", a, b);
	assert_string_equal(c->mo.status, want);
	undo_redo(c, 0);
	assert_non_null(strstr(c->mo.status, "nothing to undo"));
	undo_redo(c, 1);
	assert_true(c->mo.v[id] > def);
	/* A step after a pause is its own undo step. */
	c->now += COALESCE_S + 1;
	double two = c->mo.v[id];
	step_value(c, 1, 1);
	undo_redo(c, 0);
	assert_true(fabs(c->mo.v[id] - two) < 1e-9);
	free_console(c);
}

static void copy_to_all_is_one_undo(void **state)
{
	struct console *c = new_console(3);

	(void)state;
	set_value(c, P_LIMITER_DRIVE, 4);
	copy_settings(c, -1);
	assert_true(fabs(c->tracks[1].v[P_LIMITER_DRIVE] - 4) < 1e-9);
	assert_true(fabs(c->tracks[2].v[P_LIMITER_DRIVE] - 4) < 1e-9);
	assert_non_null(strstr(c->mo.status, "copied to 2 tracks"));
	undo_redo(c, 0);
	assert_true(fabs(c->tracks[1].v[P_LIMITER_DRIVE]) < 1e-9);
	assert_true(fabs(c->tracks[2].v[P_LIMITER_DRIVE]) < 1e-9);
	/* The current track keeps its own change. */
	assert_true(fabs(c->mo.v[P_LIMITER_DRIVE] - 4) < 1e-9);
	free_console(c);
}

static struct engine_meters frame(float lim_gr, float lufs, float tp)
{
	struct engine_meters m;
	memset(&m, 0, sizeof m);
	m.transport = TR_PLAYING;
	m.peak_db[0] = m.peak_db[1] = tp;
	m.true_peak_db[0] = m.true_peak_db[1] = tp;
	m.momentary_lufs = m.short_term_lufs = m.integrated_lufs = lufs;
	m.max_true_peak_db = tp;
	m.limiter_gr_db = lim_gr;
	return m;
}

static void play(struct console *c, double seconds, struct engine_meters m)
{
	for (double t = 0; t < seconds; t += 0.1) {
		c->now += 0.1;
		con_meter_frame(c, &m);
	}
}

static void meters_hold_and_warn(void **state)
{
	struct console *c = new_console(1);

	(void)state;
	play(c, 1, frame(0, -20, -3));
	assert_true(c->mo.have_meters);
	assert_int_equal(c->mo.nwarn, 0);
	assert_true(fabs(c->mo.hold_tp[0] - -3) < 1e-6);
	/* A short peak holds on the bar for HOLD_TIME. */
	play(c, 0.1, frame(0, -20, -0.5));
	play(c, 1, frame(0, -20, -3));
	assert_true(fabs(c->mo.hold_tp[0] - -0.5) < 1e-6);
	play(c, HOLD_TIME + 0.5, frame(0, -20, -3));
	assert_true(fabs(c->mo.hold_tp[0] - -3) < 1e-6);
	/* Three seconds of 5 dB limiting: a warning naming it. */
	uint64_t before = c->mo.gr_count;
	play(c, 3.5, frame(5, -12, -1));
	assert_true(c->mo.gr_count - before >= 30);
	assert_true(c->mo.nwarn >= 1);
	assert_non_null(strstr(c->mo.warn[0].text, "limiter working"));
	free_console(c);
}

/* Steps of parameter id from v: each of mults in turn (dir by sign). */
static double step_from(struct console *c, int id, double v, double mult)
{
	select_param(c, id);
	set_value(c, id, v);
	step_value(c, mult > 0 ? 1 : -1, fabs(mult));
	return c->mo.v[id];
}

static void log_coarse_steps_round(void **state)
{
	struct console *c = new_console(1);
	const int f = P_EQ_BAND(1) + EQB_FREQ, q = P_EQ_BAND(1) + EQB_Q;

	(void)state;
	/* Frequencies: the third-octave preferred numbers. */
	assert_true(fabs(step_from(c, f, 1000, 10) - 1250) < 1e-9);
	assert_true(fabs(step_from(c, f, 1250, 10) - 1600) < 1e-9);
	assert_true(fabs(step_from(c, f, 1600, -10) - 1250) < 1e-9);
	assert_true(fabs(step_from(c, f, 1030, 10) - 1250) < 1e-9);
	assert_true(fabs(step_from(c, f, 1030, -10) - 1000) < 1e-9);
	assert_true(fabs(step_from(c, f, 3000, 10) - 3150) < 1e-9);
	assert_true(fabs(step_from(c, f, 8000, 10) - 10000) < 1e-9);
	assert_true(fabs(step_from(c, P_HPF_FREQ, 20, -10) - 16) < 1e-9);
	assert_true(fabs(step_from(c, P_HPF_FREQ, 12.5, -10) - 10) < 1e-9);
	assert_true(fabs(step_from(c, P_HPF_FREQ, 250, 10) - 300) < 1e-9); /* 315, held at the range */
	/* Times: 1-2-5. */
	assert_true(fabs(step_from(c, P_COMP_ATTACK, 10, 10) - 20) < 1e-9);
	assert_true(fabs(step_from(c, P_COMP_ATTACK, 20, 10) - 50) < 1e-9);
	assert_true(fabs(step_from(c, P_COMP_ATTACK, 7, 10) - 10) < 1e-9);
	assert_true(fabs(step_from(c, P_COMP_ATTACK, 7, -10) - 5) < 1e-9);
	assert_true(fabs(step_from(c, P_COMP_RELEASE, 150, 10) - 200) < 1e-9);
	assert_true(fabs(step_from(c, P_COMP_ATTACK, 0.2, -10) - 0.1) < 1e-9);
	/* Ratios and Q: 1, 1.5, 2, 3, 4, 6, 8. */
	assert_true(fabs(step_from(c, P_COMP_RATIO, 2, 10) - 3) < 1e-9);
	assert_true(fabs(step_from(c, P_COMP_RATIO, 3, 10) - 4) < 1e-9);
	assert_true(fabs(step_from(c, P_COMP_RATIO, 2, -10) - 1.5) < 1e-9);
	assert_true(fabs(step_from(c, P_COMP_RATIO, 10, 10) - 15) < 1e-9);
	assert_true(fabs(step_from(c, q, 0.707, 10) - 0.8) < 1e-9);
	assert_true(fabs(step_from(c, q, 0.707, -10) - 0.6) < 1e-9);
	/* Normal and fine steps stay proportional. */
	assert_true(fabs(step_from(c, f, 1000, 1) - 1030) < 1e-6);
	assert_true(fabs(step_from(c, f, 1000, 0.1) - 1000 * pow(1.03, 0.1)) < 1e-6);
	assert_true(fabs(step_from(c, P_COMP_ATTACK, 10, -1) - 10 / 1.1) < 1e-6);
	free_console(c);
}

static void coarse_steps_keep_the_grid(void **state)
{
	struct console *c = new_console(1);
	int id = P_EQ_HIGH_GAIN;

	(void)state;
	select_param(c, id);
	set_value(c, id, 0.3);
	/* Ten steps up, then two: 1.5, not 1.2 (the coarse grid would
	 * have snapped 1.3 to 1.0). */
	step_value(c, 1, 10);
	assert_true(fabs(c->mo.v[id] - 1.3) < 1e-9);
	step_value(c, 1, 1);
	step_value(c, 1, 1);
	assert_true(fabs(c->mo.v[id] - 1.5) < 1e-9);
	/* A fine step lands on its own grid; the next normal step on 0.1s. */
	step_value(c, 1, 0.1);
	assert_true(fabs(c->mo.v[id] - 1.51) < 1e-9);
	step_value(c, 1, 1);
	assert_true(fabs(c->mo.v[id] - 1.6) < 1e-9);
	step_value(c, -1, 10);
	assert_true(fabs(c->mo.v[id] - 0.6) < 1e-9);
	/* An odd value typed in joins the grid at the first step. */
	set_value(c, id, 1.234);
	step_value(c, -1, 1);
	assert_true(fabs(c->mo.v[id] - 1.1) < 1e-9);
	/* The range still holds. */
	set_value(c, id, 11.5);
	step_value(c, 1, 10);
	assert_true(fabs(c->mo.v[id] - 12) < 1e-9);
	free_console(c);
}

static void type_keys(struct console *c, const char *keys)
{
	for (const char *k = keys; *k; k++)
		edit_key(c, *k);
}

static void typed_values(void **state)
{
	struct console *c = new_console(1);
	int id = P_EQ_HIGH_GAIN;

	(void)state;
	select_param(c, id);
	step_value(c, 1, 1);
	/* The field opens on the value as a plain number. */
	edit_open(c);
	assert_true(c->mo.edit);
	assert_string_equal(c->mo.edit_text, "0.1");
	/* The first key replaces it; Enter sets it as its own undo step. */
	type_keys(c, "2.5\n");
	assert_false(c->mo.edit);
	assert_true(fabs(c->mo.v[id] - 2.5) < 1e-9);
	assert_non_null(strstr(c->mo.status, "eq.high_gain +0.1 -> +2.5dB"));
	undo_redo(c, 0);
	assert_true(fabs(c->mo.v[id] - 0.1) < 1e-9);
	/* Out of range: clamped, and said once. */
	edit_open(c);
	type_keys(c, "20\n");
	assert_true(fabs(c->mo.v[id] - 12) < 1e-9);
	assert_true(c->mo.status_error);
	assert_non_null(strstr(c->mo.status, "20 is out of range (-12 to 12 dB): set to +12.0"));
	/* Not a number: the field stays open and the value too. */
	edit_open(c);
	type_keys(c, "abc\n");
	assert_true(c->mo.edit);
	assert_true(fabs(c->mo.v[id] - 12) < 1e-9);
	assert_non_null(strstr(c->mo.status, "'abc' is not a number"));
	/* Backspace edits, Esc leaves the value as it was. */
	type_keys(c, "-3");
	edit_key(c, KEY_CODE_BACKSPACE);
	assert_string_equal(c->mo.edit_text, "-");
	edit_key(c, 27);
	assert_false(c->mo.edit);
	assert_true(fabs(c->mo.v[id] - 12) < 1e-9);
	/* A switch snaps: slope 20 is 24. */
	select_param(c, P_HPF_SLOPE);
	edit_open(c);
	type_keys(c, "20\n");
	assert_true(fabs(c->mo.v[P_HPF_SLOPE] - 24) < 1e-9);
	free_console(c);
}

static void grid_moves(void **state)
{
	struct console *c = new_console(1);

	(void)state;
	for (int m = 0; m < MOD_COUNT; m++)
		c->mod_param[m] = param_bypass(m) + 1;
	select_param(c, P_INPUT_GAIN);
	/* input -> hpf -> eq (low_freq), down to low_gain, round to high_gain. */
	move_module(c, 1);
	move_module(c, 1);
	assert_int_equal(c->mo.param, P_EQ_LOW_FREQ);
	move_param(c, 1);
	assert_int_equal(c->mo.param, P_EQ_LOW_GAIN);
	move_band(c, -1);
	assert_int_equal(c->mo.param, P_EQ_HIGH_GAIN);
	move_band(c, 1);
	assert_int_equal(c->mo.param, P_EQ_LOW_GAIN);
	move_band(c, 1);
	assert_int_equal(c->mo.param, P_EQ_MID1_GAIN);
	/* The multiband: the crossovers go round between themselves, a band
	 * row across the bands. */
	select_param(c, P_MBCOMP_XOVER_LOW);
	move_band(c, 1);
	assert_int_equal(c->mo.param, P_MBCOMP_XOVER_HIGH);
	move_band(c, 1);
	assert_int_equal(c->mo.param, P_MBCOMP_XOVER_LOW);
	select_param(c, P_MBCOMP_MID_RATIO);
	move_band(c, 1);
	assert_int_equal(c->mo.param, P_MBCOMP_HIGH_RATIO);
	/* A plain module: along its parameters, round, never its bypass. */
	select_param(c, P_COMP_MIX);
	move_band(c, 1);
	assert_int_equal(c->mo.param, P_COMP_THRESHOLD);
	free_console(c);
}

static void played_loudness_gates(void **state)
{
	struct console *c = new_console(1);

	(void)state;
	assert_true(isnan(c->mo.played_I));
	play(c, 5, frame(0, -20, -3));
	assert_true(fabs(c->mo.played_I - -20) < 0.06);
	/* Ten seconds 20 LU quieter fall under the relative gate (the
	 * ungated mean is -24.7, the gate -34.7): what was heard stays -20,
	 * where a plain mean of the readings would say -33. */
	play(c, 10, frame(0, -40, -23));
	assert_true(fabs(c->mo.played_I - -20) < 0.06);
	/* 6 LU quieter is inside the gate: the power mean of both. */
	played_reset(c);
	assert_true(isnan(c->mo.played_I));
	play(c, 5, frame(0, -20, -3));
	play(c, 5, frame(0, -26, -9));
	double want = 10 * log10((pow(10, -2.0) + pow(10, -2.6)) / 2);
	assert_true(fabs(c->mo.played_I - want) < 0.1);
	/* Silence (under -70) is never counted. */
	play(c, 5, frame(0, -90, -80));
	assert_true(fabs(c->mo.played_I - want) < 0.1);
	free_console(c);
}

static void typos_get_a_suggestion(void **state)
{
	static const char *const words[] = { "play", "render", "analyze", "--target", "--preset", "--set",
					     "--seconds" };
	const int n = (int)(sizeof words / sizeof words[0]);

	(void)state;
	assert_string_equal(suggest_word("rendr", words, n), "render");
	assert_string_equal(suggest_word("--targte", words, n), "--target");
	assert_string_equal(suggest_word("analyse", words, n), "analyze");
	assert_string_equal(suggest_word("paly", words, n), "play");
	/* Nothing close, an exact word, an empty word: no guess. */
	assert_null(suggest_word("xyzzy", words, n));
	assert_null(suggest_word("render", words, n));
	assert_null(suggest_word("", words, n));
	/* Two equally near: no guess rather than a wrong one. */
	static const char *const two[] = { "sat", "set" };
	assert_null(suggest_word("sit", two, 2));
	/* A word longer than the distance table (65 letters and more) is
	 * near nothing; it once compared every word against a NULL best. */
	char longw[200];
	memset(longw, '[', sizeof longw - 1);
	longw[sizeof longw - 1] = 0;
	assert_null(suggest_word(longw, words, n));
	longw[70] = 0;
	assert_null(suggest_word(longw, two, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steps_coalesce_and_undo),
		cmocka_unit_test(copy_to_all_is_one_undo),
		cmocka_unit_test(meters_hold_and_warn),
		cmocka_unit_test(coarse_steps_keep_the_grid),
		cmocka_unit_test(log_coarse_steps_round),
		cmocka_unit_test(typed_values),
		cmocka_unit_test(grid_moves),
		cmocka_unit_test(played_loudness_gates),
		cmocka_unit_test(typos_get_a_suggestion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
