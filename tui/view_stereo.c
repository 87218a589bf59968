/* The stereo view: correlation (live, 0.3 s, and over the whole play)
 * with a warning when it goes negative, balance, and correlation and
 * width per range (low < 150 Hz, mid, high > 5 kHz) so a phase problem in
 * the bass shows before it costs a vinyl cut or a mono playback.
 * Numbers are snapshot twice a second: stable on a slow link. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tui/view_feed.h"
#include "tui/view_util.h"

#define SNAP_S 0.5
#define LAB_W 12
#define NUM_W 28

struct stview {
	double snap_at;
	int have;
	double corr, corr_play, bal;
	struct spec_stereo rg[SPEC_RANGES];
};

static void *st_open(void)
{
	return calloc(1, sizeof(struct stview));
}

static void st_update(void *st, const struct lower_feed *f)
{
	struct stview *s = st;
	struct vfeed *v;

	vfeed_update(f, f->shown);
	v = vfeed_get();
	if (!s || !v || !f->shown || (s->have && f->now - s->snap_at < SNAP_S))
		return;
	s->snap_at = f->now;
	s->have = 1;
	s->corr = vfeed_corr(v);
	s->corr_play = stereo_correlation(&v->play);
	s->bal = vfeed_balance(v);
	for (int g = 0; g < SPEC_RANGES; g++)
		spec_live_stereo(v->spec, g, &s->rg[g]);
}

static void fmt_c(char *b, size_t n, double c)
{
	if (isfinite(c))
		snprintf(b, n, "%+.2f", c);
	else
		snprintf(b, n, "  -  ");
}

static void row(int y, struct ui_rect r, const char *label, double val, double lo, double hi,
		double mid, enum role role, const char *num)
{
	int tw = r.w - LAB_W - NUM_W;

	putn(y, r.x, LAB_W, R_LABEL, "%s", label);
	if (tw > 4)
		vu_track(y, r.x + LAB_W, tw, val, lo, hi, mid, role);
	else
		tw = 0;
	putn(y, r.x + LAB_W + tw, r.w - LAB_W - tw, role == R_WARN ? R_WARN : R_VALUE, " %s", num);
}

static void st_draw(void *st, const struct ui_model *mo, struct ui_rect r)
{
	static const char *const names[SPEC_RANGES] = { "low <150", "mid", "high >5k" };
	struct stview *s = st;
	char a[16], b[16], num[64];
	int y = r.y, end = r.y + r.h;

	(void)mo;
	if (!s)
		return;
	if (r.h >= 7)
		putn(y++, r.x, r.w, R_LABEL, "%s",
		     "stereo: correlation -1 (out of phase) .. +1 (mono), live 0.3 s and whole play");
	if (y < end) {
		int neg = isfinite(s->corr) && s->corr < 0;
		fmt_c(a, sizeof a, s->corr);
		fmt_c(b, sizeof b, s->corr_play);
		snprintf(num, sizeof num, "%s play %s%s", a, b, neg ? " ! OUT OF PHASE" : "");
		row(y++, r, "correlation", s->corr, -1, 1, 0, neg ? R_WARN : R_GOOD, num);
	}
	if (y < end) {
		if (isfinite(s->bal))
			snprintf(num, sizeof num, "%s %.1f dB", s->bal >= 0.05 ? "R" : s->bal <= -0.05 ? "L" : "C",
				 fabs(s->bal));
		else
			snprintf(num, sizeof num, "-");
		row(y++, r, "balance L-R", s->bal, -6, 6, 0,
		    isfinite(s->bal) && fabs(s->bal) > 1.5 ? R_WARN : R_VALUE, num);
	}
	for (int g = 0; g < SPEC_RANGES && y < end; g++) {
		const struct spec_stereo *x = &s->rg[g];
		int neg = isfinite(x->corr) && x->corr < 0;
		fmt_c(a, sizeof a, x->corr);
		if (isfinite(x->width_db))
			snprintf(num, sizeof num, "%s width %+5.1f dB%s", a, x->width_db, neg ? " !" : "");
		else
			snprintf(num, sizeof num, "%s width   -", a);
		row(y++, r, names[g], x->corr, -1, 1, 0, neg ? R_WARN : R_VALUE, num);
	}
	while (y < end)
		putn(y++, r.x, r.w, R_NORMAL, "%s", "");
}

const struct lower_view stereo_view = {
	.name = "stereo",
	.open = st_open,
	.close = free,
	.update = st_update,
	.draw = st_draw,
};
