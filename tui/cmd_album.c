/* lathe render album.ini / lathe render --album: render a release's tracks
 * in parallel through the chain, on a common loudness, then measure the
 * masters and say which track stands out. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audio/album.h"
#include "audio/album_report.h"
#include "audio/outplan.h"
#include "audio/analyze.h"
#include "audio/cue.h"
#include "audio/tags.h"
#include "audio/json.h"
#include "audio/paths.h"
#include "audio/preset.h"
#include "audio/render.h"
#include "audio/source.h"
#include "audio/status.h"
#include "audio/tonal.h"
#include "album_deliver.h"
#include "album_run.h"
#include "cli.h"

/* More limiting than this at the loudest moment is audible on most
 * material: say so when a target needs it (as lathe render does). */
#define GR_WARN_DB 6.0
/* ---- setting up --------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcasecmp(s + a - b, suffix);
}

/* The output name of a track: its own name, else the input's base name;
 * the extension from the name when it is one we write, else the album's
 * format, else the input's when we write it, else .wav. */
int album_output_path(char *buf, size_t size, const char *dir, const char *in,
		      const char *name, const char *format, int bits)
{
	char base[4096], ext[16] = "";
	const char *slash = strrchr(in, '/');

	if (name && *name) {
		snprintf(base, sizeof base, "%s", name);
		if (render_format_for(base, bits))
			return snprintf(buf, size, "%s/%s", dir, base) >= (int)size ? -1 : 0;
	} else {
		snprintf(base, sizeof base, "%s", slash ? slash + 1 : in);
		char *dot = strrchr(base, '.');
		if (dot && dot != base) {
			if (strlen(dot) < sizeof ext && render_format_for(dot, bits))
				snprintf(ext, sizeof ext, "%s", dot);
			*dot = 0;
		}
	}
	if (format && *format)
		snprintf(ext, sizeof ext, ".%s", format);
	else if (!ext[0])
		snprintf(ext, sizeof ext, ".wav");
	return snprintf(buf, size, "%s/%s%s", dir, base, ext) >= (int)size ? -1 : 0;
}

/* --tag on an album: what every track shares (over the album file's). */
static int cli_album_tags(const struct cli *c, struct album *al, char *err, int errlen)
{
	for (int i = 0; i < c->ntags; i++) {
		char key[32], value[TAG_VALUE_MAX + 8];
		tag_split(c->tags[i], key, sizeof key, value, sizeof value);
		char *dst = !strcmp(key, "artist") ? al->tags.artist : !strcmp(key, "date") ? al->tags.date
			  : !strcmp(key, "comment") ? al->tags.comment : !strcmp(key, "album") ? al->name : NULL;
		if (!dst) {
			snprintf(err, (size_t)errlen, "--tag %s: each track has its own; give it in an album file ([trackN] %s = ...)",
				 key, key);
			return ST_USAGE;
		}
		value[strcmp(key, "album") ? TAG_VALUE_MAX : sizeof al->name - 1] = 0;
		memcpy(dst, value, strlen(value) + 1);
	}
	return ST_OK;
}

/* The album as the command line describes it, or as its file does with
 * the command line on top (the command line wins). */
