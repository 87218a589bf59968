/* The console's screen: data in, drawing out.  console.c keeps a ui_model
 * up to date from keys and meter snapshots; the view lays the screen out
 * (again only when the size changes) and draws the parts that changed.
 * Nothing here talks to the engine. */
#ifndef LATHE_UI_VIEW_H
#define LATHE_UI_VIEW_H
#include <stdint.h>
#include "audio/engine.h"
#include "dsp/params.h"
#include "tui/keymap.h"

/* Gain-reduction history: one sample (the largest GR) per period. */
#define GR_HIST_LEN 512
#define GR_HIST_PERIOD 0.1   /* s */
#define GR_HIST_SPAN 20.0    /* s shown */

#define UI_WARN_MAX 3
#define UI_WARN_LEN 96

/* A warning in plain words, and in the few the side panel has room for. */
struct ui_warning {
	char text[UI_WARN_LEN];   /* "limiter working 4.4 dB for 3 s" */
	char brief[32];           /* at most 29 columns */
};

/* What the track list shows of a track. */
struct ui_track {
	char name[64];
	float lufs, lra;   /* the whole track's with its settings; NAN: not measured yet */
	float tp, plr;
	int stale;         /* settings changed since: being measured again */
	int dirty;         /* settings not saved in a preset */
};

/* The current track's master as it would render (measured whole, in the
 * background, after each settled change of settings). */
struct ui_master {
	int valid;         /* a figure was measured (maybe of older settings) */
	int measuring;     /* the settings changed since: a new one is coming */
	double I, lra, tp, plr, max_gr;
	/* Short-term loudness over the whole track: series[i] at
	 * (i + 1) * series_period s; NULL when none. */
	const float *series;
	int nseries;
	double series_period;
};

/* The drive sweep of the current track and settings (console_sweep.c):
 * the limiter's drive from 0 dB up with everything else as it is, the
 * same figures as `lathe sweep`; and the master's true peak after an MP3
 * and an Opus round trip. */
#define UI_SWEEP_MAX 64
struct ui_sweep {
	int n;              /* steps; 0: none measured yet */
	int measuring;      /* settings other than the drive changed since: a new one is coming */
	int stop;           /* the step the stop rule chose */
	float drive[UI_SWEEP_MAX], lufs[UI_SWEEP_MAX], residual[UI_SWEEP_MAX];
	int codec_valid;    /* codec_tp holds a figure (maybe of older settings) */
	int codec_measuring;
	double codec_tp[2]; /* dBTP after MP3 320 and Opus 128 */
	char listen[32];    /* the codec heard in the reference's place ("mp3 128 kbps"); "" none */
	int listen_stale;   /* asked for, or the settings changed: a new decode is being made */
};

/* The ':' line holds a whole path (PATH_MAX) after its command word. */
#define UI_CMD_MAX 4200

struct ui_model {
	struct engine_info info;
	struct engine_meters m;    /* newest frame: bars */
	struct engine_meters num;  /* a few times a second: numbers, which
				      nobody can read at the bar rate */
	struct ui_master master;
	struct ui_sweep sweep;
	int have_meters;
	double loop_a, loop_b;     /* b <= a: no loop */
	int ab, monitor;
	int mb_solo;        /* the multiband band soloed for listening; -1: none */
	char preset[64];           /* "" none */
	int dirty;                 /* tweaks not saved in a preset */

	double v[P_COUNT];
	int module;                /* selected module */
	int param;                 /* selected parameter (never a bypass) */

	float hold_tp[2];          /* true-peak hold, dBTP */
	float hold_gr[2];          /* GR hold of the compressor and limiter, dB */
	float gr_comp[GR_HIST_LEN], gr_lim[GR_HIST_LEN];
	uint64_t gr_count;         /* history samples written in total */
	double platform_target;    /* LUFS, for the over-loud warning */
	double played_I;           /* integrated loudness of what was heard since
				      the track opened or the reset key; NAN: none */
	struct ui_warning warn[UI_WARN_MAX]; /* the model's warnings, nwarn of them */
	int nwarn;

	int lower;                 /* the lower panel's view: lower_views[lower] */
	void *lower_state;         /* its state */

	char status[256];
	int status_error;
	char prompt[256];          /* a y/n question waiting; "" none */
	int cmdline;               /* 1: typing a ':' command */
	char cmd[UI_CMD_MAX];       /* bytes, UTF-8 as typed */
	int cmd_len;
	char cmd_hint[256];        /* Tab's matches, shown after the line */
	/* A value being typed for one parameter (Enter on it). */
	int edit;                  /* 1: the edit field is open */
	int edit_id;               /* the parameter it sets */
	int edit_fresh;            /* the first key typed replaces the text */
	char edit_text[32];
	int edit_len;
	char job[160];             /* background render / target progress */

	int help, help_top;
	const char *const *cmd_help;  /* the ':' commands' help lines */
	int ncmd_help;
	const struct keymap *keys;
	char keymap_source[300];   /* where the bindings came from */

	/* Tracks (several files or an album file) and the reference. */
	const struct ui_track *tracks;
	int ntracks, track;        /* track: the current one, from 0 */
	double album_lufs;         /* from the tracks measured so far */
	int album_measured;        /* how many */
	int ref_loaded, ref_on;
	char ref_name[64];
};

enum view_part {
	VP_HEADER = 1, VP_STRIPS = 2, VP_METERS = 4, VP_GRAPH = 8,
	VP_STATUS = 16, VP_HELP = 32, VP_TRACKS = 64, VP_ALL = 127,
	VP_CLEAR = 128,   /* blank the whole screen first (Ctrl-L) */
};

struct view;
struct view *view_new(void);
void view_free(struct view *v);
/* Recompute the layout for the current terminal size and clear. */
void view_relayout(struct view *v, const struct ui_model *m);
/* Draw the parts flagged and push them out (wnoutrefresh + doupdate). */
void view_draw(struct view *v, const struct ui_model *m, unsigned parts);
/* 1 when the terminal is below the minimum and only a notice is shown. */
int view_too_small(const struct view *v);
/* Help lines for scrolling: how many there are and how many fit. */
int view_help_rows(const struct view *v, const struct ui_model *m, int *visible);

/* A module laid out as a grid (ui_format.c): bands in columns, each band
 * size parameters from first + band * size, one per row. */
struct param_grid {
	int bands, first, size;
};
/* 1 and *g filled for a grid module, else 0. */
int param_grid(int module, struct param_grid *g);
/* id's band and row in its grid; -1 when it is not in one. */
int grid_pos(int id, int *band, int *row);
void grid_band_name(int id, char *buf, int size);    /* "mid1" */
void grid_row_name(int id, char *buf, int size, int max); /* "dyn thr" */

/* Parameter value as shown in the strips, without the unit. */
void view_format_value(int id, double val, char *buf, int size);
/* A path for the status line: itself when it is short, else ".../" and its
 * last part (cut to max bytes), so the figures after it stay on screen. */
const char *view_short_path(const char *path, char *buf, int size, int max);
#endif
