#include "audio/demo.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/source.h"
#include "audio/status.h"

/* 120 BPM, 4/4, 15 bars = 30 s: two bars of chords alone, drums and bass
 * from bar 3, a fill before the last bar, then a ringing final chord.
 * What a mastering chain has to deal with is all there: kick and snare
 * transients well above the body (the limiter's work), sub rumble under
 * the kick that a high-pass should take out, a wide chord bed for the
 * imager, and hats for the high shelf. */
#define BPM 120.0
#define BARS 15
#define SPB (60.0 / BPM) /* seconds per beat */

struct rng { uint32_t s; };

/* xorshift32: the same noise everywhere, unlike rand(). */
static float noise(struct rng *r)
{
	uint32_t x = r->s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	r->s = x;
	return (float)((double)x / 2147483648.0 - 1.0);
}

static double midi_hz(int note)
{
	return 440.0 * pow(2.0, (note - 69) / 12.0);
}

/* Naive sawtooth is fine here: the chords are low-passed and the aliasing
 * of a few harmonics near 20 kHz at these pitches is inaudible. */
static double saw(double phase)
{
	return 2.0 * (phase - floor(phase)) - 1.0;
}

static void add(float *buf, int64_t frames, int64_t at, double l, double r)
{
	if (at >= 0 && at < frames) {
		buf[2 * at] += (float)l;
		buf[2 * at + 1] += (float)r;
	}
}

static void kick(float *buf, int64_t frames, double t0, double amp)
{
	const int rate = DEMO_RATE;
	int64_t start = (int64_t)(t0 * rate);
	double phase = 0;
	for (int64_t i = 0; i < (int64_t)(0.45 * rate); i++) {
		double t = (double)i / rate;
		/* Pitch drops from 150 Hz to 48 Hz: the click, then the body. */
		double f = 48.0 + 102.0 * exp(-t / 0.03);
		double env = exp(-t / 0.16);
		phase += f / rate;
		double s = amp * env * sin(2 * M_PI * phase);
		add(buf, frames, start + i, s, s);
	}
}

static void snare(float *buf, int64_t frames, double t0, double amp, struct rng *r)
{
	const int rate = DEMO_RATE;
	int64_t start = (int64_t)(t0 * rate);
	double hp = 0, prev = 0;
	for (int64_t i = 0; i < (int64_t)(0.3 * rate); i++) {
		double t = (double)i / rate;
		double n = noise(r);
		hp = 0.7 * (hp + n - prev); /* a gentle high-pass on the wires */
		prev = n;
		double body = sin(2 * M_PI * 185.0 * t) * exp(-t / 0.05);
		double s = amp * (0.8 * hp * exp(-t / 0.07) + 0.6 * body);
		add(buf, frames, start + i, s * 0.95, s);
	}
}

static void hat(float *buf, int64_t frames, double t0, double amp, double decay,
		struct rng *r)
{
	const int rate = DEMO_RATE;
	int64_t start = (int64_t)(t0 * rate);
	double prev = 0;
	for (int64_t i = 0; i < (int64_t)(decay * 6 * rate); i++) {
		double t = (double)i / rate;
		double n = noise(r);
		double s = amp * (n - prev) * 0.5 * exp(-t / decay);
		prev = n;
		add(buf, frames, start + i, s * 0.7, s); /* hats sit right */
	}
}

static void bass_note(float *buf, int64_t frames, double t0, double dur,
		      int note, double amp)
{
	const int rate = DEMO_RATE;
	int64_t start = (int64_t)(t0 * rate), n = (int64_t)(dur * rate);
	double f = midi_hz(note), lp = 0;
	for (int64_t i = 0; i < n; i++) {
		double t = (double)i / rate;
		double env = fmin(1.0, t / 0.004) * fmin(1.0, (dur - t) / 0.01) *
			     (0.6 + 0.4 * exp(-t / 0.15));
		double x = saw(f * t);
		lp += 0.08 * (x - lp); /* one-pole low-pass, about 570 Hz */
		double s = amp * env * (0.55 * lp + 0.6 * sin(2 * M_PI * f * t));
		add(buf, frames, start + i, s, s);
	}
}

static void chord(float *buf, int64_t frames, double t0, double dur,
		  const int notes[4], double amp)
{
	const int rate = DEMO_RATE;
	int64_t start = (int64_t)(t0 * rate), n = (int64_t)(dur * rate);
	double lpl = 0, lpr = 0;
	for (int64_t i = 0; i < n; i++) {
		double t = (double)i / rate;
		double env = fmin(1.0, t / 0.08) * fmin(1.0, (dur - t) / 0.25);
		double l = 0, r = 0;
		for (int k = 0; k < 4; k++) {
			double f = midi_hz(notes[k]);
			/* Detuned apart left and right: a wide, moving bed. */
			l += saw(f * 0.997 * t + 0.1 * k);
			r += saw(f * 1.003 * t + 0.3 * k);
		}
		lpl += 0.05 * (l - lpl);
		lpr += 0.05 * (r - lpr);
		add(buf, frames, start + i, amp * env * lpl, amp * env * lpr);
	}
}

