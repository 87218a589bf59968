/* The playback engine's control side: open, load, close, the transport
 * commands, settings and readings.  See engine.h for the API and
 * engine_state.h for the threads. */
#include "engine_state.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "dsp/chain.h"
#include "loudmeter.h"
#include "dsp/monitor.h"
#include "reader.h"
#include "source.h"
#include "status.h"

/* ---- control thread -------------------------------------------------- */

void eng_wake(struct engine *e)
{
	sem_post(&e->wake);
}

static void send(struct engine *e, int type, double v)
{
	struct cmd c = { type, v };

	/* 256 commands pending means nobody is listening: drop the newest. */
	if (spsc_push(&e->cmds, &c) == 0)
		eng_wake(e);
}

void eng_park(struct engine *e)
{
	if (!e->thread_ok)
		return;
	atomic_store_explicit(&e->park_req, 1, memory_order_release);
	eng_wake(e);
	while (!atomic_load_explicit(&e->parked, memory_order_acquire))
		sleep_ms(1);
}

void eng_unpark(struct engine *e)
{
	if (!e->thread_ok)
		return;
	atomic_store_explicit(&e->park_req, 0, memory_order_release);
	eng_wake(e);
	while (atomic_load_explicit(&e->parked, memory_order_acquire))
		sleep_ms(1);
}

void eng_next_free(struct eng_next *n)
{
	if (!n)
		return;
	reader_free(n->rd);
	source_close(n->src);
	free(n);
}

/* What was queued to follow, and what the last follow left: the audio
 * thread is parked or gone. */
static void drop_next(struct engine *e)
{
	eng_next_free(atomic_exchange(&e->next, NULL));
	eng_next_free(atomic_exchange(&e->retired, NULL));
}

static void unload(struct engine *e)
{
	reader_free(e->rd);
	source_close(e->src);
	chain_free(e->chain);
	loudmeter_free(e->lm);
	monitor_free(e->mon_st);
	float **bufs[] = { &e->dry_dly.l, &e->dry_dly.r, &e->bufL, &e->bufR, &e->dryL,
			   &e->dryR, &e->out, &e->wet_i, &e->dry_i,
			   &e->refL, &e->refR, &e->ref_dly.l, &e->ref_dly.r };
	for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
		free(*bufs[i]);
		*bufs[i] = NULL;
	}
	e->rd = NULL;
	e->src = NULL;
	e->chain = NULL;
	e->lm = NULL;
	e->mon_st = NULL;
}

int engine_open(struct engine **out, const struct engine_opts *o,
		char *err, int errlen)
{
	struct engine *e = calloc(1, sizeof *e);
	const char *name = o && o->device ? o->device : "default";
	int explicit_dev = o && o->explicit_device;
	char why[512];

	*out = NULL;
	if (!e) {
		snprintf(err, (size_t)errlen, "out of memory");
		return ST_DEVICE;
	}
	if (o)
		e->opts = *o;
	e->latency_ms = o && o->latency_ms > 0 ? o->latency_ms : DEFAULT_LATENCY_MS;
	if (device_alsa_open(&e->dev, name, why, sizeof why) == 0 &&
	    e->dev->ops->configure(e->dev, FIRST_RATE, e->latency_ms) != 0) {
		snprintf(why, sizeof why, "%s", e->dev->err);
		e->dev->ops->close(e->dev);
		e->dev = NULL;
	}
	if (!e->dev) {
		if (explicit_dev) {
			snprintf(err, (size_t)errlen, "%s", why);
			free(e);
			return ST_DEVICE;
		}
		if (device_null_open(&e->dev, err, errlen) != 0) {
			free(e);
			return ST_DEVICE;
		}
		e->dev->ops->configure(e->dev, FIRST_RATE, e->latency_ms);
		e->silent = 1;
	}
	e->rate = e->dev->rate;
	if (spsc_init(&e->cmds, 256, sizeof(struct cmd)) != 0 ||
	    tbuf_init(&e->meters, sizeof(struct engine_meters)) != 0 ||
	    sem_init(&e->wake, 0, 0) != 0) {
		snprintf(err, (size_t)errlen, "out of memory");
		spsc_free(&e->cmds);
		tbuf_free(&e->meters);
		e->dev->ops->close(e->dev);
		free(e);
		return ST_DEVICE;
	}
	params_defaults(e->pctl);
	for (int i = 0; i < P_COUNT; i++)
		atomic_init(&e->pv[i], e->pctl[i]);
	atomic_init(&e->pdirty, 1);
	atomic_init(&e->mb_solo, -1);
	atomic_init(&e->platform_target, -14.0);
	atomic_init(&e->master_lufs, NAN);
	atomic_init(&e->ref_lufs, NAN);
	atomic_init(&e->transport, TR_STOPPED);
	e->p.transport = TR_STOPPED;
	e->p.tail = -1;
	if (pthread_create(&e->thread, NULL, eng_audio_start, e) != 0) {
		snprintf(err, (size_t)errlen, "cannot start the audio thread");
		engine_close(e);
		return ST_DEVICE;
	}
	e->thread_ok = 1;
	*out = e;
	return ST_OK;
}

