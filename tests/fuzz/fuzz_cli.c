/* libFuzzer harness: the command line.  The input is split at newlines
 * into arguments after "lathe" (so the seeds are text).  cli_parse must return an exit status or
 * -1, keep within its tables, and when it goes on, cli_params must either
 * refuse with one line or give in-range parameters.  Run it with
 * -close_fd_mask=3: the messages on stderr are expected. */
#include <getopt.h>
#include <math.h>

#include "audio/status.h"
#include "fuzz_common.h"
#include "tui/cli.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

#define MAX_ARGS 400

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup_dir();
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	static char *argv[MAX_ARGS + 2];
	static char *dummy[] = { (char *)"lathe", NULL };
	struct cli c;
	char *buf, msg[ERRLEN];
	double v[P_COUNT];
	int argc = 1, rc;

	buf = malloc(n + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, n);
	buf[n] = 0;
	argv[0] = (char *)"lathe";
	for (char *p = buf; p && argc < MAX_ARGS;) {
		argv[argc++] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = 0;
	}
	if (n == 0)
		argc = 1;
	argv[argc] = NULL;

	/* getopt keeps its place inside the last argument between calls; a
	 * real lathe parses once, so start each run from a clean state. */
	optind = 0;
	getopt(1, dummy, "");

	rc = cli_parse(&c, argc, argv);
	FUZZ_CHECK(rc == -1 || rc == ST_OK || rc == ST_USAGE, "cli_parse returned %d", rc);
	if (rc == -1) {
		FUZZ_CHECK(c.nsets >= 0 && c.nsets <= CLI_MAX_SETS, "%d sets", c.nsets);
		FUZZ_CHECK(c.nfiles >= 0 && c.nfiles <= CLI_MAX_FILES, "%d files", c.nfiles);
		FUZZ_CHECK(c.bits == 16 || c.bits == 24 || c.bits == 32, "bits %d", c.bits);
		FUZZ_CHECK(!c.has_target || (c.target >= -60 && c.target <= 0), "target %g", c.target);
		FUZZ_CHECK(c.jobs >= 0 && c.jobs <= 256, "jobs %d", c.jobs);
		msg[0] = 0;
		rc = cli_params(&c, v, msg, sizeof msg);
		if (rc) {
			FUZZ_CHECK(rc == ST_USAGE || rc == ST_INPUT, "cli_params returned %d", rc);
			fuzz_check_msg(msg, sizeof msg);
		} else {
			for (int i = 0; i < P_COUNT; i++)
				FUZZ_CHECK(isfinite(v[i]) && v[i] >= param_table[i].min &&
					   v[i] <= param_table[i].max, "parameter %d = %g", i, v[i]);
		}
	}
	free(buf);
	return 0;
}
