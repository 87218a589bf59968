/* Hostile but valid float WAV files for the hardening tests, the kinds
 * siggen does not make.  usage: hx_gen KIND SECONDS OUT
 * KIND: allnan (every sample NaN), allinf (+inf and -inf alternating),
 *       denormal (every sample a float denormal, +-1e-40),
 *       over (music-like tones at +18 dBFS: float WAV holds more than
 *       full scale), nyquist (+1, -1, ... at full scale),
 *       nanburst (a sine with a 100 ms run of NaN and inf in the middle). */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const int rate = 44100;
	SF_INFO info = { .samplerate = rate, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	SNDFILE *sf;
	float *buf;
	long n;

	if (argc != 4) {
		fprintf(stderr, "usage: hx_gen KIND SECONDS OUT\n");
		return 1;
	}
	n = (long)(atof(argv[2]) * rate);
	buf = calloc((size_t)n * 2 + 2, sizeof *buf);
	if (!buf)
		return 1;
	for (long i = 0; i < n; i++) {
		float l, r;
		double t = (double)i / rate;
		if (!strcmp(argv[1], "allnan")) {
			l = r = NAN;
		} else if (!strcmp(argv[1], "allinf")) {
			l = i & 1 ? INFINITY : -INFINITY;
			r = -l;
		} else if (!strcmp(argv[1], "denormal")) {
			l = i & 1 ? 1e-40f : -1e-40f;
			r = -l;
		} else if (!strcmp(argv[1], "over")) {
			l = (float)(8.0 * (0.6 * sin(2 * M_PI * 110 * t) + 0.4 * sin(2 * M_PI * 3520 * t)));
			r = (float)(8.0 * sin(2 * M_PI * 220 * t + 1));
		} else if (!strcmp(argv[1], "nyquist")) {
			l = r = i & 1 ? -1.0f : 1.0f;
		} else if (!strcmp(argv[1], "nanburst")) {
			long mid = n / 2;
			l = r = (float)(0.9 * sin(2 * M_PI * 440 * t));
			if (i >= mid && i < mid + rate / 10) {
				l = i & 1 ? NAN : INFINITY;
				r = i & 2 ? -INFINITY : NAN;
			}
		} else {
			fprintf(stderr, "hx_gen: unknown kind %s\n", argv[1]);
			return 1;
		}
		buf[2 * i] = l;
		buf[2 * i + 1] = r;
	}
	sf = sf_open(argv[3], SFM_WRITE, &info);
	if (!sf) {
		fprintf(stderr, "hx_gen: %s: %s\n", argv[3], sf_strerror(NULL));
		return 1;
	}
	/* libsndfile would clip or normalise floats only when asked: it is not. */
	if (sf_writef_float(sf, buf, n) != n || sf_close(sf) != 0) {
		fprintf(stderr, "hx_gen: %s: write failed\n", argv[3]);
		return 1;
	}
	free(buf);
	return 0;
}
