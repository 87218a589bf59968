/* Loads a keymap file over the defaults the way the console does and
 * prints the outcome: "ok" or the error line.  Exit status: the ST_* that
 * keymap_load returned.  usage: hx_keymap FILE */
#include <stdio.h>

#include "audio/status.h"
#include "tui/keymap.h"

int main(int argc, char **argv)
{
	struct keymap k;
	char err[ERRLEN];
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: hx_keymap FILE\n");
		return 1;
	}
	keymap_defaults(&k);
	rc = keymap_load(&k, argv[1], err, sizeof err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	else
		printf("ok\n");
	return rc;
}
