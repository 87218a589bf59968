/* What the console sends to ALSA, captured for the tests:
 *   tapread pace IN OUT BYTES_PER_S   copy IN (a FIFO that ALSA's file
 *                                     plugin writes) to OUT no faster than
 *                                     BYTES_PER_S, until IN ends.  The file
 *                                     plugin over a null PCM has no clock
 *                                     of its own: reading the FIFO at the
 *                                     sample rate makes the console play in
 *                                     real time, so keys land mid-track.
 *   tapread levels RAW RATE WINDOW_S  RMS level (dB FS, both channels) of
 *                                     a raw interleaved stereo float32 file
 *                                     per window: one "T_S DB" line each.
 *   tapread silences RAW MIN_FRAMES   runs of digital silence (both
 *                                     channels exactly 0) of at least
 *                                     MIN_FRAMES: one "START LENGTH" line
 *                                     each, in frames.
 *   tapread rms RAW FROM N            RMS level (dB FS) of frames FROM to
 *                                     FROM + N - 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int pace(const char *in, const char *out, double rate)
{
	static char buf[1 << 14];
	int fi = open(in, O_RDONLY), fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	double t0 = now_s(), total = 0;

	if (fi < 0 || fo < 0 || !(rate > 0)) {
		fprintf(stderr, "tapread: %s: %s\n", fi < 0 ? in : out, strerror(errno));
		return 1;
	}
	for (;;) {
		/* Hold the average rate: sleep while ahead of the clock. */
		double ahead = total / rate - (now_s() - t0);
		if (ahead > 0)
			usleep((useconds_t)(ahead * 1e6));
		ssize_t n = read(fi, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write(fo, buf, (size_t)n) != n) {
			fprintf(stderr, "tapread: %s: %s\n", out, strerror(errno));
			return 1;
		}
		total += (double)n;
	}
	close(fi);
	return close(fo) != 0;
}

static int levels(const char *path, double rate, double window)
{
	FILE *f = fopen(path, "rb");
	long frames = (long)(rate * window), k = 0, w = 0;
	float fr[2];
	double sum = 0;

	if (!f || frames < 1) {
		fprintf(stderr, "tapread: %s: %s\n", path, f ? "bad window" : strerror(errno));
		return 1;
	}
	while (fread(fr, sizeof fr, 1, f) == 1) {
		sum += (double)fr[0] * fr[0] + (double)fr[1] * fr[1];
		if (++k == frames) {
			printf("%.3f %.2f\n", w * window, 10 * log10(sum / (2.0 * frames) + 1e-30));
			w++;
			k = 0;
			sum = 0;
		}
	}
	fclose(f);
	return 0;
}

static int silences(const char *path, long min)
{
	FILE *f = fopen(path, "rb");
	long k = 0, start = -1;
	float fr[2];

	if (!f) {
		fprintf(stderr, "tapread: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;; k++) {
		int got = fread(fr, sizeof fr, 1, f) == 1;
		int zero = got && fr[0] == 0.0f && fr[1] == 0.0f;
		if (zero && start < 0)
			start = k;
		if (!zero && start >= 0) {
			if (k - start >= min)
				printf("%ld %ld\n", start, k - start);
			start = -1;
		}
		if (!got)
			break;
	}
	fclose(f);
	return 0;
}

static int rms(const char *path, long from, long n)
{
	FILE *f = fopen(path, "rb");
	float fr[2];
	double sum = 0;
	long k = 0;

	if (!f || fseek(f, from * (long)sizeof fr, SEEK_SET) != 0) {
		fprintf(stderr, "tapread: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (k < n && fread(fr, sizeof fr, 1, f) == 1) {
		sum += (double)fr[0] * fr[0] + (double)fr[1] * fr[1];
		k++;
	}
	fclose(f);
	if (k < n) {
		fprintf(stderr, "tapread: %s: %ld frames from %ld, not %ld\n", path, k, from, n);
		return 1;
	}
	printf("%.2f\n", 10 * log10(sum / (2.0 * (double)n) + 1e-30));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "silences"))
		return silences(argv[2], atol(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "rms"))
		return rms(argv[2], atol(argv[3]), atol(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "pace"))
		return pace(argv[2], argv[3], atof(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "levels"))
		return levels(argv[2], atof(argv[3]), atof(argv[4]));
	fprintf(stderr, "usage: tapread pace IN OUT BYTES_PER_S | tapread levels RAW RATE WINDOW_S\n"
			"       tapread silences RAW MIN_FRAMES | tapread rms RAW FROM N\n");
	return 2;
}
