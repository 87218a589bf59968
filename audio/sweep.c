#include "sweep.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsp/chain.h"
#include "source.h"
#include "status.h"
#include "sweep_meter.h"

#define READ_BLOCK 4096
#define NSLOT 3          /* blocks of the limiter's input: the one before, this round's, the next */
#define ROUND_BLOCKS 100 /* 10 ms blocks per round: a second of audio */
#define MAX_THREADS 16

/* One step's own chain (the limiter and what follows, at its drive) and
 * meter, carried from round to round. */
struct step_run {
	struct chain *c;
	struct smeter *m;
	int64_t emitted;     /* output frames measured (output frame e is input frame e) */
	int skip;            /* latency frames still to drop at the head */
	int flushed;         /* frames of the clipper's tail fed so far */
	double gr_sum;
	int64_t blocks;
};

struct run {
	const struct sweep_opts *o;
	struct source *src;
	struct chain *pre;   /* the modules before the limiter and the clipper, run once */
	float *rbuf;
	float *L[NSLOT], *R[NSLOT];   /* the clipper's input: the residual's reference */
	float *CL[NSLOT], *CR[NSLOT]; /* the clipper's output: every step's limiter input */
	float *tailL, *tailR; /* the clipper's output for the silence after the end */
	int ntail;
	int nf[NSLOT];       /* frames of the block in each slot */
	int rate, blk, B;    /* 10 ms block, round length (frames) */
	int64_t hint;        /* the source's length, for progress */
	int eof;
	struct sweep *out;
	struct step_run *st;
	/* The rounds: written by one thread between the two barriers. */
	long round;          /* the block the steps run on in this round */
	int produce, ntasks, done;
	atomic_int next, failed;
	pthread_barrier_t bar;
	pthread_mutex_t mu;  /* with cv and go: the threads start together */
	pthread_cond_t cv;
	int go;
	char rerr[ERRLEN];   /* a read error, from the producer */
};

/* Block b of the limiter's input into its slot: read, then the modules
 * before the limiter.  Fewer than B frames: the track ends there. */
static void produce(struct run *r, long b)
{
	int slot = (int)(b % NSLOT), n = 0;
	float *L = r->L[slot], *R = r->R[slot];

	while (n < r->B) {
		int want = r->B - n < READ_BLOCK ? r->B - n : READ_BLOCK;
		int64_t got = source_read(r->src, r->rbuf, want);
		if (got < 0 || source_error(r->src)[0]) {
			snprintf(r->rerr, sizeof r->rerr, "%s", source_error(r->src));
			atomic_store(&r->failed, ST_INPUT);
			break;
		}
		if (got == 0)
			break;
		for (int64_t i = 0; i < got; i++) {
			L[n + i] = r->rbuf[2 * i];
			R[n + i] = r->rbuf[2 * i + 1];
		}
		n += (int)got;
	}
	chain_process_pre(r->pre, L, R, n);
	memcpy(r->CL[slot], L, (size_t)n * sizeof *L);
	memcpy(r->CR[slot], R, (size_t)n * sizeof *R);
	chain_process_clip(r->pre, r->CL[slot], r->CR[slot], n);
	r->nf[slot] = n;
	if (n < r->B) {
		/* The steps flush their lookahead with silence, which must
		 * pass this clipper too, after the track. */
		memset(r->tailL, 0, (size_t)r->ntail * sizeof *r->tailL);
		memset(r->tailR, 0, (size_t)r->ntail * sizeof *r->tailR);
		chain_process_clip(r->pre, r->tailL, r->tailR, r->ntail);
		r->eof = 1;
	}
}

/* The limiter's input frames e .. e + n - 1 (this round's slot or the
 * one before): in place when one slot holds them all, else copied into
 * xL, xR. */
