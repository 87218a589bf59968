#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "audio/status.h"
#include "cli.h"
#include "tui/safe_stderr.h"

/* A report, the help or the version that did not all reach standard
 * output (a full disk, /dev/full, a closed pipe) is a failed command:
 * stdio only tells at the final flush, so every exit path comes here. */
static int finish_stdout(int rc)
{
	int e = 0;

	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		e = errno ? errno : EIO;
	if (fclose(stdout) != 0 && !e && errno != EBADF)
		e = errno ? errno : EIO;
	if (!e)
		return rc;
	fprintf(stderr, "lathe: standard output: %s\n", strerror(e));
	return rc ? rc : ST_OUTPUT;
}

int main(int argc, char **argv)
{
	struct cli c;
	int rc;

	/* LC_CTYPE only: the console needs to know about UTF-8, but numbers
	 * must keep the C locale's '.' everywhere (INI files, --set). */
	setlocale(LC_CTYPE, "");
	safe_stderr_install();
	rc = cli_parse(&c, argc, argv);
	if (rc >= 0)
		return finish_stdout(rc);
	switch (c.cmd) {
	case CMD_PLAY: rc = play_main(&c); break;
	case CMD_RENDER: rc = render_main(&c); break;
	case CMD_ANALYZE: rc = analyze_main(&c); break;
	case CMD_SWEEP: rc = sweep_main(&c); break;
	case CMD_VERIFY: rc = verify_main(&c); break;
	default: rc = console_main(&c); break;
	}
	return finish_stdout(rc);
}
