/* Checks a whole render plan (input -> output pairs) before anything is
 * written: no output may be any input, and no two outputs may be one
 * file.  Files are compared by device and inode, never by name, so
 * "d1/../in.wav", "./in.wav", a hard link and a symlink all count as the
 * file they reach; an output that does not exist yet is compared by its
 * folder's device and inode plus its last name. */
#ifndef LATHE_OUTPLAN_H
#define LATHE_OUTPLAN_H

/* 1 when writing path a would write the file path b names. */
int outplan_same(const char *a, const char *b);

/* ST_OK, or ST_OUTPUT with one line when an output is an input, or
 * ST_USAGE when two outputs are one file.  what names the unit in the
 * message ("input", "track"); numbers in it count from 1. */
int outplan_check(int n, const char *const *in, const char *const *out,
		  const char *what, char *err, int errlen);
#endif
