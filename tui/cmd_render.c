/* lathe render: offline render through the chain, from the command line. */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/analyze.h"
#include "audio/outplan.h"
#include "audio/render.h"
#include "audio/codec.h"
#include "audio/manifest.h"
#include "audio/sha256.h"
#include "audio/status.h"
#include "audio/sweep.h"
#include "audio/tags.h"
#include "cli.h"

/* More limiting than this at the loudest moment is audible on most
 * material: say so when a target needs it. */
#define GR_WARN_DB 6.0

static atomic_int cancelled;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&cancelled, 1);
}

struct progress {
	const char *name;
	const char *phase; /* of a --target render: measuring, searching, writing */
	int shown;
};

static void show_progress(void *ctx, double f)
{
	struct progress *p = ctx;
	char bar[41];
	int n = (int)(f * 40);

	for (int i = 0; i < 40; i++)
		bar[i] = i < n ? '#' : '.';
	bar[40] = 0;
	fprintf(stderr, "\r%-24.24s %-9s [%s] %3d%%", p->name, p->phase, bar, (int)(f * 100));
	p->shown = 1;
}

static void show_phase(void *ctx, const char *name)
{
	struct progress *p = ctx;
	p->phase = name;
}

/* OUT for IN when -o names a folder: same base name, a format we write. */
static void out_in_folder(char *buf, size_t n, const char *dir, const char *in, int bits)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", in);
	char *base = basename(tmp);
	char *dot = strrchr(base, '.');
	char ext[16] = ".wav";
	if (dot && strlen(dot) < sizeof ext) {
		snprintf(ext, sizeof ext, "%s", dot);
		if (!render_format_for(ext, bits))
			snprintf(ext, sizeof ext, ".wav");
		*dot = 0;
	}
	snprintf(buf, n, "%s/%s%s", dir, base, ext);
}

/* The manifest of a finished render: hashes of both files. */
static int write_manifest(const struct cli *c, const char *in, const char *out,
			  const double v0[P_COUNT], double drive, char *err, int errlen)
{
	struct manifest *m = calloc(1, sizeof *m);
	int rc;

	if (!m) {
		snprintf(err, (size_t)errlen, "%s: out of memory", c->manifest);
		return ST_OUTPUT;
	}
	if (!realpath(in, m->input))
		snprintf(m->input, sizeof m->input, "%s", in);
	if (!realpath(out, m->output))
		snprintf(m->output, sizeof m->output, "%s", out);
	if (sha256_file(in, m->input_sha256) || sha256_file(out, m->output_sha256)) {
		snprintf(err, (size_t)errlen, "%s: cannot read back for the manifest: %s", out, strerror(errno));
		free(m);
		return ST_OUTPUT;
	}
	memcpy(m->v, v0, sizeof m->v);
	m->bits = c->bits;
	m->rate = c->rate;
	m->has_target = c->has_target;
	m->target_lufs = c->target;
	m->target_stop = c->target_stop;
	m->sweep_max = c->sweep_max;
	m->sweep_step = c->sweep_step;
	m->drive_used = drive;
	for (int i = 0; i < c->ntags && i < MANIFEST_MAX_TAGS; i++)
		snprintf(m->tags[m->ntags++], sizeof m->tags[0], "%s", c->tags[i]);
	rc = manifest_write(c->manifest, m, err, errlen);
	free(m);
	return rc;
}

