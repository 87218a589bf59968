/* The over-limiting warnings from a drive sweep's curve (con_warnings):
 * none with the limiter out or at or below the stop point, however loud
 * the master; past it, what the last dB of drive buy, read off the curve,
 * and the drive a platform takes back; none from a curve of other
 * settings.  And the curve helpers they use (tui/platforms.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tui/console.h"
#include "tui/platforms.h"

/* 0..18 dB: a dB of loudness per dB of drive up to +6, then 0.2: the
 * stop rule's knee at +6 (index 6). */
static void model(struct ui_model *mo, double drive, double I)
{
	memset(mo, 0, sizeof *mo);
	params_defaults(mo->v);
	mo->v[P_LIMITER_DRIVE] = drive;
	mo->platform_target = -14;
	mo->played_I = NAN;
	mo->master.valid = 1;
	mo->master.I = I;
	mo->master.plr = 12;
	mo->master.tp = I + 12;
	struct ui_sweep *s = &mo->sweep;
	s->n = 19;
	s->stop = 6;
	for (int i = 0; i < s->n; i++) {
		s->drive[i] = (float)i;
		s->lufs[i] = (float)(i <= 6 ? -20 + i : -14 + 0.2 * (i - 6));
		s->residual[i] = (float)(-40 + 1.5 * i);
	}
}

static int find(const struct ui_warning *w, int n, const char *text)
{
	for (int i = 0; i < n; i++)
		if (strstr(w[i].text, text))
			return 1;
	return 0;
}

static void curve_helpers(void **state)
{
	struct ui_model mo;
	(void)state;
	model(&mo, 0, -20);
	const struct ui_sweep *s = &mo.sweep;
	assert_true(fabs(sweep_curve_at(s->drive, s->lufs, s->n, 2.5) - -17.5) < 1e-6);
	assert_true(fabs(sweep_curve_at(s->drive, s->lufs, s->n, 9) - -13.4) < 1e-5);
	assert_true(fabs(sweep_curve_at(s->drive, s->lufs, s->n, 30) - s->lufs[18]) < 1e-6);
	assert_true(fabs(sweep_drive_for(s->drive, s->lufs, s->n, -14) - 6) < 1e-5);
	assert_true(fabs(sweep_drive_for(s->drive, s->lufs, s->n, -17.25) - 2.75) < 1e-5);
	assert_true(isinf(sweep_drive_for(s->drive, s->lufs, s->n, -30)) &&
		    sweep_drive_for(s->drive, s->lufs, s->n, -30) < 0);
	assert_true(isinf(sweep_drive_for(s->drive, s->lufs, s->n, 0)) &&
		    sweep_drive_for(s->drive, s->lufs, s->n, 0) > 0);
}

static void none_unless_past_the_stop(void **state)
{
	struct ui_model mo;
	struct ui_warning w[UI_WARN_MAX];
	(void)state;
	/* A loud unprocessed mix: the limiter out, nothing to say. */
	model(&mo, 0, -7);
	mo.v[param_bypass(MOD_LIMITER)] = 1;
	assert_int_equal(con_warnings(&mo, w, UI_WARN_MAX), 0);
	/* Bypassed with its drive at +9: still nothing. */
	mo.v[P_LIMITER_DRIVE] = 9;
	assert_int_equal(con_warnings(&mo, w, UI_WARN_MAX), 0);
	/* At the stop point and below it: none, however loud. */
	model(&mo, 6, -8);
	assert_int_equal(con_warnings(&mo, w, UI_WARN_MAX), 0);
	model(&mo, 3, -8);
	assert_int_equal(con_warnings(&mo, w, UI_WARN_MAX), 0);
}

static void past_the_stop(void **state)
{
	struct ui_model mo;
	struct ui_warning w[UI_WARN_MAX];
	(void)state;
	model(&mo, 9, -13.4);
	int n = con_warnings(&mo, w, UI_WARN_MAX);
	assert_int_equal(n, 2);
	assert_true(find(w, n, "the last 3.0 dB of drive buy 0.6 LU"));
	assert_string_equal(w[0].brief, "last 3.0 dB drive: +0.6 LU");
	assert_true(strlen(w[0].brief) <= 29);
	/* Spotify turns -13.4 down 0.6 dB; the curve reaches -14 at +6. */
	assert_true(find(w, n, "Spotify will turn this down 0.6 dB: the last 3.0 dB of drive buy nothing there"));
	/* A curve of other settings says nothing of these. */
	mo.sweep.measuring = 1;
	assert_int_equal(con_warnings(&mo, w, UI_WARN_MAX), 0);
	/* A curve that never stops (every step paid): no over-limiting. */
	model(&mo, 17, -12);
	mo.sweep.stop = 18;
	assert_int_equal(con_warnings(&mo, w, UI_WARN_MAX), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(curve_helpers),
		cmocka_unit_test(none_unless_past_the_stop),
		cmocka_unit_test(past_the_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
