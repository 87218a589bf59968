#include <locale.h>
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
	struct cli c;
	int rc;

	/* LC_CTYPE only: the console needs to know about UTF-8, but numbers
	 * must keep the C locale's '.' everywhere (INI files, --set). */
	setlocale(LC_CTYPE, "");
	rc = cli_parse(&c, argc, argv);
	if (rc >= 0)
		return rc;
	switch (c.cmd) {
	case CMD_PLAY: return play_main(&c);
	case CMD_RENDER: return render_main(&c);
	case CMD_ANALYZE: return analyze_main(&c);
	case CMD_SWEEP: return sweep_main(&c);
	case CMD_VERIFY: return verify_main(&c);
	default: return console_main(&c);
	}
}
