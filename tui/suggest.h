/* "Did you mean": the nearest of a list of words to a typo, for the
 * console's ':' commands and the command line (subcommands, --options).
 * Curses-free, no allocation. */
#ifndef LATHE_SUGGEST_H
#define LATHE_SUGGEST_H

/* The word of words[0..n) closest to typo by edits (insert, delete,
 * replace, swap two neighbours), when it is close enough to be a typo:
 * at most 1 edit for words of up to 4 letters, 2 up to 8, else 3; and
 * strictly closer than any other.  NULL otherwise. */
const char *suggest_word(const char *typo, const char *const *words, int n);
#endif
