/* The silent sink: what plays when the default device cannot be opened.
 * It throws the audio away but takes it at the pace of the clock, with a
 * buffer like a card's, so meters and the position move in real time.
 * When the writer falls behind the clock by more than the buffer (the
 * process was stopped, the machine stalled) it reports an underrun exactly
 * as a card would. */
#include "device.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct null_dev {
	struct device d;
	double end;   /* CLOCK_MONOTONIC second at which all written audio has
			 been "heard"; 0 when stopped */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_until(double t)
{
	struct timespec ts;
	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

static int null_configure(struct device *d, unsigned rate, double latency_ms)
{
	struct null_dev *z = (struct null_dev *)d;

	d->rate = rate;
	d->buffer = (unsigned)(rate * latency_ms / 1000.0);
	if (d->buffer < 64)
		d->buffer = 64;
	d->period = d->buffer / 2;
	d->format = "FLOAT_LE";
	z->end = 0;
	return 0;
}

static long null_write(struct device *d, const float *stereo, unsigned n)
{
	struct null_dev *z = (struct null_dev *)d;
	double now = now_s(), buf = (double)d->buffer / d->rate;
	int xrun = 0;

	(void)stereo;
	if (z->end == 0) {
		z->end = now;
	} else if (z->end < now) {
		/* The "card" ran dry: restart from now, as a recovered PCM does. */
		xrun = 1;
		z->end = now;
	}
	z->end += (double)n / d->rate;
	if (z->end - now > buf)
		sleep_until(z->end - buf);
	return xrun ? DEV_XRUN : (long)n;
}

static void null_drain(struct device *d)
{
	struct null_dev *z = (struct null_dev *)d;

	if (z->end > 0)
		sleep_until(z->end);
	z->end = 0;
}

static void null_drop(struct device *d)
{
	((struct null_dev *)d)->end = 0;
}

static long null_delay(struct device *d)
{
	struct null_dev *z = (struct null_dev *)d;
	double left = z->end - now_s();

	return z->end > 0 && left > 0 ? (long)(left * d->rate) : 0;
}

static void null_close(struct device *d)
{
	free(d);
}

static const struct device_ops null_ops = {
	"null", null_configure, null_write, null_drain, null_drop, null_delay, null_close,
};

int device_null_open(struct device **out, char *err, int errlen)
{
	struct null_dev *z = calloc(1, sizeof *z);

	*out = NULL;
	if (!z) {
		snprintf(err, (size_t)errlen, "silent sink: out of memory");
		return -1;
	}
	z->d.ops = &null_ops;
	snprintf(z->d.name, sizeof z->d.name, "no audio device");
	*out = &z->d;
	return 0;
}
