#include "tui/safe_stderr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if none:
 * no overlongs, no surrogates, nothing past U+10FFFF, and no C1
 * controls (U+0080..U+009F), which some terminals obey like ESC. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	cp = s[0] & (0xff >> (len + 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0)
		return 0;
	return len;
}

size_t safe_escape(char *out, size_t size, const char *in, size_t n, int keep_last_newline)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	if (!size)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = s[i];
		size_t u = ch >= 0x80 ? utf8_len(s + i, n - i) : 0;
		char tmp[8];
		size_t t;

		if (u) {
			memcpy(tmp, s + i, u);
			t = u;
			i += u - 1;
		} else if (ch == 0x1b && i + 2 < n && s[i + 1] == '[' && s[i + 2] == 'K') {
			memcpy(tmp, "\033[K", 3);
			t = 3;
			i += 2;
		} else if ((ch >= 0x20 && ch < 0x7f) || ch == '\t' || ch == '\r' ||
			   (ch == '\n' && keep_last_newline && i == n - 1)) {
			tmp[0] = (char)ch;
			t = 1;
		} else if (ch == '\n') {
			memcpy(tmp, "\\n", 2);
			t = 2;
		} else {
			t = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", ch);
		}
		if (o + t >= size)
			break;
		memcpy(out + o, tmp, t);
		o += t;
	}
	out[o] = 0;
	return o;
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t n)
{
	char out[16384];
	size_t done = 0;
	int fd = *(int *)cookie;

	/* Escaped in pieces so a long message fits; only the piece holding
	 * the message's end may keep its final newline. */
	while (done < n) {
		size_t take = n - done > 4000 ? 4000 : n - done;
		size_t len = safe_escape(out, sizeof out, buf + done, take, done + take == n);
		for (size_t w = 0; w < len;) {
			ssize_t r = write(fd, out + w, len - w);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			w += (size_t)r;
		}
		done += take;
	}
	return (ssize_t)n;
}

void safe_stderr_install(void)
{
	static int fd = STDERR_FILENO;
	cookie_io_functions_t io = { .write = cookie_write };
	FILE *f = fopencookie(&fd, "w", io);

	if (!f)
		return;
	/* Unbuffered: glibc formats each fprintf whole, then writes it in
	 * one call, so the escaping sees whole messages and nothing waits
	 * in a buffer when a signal ends the process. */
	setvbuf(f, NULL, _IONBF, 0);
	fflush(stderr);
	stderr = f;
}
