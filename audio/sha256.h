/* SHA-256 (FIPS 180-4) of files, for render manifests. */
#ifndef LATHE_SHA256_H
#define LATHE_SHA256_H
#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_add(struct sha256 *s, const void *data, size_t n);
/* 64 lowercase hex digits and a NUL. */
void sha256_hex(struct sha256 *s, char out[65]);
/* Of a whole file: 0, or -1 with errno. */
int sha256_file(const char *path, char out[65]);
#endif
