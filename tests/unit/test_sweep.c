/* The sweep as a background job calls it (the console's sweep view): the
 * progress callback rises from 0 to 1, a cancel flag set from the callback
 * (as another thread would) stops it with -1 and a line, and the figures
 * do not depend on the number of threads; more drive, more loudness. */
#include <math.h>
#include <setjmp.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "audio/status.h"
#include "audio/sweep.h"

static char path[64];

/* 12 s of kick-like bursts over a bass tone and noise at 44.1 kHz. */
static int setup(void **s)
{
	(void)s;
	SF_INFO info = { .samplerate = 44100, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	snprintf(path, sizeof path, "/tmp/test_sweep_%d.wav", (int)getpid());
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);
	assert_non_null(f);
	uint32_t z = 7;
	for (int i = 0; i < 44100 * 12; i++) {
		double t = i / 44100.0, ph = fmod(t, 0.5);
		z = z * 1664525u + 1013904223u;
		double w = (double)(z >> 8) / 8388608.0 - 1.0;
		double kick = exp(-ph * 30) * sin(2 * M_PI * 60 * ph);
		float x[2] = { (float)(0.5 * kick + 0.1 * sin(2 * M_PI * 110 * t) + 0.05 * w),
			       (float)(0.5 * kick + 0.1 * sin(2 * M_PI * 165 * t) - 0.05 * w) };
		sf_writef_float(f, x, 1);
	}
	sf_close(f);
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	unlink(path);
	return 0;
}

struct seen {
	double last;
	int calls, rising;
	atomic_int *cancel;
	double cancel_at;
};

static void progress(void *ctx, double done)
{
	struct seen *p = ctx;
	if (done < p->last)
		p->rising = 0;
	p->last = done;
	p->calls++;
	if (p->cancel && done >= p->cancel_at)
		atomic_store(p->cancel, 1);
}

static void defaults(double v[P_COUNT])
{
	for (int i = 0; i < P_COUNT; i++)
		v[i] = param_table[i].def;
}

static void progress_and_threads(void **s)
{
	(void)s;
	double v[P_COUNT];
	char err[ERRLEN];
	struct sweep a, b;
	struct seen p = { .rising = 1 };
	defaults(v);
	struct sweep_opts o = { .max_db = 12, .step_db = 2, .jobs = 2, .progress = progress, .ctx = &p };
	assert_int_equal(sweep_run(path, v, &o, &a, err, sizeof err), ST_OK);
	printf("# %d progress calls, last %.3f\n", p.calls, p.last);
	assert_true(p.calls >= 10 && p.rising && p.last > 0.99);
	assert_int_equal(a.n, 7);
	o.jobs = 1;
	o.progress = NULL;
	assert_int_equal(sweep_run(path, v, &o, &b, err, sizeof err), ST_OK);
	for (int i = 0; i < a.n; i++) {
		assert_memory_equal(&a.steps[i], &b.steps[i], sizeof a.steps[i]);
		if (i)
			assert_true(a.steps[i].integrated_lufs > a.steps[i - 1].integrated_lufs);
	}
	assert_true(fabs(a.seconds - 12.0) < 1e-9);
	sweep_free(&a);
	sweep_free(&b);
}

static void cancel_from_callback(void **s)
{
	(void)s;
	double v[P_COUNT];
	char err[ERRLEN];
	struct sweep a;
	atomic_int cancel = 0;
	struct seen p = { .rising = 1, .cancel = &cancel, .cancel_at = 0.3 };
	defaults(v);
	struct sweep_opts o = { .max_db = 18, .step_db = 1, .jobs = 2, .cancel = &cancel,
				.progress = progress, .ctx = &p };
	assert_int_equal(sweep_run(path, v, &o, &a, err, sizeof err), -1);
	printf("# cancelled at %.2f: %s\n", p.last, err);
	assert_true(p.last < 0.5);
	assert_non_null(strstr(err, "interrupted"));
	assert_null(a.steps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(progress_and_threads),
		cmocka_unit_test(cancel_from_callback),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