float *demo_generate(int64_t *frames_out)
{
	const int rate = DEMO_RATE;
	const double bar = 4 * SPB;
	int64_t frames = (int64_t)((BARS * bar + 2.0) * rate);
	float *buf = calloc((size_t)frames * 2, sizeof *buf);
	struct rng r = { 0x1a7e5eedu };
	/* Am F C G, voiced around middle C, roots for the bass an octave+ down. */
	static const int chords[4][4] = {
		{ 57, 60, 64, 69 }, { 57, 60, 65, 69 }, { 55, 60, 64, 67 }, { 55, 59, 62, 67 },
	};
	static const int roots[4] = { 33, 29, 36, 31 };
	double peak = 0;

	if (!buf)
		return NULL;
	for (int b = 0; b < BARS; b++) {
		double t = b * bar;
		int c = b % 4, last = b == BARS - 1;
		chord(buf, frames, t, last ? bar + 1.5 : bar, chords[c], 0.05);
		if (b < 2 || last)
			continue;
		for (int beat = 0; beat < 4; beat++) {
			double tb = t + beat * SPB;
			int fill = b == BARS - 2 && beat == 3;
			if (beat == 0 || beat == 2 || (beat == 3 && (b % 2)))
				kick(buf, frames, tb + (beat == 3 ? SPB / 2 : 0), 0.55);
			if (beat == 1 || beat == 3)
				snare(buf, frames, tb, 0.5, &r);
			if (fill) {
				snare(buf, frames, tb + SPB / 4, 0.3, &r);
				snare(buf, frames, tb + SPB / 2, 0.4, &r);
				snare(buf, frames, tb + 3 * SPB / 4, 0.55, &r);
			}
			for (int e = 0; e < 2; e++)
				hat(buf, frames, tb + e * SPB / 2, e ? 0.12 : 0.2,
				    (b % 4 == 3 && e) ? 0.06 : 0.02, &r);
			/* Eighth-note bass, the last one a fifth up. */
			for (int e = 0; e < 2; e++)
				bass_note(buf, frames, tb + e * SPB / 2, SPB / 2 * 0.9,
					  roots[c] + (beat == 3 && e ? 7 : 0), 0.2);
		}
	}
	/* Rumble a mastering high-pass is for: 17 Hz, well under the music. */
	for (int64_t i = 0; i < frames; i++) {
		double s = 0.03 * sin(2 * M_PI * 17.0 * (double)i / rate);
		buf[2 * i] += (float)s;
		buf[2 * i + 1] += (float)s;
	}
	for (int64_t i = 0; i < frames * 2; i++)
		peak = fmax(peak, fabs(buf[i]));
	/* Sample peak at -0.5 dBFS: hot transients, an unmastered body. */
	if (peak > 0) {
		float g = (float)(pow(10.0, -0.5 / 20) / peak);
		for (int64_t i = 0; i < frames * 2; i++)
			buf[i] *= g;
	}
	*frames_out = frames;
	return buf;
}

struct source *demo_source(void)
{
	int64_t frames;
	float *buf = demo_generate(&frames);
	struct source *s;

	if (!buf)
		return NULL;
	s = source_from_memory(buf, frames, DEMO_RATE, DEMO_NAME);
	if (!s)
		free(buf);
	return s;
}

int demo_write_wav(const char *path, char *err, int errlen)
{
	SF_INFO info = { .samplerate = DEMO_RATE, .channels = 2,
			 .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	int64_t frames;
	float *buf = demo_generate(&frames);
	SNDFILE *f;
	int st = ST_OK;

	if (!buf) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		return ST_OUTPUT;
	}
	f = sf_open(path, SFM_WRITE, &info);
	if (!f) {
		snprintf(err, (size_t)errlen, "%s: %s", path, sf_strerror(NULL));
		st = ST_OUTPUT;
	} else {
		if (sf_writef_float(f, buf, frames) != frames) {
			snprintf(err, (size_t)errlen, "%s: %s", path, sf_strerror(f));
			st = ST_OUTPUT;
		}
		if (sf_close(f) != 0 && st == ST_OK) {
			snprintf(err, (size_t)errlen, "%s: cannot finish writing", path);
			st = ST_OUTPUT;
		}
	}
	free(buf);
	return st;
}
