/* The reference track (engine_load_reference): load, fill, mix, match.
 *
 * It has a reader of its own, read in step with the track: for every frame
 * fed to the chain the reference gives the frame at the same position
 * (modulo its length; its reader loops over the whole file by itself),
 * delayed by the chain's latency like the dry signal, so both line up at
 * the output.  It is always decoded, heard or not, so switching to it
 * waits for nothing.  A switch is an equal-power crossfade (REF_FADE_MS):
 * master and reference are unrelated signals, so their powers add.  The
 * match: the reference's integrated loudness is measured once, on a thread
 * of its own after it is loaded (until then there is no match); the master's is the integrated loudness of the chain's output
 * since the settings last changed (loudmeter's since-mark measurement,
 * BS.1770-gated, live), so a tweak is compared fairly after a few seconds
 * instead of after the whole song.  The louder one is turned down by the
 * difference, gliding. */
#include "engine_state.h"

#include <ebur128.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "loudmeter.h"
#include "reader.h"
#include "source.h"
#include "status.h"

int ref_live(const struct engine *e)
{
	return e->ref_rd && e->refL && e->ref_rate == e->src_rate && !e->p.ref_dead;
}

/* The reference match: new gain targets from the newest loudness of the
 * master.  Returns the master's trim in dB. */
float ref_match(struct engine *e, const struct loud_readings *lr,
		struct engine_meters *m)
{
	struct play *p = &e->p;
	double ref_lufs = atomic_load_explicit(&e->ref_lufs, memory_order_relaxed);

	m->ref_on = p->ref_target;
	m->ref_lufs = (float)ref_lufs;
	m->master_lufs = -INFINITY;
	if (!ref_live(e) || atomic_load_explicit(&e->ref_unmatched, memory_order_relaxed)) {
		p->gm_t = p->gr_t = 1;
		return 0;
	}
	/* Since the last change of settings; while that has too little audio
	 * (the first 400 ms), the targets stay where they were. */
	double whole = atomic_load_explicit(&e->master_lufs, memory_order_relaxed);
	float master = isfinite(whole) ? (float)whole : lr->since_mark;
	if (isfinite(master) && isfinite(ref_lufs)) {
		float d = master - (float)ref_lufs;
		p->gm_t = d > 0 ? db_gain(-d) : 1.0f;
		p->gr_t = d < 0 ? db_gain(d) : 1.0f;
		m->master_lufs = master;
	}
	m->master_lufs_s = lr->since_mark_s;
	m->master_trim_db = to_db(p->gm_t);
	m->ref_trim_db = to_db(p->gr_t);
	return m->master_trim_db;
}
static void ref_advance(struct engine *e, int64_t n)
{
	e->p.ref_pos = (e->p.ref_pos + n) % e->p.ref_len;
}

/* n frames of the reference into refL/R, from ref_pos on.  What its
 * reader has not decoded yet (just after a seek) is silence, and the
 * position moves on regardless, so the reference never drifts from the
 * track: late chunks are skipped up to where it should be. */
void ref_fill(struct engine *e, int n)
{
	struct play *p = &e->p;
	int got = 0;

	while (got < n && !p->ref_dead) {
		const struct chunk *c;
		while ((c = reader_peek(e->ref_rd)) && c->gen != p->ref_gen) {
			reader_consume(e->ref_rd);
			p->ref_off = 0;
		}
		if (!c)
			break;
		if (c->flags) {
			reader_consume(e->ref_rd);
			p->ref_off = 0;
			if (c->flags & CHUNK_ERROR) {
				p->ref_dead = 1;
			} else {
				/* Shorter than it said: wrap from here. */
				p->ref_len = p->ref_pos > 0 ? p->ref_pos : p->ref_len;
				p->ref_pos = 0;
				p->ref_gen = reader_seek(e->ref_rd, 0);
			}
			break;
		}
		int64_t at = c->start + p->ref_off;
		if (at != p->ref_pos) {
			int64_t behind = p->ref_pos - at;
			if (behind > 0 && behind < c->n - p->ref_off) {
				p->ref_off += (int)behind;
			} else if (behind > 0 && c->start + c->n <= p->ref_pos) {
				reader_consume(e->ref_rd);
				p->ref_off = 0;
			} else {
				p->ref_gen = reader_seek(e->ref_rd, p->ref_pos);
				p->ref_off = 0;
				break;
			}
			continue;
		}
		int k = c->n - p->ref_off;
		if (k > n - got)
			k = n - got;
		const float *s = c->data + 2 * p->ref_off;
		for (int i = 0; i < k; i++) {
			float l = s[2 * i], r = s[2 * i + 1];
			/* Raw from the file, not through the chain's guards. */
			e->refL[got + i] = isfinite(l) ? fmaxf(-REF_MAX_SAMPLE, fminf(REF_MAX_SAMPLE, l)) : 0.0f;
			e->refR[got + i] = isfinite(r) ? fmaxf(-REF_MAX_SAMPLE, fminf(REF_MAX_SAMPLE, r)) : 0.0f;
		}
		got += k;
		p->ref_off += k;
		ref_advance(e, k);
		if (p->ref_off == c->n) {
			reader_consume(e->ref_rd);
			p->ref_off = 0;
		}
	}
	if (got < n) {
		memset(e->refL + got, 0, (size_t)(n - got) * sizeof *e->refL);
		memset(e->refR + got, 0, (size_t)(n - got) * sizeof *e->refR);
		ref_advance(e, n - got);
	}
}

