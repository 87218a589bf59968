#include "sweep.h"

#include <ebur128.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsp/chain.h"
#include "source.h"
#include "status.h"

#define READ_BLOCK 4096

/* The pre-limiter signal of the whole track, shared read-only by the steps. */
struct pre {
	float *L, *R;
	int64_t frames;
	int rate;
};

struct job {
	const struct pre *pre;
	const double *v;
	struct sweep *out;
	atomic_int *cancel;
	atomic_int next;
	atomic_int failed;
};

static double db_pow(double p)
{
	return p > 0 ? 10 * log10(p) : -INFINITY;
}

/* One step: the limiter and what follows over the cached signal, with the
 * lookahead's latency dropped at the head and flushed at the tail, as a
 * render does. */
static int run_step(const struct pre *p, const double v0[P_COUNT], double drive,
		    atomic_int *cancel, struct sweep_step *s)
{
	double v[P_COUNT];
	int blk = p->rate / 100;  /* 10 ms: the GR reading's resolution */
	float *L = malloc((size_t)blk * sizeof *L), *R = malloc((size_t)blk * sizeof *R);
	float *out = malloc((size_t)blk * 2 * sizeof *out);
	struct chain *c = chain_new(p->rate);
	ebur128_state *st = ebur128_init(2, (unsigned long)p->rate,
					 EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_HISTOGRAM);
	double sxy = 0, sxx = 0, syy = 0, gr_sum = 0, tp = 0;
	int64_t pos = 0, emitted = 0, blocks = 0;
	int rc = ST_OK, skip;

	if (!L || !R || !out || !c || !st) {
		rc = ST_INPUT;
		goto done;
	}
	memcpy(v, v0, sizeof v);
	v[P_LIMITER_DRIVE] = drive;
	chain_set_all(c, v);
	chain_reset(c);
	chain_enable_meters(c, 1);
	skip = chain_latency(c);
	while (emitted < p->frames) {
		int n = blk, first;
		if (pos < p->frames) {
			if (n > p->frames - pos)
				n = (int)(p->frames - pos);
			memcpy(L, p->L + pos, (size_t)n * sizeof *L);
			memcpy(R, p->R + pos, (size_t)n * sizeof *R);
		} else {
			memset(L, 0, (size_t)n * sizeof *L);
			memset(R, 0, (size_t)n * sizeof *R);
		}
		pos += n;
		chain_process_post(c, L, R, n);
		struct chain_meters m;
		chain_read_meters(c, &m);
		gr_sum += m.limiter_gr_db;
		blocks++;
		for (int ch = 0; ch < 2; ch++)
			if (m.true_peak[ch] > tp)
				tp = m.true_peak[ch];
		first = skip < n ? skip : n;
		skip -= first;
		int k = 0;
		for (int i = first; i < n && emitted < p->frames; i++, k++, emitted++) {
			/* Output frame `emitted` lines up with input frame `emitted`. */
			double xl = p->L[emitted], xr = p->R[emitted];
			sxy += xl * L[i] + xr * R[i];
			sxx += xl * xl + xr * xr;
			syy += (double)L[i] * L[i] + (double)R[i] * R[i];
			out[2 * k] = L[i];
			out[2 * k + 1] = R[i];
		}
		if (k && ebur128_add_frames_float(st, out, (size_t)k) != EBUR128_SUCCESS) {
			rc = ST_INPUT;
			goto done;
		}
		if (cancel && atomic_load(cancel)) {
			rc = -1;
			goto done;
		}
	}
	s->drive_db = drive;
	ebur128_loudness_global(st, &s->integrated_lufs);
	if (ebur128_loudness_range(st, &s->lra_lu) != EBUR128_SUCCESS)
		s->lra_lu = 0;
	s->true_peak_dbtp = tp > 0 ? 20 * log10(tp) : -INFINITY;
	s->plr_db = s->true_peak_dbtp - s->integrated_lufs;
	s->gr_mean_db = blocks ? gr_sum / (double)blocks : 0;
	/* What is left of y after the best scaled copy of x: sum y^2 - (sum xy)^2 / sum x^2. */
	double res = sxx > 0 ? syy - sxy * sxy / sxx : syy;
	s->residual_db = syy > 0 ? db_pow((res > 0 ? res : 0) / syy) : -INFINITY;
	if (s->residual_db < -200)
		s->residual_db = -200;
done:
	if (st)
		ebur128_destroy(&st);
	chain_free(c);
	free(L);
	free(R);
	free(out);
	return rc;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	int i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->out->n && !atomic_load(&j->failed)) {
		int rc = run_step(j->pre, j->v, j->out->steps[i].drive_db, j->cancel, &j->out->steps[i]);
		if (rc)
			atomic_store(&j->failed, rc);
	}
	return NULL;
}

