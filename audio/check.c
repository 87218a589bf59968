#include "check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "dsp/params.h"
#include "status.h"

static char *trim(char *s)
{
	char *e = s + strlen(s);
	while (*s == ' ' || *s == '\t')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = 0;
	return s;
}

static int number(const char *s, double *out)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", s);
	return parse_double(trim(buf), out);
}

int check_parse(const char *text, const char *const *keys, int nkeys,
		struct check_rules *rules, char *msg, int msglen)
{
	char buf[1024], *save = NULL;

	memset(rules, 0, sizeof *rules);
	if (strlen(text) >= sizeof buf) {
		snprintf(msg, (size_t)msglen, "the rules are longer than %zu characters", sizeof buf - 1);
		return -1;
	}
	snprintf(buf, sizeof buf, "%s", text);
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		struct check_rule *r;
		char *op, *key;
		int known = 0;
		item = trim(item);
		if (!*item)
			continue;
		if (rules->n == CHECK_MAX_RULES) {
			snprintf(msg, (size_t)msglen, "more than %d rules", CHECK_MAX_RULES);
			return -1;
		}
		r = &rules->r[rules->n];
		snprintf(r->text, sizeof r->text, "%s", item);
		if ((op = strstr(item, "<=")) || (op = strstr(item, ">="))) {
			r->op = op[0] == '<' ? CHECK_LE : CHECK_GE;
			*op = 0;
			if (number(op + 2, &r->a)) {
				snprintf(msg, (size_t)msglen, "rule '%.60s': '%.30s' is not a number", r->text, op + 2);
				return -1;
			}
		} else if ((op = strchr(item, '='))) {
			char *dots = strstr(op + 1, "..");
			r->op = CHECK_RANGE;
			*op = 0;
			if (!dots) {
				snprintf(msg, (size_t)msglen, "rule '%.60s': expected KEY=LOW..HIGH", r->text);
				return -1;
			}
			*dots = 0;
			if (number(op + 1, &r->a) || number(dots + 2, &r->b) || r->a > r->b) {
				snprintf(msg, (size_t)msglen, "rule '%.60s': expected KEY=LOW..HIGH with LOW <= HIGH", r->text);
				return -1;
			}
		} else {
			snprintf(msg, (size_t)msglen, "rule '%.60s': expected KEY<=V, KEY>=V or KEY=LOW..HIGH", r->text);
			return -1;
		}
		key = trim(item);
		for (int i = 0; i < nkeys; i++)
			known |= !strcmp(key, keys[i]);
		if (!known) {
			size_t len = 0;
			char list[600] = "";
			for (int i = 0; i < nkeys && len < sizeof list; i++)
				len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? " " : "", keys[i]);
			snprintf(msg, (size_t)msglen, "rule '%.60s': unknown key '%.40s' (keys: %s)", r->text, key, list);
			return -1;
		}
		snprintf(r->key, sizeof r->key, "%s", key);
		rules->n++;
	}
	if (!rules->n) {
		snprintf(msg, (size_t)msglen, "no rules in '%.60s'", text);
		return -1;
	}
	return 0;
}

int check_judge(const struct check_rules *rules, const struct check_value *vals, int nvals,
		char *why, int whylen)
{
	size_t len = 0;
	int pass = 1;

	why[0] = 0;
	for (int i = 0; i < rules->n; i++) {
		const struct check_rule *r = &rules->r[i];
		double v = NAN;
		int ok;
		for (int k = 0; k < nvals; k++)
			if (!strcmp(vals[k].key, r->key))
				v = vals[k].v;
		/* A figure that cannot be measured (silence: -inf LUFS) passes
		 * no rule. */
		ok = isfinite(v) && (r->op == CHECK_LE ? v <= r->a : r->op == CHECK_GE ? v >= r->a
								   : v >= r->a && v <= r->b);
		if (ok)
			continue;
		pass = 0;
		if (len < (size_t)whylen)
			len += (size_t)snprintf(why + len, (size_t)whylen - len, "%s%s %.2f breaks %s",
						len ? "; " : "", r->key, v, r->text);
	}
	return pass;
}

static void xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

int check_junit(const char *path, const char *rules_text, const struct check_case *cases,
		int n, char *err, int errlen)
{
	struct atomicfile af;
	FILE *f;
	int failures = 0;

	if (atomicfile_open_stream(&af, path, AF_DIRECT_SPECIAL, &f, err, errlen))
		return ST_OUTPUT;
	for (int i = 0; i < n; i++)
		failures += !cases[i].pass;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
		   "<testsuite name=\"lathe analyze --check\" tests=\"%d\" failures=\"%d\" errors=\"0\">\n",
		n, failures);
	fprintf(f, "  <properties><property name=\"rules\" value=\"");
	xml(f, rules_text);
	fprintf(f, "\"/></properties>\n");
	for (int i = 0; i < n; i++) {
		fprintf(f, "  <testcase classname=\"lathe.check\" name=\"");
		xml(f, cases[i].file);
		fprintf(f, "\" time=\"%.3f\"", cases[i].seconds);
		if (cases[i].pass) {
			fprintf(f, "/>\n");
			continue;
		}
		fprintf(f, ">\n    <failure message=\"");
		xml(f, cases[i].why);
		fprintf(f, "\" type=\"check\">");
		xml(f, cases[i].why);
		fprintf(f, "</failure>\n  </testcase>\n");
	}
	fprintf(f, "</testsuite>\n</testsuites>\n");
	return atomicfile_commit(&af, err, errlen) ? ST_OUTPUT : ST_OK;
}
