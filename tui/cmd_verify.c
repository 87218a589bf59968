/* lathe verify MANIFEST: render again from what a manifest recorded and
 * say whether the master is still exactly what it names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libgen.h>

#include "audio/manifest.h"
#include "audio/manifest_album.h"
#include "album_deliver.h"
#include "audio/sha256.h"
#include "audio/status.h"
#include "cli.h"

/* The same file name in the temporary folder (the CUE sheet names the
 * continuous file by its last name). */
static void in_dir(char *buf, size_t size, const char *dir, const char *path)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", path);
	snprintf(buf, size, "%.1000s/%.2000s", dir, basename(tmp));
}

/* 0 when the new file and the one on disk are both what the manifest
 * recorded; else 6 (or the read error) with one line saying which. */
static int compare(const char *fresh, const char *disk, const char *want)
{
	char sha[65];
	if (sha256_file(fresh, sha)) {
		fprintf(stderr, "lathe: cannot read back the new render of %s\n", disk);
		return ST_OUTPUT;
	}
	if (strcmp(sha, want)) {
		fprintf(stderr, "lathe: %s: DIFFERS: rendering again gives other bytes (SHA-256 %.12s..., the manifest says %.12s...)\n",
			disk, sha, want);
		return 6;
	}
	if (sha256_file(disk, sha)) {
		fprintf(stderr, "lathe: %s: cannot read the file the manifest names: %s\n", disk, strerror(errno));
		return ST_INPUT;
	}
	if (strcmp(sha, want)) {
		fprintf(stderr, "lathe: %s: DIFFERS: the file has changed since the render (SHA-256 %.12s..., was %.12s...)\n",
			disk, sha, want);
		return 6;
	}
	return ST_OK;
}

/* The album from its manifest, as album_continuous and the runner need it. */
static int album_from(const struct manifest_album *m, struct album *al, struct run *r,
		      const char *dir)
{
	memset(al, 0, sizeof *al);
	al->tracks = calloc((size_t)m->ntracks, sizeof *al->tracks);
	r->jobs = calloc((size_t)m->ntracks, sizeof *r->jobs);
	if (!al->tracks || !r->jobs)
		return -1;
	al->ntracks = r->n = m->ntracks;
	snprintf(al->name, sizeof al->name, "%s", m->name);
	snprintf(al->tags.artist, sizeof al->tags.artist, "%s", m->artist);
	snprintf(al->tags.date, sizeof al->tags.date, "%s", m->date);
	for (int i = 0; i < m->ntracks; i++) {
		const struct manifest_track *t = &m->tracks[i];
		struct job *j = &r->jobs[i];
		al->tracks[i].gap_s = t->gap_s;
		snprintf(al->tracks[i].tags.title, sizeof al->tracks[i].tags.title, "%s", t->title);
		snprintf(al->tracks[i].tags.artist, sizeof al->tracks[i].tags.artist, "%s", t->performer);
		snprintf(al->tracks[i].tags.isrc, sizeof al->tracks[i].tags.isrc, "%s", t->isrc);
		j->index = i;
		j->in = t->input;
		in_dir(j->out, sizeof j->out, dir, t->output);
		memcpy(j->v, t->v, sizeof j->v);
		j->seed = t->dither_seed;
		j->fade_in_s = t->fade_in_s;
		j->fade_out_s = t->fade_out_s;
		for (int k = 0; k < t->ntags; k++)
			j->tags[j->ntags++] = t->tags[k];
	}
	r->bits = m->bits;
	r->rate = m->rate;
	r->fixed = 1;
	return 0;
}

/* lathe verify ALBUM-MANIFEST: every track rendered again at the settings
 * it was rendered with (the drive its search chose), into a temporary
 * folder, the continuous file joined again, and every file compared. */
static int verify_album(const struct cli *c, const char *path)
{
	struct manifest_album m;
	struct album al = { 0 };
	struct run r = { 0 };
	struct cue_track *ct = NULL;
	char err[ERRLEN], sha[65], dir[4200], cont[4300], cue[4300];
	const char *tmp = getenv("TMPDIR");
	int rc = manifest_album_read(path, &m, err, sizeof err);

	if (rc) {
		fprintf(stderr, "lathe: %s\n", err);
		return rc;
	}
	for (int i = 0; i < m.ntracks && !rc; i++) {
		if (sha256_file(m.tracks[i].input, sha)) {
			fprintf(stderr, "lathe: %s: cannot read the input the manifest names: %s\n", m.tracks[i].input, strerror(errno));
			rc = ST_INPUT;
		} else if (strcmp(sha, m.tracks[i].input_sha256)) {
			fprintf(stderr, "lathe: %s: DIFFERS: track %d's input is not the file the manifest was made from\n",
				m.tracks[i].input, i + 1);
			rc = 6;
		}
	}
	snprintf(dir, sizeof dir, "%s/lathe-verify-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!rc && !mkdtemp(dir)) {
		fprintf(stderr, "lathe: %s: cannot make a temporary folder: %s\n", dir, strerror(errno));
		rc = ST_OUTPUT;
	}
	if (rc)
		goto out_nodir;
	if (album_from(&m, &al, &r, dir) || !(ct = calloc((size_t)m.ntracks, sizeof *ct))) {
		fprintf(stderr, "lathe: out of memory\n");
		rc = ST_INPUT;
		goto out;
	}
	r.nthreads = c->jobs > 0 ? c->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (r.nthreads < 1)
		r.nthreads = 1;
	r.work = album_render_job;
	album_run_all(&r, "verifying");
	for (int i = 0; i < r.n && !rc; i++)
		if (r.jobs[i].rc) {
			fprintf(stderr, "lathe: track %d: %s\n", i + 1, r.jobs[i].err);
			rc = r.jobs[i].rc == -1 ? 130 : r.jobs[i].rc;
		}
	for (int i = 0; i < r.n && !rc; i++)
		rc = compare(r.jobs[i].out, m.tracks[i].output, m.tracks[i].output_sha256);
	if (!rc && m.continuous[0]) {
		in_dir(cont, sizeof cont, dir, m.continuous);
		in_dir(cue, sizeof cue, dir, m.cue);
		rc = album_continuous(&al, &r, cont, cue, ct, err, sizeof err);
		if (rc)
			fprintf(stderr, "lathe: %s\n", err);
		if (!rc)
			rc = compare(cont, m.continuous, m.continuous_sha256);
		if (!rc)
			rc = compare(cue, m.cue, m.cue_sha256);
		unlink(cont);
		unlink(cue);
	}
	if (!rc && !c->quiet)
		printf("%s: identical: rendering the %d tracks again gives the same bytes%s\n", path, r.n,
		       m.continuous[0] ? ", and the same continuous file and CUE sheet" : "");
out:
	for (int i = 0; i < r.n && r.jobs; i++)
		unlink(r.jobs[i].out);
	rmdir(dir);
out_nodir:
	free(ct);
	free(r.jobs);
	album_free(&al);
	manifest_album_free(&m);
	return rc;
}

