/* The console's state, shared by the files that make it up: console.c
 * (the loop, keys, start and end), console_model.c (settings, undo,
 * meters), console_tracks.c, console_cmd.c (the key commands),
 * console_cmdline.c (the ':' line), console_edit.c (typed values),
 * console_job.c (background renders and searches), console_master.c and
 * console_session.c. */
#ifndef LATHE_CONSOLE_H
#define LATHE_CONSOLE_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "audio/album.h"
#include "audio/preset.h"
#include "audio/session.h"
#include "audio/status.h"
#include "tui/cli.h"
#include "tui/commands.h"
#include "tui/console_measure.h"
#include "tui/keymap.h"
#include "tui/ui_view.h"

#define FRAME_MIN 0.05      /* s between frames after a key: 20 fps at most */
#define METER_PERIOD 0.1    /* s between meter frames drawn: 10 fps */
#define HOLD_TIME 2.0       /* s a true-peak hold stays */
#define NUMBERS_PERIOD 0.25 /* s between updates of the numeric readouts */
#define UNDO_MAX 128
#define COALESCE_S 1.5      /* repeated steps of one parameter: one undo */
#define AUTOSAVE_S 5.0
#define STATUS_S 6.0        /* a status message stays this long */
#define SETTLE_S 0.6        /* settings at rest this long: measure the master */

/* ncurses' KEY_BACKSPACE and KEY_ENTER for the curses-free files
 * (console.c checks they agree). */
#define KEY_CODE_BACKSPACE 0407
#define KEY_CODE_ENTER 0527

enum job_kind { JOB_NONE, JOB_RENDER, JOB_TARGET, JOB_ALBUM };
enum prompt_kind { PR_NONE, PR_QUIT, PR_RESTORE };

struct track {
	char path[4096];            /* "" for the demo mix */
	double v[P_COUNT];          /* its settings while it is not current */
	double saved_v[P_COUNT];    /* as last saved or loaded */
	char preset[64];
	double pos_s, dur_s;        /* where it was left; its length (0: not loaded yet) */
	/* The master's figures (console_master.c): gen counts changes of v,
	 * fig_gen is the gen fig was measured at; they differ: stale. */
	unsigned gen, fig_gen;
	double changed_t;           /* when v last changed */
	struct master_figures fig;
	int session_dirty;          /* changed since its session was saved */
	struct session *restore;    /* a session found at start, or NULL */
};

struct undo_entry {
	int track;
	unsigned group;             /* entries of one action share it */
	double v[P_COUNT];
};

#define CMD_HISTORY 64

/* Undo: one history across the tracks (console_model.c). */
struct con_undo {
	struct undo_entry *undo, *redo; /* cap entries each */
	int nundo, nredo, cap;
	unsigned group;
	int last_edit_id;             /* steps of one parameter coalesce... */
	double last_edit_t;           /* ...while they come this close */
};

/* The "played" loudness: BS.1770 gating over the momentary loudness
 * read every 0.1 s while playing (400 ms blocks, 75% overlap, as the
 * standard's), kept as a histogram of 0.1 LU bins from -70 LUFS. */
#define PLAYED_BINS 800

/* What the meter frames accumulate between readouts (console_model.c). */
struct con_meter_acc {
	unsigned played[PLAYED_BINS];
	double played_t;              /* when the last block was counted */
	double meter_t;               /* when the last meter frame was read */
	double hold_t[2], hold_gr_t[2], gr_t0, num_t;
	float gr_acc_comp, gr_acc_lim;
	float num_peak[2], num_comp, num_lim; /* largest since the last readout */
};

/* ':' history, oldest first; hist_at is the entry shown while browsing
 * (nhist: the line being typed, kept in hist_edit).  console_cmd.c. */
struct con_cmdline {
	char hist[CMD_HISTORY][UI_CMD_MAX];
	int nhist, hist_at;
	char hist_edit[UI_CMD_MAX];
};

/* Background job (console_job.c): the thread writes permille and done,
 * the rest is read only after done is seen (acquire). */
struct con_job {
	pthread_t thread;
	int kind;
	int track;                    /* the track it works on */
	int target_todo;              /* tracks still to search after this one, in order */
	unsigned gen;                 /* of the track's settings when it started */
	atomic_int done, permille, cancel;
	_Atomic(const char *) phase;  /* the search's phase now; NULL: not begun */
	int status;
	char in[4200], out[4096], err[ERRLEN];
	double v[P_COUNT], target, lufs, gr;
	struct con_album_job *album;  /* JOB_ALBUM's tracks (console_album_render.c) */
};

/* The background measurement of the master (console_master.c): the
 * thread writes progress and done; the rest is read after done (acquire). */
struct con_master {
	pthread_t thread;
	int running, track;
	unsigned gen;                 /* of the track's settings it measures */
	atomic_int done, cancel, progress;
	int status;
	char in[4200], err[ERRLEN];
	double v[P_COUNT];
	struct master_figures fig;
};

struct console {
	/* Wiring, set once at start (console.c).  e and view are NULL in the
	 * model's unit test: the model then changes only itself. */
	const struct cli *cli;
	struct engine *e;
	struct view *view;
	struct keymap keys;
	FILE *log;
	int saved_stderr;

	/* What the view draws, and which parts of it changed. */
	struct ui_model mo;
	unsigned pending;             /* VP_* */
	double now;                   /* the loop's clock, s */

