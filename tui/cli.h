/* The parsed command line, shared by every subcommand. */
#ifndef LATHE_CLI_H
#define LATHE_CLI_H
#include "dsp/params.h"

#define CLI_MAX_SETS 256
#define CLI_MAX_FILES 1024

enum cli_cmd { CMD_CONSOLE, CMD_PLAY, CMD_RENDER, CMD_ANALYZE };

struct cli {
	enum cli_cmd cmd;
	const char *preset;          /* -p: factory name or INI path */
	const char *sets[CLI_MAX_SETS]; /* --set MODULE.PARAM=VALUE, in order */
	int nsets;
	int has_target;  double target;   /* --target LUFS */
	int has_ceiling; double ceiling;  /* --ceiling dBTP */
	const char *device;          /* -d; NULL: default */
	double seconds;              /* --seconds; 0: whole file */
	double latency_ms;           /* --latency; 0: the engine's default */
	const char *output;          /* -o */
	int bits;                    /* 16, 24 or 32 (float) */
	int album, json, quiet;
	int spectrum;                /* analyze --spectrum */
	int jobs;                    /* --jobs; 0: number of cores */
	const char *reference;       /* --reference FILE */
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
#endif