static int build_album(const struct cli *c, struct album *al, char *err, int errlen)
{
	int rc;

	if (c->nfiles == 1 && ends_with(c->files[0], ".ini")) {
		rc = album_load(c->files[0], c->preset, al, err, errlen);
		if (rc)
			return rc;
		for (int i = 0; i < al->ntracks; i++) {
			double *v = al->tracks[i].v;
			if (c->has_ceiling)
				v[P_LIMITER_CEILING] = c->ceiling;
			for (int k = 0; k < c->nsets; k++) {
				rc = param_set_from_string(c->sets[k], v, err, errlen);
				if (rc)
					return rc;
			}
		}
	} else {
		double v[P_COUNT];
		for (int i = 0; i < c->nfiles; i++)
			if (ends_with(c->files[i], ".ini")) {
				snprintf(err, (size_t)errlen, "%s: an album file is rendered on its own (lathe render %s)",
					 c->files[i], c->files[i]);
				return ST_USAGE;
			}
		rc = cli_params(c, v, err, errlen);
		if (rc)
			return rc;
		memset(al, 0, sizeof *al);
		al->tracks = calloc((size_t)c->nfiles, sizeof *al->tracks);
		if (!al->tracks) {
			snprintf(err, (size_t)errlen, "out of memory");
			return ST_INPUT;
		}
		al->ntracks = c->nfiles;
		for (int i = 0; i < c->nfiles; i++) {
			if (strlen(c->files[i]) >= sizeof al->tracks[i].file) {
				snprintf(err, (size_t)errlen, "%.400s: path too long", c->files[i]);
				return ST_USAGE;
			}
			snprintf(al->tracks[i].file, sizeof al->tracks[i].file, "%s", c->files[i]);
			memcpy(al->tracks[i].v, v, sizeof v);
		}
	}
	rc = cli_album_tags(c, al, err, errlen);
	if (rc)
		return rc;
	if (c->continuous)
		snprintf(al->continuous, sizeof al->continuous, "%s", c->continuous);
	if (c->has_target) {
		al->has_target = 1;
		al->target = c->target;
	}
	if (c->output)
		snprintf(al->outdir, sizeof al->outdir, "%s", c->output);
	if (!al->bits)
		al->bits = c->bits;
	if (!al->has_target) {
		snprintf(err, (size_t)errlen, "%.400s: an album render needs a loudness target (--target LUFS%s)",
			 al->path[0] ? al->path : "render --album", al->path[0] ? " or target = in [album]" : "");
		return ST_USAGE;
	}
	if (!al->outdir[0]) {
		snprintf(err, (size_t)errlen, "%.400s: no output folder (-o DIR%s)",
			 al->path[0] ? al->path : "render --album", al->path[0] ? " or output = in [album]" : "");
		return ST_USAGE;
	}
	return ST_OK;
}

/* The continuous file and its CUE sheet, when asked for. */
struct deliver {
	int has;
	char cont[4096], cue[4096];
	struct cue_track *t;
};

/* ---- the report --------------------------------------------------------- */

static void json_report(const struct album *al, const struct run *r,
			const struct track_figures *fig, const struct album_summary *s,
			double ceiling, const struct deliver *dv)
{
	FILE *f = stdout;
	fprintf(f, "{\"album\": ");
	if (al->name[0])
		json_string(f, al->name);
	else
		fprintf(f, "null");
	fprintf(f, ", \"album_file\": ");
	if (al->path[0])
		json_string(f, al->path);
	else
		fprintf(f, "null");
	fprintf(f, ", \"mode\": \"%s\", \"target_lufs\": %.2f, \"ceiling_dbtp\": %.2f, ",
		r->mode == ALBUM_MODE_ALBUM ? "album" : "track", r->target, ceiling);
	if (r->mode == ALBUM_MODE_ALBUM)
		fprintf(f, "\"gain_offset_db\": %.2f, ", r->offset);
	fprintf(f, "\"output\": ");
	json_string(f, al->outdir);
	fprintf(f, ", \"tracks_total\": %d, \"tracks_measured\": %d, ", r->n, s->n);
	if (dv->has) {
		fprintf(f, "\"continuous\": ");
		json_string(f, dv->cont);
		fprintf(f, ", \"cue\": ");
		json_string(f, dv->cue);
		fprintf(f, ", ");
	}
	album_json_summary(f, s);
	fprintf(f, ",\n \"tracks\": [\n");
	for (int i = 0; i < r->n; i++) {
		const struct job *j = &r->jobs[i];
		fprintf(f, "  {\"track\": %d, \"input\": ", i + 1);
		json_string(f, j->in);
		fprintf(f, ", \"file\": ");
		json_string(f, j->out);
		if (j->rc || !fig[i].ok) {
			fprintf(f, ", \"status\": \"failed\", \"error\": ");
			json_string(f, j->rc == -1 ? "interrupted" : j->err);
		} else {
			if (dv->has) {
				char msf[32];
				cue_msf(msf, sizeof msf, dv->t[i].index1);
				fprintf(f, ", \"start_frame\": %lld, \"silence_before_frames\": %lld, \"index_01\": \"%s\"",
					(long long)dv->t[i].start, (long long)dv->t[i].silence, msf);
			}
			fprintf(f, ", \"status\": \"ok\", \"limiter_drive_db\": %.2f, \"limiter_gr_db\": %.2f, \"ceiling_dbtp\": %.2f, ",
				j->v[P_LIMITER_DRIVE], j->gr, j->v[P_LIMITER_CEILING]);
			album_json_figures(f, &fig[i]);
			fprintf(f, ", ");
			album_json_outliers(f, &fig[i]);
		}
		fprintf(f, "}%s\n", i + 1 < r->n ? "," : "");
	}
	fprintf(f, " ]}\n");
}