static void input_at(const struct run *r, int64_t e, int n, const float **pl, const float **pr,
		     float *xL, float *xR)
{
	int s0 = (int)((e / r->B) % NSLOT), o0 = (int)(e % r->B);
	if (o0 + n <= r->B) {
		*pl = r->L[s0] + o0;
		*pr = r->R[s0] + o0;
		return;
	}
	*pl = xL;
	*pr = xR;
	while (n > 0) {
		int slot = (int)((e / r->B) % NSLOT), off = (int)(e % r->B);
		int k = r->B - off < n ? r->B - off : n;
		memcpy(xL, r->L[slot] + off, (size_t)k * sizeof *xL);
		memcpy(xR, r->R[slot] + off, (size_t)k * sizeof *xR);
		xL += k;
		xR += k;
		e += k;
		n -= k;
	}
}

/* A step over this round's block, in 10 ms blocks (the GR reading's
 * resolution) counted from the track's start; in the last round the
 * lookahead is flushed with silence until the output is as long as the
 * input, as a render does. */
static void step_round(struct run *r, struct step_run *s)
{
	int slot = (int)(r->round % NSLOT), nr = r->nf[slot], off = 0;
	int64_t total = r->round * (int64_t)r->B + nr;
	int last = nr < r->B;
	float L[SMETER_MAX_N], R[SMETER_MAX_N], xL[SMETER_MAX_N], xR[SMETER_MAX_N];

	for (;;) {
		int n = r->blk;
		if (off < nr) {
			n = nr - off < n ? nr - off : n;
			memcpy(L, r->CL[slot] + off, (size_t)n * sizeof *L);
			memcpy(R, r->CR[slot] + off, (size_t)n * sizeof *R);
			off += n;
		} else if (last && s->emitted < total && s->flushed + n <= r->ntail) {
			memcpy(L, r->tailL + s->flushed, (size_t)n * sizeof *L);
			memcpy(R, r->tailR + s->flushed, (size_t)n * sizeof *R);
			s->flushed += n;
		} else {
			break;
		}
		chain_process_limit(s->c, L, R, n);
		struct chain_meters m;
		chain_read_meters(s->c, &m);
		s->gr_sum += m.limiter_gr_db;
		s->blocks++;
		int first = s->skip < n ? s->skip : n, k = n - first;
		s->skip -= first;
		if (last && k > total - s->emitted)
			k = (int)(total - s->emitted);
		const float *pl, *pr;
		input_at(r, s->emitted, k, &pl, &pr, xL, xR);
		smeter_add(s->m, L + first, R + first, pl, pr, k);
		s->emitted += k;
	}
}

/* Between the rounds' barriers, on one thread: the next round or the end. */
static void next_round(struct run *r)
{
	atomic_int *cancel = r->o->cancel;

	if (atomic_load(&r->failed) || (cancel && atomic_load(cancel)) ||
	    r->nf[r->round % NSLOT] < r->B) {
		r->done = 1;
		return;
	}
	r->round++;
	r->produce = !r->eof;
	r->ntasks = r->out->n + r->produce;
	atomic_store(&r->next, 0);
	if (r->o->progress && r->hint > 0) {
		double d = (double)(r->round * (int64_t)r->B) / (double)r->hint;
		r->o->progress(r->o->ctx, d < 1 ? d : 1);
	}
}

/* Every thread: take the round's tasks (the next block's production
 * first, then the steps) until none is left, meet, move on.  Each step
 * runs its rounds in order whichever thread takes it, so the figures do
 * not depend on the number of threads. */
static void *worker(void *arg)
{
	struct run *r = arg;

	for (;;) {
		int t;
		while ((t = atomic_fetch_add(&r->next, 1)) < r->ntasks) {
			if (atomic_load(&r->failed))
				continue;
			if (r->produce && t == 0)
				produce(r, r->round + 1);
			else
				step_round(r, &r->st[t - r->produce]);
		}
		if (pthread_barrier_wait(&r->bar) == PTHREAD_BARRIER_SERIAL_THREAD)
			next_round(r);
		pthread_barrier_wait(&r->bar);
		if (r->done)
			return NULL;
	}
}

