/* ALSA output, set up the way aplay does it: interleaved access, the
 * format the card takes (float first, so a file PCM captures exactly what
 * the chain produced), the rate read back after asking, two periods per
 * buffer (the thread writes half the buffer each time it wakes), and
 * underrun/suspend recovered with snd_pcm_recover.
 *
 * ALSA errors become ours in one place, translate().  ALSA's own error
 * printer is silenced: it writes to stderr, which the console owns. */
#include "device.h"

#include <alsa/asoundlib.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct alsa_dev {
	struct device d;   /* first: the engine sees only this */
	snd_pcm_t *pcm;
	snd_pcm_format_t fmt;
	void *conv;        /* integer formats: one write's worth of converted frames */
	unsigned conv_frames;
	int started;
};

static void quiet(const char *file, int line, const char *fn, int err,
		  const char *fmt, ...)
{
	(void)file; (void)line; (void)fn; (void)err; (void)fmt;
}

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;
static void install_quiet(void) { snd_lib_error_set_handler(quiet); }

/* The one place an ALSA error code becomes a device result.  Underrun,
 * suspend and interrupted calls are recovered; anything else means the
 * device is gone. */
static long translate(struct alsa_dev *a, int rc, const char *what)
{
	if (rc == -EPIPE || rc == -ESTRPIPE || rc == -EINTR) {
		int r = snd_pcm_recover(a->pcm, rc, 1);
		if (r >= 0)
			return DEV_XRUN;
		rc = r;
	}
	if (rc == -ENODEV || rc == -EBADFD || rc == -ENOTTY || rc == -EIO)
		snprintf(a->d.err, sizeof a->d.err, "audio device %s was lost (%s)",
			 a->d.name, snd_strerror(rc));
	else
		snprintf(a->d.err, sizeof a->d.err, "audio device %s: %s failed: %s",
			 a->d.name, what, snd_strerror(rc));
	return DEV_LOST;
}

static const snd_pcm_format_t formats[] = {
	SND_PCM_FORMAT_FLOAT_LE, SND_PCM_FORMAT_S32_LE, SND_PCM_FORMAT_S24_LE,
	SND_PCM_FORMAT_S16_LE,
};

static int setup_fail(struct alsa_dev *a, const char *what, int rc)
{
	snprintf(a->d.err, sizeof a->d.err, "audio device %s: %s: %s", a->d.name,
		 what, snd_strerror(rc));
	return -1;
}

