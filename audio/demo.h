/* The built-in demo mix: about 30 s of drums, bass and chords, generated
 * at start so `lathe` with no file shows and plays the chain at once.
 * Deterministic: the same samples on every run and every machine. */
#ifndef LATHE_DEMO_H
#define LATHE_DEMO_H
#include <stdint.h>

#define DEMO_RATE 44100
#define DEMO_NAME "demo mix"

/* Malloc'd interleaved stereo at DEMO_RATE; NULL when out of memory. */
float *demo_generate(int64_t *frames);
/* The demo as a source (owns its buffer); NULL when out of memory. */
struct source *demo_source(void);
/* Writes the demo as a 32-bit float WAV (for rendering it offline).
 * ST_OK or ST_OUTPUT with a message. */
int demo_write_wav(const char *path, char *err, int errlen);
#endif
