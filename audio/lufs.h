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
/* Frames per 100 ms block. */
unsigned lufs_hop(const struct lufs_meter *m);
/* The gating on n energies of 100 ms blocks of hop frames (K-weighted
 * sums of squares, both channels): what lufs_integrated does with its own. */
double lufs_gated(const double *e, size_t n, unsigned hop);
/* The K-weighted energy of planar stereo in runs of run frames, for a
 * model of the loudness (render_model.c): one sum per finished run into
 * out (returns how many).  Use a meter for this or for lufs_add, not both. */
size_t lufs_energies(struct lufs_meter *m, const float *L, const float *R, size_t frames,
		     unsigned run, double *out);
/* The K-weighted sum of squares (both channels) of frames of interleaved
 * stereo, the filter's state carried from call to call, for a meter that
 * keeps its own blocks (loudmeter.c).  No allocation.  Use a meter for
 * this alone. */
double lufs_sum_stereo(struct lufs_meter *m, const float *stereo, size_t frames);
/* lufs_sum_stereo of meter m over a and of meter n over b (meters of
 * the same rate): the same sums to the bit, in one pass where the CPU
 * allows. */
void lufs_sum_stereo2(struct lufs_meter *m, struct lufs_meter *n, const float *a, const float *b,
		      size_t frames, double *ea, double *eb);
#endif