/* Chains, meters and buffers of a run: ST_OK, or ST_INPUT (out of memory). */
static int run_alloc(struct run *r, const double v0[P_COUNT])
{
	double v[P_COUNT];

	r->pre = chain_new(r->rate);
	r->rbuf = malloc(READ_BLOCK * 2 * sizeof *r->rbuf);
	r->st = calloc((size_t)r->out->n, sizeof *r->st);
	if (!r->pre || !r->rbuf || !r->st)
		return ST_INPUT;
	for (int i = 0; i < NSLOT; i++) {
		r->L[i] = malloc((size_t)r->B * sizeof *r->L[i]);
		r->R[i] = malloc((size_t)r->B * sizeof *r->R[i]);
		r->CL[i] = malloc((size_t)r->B * sizeof *r->CL[i]);
		r->CR[i] = malloc((size_t)r->B * sizeof *r->CR[i]);
		if (!r->L[i] || !r->R[i] || !r->CL[i] || !r->CR[i])
			return ST_INPUT;
	}
	chain_set_all(r->pre, v0);
	chain_reset(r->pre);
	/* A step flushes in whole 10 ms blocks until its latency is out. */
	r->ntail = (chain_latency(r->pre) / r->blk + 1) * r->blk;
	r->tailL = malloc((size_t)r->ntail * sizeof *r->tailL);
	r->tailR = malloc((size_t)r->ntail * sizeof *r->tailR);
	if (!r->tailL || !r->tailR)
		return ST_INPUT;
	memcpy(v, v0, sizeof v);
	for (int i = 0; i < r->out->n; i++) {
		struct step_run *s = &r->st[i];
		s->c = chain_new(r->rate);
		s->m = smeter_new(r->rate);
		if (!s->c || !s->m)
			return ST_INPUT;
		v[P_LIMITER_DRIVE] = r->out->steps[i].drive_db;
		chain_set_all(s->c, v);
		chain_reset(s->c);
		s->skip = chain_latency(s->c);
	}
	return ST_OK;
}

static void run_free(struct run *r)
{
	if (r->st)
		for (int i = 0; i < r->out->n; i++) {
			chain_free(r->st[i].c);
			smeter_free(r->st[i].m);
		}
	free(r->st);
	for (int i = 0; i < NSLOT; i++) {
		free(r->L[i]);
		free(r->R[i]);
		free(r->CL[i]);
		free(r->CR[i]);
	}
	free(r->tailL);
	free(r->tailR);
	chain_free(r->pre);
	free(r->rbuf);
	if (r->src)
		source_close(r->src);
}

/* Each step's figures from its meter. */
static void collect(struct run *r)
{
	for (int i = 0; i < r->out->n; i++) {
		struct sweep_step *t = &r->out->steps[i];
		struct step_run *s = &r->st[i];
		struct smeter_result m;
		smeter_result(s->m, &m);
		t->integrated_lufs = m.integrated_lufs;
		t->lra_lu = m.lra_lu;
		t->true_peak_dbtp = m.true_peak_dbtp;
		t->plr_db = t->true_peak_dbtp - t->integrated_lufs;
		t->residual_db = m.residual_db;
		t->gr_mean_db = s->blocks ? s->gr_sum / (double)s->blocks : 0;
	}
	r->out->seconds = (double)r->st[0].emitted / r->rate;
	r->out->rate = r->rate;
}

int sweep_stop(const struct sweep_step *s, int n)
{
	int stop = 0;
	for (int i = 1; i < n; i++) {
		double gain = (s[i].integrated_lufs - s[i - 1].integrated_lufs) /
			      (s[i].drive_db - s[i - 1].drive_db);
		if (!(gain >= SWEEP_MIN_GAIN_LU_PER_DB) || !(s[i].residual_db <= SWEEP_MAX_RESIDUAL_DB))
			break;
		stop = i;
	}
	return stop;
}

/* A started thread waits here until the barrier is made for the threads
 * that could be started. */
static void *thread_main(void *arg)
{
	struct run *r = arg;

	pthread_mutex_lock(&r->mu);
	while (!r->go)
		pthread_cond_wait(&r->cv, &r->mu);
	pthread_mutex_unlock(&r->mu);
	return worker(r);
}

