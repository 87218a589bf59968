/* Writes the limiter's output for the worst-case signals of tests/tp_ref.h
 * as 32-bit float WAVs, latency removed, for an independent meter
 * (tests/tp_ffmpeg_check.sh runs ffmpeg's ebur128 filter on them).
 * usage: tp_wav DIR RATE CEILING DRIVE RELEASE LOOKAHEAD
 * Prints one line per file: path, then libebur128's and the reference's
 * true peak in dBTP. */
#include <sndfile.h>
#include <stdio.h>
#include <string.h>

#include "dsp/limiter.h"
#include "tests/tp_ref.h"

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: tp_wav DIR RATE CEILING DRIVE RELEASE LOOKAHEAD\n");
		return 1;
	}
	double rate = atof(argv[2]);
	double p[P_COUNT];
	params_defaults(p);
	p[P_LIMITER_CEILING] = atof(argv[3]);
	p[P_LIMITER_DRIVE] = atof(argv[4]);
	p[P_LIMITER_RELEASE] = atof(argv[5]);
	p[P_LIMITER_LOOKAHEAD] = atof(argv[6]);
	int n = (int)(rate * atof(getenv("TP_SECONDS") ? getenv("TP_SECONDS") : "2"));
	for (int s = 0; s < SIG_COUNT; s++) {
		struct limiter *m = limiter_new(rate);
		if (!m)
			return 2;
		limiter_set(m, p);
		limiter_reset(m);
		int lat = limiter_latency(m);
		float *L = calloc((size_t)(n + lat), sizeof(float));
		float *R = calloc((size_t)(n + lat), sizeof(float));
		gen_signal((enum sig)s, L, R, n, rate);
		for (int i = 0; i < n + lat; i += 1024)
			limiter_process(m, L + i, R + i, n + lat - i < 1024 ? n + lat - i : 1024);
		char path[4096];
		snprintf(path, sizeof path, "%s/sig%d.wav", argv[1], s);
		SF_INFO info = { .samplerate = (int)rate, .channels = 2,
		                 .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
		SNDFILE *f = sf_open(path, SFM_WRITE, &info);
		if (!f) {
			fprintf(stderr, "tp_wav: %s: %s\n", path, sf_strerror(NULL));
			return 3;
		}
		float *il = malloc(sizeof(float) * 2 * (size_t)n);
		for (int i = 0; i < n; i++) {
			il[2 * i] = L[lat + i];
			il[2 * i + 1] = R[lat + i];
		}
		sf_writef_float(f, il, n);
		sf_close(f);
		double rl = ref_true_peak(L + lat, n), rr = ref_true_peak(R + lat, n);
		printf("%s %.3f %.3f %s\n", path, db(ebur_true_peak(L + lat, R + lat, n, rate)),
		       db(rl > rr ? rl : rr), sig_names[s]);
		free(il);
		free(L);
		free(R);
		limiter_free(m);
	}
	return 0;
}
