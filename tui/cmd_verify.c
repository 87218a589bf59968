/* lathe verify MANIFEST: render again from what a manifest recorded and
 * say whether the master is still exactly what it names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/manifest.h"
#include "audio/sha256.h"
#include "audio/status.h"
#include "cli.h"

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
