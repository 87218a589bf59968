/* Exit statuses promised by SPEC.md; library functions return these. */
#ifndef LATHE_STATUS_H
#define LATHE_STATUS_H
enum lathe_status {
	ST_OK = 0,
	ST_USAGE = 1,  /* bad command line or bad preset/keymap value */
	ST_INPUT = 2,  /* an input could not be read or is not usable audio */
	ST_OUTPUT = 3, /* an output could not be written */
	ST_DEVICE = 4, /* the audio device failed */
};
/* Error text buffers are this long; messages are one line, no newline,
 * naming the file or device and what is wrong. */
#define ERRLEN 512
#endif
