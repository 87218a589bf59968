/* refopen TRACK REFERENCE: what the console does before its first screen
 * (open the engine, load the track, load the reference), timed; then how
 * long the reference's loudness takes to arrive in the background.
 * Prints "refopen load_ms=N reference_ms=N measured_s=S lufs=L".  For
 * `make bench`: no sound card needed (the default device falls back to
 * the silent sink when ALSA has none). */
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "audio/engine.h"
#include "audio/status.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct engine *e;
	struct engine_opts o = { NULL, 0, 0 };
	struct engine_info info;
	char err[ERRLEN];

	if (argc != 3) {
		fprintf(stderr, "usage: refopen TRACK REFERENCE\n");
		return ST_USAGE;
	}
	double t0 = now();
	if (engine_open(&e, &o, err, sizeof err) != ST_OK ||
	    engine_load(e, argv[1], err, sizeof err) != ST_OK) {
		fprintf(stderr, "refopen: %s\n", err);
		return ST_INPUT;
	}
	double t1 = now();
	if (engine_load_reference(e, argv[2], err, sizeof err) != ST_OK) {
		fprintf(stderr, "refopen: %s\n", err);
		engine_close(e);
		return ST_INPUT;
	}
	double t2 = now();
	do {
		usleep(20000);
		engine_get_info(e, &info);
	} while (info.reference_measuring && now() - t2 < 600);
	printf("refopen load_ms=%.0f reference_ms=%.0f measured_s=%.1f lufs=%.2f\n",
	       (t1 - t0) * 1e3, (t2 - t1) * 1e3, now() - t2, info.reference_lufs);
	engine_close(e);
	return ST_OK;
}
