/* The engine's audio thread: the play state machine (see engine_state.h
 * for the threads and what each may do).
 *
 * What is heard is what is rendered: a play from frame 0 starts from a
 * fresh chain (chain_reset, like render_file), drops the first
 * chain_latency() output frames and feeds as many zeros at the end, so a
 * file PCM captures exactly the samples of `lathe render --bits 32f`.
 * That start is therefore not faded in (the render is not either); every
 * other start, stop, pause, seek and loop wrap is a FADE_MS ramp. */
#include "engine_state.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "dsp/chain.h"
#include "fade.h"
#include "loudmeter.h"
#include "dsp/monitor.h"
#include "reader.h"

static void wait_wake(struct engine *e, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ms * 1000000L;
	while (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (sem_timedwait(&e->wake, &ts) != 0 && errno == EINTR)
		;
}

/* ---- audio thread ---------------------------------------------------- */

/* Delay l/r by the line's length in place: each sample goes in, the one
 * that went in len frames ago comes out. */
static void delay2_run(struct delay2 *d, float *l, float *r, int n)
{
	if (d->len == 0)
		return;
	for (int i = 0; i < n; i++) {
		float a = d->l[d->pos], b = d->r[d->pos];
		d->l[d->pos] = l[i];
		d->r[d->pos] = r[i];
		l[i] = a;
		r[i] = b;
		if (++d->pos == d->len)
			d->pos = 0;
	}
}

static void delay2_clear(struct delay2 *d)
{
	memset(d->l, 0, (size_t)(d->len + 1) * sizeof *d->l);
	memset(d->r, 0, (size_t)(d->len + 1) * sizeof *d->r);
	d->pos = 0;
}

static void set_transport(struct engine *e, int t)
{
	e->p.transport = t;
	atomic_store_explicit(&e->transport, t, memory_order_release);
}
static void publish(struct engine *e, double dt)
{
	struct play *p = &e->p;
	struct engine_meters *m = tbuf_back(&e->meters);

	memset(m, 0, sizeof *m);
	m->seq = ++e->meter_seq;
	m->transport = p->transport;
	m->underruns = atomic_load_explicit(&e->underruns, memory_order_relaxed);
	if (e->chain) {
		long d = p->run && e->dev ? e->dev->ops->delay(e->dev) : 0;
		int64_t heard = p->out_pos - d;
		m->pos_s = heard > 0 ? (double)heard / e->rate : 0;
		struct chain_meters cm;
		chain_read_meters(e->chain, &cm);
		float tpmax = 0;
		for (int c = 0; c < 2; c++) {
			m->peak_db[c] = to_db(cm.peak[c]);
			m->true_peak_db[c] = to_db(cm.true_peak[c]);
			if (cm.true_peak[c] > tpmax)
				tpmax = cm.true_peak[c];
		}
		if (tpmax > p->max_tp)
			p->max_tp = tpmax;
		m->max_true_peak_db = to_db(p->max_tp);
		m->comp_gr_db = cm.comp_gr_db;
		m->limiter_gr_db = cm.limiter_gr_db;
		for (int b = 0; b < MB_BANDS; b++)
			m->mbcomp_gr_db[b] = cm.mbcomp_gr_db[b];
		struct loud_readings lr;
		loudmeter_read(e->lm, dt, &lr);
		m->momentary_lufs = lr.momentary;
		m->short_term_lufs = lr.short_term;
		m->integrated_lufs = lr.integrated;
		m->lra_lu = lr.lra;
		m->ab_offset_db = lr.ab_offset_db;
		float trim = ref_match(e, &lr, m);
		/* The dry signal of A/B matches the master as heard. */
		monitor_set_ab_gain_db(e->mon_st, lr.ab_offset_db + trim);
		/* Streaming services turn loud masters down, never quiet ones up. */
		double tgt = atomic_load_explicit(&e->platform_target, memory_order_relaxed);
		double whole = atomic_load_explicit(&e->master_lufs, memory_order_relaxed);
		float ref = isfinite(whole) ? (float)whole :
			    isfinite(lr.integrated) ? lr.integrated : lr.short_term;
		monitor_set_platform_gain_db(e->mon_st,
			isfinite(ref) && ref > tgt ? (float)(tgt - ref) : 0.0f);
	}
	int64_t cpu_ns = now_ns(CLOCK_THREAD_CPUTIME_ID);
	double cpu = (double)cpu_ns * 1e-9;
	atomic_store_explicit(&e->cpu_ns, cpu_ns - e->cpu_start, memory_order_relaxed);
	if (dt > 0)
		m->cpu = (float)((cpu - p->cpu0) / dt);
	p->cpu0 = cpu;
	tbuf_publish(&e->meters);
}

static void sync_controls(struct engine *e)
{
	if (atomic_exchange_explicit(&e->pdirty, 0, memory_order_acquire)) {
		for (int i = 0; i < P_COUNT; i++)
			chain_set(e->chain, i, atomic_load_explicit(&e->pv[i], memory_order_relaxed));
		/* New settings: the master's loudness for the reference match
		 * is measured afresh. */
		loudmeter_mark(e->lm);
	}
	e->p.ref_target = atomic_load_explicit(&e->ref_on, memory_order_relaxed);
	chain_set_mbcomp_solo(e->chain, atomic_load_explicit(&e->mb_solo, memory_order_relaxed));
	monitor_set_ab(e->mon_st, atomic_load_explicit(&e->ab, memory_order_relaxed));
	monitor_set_mode(e->mon_st, (enum monitor)atomic_load_explicit(&e->mon, memory_order_relaxed));
}

static int fade_frames(const struct engine *e)
{
	return (int)(FADE_MS * 1e-3 * e->rate);
}

static void fade_out(struct engine *e, int action, int64_t frame, int frames)
{
	struct play *p = &e->p;

	p->fade_target = 0;
	p->fade_step = 1.0f / (float)(frames > 0 ? frames : 1);
	p->action = action;
	p->action_frame = frame;
	p->bound = INT64_MAX;
}

static void fade_in(struct engine *e)
{
	e->p.fade_target = 1;
	e->p.fade_step = 1.0f / (float)fade_frames(e);
}

/* Point the reader at frame; the chain restarts clean there. */
static void relocate(struct engine *e, int64_t frame, int ask_reader)
{
	struct play *p = &e->p;

	if (frame < 0)
		frame = 0;
	if (frame > e->frames)
		frame = e->frames;
	if (ask_reader) {
		p->gen = reader_seek(e->rd, frame);
		p->chunk_off = 0;
	}
	ref_relocate(e, frame);
	p->in_pos = p->out_pos = frame;
	p->fresh = 1;
	p->tail = -1;
	p->ended = 0;
	p->lead = 0;
}

/* Fresh chain state, as at the start of a render. */
static void restart_chain(struct engine *e)
{
	struct play *p = &e->p;

	chain_reset(e->chain);
	delay2_clear(&e->dry_dly);
	delay2_clear(&e->ref_dly);
	monitor_reset(e->mon_st);
	p->skip = e->lat;
	p->fresh = 0;
}

static void start(struct engine *e)
{
	struct play *p = &e->p;

	if (p->run) {
		/* Fading towards a pause or stop: turn round. */
		if (p->fade_target == 0 && (p->action == A_PAUSE || p->action == A_STOP)) {
			p->action = A_NONE;
			fade_in(e);
		}
		return;
	}
	if (p->fresh) {
		int at_start = p->in_pos == 0;
		restart_chain(e);
		p->max_tp = 0;
		p->fade = at_start ? 1.0f : 0.0f;
	} else {
		p->fade = 0;
	}
	fade_in(e);
	p->action = A_NONE;
	p->run = 1;
	set_transport(e, TR_PLAYING);
}

static void go_idle(struct engine *e, int transport)
{
	struct play *p = &e->p;

	if (p->dev_started)
		e->dev->ops->drain(e->dev);
	p->dev_started = 0;
	p->run = 0;
	p->waiting = 0;
	set_transport(e, transport);
}

static void do_command(struct engine *e, const struct cmd *c)
{
	struct play *p = &e->p;
	int playing = p->run && !(p->fade_target == 0 && (p->action == A_PAUSE || p->action == A_STOP));

	switch (c->type) {
	case C_TOGGLE:
		if (playing)
			goto pause;
		/* fall through */
	case C_PLAY:
		if (p->ended)
			break;
		p->error = 0;
		start(e);
		break;
	case C_PAUSE:
	pause:
		if (p->run)
			fade_out(e, A_PAUSE, 0, fade_frames(e));
		break;
	case C_STOP:
		if (p->run) {
			fade_out(e, A_STOP, 0, fade_frames(e));
		} else {
			relocate(e, 0, 1);
			set_transport(e, TR_STOPPED);
		}
		break;
	case C_SEEK:
	case C_SEEK_REL: {
		int64_t base = 0;
		if (c->type == C_SEEK_REL) {
			long d = p->run ? e->dev->ops->delay(e->dev) : 0;
			base = p->out_pos - d;
		}
		int64_t f = base + (int64_t)llround(c->value * e->rate);
		if (f < 0)
			f = 0;
		if (f > e->frames)
			f = e->frames;
		if (p->run)
			fade_out(e, A_SEEK, f, fade_frames(e));
		else
			relocate(e, f, 1);
		break;
	}
	}
}

/* The reader's next chunk of the expected generation, or NULL. */
static const struct chunk *next_chunk(struct engine *e)
{
	const struct chunk *c;

	while ((c = reader_peek(e->rd)) && c->gen != e->p.gen) {
		reader_consume(e->rd);
		e->p.chunk_off = 0;
	}
	return c;
}

static void finish_action(struct engine *e)
{
	struct play *p = &e->p;
	int a = p->action;

	p->action = A_NONE;
	switch (a) {
	case A_PAUSE:
		go_idle(e, TR_PAUSED);
		break;
	case A_STOP:
		go_idle(e, TR_STOPPED);
		relocate(e, 0, 1);
		break;
	case A_SEEK:
		relocate(e, p->action_frame, 1);
		restart_chain(e);
		p->waiting = 1;
		fade_in(e);
		break;
	case A_WRAP: {
		/* The reader wraps by itself; ask only when it has not. */
		const struct chunk *c = next_chunk(e);
		int ask = !(c && c->start + p->chunk_off == p->action_frame);
		relocate(e, p->action_frame, ask);
		restart_chain(e);
		p->waiting = 1;
		fade_in(e);
		break;
	}
	}
}

/* The input frame at which the next fade must start or the pending action
 * must happen (INT64_MAX: none); starts the fade of a loop wrap or of the
 * --seconds end when the input gets there. */
static int64_t next_boundary(struct engine *e)
{
	struct play *p = &e->p;
	int64_t a = atomic_load_explicit(&e->loop_a, memory_order_relaxed);
	int64_t b = atomic_load_explicit(&e->loop_b, memory_order_relaxed);
	int64_t end = atomic_load_explicit(&e->end_frame, memory_order_relaxed);
	int64_t lim = INT64_MAX, f = fade_frames(e);

	if (p->action != A_NONE)
		return p->bound;
	if (b > a && p->in_pos < b) {
		if (p->in_pos < b - f) {
			lim = b - f;
		} else {
			fade_out(e, A_WRAP, a, (int)(b - p->in_pos));
			return p->bound = b;
		}
	}
	if (end > 0 && p->out_pos < end) {
		/* --seconds: output frame end - 1 is the last, faded. */
		if (p->out_pos < end - f) {
			int64_t l = p->in_pos + (end - f - p->out_pos);
			lim = l < lim ? l : lim;
		} else {
			fade_out(e, A_STOP, 0, (int)(end - p->out_pos));
			return p->bound = p->in_pos + (end - p->out_pos);
		}
	}
	return lim;
}

/* The track has ended: an album's next track, queued by the control side
 * with its decoder already filling, takes its place by a swap of
 * pointers; the old one goes back through e->retired to be freed there.
 * It starts as a render does (fresh chain at its settings, latency
 * dropped), after its gap.  1: it follows; 0: nothing does; -1: wait,
 * the last follow's leftovers are not collected yet. */
static int follow(struct engine *e)
{
	struct play *p = &e->p;
	struct eng_next *n;

	if (p->error || !atomic_load_explicit(&e->next, memory_order_relaxed))
		return 0;
	if (atomic_load_explicit(&e->retired, memory_order_acquire))
		return -1;
	n = atomic_exchange_explicit(&e->next, NULL, memory_order_acq_rel);
	if (!n)
		return 0;
	struct source *s = e->src;
	struct reader *r = e->rd;
	int64_t f = e->frames;
	e->src = n->src;
	e->rd = n->rd;
	e->frames = n->frames;
	n->src = s;
	n->rd = r;
	n->frames = f;
	atomic_store_explicit(&e->loop_b, 0, memory_order_relaxed);
	atomic_store_explicit(&e->loop_a, 0, memory_order_relaxed);
	atomic_store_explicit(&e->fade_in_s, n->fade_in_s, memory_order_relaxed);
	atomic_store_explicit(&e->fade_out_s, n->fade_out_s, memory_order_relaxed);
	/* Its settings, also where sync_controls reads them. */
	for (int i = 0; i < P_COUNT; i++) {
		atomic_store_explicit(&e->pv[i], n->v[i], memory_order_relaxed);
		chain_set(e->chain, i, n->v[i]);
	}
	p->gen = 0;   /* a new reader starts at frame 0 under generation 0 */
	p->chunk_off = 0;
	relocate(e, 0, 0);
	restart_chain(e);
	loudmeter_mark(e->lm);
	p->max_tp = 0;
	p->lead = n->gap;
	atomic_store_explicit(&e->retired, n, memory_order_release);
	return 1;
}

/* Up to k frames of input into bufL/R: the tail's zeros after the end,
 * else the reader's next frames, stopping at lim.  Returns how many; -1
 * to stop for this turn (with *starved set when the reader has nothing
 * yet, without it once the tail is out), 0 when the state moved on (the
 * file ended or failed: the tail starts next turn). */
static int take_input(struct engine *e, int k, int64_t lim, int *starved)
{
	struct play *p = &e->p;

	if (p->tail >= 0) {
		if (p->tail == 0) {
			int f = follow(e);
			if (f > 0)
				return 0;
			if (f < 0) {
				/* Silence meanwhile (audio_main), as after a seek. */
				p->waiting = 1;
				*starved = 1;
				return -1;
			}
			p->ended = 1;
			return -1;
		}
		if (k > p->tail)
			k = p->tail;
		memset(e->bufL, 0, (size_t)k * sizeof *e->bufL);
		memset(e->bufR, 0, (size_t)k * sizeof *e->bufR);
		p->tail -= k;
		return k;
	}
	const struct chunk *c = next_chunk(e);
	if (!c) {
		*starved = 1;
		return -1;
	}
	if (c->flags) {
		if (c->flags & CHUNK_ERROR) {
			p->error = 1;
			atomic_store_explicit(&e->failed, 1, memory_order_release);
		}
		p->tail = e->lat;
		reader_consume(e->rd);
		p->chunk_off = 0;
		return 0;
	}
	if (c->start + p->chunk_off != p->in_pos) {
		/* The reader wrapped a loop that has since been turned off:
		 * fetch what should follow. */
		p->gen = reader_seek(e->rd, p->in_pos);
		p->chunk_off = 0;
		*starved = 1;
		return -1;
	}
	int avail = c->n - p->chunk_off;
	if (k > avail)
		k = avail;
	if (lim != INT64_MAX && p->in_pos + k > lim)
		k = (int)(lim - p->in_pos);
	if (k <= 0)
		k = 1; /* a boundary reached: fade or wrap next turn */
	const float *s = c->data + 2 * p->chunk_off;
	for (int i = 0; i < k; i++) {
		e->bufL[i] = s[2 * i];
		e->bufR[i] = s[2 * i + 1];
	}
	p->chunk_off += k;
	if (p->chunk_off == c->n) {
		reader_consume(e->rd);
		p->chunk_off = 0;
	}
	return k;
}

/* The transport fade on m interleaved output frames. */
static void apply_fade(struct play *p, float *o, int m)
{
	float g = p->fade, t = (float)p->fade_target;

	if (g == 1.0f && p->fade_target == 1)
		return;
	for (int i = 0; i < m; i++) {
		if (g != t) {
			g += t > g ? p->fade_step : -p->fade_step;
			g = g < 0 ? 0 : g > 1 ? 1 : g;
		}
		/* A raised-cosine of the linear ramp: no corner at either end. */
		float w = 0.5f - 0.5f * cosf((float)M_PI * g);
		o[2 * i] *= w;
		o[2 * i + 1] *= w;
	}
	p->fade = g;
}

/* An album track's fades on m output frames from output frame pos,
 * the arithmetic of fade_apply (the render's) on the planar buffers. */
static void album_fades(const struct engine *e, float *l, float *r, int64_t pos, int m)
{
	double in_s = atomic_load_explicit(&e->fade_in_s, memory_order_relaxed);
	double out_s = atomic_load_explicit(&e->fade_out_s, memory_order_relaxed);
	struct fade f;

	if (!(in_s > 0) && !(out_s > 0))
		return;
	fade_init(&f, (int)e->rate, e->frames, in_s, out_s);
	if (pos >= f.in && pos + m <= f.total - f.out)
		return;
	for (int i = 0; i < m; i++) {
		int64_t q = pos + i;
		if (q >= f.in && q < f.total - f.out)
			continue;
		double g = fade_gain(&f, q);
		l[i] = (float)(l[i] * g);
		r[i] = (float)(r[i] * g);
	}
}

/* Make up to n output frames in e->out.  Returns how many; 0 with
 * *starved set when the reader has nothing yet. */
static int produce(struct engine *e, int n, int *starved)
{
	struct play *p = &e->p;
	int got = 0;

	*starved = 0;
	while (got < n && p->run) {
		int64_t lim = next_boundary(e);
		if (p->action != A_NONE && p->fade_target == 0 &&
		    (p->fade <= 0 || p->in_pos >= lim)) {
			p->fade = 0;
			if (got > 0)
				break; /* write what is faded first */
			finish_action(e);
			continue;
		}
		if (p->lead > 0) {
			/* An album's gap: digital silence, beside the chain. */
			int k = p->lead < n - got ? (int)p->lead : n - got;
			float *o = e->out + 2 * got;
			memset(o, 0, (size_t)k * 2 * sizeof *o);
			apply_fade(p, o, k);
			p->lead -= k;
			got += k;
			continue;
		}
		int k = take_input(e, n - got, lim, starved);
		if (k < 0)
			break;
		if (k == 0)
			continue;
		p->waiting = 0;
		p->in_pos += k;
		memcpy(e->dryL, e->bufL, (size_t)k * sizeof *e->bufL);
		memcpy(e->dryR, e->bufR, (size_t)k * sizeof *e->bufR);
		int rlive = ref_live(e);
		if (rlive) {
			ref_fill(e, k);
			delay2_run(&e->ref_dly, e->refL, e->refR, k);
		}
		chain_process(e->chain, e->bufL, e->bufR, k);
		delay2_run(&e->dry_dly, e->dryL, e->dryR, k);
		int s0 = p->skip < k ? p->skip : k;
		p->skip -= s0;
		int m = k - s0;
		if (m == 0)
			continue;
		float *wl = e->bufL + s0, *wr = e->bufR + s0, *dl = e->dryL + s0, *dr = e->dryR + s0;
		album_fades(e, wl, wr, p->out_pos, m);
		for (int i = 0; i < m; i++) {
			e->wet_i[2 * i] = wl[i];
			e->wet_i[2 * i + 1] = wr[i];
			e->dry_i[2 * i] = dl[i];
			e->dry_i[2 * i + 1] = dr[i];
		}
		loudmeter_add(e->lm, e->wet_i, e->dry_i, (size_t)m);
		eng_tap_push(e, e->wet_i, e->dry_i, rlive ? e->refL + s0 : NULL,
			     rlive ? e->refR + s0 : NULL, m, p->out_pos);
		if (rlive)
			ref_mix(e, wl, wr, e->refL + s0, e->refR + s0, m);
		float *o = e->out + 2 * got;
		monitor_process(e->mon_st, wl, wr, dl, dr, o, m);
		apply_fade(p, o, m);
		p->out_pos += m;
		got += m;
	}
	return got;
}

static void lose_device(struct engine *e)
{
	snprintf(e->lost_msg, sizeof e->lost_msg, "%s", e->dev->err);
	atomic_store_explicit(&e->lost, 1, memory_order_release);
	e->p.run = 0;
	e->p.dev_started = 0;
	set_transport(e, TR_STOPPED);
}

static void write_out(struct engine *e, const float *buf, int n)
{
	long r = e->dev->ops->write(e->dev, buf, (unsigned)n);

	if (r == DEV_LOST) {
		lose_device(e);
		return;
	}
	if (r == DEV_XRUN)
		atomic_fetch_add_explicit(&e->underruns, 1, memory_order_relaxed);
	if (!e->p.dev_started && !atomic_load_explicit(&e->first_write_ns, memory_order_relaxed))
		atomic_store_explicit(&e->first_write_ns, now_ns(CLOCK_MONOTONIC), memory_order_relaxed);
	e->p.dev_started = 1;
	atomic_fetch_add_explicit(&e->frames_written, (uint64_t)n, memory_order_release);
}

static void *audio_main(void *arg)
{
	struct engine *e = arg;
	struct play *p = &e->p;
	int64_t last_idle_pub = 0;
	int meter_frames = 0;

	while (!atomic_load_explicit(&e->quit, memory_order_acquire)) {
		if (atomic_load_explicit(&e->park_req, memory_order_acquire)) {
			if (p->dev_started)
				e->dev->ops->drop(e->dev);
			p->dev_started = 0;
			atomic_store_explicit(&e->parked, 1, memory_order_release);
			while (atomic_load_explicit(&e->park_req, memory_order_acquire) &&
			       !atomic_load_explicit(&e->quit, memory_order_acquire))
				wait_wake(e, IDLE_WAIT_MS);
			atomic_store_explicit(&e->parked, 0, memory_order_release);
			meter_frames = 0;
			e->cpu_start = now_ns(CLOCK_THREAD_CPUTIME_ID);
			p->cpu0 = (double)e->cpu_start * 1e-9;
			continue;
		}
		if (!e->chain || atomic_load_explicit(&e->lost, memory_order_relaxed)) {
			wait_wake(e, IDLE_WAIT_MS);
			continue;
		}
		struct cmd c;
		while (spsc_pop(&e->cmds, &c) == 0)
			do_command(e, &c);
		sync_controls(e);
		if (!p->run) {
			int64_t t = now_ns(CLOCK_MONOTONIC);
			if (t - last_idle_pub > (int64_t)(METER_MS * 1e6)) {
				publish(e, 0);
				last_idle_pub = t;
			}
			wait_wake(e, IDLE_WAIT_MS);
			continue;
		}
		int starved;
		int64_t w0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
		int n = produce(e, e->blk, &starved);
		atomic_store_explicit(&e->work_ns, atomic_load_explicit(&e->work_ns, memory_order_relaxed) +
				      now_ns(CLOCK_THREAD_CPUTIME_ID) - w0, memory_order_relaxed);
		if (n > 0) {
			write_out(e, e->out, n);
			meter_frames += n;
		} else if (starved) {
			if (p->waiting && p->dev_started &&
			    e->dev->ops->delay(e->dev) < 2 * (long)e->blk) {
				/* Faded out, waiting for the decoder after a
				 * seek: silence keeps the card from underrunning. */
				memset(e->out, 0, (size_t)e->blk * 2 * sizeof *e->out);
				write_out(e, e->out, e->blk);
				meter_frames += e->blk;
			} else {
				sleep_ms(1);
			}
		}
		if (p->ended && p->run) {
			go_idle(e, TR_STOPPED);
			int err = p->error;
			relocate(e, 0, 1);
			p->error = err;
		}
		if (meter_frames >= (int)(METER_MS * 1e-3 * e->rate) || !p->run) {
			publish(e, (double)meter_frames / e->rate);
			meter_frames = 0;
		}
	}
	return NULL;
}

void *eng_audio_start(void *arg)
{
	/* Real-time priority where the system grants it (rtprio limits,
	 * CAP_SYS_NICE); without it, playback still works, with less margin. */
	struct sched_param sp = { .sched_priority = 40 };
	if (!getenv("LATHE_NO_RT"))
		pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	return audio_main(arg);
}
