/* Delivery gates: rules such as
 *	integrated_lufs=-15..-13,true_peak_dbtp<=-1,plr_db>=8
 * judged against a file's figures (any numeric key analyze --json prints),
 * and the JUnit XML report CI systems read. */
#ifndef LATHE_CHECK_H
#define LATHE_CHECK_H
#include <stdio.h>

#define CHECK_MAX_RULES 32

enum check_op { CHECK_LE, CHECK_GE, CHECK_RANGE };

struct check_rule {
	char key[48];
	enum check_op op;
	double a, b;        /* <= a, >= a, a..b */
	char text[96];      /* as written, for messages */
};

struct check_rules {
	struct check_rule r[CHECK_MAX_RULES];
	int n;
};

/* One figure of a file, by its JSON key. */
struct check_value {
	const char *key;
	double v;           /* NaN / inf: not measurable (silence) */
};

/* Parses RULES against the keys that exist.  0, or -1 with a message
 * naming the rule and what is wrong. */
int check_parse(const char *text, const char *const *keys, int nkeys,
		struct check_rules *rules, char *msg, int msglen);

/* Judges one file: 1 pass, 0 fail with the reasons ("integrated_lufs
 * -16.20 is not in -15..-13; ...") in why. */
int check_judge(const struct check_rules *rules, const struct check_value *vals, int nvals,
		char *why, int whylen);

/* A JUnit XML report: one testsuite "lathe analyze --check", one testcase
 * per file, a failure element with the reasons for those that failed. */
struct check_case {
	const char *file;
	int pass;
	const char *why;
	double seconds;
};
int check_junit(const char *path, const char *rules_text, const struct check_case *cases,
		int n, char *err, int errlen);
#endif
