/* The engine's analysis tap: what the UI-side meters read is exactly what
 * the chain put out (as it reached the device) and what went in, in order,
 * with positions; off, it copies nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio/engine.h"
#include "audio/source.h"
#include "audio/status.h"
#include "dsp/chain.h"
#include "dsp/params.h"
#include "dsp/stereo.h"
#include "test_helpers.h"

#define RATE 48000
static char dir[64], raw_path[128], conf_path[128];

static int setup(void **state)
{
	(void)state;
	return tap_pcm_setup("tap", dir, raw_path, conf_path);
}

static int teardown(void **state)
{
	(void)state;
	tap_pcm_teardown(dir, raw_path, conf_path);
	return 0;
}

static void run(int tap_on, float **post, float **pre, int64_t **pos, int64_t *got,
		float *in, int64_t n)
{
	struct engine *e;
	struct engine_opts o = { "tap", 1, 0 };
	char err[256];
	struct engine_tap_block b;

	unlink(raw_path);
	assert_int_equal(engine_open(&e, &o, err, sizeof err), ST_OK);
	/* Something the chain audibly does. */
	engine_set_param(e, P_EQ_MID2_GAIN, 6);
	engine_set_param(e, P_LIMITER_DRIVE, 6);
	float *copy = malloc(sizeof *copy * (size_t)n * 2);
	memcpy(copy, in, sizeof *copy * (size_t)n * 2);
	struct source *s = source_from_memory(copy, n, RATE, "tap test");
	assert_int_equal(engine_load_source(e, s, err, sizeof err), ST_OK);
	engine_tap_enable(e, tap_on);
	engine_play(e);
	struct timespec ts = { 0, 5000000 };
	struct engine_stats st;
	for (int i = 0; i < 4000; i++) {
		nanosleep(&ts, NULL);
		engine_get_stats(e, &st);
		if (st.frames_written > 0 && engine_transport(e) == TR_STOPPED)
			break;
	}
	*post = malloc(sizeof **post * (size_t)n * 2);
	*pre = malloc(sizeof **pre * (size_t)n * 2);
	*pos = malloc(sizeof **pos * (size_t)n);
	*got = 0;
	while (engine_tap_read(e, &b)) {
		assert_true(b.n > 0 && b.n <= ENGINE_TAP_FRAMES);
		assert_true(*got + b.n <= n);
		memcpy(*post + 2 * *got, b.post, sizeof *b.post * 2 * (size_t)b.n);
		memcpy(*pre + 2 * *got, b.pre, sizeof *b.pre * 2 * (size_t)b.n);
		for (int i = 0; i < b.n; i++)
			(*pos)[*got + i] = b.pos + i;
		*got += b.n;
	}
	assert_int_equal(engine_tap_lost(e), 0);
	engine_close(e);
}

static void test_tap(void **state)
{
	int64_t n = RATE, got;
	float *in = malloc(sizeof *in * (size_t)n * 2), *post, *pre;
	int64_t *pos;
	(void)state;

	for (int64_t i = 0; i < n; i++) {
		double common = 0.3 * sin(2 * M_PI * 220 * (double)i / RATE);
		in[2 * i] = (float)(common + 0.3 * sin(2 * M_PI * 440 * (double)i / RATE));
		in[2 * i + 1] = (float)(common + 0.3 * sin(2 * M_PI * 1100 * (double)i / RATE));
	}
	run(1, &post, &pre, &pos, &got, in, n);
	/* A whole play, none lost: every frame, in order, from frame 0. */
	FILE *f = fopen(raw_path, "rb");
	assert_non_null(f);
	float *dev = malloc(sizeof *dev * (size_t)n * 2);
	size_t dn = fread(dev, sizeof *dev * 2, (size_t)n, f);
	fclose(f);
	/* The device may get silence after the end; the music part is n. */
	assert_true((int64_t)dn >= n - ENGINE_TAP_FRAMES);
	/* The last partial block stays in the slot being filled. */
	assert_true(got >= n - ENGINE_TAP_FRAMES && got <= n);
	int64_t bad_post = 0, bad_pre = 0, bad_pos = 0;
	double diff = 0;
	for (int64_t i = 0; i < got; i++) {
		bad_pos += pos[i] != i;
		for (int c = 0; c < 2; c++) {
			bad_post += post[2 * i + c] != dev[2 * i + c];
			bad_pre += pre[2 * i + c] != in[2 * i + c];
			diff = fmax(diff, fabs(post[2 * i + c] - in[2 * i + c]));
		}
	}
	assert_int_equal(bad_pos, 0);
	assert_int_equal(bad_post, 0); /* post: what was heard, sample for sample */
	assert_int_equal(bad_pre, 0);  /* pre: the file, lined up */
	assert_true(diff > 0.05);      /* and the chain did something */
	/* The console's whole-play correlation (stereo_acc over the tap)
	 * against the file figure of an offline render with the same
	 * settings (what lathe analyze reads of lathe render): within 0.02. */
	double v[P_COUNT];
	params_defaults(v);
	v[P_EQ_MID2_GAIN] = 6;
	v[P_LIMITER_DRIVE] = 6;
	struct chain *ch = chain_new(RATE);
	float *rl = malloc(sizeof *rl * (size_t)n), *rr = malloc(sizeof *rr * (size_t)n);
	float *ri = malloc(sizeof *ri * (size_t)n * 2);
	for (int64_t i = 0; i < n; i++)
		rl[i] = in[2 * i], rr[i] = in[2 * i + 1];
	chain_set_all(ch, v);
	chain_jump(ch);
	chain_process(ch, rl, rr, (int)n);
	for (int64_t i = 0; i < n; i++)
		ri[2 * i] = rl[i], ri[2 * i + 1] = rr[i];
	struct stereo_acc sp, sf;
	stereo_init(&sp, RATE);
	stereo_init(&sf, RATE);
	stereo_add(&sp, post, got);
	stereo_add(&sf, ri, n);
	printf("correlation: console (tap) %.4f, render %.4f\n", stereo_correlation(&sp),
	       stereo_correlation(&sf));
	assert_true(fabs(stereo_correlation(&sp) - stereo_correlation(&sf)) < 0.02);
	assert_true(fabs(stereo_correlation(&sf)) > 0.2); /* a figure worth comparing */
	chain_free(ch);
	free(rl);
	free(rr);
	free(ri);
	free(post);
	free(pre);
	free(pos);
	/* Off: nothing is copied. */
	run(0, &post, &pre, &pos, &got, in, n);
	assert_int_equal(got, 0);
	free(post);
	free(pre);
	free(pos);
	free(dev);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tap),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
