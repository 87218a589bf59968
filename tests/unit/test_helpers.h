/* What the unit tests share: a one-bin DFT in dB, a reproducible noise
 * generators, the block-size scaffolding (a module run in blocks of any
 * size, settings changed at the same frames whatever the size, compared
 * sample for sample against one reference), and the bad-input scaffolding
 * (NaN and infinity must come out as if they had been silence), and a
 * real ALSA PCM that writes what it is given to a file.
 * Include after <cmocka.h>.  Everything is static inline: each test is
 * one file, and a test that uses only part of this gets no warning. */
#ifndef LATHE_TEST_HELPERS_H
#define LATHE_TEST_HELPERS_H
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Power of h[0..n) at frequency f, dB (20 log10 of the magnitude).  The
 * phasor turns by multiplication, renormalised every 1024 steps, so it
 * costs no sin/cos per sample and drifts less than 1e-12 over 2^20. */
static inline double dft_db(const float *h, int n, double rate, double f)
{
	double c = cos(2 * M_PI * f / rate), s = -sin(2 * M_PI * f / rate);
	double pr = 1, pi = 0, re = 0, im = 0;

	for (int i = 0; i < n; i++) {
		re += h[i] * pr;
		im += h[i] * pi;
		double t = pr * c - pi * s;
		pi = pr * s + pi * c;
		pr = t;
		if ((i & 1023) == 1023) {
			double g = 1.0 / hypot(pr, pi);
			pr *= g;
			pi *= g;
		}
	}
	return 10 * log10(re * re + im * im);
}

/* White noise, uniform over -0.5..0.5 on a 2^-24 grid; the same seed
 * gives the same samples on every machine. */
static inline void lcg_noise(float *x, int n, uint32_t seed)
{
	for (int i = 0; i < n; i++) {
		seed = seed * 1664525u + 1013904223u;
		x[i] = (float)((seed >> 8) * (1.0 / 16777216.0) - 0.5);
	}
}

/* The next of a 64-bit LCG's draws, uniform over -1..1 on a 2^-52 grid
 * (Knuth's MMIX constants): for signals longer than lcg_noise's period
 * would allow. */
static inline float lcg64_noise(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (float)((double)(*seed >> 11) / 9007199254740992.0 * 2 - 1);
}

/* A module under test, seen the same way whatever it is.  The chain may
 * call a module's _set only at frames that are multiples of `align` (its
 * sub-block); change(ctx, pos, apply) says whether the test changes
 * settings at such a frame (a pure function of pos) and, when apply is
 * set, makes the change.  process runs frames in place. */
struct partition {
	void *ctx;
	int (*change)(void *ctx, int pos, int apply);
	void (*process)(void *ctx, float *L, float *R, int n);
	int align;
};

/* Runs L, R [0..n) through p in blocks of `block` frames.  A block is cut
 * only where a change lands, so blocks of every size see each change at
 * the same frame and, between changes, really are that size. */
static inline void partition_run(const struct partition *p, float *L, float *R, int n, int block)
{
	for (int pos = 0, k; pos < n; pos += k) {
		if (pos % p->align == 0 && p->change)
			p->change(p->ctx, pos, 1);
		k = block < n - pos ? block : n - pos;
		for (int q = (pos / p->align + 1) * p->align; p->change && q < pos + k; q += p->align)
			if (p->change(p->ctx, q, 0)) {
				k = q - pos;
				break;
			}
		p->process(p->ctx, L + pos, R + pos, k);
	}
}

/* run(ctx, L, R, n, block) builds a fresh module, runs L, R in place in
 * blocks of `block` and frees it.  Asserts that every size in sizes[]
 * gives the samples of 4096-frame blocks exactly, and that the module
 * changed the input (a test of a module that does nothing proves
 * nothing). */
