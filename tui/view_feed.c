/* The analysis views' shared feed: see view_feed.h. */
#include "tui/view_feed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/eqcurve.h"

static struct vfeed *feed;

static int vf_rate(struct vfeed *v, double rate)
{
	if (v->spec && v->rate == rate)
		return 0;
	spec_live_free(v->spec);
	spec_live_free(v->refspec);
	eqcurve_free(v->curve);
	v->rate = rate;
	v->spec = spec_live_new(rate);
	v->refspec = spec_live_new(rate);
	v->curve = eqcurve_new(rate);
	stereo_init(&v->play, rate);
	v->ref_n = 0;
	memset(v->ref_sum, 0, sizeof v->ref_sum);
	v->v[0] = NAN; /* the curve is made again */
	return v->spec && v->refspec && v->curve ? 0 : -1;
}

struct vfeed *vfeed_get(void)
{
	if (!feed) {
		feed = calloc(1, sizeof *feed);
		if (feed && vf_rate(feed, 48000)) {
			free(feed);
			feed = NULL;
		}
	}
	return feed;
}

void vfeed_set_pre(int pre)
{
	struct vfeed *v = vfeed_get();

	if (v && v->pre != pre) {
		v->pre = pre;
		spec_live_reset(v->spec);
	}
}

/* A new track (or the first): the histories start empty. */
static void new_track(struct vfeed *v, const struct ui_model *mo)
{
	snprintf(v->source, sizeof v->source, "%s", mo->info.source);
	v->dur = mo->info.duration_s;
	v->slot_s = v->dur / VF_SLOTS > 0.1 ? v->dur / VF_SLOTS : 0.1;
	for (int i = 0; i < VF_SLOTS; i++)
		v->st[i] = v->mom[i] = v->peak[i] = NAN;
	stereo_reset(&v->play);
	v->sl = v->sr = v->slr = 0;
	memset(v->slo, 0, sizeof v->slo);
	spec_live_reset(v->spec);
	spec_live_reset(v->refspec);
	v->ref_n = 0;
	memset(v->ref_sum, 0, sizeof v->ref_sum);
}

static void history(struct vfeed *v, const struct engine_meters *m)
{
	v->pos_s = m->pos_s;
	v->playing = m->transport == TR_PLAYING;
	if (!v->playing || !(m->pos_s >= 0))
		return;
	long s = (long)(m->pos_s / v->slot_s);
	if (s < 0 || s >= VF_SLOTS)
		return;
	if (isfinite(m->short_term_lufs))
		v->st[s] = isnan(v->st[s]) ? m->short_term_lufs : fmaxf(v->st[s], m->short_term_lufs);
	if (isfinite(m->momentary_lufs))
		v->mom[s] = isnan(v->mom[s]) ? m->momentary_lufs : fmaxf(v->mom[s], m->momentary_lufs);
	float pk = fmaxf(m->peak_db[0], m->peak_db[1]);
	if (isfinite(pk))
		v->peak[s] = isnan(v->peak[s]) ? pk : fmaxf(v->peak[s], pk);
}

/* One block of the tap into the analysers. */
static void take_block(struct vfeed *v, const struct engine_tap_block *b)
{
	double a = 1 - exp(-1.0 / (STEREO_LIVE_S * v->rate));

	if (b->pos != v->next_pos) {
		/* A seek or a loop: what the analysers hold is of elsewhere. */
		spec_live_reset(v->spec);
		if (b->pos == 0)
			stereo_reset(&v->play);
	}
	v->next_pos = b->pos + b->n;
	if (spec_live_push(v->spec, v->pre ? b->pre : b->post, b->n))
		v->seq++;
	if (b->has_ref && spec_live_push(v->refspec, b->ref, b->n)) {
		const struct spec_bands *bd = spec_live_bands(v->refspec);
		for (int i = 0; i < bd->n; i++)
			v->ref_sum[i] += pow(10, spec_live_level(v->refspec, i, SPEC_FAST) / 10);
		v->ref_n++;
	}
	double lowsum[3] = { v->play.bl, v->play.br, v->play.blr };
	stereo_add(&v->play, b->post, b->n);
	/* Short-window figures: exponential sums, per frame of the block
	 * as one step (a block is 5 ms: far below the 0.3 s window). */
	double ll = 0, rr = 0, lr = 0;
	for (int i = 0; i < b->n; i++) {
		double l = b->post[2 * i], r = b->post[2 * i + 1];
		ll += l * l;
		rr += r * r;
		lr += l * r;
	}
	double k = pow(1 - a, b->n);
	v->sl = v->sl * k + ll * a;
	v->sr = v->sr * k + rr * a;
	v->slr = v->slr * k + lr * a;
	double dl = v->play.bl - lowsum[0], dr = v->play.br - lowsum[1], dlr = v->play.blr - lowsum[2];
	v->slo[0] = v->slo[0] * k + dl * a;
	v->slo[1] = v->slo[1] * k + dr * a;
	v->slo[2] = v->slo[2] * k + dlr * a;
}

