/* Shared by the libFuzzer harnesses: a private folder for the files the
 * parsers under test insist on reading by path, and a writer that puts
 * each input there.  The folder lives on /dev/shm when it exists, so a
 * million executions cost no disk writes. */
#ifndef LATHE_FUZZ_COMMON_H
#define LATHE_FUZZ_COMMON_H
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_dir[256];

static void fuzz_rmdir(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
	if (fuzz_dir[0] && system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", fuzz_dir);
}

static void fuzz_setup_dir(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/lathe-fuzz.XXXXXX", base);
	if (!mkdtemp(fuzz_dir)) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_rmdir);
	/* Presets looked up by name must come from here, not the user's home. */
	setenv("XDG_CONFIG_HOME", fuzz_dir, 1);
}

/* path receives fuzz_dir/name; the input is written there whole. */
__attribute__((unused))
static void fuzz_write(char *path, size_t size, const char *name,
		       const unsigned char *data, size_t n)
{
	int fd;
	snprintf(path, size, "%s/%s", fuzz_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (n && write(fd, data, n) != (ssize_t)n) || close(fd) != 0) {
		perror("fuzz: writing the input");
		abort();
	}
}

/* A failed check in a harness: libFuzzer saves the input that did it. */
#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz check failed: %s: ", #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* err must be one line, terminated, and say something. */
__attribute__((unused))
static void fuzz_check_msg(const char *err, size_t size)
{
	size_t n = strnlen(err, size);
	FUZZ_CHECK(n < size, "message not terminated");
	FUZZ_CHECK(n > 0, "empty error message");
	FUZZ_CHECK(!strchr(err, '\n'), "message on more than one line: %s", err);
}
#endif