/* Master or reference, at matched loudness, into wl/wr.  The crossfade
 * position x runs linearly; its raised cosine s drives cos/sin gains, so
 * the gain curves have no corner at either end. */
void ref_mix(struct engine *e, float *wl, float *wr, const float *rl,
	     const float *rr, int n)
{
	struct play *p = &e->p;
	float x = p->ref_x, xt = p->ref_target ? 1.0f : 0.0f;
	float step = (float)(1.0 / (REF_FADE_MS * 1e-3 * e->rate));
	float k = (float)(1.0 - exp(-1.0 / (REF_GAIN_MS * 1e-3 * e->rate)));
	float gm = p->gm, gr = p->gr;

	for (int i = 0; i < n; i++) {
		gm += (p->gm_t - gm) * k;
		gr += (p->gr_t - gr) * k;
		if (x != xt) {
			x += xt > x ? step : -step;
			x = x < 0 ? 0 : x > 1 ? 1 : x;
		}
		float a, b;
		if (x == 0) {
			a = 1;
			b = 0;
		} else if (x == 1) {
			a = 0;
			b = 1;
		} else {
			float sx = 0.5f - 0.5f * cosf((float)M_PI * x);
			a = cosf(0.5f * (float)M_PI * sx);
			b = sinf(0.5f * (float)M_PI * sx);
		}
		wl[i] = wl[i] * gm * a + rl[i] * gr * b;
		wr[i] = wr[i] * gm * a + rr[i] * gr * b;
	}
	p->ref_x = x;
	/* Snap when there: the glide never ends exactly by itself. */
	p->gm = fabsf(gm - p->gm_t) < 1e-6f ? p->gm_t : gm;
	p->gr = fabsf(gr - p->gr_t) < 1e-6f ? p->gr_t : gr;
}

/* The track moved to frame: the reference follows, modulo its length. */
void ref_relocate(struct engine *e, int64_t frame)
{
	struct play *p = &e->p;

	if (e->ref_rd && p->ref_len > 0) {
		p->ref_pos = frame % p->ref_len;
		p->ref_gen = reader_seek(e->ref_rd, p->ref_pos);
		p->ref_off = 0;
	}
}

/* Play state of the reference after a load: from the track's start, the
 * crossfade where the switch says (no fade across a load: nothing plays).
 * The match gains stay those of the track before until the new one is
 * measured (400 ms): tracks of one release are close in loudness, and a
 * louder reference must not blare meanwhile. */
void ref_reset_play(struct engine *e, float gm, float gr)
{
	struct play *p = &e->p;

	p->ref_target = atomic_load(&e->ref_on);
	p->ref_x = (float)p->ref_target;
	p->gm = p->gm_t = gm > 0 ? gm : 1;
	p->gr = p->gr_t = gr > 0 ? gr : 1;
	p->ref_dead = 0;
	p->ref_pos = 0;
	p->ref_off = 0;
	p->ref_len = e->ref_frames;
	if (e->ref_rd)
		p->ref_gen = reader_seek(e->ref_rd, 0);
}

/* ---- its loudness, measured beside the screen ------------------------ */

/* The whole file's integrated loudness (BS.1770 gating, as `lathe
 * analyze` measures it; a mono file weighted as one channel), read from a
 * source of its own.  A 2-hour file takes a minute or so: a thread of its
 * own, stopped between two 100 ms hops when the reference changes or the
 * engine closes.  NaN until done; -inf for a silent file. */
static void *measure_main(void *arg)
{
	struct engine *e = arg;
	struct source *s;
	char err[ERRLEN];
	double v = -INFINITY;

	if (source_open(&s, e->ref_path, err, sizeof err) != ST_OK) {
		atomic_store(&e->ref_measuring, 0);
		return NULL;
	}
	int hop = source_rate(s) / 10;
	float *buf = malloc((size_t)hop * 2 * sizeof *buf);
	ebur128_state *st = ebur128_init(2, (unsigned long)source_rate(s), EBUR128_MODE_I);
	int64_t n = 0;
	if (buf && st) {
		if (source_channels(s) == 1) {
			ebur128_set_channel(st, 0, EBUR128_LEFT);
			ebur128_set_channel(st, 1, EBUR128_UNUSED);
		}
		while (!atomic_load_explicit(&e->ref_meas_stop, memory_order_relaxed) &&
		       (n = source_read(s, buf, hop)) > 0) {
			for (int64_t k = 0; k < 2 * n; k++)
				if (!isfinite(buf[k]))
					buf[k] = 0;
			ebur128_add_frames_float(st, buf, (size_t)n);
		}
		if (n == 0 && ebur128_loudness_global(st, &v) == EBUR128_SUCCESS &&
		    (!isfinite(v) || v < -70))
			v = -INFINITY;
	}
	/* Stopped or failed: no figure, the match stays off. */
	if (n == 0 && buf && st)
		atomic_store(&e->ref_lufs, v);
	atomic_store(&e->ref_measuring, 0);
	if (st)
		ebur128_destroy(&st);
	free(buf);
	source_close(s);
	return NULL;
}

