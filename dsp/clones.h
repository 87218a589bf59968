/* DSP_CLONES: build a hot loop twice, for AVX2 and for any x86-64, and
 * pick one at load time.  Both versions do the same IEEE operations (no
 * FMA is contracted under -std=c11), so they give the same samples.  No
 * ifunc under the sanitizers: their instrumented resolvers run too early. */
#ifndef LATHE_CLONES_H
#define LATHE_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define DSP_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef DSP_CLONES
#define DSP_CLONES
#endif
#endif
