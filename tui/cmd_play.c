/* `lathe play`: the engine without the console.  One status line on
 * stderr when it is a terminal; Ctrl-C stops with a fade. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio/engine.h"
#include "audio/render.h"
#include "audio/status.h"
#include "cli.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void fmt_time(char *b, size_t n, double s)
{
	if (s < 0)
		s = 0;
	snprintf(b, n, "%d:%04.1f", (int)(s / 60), fmod(s, 60.0));
}

static void fmt_lufs(char *b, size_t n, float v)
{
	if (isfinite(v) && v > -70)
		snprintf(b, n, "%5.1f", v);
	else
		snprintf(b, n, "  -  ");
}

static void status_line(const struct engine_meters *m, double dur)
{
	char pos[16], len[16], mo[16], st[16];
	float tp = m->true_peak_db[0] > m->true_peak_db[1] ? m->true_peak_db[0] : m->true_peak_db[1];

	fmt_time(pos, sizeof pos, m->pos_s);
	fmt_time(len, sizeof len, dur);
	fmt_lufs(mo, sizeof mo, m->momentary_lufs);
	fmt_lufs(st, sizeof st, m->short_term_lufs);
	fprintf(stderr, "\r%s / %s  M %s  S %s LUFS  TP %5.1f dBTP  GR %4.1f dB  xruns %u\033[K",
		pos, len, mo, st, tp < -99 ? -99.9f : tp, m->limiter_gr_db, m->underruns);
	fflush(stderr);
}

int play_main(const struct cli *c)
{
	double v[P_COUNT];
	char err[ERRLEN];
	struct engine *e;
	struct engine_info info;
	struct engine_meters m;
	struct engine_stats st;
	int rc, tty = isatty(2) && !c->quiet;

	if (c->nfiles != 1) {
		fprintf(stderr, "lathe play: give exactly one file to play\n");
		return ST_USAGE;
	}
	const char *file = c->files[0];
	if ((rc = cli_params(c, v, err, sizeof err)) != ST_OK) {
		fprintf(stderr, "lathe: %s\n", err);
		return rc;
	}
	if (c->has_target) {
		/* Find the same drive the render would, so what is heard is
		 * still what --target renders. */
		double lufs, gr;
		rc = render_find_drive(file, v, c->target, &lufs, &gr, NULL, err, sizeof err);
		if (rc != ST_OK) {
			fprintf(stderr, "lathe: %s\n", err);
			return rc;
		}
	}
	struct engine_opts o = { c->device, c->device != NULL, c->latency_ms };
	if ((rc = engine_open(&e, &o, err, sizeof err)) != ST_OK) {
		fprintf(stderr, "lathe: %s\n", err);
		return rc;
	}
	for (int i = 0; i < P_COUNT; i++)
		engine_set_param(e, i, v[i]);
	if ((rc = engine_load(e, file, err, sizeof err)) != ST_OK) {
		fprintf(stderr, "lathe: %s\n", err);
		engine_close(e);
		return rc;
	}
	engine_get_info(e, &info);
	if (info.silent_sink && !c->quiet)
		fprintf(stderr, "lathe: no audio device could be opened: metering only\n");
	if (c->seconds > 0)
		engine_set_end(e, c->seconds);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	engine_play(e);
	int stopping = 0;
	struct timespec tick = { 0, 50 * 1000000L };
	for (;;) {
		nanosleep(&tick, NULL);
		if (interrupted && !stopping) {
			engine_stop(e);
			stopping = 1;
		}
		int fresh = engine_read_meters(e, &m);
		if (fresh && tty)
			status_line(&m, info.duration_s);
		engine_get_info(e, &info);
		engine_get_stats(e, &st);
		if (info.error[0])
			break;
		if (engine_transport(e) == TR_STOPPED && (st.frames_written > 0 || stopping))
			break;
	}
	if (tty)
		fputc('\n', stderr);
	engine_get_info(e, &info);
	engine_get_stats(e, &st);
	engine_read_meters(e, &m);
	rc = ST_OK;
	if (info.error[0]) {
		fprintf(stderr, "lathe: %s\n", info.error);
		/* A failed read is the input's fault; anything else the device's. */
		rc = strstr(info.error, info.source) == info.error ? ST_INPUT : ST_DEVICE;
	} else if (!c->quiet) {
		double played = (double)st.frames_written / info.rate;
		fprintf(stderr, "lathe: played %.1f s on %s at %u Hz (period %u, buffer %u frames): "
			"first sample %.0f ms after loading, audio thread %.2f%% of a core (%.2f%% producing audio), %u underruns\n",
			played, info.device, info.rate, info.period_frames, info.buffer_frames,
			st.first_sample_ms, played > 0 ? 100.0 * st.cpu_s / played : 0.0,
			played > 0 ? 100.0 * st.work_s / played : 0.0, m.underruns);
	}
	engine_close(e);
	return rc;
}
