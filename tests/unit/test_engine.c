/* The playback engine, heard through ALSA's file PCM: a self-contained
 * ALSA configuration (written at test time) defines `tap`, a file plugin
 * over an inline null PCM, so what the engine played lands in a raw float
 * file we can read back sample by sample.
 *
 * The null PCM takes audio as fast as it is written, so these tests run
 * much faster than real time; the silent sink (no device) is the one that
 * is paced by the clock, and carries the real-time tests. */
#include <ebur128.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sndfile.h>

#include "audio/engine.h"
#include "audio/source.h"
#include "audio/status.h"
#include "dsp/chain.h"
#include "test_helpers.h"

#define RATE 48000

static char dir[64], raw_path[128], conf_path[128];

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int setup_alsa(void **state)
{
	(void)state;
	return tap_pcm_setup("engine", dir, raw_path, conf_path);
}

static int teardown_alsa(void **state)
{
	(void)state;
	tap_pcm_teardown(dir, raw_path, conf_path);
	return 0;
}

static uint64_t seed;
static float noise(void) { return lcg64_noise(&seed); }

/* Music-ish: bass, a decaying noise burst four times a second, a tone. */
static float *music(int64_t n)
{
	float *b = malloc((size_t)n * 2 * sizeof *b);
	float lp = 0;

	seed = 7;
	for (int64_t i = 0; i < n; i++) {
		double t = (double)i / RATE;
		double env = exp(-fmod(t, 0.25) * 10);
		lp += 0.3f * (noise() - lp);
		double s = 0.35 * sin(2 * M_PI * 55 * t) + 0.5 * env * lp +
			   0.15 * sin(2 * M_PI * 1500 * t) * env;
		b[2 * i] = (float)s;
		b[2 * i + 1] = (float)(0.8 * s + 0.05 * noise());
	}
	return b;
}

/* A sine that ends with a 20 ms fade, as a real mix ends: the natural end
 * of a file is played unfaded, exactly as rendered. */
static float *sine(int64_t n, double f, double amp)
{
	float *b = malloc((size_t)n * 2 * sizeof *b);
	int64_t tail = RATE / 50;

	for (int64_t i = 0; i < n; i++) {
		double g = i > n - tail ? (double)(n - i) / tail : 1;
		b[2 * i] = b[2 * i + 1] = (float)(g * amp * sin(2 * M_PI * f * (double)i / RATE));
	}
	return b;
}

static void busy(double v[P_COUNT])
{
	params_defaults(v);
	v[P_HPF_FREQ] = 30;
	v[P_EQ_LOW_GAIN] = 2;
	v[P_EQ_HIGH_GAIN] = 1.5;
	v[P_COMP_THRESHOLD] = -22;
	v[P_COMP_RATIO] = 3;
	v[P_COMP_MAKEUP] = 2;
	v[P_IMAGER_WIDTH] = 120;
	v[P_LIMITER_DRIVE] = 6;
}

/* What render_file does: a fresh chain, latency dropped at the head and
 * flushed with zeros at the tail. */
static float *offline(const float *in, int64_t n, const double v[P_COUNT])
{
	struct chain *c = chain_new(RATE);
	float *out = malloc((size_t)n * 2 * sizeof *out);
	int lat = chain_latency(c), blk = 4096;
	float L[4096], R[4096];
	int64_t pos = 0, w = 0;

	chain_set_all(c, v);
	chain_reset(c);
	while (w < n) {
		int k = blk;
		for (int i = 0; i < k; i++, pos++) {
			L[i] = pos < n ? in[2 * pos] : 0;
			R[i] = pos < n ? in[2 * pos + 1] : 0;
		}
		chain_process(c, L, R, k);
		for (int i = 0; i < k; i++) {
			int64_t o = pos - k + i - lat;
			if (o >= 0 && o < n) {
				out[2 * o] = L[i];
				out[2 * o + 1] = R[i];
				w = o + 1;
			}
		}
	}
	chain_free(c);
	return out;
}

