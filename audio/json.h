/* The JSON writer of every report (analyze, album, sweep, manifest):
 * pieces written straight to a stream, callers lay out the objects. */
#ifndef LATHE_JSON_H
#define LATHE_JSON_H
#include <stdio.h>

/* s as a JSON string, quotes included; control characters escaped. */
void json_string(FILE *f, const char *s);
/* "key": v with two decimals, then sep; JSON has no infinity or NaN, so
 * those (silence) read as null. */
void json_num(FILE *f, const char *key, double v, const char *sep);
/* The same with the given number of decimals. */
void json_num_prec(FILE *f, const char *key, double v, int decimals, const char *sep);
#endif
