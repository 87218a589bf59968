/* lathe verify MANIFEST: re-render from a manifest and compare. */
#include <stdio.h>

#include "audio/status.h"
#include "cli.h"

int verify_main(const struct cli *c)
{
	(void)c;
	fprintf(stderr, "lathe: verify: not built yet\n");
	return ST_USAGE;
}