int verify_main(const struct cli *c)
{
	struct manifest *m;
	struct cli rc_cli;
	char err[ERRLEN], sha[65], tmp[4200];
	const char *dir = getenv("TMPDIR"), *ext;
	int rc, fd;

	if (c->nfiles != 1) {
		fprintf(stderr, "lathe: verify needs one MANIFEST (see lathe --help)\n");
		return ST_USAGE;
	}
	if (manifest_is_album(c->files[0]))
		return verify_album(c, c->files[0]);
	m = malloc(sizeof *m);
	if (!m) {
		fprintf(stderr, "lathe: out of memory\n");
		return ST_INPUT;
	}
	rc = manifest_read(c->files[0], m, err, sizeof err);
	if (rc) {
		fprintf(stderr, "lathe: %s\n", err);
		free(m);
		return rc;
	}
	if (sha256_file(m->input, sha)) {
		fprintf(stderr, "lathe: %s: cannot read the input the manifest names: %s\n", m->input, strerror(errno));
		free(m);
		return ST_INPUT;
	}
	if (strcmp(sha, m->input_sha256)) {
		fprintf(stderr, "lathe: %s: DIFFERS: the input is not the file the manifest was made from (SHA-256 %.12s..., was %.12s...)\n",
			m->input, sha, m->input_sha256);
		free(m);
		return 6;
	}
	/* The same command, into a temporary file of the same format. */
	ext = strrchr(m->output, '.');
	snprintf(tmp, sizeof tmp, "%s/lathe-verify-XXXXXX%s", dir && *dir ? dir : "/tmp", ext && !strchr(ext, '/') ? ext : ".wav");
	fd = mkstemps(tmp, ext && !strchr(ext, '/') ? (int)strlen(ext) : 4);
	if (fd < 0) {
		fprintf(stderr, "lathe: %s: cannot make a temporary file: %s\n", tmp, strerror(errno));
		free(m);
		return ST_OUTPUT;
	}
	close(fd);
	memset(&rc_cli, 0, sizeof rc_cli);
	rc_cli.cmd = CMD_RENDER;
	rc_cli.quiet = 1;
	rc_cli.bits = m->bits;
	rc_cli.rate = m->rate;
	rc_cli.has_target = m->has_target;
	rc_cli.target = m->target_lufs;
	rc_cli.target_stop = m->target_stop;
	rc_cli.sweep_max = m->sweep_max;
	rc_cli.sweep_step = m->sweep_step;
	rc_cli.jobs = c->jobs;
	for (int i = 0; i < m->ntags && i < CLI_MAX_TAGS; i++)
		rc_cli.tags[rc_cli.ntags++] = m->tags[i];
	rc = render_cli_one(&rc_cli, m->input, tmp, m->v);
	if (rc) {
		unlink(tmp);
		free(m);
		return rc;
	}
	rc = sha256_file(tmp, sha);
	unlink(tmp);
	if (rc) {
		fprintf(stderr, "lathe: cannot read back the new render\n");
		free(m);
		return ST_OUTPUT;
	}
	if (strcmp(sha, m->output_sha256)) {
		fprintf(stderr, "lathe: %s: DIFFERS: rendering again gives other bytes (SHA-256 %.12s..., the manifest says %.12s...)\n",
			m->output, sha, m->output_sha256);
		free(m);
		return 6;
	}
	/* The render still comes out the same; is the file still that render? */
	if (sha256_file(m->output, sha)) {
		fprintf(stderr, "lathe: %s: cannot read the master the manifest names: %s\n", m->output, strerror(errno));
		free(m);
		return ST_INPUT;
	}
	if (strcmp(sha, m->output_sha256)) {
		fprintf(stderr, "lathe: %s: DIFFERS: the file has changed since the render (SHA-256 %.12s..., was %.12s...)\n",
			m->output, sha, m->output_sha256);
		free(m);
		return 6;
	}
	if (!c->quiet)
		printf("%s: identical: rendering %s again gives the same %s bytes (SHA-256 %s)\n",
		       c->files[0], m->input, m->output, sha);
	free(m);
	return ST_OK;
}