/* The rounds, on up to jobs threads (this one among them). */
static int run_rounds(struct run *r, int jobs)
{
	pthread_t th[MAX_THREADS];
	int started = 0;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (jobs <= 0)
		jobs = cores > 0 ? (int)cores : 1;
	if (jobs > MAX_THREADS)
		jobs = MAX_THREADS;
	if (jobs > r->out->n + 1)
		jobs = r->out->n + 1;
	r->produce = !r->eof;
	r->ntasks = r->out->n + r->produce;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	for (; started < jobs - 1; started++)
		if (pthread_create(&th[started], NULL, thread_main, r) != 0)
			break;
	pthread_barrier_init(&r->bar, NULL, (unsigned)started + 1);
	pthread_mutex_lock(&r->mu);
	r->go = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	worker(r);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_barrier_destroy(&r->bar);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	return atomic_load(&r->failed);
}

int sweep_run(const char *in, const double v[P_COUNT], const struct sweep_opts *o,
	      struct sweep *out, char *err, int errlen)
{
	const struct param_desc *d = &param_table[P_LIMITER_DRIVE];
	struct run r = { .o = o, .out = out };
	double max_db = o->max_db > d->max ? d->max : o->max_db;
	int rc;

	memset(out, 0, sizeof *out);
	out->n = (int)floor(max_db / o->step_db + 1e-9) + 1;
	out->steps = calloc((size_t)out->n, sizeof *out->steps);
	if (!out->steps) {
		snprintf(err, (size_t)errlen, "%s: out of memory", in);
		return ST_INPUT;
	}
	for (int i = 0; i < out->n; i++)
		out->steps[i].drive_db = i * o->step_db;
	rc = source_open(&r.src, in, err, errlen);
	/* At the rate the render writes, converted the way it converts:
	 * the ceiling and the stop point then hold for that master. */
	if (rc == ST_OK && o->rate && o->rate != source_rate(r.src))
		rc = source_convert(r.src, o->rate, &r.src, err, errlen);
	if (rc) {
		sweep_free(out);
		return rc;
	}
	r.rate = source_rate(r.src);
	r.hint = source_frames(r.src);
	r.blk = r.rate / 100;
	r.B = r.blk * ROUND_BLOCKS;
	if (r.blk < 1 || r.blk > SMETER_MAX_N) {
		snprintf(err, (size_t)errlen, "%s: %d Hz is outside the rates the sweep measures", in, r.rate);
		rc = ST_INPUT;
	} else if (run_alloc(&r, v) != ST_OK) {
		snprintf(err, (size_t)errlen, "%s: out of memory", in);
		rc = ST_INPUT;
	} else {
		produce(&r, 0);
		rc = atomic_load(&r.failed);
		if (rc == ST_OK && r.nf[0] == 0) {
			snprintf(r.rerr, sizeof r.rerr, "%s: has no audio to sweep", in);
			rc = ST_INPUT;
		}
		if (rc == ST_OK)
			rc = run_rounds(&r, o->jobs);
		if (rc == ST_OK && o->cancel && atomic_load(o->cancel))
			rc = -1;
		if (rc == ST_INPUT)
			snprintf(err, (size_t)errlen, "%s", r.rerr);
		else if (rc == -1)
			snprintf(err, (size_t)errlen, "%s: sweep interrupted", in);
	}
	if (rc == ST_OK)
		collect(&r);
	run_free(&r);
	if (rc == ST_OK && !isfinite(out->steps[0].integrated_lufs)) {
		snprintf(err, (size_t)errlen, "%s: is silent; there is no loudness to sweep", in);
		rc = ST_INPUT;
	}
	if (rc) {
		sweep_free(out);
		return rc;
	}
	out->stop = sweep_stop(out->steps, out->n);
	out->stop_drive_db = out->steps[out->stop].drive_db;
	return ST_OK;
}

void sweep_free(struct sweep *s)
{
	free(s->steps);
	s->steps = NULL;
	s->n = 0;
}
