#include "json.h"

#include <math.h>

/* Length of the valid UTF-8 sequence at s, 0 when there is none (no
 * overlongs, surrogates or code points past U+10FFFF). */
static int utf8_len(const unsigned char *s)
{
	int len;
	unsigned cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	cp = s[0] & (0xffu >> (len + 1));
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)   /* also stops at the terminating NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* JSON must be UTF-8, and a file name need not be: a byte that is not
 * part of valid UTF-8 is written as \u00XX, the character of that
 * byte's Latin-1 reading (0xE9 -> "\u00e9").  The output is always valid
 * JSON; a name that is not UTF-8 reads as its Latin-1 spelling. */
void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		unsigned char ch = *p;
		int u = ch >= 0x80 ? utf8_len(p) : 0;
		if (u) {
			fwrite(p, 1, (size_t)u, f);
			p += u;
			continue;
		}
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
		p++;
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
