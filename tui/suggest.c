#include "tui/suggest.h"

#include <string.h>

#define SUGGEST_MAX 64   /* longer words are not typos worth guessing */

/* Optimal string alignment distance (Damerau-Levenshtein without
 * repeated edits of one substring). */
static int distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b);
	static int d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return 1 << 20;
	for (int i = 0; i <= la; i++)
		d[i][0] = i;
	for (int j = 0; j <= lb; j++)
		d[0][j] = j;
	for (int i = 1; i <= la; i++)
		for (int j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *suggest_word(const char *typo, const char *const *words, int n)
{
	const char *best = NULL;
	size_t len = strlen(typo);
	int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	/* Only words within the limit count: a typo too long to measure is
	 * "far" from every word, and no word is then the best. */
	int bestd = limit + 1, ties = 0;

	if (!len)
		return NULL;
	for (int i = 0; i < n; i++) {
		int dd = distance(typo, words[i]);
		if (dd < bestd) {
			bestd = dd;
			best = words[i];
			ties = 0;
		} else if (best && dd == bestd && strcmp(words[i], best) != 0) {
			ties++;
		}
	}
	return best && bestd > 0 && !ties ? best : NULL;
}
