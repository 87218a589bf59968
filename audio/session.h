/* The console's session: what an SSH drop must not lose.  On SIGHUP or
 * SIGTERM (and now and then while tweaking) the settings, the file and the
 * position are saved under $XDG_STATE_HOME/lathe/ (default
 * ~/.local/state/lathe/), one file per input, and the next start on the
 * same input offers them back. */
#ifndef LATHE_SESSION_H
#define LATHE_SESSION_H
#include <time.h>
#include "dsp/params.h"

struct session {
	char file[4096];    /* absolute path of the input; "" for the demo mix */
	double position_s;
	double loop_a, loop_b; /* b <= a: no loop */
	char preset[256];   /* name of the preset last loaded or saved; "" none */
	double v[P_COUNT];
	time_t saved_at;
};

/* The state folder, created 0700 (with parents) when create is set.
 * ST_OK or ST_OUTPUT: there is no home to put it in (no fallback to a
 * shared folder), or it is a symlink or another user's folder (refused).
 * A folder that does not exist yet is fine without create. */
int session_dir(char *buf, int size, int create);
/* The same with the reason in err. */
int session_dir_err(char *buf, int size, int create, char *err, int errlen);
/* The session file of an input (NULL or "" for the demo mix).  The input
 * is named by its real path, so ./a.wav and /x/a.wav are the same. */
int session_path(const char *file, char *buf, int size);
/* Atomic: a crash mid-save leaves the previous session.  ST_OK or
 * ST_OUTPUT with a message. */
int session_save(const struct session *s, char *err, int errlen);
/* ST_OK; ST_INPUT when there is no session for that input or it is
 * unreadable (message in err). */
int session_load(const char *file, struct session *s, char *err, int errlen);
void session_remove(const char *file);
#endif
