/* The lower panel's views, in the order the view_next key cycles them.
 * Adding a view: its file defines a const struct lower_view (see
 * ui_lower.h), declared there, and gets one row here. */
#include "tui/ui_lower.h"

const struct lower_view *const lower_views[] = {
	&gr_history_view,
	&spectrum_view,
	&stereo_view,
	&loudness_view,
	&overview_view,
	&sweep_view,
};

const int lower_view_count = (int)(sizeof lower_views / sizeof lower_views[0]);