static int fail(int rc, const char *msg)
{
	fprintf(stderr, "lathe: %s\n", msg);
	return rc;
}

/* Every track's job, and every check that can fail before any audio is
 * written: output names and formats, tags, inputs against outputs, the
 * audio, one rate for a continuous file, the output folder. */
/* The file's own output folder stays below the file's folder, links
 * resolved (a "masters" that is a symlink to /etc is refused), checked
 * before any folder is made.  -o on the command line goes anywhere. */
static int confine_outdir(const struct cli *c, const struct album *al, char *err, int errlen)
{
	char adir[4096];
	char *slash;

	if (!al->path[0] || c->output)
		return ST_OK;
	snprintf(adir, sizeof adir, "%s", al->path);
	slash = strrchr(adir, '/');
	if (slash)
		slash[1] = 0;
	else
		snprintf(adir, sizeof adir, ".");
	if (path_within(al->outdir, adir))
		return ST_OK;
	snprintf(err, (size_t)errlen, "%.160s: output folder %.160s leads outside the album file's folder "
		 "(a symbolic link?): refused; -o DIR writes elsewhere", al->path, al->outdir);
	return ST_OUTPUT;
}

static int prepare(const struct cli *c, const struct album *al, struct run *r,
		   struct deliver *dv, char *err, int errlen)
{
	const char **ins = calloc((size_t)r->n + 2, sizeof *ins);
	const char **outs = calloc((size_t)r->n + 2, sizeof *outs);
	int rc = ST_OK, nout = r->n, rate0 = 0;

