/* The thread that makes the EQ's fitted designs while the audio thread
 * plays (see eq.c): it polls for requests (every 1 to 16 ms), so the
 * audio thread never has to wake it. */
#ifndef LATHE_DESIGNER_H
#define LATHE_DESIGNER_H
#include "eq.h"

struct designer;
/* Puts eq in async mode and starts the thread; NULL (eq left synchronous)
 * when no thread could be made. */
struct designer *designer_start(struct eq *eq);
/* Stops and joins the thread; eq stays in async mode.  NULL is fine. */
void designer_stop(struct designer *d);
#endif
