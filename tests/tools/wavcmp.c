/* Compare two audio sources sample by sample.  Each is a file libsndfile
 * reads, or raw:PATH:CHANNELS (interleaved float32, as ALSA's file PCM
 * captures it).  Prints the number of frames compared, the first
 * differing frame and the largest difference; exit 0 when identical
 * (or within --tol). */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct in {
	SNDFILE *sf;
	FILE *raw;
	int channels;
};

static int open_in(struct in *s, const char *spec)
{
	memset(s, 0, sizeof *s);
	if (!strncmp(spec, "raw:", 4)) {
		char path[4096];
		snprintf(path, sizeof path, "%s", spec + 4);
		char *c = strrchr(path, ':');
		s->channels = c ? atoi(c + 1) : 2;
		if (c)
			*c = 0;
		s->raw = fopen(path, "rb");
		return s->raw ? 0 : -1;
	}
	SF_INFO info = { 0 };
	s->sf = sf_open(spec, SFM_READ, &info);
	s->channels = info.channels;
	return s->sf ? 0 : -1;
}

static void close_in(struct in *s)
{
	if (s->raw)
		fclose(s->raw);
	if (s->sf)
		sf_close(s->sf);
}

static long rd(struct in *s, float *buf, long frames)
{
	if (s->raw)
		return (long)fread(buf, sizeof(float) * (size_t)s->channels, (size_t)frames, s->raw);
	return (long)sf_readf_float(s->sf, buf, frames);
}

int main(int argc, char **argv)
{
	double tol = 0;
	int i = 1;
	if (argc > 2 && !strcmp(argv[1], "--tol")) {
		tol = atof(argv[2]);
		i = 3;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: wavcmp [--tol X] A B\n");
		return 2;
	}
	struct in a, b;
	if (open_in(&a, argv[i]) || open_in(&b, argv[i + 1])) {
		fprintf(stderr, "wavcmp: cannot open inputs\n");
		return 2;
	}
	if (a.channels != b.channels) {
		printf("channels differ: %d vs %d\n", a.channels, b.channels);
		return 1;
	}
	float x[4096 * 8], y[4096 * 8];
	long frames = 0, first = -1;
	double maxd = 0;
	for (;;) {
		long na = rd(&a, x, 4096), nb = rd(&b, y, 4096);
		long n = na < nb ? na : nb;
		for (long k = 0; k < n * a.channels; k++) {
			double d = fabs((double)x[k] - (double)y[k]);
			if (!(d <= tol) && first < 0)
				first = frames + k / a.channels;
			if (d > maxd || d != d)
				maxd = d;
		}
		frames += n;
		if (na != nb) {
			printf("lengths differ after %ld frames\n", frames);
			close_in(&a);
			close_in(&b);
			return 1;
		}
		if (n == 0)
			break;
	}
	close_in(&a);
	close_in(&b);
	printf("frames %ld first_diff %ld max_diff %g\n", frames, first, maxd);
	return first < 0 ? 0 : 1;
}
