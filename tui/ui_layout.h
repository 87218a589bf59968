/* The view's insides, shared by the ui_*.c files that draw the screen:
 * the layout (ui_layout.c) and the parts it places: strips (ui_strips.c),
 * meters and the GR history (ui_meters.c), header, track list, status
 * line and help (ui_panels.c). */
#ifndef LATHE_UI_LAYOUT_H
#define LATHE_UI_LAYOUT_H
#include "tui/ui_draw.h"
#include "tui/ui_view.h"

#define MIN_W 60
#define MIN_H 20
#define LABEL_W 12       /* ">limiter on " */
#define METER_ROWS 7
#define LOWER_MIN 2      /* rows the lower panel keeps beside a tall module */
#define SIDE_W 30        /* loudness numbers, penalties, warnings */
#define WIDE_W 120       /* from here on meters sit beside the strips */
#define GR_CELL_W 14     /* " GR" + 6-cell bar + " 4.2" */

struct cell { int row, col, width; };

struct view {
	int w, h, too_small;
	int strips_y, strips_x, strips_w, strips_h;
	int meters_y, meters_x, meters_w;
	int side_x, side_w, side_y;
	int graph_y, graph_h;
	int tracks_y, tracks_h;          /* the track list; 0 rows: none */
	int status_y;
	int cursor_x;                    /* the edit field's cursor, on the status line */
	/* Strip geometry: a cell per parameter, rows per module. */
	struct cell cell[P_COUNT];
	struct cell gr_cell[MOD_COUNT];  /* live GR in dynamics strips */
	int mod_rows[MOD_COUNT], mod_y[MOD_COUNT], shown_rows[MOD_COUNT];
	int grid_hdr[MOD_COUNT];         /* a grid module's rows above its grid */
	int prefix_end_x[MOD_COUNT];     /* where its prefix row's cells end */
	int collapsed;
	int valw[P_COUNT];
	int laid_module;                 /* selected module the layout was made for */
	int laid_help;                   /* help was open at the last frame */
	int laid_lower;                  /* and lower view (GR history or not) */
};

/* Modules with a live GR readout in their strip. */
static inline int has_gr(int m)
{
	return m == MOD_COMP || m == MOD_LIMITER;
}

void draw_header(struct view *v, const struct ui_model *mo);
void draw_strips(struct view *v, const struct ui_model *mo);
/* ui_grid.c: a grid module's band names and rows. */
int grid_has_prefix(int m);
void draw_grid(struct view *v, const struct ui_model *mo, int mod);
void draw_meters(struct view *v, const struct ui_model *mo);
void draw_tracks(struct view *v, const struct ui_model *mo);
void draw_status(struct view *v, const struct ui_model *mo);
void draw_help(struct view *v, const struct ui_model *mo);
#endif
