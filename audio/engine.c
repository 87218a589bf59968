/* The playback engine.  See engine.h.
 *
 * Three threads touch an engine:
 *   control  - the caller of every engine_* function (the UI, lathe play);
 *   audio    - pulls chunks from the reader, runs the chain, the loudness
 *              meters and the monitor stage, writes to the device;
 *   reader   - decodes the file ahead (reader.c).
 * Control -> audio: transport commands through an SPSC ring, parameters as
 * per-parameter atomics plus a dirty flag (they can never overflow, and the
 * audio thread only ever needs the newest value), switches as atomics.
 * Audio -> control: meter frames through a triple buffer, counters and
 * states as atomics.  Loading a file or closing parks the audio thread
 * first; that hand-shake is the only time the control thread touches the
 * audio thread's objects.
 *
 * The audio thread allocates nothing, takes no lock and does no I/O; it
 * blocks only in the device's write/drain, and sleeps (1 ms) only when the
 * decoder has nothing for it, where a card would underrun anyway.
 *
 * What is heard is what is rendered: a play from frame 0 starts from a
 * fresh chain (chain_reset, like render_file), drops the first
 * chain_latency() output frames and feeds as many zeros at the end, so a
 * file PCM captures exactly the samples of `lathe render --bits 32f`.
 * That start is therefore not faded in (the render is not either); every
 * other start, stop, pause, seek and loop wrap is a FADE_MS ramp.
 *
 * The reference (engine_load_reference) has a reader of its own, read in
 * step with the track: for every frame fed to the chain the reference
 * gives the frame at the same position (modulo its length; its reader
 * loops over the whole file by itself), delayed by the chain's latency
 * like the dry signal, so both line up at the output.  It is always
 * decoded, heard or not, so switching to it waits for nothing.  A switch
 * is an equal-power crossfade (REF_FADE_MS): master and reference are
 * unrelated signals, so their powers add.  The match: the reference's
 * integrated loudness is measured once when it is loaded; the master's is
 * the integrated loudness of the chain's output since the settings last
 * changed (loudmeter's since-mark measurement, BS.1770-gated, live), so a
 * tweak is compared fairly after a few seconds instead of after the whole
 * song.  The louder one is turned down by the difference, gliding. */
#include "engine.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"
#include "device.h"
#include "dsp/chain.h"
#include "loudmeter.h"
#include "monitor.h"
#include "reader.h"
#include "ring.h"
#include "source.h"
#include "status.h"

#define FADE_MS 8.0
#define METER_MS 40.0
#define DEFAULT_LATENCY_MS 20.0
#define IDLE_WAIT_MS 40
#define MIN_LOOP_MS 50.0
#define FIRST_RATE 48000 /* the device is set up at open, before any file */
#define REF_FADE_MS 40.0
#define REF_GAIN_MS 50.0
#define REF_MAX_SAMPLE 4.0f /* +12 dBFS: beyond that a reference sample is damage */

enum cmd_type { C_PLAY, C_PAUSE, C_TOGGLE, C_STOP, C_SEEK, C_SEEK_REL };
struct cmd {
	int type;
	double value; /* seconds for seeks */
};

/* What happens when a fade-out reaches silence. */
enum action { A_NONE, A_PAUSE, A_STOP, A_SEEK, A_WRAP };

/* The audio thread's private state; the control thread touches it only
 * while the thread is parked. */
struct play {
	int run;            /* writing to the device (transport playing) */
	int transport;
	int64_t in_pos;     /* source frame of the next frame fed to the chain */
	int64_t out_pos;    /* source frame of the next frame written */
	int fresh;          /* the chain must be reset before the next start */
	int skip;           /* output frames still to drop after a reset */
	int tail;           /* -1; after the end: zero frames still to feed */
	int ended;          /* the tail is out: stop once it is written */
	int error;          /* the source failed: stop with its message */
	int waiting;        /* faded out, waiting for the reader after a seek */
	unsigned gen;       /* reader generation expected */
	int chunk_off;      /* frames of the current chunk already used */
	float fade, fade_step;
	int fade_target;
	int action;
	int64_t action_frame;
	int dev_started;
	int64_t bound;      /* input frame where the pending action must happen */
	double cpu0;        /* thread CPU seconds at the last meter frame */
	float max_tp;
	/* The reference. */
	unsigned ref_gen;   /* its reader's generation expected */
	int ref_off;        /* frames of its current chunk already used */
	int64_t ref_pos;    /* its frame for the next frame fed to the chain */
	int64_t ref_len;    /* its length in frames, as the audio thread knows it */
	int ref_dead;       /* its file failed: silence */
	int ref_target;     /* 1: reference heard */
	float ref_x;        /* crossfade, 0 master .. 1 reference */
	float gm, gr, gm_t, gr_t; /* match gains (linear) and their targets */
};