	if (!ins || !outs) {
		snprintf(err, (size_t)errlen, "out of memory");
		rc = ST_INPUT;
		goto out;
	}
	r->bits = al->bits;
	r->target = al->target;
	r->mode = al->mode;
	r->quiet = c->quiet;
	r->tty = !c->quiet && isatty(2);
	r->rate = c->rate;
	r->nthreads = c->jobs > 0 ? c->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (r->nthreads < 1)
		r->nthreads = 1;
	if (r->nthreads > r->n)
		r->nthreads = r->n;
	for (int i = 0; i < r->n && !rc; i++) {
		struct job *j = &r->jobs[i];
		const struct album_track *t = &al->tracks[i];
		j->index = i;
		j->in = t->file;
		/* From the track's place in the album, never from timing, so
		 * any --jobs gives the same samples. */
		j->seed = album_seed(i);
		j->fade_in_s = t->fade_in_s;
		j->fade_out_s = t->fade_out_s;
		memcpy(j->v, t->v, sizeof j->v);
		memcpy(j->v0, t->v, sizeof j->v0);
		if (album_output_path(j->out, sizeof j->out, al->outdir, t->file, t->output, al->format, al->bits)) {
			snprintf(err, (size_t)errlen, "%.400s: output path too long", t->file);
			rc = ST_USAGE;
		} else if (!render_format_for(j->out, al->bits)) {
			snprintf(err, (size_t)errlen, "%.400s: cannot write this format%s (use .wav, .flac or .aiff)",
				 j->out, al->bits == 32 ? " as 32-bit float" : "");
			rc = ST_USAGE;
		} else {
			rc = album_job_tags(j, al, i, err, errlen);
		}
		ins[i] = j->in;
		outs[i] = j->out;
	}
	if (rc)
		goto out;
	if ((dv->has = al->continuous[0] != 0)) {
		if (snprintf(dv->cont, sizeof dv->cont, "%s/%s", al->outdir, al->continuous) >= (int)sizeof dv->cont) {
			snprintf(err, (size_t)errlen, "%.400s: output path too long", al->continuous);
			rc = ST_USAGE;
			goto out;
		}
		album_cue_path(dv->cue, sizeof dv->cue, dv->cont);
		if (!render_format_for(dv->cont, al->bits)) {
			snprintf(err, (size_t)errlen, "%.400s: cannot write this format%s (use .wav, .flac or .aiff)",
				 dv->cont, al->bits == 32 ? " as 32-bit float" : "");
			rc = ST_USAGE;
			goto out;
		}
		ins[r->n] = ins[r->n + 1] = ins[0];
		outs[r->n] = dv->cont;
		outs[r->n + 1] = dv->cue;
		nout += 2;
	}
	/* Renders run side by side: no track may write over another's input,
	 * and no two tracks one file (compared by device and inode). */
	rc = outplan_check(nout, ins, outs, "track", err, errlen);
	if (!rc)
		rc = album_check_audio(al, err, errlen);
	for (int i = 0; i < r->n && !rc; i++) {
		struct source *src;
		if (source_open(&src, r->jobs[i].in, err, errlen) != ST_OK)
			continue;
		r->jobs[i].seconds = (double)source_frames(src) / source_rate(src);
		if (dv->has && !r->rate && i && source_rate(src) != rate0) {
			snprintf(err, (size_t)errlen, "%s: track %d is at %d Hz, track 1 at %d Hz: one continuous file needs one rate (--rate HZ)",
				 r->jobs[i].in, i + 1, source_rate(src), rate0);
			rc = ST_USAGE;
		}
		if (!i)
			rate0 = source_rate(src);
		source_close(src);
	}
	if (!rc)
		rc = confine_outdir(c, al, err, errlen);
	if (!rc)
		rc = make_dirs(al->outdir, 0777, err, errlen);
out:
	free(ins);
	free(outs);
	return rc;
}

/* After the render: one line for the album's failures, the warnings.
 * Returns the worst status, 130 when interrupted. */
static int collect(const struct album *al, struct run *r, struct track_figures *fig)
{
	int worst = ST_OK, finished = 0, nfailed = 0, first_failed = 0;

	for (int i = 0; i < r->n; i++) {
		struct job *j = &r->jobs[i];
		fig[i] = j->fig;
		fig[i].name = j->out + strlen(al->outdir) + 1;
		if (j->rc == -1)
			continue;
		if (j->rc) {
			/* One line for the album: the first track that failed,
			 * and how many did (a full disk fails them all at once). */
			if (!worst) {
				worst = j->rc;
				first_failed = i;
			}
			nfailed++;
			continue;
		}
		finished++;
		if (!fig[i].ok) {
			fprintf(stderr, "lathe: track %d: wrote %s but cannot measure it: %s\n", i + 1, j->out, j->err);
			continue;
		}
		if (j->gr > GR_WARN_DB)
			fprintf(stderr, "lathe: warning: track %d (%s): reaching %.1f LUFS takes up to %.1f dB of limiting (more than %.0f dB): expect audible distortion\n",
				i + 1, j->in, r->mode == ALBUM_MODE_ALBUM ? j->lufs : r->target, j->gr, GR_WARN_DB);
		if (fig[i].a.true_peak_dbtp > j->v[P_LIMITER_CEILING] + 0.05)
			fprintf(stderr, "lathe: warning: track %d (%s): true peak %.2f dBTP is above the ceiling %.1f dBTP\n",
				i + 1, j->out, fig[i].a.true_peak_dbtp, j->v[P_LIMITER_CEILING]);
	}
	if (nfailed == 1)
		fprintf(stderr, "lathe: track %d: %s\n", first_failed + 1, r->jobs[first_failed].err);
	else if (nfailed > 1)
		fprintf(stderr, "lathe: track %d: %s (%d tracks failed)\n", first_failed + 1,
			r->jobs[first_failed].err, nfailed);
	if (atomic_load(&album_cancelled)) {
		fprintf(stderr, "lathe: album render interrupted: %d of %d tracks finished; the others left nothing behind\n",
			finished, r->n);
		return 130;
	}
	return worst;
}

