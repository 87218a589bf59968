/* What keys and commands ask of the session as a whole: quitting, the
 * monitor mode, switching tracks (each with its own settings, at the same
 * relative position) and the reference. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "audio/engine.h"
#include "audio/status.h"
#include "tui/console.h"

void request_quit(struct console *c)
{
	int dirty = 0;

	for (int i = 0; i < c->ntracks; i++)
		dirty |= i == c->cur ? c->mo.dirty : c->ut[i].dirty;
	if (dirty) {
		c->prompt = PR_QUIT;
		snprintf(c->mo.prompt, sizeof c->mo.prompt,
			 c->mo.dirty || c->ntracks == 1 ?
			 "Quit with unsaved tweaks? y quits, n stays (:save NAME keeps them)" :
			 "Quit with unsaved tweaks on other tracks? y quits, n stays");
		c->pending |= VP_STATUS;
	} else {
		c->quit = 1;
	}
}

void set_monitor(struct console *c, int mon)
{
	c->mo.monitor = mon;
	if (mon == MON_PLATFORM)
		engine_set_platform_target(c->e, c->mo.platform_target);
	engine_set_monitor(c->e, (enum monitor)mon);
	c->pending |= VP_STATUS;
	double I = c->mo.master.valid ? c->mo.master.I : NAN;
	if (mon == MON_PLATFORM && isfinite(I))
		con_status(c, 0, "platform monitor: %.1f dB, as at %.0f LUFS", /* fits beside the right part */
			   I > c->mo.platform_target ? c->mo.platform_target - I : 0.0, c->mo.platform_target);
	else
		con_status(c, 0, "monitor: %s%s", monitor_names[mon], mon ? " (listening only, not rendered)" : "");
}

static const char *const band_names[MB_BANDS] = { "low", "mid", "high" };

/* A multiband band alone, for listening (never rendered or saved). */
void set_solo(struct console *c, int band)
{
	c->mo.mb_solo = band >= 0 && band < MB_BANDS ? band : -1;
	engine_set_mbcomp_solo(c->e, c->mo.mb_solo);
	c->pending |= VP_STRIPS | VP_STATUS;
	if (c->mo.mb_solo < 0)
		con_status(c, 0, "solo off: every band of the multiband");
	else
		con_status(c, 0, "solo %s band of the multiband%s (listening only, not rendered)",
			   band_names[band], c->mo.v[param_bypass(MOD_MBCOMP)] >= 0.5 ?
			   ": it is bypassed, b engages it" : "");
}

int solo_band_named(const char *name)
{
	for (int b = 0; b < MB_BANDS; b++)
		if (!strcmp(name, band_names[b]))
			return b;
	return !strcmp(name, "off") ? -1 : -2;
}

/* ---- tracks and the reference ---------------------------------------- */

/* The console's side of a track change, once the engine has track i
 * (loaded by switch_track, or followed on by itself in an album): the
 * old track keeps its settings and where it was left (old_pos), the new
 * one's come in. */
void enter_track(struct console *c, int i, double old_pos)
{
	char err[ERRLEN];
	struct track *t = &c->tracks[c->cur], *nt = &c->tracks[i];

	memcpy(t->v, c->mo.v, sizeof t->v);
	memcpy(t->saved_v, c->saved_v, sizeof t->saved_v);
	snprintf(t->preset, sizeof t->preset, "%s", c->mo.preset);
	t->pos_s = old_pos;
	c->cur = i;
	c->file = nt->path[0] ? nt->path : NULL;
	memcpy(c->mo.v, nt->v, sizeof c->mo.v);
	memcpy(c->saved_v, nt->saved_v, sizeof c->saved_v);
	snprintf(c->mo.preset, sizeof c->mo.preset, "%s", nt->preset);
	c->mo.track = i;
	c->un.last_edit_id = -1;
	c->mo.loop_a = c->mo.loop_b = 0;
	engine_set_loop(c->e, 0, 0);
	album_track_entered(c);
	engine_get_info(c->e, &c->mo.info);
	if (c->mo.ref_loaded && !c->mo.info.reference_usable && c->cli->reference) {
		/* A track at another rate: convert the reference again. */
		if (engine_load_reference(c->e, c->cli->reference, err, sizeof err) == ST_OK)
			engine_get_info(c->e, &c->mo.info);
		else
			logmsg(c, "reference: %s", err);
	}
	nt->dur_s = c->mo.info.duration_s;
	c->mo.have_meters = 0;
	played_reset(c);
	c->mo.hold_tp[0] = c->mo.hold_tp[1] = -INFINITY;
	c->mo.hold_gr[0] = c->mo.hold_gr[1] = 0;
	changed(c);
	c->pending |= VP_ALL;
	master_show(c);
}