struct engine {
	struct engine_opts opts;
	struct device *dev;
	int silent;
	double latency_ms;

	pthread_t thread;
	int thread_ok;
	sem_t wake;
	atomic_int quit, park_req, parked;
	struct spsc cmds;

	_Atomic double pv[P_COUNT];
	double pctl[P_COUNT];     /* control thread's copy, for engine_get_param */
	atomic_int pdirty;
	atomic_int ab, mon;
	_Atomic double platform_target;
	_Atomic int64_t loop_a, loop_b, end_frame;

	/* Audio -> control. */
	atomic_uint underruns;
	atomic_int transport;
	atomic_int lost, failed;
	_Atomic uint64_t frames_written;
	_Atomic int64_t first_write_ns;
	_Atomic int64_t cpu_ns;   /* audio thread CPU time since the load */
	/* The part of it spent producing audio (decoded frames through the
	 * chain, monitors and meters); the rest is waiting on and writing to
	 * the device, i.e. the kernel, whose share varies with the machine's
	 * load and power state far more than ours. */
	_Atomic int64_t work_ns;
	int64_t cpu_start;        /* audio thread's */
	char lost_msg[512];       /* written before lost is set */
	struct tbuf meters;
	uint64_t meter_seq;       /* audio thread's */
	uint64_t seq_seen;        /* control thread's */
	int64_t load_ns, load_call_ns;

	/* The loaded file and everything sized by it. */
	struct source *src;
	struct reader *rd;
	struct chain *chain;
	struct loudmeter *lm;
	struct monitor_stage *mon_st;
	unsigned rate;
	int64_t frames;
	int lat, blk;
	float *dlyL, *dlyR;       /* the dry signal's delay, matching the chain's */
	int dly_pos;
	float *bufL, *bufR, *dryL, *dryR, *out, *wet_i, *dry_i;
	struct play p;
	char source_name[256];
	unsigned src_rate;

	/* The reference: kept across engine_load; the buffers are sized with
	 * the track's (blk, lat) and made by engine_load_source. */
	struct source *ref_src;
	struct reader *ref_rd;
	int64_t ref_frames;
	unsigned ref_rate;
	double ref_lufs;
	char ref_name[256];
	atomic_int ref_on;
	float *refL, *refR, *rdlyL, *rdlyR;
	int rdly_pos;
};

static int64_t now_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

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

static float to_db(float lin)
{
	return lin > 1e-8f ? 20.0f * log10f(lin) : -160.0f;
}

/* ---- audio thread ---------------------------------------------------- */

static void set_transport(struct engine *e, int t)
{
	e->p.transport = t;
	atomic_store_explicit(&e->transport, t, memory_order_release);
}

static float db_gain(float db)
{
	return powf(10.0f, db / 20.0f);
}

static int ref_live(const struct engine *e)
{
	return e->ref_rd && e->refL && e->ref_rate == e->src_rate && !e->p.ref_dead;
}

/* The reference match: new gain targets from the newest loudness of the
 * master.  Returns the master's trim in dB. */
static float ref_match(struct engine *e, const struct loud_readings *lr,
		       struct engine_meters *m)
{
	struct play *p = &e->p;

	m->ref_on = p->ref_target;
	m->ref_lufs = (float)e->ref_lufs;
	m->master_lufs = -INFINITY;
	if (!ref_live(e)) {
		p->gm_t = p->gr_t = 1;
		return 0;
	}
	/* Since the last change of settings; while that has too little audio
	 * (the first 400 ms), the targets stay where they were. */
	if (isfinite(lr->since_mark) && isfinite(e->ref_lufs)) {
		float d = lr->since_mark - (float)e->ref_lufs;
		p->gm_t = d > 0 ? db_gain(-d) : 1.0f;
		p->gr_t = d < 0 ? db_gain(d) : 1.0f;
		m->master_lufs = lr->since_mark;
	}
	m->master_lufs_s = lr->since_mark_s;
	m->master_trim_db = to_db(p->gm_t);
	m->ref_trim_db = to_db(p->gr_t);
	return m->master_trim_db;
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
		float ref = isfinite(lr.integrated) ? lr.integrated : lr.short_term;
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
	if (e->ref_rd && p->ref_len > 0) {
		p->ref_pos = frame % p->ref_len;
		p->ref_gen = reader_seek(e->ref_rd, p->ref_pos);
		p->ref_off = 0;
	}
	p->in_pos = p->out_pos = frame;
	p->fresh = 1;
	p->tail = -1;
	p->ended = 0;
}

