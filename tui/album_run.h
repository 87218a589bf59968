/* Inside lathe render --album (tui/cmd_album.c): the tracks' jobs and
 * the runner that works them off on threads. */
#ifndef LATHE_ALBUM_RUN_H
#define LATHE_ALBUM_RUN_H
#include <stdatomic.h>
#include <stdint.h>

#include "audio/album.h"
#include "audio/album_report.h"
#include "audio/render.h"
#include "audio/status.h"

#define ALBUM_MAX_JOB_TAGS 8

enum phase { PH_WAIT, PH_MEASURE, PH_RENDER, PH_ANALYZE, PH_DONE };

struct job {
	int index;                 /* 0-based track number */
	const char *in;
	char out[4096];
	double v[P_COUNT];
	double seconds;
	double lufs, gr;           /* the last measurement through the chain */
	int rc;
	char err[ERRLEN];
	struct track_figures fig;
	uint32_t seed;             /* dither: from the track's place, never timing */
	double v0[P_COUNT];        /* the settings before any search (manifest) */
	double fade_in_s, fade_out_s;
	const char *tags[ALBUM_MAX_JOB_TAGS];  /* KEY=VALUE for its master */
	char tagbuf[ALBUM_MAX_JOB_TAGS][TAG_VALUE_MAX + 16];
	int ntags;
	/* Written by the worker, read by the progress display. */
	atomic_int phase;
	atomic_int permille;       /* of the current pass */
	atomic_int passes;         /* measuring passes begun */
	double lastf;
};

struct run {
	struct job *jobs;
	int n, nthreads;
	int bits, quiet, tty;
	int rate;                  /* --rate; 0: each input's own */
	int fixed;                 /* 1: every drive as given, no search, no report (verify) */
	double target;
	int mode;
	double offset;             /* album mode: the common drive change */
	void (*work)(struct run *r, struct job *j);
	atomic_int next, done;
};

/* Track i's dither seed: from its place in the album, never from timing,
 * so any --jobs (and the console's album render) gives the same samples. */
static inline uint32_t album_seed(int i)
{
	return 0x51ED270Bu * (uint32_t)(i + 1);
}

/* A track's master in dir: its own output name, else the input's base
 * name; the extension from the name when it is one we write, else the
 * album's format, else the input's when we write it, else .wav.  -1 when
 * the path does not fit (cmd_album.c). */
int album_output_path(char *buf, size_t size, const char *dir, const char *in,
		      const char *name, const char *format, int bits);

/* Set by album_on_signal (SIGINT, SIGTERM, SIGHUP): every job stops. */
extern atomic_int album_cancelled;
void album_on_signal(int sig);

/* Runs r->work on every job, r->nthreads at a time, with one progress
 * line on stderr; the workers never print. */
void album_run_all(struct run *r, const char *what);
/* The work of one track: its drive search (mode track), its render, the
 * measurement of what was written. */
void album_render_job(struct run *r, struct job *j);
/* Album mode: the common drive change that puts the album on the target
 * (r->offset, and every job's drive). */
int album_offset(struct run *r, char *err, int errlen);
#endif