int engine_load_source(struct engine *e, struct source *s, char *err, int errlen)
{
	unsigned rate = (unsigned)source_rate(s);

	/* Stop with a fade before the swap, if something plays. */
	if (atomic_load(&e->transport) == TR_PLAYING) {
		engine_stop(e);
		for (int i = 0; i < 200 && atomic_load(&e->transport) == TR_PLAYING; i++)
			sleep_ms(1);
	}
	eng_park(e);
	drop_next(e);
	unload(e);
	atomic_store(&e->fade_in_s, 0.0);
	atomic_store(&e->fade_out_s, 0.0);
	/* A device lost mid-play gets one more chance with the next file. */
	int lost = atomic_exchange(&e->lost, 0);
	atomic_store(&e->failed, 0);
	if ((rate != e->dev->rate || lost) &&
	    e->dev->ops->configure(e->dev, rate, e->latency_ms) != 0) {
		snprintf(err, (size_t)errlen, "%s", e->dev->err);
		source_close(s);
		eng_unpark(e);
		return ST_DEVICE;
	}
	e->rate = e->dev->rate;
	e->blk = (int)e->dev->period;
	e->src = s;
	e->frames = source_frames(s);
	snprintf(e->source_name, sizeof e->source_name, "%s", source_name(s));
	e->chain = chain_new(rate);
	e->lm = loudmeter_new(rate);
	e->mon_st = monitor_new(rate);
	if (e->chain) {
		for (int i = 0; i < P_COUNT; i++)
			chain_set(e->chain, i, e->pctl[i]);
		/* Later glides are fitted off the audio thread (chain.h). */
		chain_start_designer(e->chain);
		chain_enable_meters(e->chain, 1);
		e->lat = chain_latency(e->chain);
	}
	size_t nb = (size_t)e->blk;
	e->dry_dly = (struct delay2){ calloc((size_t)e->lat + 1, sizeof(float)),
				      calloc((size_t)e->lat + 1, sizeof(float)), e->lat, 0 };
	e->bufL = malloc(nb * sizeof(float));
	e->bufR = malloc(nb * sizeof(float));
	e->dryL = malloc(nb * sizeof(float));
	e->dryR = malloc(nb * sizeof(float));
	e->out = malloc(nb * 2 * sizeof(float));
	e->wet_i = malloc(nb * 2 * sizeof(float));
	e->dry_i = malloc(nb * 2 * sizeof(float));
	e->refL = calloc(nb, sizeof(float));
	e->refR = calloc(nb, sizeof(float));
	e->ref_dly = (struct delay2){ calloc((size_t)e->lat + 1, sizeof(float)),
				      calloc((size_t)e->lat + 1, sizeof(float)), e->lat, 0 };
	e->src_rate = rate;
	/* Through a plain pointer: clang refuses '!' on an _Atomic one. */
	struct reader *rd = reader_new(s);
	atomic_store(&e->rd, rd);
	if (!e->chain || !e->lm || !e->mon_st || !e->dry_dly.l || !e->dry_dly.r || !e->bufL ||
	    !e->bufR || !e->dryL || !e->dryR || !e->out || !e->wet_i || !e->dry_i ||
	    !e->refL || !e->refR || !e->ref_dly.l || !e->ref_dly.r || !rd) {
		snprintf(err, (size_t)errlen, "%s: out of memory", source_name(s));
		unload(e);
		eng_unpark(e);
		return ST_INPUT;
	}
	float gm = e->p.gm_t, gr = e->p.gr_t;
	memset(&e->p, 0, sizeof e->p);
	e->p.tail = -1;
	e->p.fresh = 1;
	ref_reset_play(e, gm, gr);
	e->p.transport = TR_STOPPED;
	atomic_store(&e->transport, TR_STOPPED);
	atomic_store(&e->frames_written, 0);
	atomic_store(&e->first_write_ns, 0);
	atomic_store(&e->cpu_ns, 0);
	atomic_store(&e->work_ns, 0);
	atomic_store(&e->end_frame, 0);
	/* From the call of engine_load when it came through there: the time
	 * to the first sample includes opening the file. */
	e->load_ns = e->load_call_ns ? e->load_call_ns : now_ns(CLOCK_MONOTONIC);
	e->load_call_ns = 0;
	atomic_store(&e->pdirty, 1);
	eng_unpark(e);
	ref_follow_rate(e);
	return ST_OK;
}