	/* Tracks and their settings (console_model.c). */
	const char *file;             /* the current track's file; NULL: the demo mix */
	struct track *tracks;         /* ntracks, at least one */
	struct ui_track *ut;          /* what the view shows of each */
	int ntracks, cur;
	double *alb_l, *alb_d;        /* scratch for the album loudness */
	struct album album;           /* when started on an album file */
	int have_album;
	double saved_v[P_COUNT];      /* as last saved or loaded: "unsaved" is v != this */
	char notes[PRESET_NOTES_MAX + 1];
	int mod_param[MOD_COUNT];     /* last parameter selected in each module */
	unsigned long change_seq;     /* bumped by every settings change */
	struct con_undo un;
	struct con_meter_acc mt;

	/* Sessions (console_session.c). */
	unsigned long saved_seq;      /* change_seq at the last save */
	double last_autosave;

	/* The loop, keys and prompts (console.c), the command line, jobs. */
	double last_frame, last_meter_draw, status_t;
	int status_hold;              /* a job's outcome: stays until a key */
	double switch_frac, switch_t; /* relative position and time of the last track switch */
	int quit, exit_code;
	enum prompt_kind prompt;
	struct con_cmdline cl;
	struct con_job job;
	void **lower_st;              /* each lower panel view's state (ui_lower.h) */
	struct con_master meas;
	struct {                      /* the album's next track, queued in the engine */
		int track;            /* -1: none; -2: it could not be (said once) */
		unsigned gen;         /* of its settings when queued */
	} fol;
	struct con_sweep *sw;         /* the sweep and codec jobs (console_sweep.c) */
	struct {                      /* a render's figures, once measured */
		int pending, track;
		unsigned gen;
		char out[4096];
	} report;
};

/* console_model.c: settings, undo, tracks, meters, warnings; no curses. */
int con_alloc_tracks(struct console *c, int n, char *err, int errlen);
void con_track_named(struct console *c, int i);
void con_free_tracks(struct console *c);
__attribute__((format(printf, 2, 3)))
void logmsg(struct console *c, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void con_status(struct console *c, int error, const char *fmt, ...);
int params_differ(const double a[P_COUNT], const double b[P_COUNT]);
void changed(struct console *c);
double *track_v(struct console *c, int i);  /* the live settings of track i */
void push_undo_track(struct console *c, int track, unsigned group);
void put_track_v(struct console *c, int i, const double v[P_COUNT]);
void apply_params(struct console *c, const double nv[P_COUNT], int undoable);
void set_value(struct console *c, int id, double val);
void set_track_value(struct console *c, int track, int id, double val);
void undo_redo(struct console *c, int redo);
int describe_changes(const double *before, const double *after, char *what, int size, int show);
void select_param(struct console *c, int id);
void move_param(struct console *c, int dir);
void move_module(struct console *c, int dir);
void move_band(struct console *c, int dir);
void step_value(struct console *c, int dir, double mult);
void copy_settings(struct console *c, int to);
double con_position(struct console *c);
void con_meter_frame(struct console *c, const struct engine_meters *m);
void played_reset(struct console *c);
int con_warnings(const struct ui_model *mo, struct ui_warning *out, int max);

/* console_master.c: the master's figures, measured in the background. */
void master_tick(struct console *c);
void master_stop(struct console *c);
void master_show(struct console *c);  /* the current track's figures to the model */

/* console_sweep.c: the drive sweep and the codec true peak, in the
 * background after the master's measurement. */
void con_sweep_tick(struct console *c);
void con_sweep_end(struct console *c);
void con_codec_listen(struct console *c, const char *arg);

/* console_session.c */
int save_session(struct console *c);
void offer_restore(struct console *c);
void restore_session(struct console *c);
void drop_restore(struct console *c);

/* console_job.c: ':render' and ':target' in the background. */
int con_demo_file(char *path, size_t size, char *err, int errlen);
int start_job(struct console *c, int kind, const char *out, double target);
int start_job_track(struct console *c, int kind, const char *out, double target, int track);
void poll_job(struct console *c);
/* 1: the job would not stop and still uses the console (see console_job.c). */
int stop_job(struct console *c);

/* console_album_render.c: ':render DIR' of a whole album. */
int album_render_wanted(const struct console *c, const char *arg);
int album_render_start(struct console *c, const char *dir);
int album_render_run(struct console *c, char *err, int errlen);   /* job thread */
void album_render_progress(struct console *c, char *buf, size_t size);
void album_render_finish(struct console *c);
void album_render_cancel(void);

/* console_cmd.c: presets saved and loaded. */
void save_preset(struct console *c, const char *name);
void load_preset(struct console *c, const char *name);
/* console_tracks.c: quit, the monitor, tracks, the reference. */
void request_quit(struct console *c);
void set_monitor(struct console *c, int mon);
void set_solo(struct console *c, int band);     /* -1: none */
int solo_band_named(const char *name);         /* low mid high: 0..2, off: -1, else -2 */
void switch_track(struct console *c, int i);
void enter_track(struct console *c, int i, double old_pos);
/* console_album.c: an album plays on from track to track. */
void album_track_entered(struct console *c);  /* after a track came in */
void album_tick(struct console *c);           /* every turn of the loop */
void set_reference(struct console *c, int on);
/* console.c: the loop, keys, start and end. */
void next_lower_view(struct console *c);

/* console_cmd.c: the key commands. */
void run_command(struct console *c, enum command cmd);

/* console_edit.c: a value typed for the selected parameter. */
void edit_open(struct console *c);
void edit_key(struct console *c, int ch);

/* console_cmdline.c: the ':' line and its command table. */
void open_cmdline(struct console *c, const char *text);
void cmdline_key(struct console *c, int ch);
/* The help page's lines for the ':' commands, from the table. */
void cmdline_help_lines(const char *const **out, int *n);
#endif
