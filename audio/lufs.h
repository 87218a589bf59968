/* Integrated loudness (ITU-R BS.1770-4 / EBU R128) of a stereo stream,
 * for the offline passes of a render and its loudness search: the same
 * figure as libebur128's (within 0.001 LU, tests/unit/test_lufs.c), at a
 * fraction of its cost.  Memory grows by 8 bytes per 100 ms. */
#ifndef LATHE_LUFS_H
#define LATHE_LUFS_H
#include <stddef.h>

struct lufs_meter;
struct lufs_meter *lufs_new(unsigned rate); /* NULL when out of memory */
void lufs_free(struct lufs_meter *m);
/* Interleaved stereo, both channels weighted 1.  0, or -1 when out of
 * memory. */
int lufs_add(struct lufs_meter *m, const float *stereo, size_t frames);
/* Gated integrated loudness so far, LUFS; -INFINITY when silent. */
double lufs_integrated(const struct lufs_meter *m);
#endif
