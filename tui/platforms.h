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

/* The master's true peak after the codecs' round trips, for the side
 * panel (at most 29 columns): " codec TP mp3 -0.6 opus -0.4", "~" after
 * it while the current settings are being measured, "-" before any. */
void codec_tp_line(char *buf, int size, int valid, int measuring, const double tp[2]);

/* A sweep's curve (y against drives x, n steps, x rising): y at drive d,
 * straight between steps and held past the ends. */
double sweep_curve_at(const float *x, const float *y, int n, double d);
/* The lowest drive at which the curve (rising) reaches y; -INFINITY when
 * it is there at the first step already, +INFINITY when never. */
double sweep_drive_for(const float *x, const float *y, int n, double level);
#endif
