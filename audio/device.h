/* The output device behind a small table of functions, so the engine does
 * not care whether it talks to ALSA or to the silent, clock-paced sink used
 * when there is no sound card.
 *
 * Threading: open, configure and close run on the control thread while the
 * audio thread is parked; write, drain, drop and delay run on the audio
 * thread only.  None of them print anything. */
#ifndef LATHE_DEVICE_H
#define LATHE_DEVICE_H

/* What write returns besides a frame count (all negative). */
enum dev_result {
	DEV_XRUN = -1, /* an underrun or suspend happened and was recovered */
	DEV_LOST = -2, /* the device is gone; message in dev->err */
};

struct device {
	const struct device_ops *ops;
	char name[96];
	unsigned rate, period, buffer; /* as the device granted them */
	const char *format;            /* sample format name, for the info line */
	char err[512];                 /* last error, one line */
};

struct device_ops {
	const char *kind;
	/* Set the stream up for interleaved stereo at rate (the plug layer
	 * converts when the card cannot), about latency_ms of buffer in about
	 * two periods.  0, or -1 with a message in d->err. */
	int (*configure)(struct device *d, unsigned rate, double latency_ms);
	/* Writes all n frames (interleaved stereo float), blocking on the
	 * device only.  Returns n, DEV_XRUN (after recovering: the frames
	 * were still written), or DEV_LOST. */
	long (*write)(struct device *d, const float *stereo, unsigned n);
	/* Play out what is queued, then be ready to write again. */
	void (*drain)(struct device *d);
	/* Discard what is queued, ready to write again. */
	void (*drop)(struct device *d);
	/* Frames written but not yet heard. */
	long (*delay)(struct device *d);
	void (*close)(struct device *d);
};

/* ALSA PCM by name.  0, or -1 with a one-line message naming the device. */
int device_alsa_open(struct device **out, const char *name, char *err, int errlen);
/* The silent sink: accepts audio at the pace of the clock. */
int device_null_open(struct device **out, char *err, int errlen);
#endif