/* Switch to track i: its own settings, at the same relative position.
 * The settings go to the engine first, so the old chain glides towards
 * them during the fade-out and the new one starts on them. */
void switch_track(struct console *c, int i)
{
	char err[ERRLEN];
	struct track *nt;
	int was = engine_transport(c->e);
	double frac = 0, dur = c->mo.info.duration_s;

	if (c->ntracks < 2) {
		con_status(c, 1, "one track only (open several files, or an album file)");
		return;
	}
	if (i < 0 || i >= c->ntracks) {
		con_status(c, 1, "no track %d (1 to %d)", i + 1, c->ntracks);
		return;
	}
	if (i == c->cur)
		return;
	/* Two switches before a meter frame of the new track came back
	 * (n n quickly): the position asked for the first time still holds. */
	if ((!c->mo.have_meters || c->now - c->switch_t < 0.5) && c->switch_frac >= 0)
		frac = c->switch_frac;
	else if (dur > 0)
		frac = fmin(fmax(con_position(c) / dur, 0), 1);
	c->switch_frac = frac;
	c->switch_t = c->now;
	nt = &c->tracks[i];
	for (int k = 0; k < P_COUNT; k++)
		if (nt->v[k] != c->mo.v[k])
			engine_set_param(c->e, k, nt->v[k]);
	if (engine_load(c->e, nt->path, err, sizeof err) != ST_OK) {
		for (int k = 0; k < P_COUNT; k++)
			engine_set_param(c->e, k, c->mo.v[k]);
		con_status(c, 1, "%s", err);
		return;
	}
	enter_track(c, i, con_position(c));
	if (frac > 0)
		engine_seek(c->e, frac * nt->dur_s, 0);
	if (was == TR_PLAYING)
		engine_play(c->e);
	con_status(c, 0, "track %d/%d: %s%s", i + 1, c->ntracks, c->ut[i].name,
	       c->mo.dirty ? " (its own tweaks)" : "");
}

void set_reference(struct console *c, int on)
{
	if (!c->mo.ref_loaded) {
		con_status(c, 1, "no reference: start with --reference FILE");
		return;
	}
	if (on && !c->mo.info.reference_usable) {
		con_status(c, 1, "the reference's sample rate differs from this track's: it cannot play");
		return;
	}
	if (on && c->mo.ab) {
		/* One comparison at a time: the reference replaces the dry mix. */
		c->mo.ab = 0;
		engine_set_ab(c->e, 0);
	}
	c->mo.ref_on = on;
	engine_set_reference(c->e, on);
	c->pending |= VP_TRACKS | VP_STATUS | VP_HEADER;
	if (c->mo.sweep.listen[0])
		/* The codec decode plays as decoded: no match to report. */
		con_status(c, 0, on ? "hearing the master's %s decode (r: the live master)" : "master (r: the %s decode)",
			   c->mo.sweep.listen);
	else if (on && isfinite(c->mo.info.reference_lufs))
		con_status(c, 0, "reference %s, %.1f LUFS (the louder one is turned down)",
		       c->mo.ref_name, c->mo.info.reference_lufs);
	else if (on)
		/* The engine matches only once the reference is measured. */
		con_status(c, 0, "reference %s, not matched yet: its loudness is being measured",
		       c->mo.ref_name);
	else
		con_status(c, 0, "master");
}