static void measure_stop(struct engine *e)
{
	if (!e->ref_meas_ok)
		return;
	atomic_store(&e->ref_meas_stop, 1);
	pthread_join(e->ref_meas, NULL);
	e->ref_meas_ok = 0;
	atomic_store(&e->ref_measuring, 0);
}

void ref_unload(struct engine *e)
{
	measure_stop(e);
	reader_free(e->ref_rd);
	source_close(e->ref_src);
	e->ref_rd = NULL;
	e->ref_src = NULL;
}

/* ---- loading ----------------------------------------------------------- */

/* path opened, at rate (converted as it is read when the file's differs),
 * with a reader looping over the whole of it. */
static int open_ref(const char *path, unsigned rate, struct source **out,
		    struct reader **rd, char *err, int errlen)
{
	struct source *s;
	int st = source_open(&s, path, err, errlen);

	if (st != ST_OK)
		return st;
	/* A reference at another rate (a CD-rate master against a 48 or
	 * 96 kHz mix, say) is converted as it is decoded, on its reader's
	 * thread: no length limit, nothing held in memory. */
	if (rate && (unsigned)source_rate(s) != rate &&
	    (st = source_convert(s, (int)rate, &s, err, errlen)) != ST_OK)
		return st;
	*rd = reader_new(s);
	if (!*rd) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		source_close(s);
		return ST_INPUT;
	}
	reader_set_loop(*rd, 0, source_frames(s));
	*out = s;
	return ST_OK;
}

static int load_ref(struct engine *e, const char *path, int unmatched, char *err, int errlen)
{
	struct source *s;
	struct reader *rd;
	int same = e->ref_rd && !strcmp(path, e->ref_path);
	int st = open_ref(path, e->src_rate, &s, &rd, err, errlen);

	if (st != ST_OK)
		return st;
	/* The same file again (the track changed rate): its loudness is
	 * known, or still being measured. */
	if (!same)
		measure_stop(e);
	eng_park(e);
	reader_free(e->ref_rd);
	source_close(e->ref_src);
	e->ref_src = s;
	e->ref_rd = rd;
	e->ref_frames = source_frames(s);
	e->ref_rate = (unsigned)source_rate(s);
	snprintf(e->ref_name, sizeof e->ref_name, "%s", source_name(s));
	/* In step with the track from where it is now. */
	e->p.ref_dead = 0;
	e->p.ref_len = e->ref_frames;
	e->p.ref_pos = e->p.in_pos % e->ref_frames;
	e->p.ref_gen = reader_seek(rd, e->p.ref_pos);
	e->p.ref_off = 0;
	atomic_store(&e->ref_unmatched, unmatched);
	if (!same) {
		e->p.gm = e->p.gr = e->p.gm_t = e->p.gr_t = 1;
		atomic_store(&e->ref_lufs, NAN);
	}
	eng_unpark(e);
	if (same)
		return ST_OK;
	snprintf(e->ref_path, sizeof e->ref_path, "%s", path);
	atomic_store(&e->ref_meas_stop, 0);
	atomic_store(&e->ref_measuring, 1);
	e->ref_meas_ok = pthread_create(&e->ref_meas, NULL, measure_main, e) == 0;
	if (!e->ref_meas_ok)
		atomic_store(&e->ref_measuring, 0);
	return ST_OK;
}

int engine_load_reference(struct engine *e, const char *path, char *err, int errlen)
{
	return load_ref(e, path, 0, err, errlen);
}

int engine_load_decode(struct engine *e, const char *path, char *err, int errlen)
{
	return load_ref(e, path, 1, err, errlen);
}

void engine_drop_reference(struct engine *e)
{
	atomic_store(&e->ref_on, 0);
	eng_park(e);
	ref_unload(e);
	e->ref_path[0] = 0;
	e->p.ref_dead = 0;
	e->p.gm = e->p.gr = e->p.gm_t = e->p.gr_t = 1;
	e->p.ref_target = 0;
	e->p.ref_x = 0;
	atomic_store(&e->ref_unmatched, 0);
	atomic_store(&e->ref_lufs, NAN);
	eng_unpark(e);
}

/* After a track load at another rate: the reference follows it, from its
 * own file again, converted to the new rate. */
void ref_follow_rate(struct engine *e)
{
	char err[ERRLEN];

	if (e->ref_rd && e->ref_rate != e->src_rate)
		load_ref(e, e->ref_path, atomic_load(&e->ref_unmatched), err, sizeof err);
}

void engine_set_reference(struct engine *e, int on)
{
	atomic_store_explicit(&e->ref_on, !!on, memory_order_relaxed);
	eng_wake(e);
}