int engine_load(struct engine *e, const char *path, char *err, int errlen)
{
	struct source *s;
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	int rc = source_open(&s, path, err, errlen);

	if (rc != ST_OK)
		return rc;
	e->load_call_ns = t0;
	return engine_load_source(e, s, err, errlen);
}

void engine_close(struct engine *e)
{
	if (!e)
		return;
	if (e->thread_ok) {
		if (atomic_load(&e->transport) == TR_PLAYING) {
			engine_stop(e);
			for (int i = 0; i < 200 && atomic_load(&e->transport) == TR_PLAYING; i++)
				sleep_ms(1);
		}
		atomic_store(&e->quit, 1);
		eng_wake(e);
		pthread_join(e->thread, NULL);
	}
	drop_next(e);
	unload(e);
	ref_unload(e);
	if (e->dev)
		e->dev->ops->close(e->dev);
	spsc_free(&e->cmds);
	tbuf_free(&e->meters);
	eng_tap_free(e);
	sem_destroy(&e->wake);
	free(e);
}

void engine_play(struct engine *e) { send(e, C_PLAY, 0); }
void engine_pause(struct engine *e) { send(e, C_PAUSE, 0); }
void engine_toggle(struct engine *e) { send(e, C_TOGGLE, 0); }
void engine_stop(struct engine *e) { send(e, C_STOP, 0); }

void engine_seek(struct engine *e, double seconds, int relative)
{
	send(e, relative ? C_SEEK_REL : C_SEEK, seconds);
}

void engine_set_loop(struct engine *e, double a_s, double b_s)
{
	int64_t a = (int64_t)llround(a_s * e->rate), b = (int64_t)llround(b_s * e->rate);

	if (a < 0)
		a = 0;
	if (b > e->frames)
		b = e->frames;
	if (b - a < (int64_t)(MIN_LOOP_MS * 1e-3 * e->rate))
		a = b = 0;
	/* b first when turning on, so the audio thread never sees a new a
	 * with an old, possibly smaller, b as a valid region the wrong way
	 * round; either order only ever yields "off" or the new region. */
	atomic_store(&e->loop_b, 0);
	atomic_store(&e->loop_a, a);
	atomic_store(&e->loop_b, b);
	if (e->rd)
		reader_set_loop(e->rd, a, b);
}

void engine_set_fades(struct engine *e, double in_s, double out_s)
{
	atomic_store(&e->fade_in_s, in_s > 0 ? in_s : 0.0);
	atomic_store(&e->fade_out_s, out_s > 0 ? out_s : 0.0);
}

/* The file is opened and its decoder started here, on the control
 * thread, so that when the loaded track ends the audio thread only swaps
 * pointers.  A queued track of the same file only takes the new
 * settings (no reopening). */
int engine_queue_next(struct engine *e, const char *path, const struct engine_next *o,
		      char *err, int errlen)
{
	struct eng_next *n = atomic_exchange(&e->next, NULL);

	if (n && path && strcmp(n->path, path) == 0) {
		/* Back from the audio thread's reach: change it and return it. */
		memcpy(n->v, o->v, sizeof n->v);
		n->gap = (int64_t)llround(fmax(o->gap_s, 0) * e->rate);
		n->fade_in_s = o->fade_in_s;
		n->fade_out_s = o->fade_out_s;
		atomic_store(&e->next, n);
		return ST_OK;
	}
	eng_next_free(n);
	if (!path)
		return ST_OK;
	struct source *s;
	int rc = source_open(&s, path, err, errlen);
	if (rc != ST_OK)
		return rc;
	if ((unsigned)source_rate(s) != e->src_rate || !e->chain) {
		snprintf(err, (size_t)errlen, "%s: at %d Hz, not the playing track's %u Hz: it cannot follow without a break",
			 source_name(s), source_rate(s), e->src_rate);
		source_close(s);
		return ST_INPUT;
	}
	n = calloc(1, sizeof *n);
	if (!n || !(n->rd = reader_new(s))) {
		snprintf(err, (size_t)errlen, "%s: out of memory", source_name(s));
		free(n);
		source_close(s);
		return ST_INPUT;
	}
	n->src = s;
	snprintf(n->path, sizeof n->path, "%s", path);
	snprintf(n->name, sizeof n->name, "%s", source_name(s));
	n->frames = source_frames(s);
	memcpy(n->v, o->v, sizeof n->v);
	for (int i = 0; i < P_COUNT; i++)
		n->v[i] = param_clamp(i, n->v[i]);
	n->gap = (int64_t)llround(fmax(o->gap_s, 0) * e->rate);
	n->fade_in_s = o->fade_in_s;
	n->fade_out_s = o->fade_out_s;
	atomic_store(&e->next, n);
	return ST_OK;
}

