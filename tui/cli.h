/* The parsed command line, shared by every subcommand. */
#ifndef LATHE_CLI_H
#define LATHE_CLI_H
#include "dsp/params.h"

#define CLI_MAX_SETS 256
#define CLI_MAX_FILES 1024

enum cli_cmd { CMD_CONSOLE, CMD_PLAY, CMD_RENDER, CMD_ANALYZE, CMD_SWEEP, CMD_VERIFY };

#define CLI_MAX_TAGS 32

struct cli {
	enum cli_cmd cmd;
	const char *preset;          /* -p: factory name or INI path */
	const char *sets[CLI_MAX_SETS]; /* --set MODULE.PARAM=VALUE, in order */
	int nsets;
	int has_target;  double target;   /* --target LUFS */
	int target_stop;             /* --target stop: the sweep's stop drive */
	int has_ceiling; double ceiling;  /* --ceiling dBTP */
	const char *device;          /* -d; NULL: default */
	double seconds;              /* --seconds; 0: whole file */
	double latency_ms;           /* --latency; 0: the engine's default */
	const char *output;          /* -o */
	int bits;                    /* 16, 24 or 32 (float) */
	int album, json, quiet;      /* quiet 2: not even warnings (trial renders) */
	int spectrum;                /* analyze --spectrum */
	int jobs;                    /* --jobs; 0: number of cores */
	const char *reference;       /* --reference FILE */
	double sweep_max, sweep_step; /* sweep --max, --step (dB) */
	int rate;                    /* render --rate HZ; 0: the input's */
	const char *tags[CLI_MAX_TAGS]; /* render --tag KEY=VALUE, checked */
	int ntags;
	const char *manifest;        /* render --manifest PATH */
	const char *continuous;      /* render --album --continuous NAME */
	const char *codec;           /* analyze --codec FMT[:KBPS] */
	const char *codec_safe;      /* render --codec-safe FMT[:KBPS] */
	const char *check;           /* analyze --check RULES */
	const char *junit;           /* analyze --junit PATH */
	const char *files[CLI_MAX_FILES];
	int nfiles;
};

/* Parse argv; returns -1 to go on, or an exit status (0 after --help). */
int cli_parse(struct cli *c, int argc, char **argv);

/* Build the parameter array the command line asks for: defaults, then the
 * preset, then --ceiling, then each --set in order.  ST_OK, or an error
 * status with a one-line message. */
int cli_params(const struct cli *c, double v[P_COUNT], char *err, int errlen);

int play_main(const struct cli *c);     /* tui/cmd_play.c */
int console_main(const struct cli *c);  /* tui/console.c */
int render_main(const struct cli *c);   /* tui/cmd_render.c */
int analyze_main(const struct cli *c);  /* tui/cmd_analyze.c */
int album_main(const struct cli *c);    /* tui/cmd_album.c: render --album or album.ini */
/* One render as lathe render does it (target search, --target stop,
 * --manifest), messages on stderr; returns the exit status. */
int render_cli_one(const struct cli *c, const char *in, const char *out,
		   const double v[P_COUNT]);
int sweep_main(const struct cli *c);
int analyze_delivery(const struct cli *c); /* tui/cmd_check.c: analyze --codec / --check */    /* tui/cmd_sweep.c */
int verify_main(const struct cli *c);   /* tui/cmd_verify.c */

/* The closest of names to s (edit distance at most a third of its length,
 * and at most 3), or NULL: for "did you mean" hints. */
const char *cli_closest(const char *s, const char *const *names, int n);
#endif
