/* The lower panel's views: the area under the meters shows one of them
 * at a time, and the view_next key (v) cycles through them.  Each view is
 * a const struct lower_view in its own file (the GR history is in
 * ui_meters.c; tui/view_*.c add more) and one row of lower_views[] in
 * ui_lower.c.  A view has two halves:
 *   update: the model side, no curses: called with every meter frame,
 *           shown or not, so a history keeps filling while hidden;
 *   draw:   the curses side: fills its rectangle (every cell of it) when
 *           the graph part is due, ~10 times a second while playing.
 * Its state is what open returns (NULL allowed); close frees it. */
#ifndef LATHE_UI_LOWER_H
#define LATHE_UI_LOWER_H
#include "audio/engine.h"
#include "tui/ui_view.h"

struct ui_rect { int y, x, w, h; };

/* What a view's update is given. */
struct lower_feed {
	const struct ui_model *mo;      /* the console's figures, settings, histories */
	const struct engine_meters *m;  /* this frame (also mo->m) */
	struct engine *e;               /* for views that read a tap of their own; NULL in unit tests */
	double now;                     /* s, monotonic */
	int shown;                      /* 1: this view is on screen */
};

struct lower_view {
	const char *name;               /* "GR history": status line and help */
	void *(*open)(void);            /* may be NULL: no state */
	void (*close)(void *st);        /* may be NULL */
	void (*update)(void *st, const struct lower_feed *f); /* may be NULL */
	void (*draw)(void *st, const struct ui_model *mo, struct ui_rect r);
};

extern const struct lower_view *const lower_views[];
extern const int lower_view_count;

extern const struct lower_view gr_history_view;    /* ui_meters.c */
extern const struct lower_view spectrum_view;      /* view_spectrum.c */
extern const struct lower_view stereo_view;        /* view_stereo.c */
extern const struct lower_view loudness_view;      /* view_loudness.c */
extern const struct lower_view overview_view;      /* view_overview.c */
extern const struct lower_view sweep_view;         /* view_sweep.c */
/* :spectrum pre|post|fast|slow: a status message. */
const char *view_spectrum_command(const char *arg);
/* A click at (y, x) on the overview's row: 1 and the time to seek to. */
int view_overview_seek(const struct ui_model *mo, int y, int x, double *seconds);
/* The overview is off screen: clicks no longer seek. */
void view_overview_hidden(void);
#endif
