/* Every constructor (_new) under allocation failure: the Nth allocation
 * our code asks for fails, for N = 1, 2, ... until construction succeeds.
 * Each failed construction must return NULL, with everything it had
 * allocated freed again, and never crash; the first N that is not hit
 * must give a working object.
 *
 * The failures are injected with the linker's --wrap (this test's link
 * line only, see the Makefile): malloc, calloc and realloc as our code
 * calls them, and the library constructors our code calls (kissfft's
 * kiss_fftr_alloc, libsoxr's soxr_create, libebur128's ebur128_init,
 * ALSA's snd_pcm_open) and pthread_create.  Besides the _new functions,
 * the two other constructors that start threads: designer_start and
 * engine_open.  Allocations inside those libraries are theirs and are
 * not counted.  Only the thread that runs the constructor is counted, so
 * a thread the constructor starts cannot shift N.  The leak check is our
 * own (every block a constructor got from malloc, calloc or realloc must
 * be freed when it returns NULL); under ASan, LeakSanitizer checks the
 * libraries' blocks too at exit. */
#include <alsa/asoundlib.h>
#include <ebur128.h>
#include <kissfft/kiss_fftr.h>
#include <pthread.h>
#include <setjmp.h>
#include <soxr.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "audio/engine.h"
#include "audio/loudmeter.h"
#include "audio/lufs.h"
#include "audio/reader.h"
#include "audio/resample.h"
#include "audio/source.h"
#include "audio/status.h"
#include "audio/tonal.h"
#include "dsp/chain.h"
#include "dsp/clip.h"
#include "dsp/designer.h"
#include "dsp/comp.h"
#include "dsp/eq.h"
#include "dsp/eqcurve.h"
#include "dsp/hpf.h"
#include "dsp/imager.h"
#include "dsp/limiter.h"
#include "dsp/mbcomp.h"
#include "dsp/monitor.h"
#include "dsp/spectrum.h"
#include "dsp/truepeak.h"
#include "tui/ui_view.h"
#include "test_helpers.h"

/* Each wrapped function (-Wl,--wrap): the linker's __real_ one, which is
 * the library's, and ours, which may fail on purpose. */
#define WRAPPED(ret, name, params) ret __real_##name params; ret __wrap_##name params;
WRAPPED(void *, malloc, (size_t n))
WRAPPED(void *, calloc, (size_t k, size_t n))
WRAPPED(void *, realloc, (void *p, size_t n))
WRAPPED(void, free, (void *p))
WRAPPED(kiss_fftr_cfg, kiss_fftr_alloc, (int nfft, int inverse, void *mem, size_t *lenmem))
WRAPPED(soxr_t, soxr_create, (double in, double out, unsigned ch, soxr_error_t *e,
			      soxr_io_spec_t const *io, soxr_quality_spec_t const *q,
			      soxr_runtime_spec_t const *rt))
WRAPPED(ebur128_state *, ebur128_init, (unsigned ch, unsigned long rate, int mode))
WRAPPED(int, pthread_create, (pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg))
WRAPPED(int, snd_pcm_open, (snd_pcm_t **pcm, const char *name, snd_pcm_stream_t st, int mode))
#undef WRAPPED

/* Armed on one thread only; the counts are that thread's. */
static _Thread_local int armed;
static _Thread_local long calls, fail_at;
static _Thread_local int injected;

#define MAXLIVE 4096
static _Thread_local void *live[MAXLIVE];
static _Thread_local int nlive;

/* 1 when this call is the one to fail. */
static int hit(void)
{
	if (!armed)
		return 0;
	if (++calls != fail_at)
		return 0;
	injected = 1;
	return 1;
}

static void track(void *p)
{
	if (armed && p) {
		assert_true(nlive < MAXLIVE);
		live[nlive++] = p;
	}
}

static void untrack(void *p)
{
	for (int i = 0; armed && p && i < nlive; i++)
		if (live[i] == p) {
			live[i] = live[--nlive];
			return;
		}
}

void *__wrap_malloc(size_t n)
{
	if (hit())
		return NULL;
	void *p = __real_malloc(n);
	track(p);
	return p;
}

void *__wrap_calloc(size_t k, size_t n)
{
	if (hit())
		return NULL;
	void *p = __real_calloc(k, n);
	track(p);
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	if (hit())
		return NULL; /* and p stays allocated, as realloc promises */
	void *q = __real_realloc(p, n);
	if (q) {
		untrack(p);
		track(q);
	}
	return q;
}

void __wrap_free(void *p)
{
	untrack(p);
	__real_free(p);
}

