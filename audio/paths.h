/* Where lathe keeps its own files, found one way for presets, keymaps and
 * sessions, and the one mkdir -p. */
#ifndef LATHE_PATHS_H
#define LATHE_PATHS_H
#include <stddef.h>
#include <sys/types.h>

enum xdg_kind {
	XDG_CONFIG,  /* $XDG_CONFIG_HOME, default ~/.config: presets, keymap */
	XDG_STATE,   /* $XDG_STATE_HOME, default ~/.local/state: sessions */
};

/* The folder BASE/lathe[/sub] of that kind (sub may be NULL).  A relative
 * $XDG_* is ignored, as the XDG spec says; without $HOME the password
 * database's home is used.  0, or -1 when there is no home or the path
 * does not fit. */
int xdg_path(enum xdg_kind kind, const char *sub, char *buf, size_t size);

/* The folder above the running executable's own (build/lathe -> the
 * source tree, PREFIX/bin/lathe -> PREFIX), or -1. */
int exe_prefix(char *buf, size_t size);

/* mkdir -p with mode for the folders it makes.  ST_OK when path is (now)
 * a folder; ST_OUTPUT with "PATH: cannot create the folder: why" or
 * "PATH: is not a folder" in err. */
int make_dirs(const char *path, mode_t mode, char *err, int errlen);
/* path made absolute with every symlink resolved: the longest part that
 * exists through realpath, the rest appended as given.  0, or -1. */
int path_resolve(const char *path, char *out, size_t size);
/* 1 when path, resolved, is folder (resolved) or below it. */
int path_within(const char *path, const char *folder);
#endif
