/* The master's figures: see console_measure.h.  The same path as a render
 * (a fresh chain at rest, the latency dropped, the lookahead flushed with
 * silence), measured as `lathe analyze` measures a file, so the figures
 * agree with analyze of the render. */
#include "tui/console_measure.h"

#include <ebur128.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/source.h"
#include "audio/status.h"
#include "dsp/chain.h"

#define BLOCK 4096

static double db(double x)
{
	return x > 0 ? 20 * log10(x) : -INFINITY;
}

struct run {
	ebur128_state *st;
	float *buf, *L, *R;
	struct chain *c;
	int rate, hop;        /* frames between series points */
	int64_t out;          /* frames measured */
	int64_t next;         /* frame count of the next series point */
	float *series;
	int nseries, cap;
};

/* Measure n frames of chain output (interleaved into buf). */
static int take(struct run *r, const float *L, const float *R, int n)
{
	for (int i = 0; i < n; i++) {
		r->buf[2 * i] = L[i];
		r->buf[2 * i + 1] = R[i];
	}
	for (int at = 0; at < n;) {
		/* Up to the next series point, so it lands on its frame. */
		int k = (int)(r->next - r->out);
		if (k > n - at)
			k = n - at;
		if (ebur128_add_frames_float(r->st, r->buf + 2 * at, (size_t)k) != EBUR128_SUCCESS)
			return -1;
		at += k;
		r->out += k;
		if (r->out == r->next) {
			double s = -INFINITY;
			if (r->out >= (int64_t)r->rate * 3)
				ebur128_loudness_shortterm(r->st, &s);
			if (r->nseries == r->cap) {
				int cap = r->cap ? 2 * r->cap : 1024;
				float *ns = realloc(r->series, (size_t)cap * sizeof *ns);
				if (!ns)
					return -1;
				r->series = ns;
				r->cap = cap;
			}
			r->series[r->nseries++] = (float)s;
			r->next += r->hop;
		}
	}
	return 0;
}

static int run_chain(struct run *r, struct source *src, const double v[P_COUNT],
		     struct master_figures *f, atomic_int *cancel, atomic_int *progress,
		     char *err, int errlen)
{
	int64_t total = source_frames(src), done = 0;
	int skip, tail;

	chain_set_all(r->c, v);
	chain_reset(r->c);
	skip = tail = chain_latency(r->c);
	for (;;) {
		int64_t n = source_read(src, r->buf, BLOCK);
		if (n < 0) {
			snprintf(err, (size_t)errlen, "%s", source_error(src));
			return ST_INPUT;
		}
		if (n == 0) {
			if (tail == 0)
				break;
			n = tail < BLOCK ? tail : BLOCK;
			memset(r->L, 0, (size_t)n * sizeof *r->L);
			memset(r->R, 0, (size_t)n * sizeof *r->R);
			tail -= (int)n;
		} else {
			for (int64_t i = 0; i < n; i++) {
				r->L[i] = r->buf[2 * i];
				r->R[i] = r->buf[2 * i + 1];
			}
		}
		chain_process(r->c, r->L, r->R, (int)n);
		struct chain_meters cm;
		chain_read_meters(r->c, &cm);
		if (cm.limiter_gr_db > f->max_gr)
			f->max_gr = cm.limiter_gr_db;
		int first = skip < n ? skip : (int)n;
		skip -= first;
		if (n > first && take(r, r->L + first, r->R + first, (int)n - first) != 0) {
			snprintf(err, (size_t)errlen, "out of memory measuring the master");
			return ST_INPUT;
		}
		done += n;
		if (cancel && atomic_load_explicit(cancel, memory_order_relaxed))
			return -1;
		if (progress && total > 0)
			atomic_store_explicit(progress, (int)(done * 1000 / (total + 1)), memory_order_relaxed);
	}
	return ST_OK;
}

int measure_master(const char *in, const double v[P_COUNT], struct master_figures *f,
		   atomic_int *cancel, atomic_int *progress, char *err, int errlen)
{
	struct source *src;
	struct run r;
	int rc = source_open(&src, in, err, errlen);

	memset(f, 0, sizeof *f);
	memset(&r, 0, sizeof r);
	if (rc)
		return rc;
	r.rate = source_rate(src);
	r.hop = (int)lround(r.rate * MEASURE_SERIES_PERIOD);
	r.next = r.hop;
	r.st = ebur128_init(2, (unsigned long)r.rate,
			    EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA |
			    EBUR128_MODE_SAMPLE_PEAK | EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_HISTOGRAM);
	r.buf = malloc(BLOCK * 2 * sizeof *r.buf);
	r.L = malloc(BLOCK * sizeof *r.L);
	r.R = malloc(BLOCK * sizeof *r.R);
	r.c = chain_new(r.rate);
	if (!r.st || !r.buf || !r.L || !r.R || !r.c) {
		snprintf(err, (size_t)errlen, "out of memory measuring the master");
		rc = ST_INPUT;
	} else {
		rc = run_chain(&r, src, v, f, cancel, progress, err, errlen);
	}
	if (rc == ST_OK) {
		double tp = 0, sp = 0, x;
		for (unsigned ch = 0; ch < 2; ch++) {
			if (ebur128_true_peak(r.st, ch, &x) == EBUR128_SUCCESS && x > tp)
				tp = x;
			if (ebur128_sample_peak(r.st, ch, &x) == EBUR128_SUCCESS && x > sp)
				sp = x;
		}
		if (ebur128_loudness_global(r.st, &f->integrated) != EBUR128_SUCCESS)
			f->integrated = -INFINITY;
		if (ebur128_loudness_range(r.st, &f->lra) != EBUR128_SUCCESS)
			f->lra = 0;
		f->true_peak = db(tp > sp ? tp : sp);
		f->plr = f->true_peak - f->integrated;
		f->duration_s = (double)r.out / r.rate;
		f->series = r.series;
		f->nseries = r.nseries;
		r.series = NULL;
	}
	free(r.series);
	chain_free(r.c);
	if (r.st)
		ebur128_destroy(&r.st);
	free(r.buf);
	free(r.L);
	free(r.R);
	source_close(src);
	return rc;
}

void master_figures_free(struct master_figures *f)
{
	free(f->series);
	f->series = NULL;
	f->nseries = 0;
}
