/* Render manifests: what went in, every setting, the versions of what did
 * the work, and what came out, so `lathe verify` can render again and say
 * whether the master is still exactly that.  JSON, one key per line. */
#ifndef LATHE_MANIFEST_H
#define LATHE_MANIFEST_H
#include <stdint.h>

#include "dsp/params.h"

#define MANIFEST_VERSION 1
#define MANIFEST_MAX_TAGS 32

struct manifest {
	char input[4096], input_sha256[65];
	char output[4096], output_sha256[65];
	double v[P_COUNT];          /* the settings as given, before any search */
	int bits, rate;             /* rate 0: the input's */
	uint32_t dither_seed;
	int has_target; double target_lufs;
	int target_stop; double sweep_max, sweep_step;
	double drive_used;          /* the limiter drive the render ran with */
	char tags[MANIFEST_MAX_TAGS][600];
	int ntags;
	char lathe_version[32];
};

/* The versions of lathe and the libraries that shape the samples. */
void manifest_versions(char *buf, int size);

/* Writes m (hashes filled in by the caller) atomically to path.  ST_OK or
 * ST_OUTPUT with a message. */
int manifest_write(const char *path, const struct manifest *m, char *err, int errlen);
/* Reads a manifest written by manifest_write.  ST_OK; ST_INPUT when it
 * cannot be read; ST_USAGE when it is not a lathe manifest. */
int manifest_read(const char *path, struct manifest *m, char *err, int errlen);

/* Pieces shared with the album manifest (manifest_album.c): the shortest
 * text that reads back as the same double; a JSON string body (after its
 * opening quote) into out; a line "KEY": "..." or "KEY": NUMBER (0, 1
 * when the line has another key, -1 when malformed). */
#include <stddef.h>
void manifest_exact(char *buf, size_t size, double v);
int manifest_unquote(const char *p, char *out, size_t size);
int manifest_str(const char *line, const char *key, char *out, size_t size);
int manifest_num(const char *line, const char *key, double *out);
#endif