static inline void assert_block_independent(void (*run)(void *ctx, float *L, float *R, int n, int block),
					    void *ctx, const float *inL, const float *inR, int n,
					    const int *sizes, int nsizes)
{
	size_t bytes = (size_t)n * sizeof(float);
	float *L0 = malloc(bytes), *R0 = malloc(bytes), *L = malloc(bytes), *R = malloc(bytes);

	assert_non_null(L0);
	assert_non_null(R0);
	assert_non_null(L);
	assert_non_null(R);
	memcpy(L0, inL, bytes);
	memcpy(R0, inR, bytes);
	run(ctx, L0, R0, n, 4096);
	assert_true(memcmp(L0, inL, bytes) != 0 || memcmp(R0, inR, bytes) != 0);
	for (int s = 0; s < nsizes; s++) {
		memcpy(L, inL, bytes);
		memcpy(R, inR, bytes);
		run(ctx, L, R, n, sizes[s]);
		if (memcmp(L, L0, bytes) || memcmp(R, R0, bytes))
			print_error("blocks of %d frames differ from blocks of 4096\n", sizes[s]);
		assert_memory_equal(L, L0, bytes);
		assert_memory_equal(R, R0, bytes);
	}
	free(L0);
	free(R0);
	free(L);
	free(R);
}

/* Defines fn(ctx, L, R, n, block) for assert_block_independent: a fresh
 * module of kind mod (mod_new, mod_set, mod_reset, mod_process, mod_free)
 * at `rate`, set to the parameters ctx points to, run in blocks of
 * `block` frames, freed. */
#define DEFINE_RUN_SETTLED(fn, mod, rate)                                       \
	static void fn(void *ctx, float *L, float *R, int n, int block)         \
	{                                                                       \
		struct mod *m = mod##_new(rate);                                \
		assert_non_null(m);                                             \
		mod##_set(m, ctx);                                              \
		mod##_reset(m);                                                 \
		for (int pos = 0, k; pos < n; pos += k) {                       \
			k = block < n - pos ? block : n - pos;                  \
			mod##_process(m, L + pos, R + pos, k);                  \
		}                                                               \
		mod##_free(m);                                                  \
	}

/* dst = src with every NaN and infinity replaced by silence. */
static inline void nonfinite_to_silence(const float *src, float *dst, int n)
{
	for (int i = 0; i < n; i++)
		dst[i] = isfinite(src[i]) ? src[i] : 0.0f;
}

/* Bad input comes out as silence would have: two modules built the same
 * way, a given L, R holding NaN or infinity, b the same samples with
 * those as zeros.  Asserts that a's output is finite everywhere and
 * identical to b's.  L and R are processed in place. */
static inline void assert_bad_as_silence(void (*process)(void *m, float *L, float *R, int n),
					 void *a, void *b, float *L, float *R, int n)
{
	size_t bytes = (size_t)n * sizeof(float);
	float *L2 = malloc(bytes), *R2 = malloc(bytes);
	int bad = 0;

	assert_non_null(L2);
	assert_non_null(R2);
	for (int i = 0; i < n; i++)
		bad += !isfinite(L[i]) + !isfinite(R[i]);
	assert_true(bad > 0); /* else this proves nothing */
	nonfinite_to_silence(L, L2, n);
	nonfinite_to_silence(R, R2, n);
	process(a, L, R, n);
	process(b, L2, R2, n);
	for (int i = 0; i < n; i++)
		assert_true(isfinite(L[i]) && isfinite(R[i]));
	assert_memory_equal(L, L2, bytes);
	assert_memory_equal(R, R2, bytes);
	free(L2);
	free(R2);
}

/* A fresh folder /tmp/lathe-NAME-XXXXXX holding an ALSA configuration
 * with one PCM, "tap": the file plugin in front of a null device, writing
 * the raw frames it plays to out.raw, so a test reads back exactly what
 * the engine played.  It has no "default", so opening that fails: the
 * no-card case.  ALSA_CONFIG_PATH points at it.  dir, raw and conf get
 * the folder's, the raw file's and the configuration's paths.  0 on
 * success. */
static inline int tap_pcm_setup(const char *name, char dir[64], char raw[128], char conf[128])
{
	snprintf(dir, 64, "/tmp/lathe-%s-XXXXXX", name);
	if (!mkdtemp(dir))
		return -1;
	snprintf(raw, 128, "%s/out.raw", dir);
	snprintf(conf, 128, "%s/asound.conf", dir);
	FILE *f = fopen(conf, "w");
	if (!f)
		return -1;
	fprintf(f, "pcm.tap {\n\ttype file\n\tslave.pcm { type null }\n"
		   "\tfile \"%s\"\n\tformat \"raw\"\n}\n", raw);
	if (fclose(f) != 0)
		return -1;
	return setenv("ALSA_CONFIG_PATH", conf, 1);
}

static inline void tap_pcm_teardown(const char *dir, const char *raw, const char *conf)
{
	unlink(raw);
	unlink(conf);
	rmdir(dir);
}
#endif