static float *read_raw(int64_t *frames)
{
	FILE *f = fopen(raw_path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	float *b = malloc((size_t)sz + 8);
	assert_int_equal(fread(b, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	*frames = sz / 8;
	return b;
}

static struct engine *open_tap(void)
{
	struct engine *e;
	char err[ERRLEN];
	struct engine_opts o = { "tap", 1, 0 };

	unlink(raw_path);
	assert_int_equal(engine_open(&e, &o, err, sizeof err), ST_OK);
	return e;
}

static void load(struct engine *e, float *buf, int64_t n, const double v[P_COUNT])
{
	char err[ERRLEN];

	for (int i = 0; i < P_COUNT; i++)
		engine_set_param(e, i, v[i]);
	/* The source takes ownership: give it a copy, the test keeps buf. */
	float *copy = malloc((size_t)n * 2 * sizeof *copy);
	assert_non_null(copy);
	memcpy(copy, buf, (size_t)n * 2 * sizeof *copy);
	struct source *s = source_from_memory(copy, n, RATE, "test signal");
	assert_non_null(s);
	assert_int_equal(engine_load_source(e, s, err, sizeof err), ST_OK);
}

static void wait_stopped(struct engine *e, double timeout)
{
	struct engine_stats st;
	double t0 = now_s();

	do {
		sleep_ms(2);
		engine_get_stats(e, &st);
		assert_true(now_s() - t0 < timeout);
	} while (!(st.frames_written > 0 && engine_transport(e) == TR_STOPPED));
}

/* What is heard is what is rendered, sample for sample. */
static void test_identity(void **state)
{
	(void)state;
	int64_t n = 3 * RATE + 1234, got;
	float *in = music(n);
	double v[P_COUNT];
	busy(v);
	float *ref = offline(in, n, v);
	struct engine *e = open_tap();
	struct engine_info info;

	load(e, in, n, v);
	engine_get_info(e, &info);
	assert_int_equal(info.rate, RATE);
	assert_false(info.silent_sink);
	engine_play(e);
	wait_stopped(e, 20);
	engine_close(e);
	float *out = read_raw(&got);
	assert_int_equal(got, n);
	int64_t bad = 0;
	for (int64_t i = 0; i < 2 * n; i++)
		bad += out[i] != ref[i];
	assert_int_equal(bad, 0);
	/* Playing changed something audible: not a passthrough. */
	double diff = 0;
	for (int64_t i = 0; i < 2 * n; i++)
		diff = fmax(diff, fabs(out[i] - in[i]));
	assert_true(diff > 0.01);
	free(in);
	free(ref);
	free(out);
}

/* Largest second difference: a click shows up here long before it
 * shows in a level. */
static int64_t max_d2_at; /* where the largest one was, for the report */
static double max_d2(const float *x, int64_t a, int64_t b)
{
	double m = 0;
	for (int64_t i = a + 1; i + 1 < b; i++) {
		double d = fabs((double)x[2 * i + 2] - 2.0 * x[2 * i] + x[2 * i - 2]);
		if (d > m) {
			m = d;
			max_d2_at = i;
		}
	}
	return m;
}

static double rms(const float *x, int64_t a, int64_t b)
{
	double s = 0;
	for (int64_t i = a; i < b; i++)
		s += (double)x[2 * i] * x[2 * i];
	return sqrt(s / (double)(b - a));
}

/* A parameter change reaches the output within one period plus its
 * smoothing, and glides there without a click. */
static void test_param_change(void **state)
{
	(void)state;
	int64_t n = 20 * RATE, got;
	float *in = sine(n, 1000, 0.1);
	double v[P_COUNT];
	params_defaults(v);
	float *ref = offline(in, n, v);
	struct engine *e = open_tap();
	struct engine_info info;
	struct engine_stats st;

	load(e, in, n, v);
	engine_get_info(e, &info);
	engine_play(e);
	do {
		sleep_ms(1);
		engine_get_stats(e, &st);
	} while (st.frames_written < (uint64_t)RATE);
	uint64_t f0 = st.frames_written;
	engine_set_param(e, P_OUTPUT_GAIN, -6);
	engine_get_stats(e, &st);
	uint64_t f1 = st.frames_written;
	/* The file PCM does not pace: the change must land before the end. */
	assert_true(f1 < (uint64_t)(n - RATE));
	wait_stopped(e, 20);
	engine_close(e);
	float *out = read_raw(&got);
	assert_int_equal(got, n);

	int64_t onset = -1;
	for (int64_t i = 0; i < n && onset < 0; i++)
		if (fabsf(out[2 * i] - ref[2 * i]) > 1e-6f)
			onset = i;
	printf("  change written at frame %llu..%llu, first changed sample %lld, period %u\n",
	       (unsigned long long)f0, (unsigned long long)f1, (long long)onset, info.period_frames);
	assert_true(onset >= (int64_t)f0);
	assert_true(onset <= (int64_t)(f1 + 2 * info.period_frames));
	/* Settled: the chain glides with a 30 ms time constant (5 ms for
	 * the gain itself); after a period and 250 ms it is at -6 dB. */
	int64_t settle = onset + info.period_frames + RATE / 4;
	double ratio = 20 * log10(rms(out, settle, settle + RATE / 10) / rms(ref, settle, settle + RATE / 10));
	printf("  level %.3f dB after %.0f ms\n", ratio, (double)(settle - onset) * 1000 / RATE);
	assert_true(fabs(ratio + 6) < 0.05);
	/* No click: the curvature never exceeds the unchanged sine's. */
	double steady = max_d2(ref, onset - RATE / 10, onset + RATE / 5);
	double during = max_d2(out, onset - RATE / 10, onset + RATE / 5);
	assert_true(during <= steady * 1.01);
	free(in);
	free(ref);
	free(out);
}

/* Pause, resume, seek and stop never click; a loop keeps playing past the
 * end of the file and its wraps do not click either. */
static void test_transport(void **state)
{
	(void)state;
	int64_t n = 10 * RATE, got;
	float *in = sine(n, 440, 0.5);
	double steady = max_d2(in, 1, n - RATE / 50 - 2);
	double v[P_COUNT];
	params_defaults(v);
	v[P_LIMITER_BYPASS] = 1;
	struct engine *e = open_tap();
	struct engine_stats st;

	load(e, in, n, v);
	engine_seek(e, 0.3, 0);
	engine_play(e);
	for (int step = 0; step < 3; step++) {
		sleep_ms(5);
		engine_pause(e);
		sleep_ms(5);
		engine_play(e);
		sleep_ms(3);
		engine_seek(e, 0.123 * (step + 1), 0);
		sleep_ms(3);
		engine_seek(e, -0.05, 1);
	}
	engine_set_loop(e, 0.5, 1.0);
	engine_seek(e, 0.4, 0);
	engine_play(e);
	engine_get_stats(e, &st);
	uint64_t f0 = st.frames_written;
	/* Looping, it plays on well past the length of the file. */
	do {
		sleep_ms(2);
		engine_get_stats(e, &st);
		assert_int_equal(engine_transport(e), TR_PLAYING);
	} while (st.frames_written < f0 + (uint64_t)(2 * n));
	engine_stop(e);
	wait_stopped(e, 5);
	engine_close(e);
	float *out = read_raw(&got);
	assert_true(got >= 2 * n);
	double d2 = max_d2(out, 1, got);
	printf("  %lld frames, max curvature %.4f at frame %lld (sine alone %.4f)\n",
	       (long long)got, d2, (long long)max_d2_at, steady);
	if (getenv("LATHE_TEST_KEEP")) {
		FILE *f = fopen(getenv("LATHE_TEST_KEEP"), "wb");
		fwrite(out, 8, (size_t)got, f);
		fclose(f);
	}
	/* A fade turned round midway (pause then play within 8 ms) leaves a
	 * corner in the gain curve worth up to pi/fade_len * amplitude, 2.5x
	 * the sine's own curvature here; any cut, even at a zero crossing,
	 * is worth 17x or more. */
	assert_true(d2 < steady * 3.5);
	/* The output ends in silence, faded. */
	assert_true(fabsf(out[2 * got - 2]) < 1e-3f);
	free(in);
	free(out);
}

/* No card: the silent sink plays at the pace of the clock and says so;
 * a stalled process underruns, the count rises, playback goes on. */
static void test_silent_sink_underrun(void **state)
{
	(void)state;
	struct engine *e;
	char err[ERRLEN];
	struct engine_opts o = { NULL, 0, 0 };
	struct engine_info info;
	struct engine_meters m;
	int64_t n = 3 * RATE;
	float *in = music(n);
	double v[P_COUNT];
	params_defaults(v);

	assert_int_equal(engine_open(&e, &o, err, sizeof err), ST_OK);
	engine_get_info(e, &info);
	assert_true(info.silent_sink);
	assert_non_null(strstr(info.device, "no audio device"));
	load(e, in, n, v);
	double t0 = now_s(), wall;
	engine_play(e);
	/* Paced by the clock: never ahead of it.  How far behind depends on
	 * when a loaded machine (or TSan) lets the audio thread run, so the
	 * test waits (up to 10 s) for 0.45 s of audio, enough for a
	 * momentary loudness reading. */
	do {
		sleep_ms(50);
		engine_read_meters(e, &m);
		wall = now_s() - t0;
		assert_true(m.pos_s < wall + 0.01);
	} while (m.pos_s < 0.45 && wall < 10);
	printf("  after %.3f s of wall time the position is %.3f s\n", wall, m.pos_s);
	assert_true(m.pos_s >= 0.45);
	assert_true(m.momentary_lufs > -40);
	unsigned before = m.underruns;

	pid_t kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		kill(getppid(), SIGSTOP);
		sleep_ms(250);
		kill(getppid(), SIGCONT);
		_exit(0);
	}
	waitpid(kid, NULL, 0);
	sleep_ms(200);
	engine_read_meters(e, &m);
	double p1 = m.pos_s;
	sleep_ms(200);
	engine_read_meters(e, &m);
	printf("  underruns %u -> %u, position %.3f -> %.3f s\n", before, m.underruns, p1, m.pos_s);
	assert_true(m.underruns > before);
	assert_int_equal(m.transport, TR_PLAYING);
	assert_true(m.pos_s - p1 > 0.15);
	engine_close(e);
	free(in);
}

static void test_named_device_fails(void **state)
{
	(void)state;
	struct engine *e;
	char err[ERRLEN] = "";
	struct engine_opts o = { "no_such_pcm", 1, 0 };

	assert_int_equal(engine_open(&e, &o, err, sizeof err), ST_DEVICE);
	assert_null(e);
	assert_non_null(strstr(err, "no_such_pcm"));
	assert_null(strchr(err, '\n'));
}

/* The bypass is level-matched: the dry signal comes out as loud as the
 * master it replaces, within 0.5 LU. */
static void test_ab_matched(void **state)
{
	(void)state;
	int64_t n = 24 * RATE, got;
	float *in = music(n);
	double v[P_COUNT];
	busy(v);
	v[P_LIMITER_DRIVE] = 9; /* a loud master: the dry mix is far quieter */
	float *ref = offline(in, n, v);
	struct engine *e = open_tap();
	struct engine_stats st;
	struct engine_meters m;

	load(e, in, n, v);
	engine_play(e);
	do {
		sleep_ms(1);
		engine_get_stats(e, &st);
	} while (st.frames_written < (uint64_t)(12 * RATE));
	engine_set_ab(e, 1);
	wait_stopped(e, 30);
	engine_read_meters(e, &m);
	engine_close(e);
	float *out = read_raw(&got);
	assert_int_equal(got, n);

	double lo[2];
	const float *src[2] = { ref, out };
	for (int k = 0; k < 2; k++) {
		ebur128_state *st128 = ebur128_init(2, RATE, EBUR128_MODE_I);
		ebur128_add_frames_float(st128, src[k] + 2 * 16 * RATE, (size_t)(8 * RATE));
		ebur128_loudness_global(st128, &lo[k]);
		ebur128_destroy(&st128);
	}
	double dry;
	{
		ebur128_state *st128 = ebur128_init(2, RATE, EBUR128_MODE_I);
		ebur128_add_frames_float(st128, in + 2 * 16 * RATE, (size_t)(8 * RATE));
		ebur128_loudness_global(st128, &dry);
		ebur128_destroy(&st128);
	}
	printf("  master %.2f LUFS, dry %.2f LUFS, A/B (dry, matched) %.2f LUFS, offset %.2f dB\n",
	       lo[0], dry, lo[1], m.ab_offset_db);
	assert_true(lo[0] - dry > 3);
	assert_true(fabs(lo[1] - lo[0]) < 0.5);
	free(in);
	free(ref);
	free(out);
}

/* A float WAV of interleaved stereo, for engine_load_reference. */
static void write_wav_rate(const char *path, const float *b, int64_t n, int rate)
{
	SF_INFO fi = { .samplerate = rate, .channels = 2,
		       .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	SNDFILE *f = sf_open(path, SFM_WRITE, &fi);
	assert_non_null(f);
	assert_int_equal(sf_writef_float(f, b, n), n);
	sf_close(f);
}

static void write_wav(const char *path, const float *b, int64_t n)
{
	write_wav_rate(path, b, n, RATE);
}

static double lufs_of(const float *b, int64_t from, int64_t frames)
{
	double v;
	ebur128_state *st = ebur128_init(2, RATE, EBUR128_MODE_I);
	ebur128_add_frames_float(st, b + 2 * from, (size_t)frames);
	ebur128_loudness_global(st, &v);
	ebur128_destroy(&st);
	return v;
}

/* The reference's loudness is measured on a thread of its own: the
 * match (and what these tests measure of it) starts once it is known. */
static void wait_ref_measured(struct engine *e)
{
	struct engine_info info;
	for (int i = 0; i < 30000; i++) {
		engine_get_info(e, &info);
		if (!info.reference_measuring)
			break;
		sleep_ms(1);
	}
	assert_int_equal(info.reference_measuring, 0);
	assert_true(isfinite(info.reference_lufs));
}

/* The reference A/B: a loud master, then a quieter reference.  What the
 * file PCM captured of each is equally loud within 0.5 LU, because the
 * louder one (the master) was turned down to the reference, and the
 * reference kept its own level. */
static void test_reference_matched(void **state)
{
	(void)state;
	int64_t n = 24 * RATE, nr = 17 * RATE, got;
	float *in = music(n), *ref = music(nr);
	char path[160], err[ERRLEN];
	double v[P_COUNT];
	busy(v);
	v[P_LIMITER_DRIVE] = 9;
	for (int64_t i = 0; i < 2 * nr; i++)
		ref[i] *= 0.25f; /* -12 dB */
	snprintf(path, sizeof path, "%s/ref.wav", dir);
	write_wav(path, ref, nr);
	float *master = offline(in, n, v);
	struct engine *e = open_tap();
	struct engine_stats st;
	struct engine_meters m;
	struct engine_info info;

	load(e, in, n, v);
	assert_int_equal(engine_load_reference(e, path, err, sizeof err), ST_OK);
	engine_get_info(e, &info);
	assert_non_null(strstr(info.reference, "ref.wav"));
	assert_true(info.reference_usable);
	wait_ref_measured(e);
	engine_play(e);
	do {
		sleep_ms(1);
		engine_get_stats(e, &st);
	} while (st.frames_written < (uint64_t)(12 * RATE));
	engine_set_reference(e, 1);
	wait_stopped(e, 30);
	engine_read_meters(e, &m);
	engine_close(e);
	unlink(path);
	float *out = read_raw(&got);
	assert_int_equal(got, n);

	double lm = lufs_of(master, 4 * RATE, 8 * RATE);
	double lr = lufs_of(ref, 0, nr);
	double hm = lufs_of(out, 4 * RATE, 8 * RATE);  /* the master, as heard */
	double hr = lufs_of(out, 16 * RATE, 8 * RATE); /* the reference, as heard */
	printf("  master %.2f LUFS, reference %.2f LUFS; heard: master %.2f, reference %.2f;"
	       " trims master %.2f dB, reference %.2f dB (master measured %.2f LUFS over %.1f s)\n",
	       lm, lr, hm, hr, m.master_trim_db, m.ref_trim_db, m.master_lufs, m.master_lufs_s);
	assert_true(lm - lr > 3);                 /* the master is the louder */
	assert_int_equal(m.ref_on, 1);
	assert_true(fabs(hm - hr) < 0.5);          /* matched */
	assert_true(fabs(hr - lr) < 0.5);          /* the quieter one untouched */
	assert_true(fabs(m.ref_trim_db) < 1e-3);
	assert_true(fabs(m.master_trim_db + (lm - lr)) < 0.5);
	free(in);
	free(ref);
	free(master);
	free(out);
}

/* Amplitude of the tone at w radians per sample in the left channel. */
static double tone_amp(const float *x, int64_t a, int64_t b, double w)
{
	double re = 0, im = 0;
	for (int64_t i = a; i < b; i++) {
		re += x[2 * i] * cos(w * (double)i);
		im += x[2 * i] * sin(w * (double)i);
	}
	return 2 * sqrt(re * re + im * im) / (double)(b - a);
}

/* The same through a Hann window (its sidelobes fall fast enough to tell
 * 1 kHz from 1088 Hz over half a second). */
static double tone_amp_hann(const float *x, int64_t a, int64_t b, double w)
{
	double re = 0, im = 0, sw = 0;
	for (int64_t i = a; i < b; i++) {
		double h = 0.5 - 0.5 * cos(2 * M_PI * (double)(i - a) / (double)(b - a));
		re += h * x[2 * i] * cos(w * (double)i);
		im += h * x[2 * i] * sin(w * (double)i);
		sw += h;
	}
	return 2 * sqrt(re * re + im * im) / sw;
}

/* The longest run in [a, b) with no silent millisecond: where the
 * reference's reader kept up.  The tap takes audio unpaced, so on a loaded
 * machine the converting reader can fall behind the audio thread, which
 * then plays silence (as it must in real time); a sound card's pace never
 * lets it.  Trimmed by 10 ms at each end. */
static void longest_sounding(const float *x, int64_t a, int64_t b, int64_t *ra, int64_t *rb)
{
	const int64_t ms = RATE / 1000;
	int64_t best_a = a, best_n = 0, run_a = a;

	for (int64_t s = a; s + ms <= b; s += ms) {
		float mx = 0;
		for (int64_t i = s; i < s + ms; i++)
			mx = fmaxf(mx, fabsf(x[2 * i]));
		if (mx < 1e-6f) {
			run_a = s + ms;
		} else if (s + ms - run_a > best_n) {
			best_n = s + ms - run_a;
			best_a = run_a;
		}
	}
	*ra = best_a + 10 * ms;
	*rb = best_a + best_n - 10 * ms;
}

/* A reference at 44.1 kHz against a 48 kHz track (a CD master as the
 * reference for a 48 kHz mix): it is converted on load, so it plays at its
 * own pitch and level.  Played at the track's rate unconverted, its 1 kHz
 * tone would come out at 1088 Hz. */
static void test_reference_other_rate(void **state)
{
	(void)state;
	const int rr = 44100;
	int64_t n = 10 * RATE, nr = 4 * rr, got;
	float *in = music(n), *ref = malloc((size_t)nr * 2 * sizeof *ref);
	char path[160], err[ERRLEN];
	double v[P_COUNT];
	assert_non_null(ref);
	for (int64_t i = 0; i < nr; i++)
		ref[2 * i] = ref[2 * i + 1] = (float)(0.1 * sin(2 * M_PI * 1000 * (double)i / rr));
	busy(v);
	v[P_LIMITER_DRIVE] = 9;
	snprintf(path, sizeof path, "%s/ref441.wav", dir);
	write_wav_rate(path, ref, nr, rr);
	struct engine *e = open_tap();
	struct engine_stats st;
	struct engine_info info;

	load(e, in, n, v);
	assert_int_equal(engine_load_reference(e, path, err, sizeof err), ST_OK);
	engine_get_info(e, &info);
	assert_true(info.reference_usable);
	assert_true(fabs(info.reference_s - 4.0) < 0.01);
	engine_set_reference(e, 1);
	engine_play(e);
	do {
		sleep_ms(1);
		engine_get_stats(e, &st);
	} while (st.frames_written < (uint64_t)(4 * RATE));
	engine_set_reference(e, 0);
	wait_stopped(e, 30);
	engine_close(e);
	unlink(path);
	float *out = read_raw(&got);
	assert_int_equal(got, n);
	/* 1 to 3.5 s: the reference, the quieter one, at its own level, over
	 * at least half a second of it */
	int64_t a, b;
	longest_sounding(out, RATE, 7 * RATE / 2, &a, &b);
	assert_true(b - a >= RATE / 2);
	double amp = tone_amp_hann(out, a, b, 2 * M_PI * 1000 / RATE);
	double wrong = tone_amp_hann(out, a, b, 2 * M_PI * 1000 * 48000.0 / 44100 / RATE);
	printf("  reference heard (%.2f-%.2f s): 1 kHz at %.2f dB of its level, 1088 Hz at %.1f dB\n",
	       (double)a / RATE, (double)b / RATE, 20 * log10(amp / 0.1), 20 * log10(wrong / 0.1 + 1e-12));
	assert_true(fabs(20 * log10(amp / 0.1)) < 0.1);
	assert_true(20 * log10(wrong / 0.1 + 1e-12) < -40);
	free(in);
	free(ref);
	free(out);
}

/* Switching between master and reference crossfades: the output's
 * curvature never exceeds what the two sines have on their own (a cut
 * would, by 20x and more). */
static void test_reference_no_click(void **state)
{
	(void)state;
	int64_t n = 12 * RATE, got;
	float *in = sine(n, 500, 0.3), *ref = sine(2 * n, 300, 0.1);
	char path[160], err[ERRLEN];
	double v[P_COUNT];
	params_defaults(v);
	v[P_LIMITER_BYPASS] = 1;
	snprintf(path, sizeof path, "%s/refsine.wav", dir);
	write_wav(path, ref, 2 * n);
	struct engine *e = open_tap();
	struct engine_stats st;

	load(e, in, n, v);
	assert_int_equal(engine_load_reference(e, path, err, sizeof err), ST_OK);
	wait_ref_measured(e);
	engine_play(e);
	/* The tap takes audio unpaced, so a switch lands somewhere between
	 * what was written before the call and after it (plus a period). */
	int64_t lo[7], hi[7];
	for (int k = 1; k <= 6; k++) {
		do {
			sleep_ms(1);
			engine_get_stats(e, &st);
		} while (st.frames_written < (uint64_t)(k * 1.5 * RATE));
		lo[k] = (int64_t)st.frames_written;
		engine_set_reference(e, k % 2);
		engine_get_stats(e, &st);
		hi[k] = (int64_t)st.frames_written;
	}
	wait_stopped(e, 30);
	engine_close(e);
	unlink(path);
	float *out = read_raw(&got);
	assert_int_equal(got, n);
	/* The master (louder) plays turned down to the reference: both at
	 * 0.1 peak, 500 Hz and 300 Hz. */
	double w5 = 2 * M_PI * 500 / RATE, w3 = 2 * M_PI * 300 / RATE;
	double steady = 0.1 * w5 * w5; /* the larger of the two sines' */
	/* Skip the first second: the master's trim glides in once its
	 * loudness is known (400 ms), and before that it plays at 0.3. */
	double d2 = max_d2(out, RATE, n - RATE / 50 - 2);
	printf("  max curvature %.6f at frame %lld (the sines alone, matched: %.6f)\n",
	       d2, (long long)max_d2_at, steady);
	assert_true(d2 < steady * 1.15);
	/* The switches happened: after the first (near 1.5 s) the 300 Hz
	 * reference is heard alone at its own 0.1, after the second (3 s) the
	 * 500 Hz master alone, turned down to 0.1.  Each window starts 150 ms
	 * after the switch could have landed (a period, the 40 ms fade) and
	 * ends before the next could. */
	int64_t margin = 3 * RATE / 20, a0 = hi[1] + margin, a1 = lo[2], b0 = hi[2] + margin, b1 = lo[3];
	assert_true(a1 - a0 >= RATE / 2 && b1 - b0 >= RATE / 2);
	double a3 = tone_amp(out, a0, a1, w3), a5 = tone_amp(out, a0, a1, w5);
	double b3 = tone_amp(out, b0, b1, w3), b5 = tone_amp(out, b0, b1, w5);
	printf("  %.2f-%.2f s: 300 Hz %.4f, 500 Hz %.4f; %.2f-%.2f s: 300 Hz %.4f, 500 Hz %.4f\n",
	       (double)a0 / RATE, (double)a1 / RATE, a3, a5, (double)b0 / RATE, (double)b1 / RATE, b3, b5);
	assert_true(fabs(a3 - 0.1) < 0.005 && a5 < 0.002);
	assert_true(fabs(b5 - 0.1) < 0.005 && b3 < 0.002);
	free(in);
	free(ref);
	free(out);
}

int main(void)
{
	/* The file PCM never blocks, so a real-time audio thread would spin
	 * and starve the test's own thread on a small machine. */
	setenv("LATHE_NO_RT", "1", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_param_change),
		cmocka_unit_test(test_transport),
		cmocka_unit_test(test_named_device_fails),
		cmocka_unit_test(test_ab_matched),
		cmocka_unit_test(test_reference_matched),
		cmocka_unit_test(test_reference_no_click),
		cmocka_unit_test(test_reference_other_rate),
		cmocka_unit_test(test_silent_sink_underrun),
	};
	return cmocka_run_group_tests(tests, setup_alsa, teardown_alsa);
}