static int try_configure(struct alsa_dev *a, unsigned rate, double latency_ms)
{
	snd_pcm_hw_params_t *hw;
	snd_pcm_sw_params_t *sw;
	snd_pcm_uframes_t period, buffer;
	unsigned r = rate, buffer_us, period_us;
	int rc, dir = 0;
	size_t i;

	snd_pcm_hw_params_alloca(&hw);
	snd_pcm_sw_params_alloca(&sw);
	if ((rc = snd_pcm_hw_params_any(a->pcm, hw)) < 0)
		return setup_fail(a, "no usable configuration", rc);
	if ((rc = snd_pcm_hw_params_set_access(a->pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0)
		return setup_fail(a, "interleaved access not available", rc);
	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (snd_pcm_hw_params_test_format(a->pcm, hw, formats[i]) == 0)
			break;
	if (i == sizeof formats / sizeof formats[0])
		return setup_fail(a, "no float, 32, 24 or 16-bit format", -EINVAL);
	a->fmt = formats[i];
	snd_pcm_hw_params_set_format(a->pcm, hw, a->fmt);
	if ((rc = snd_pcm_hw_params_set_channels(a->pcm, hw, 2)) < 0)
		return setup_fail(a, "cannot play two channels", rc);
	snd_pcm_hw_params_set_rate_resample(a->pcm, hw, 1);
	if ((rc = snd_pcm_hw_params_set_rate_near(a->pcm, hw, &r, &dir)) < 0)
		return setup_fail(a, "cannot set the sample rate", rc);
	if (r != rate) {
		snprintf(a->d.err, sizeof a->d.err,
			 "audio device %s: plays %u Hz, not the file's %u Hz", a->d.name, r, rate);
		return 1;
	}
	buffer_us = (unsigned)(latency_ms * 1000.0);
	period_us = buffer_us / 2;
	dir = 0;
	snd_pcm_hw_params_set_period_time_near(a->pcm, hw, &period_us, &dir);
	dir = 0;
	snd_pcm_hw_params_set_buffer_time_near(a->pcm, hw, &buffer_us, &dir);
	if ((rc = snd_pcm_hw_params(a->pcm, hw)) < 0)
		return setup_fail(a, "cannot apply the configuration", rc);
	snd_pcm_hw_params_get_period_size(hw, &period, &dir);
	snd_pcm_hw_params_get_buffer_size(hw, &buffer);
	if (period == 0 || buffer < period)
		return setup_fail(a, "unusable period and buffer sizes", -EINVAL);

	snd_pcm_sw_params_current(a->pcm, sw);
	snd_pcm_sw_params_set_avail_min(a->pcm, sw, period);
	/* Start once the buffer holds all but one period, as aplay does. */
	snd_pcm_sw_params_set_start_threshold(a->pcm, sw, buffer > period ? buffer - period : buffer);
	if ((rc = snd_pcm_sw_params(a->pcm, sw)) < 0)
		return setup_fail(a, "cannot apply software parameters", rc);

	free(a->conv);
	a->conv = NULL;
	a->conv_frames = 0;
	if (a->fmt != SND_PCM_FORMAT_FLOAT_LE) {
		/* Big enough for any write the engine does (it writes at most a
		 * buffer at a time); sized here so write never allocates. */
		a->conv_frames = (unsigned)buffer * 2 + 8192;
		a->conv = malloc((size_t)a->conv_frames * 2 * 4);
		if (!a->conv)
			return setup_fail(a, "out of memory", -ENOMEM);
	}
	a->d.rate = r;
	a->d.period = (unsigned)period;
	a->d.buffer = (unsigned)buffer;
	a->d.format = snd_pcm_format_name(a->fmt);
	a->started = 0;
	return 0;
}

static int reopen(struct alsa_dev *a, const char *name)
{
	if (a->pcm)
		snd_pcm_close(a->pcm);
	a->pcm = NULL;
	int rc = snd_pcm_open(&a->pcm, name, SND_PCM_STREAM_PLAYBACK, 0);
	if (rc < 0) {
		a->pcm = NULL;
		if (rc == -ENOENT)
			return setup_fail(a, "cannot open", -ENODEV);
		return setup_fail(a, "cannot open", rc);
	}
	return 0;
}

static int alsa_configure(struct device *d, unsigned rate, double latency_ms)
{
	struct alsa_dev *a = (struct alsa_dev *)d;
	char plug[160];

	if (!a->pcm && reopen(a, a->d.name) < 0)
		return -1;
	snd_pcm_drop(a->pcm);
	snd_pcm_hw_free(a->pcm);
	int rc = try_configure(a, rate, latency_ms);
	if (rc <= 0)
		return rc;
	/* The card does not take this rate and its name has no plug layer:
	 * put ALSA's converter in front of it rather than play off-speed. */
	if (strncmp(a->d.name, "plug", 4) == 0)
		return -1;
	snprintf(plug, sizeof plug, "plug:'%s'", a->d.name);
	if (reopen(a, plug) < 0)
		return -1;
	rc = try_configure(a, rate, latency_ms);
	return rc == 0 ? 0 : -1;
}

static void to_int(struct alsa_dev *a, const float *in, unsigned n)
{
	unsigned k = n * 2;

	if (a->fmt == SND_PCM_FORMAT_S16_LE) {
		int16_t *o = a->conv;
		for (unsigned i = 0; i < k; i++) {
			float x = in[i] > 1.0f ? 1.0f : in[i] < -1.0f ? -1.0f : in[i];
			o[i] = (int16_t)lrintf(x * 32767.0f);
		}
		return;
	}
	/* S32 and S24-in-32: scale in double, float lacks the bits. */
	double full = a->fmt == SND_PCM_FORMAT_S24_LE ? 8388607.0 : 2147483647.0;
	int32_t *o = a->conv;
	for (unsigned i = 0; i < k; i++) {
		double x = in[i] > 1.0f ? 1.0 : in[i] < -1.0f ? -1.0 : in[i];
		o[i] = (int32_t)lrint(x * full);
	}
}

static long alsa_write(struct device *d, const float *stereo, unsigned n)
{
	struct alsa_dev *a = (struct alsa_dev *)d;
	int xrun = 0;
	unsigned done = 0;
	int width = snd_pcm_format_physical_width(a->fmt) / 8;

	while (done < n) {
		unsigned k = n - done;
		const void *p = stereo + 2 * done;
		if (a->conv) {
			if (k > a->conv_frames)
				k = a->conv_frames;
			to_int(a, stereo + 2 * done, k);
			p = a->conv;
		}
		unsigned off = 0;
		while (off < k) {
			snd_pcm_sframes_t r = snd_pcm_writei(a->pcm, (const char *)p + (size_t)off * 2 * (size_t)width, k - off);
			if (r == -EAGAIN)
				continue;
			if (r < 0) {
				long t = translate(a, (int)r, "write");
				if (t == DEV_LOST)
					return DEV_LOST;
				xrun = 1;
				continue;
			}
			off += (unsigned)r;
		}
		done += k;
	}
	a->started = 1;
	return xrun ? DEV_XRUN : (long)n;
}

static void alsa_drain(struct device *d)
{
	struct alsa_dev *a = (struct alsa_dev *)d;

	if (a->started)
		snd_pcm_drain(a->pcm);
	snd_pcm_prepare(a->pcm);
	a->started = 0;
}

static void alsa_drop(struct device *d)
{
	struct alsa_dev *a = (struct alsa_dev *)d;

	snd_pcm_drop(a->pcm);
	snd_pcm_prepare(a->pcm);
	a->started = 0;
}

static long alsa_delay(struct device *d)
{
	struct alsa_dev *a = (struct alsa_dev *)d;
	snd_pcm_sframes_t del = 0;

	if (!a->started || snd_pcm_delay(a->pcm, &del) < 0 || del < 0)
		return 0;
	return (long)del;
}

static void alsa_close(struct device *d)
{
	struct alsa_dev *a = (struct alsa_dev *)d;

	if (!a)
		return;
	if (a->pcm)
		snd_pcm_close(a->pcm);
	free(a->conv);
	free(a);
}

static const struct device_ops alsa_ops = {
	"alsa", alsa_configure, alsa_write, alsa_drain, alsa_drop, alsa_delay, alsa_close,
};

int device_alsa_open(struct device **out, const char *name, char *err, int errlen)
{
	struct alsa_dev *a = calloc(1, sizeof *a);

	*out = NULL;
	pthread_once(&quiet_once, install_quiet);
	if (!a) {
		snprintf(err, (size_t)errlen, "audio device %s: out of memory", name);
		return -1;
	}
	a->d.ops = &alsa_ops;
	snprintf(a->d.name, sizeof a->d.name, "%s", name);
	if (reopen(a, name) < 0) {
		snprintf(err, (size_t)errlen, "%s", a->d.err);
		free(a);
		return -1;
	}
	*out = &a->d;
	return 0;
}
