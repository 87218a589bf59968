/* Albums in the console: when the playing track of an album file ends,
 * the next one follows, after its `gap` of silence, as in the continuous
 * file; a loop keeps a track from ending, so a looped track still loops.
 * The engine does the switch on the audio thread by itself (engine.h,
 * engine_queue_next): the next track is queued here ahead of the end,
 * its file opened and its decoder filling, and queued again whenever its
 * settings change, so it starts on the settings it would render with.
 * Its fades are heard as rendered (engine_set_fades). */
#include <stdio.h>
#include <string.h>

#include "audio/engine.h"
#include "audio/status.h"
#include "tui/console.h"

void album_track_entered(struct console *c)
{
	const struct album_track *at = c->have_album ? &c->album.tracks[c->cur] : NULL;

	if (!c->e)
		return;
	engine_set_fades(c->e, at ? at->fade_in_s : 0, at ? at->fade_out_s : 0);
	c->fol.track = -1;   /* a load or a follow leaves nothing queued */
}

static void queue_next(struct console *c, int i)
{
	char err[ERRLEN];
	struct engine_next o;
	const struct album_track *at = &c->album.tracks[i];

	memcpy(o.v, track_v(c, i), sizeof o.v);
	o.gap_s = at->gap_s;
	o.fade_in_s = at->fade_in_s;
	o.fade_out_s = at->fade_out_s;
	c->fol.track = i;
	c->fol.gen = c->tracks[i].gen;
	if (engine_queue_next(c->e, c->tracks[i].path, &o, err, sizeof err) != ST_OK) {
		/* Tried once per change: the track ends in a stop instead. */
		c->fol.track = -2;
		logmsg(c, "album: track %d cannot follow: %s", i + 1, err);
		con_status(c, 1, "track %d cannot follow on: %s", i + 1, err);
	}
}

void album_tick(struct console *c)
{
	if (!c->have_album || !c->e)
		return;
	if (engine_poll_next(c->e) && c->fol.track >= 0) {
		int i = c->fol.track;
		double gap = c->album.tracks[i].gap_s;
		enter_track(c, i, 0);
		/* The engine switched on the settings it was given; a tweak in
		 * the moment of the switch went to the old track here. */
		for (int k = 0; k < P_COUNT; k++)
			engine_set_param(c->e, k, c->mo.v[k]);
		c->switch_frac = -1;
		if (gap > 0)
			con_status(c, 0, "track %d/%d: %s, after its %.1f s gap", i + 1, c->ntracks,
				   c->ut[i].name, gap);
		else
			con_status(c, 0, "track %d/%d: %s", i + 1, c->ntracks, c->ut[i].name);
	}
	int want = c->cur + 1 < c->ntracks ? c->cur + 1 : -1;
	if (want < 0 || c->fol.track == -2 ||
	    (want == c->fol.track && c->tracks[want].gen == c->fol.gen))
		return;
	queue_next(c, want);
}