kiss_fftr_cfg __wrap_kiss_fftr_alloc(int nfft, int inverse, void *mem, size_t *lenmem)
{
	return hit() ? NULL : __real_kiss_fftr_alloc(nfft, inverse, mem, lenmem);
}

soxr_t __wrap_soxr_create(double in, double out, unsigned ch, soxr_error_t *e,
			  soxr_io_spec_t const *io, soxr_quality_spec_t const *q,
			  soxr_runtime_spec_t const *rt)
{
	if (hit()) {
		if (e)
			*e = "injected allocation failure";
		return NULL;
	}
	return __real_soxr_create(in, out, ch, e, io, q, rt);
}

ebur128_state *__wrap_ebur128_init(unsigned ch, unsigned long rate, int mode)
{
	return hit() ? NULL : __real_ebur128_init(ch, rate, mode);
}

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg)
{
	return hit() ? EAGAIN : __real_pthread_create(t, a, fn, arg);
}

int __wrap_snd_pcm_open(snd_pcm_t **pcm, const char *name, snd_pcm_stream_t st, int mode)
{
	return hit() ? -ENOMEM : __real_snd_pcm_open(pcm, name, st, mode);
}

/* One constructor and its destructor, behind one shape. */
struct ctor {
	const char *name;
	void *(*make)(void);
	void (*destroy)(void *);
	void (*use)(void *); /* exercise a built object, or NULL */
};

#define RATE_CTOR(fn, type, rate)                                               \
	static void *make_##fn(void) { return fn##_new(rate); }                 \
	static void destroy_##fn(void *p) { fn##_free((type *)p); }
RATE_CTOR(hpf, struct hpf, 44100)
RATE_CTOR(eq, struct eq, 44100)
RATE_CTOR(comp, struct comp, 44100)
RATE_CTOR(imager, struct imager, 44100)
RATE_CTOR(clip, struct clip, 44100)
RATE_CTOR(mbcomp, struct mbcomp, 44100)
RATE_CTOR(limiter, struct limiter, 44100)
RATE_CTOR(eqcurve, struct eqcurve, 48000)
RATE_CTOR(chain, struct chain, 48000)
RATE_CTOR(monitor, struct monitor_stage, 48000)
RATE_CTOR(spec_welch, struct spec_welch, 48000)
RATE_CTOR(spec_live, struct spec_live, 96000)
RATE_CTOR(tonal, struct tonal_state, 48000)
RATE_CTOR(loudmeter, struct loudmeter, 48000)
RATE_CTOR(lufs, struct lufs_meter, 48000)

static void *make_tpdet(void) { return tpdet_new(); }
static void destroy_tpdet(void *p) { tpdet_free(p); }
static void *make_spec_fft(void) { return spec_fft_new(4096); }
static void destroy_spec_fft(void *p) { spec_fft_free(p); }
static void *make_view(void) { return view_new(); }
static void destroy_view(void *p) { view_free(p); }

static char rs_err[200];
static void *make_resampler(void) { return resampler_new(44100, 48000, 2, rs_err, sizeof rs_err); }
static void destroy_resampler(void *p) { resampler_free(p); }

/* The reader's source is made before the count starts: only what
 * reader_new itself allocates is under test. */
static struct source *reader_src;
static void *make_reader(void) { return reader_new(reader_src); }
static void destroy_reader(void *p) { reader_free(p); }

/* The designer's EQ is made before the count starts. */
static struct eq *designer_eq;
static void *make_designer(void) { return designer_start(designer_eq); }
static void destroy_designer(void *p) { designer_stop(p); }

/* The engine on a named device (the ALSA file PCM of test_helpers.h), so
 * a failure to open it is an error, not a fall back to the silent sink. */
static char tap_dir[64], tap_raw[128], tap_conf[128];
static void *make_engine(void)
{
	struct engine *e;
	struct engine_opts o = { "tap", 1, 0 };
	char err[256];
	return engine_open(&e, &o, err, sizeof err) == ST_OK ? e : NULL;
}
static void destroy_engine(void *p) { engine_close(p); }

/* A built chain runs: a failure left half-initialised would show here
 * (under ASan, as a read of freed or uninitialised memory). */
static void use_chain(void *p)
{
	float L[256], R[256];
	for (int i = 0; i < 256; i++)
		L[i] = R[i] = (float)(i % 32) / 64.0f;
	chain_process(p, L, R, 256);
	for (int i = 0; i < 256; i++)
		assert_true(L[i] == L[i] && R[i] == R[i]);
}

