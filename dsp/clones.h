/* DSP_CLONES: build a hot loop twice, for AVX2 and for any x86-64, and
 * pick one at load time.  Both versions do the same IEEE operations (no
 * FMA is contracted under -std=c11), so they give the same samples.  No
 * ifunc under the sanitizers: their instrumented resolvers run too early. */
#ifndef LATHE_CLONES_H
#define LATHE_CLONES_H

/* gcc says it is sanitizing with a macro, clang with __has_feature. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LATHE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LATHE_SANITIZED 1
#endif
#endif

#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones) && !defined(LATHE_SANITIZED)
#define DSP_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef DSP_CLONES
#define DSP_CLONES
#endif
#endif