static int render_plain(const struct cli *c, const char *in, const char *out,
			const double v0[P_COUNT])
{
	double v[P_COUNT];
	char err[ERRLEN];
	struct progress pr = { in, "", 0 };
	struct render_opts o = { .bits = c->bits, .cancel = &cancelled, .rate = c->rate,
				 .tags = c->tags, .ntags = c->ntags };
	int rc;
	double lufs = NAN, gr = 0;

	memcpy(v, v0, sizeof v);
	rc = tags_check_output(out, c->tags, c->ntags, err, sizeof err);
	if (rc)
		goto fail;
	if (!c->quiet && isatty(2)) {
		o.progress = show_progress;
		o.phase = show_phase;
		o.ctx = &pr;
	}
	if (c->target_stop) {
		struct sweep sw;
		struct sweep_opts so = { .rate = c->rate, .max_db = c->sweep_max, .step_db = c->sweep_step,
					 .jobs = c->jobs, .cancel = &cancelled };
		rc = sweep_run(in, v, &so, &sw, err, sizeof err);
		if (rc)
			goto fail;
		v[P_LIMITER_DRIVE] = sw.stop_drive_db;
		lufs = sw.steps[sw.stop].integrated_lufs;
		sweep_free(&sw);
	}
	if (c->has_target) {
		rc = render_file_target(in, out, v, c->target, &o, &lufs, &gr, err, sizeof err);
		if (pr.shown)
			fprintf(stderr, "\r%80s\r", "");
		if (rc)
			goto fail;
		if (gr > GR_WARN_DB && c->quiet < 2)
			fprintf(stderr, "lathe: warning: %s: reaching %.1f LUFS takes up to %.1f dB of limiting (more than %.0f dB): expect audible distortion; consider a lower target\n",
				in, c->target, gr, GR_WARN_DB);
	} else {
		rc = render_file(in, out, v, &o, NULL, err, sizeof err);
		if (pr.shown)
			fprintf(stderr, "\r%80s\r", "");
		if (rc)
			goto fail;
	}
	if (c->manifest) {
		rc = write_manifest(c, in, out, v0, v[P_LIMITER_DRIVE], err, sizeof err);
		if (rc)
			goto fail;
	}
	if (!c->quiet) {
		if (c->has_target)
			fprintf(stderr, "lathe: wrote %s: %.2f LUFS integrated (target %.1f), limiter drive %+.2f dB, peak limiting %.1f dB\n",
				out, lufs, c->target, v[P_LIMITER_DRIVE], gr);
		else if (c->target_stop)
			fprintf(stderr, "lathe: wrote %s: limiter drive %+.1f dB, where the sweep says more stops paying (%.2f LUFS)\n",
				out, v[P_LIMITER_DRIVE], lufs);
		else
			fprintf(stderr, "lathe: wrote %s\n", out);
	}
	return ST_OK;
fail:
	if (rc == -1) {
		fprintf(stderr, "lathe: %s\n", err);
		return 130;
	}
	fprintf(stderr, "lathe: %s\n", err);
	return rc;
}

/* --codec-safe: render, decode the master from the codec, and lower the
 * ceiling by what the decoded true peak overshoots, until it holds (the
 * loudness target, if any, is searched again at each ceiling). */
#define CODEC_SAFE_TRIES 6
#define CODEC_SAFE_MARGIN_DB 0.05

static int render_codec_safe(const struct cli *c, const char *in, const char *out,
			     const double v0[P_COUNT])
{
	struct cli q = *c;
	struct codec codec;
	double v[P_COUNT], want = v0[P_LIMITER_CEILING], tp = NAN;
	const double floor_db = param_table[P_LIMITER_CEILING].min;
	char err[ERRLEN], tmp[4200], name[32];
	const char *dir = getenv("TMPDIR");
	int rc = ST_OK, fd, held = 0;

	codec_parse(c->codec_safe, &codec, err, sizeof err);
	codec_name(&codec, name, sizeof name);
	memcpy(v, v0, sizeof v);
	q.quiet = 2;  /* the trial renders say nothing, warnings neither */
	q.manifest = NULL;
	q.codec_safe = NULL;
	snprintf(tmp, sizeof tmp, "%s/lathe-codecsafe-XXXXXX.wav", dir && *dir ? dir : "/tmp");
	fd = mkstemps(tmp, 4);
	if (fd < 0) {
		fprintf(stderr, "lathe: %s: cannot make a temporary file: %s\n", tmp, strerror(errno));
		return ST_OUTPUT;
	}
	close(fd);
	for (int it = 0; it < CODEC_SAFE_TRIES; it++) {
		rc = render_plain(&q, in, tmp, v);
		if (rc)
			break;
		rc = codec_true_peak_file(tmp, &codec, &tp, err, sizeof err);
		if (rc) {
			fprintf(stderr, "lathe: %s\n", err);
			break;
		}
		if (tp <= want) {
			held = 1;
			break;
		}
		if (v[P_LIMITER_CEILING] <= floor_db)
			break;
		v[P_LIMITER_CEILING] -= tp - want + CODEC_SAFE_MARGIN_DB;
		if (v[P_LIMITER_CEILING] < floor_db)
			v[P_LIMITER_CEILING] = floor_db;
	}
	unlink(tmp);
	if (rc)
		return rc;
	if (!held) {
		fprintf(stderr, "lathe: %s: no ceiling down to %.1f dBTP keeps the %s decode under %.1f dBTP (it peaks at %.2f)\n",
			in, v[P_LIMITER_CEILING], name, want, tp);
		return ST_USAGE;
	}
	q.quiet = c->quiet;
	q.manifest = c->manifest;
	rc = render_plain(&q, in, out, v);
	if (rc == ST_OK && !c->quiet)
		fprintf(stderr, "lathe: codec-safe for %s: ceiling %.2f dBTP (lowered %.2f dB), the decode peaks at %.2f dBTP\n",
			name, v[P_LIMITER_CEILING], want - v[P_LIMITER_CEILING], tp);
	return rc;
}