static const struct ctor ctors[] = {
	{ "hpf_new", make_hpf, destroy_hpf, NULL },
	{ "eq_new", make_eq, destroy_eq, NULL },
	{ "comp_new", make_comp, destroy_comp, NULL },
	{ "imager_new", make_imager, destroy_imager, NULL },
	{ "clip_new", make_clip, destroy_clip, NULL },
	{ "mbcomp_new", make_mbcomp, destroy_mbcomp, NULL },
	{ "limiter_new", make_limiter, destroy_limiter, NULL },
	{ "tpdet_new", make_tpdet, destroy_tpdet, NULL },
	{ "eqcurve_new", make_eqcurve, destroy_eqcurve, NULL },
	{ "chain_new", make_chain, destroy_chain, use_chain },
	{ "monitor_new", make_monitor, destroy_monitor, NULL },
	{ "spec_fft_new", make_spec_fft, destroy_spec_fft, NULL },
	{ "spec_welch_new", make_spec_welch, destroy_spec_welch, NULL },
	{ "spec_live_new", make_spec_live, destroy_spec_live, NULL },
	{ "tonal_new", make_tonal, destroy_tonal, NULL },
	{ "loudmeter_new", make_loudmeter, destroy_loudmeter, NULL },
	{ "lufs_new", make_lufs, destroy_lufs, NULL },
	{ "resampler_new", make_resampler, destroy_resampler, NULL },
	{ "reader_new", make_reader, destroy_reader, NULL },
	{ "view_new", make_view, destroy_view, NULL },
	{ "designer_start", make_designer, destroy_designer, NULL },
	{ "engine_open", make_engine, destroy_engine, NULL },
};

/* Fails allocation N = 1, 2, ... of one construction until it succeeds;
 * returns how many allocations a whole construction makes. */
static long run_ctor(const struct ctor *c)
{
	for (long n = 1;; n++) {
		calls = 0;
		injected = 0;
		nlive = 0;
		fail_at = n;
		armed = 1;
		void *p = c->make();
		armed = 0;
		if (!injected) {
			/* the Nth call never came: construction is whole */
			if (!p)
				print_error("%s: NULL with nothing failed (%ld allocations)\n", c->name, calls);
			assert_non_null(p);
			if (c->use)
				c->use(p);
			c->destroy(p);
			return calls;
		}
		if (p)
			print_error("%s: allocation %ld failed, yet it returned an object\n", c->name, n);
		assert_null(p);
		if (nlive)
			print_error("%s: allocation %ld failed: %d blocks not freed\n", c->name, n, nlive);
		assert_int_equal(nlive, 0);
	}
}

static void test_every_constructor(void **state)
{
	(void)state;
	float *mem = malloc(sizeof *mem * 2 * 48000);
	assert_non_null(mem);
	for (int i = 0; i < 2 * 48000; i++)
		mem[i] = (float)((i % 200) - 100) / 400.0f;
	reader_src = source_from_memory(mem, 48000, 48000, "alloc-fail");
	assert_non_null(reader_src);
	designer_eq = eq_new(48000);
	assert_non_null(designer_eq);
	assert_int_equal(tap_pcm_setup("alloc-fail", tap_dir, tap_raw, tap_conf), 0);
	for (size_t i = 0; i < sizeof ctors / sizeof ctors[0]; i++) {
		long n = run_ctor(&ctors[i]);
		print_message("%-16s %ld allocations, each failed in turn: NULL and nothing left\n",
			      ctors[i].name, n);
		/* every constructor allocates at least its own struct */
		assert_true(n >= 1);
	}
	source_close(reader_src);
	eq_free(designer_eq);
	tap_pcm_teardown(tap_dir, tap_raw, tap_conf);
}

/* The wrapper itself: a failed call really is seen as a failure, and a
 * realloc that fails leaves the old block as it was.  Called through
 * volatile pointers, so the compiler cannot assume malloc succeeds and
 * fold the checks away. */
static void *(*volatile vmalloc)(size_t) = malloc;
static void *(*volatile vrealloc)(void *, size_t) = realloc;
static void (*volatile vfree)(void *) = free;

static void test_injection_works(void **state)
{
	(void)state;
	calls = 0;
	injected = 0;
	nlive = 0;
	fail_at = 2;
	armed = 1;
	char *a = vmalloc(16), *b = vmalloc(16);
	assert_non_null(a);
	assert_null(b);
	char *c = vrealloc(a, 32);
	armed = 0;
	assert_non_null(c);
	assert_true(injected);
	assert_int_equal(calls, 3);
	assert_int_equal(nlive, 1); /* c, tracked in a's place */
	fail_at = 1;
	calls = 0;
	armed = 1;
	char *d = vrealloc(c, 64);
	armed = 0;
	assert_null(d);
	assert_int_equal(nlive, 1); /* c still there */
	armed = 1;
	vfree(c);
	armed = 0;
	assert_int_equal(nlive, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_injection_works),
		cmocka_unit_test(test_every_constructor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