/* Fresh chain state, as at the start of a render. */
static void restart_chain(struct engine *e)
{
	struct play *p = &e->p;

	chain_reset(e->chain);
	memset(e->dlyL, 0, (size_t)(e->lat + 1) * sizeof *e->dlyL);
	memset(e->dlyR, 0, (size_t)(e->lat + 1) * sizeof *e->dlyR);
	e->dly_pos = 0;
	memset(e->rdlyL, 0, (size_t)(e->lat + 1) * sizeof *e->rdlyL);
	memset(e->rdlyR, 0, (size_t)(e->lat + 1) * sizeof *e->rdlyR);
	e->rdly_pos = 0;
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

/* The dry signal, delayed by the chain's latency so A/B lines up. */
static void delay_dry(struct engine *e, int n)
{
	int d = e->lat;

	if (d == 0)
		return;
	for (int i = 0; i < n; i++) {
		float l = e->dlyL[e->dly_pos], r = e->dlyR[e->dly_pos];
		e->dlyL[e->dly_pos] = e->dryL[i];
		e->dlyR[e->dly_pos] = e->dryR[i];
		e->dryL[i] = l;
		e->dryR[i] = r;
		if (++e->dly_pos == d)
			e->dly_pos = 0;
	}
}

/* The reference, delayed like the dry signal. */
static void delay_ref(struct engine *e, int n)
{
	int d = e->lat;

	if (d == 0)
		return;
	for (int i = 0; i < n; i++) {
		float l = e->rdlyL[e->rdly_pos], r = e->rdlyR[e->rdly_pos];
		e->rdlyL[e->rdly_pos] = e->refL[i];
		e->rdlyR[e->rdly_pos] = e->refR[i];
		e->refL[i] = l;
		e->refR[i] = r;
		if (++e->rdly_pos == d)
			e->rdly_pos = 0;
	}
}

static void ref_advance(struct engine *e, int64_t n)
{
	e->p.ref_pos = (e->p.ref_pos + n) % e->p.ref_len;
}

/* n frames of the reference into refL/R, from ref_pos on.  What its
 * reader has not decoded yet (just after a seek) is silence, and the
 * position moves on regardless, so the reference never drifts from the
 * track: late chunks are skipped up to where it should be. */
static void ref_fill(struct engine *e, int n)
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
static void ref_mix(struct engine *e, float *wl, float *wr, const float *rl,
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
		int k = n - got;
		if (p->tail >= 0) {
			if (p->tail == 0) {
				p->ended = 1;
				break;
			}
			if (k > p->tail)
				k = p->tail;
			memset(e->bufL, 0, (size_t)k * sizeof *e->bufL);
			memset(e->bufR, 0, (size_t)k * sizeof *e->bufR);
			p->tail -= k;
		} else {
			const struct chunk *c = next_chunk(e);
			if (!c) {
				*starved = 1;
				break;
			}
			if (c->flags) {
				if (c->flags & CHUNK_ERROR) {
					p->error = 1;
					atomic_store_explicit(&e->failed, 1, memory_order_release);
				}
				p->tail = e->lat;
				reader_consume(e->rd);
				p->chunk_off = 0;
				continue;
			}
			if (c->start + p->chunk_off != p->in_pos) {
				/* The reader wrapped a loop that has since been
				 * turned off: fetch what should follow. */
				p->gen = reader_seek(e->rd, p->in_pos);
				p->chunk_off = 0;
				*starved = 1;
				break;
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
		}
		p->waiting = 0;
		p->in_pos += k;
		memcpy(e->dryL, e->bufL, (size_t)k * sizeof *e->bufL);
		memcpy(e->dryR, e->bufR, (size_t)k * sizeof *e->bufR);
		int rlive = ref_live(e);
		if (rlive) {
			ref_fill(e, k);
			delay_ref(e, k);
		}
		chain_process(e->chain, e->bufL, e->bufR, k);
		delay_dry(e, k);
		int s0 = p->skip < k ? p->skip : k;
		p->skip -= s0;
		int m = k - s0;
		if (m == 0)
			continue;
		float *wl = e->bufL + s0, *wr = e->bufR + s0, *dl = e->dryL + s0, *dr = e->dryR + s0;
		for (int i = 0; i < m; i++) {
			e->wet_i[2 * i] = wl[i];
			e->wet_i[2 * i + 1] = wr[i];
			e->dry_i[2 * i] = dl[i];
			e->dry_i[2 * i + 1] = dr[i];
		}
		loudmeter_add(e->lm, e->wet_i, e->dry_i, (size_t)m);
		if (rlive)
			ref_mix(e, wl, wr, e->refL + s0, e->refR + s0, m);
		float *o = e->out + 2 * got;
		monitor_process(e->mon_st, wl, wr, dl, dr, o, m);
		if (p->fade != 1.0f || p->fade_target != 1) {
			float g = p->fade, t = (float)p->fade_target;
			for (int i = 0; i < m; i++) {
				if (g != t) {
					g += t > g ? p->fade_step : -p->fade_step;
					g = g < 0 ? 0 : g > 1 ? 1 : g;
				}
				/* A raised-cosine of the linear ramp: no corner at
				 * either end. */
				float w = 0.5f - 0.5f * cosf((float)M_PI * g);
				o[2 * i] *= w;
				o[2 * i + 1] *= w;
			}
			p->fade = g;
		}
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

/* ---- control thread -------------------------------------------------- */

static void wake(struct engine *e)
{
	sem_post(&e->wake);
}

static void send(struct engine *e, int type, double v)
{
	struct cmd c = { type, v };

	/* 256 commands pending means nobody is listening: drop the newest. */
	if (spsc_push(&e->cmds, &c) == 0)
		wake(e);
}

static void park(struct engine *e)
{
	if (!e->thread_ok)
		return;
	atomic_store_explicit(&e->park_req, 1, memory_order_release);
	wake(e);
	while (!atomic_load_explicit(&e->parked, memory_order_acquire))
		sleep_ms(1);
}

static void unpark(struct engine *e)
{
	if (!e->thread_ok)
		return;
	atomic_store_explicit(&e->park_req, 0, memory_order_release);
	wake(e);
	while (atomic_load_explicit(&e->parked, memory_order_acquire))
		sleep_ms(1);
}

static void unload(struct engine *e)
{
	reader_free(e->rd);
	source_close(e->src);
	chain_free(e->chain);
	loudmeter_free(e->lm);
	monitor_free(e->mon_st);
	float **bufs[] = { &e->dlyL, &e->dlyR, &e->bufL, &e->bufR, &e->dryL,
			   &e->dryR, &e->out, &e->wet_i, &e->dry_i,
			   &e->refL, &e->refR, &e->rdlyL, &e->rdlyR };
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

static void *audio_start(void *arg)
{
	/* Real-time priority where the system grants it (rtprio limits,
	 * CAP_SYS_NICE); without it, playback still works, with less margin. */
	struct sched_param sp = { .sched_priority = 40 };
	if (!getenv("LATHE_NO_RT"))
		pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	return audio_main(arg);
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
	atomic_init(&e->platform_target, -14.0);
	atomic_init(&e->transport, TR_STOPPED);
	e->p.transport = TR_STOPPED;
	e->p.tail = -1;
	if (pthread_create(&e->thread, NULL, audio_start, e) != 0) {
		snprintf(err, (size_t)errlen, "cannot start the audio thread");
		engine_close(e);
		return ST_DEVICE;
	}
	e->thread_ok = 1;
	*out = e;
	return ST_OK;
}

/* Play state of the reference after a load: from the track's start, the
 * crossfade where the switch says (no fade across a load: nothing plays).
 * The match gains stay those of the track before until the new one is
 * measured (400 ms): tracks of one release are close in loudness, and a
 * louder reference must not blare meanwhile. */
static void reset_ref_play(struct engine *e, float gm, float gr)
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

int engine_load_source(struct engine *e, struct source *s, char *err, int errlen)
{
	unsigned rate = (unsigned)source_rate(s);

	/* Stop with a fade before the swap, if something plays. */
	if (atomic_load(&e->transport) == TR_PLAYING) {
		engine_stop(e);
		for (int i = 0; i < 200 && atomic_load(&e->transport) == TR_PLAYING; i++)
			sleep_ms(1);
	}
	park(e);
	unload(e);
	/* A device lost mid-play gets one more chance with the next file. */
	int lost = atomic_exchange(&e->lost, 0);
	atomic_store(&e->failed, 0);
	if ((rate != e->dev->rate || lost) &&
	    e->dev->ops->configure(e->dev, rate, e->latency_ms) != 0) {
		snprintf(err, (size_t)errlen, "%s", e->dev->err);
		source_close(s);
		unpark(e);
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
		chain_enable_meters(e->chain, 1);
		e->lat = chain_latency(e->chain);
	}
	size_t nb = (size_t)e->blk;
	e->dlyL = calloc((size_t)e->lat + 1, sizeof(float));
	e->dlyR = calloc((size_t)e->lat + 1, sizeof(float));
	e->bufL = malloc(nb * sizeof(float));
	e->bufR = malloc(nb * sizeof(float));
	e->dryL = malloc(nb * sizeof(float));
	e->dryR = malloc(nb * sizeof(float));
	e->out = malloc(nb * 2 * sizeof(float));
	e->wet_i = malloc(nb * 2 * sizeof(float));
	e->dry_i = malloc(nb * 2 * sizeof(float));
	e->refL = calloc(nb, sizeof(float));
	e->refR = calloc(nb, sizeof(float));
	e->rdlyL = calloc((size_t)e->lat + 1, sizeof(float));
	e->rdlyR = calloc((size_t)e->lat + 1, sizeof(float));
	e->src_rate = rate;
	if (!e->chain || !e->lm || !e->mon_st || !e->dlyL || !e->dlyR || !e->bufL ||
	    !e->bufR || !e->dryL || !e->dryR || !e->out || !e->wet_i || !e->dry_i ||
	    !e->refL || !e->refR || !e->rdlyL || !e->rdlyR ||
	    !(e->rd = reader_new(s))) {
		snprintf(err, (size_t)errlen, "%s: out of memory", source_name(s));
		unload(e);
		unpark(e);
		return ST_INPUT;
	}
	float gm = e->p.gm_t, gr = e->p.gr_t;
	memset(&e->p, 0, sizeof e->p);
	e->p.tail = -1;
	e->p.fresh = 1;
	reset_ref_play(e, gm, gr);
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
	unpark(e);
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
		wake(e);
		pthread_join(e->thread, NULL);
	}
	unload(e);
	reader_free(e->ref_rd);
	source_close(e->ref_src);
	if (e->dev)
		e->dev->ops->close(e->dev);
	spsc_free(&e->cmds);
	tbuf_free(&e->meters);
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
	wake(e);
}

double engine_get_param(const struct engine *e, int id)
{
	return id >= 0 && id < P_COUNT ? e->pctl[id] : 0;
}

int engine_load_reference(struct engine *e, const char *path, char *err, int errlen)
{
	struct source *s;
	struct analysis a;
	struct reader *rd;
	int st = source_open(&s, path, err, errlen);

	if (st != ST_OK)
		return st;
	if (source_frames(s) <= 0) {
		snprintf(err, (size_t)errlen, "%s: the reference is empty", path);
		source_close(s);
		return ST_INPUT;
	}
	/* Its whole-file integrated loudness: the figure a fair comparison
	 * needs, and the one its author mastered to. */
	st = analyze_file(path, &a, err, errlen);
	if (st != ST_OK) {
		source_close(s);
		return st;
	}
	if (!isfinite(a.integrated_lufs) || a.integrated_lufs < -70) {
		snprintf(err, (size_t)errlen, "%s: the reference is silent", path);
		source_close(s);
		return ST_INPUT;
	}
	/* A reference at another rate (a CD-rate master against a 48 or
	 * 96 kHz mix, say) is converted once, here, to the track's rate. */
	if (e->src_rate && (unsigned)source_rate(s) != e->src_rate) {
		struct source *conv;
		st = source_resample(s, (int)e->src_rate, &conv, err, errlen);
		source_close(s);
		if (st != ST_OK)
			return st;
		s = conv;
	}
	rd = reader_new(s);
	if (!rd) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		source_close(s);
		return ST_INPUT;
	}
	reader_set_loop(rd, 0, source_frames(s));
	park(e);
	reader_free(e->ref_rd);
	source_close(e->ref_src);
	e->ref_src = s;
	e->ref_rd = rd;
	e->ref_frames = source_frames(s);
	e->ref_rate = (unsigned)source_rate(s);
	e->ref_lufs = a.integrated_lufs;
	snprintf(e->ref_name, sizeof e->ref_name, "%s", source_name(s));
	/* In step with the track from where it is now. */
	e->p.ref_dead = 0;
	e->p.ref_len = e->ref_frames;
	e->p.ref_pos = e->p.in_pos % e->ref_frames;
	e->p.ref_gen = reader_seek(rd, e->p.ref_pos);
	e->p.ref_off = 0;
	e->p.gm = e->p.gr = e->p.gm_t = e->p.gr_t = 1;
	unpark(e);
	return ST_OK;
}

void engine_set_reference(struct engine *e, int on)
{
	atomic_store_explicit(&e->ref_on, !!on, memory_order_relaxed);
	wake(e);
}

void engine_set_ab(struct engine *e, int bypassed)
{
	atomic_store_explicit(&e->ab, !!bypassed, memory_order_relaxed);
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
		i->reference_lufs = e->ref_lufs;
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
