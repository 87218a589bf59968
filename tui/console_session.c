/* Sessions: one file per track (audio/session.c keys them by file), so
 * each track's settings survive an SSH drop and come back with its file;
 * offered back at start, saved every few seconds and on a signal. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/engine.h"
#include "audio/session.h"
#include "tui/console.h"

/* One session file per track (session.c keys them by file), so each
 * track's settings survive an SSH drop and come back with its file. */
static void fill_session(struct console *c, int i, struct session *s)
{
	const struct track *t = &c->tracks[i];

	memset(s, 0, sizeof *s);
	snprintf(s->file, sizeof s->file, "%s", t->path);
	if (i == c->cur) {
		s->position_s = c->mo.have_meters ? c->mo.m.pos_s : 0;
		s->loop_a = c->mo.loop_a;
		s->loop_b = c->mo.loop_b;
		snprintf(s->preset, sizeof s->preset, "%s", c->mo.preset);
	} else {
		s->position_s = t->pos_s;
		snprintf(s->preset, sizeof s->preset, "%s", t->preset);
	}
	memcpy(s->v, track_v(c, i), sizeof s->v);
	s->saved_at = time(NULL);
}

/* The current track always (its position moves), the others when their
 * settings changed since their last save. */
int save_session(struct console *c)
{
	struct session s;
	char err[ERRLEN];
	int st = ST_OK;

	for (int i = 0; i < c->ntracks; i++) {
		if (i != c->cur && !c->tracks[i].session_dirty)
			continue;
		/* A session offered back and not yet answered holds more than
		 * the screen (the settings the console started with): saving
		 * now would replace the tweaks with less.  It stays on disk as
		 * it is until the answer. */
		if (c->tracks[i].restore)
			continue;
		fill_session(c, i, &s);
		int r = session_save(&s, err, sizeof err);
		if (r != ST_OK) {
			logmsg(c, "session not saved: %s", err);
			st = r;
		} else {
			c->tracks[i].session_dirty = 0;
		}
	}
	if (st == ST_OK)
		c->saved_seq = c->change_seq;
	c->last_autosave = c->now;
	return st;
}

void drop_restore(struct console *c)
{
	for (int i = 0; i < c->ntracks; i++) {
		free(c->tracks[i].restore);
		c->tracks[i].restore = NULL;
	}
}

/* Every track's session back, as one undo step. */
void restore_session(struct console *c)
{
	unsigned g = ++c->un.group;
	int n = 0;

	for (int i = 0; i < c->ntracks; i++) {
		struct session *s = c->tracks[i].restore;
		if (!s)
			continue;
		n++;
		if (params_differ(s->v, track_v(c, i))) {
			push_undo_track(c, i, g);
			put_track_v(c, i, s->v);
		}
		if (i != c->cur) {
			snprintf(c->tracks[i].preset, sizeof c->tracks[i].preset, "%.63s", s->preset);
			c->tracks[i].pos_s = s->position_s;
			continue;
		}
		snprintf(c->mo.preset, sizeof c->mo.preset, "%.63s", s->preset);
		if (s->loop_b > s->loop_a) {
			c->mo.loop_a = s->loop_a;
			c->mo.loop_b = s->loop_b;
			engine_set_loop(c->e, s->loop_a, s->loop_b);
		}
		if (s->position_s > 0)
			engine_seek(c->e, s->position_s, 0);
	}
	c->un.last_edit_id = -1;
	changed(c);
	drop_restore(c);
	if (n > 1)
		con_status(c, 0, "sessions of %d tracks restored", n);
	else
		con_status(c, 0, "session restored");
	c->pending |= VP_ALL;
}

void offer_restore(struct console *c)
{
	char err[ERRLEN], when[32];
	int n = 0, found = 0;
	time_t newest = 0;
	const struct session *one = NULL;

	for (int t = 0; t < c->ntracks; t++) {
		struct session *s = malloc(sizeof *s);
		const double *v = track_v(c, t);
		int k = 0;
		if (!s)
			break;
		if (session_load(c->tracks[t].path, s, err, sizeof err) != ST_OK) {
			free(s);
			continue;
		}
		for (int i = 0; i < P_COUNT; i++)
			k += fabs(s->v[i] - v[i]) > 1e-9;
		if (k == 0 && (t != 0 || s->position_s < 1)) {
			free(s);
			continue;
		}
		c->tracks[t].restore = s;
		one = s;
		found++;
		n += k;
		if (s->saved_at > newest)
			newest = s->saved_at;
	}
	if (!found)
		return;
	strftime(when, sizeof when, "%b %d %H:%M", localtime(&newest));
	c->prompt = PR_RESTORE;
	if (n == 0)
		/* Only where it was left: say that, not "0 changes". */
		snprintf(c->mo.prompt, sizeof c->mo.prompt,
			 "Resume where you left off (%d:%02d, %s)? y/n (settings are as saved)",
			 (int)one->position_s / 60, (int)one->position_s % 60, when);
	else if (c->ntracks == 1)
		snprintf(c->mo.prompt, sizeof c->mo.prompt,
			 "Restore the session of %s (%d change%s, at %d:%02d)? y/n",
			 when, n, n == 1 ? "" : "s", (int)one->position_s / 60,
			 (int)one->position_s % 60);
	else
		snprintf(c->mo.prompt, sizeof c->mo.prompt,
			 "Restore the sessions of %s: %d track%s, %d change%s? y/n",
			 when, found, found == 1 ? "" : "s", n, n == 1 ? "" : "s");
}