static void text_report(const struct album *al, const struct run *r, const struct track_figures *fig,
			const struct album_summary *s, double ceiling, const struct deliver *dv)
{
	printf("album%s%s: %d tracks into %s, %s, target %.1f LUFS, ceiling %.1f dBTP",
	       al->name[0] ? " " : "", al->name, r->n, al->outdir,
	       r->mode == ALBUM_MODE_ALBUM ? "one gain for the album" : "each track on the target",
	       r->target, ceiling);
	if (r->mode == ALBUM_MODE_ALBUM)
		printf(", album gain %+.2f dB", r->offset);
	printf("\n");
	if (dv->has)
		printf("continuous: %s and its CUE sheet %s\n", dv->cont, dv->cue);
	printf("\n");
	album_print_table(stdout, fig, r->n, s);
}

int album_main(const struct cli *c)
{
	struct album al = { 0 };
	struct run r = { 0 };
	struct deliver dv = { 0 };
	struct sigaction sa = { .sa_handler = album_on_signal };
	struct track_figures *fig = NULL;
	struct album_summary s;
	char err[ERRLEN];
	int rc;

	rc = build_album(c, &al, err, sizeof err);
	if (rc) {
		album_free(&al);
		return fail(rc, err);
	}
	r.n = al.ntracks;
	r.jobs = calloc((size_t)r.n, sizeof *r.jobs);
	fig = calloc((size_t)r.n, sizeof *fig);
	dv.t = calloc((size_t)r.n, sizeof *dv.t);
	if (!r.jobs || !fig || !dv.t) {
		rc = fail(ST_INPUT, "out of memory");
		goto out;
	}
	rc = prepare(c, &al, &r, &dv, err, sizeof err);
	if (rc) {
		fail(rc, err);
		goto out;
	}
	atomic_store(&album_cancelled, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* An SSH drop mid-render must clean up too, unless nohup asked for
	 * the render to outlive the session. */
	{
		struct sigaction old_hup;
		if (sigaction(SIGHUP, NULL, &old_hup) == 0 && old_hup.sa_handler != SIG_IGN)
			sigaction(SIGHUP, &sa, NULL);
	}
	if (r.mode == ALBUM_MODE_ALBUM) {
		rc = album_offset(&r, err, sizeof err);
		if (rc == -1 || (rc && atomic_load(&album_cancelled))) {
			rc = fail(130, "album render interrupted; nothing written");
			goto out;
		}
		if (rc) {
			fail(rc, err);
			goto out;
		}
	}
	r.work = album_render_job;
	album_run_all(&r, "rendering");
	rc = collect(&al, &r, fig);
	if (rc)
		goto out;
	if (dv.has) {
		rc = album_continuous(&al, &r, dv.cont, dv.cue, dv.t, err, sizeof err);
		if (rc) {
			rc = fail(rc == -1 ? 130 : rc, err);
			goto out;
		}
	}
	if (c->manifest) {
		rc = album_manifest(c->manifest, &al, &r, dv.has ? dv.cont : NULL, dv.has ? dv.cue : NULL,
				    err, sizeof err);
		if (rc) {
			fail(rc, err);
			goto out;
		}
	}
	album_compare(fig, r.n, &s);
	double ceiling = c->has_ceiling ? c->ceiling : al.has_ceiling ? al.ceiling
				: param_table[P_LIMITER_CEILING].def;
	if (c->json)
		json_report(&al, &r, fig, &s, ceiling, &dv);
	else if (!c->quiet)
		text_report(&al, &r, fig, &s, ceiling, &dv);
	fflush(stdout);
out:
	free(r.jobs);
	free(fig);
	free(dv.t);
	album_free(&al);
	return rc;
}
