/* The console's state, shared by the files that make it up:
 * console.c (the loop, keys, tracks, undo, sessions), console_cmd.c (the
 * ':' command line and the command table's actions) and console_job.c
 * (background renders and loudness searches). */
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

enum job_kind { JOB_NONE, JOB_RENDER, JOB_TARGET };
enum prompt_kind { PR_NONE, PR_QUIT, PR_RESTORE };

struct track {
	char path[4096];            /* "" for the demo mix */
	double v[P_COUNT];          /* its settings while it is not current */
	double saved_v[P_COUNT];    /* as last saved or loaded */
	char preset[64];
	double pos_s, dur_s;        /* where it was left; its length (0: not loaded yet) */
	double lufs_s;              /* seconds of play behind ui.lufs */
	int session_dirty;          /* changed since its session was saved */
	struct session *restore;    /* a session found at start, or NULL */
};

struct undo_entry {
	int track;
	unsigned group;             /* entries of one action share it */
	double v[P_COUNT];
};

#define CMD_HISTORY 64

struct console {
	const struct cli *cli;
	struct engine *e;
	struct view *view;
	struct ui_model mo;
	struct keymap keys;

	const char *file;            /* the current track's file; NULL: the demo mix */
	struct track *tracks;        /* ntracks, at least one */
	struct ui_track *ut;         /* what the view shows of each */
	int ntracks, cur;
	double visit_s;              /* seconds played since the current track was loaded */
	double meter_t;              /* when the last meter frame was read */
	double *alb_l, *alb_d;       /* scratch for the album loudness */
	struct album album;          /* when started on an album file */
	int have_album;
	double saved_v[P_COUNT];     /* as last saved or loaded: "unsaved" is v != this */
	char notes[PRESET_NOTES_MAX + 1];
	int mod_param[MOD_COUNT];    /* last parameter selected in each module */

	struct undo_entry *undo, *redo; /* cap entries each */
	int nundo, nredo, cap;
	unsigned group;
	int last_edit_id;
	double last_edit_t;

	double now, last_frame, last_meter_draw, hold_t[2], hold_gr_t[2], gr_t0, num_t;
	float gr_acc_comp, gr_acc_lim;
	float num_peak[2], num_comp, num_lim; /* largest since the last readout */
	unsigned pending;
	double status_t;
	int quit, exit_code;

	enum prompt_kind prompt;

	/* ':' history, oldest first; hist_at is the entry shown while
	 * browsing (nhist: the line being typed, kept in hist_edit). */
	char hist[CMD_HISTORY][256];
	int nhist, hist_at;
	char hist_edit[256];

	unsigned long change_seq, saved_seq;
	double last_autosave;

	/* Background job: the thread writes job_permille and job_done, the
	 * rest is read only after job_done is seen (acquire). */
	pthread_t job;
	int job_kind;
	int job_track;                /* the track it works on */
	int target_todo;              /* tracks still to search after this one, in order */
	atomic_int job_done, job_permille, job_cancel;
	int job_status;
	char job_in[4200], job_out[4096], job_err[ERRLEN];
	double job_v[P_COUNT], job_target, job_lufs, job_gr;

	FILE *log;
	int saved_stderr;
};

__attribute__((format(printf, 2, 3)))
void logmsg(struct console *c, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void con_status(struct console *c, int error, const char *fmt, ...);
void apply_params(struct console *c, const double nv[P_COUNT], int undoable);
void set_value(struct console *c, int id, double val);
void undo_redo(struct console *c, int redo);
int start_job(struct console *c, int kind, const char *out, double target);
int start_job_track(struct console *c, int kind, const char *out, double target, int track);
void set_track_value(struct console *c, int track, int id, double val);
void poll_job(struct console *c);
void stop_job(struct console *c);
void save_preset(struct console *c, const char *name);
void load_preset(struct console *c, const char *name);
void select_param(struct console *c, int id);
void move_param(struct console *c, int dir);
void move_module(struct console *c, int dir);
void step_value(struct console *c, int dir, double mult);
void request_quit(struct console *c);
void set_monitor(struct console *c, int mon);
double con_position(struct console *c);
void switch_track(struct console *c, int i);
void copy_settings(struct console *c, int to);
void set_reference(struct console *c, int on);
void run_command(struct console *c, enum command cmd);
void cmdline_key(struct console *c, int ch);
#endif