/* The modules before the limiter, once, over the whole track. */
static int load_pre(const char *in, const double v[P_COUNT], int rate, struct pre *p,
		    atomic_int *cancel, char *err, int errlen)
{
	struct source *src;
	struct chain *c = NULL;
	float *buf = NULL;
	int64_t n = 0, got = 0;
	int rc = source_open(&src, in, err, errlen);

	/* At the rate the render writes, converted the way it converts:
	 * the ceiling and the stop point then hold for that master. */
	if (rc == ST_OK && rate && rate != source_rate(src))
		rc = source_convert(src, rate, &src, err, errlen);
	if (rc)
		return rc;
	p->frames = source_frames(src);
	p->rate = source_rate(src);
	p->L = malloc((size_t)(p->frames > 0 ? p->frames : 1) * sizeof *p->L);
	p->R = malloc((size_t)(p->frames > 0 ? p->frames : 1) * sizeof *p->R);
	c = chain_new(p->rate);
	buf = malloc(READ_BLOCK * 2 * sizeof *buf);
	if (!p->L || !p->R || !c || !buf) {
		snprintf(err, (size_t)errlen, "%s: out of memory (the sweep keeps the track in memory)", in);
		rc = ST_INPUT;
		goto out;
	}
	chain_set_all(c, v);
	chain_reset(c);
	while (n < p->frames && (got = source_read(src, buf, READ_BLOCK)) > 0) {
		if (got > p->frames - n)
			got = p->frames - n;
		for (int64_t i = 0; i < got; i++) {
			p->L[n + i] = buf[2 * i];
			p->R[n + i] = buf[2 * i + 1];
		}
		chain_process_pre(c, p->L + n, p->R + n, (int)got);
		n += got;
		if (cancel && atomic_load(cancel)) {
			rc = -1;
			goto out;
		}
	}
	if (got < 0 || source_error(src)[0]) {
		snprintf(err, (size_t)errlen, "%s", source_error(src));
		rc = ST_INPUT;
	}
	p->frames = n;
out:
	chain_free(c);
	free(buf);
	source_close(src);
	return rc;
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

int sweep_run(const char *in, const double v[P_COUNT], int rate, double max_db, double step_db,
	      int jobs, atomic_int *cancel, struct sweep *out, char *err, int errlen)
{
	const struct param_desc *d = &param_table[P_LIMITER_DRIVE];
	struct pre p = { 0 };
	pthread_t th[16];
	int rc, started = 0;

	memset(out, 0, sizeof *out);
	if (max_db > d->max)
		max_db = d->max;
	out->n = (int)floor(max_db / step_db + 1e-9) + 1;
	out->steps = calloc((size_t)out->n, sizeof *out->steps);
	if (!out->steps) {
		snprintf(err, (size_t)errlen, "%s: out of memory", in);
		return ST_INPUT;
	}
	for (int i = 0; i < out->n; i++)
		out->steps[i].drive_db = i * step_db;
	rc = load_pre(in, v, rate, &p, cancel, err, errlen);
	if (rc == ST_OK && p.frames == 0) {
		snprintf(err, (size_t)errlen, "%s: has no audio to sweep", in);
		rc = ST_INPUT;
	}
	if (rc == ST_OK) {
		struct job j = { .pre = &p, .v = v, .out = out, .cancel = cancel };
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		if (jobs <= 0)
			jobs = cores > 0 ? (int)cores : 1;
		if (jobs > 16)
			jobs = 16;
		if (jobs > out->n)
			jobs = out->n;
		for (int t = 1; t < jobs; t++)
			if (pthread_create(&th[started], NULL, worker, &j) == 0)
				started++;
		worker(&j);
		for (int t = 0; t < started; t++)
			pthread_join(th[t], NULL);
		rc = atomic_load(&j.failed);
		if (rc == ST_INPUT)
			snprintf(err, (size_t)errlen, "%s: out of memory", in);
		else if (rc == -1)
			snprintf(err, (size_t)errlen, "%s: sweep interrupted", in);
	}
	if (rc == ST_OK && !isfinite(out->steps[0].integrated_lufs)) {
		snprintf(err, (size_t)errlen, "%s: is silent; there is no loudness to sweep", in);
		rc = ST_INPUT;
	}
	out->seconds = p.rate ? (double)p.frames / p.rate : 0;
	out->rate = p.rate;
	free(p.L);
	free(p.R);
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