void vfeed_update(const struct lower_feed *f, int need_tap)
{
	struct vfeed *v = vfeed_get();
	struct engine_tap_block b;
	const struct ui_model *mo = f->mo;

	if (!v)
		return;
	if (f->now != v->now) {
		/* A new frame: the tap stays on only if some view wanted it
		 * in the last one. */
		v->wanted = v->want;
		v->want = 0;
		v->now = f->now;
		if (strcmp(v->source, mo->info.source) || v->dur != mo->info.duration_s)
			new_track(v, mo);
		if (mo->info.rate && vf_rate(v, mo->info.rate))
			return;
		history(v, f->m);
		if (f->e && v->tap_on && !v->wanted) {
			engine_tap_enable(f->e, 0);
			v->tap_on = 0;
		}
	}
	if (!need_tap || !f->e)
		return;
	v->want = 1;
	if (!v->tap_on) {
		engine_tap_enable(f->e, 1);
		v->tap_on = 1;
		v->next_pos = -1;
	}
	while (engine_tap_read(f->e, &b))
		take_block(v, &b);
	if (eqcurve_set(v->curve, mo->v))
		v->seq++;
}

static double corr(double ll, double rr, double lr)
{
	return stereo_corr(ll, rr, lr, 1e-12);
}

double vfeed_corr(const struct vfeed *v)
{
	return corr(v->sl, v->sr, v->slr);
}

double vfeed_corr_low(const struct vfeed *v)
{
	return corr(v->slo[0], v->slo[1], v->slo[2]);
}

double vfeed_balance(const struct vfeed *v)
{
	if (!(v->sl > 1e-12 && v->sr > 1e-12))
		return NAN;
	return 10 * log10(v->sr / v->sl);
}

double vfeed_ref_db(const struct vfeed *v, int band)
{
	if (v->ref_n == 0 || !(v->ref_sum[band] > 0))
		return NAN;
	return 10 * log10(v->ref_sum[band] / (double)v->ref_n);
}

double vfeed_curve_db(const struct vfeed *v, double f)
{
	return eqcurve_db(v->curve, f);
}

double vfeed_hist_max(const struct vfeed *v, const float *h, double t0, double t1)
{
	long a = (long)floor(t0 / v->slot_s), b = (long)ceil(t1 / v->slot_s);
	double m = NAN;

	if (a < 0)
		a = 0;
	if (b > VF_SLOTS)
		b = VF_SLOTS;
	if (b <= a)
		b = a + 1;
	for (long s = a; s < b && s < VF_SLOTS; s++)
		if (!isnan(h[s]) && (isnan(m) || h[s] > m))
			m = h[s];
	return m;
}

double vfeed_series_max(const struct ui_model *mo, double t0, double t1)
{
	const struct ui_master *ms = &mo->master;
	double m = NAN;

	if (!ms->series || ms->nseries <= 0 || !(ms->series_period > 0))
		return NAN;
	/* Point i stands for the 3 s ending at (i + 1) * period. */
	long a = (long)floor(t0 / ms->series_period) - 1, b = (long)ceil(t1 / ms->series_period) - 1;
	if (a < 0)
		a = 0;
	if (b <= a)
		b = a + 1;
	for (long i = a; i < b && i < ms->nseries; i++)
		if (isnan(m) || ms->series[i] > m)
			m = ms->series[i];
	return m;
}
