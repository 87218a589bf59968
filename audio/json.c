#include "json.h"

#include <math.h>

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void json_num_prec(FILE *f, const char *key, double v, int decimals, const char *sep)
{
	if (isfinite(v))
		fprintf(f, "\"%s\": %.*f%s", key, decimals, v, sep);
	else
		fprintf(f, "\"%s\": null%s", key, sep);
}

void json_num(FILE *f, const char *key, double v, const char *sep)
{
	json_num_prec(f, key, v, 2, sep);
}