int render_cli_one(const struct cli *c, const char *in, const char *out,
		   const double v0[P_COUNT])
{
	return c->codec_safe ? render_codec_safe(c, in, out, v0) : render_plain(c, in, out, v0);
}

int render_main(const struct cli *c)
{
	double v[P_COUNT];
	char err[ERRLEN];
	struct stat st;
	struct sigaction sa = { .sa_handler = on_signal };
	int rc, worst = ST_OK;

	size_t n0 = c->nfiles ? strlen(c->files[0]) : 0;
	if (c->manifest && c->nfiles > 1 && !c->album) {
		fprintf(stderr, "lathe: --manifest describes one render or one album: give one input, or --album (see lathe --help)\n");
		return ST_USAGE;
	}
	if (c->album || (c->nfiles == 1 && n0 > 4 && !strcmp(c->files[0] + n0 - 4, ".ini")))
		return album_main(c);
	if (c->nfiles == 0 || !c->output) {
		fprintf(stderr, "lathe: render needs IN... and -o OUT (see lathe --help)\n");
		return ST_USAGE;
	}
	rc = cli_params(c, v, err, sizeof err);
	if (rc) {
		fprintf(stderr, "lathe: %s\n", err);
		return rc;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* An SSH drop mid-render must clean up too, unless nohup asked for
	 * the render to outlive the session. */
	{
		struct sigaction old_hup;
		if (sigaction(SIGHUP, NULL, &old_hup) == 0 && old_hup.sa_handler != SIG_IGN)
			sigaction(SIGHUP, &sa, NULL);
	}
	int folder = c->nfiles > 1 || c->album ||
		     (stat(c->output, &st) == 0 && S_ISDIR(st.st_mode));
	if (folder && (stat(c->output, &st) != 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "lathe: %s: %s\n", c->output,
			errno == ENOENT ? "no such folder (several inputs need -o FOLDER)" : "is not a folder");
		return ST_OUTPUT;
	}
	/* Every output is named and checked against every input and every
	 * other output before the first one is written. */
	char (*outs)[4096] = calloc((size_t)c->nfiles, sizeof *outs);
	const char **outp = calloc((size_t)c->nfiles, sizeof *outp);
	if (!outs || !outp) {
		free(outs);
		free(outp);
		fprintf(stderr, "lathe: out of memory\n");
		return ST_OUTPUT;
	}
	for (int i = 0; i < c->nfiles; i++) {
		if (folder)
			out_in_folder(outs[i], sizeof outs[i], c->output, c->files[i], c->bits);
		else
			snprintf(outs[i], sizeof outs[i], "%s", c->output);
		outp[i] = outs[i];
	}
	rc = outplan_check(c->nfiles, (const char *const *)c->files, outp, "input", err, sizeof err);
	if (rc) {
		fprintf(stderr, "lathe: %s\n", err);
		worst = rc;
		goto out;
	}
	for (int i = 0; i < c->nfiles; i++) {
		rc = render_cli_one(c, c->files[i], outs[i], v);
		if (rc == 130) {
			worst = rc;
			break;
		}
		if (rc && !worst)
			worst = rc;
	}
out:
	free(outs);
	free(outp);
	return worst;
}
