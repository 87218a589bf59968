/* Standard error that cannot be used to drive the terminal: file and
 * device names reach messages as they are, and a name holding ESC ]0;...
 * or ESC [2J would retitle or clear the user's terminal, a newline would
 * forge a second message.  Every message still goes out whole, in one
 * write(2) per fprintf, with control bytes and bytes that are not UTF-8
 * shown as \xHH (a newline inside a message as \n); a message's final
 * newline, \r and \t pass, and so does ESC [K (erase to the end of the
 * line), the one sequence lathe's own progress lines use. */
#ifndef LATHE_SAFE_STDERR_H
#define LATHE_SAFE_STDERR_H
#include <stddef.h>

/* Replaces stderr by the escaping stream; stays as it was on failure. */
void safe_stderr_install(void);

/* The escaping itself, for tests and other outputs: writes at most size
 * bytes (terminated) of in[0..n) escaped into out; the length written. */
size_t safe_escape(char *out, size_t size, const char *in, size_t n, int keep_last_newline);
#endif
