/* The pre-limiter signal of a --target search, kept between its passes
 * (render_cache.c): the measuring pass's pipe worker writes every block
 * it makes (decoded, through the modules before the clipper, the
 * latency's silence included), and each real pass reads them back
 * instead of decoding and running those modules again, which the drive
 * cannot change.  In an unlinked temporary file, so not in memory. */
#ifndef LATHE_RENDER_CACHE_H
#define LATHE_RENDER_CACHE_H

struct pcache;
/* NULL when there is no room for frames of it, or they are too many
 * (render_cache.c), or no file: the passes then decode the input each
 * time, with the same result. */
struct pcache *pcache_new(long long frames);
void pcache_free(struct pcache *c);
/* From here on the writes go out on a thread of its own (the same
 * bytes); -1, and everything as before, when it cannot be had. */
int pcache_async(struct pcache *c);
/* -1 when a write failed: the cache is then unusable (pcache_ok 0).  One
 * thread puts; the failure may show only at a later put or pcache_ok. */
int pcache_put(struct pcache *c, const float *L, const float *R, int n);
/* The writing is over (the thread, if any, joined): 1 when everything
 * written can be read back.  Nothing can be put after it. */
int pcache_ok(struct pcache *c);
/* Back to the first block, for the next pass. */
int pcache_rewind(struct pcache *c);
/* The next block as it was put (at most max frames: BLOCK); 0 at the
 * end, -1 on a read error. */
int pcache_get(struct pcache *c, float *L, float *R, int max);
#endif