int engine_poll_next(struct engine *e)
{
	struct eng_next *r = atomic_exchange(&e->retired, NULL);

	if (!r)
		return 0;
	/* The audio thread moved the new track in and left the old one here
	 * (name aside, which stays the new one's). */
	snprintf(e->source_name, sizeof e->source_name, "%s", r->name);
	for (int i = 0; i < P_COUNT; i++)
		e->pctl[i] = r->v[i];
	eng_next_free(r);
	return 1;
}

void engine_set_end(struct engine *e, double seconds)
{
	int64_t f = seconds > 0 ? (int64_t)llround(seconds * e->rate) : 0;

	atomic_store(&e->end_frame, f);
}

void engine_set_param(struct engine *e, int id, double v)
{
	if (id < 0 || id >= P_COUNT)
		return;
	v = param_clamp(id, v);
	e->pctl[id] = v;
	atomic_store_explicit(&e->pv[id], v, memory_order_relaxed);
	atomic_store_explicit(&e->pdirty, 1, memory_order_release);
	eng_wake(e);
}

double engine_get_param(const struct engine *e, int id)
{
	return id >= 0 && id < P_COUNT ? e->pctl[id] : 0;
}

void engine_set_ab(struct engine *e, int bypassed)
{
	atomic_store_explicit(&e->ab, !!bypassed, memory_order_relaxed);
}

void engine_set_mbcomp_solo(struct engine *e, int band)
{
	atomic_store_explicit(&e->mb_solo, band >= 0 && band < MB_BANDS ? band : -1,
			      memory_order_relaxed);
}

void engine_set_monitor(struct engine *e, enum monitor m)
{
	if (m >= 0 && m < MON_COUNT)
		atomic_store_explicit(&e->mon, (int)m, memory_order_relaxed);
}

void engine_set_platform_target(struct engine *e, double lufs)
{
	atomic_store_explicit(&e->platform_target, lufs, memory_order_relaxed);
}

void engine_set_master_lufs(struct engine *e, double lufs)
{
	atomic_store_explicit(&e->master_lufs, lufs, memory_order_relaxed);
}

int engine_read_meters(struct engine *e, struct engine_meters *m)
{
	tbuf_fetch(&e->meters);
	const struct engine_meters *f = tbuf_front(&e->meters);
	*m = *f;
	if (f->seq != 0 && f->seq == e->seq_seen)
		return 0;
	e->seq_seen = f->seq;
	return f->seq != 0;
}

void engine_get_info(struct engine *e, struct engine_info *i)
{
	memset(i, 0, sizeof *i);
	snprintf(i->device, sizeof i->device, "%s",
		 e->silent ? "no audio device: metering only" : e->dev->name);
	i->silent_sink = e->silent;
	i->rate = e->dev->rate;
	i->period_frames = e->dev->period;
	i->buffer_frames = e->dev->buffer;
	i->duration_s = e->rate ? (double)e->frames / e->rate : 0;
	snprintf(i->source, sizeof i->source, "%s", e->source_name);
	if (e->ref_rd) {
		snprintf(i->reference, sizeof i->reference, "%s", e->ref_name);
		i->reference_s = e->ref_rate ? (double)e->ref_frames / e->ref_rate : 0;
		i->reference_lufs = atomic_load(&e->ref_lufs);
		i->reference_measuring = atomic_load(&e->ref_measuring);
		i->reference_usable = e->ref_rate == e->src_rate;
	}
	if (atomic_load_explicit(&e->lost, memory_order_acquire))
		snprintf(i->error, sizeof i->error, "%s", e->lost_msg);
	else if (atomic_load_explicit(&e->failed, memory_order_acquire) && e->rd)
		snprintf(i->error, sizeof i->error, "%s", reader_error(e->rd));
}

int engine_transport(struct engine *e)
{
	return atomic_load_explicit(&e->transport, memory_order_acquire);
}

void engine_get_stats(struct engine *e, struct engine_stats *s)
{
	int64_t f = atomic_load(&e->first_write_ns);

	s->frames_written = atomic_load_explicit(&e->frames_written, memory_order_acquire);
	s->first_sample_ms = f ? (double)(f - e->load_ns) * 1e-6 : -1;
	s->latency_frames = e->lat;
	s->cpu_s = (double)atomic_load_explicit(&e->cpu_ns, memory_order_relaxed) * 1e-9;
	s->work_s = (double)atomic_load_explicit(&e->work_ns, memory_order_relaxed) * 1e-9;
}
