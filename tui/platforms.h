/* Streaming platforms' loudness targets, and the range of targets lathe
 * takes: one table for the meters' side panel, the album line, the
 * warnings and the platform monitor.  Curses-free. */
#ifndef LATHE_PLATFORMS_H
#define LATHE_PLATFORMS_H

/* --target, ':target' and an album file's target take LUFS in this
 * range, console and CLI alike. */
#define TARGET_LUFS_MIN (-60.0)
#define TARGET_LUFS_MAX 0.0

struct platform {
	const char *name;   /* as the side panel shows it (16 columns) */
	const char *brief;  /* one word, for the album line and the warnings */
	double target;      /* LUFS it normalises to (turning down only) */
};

#define PLATFORM_COUNT 3
extern const struct platform platforms[PLATFORM_COUNT];

/* How much a platform turns a master of integrated loudness I down, in
 * dB (>= 0): these services turn loud masters down and quiet ones not up. */
double platform_turn_down(const struct platform *p, double I);
#endif
