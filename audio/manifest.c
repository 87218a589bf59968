#include "manifest.h"

#include <ebur128.h>
#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <soxr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "json.h"
#include "status.h"

#ifndef LATHE_VERSION
#define LATHE_VERSION "0.1.0"
#endif

void manifest_versions(char *buf, int size)
{
	int maj, min, pat;
	ebur128_get_version(&maj, &min, &pat);
	snprintf(buf, (size_t)size, "\"lathe\": \"%s\", \"libsndfile\": \"%s\", \"libebur128\": \"%d.%d.%d\", \"libsoxr\": \"%s\"",
		 LATHE_VERSION, sf_version_string(), maj, min, pat, soxr_version());
}

/* The shortest text that reads back as the same double. */
void manifest_exact(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, size, "%.17g", v);
}

int manifest_write(const char *path, const struct manifest *m, char *err, int errlen)
{
	struct atomicfile af;
	char num[40], vers[512];
	FILE *f;
	if (atomicfile_open_stream(&af, path, 0, &f, err, errlen))
		return ST_OUTPUT;
	manifest_versions(vers, sizeof vers);
	fprintf(f, "{\n\"lathe_manifest\": %d,\n\"versions\": {%s},\n", MANIFEST_VERSION, vers);
	fprintf(f, "\"input\": ");
	json_string(f, m->input);
	fprintf(f, ",\n\"input_sha256\": \"%s\",\n\"output\": ", m->input_sha256);
	json_string(f, m->output);
	fprintf(f, ",\n\"output_sha256\": \"%s\",\n", m->output_sha256);
	fprintf(f, "\"bits\": %d,\n\"rate\": %d,\n\"dither_seed\": %u,\n", m->bits, m->rate, m->dither_seed);
	if (m->has_target) {
		manifest_exact(num, sizeof num, m->target_lufs);
		fprintf(f, "\"target_lufs\": %s,\n", num);
	} else {
		fprintf(f, "\"target_lufs\": null,\n");
	}
	fprintf(f, "\"target_stop\": %s,\n", m->target_stop ? "true" : "false");
	manifest_exact(num, sizeof num, m->sweep_max);
	fprintf(f, "\"sweep_max_db\": %s,\n", num);
	manifest_exact(num, sizeof num, m->sweep_step);
	fprintf(f, "\"sweep_step_db\": %s,\n", num);
	manifest_exact(num, sizeof num, m->drive_used);
	fprintf(f, "\"limiter_drive_used_db\": %s,\n\"tags\": [\n", num);
	for (int i = 0; i < m->ntags; i++) {
		json_string(f, m->tags[i]);
		fprintf(f, "%s\n", i + 1 < m->ntags ? "," : "");
	}
	fprintf(f, "],\n\"params\": {\n");
	for (int i = 0; i < P_COUNT; i++) {
		manifest_exact(num, sizeof num, m->v[i]);
		fprintf(f, "\"%s.%s\": %s%s\n", module_names[param_table[i].module], param_table[i].name,
			num, i + 1 < P_COUNT ? "," : "");
	}
	fprintf(f, "}\n}\n");
	return atomicfile_commit(&af, err, errlen) ? ST_OUTPUT : ST_OK;
}

/* A JSON string starting at p (after the opening quote) into out. */
int manifest_unquote(const char *p, char *out, size_t size)
{
	size_t n = 0;
	for (; *p && *p != '"'; p++) {
		char c = *p;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				unsigned u;
				if (sscanf(p + 1, "%4x", &u) != 1)
					return -1;
				c = (char)u;
				p += 4;
			} else if (*p) {
				c = *p;
			} else {
				return -1;
			}
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	out[n] = 0;
	return *p == '"' ? 0 : -1;
}

int manifest_str(const char *line, const char *key, char *out, size_t size)
{
	char k[64];
	snprintf(k, sizeof k, "\"%s\": \"", key);
	return strncmp(line, k, strlen(k)) ? 1 : manifest_unquote(line + strlen(k), out, size);
}

int manifest_num(const char *line, const char *key, double *out)
{
	char k[64], *end;
	snprintf(k, sizeof k, "\"%s\": ", key);
	if (strncmp(line, k, strlen(k)))
		return 1;
	*out = strtod(line + strlen(k), &end);
	return end == line + strlen(k) ? -1 : 0;
}

int manifest_read(const char *path, struct manifest *m, char *err, int errlen)
{
	char line[8192];
	int in_tags = 0, in_params = 0, ok = 0, seen[P_COUNT] = { 0 }, lineno = 0;
	double x;
	FILE *f = fopen(path, "r");

	memset(m, 0, sizeof *m);
	if (!f) {
		snprintf(err, (size_t)errlen, "%s: cannot open: %s", path, strerror(errno));
		return ST_INPUT;
	}
	params_defaults(m->v);
	while (fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, "\n")] = 0;
		if (manifest_num(line, "lathe_manifest", &x) == 0)
			ok = x == MANIFEST_VERSION ? 1 : -1;
		else if (!strcmp(line, "\"tags\": ["))
			in_tags = 1;
		else if (!strcmp(line, "\"params\": {"))
			in_params = 1;
		else if (line[0] == ']' || line[0] == '}')
			in_tags = in_params = 0;
		else if (in_tags && line[0] == '"') {
			if (m->ntags < MANIFEST_MAX_TAGS &&
			    manifest_unquote(line + 1, m->tags[m->ntags], sizeof m->tags[0]) == 0)
				m->ntags++;
		} else if (in_params && line[0] == '"') {
			char name[96];
			const char *colon = strstr(line, "\": ");
			int id = -1;
			if (colon && (size_t)(colon - line - 1) < sizeof name) {
				snprintf(name, sizeof name, "%.*s", (int)(colon - line - 1), line + 1);
				char *dot = strchr(name, '.');
				if (dot) {
					*dot = 0;
					id = param_find(name, dot + 1);
				}
			}
			char *end = NULL;
			if (id >= 0)
				x = strtod(colon + 3, &end);
			if (id < 0 || end == colon + 3) {
				fclose(f);
				snprintf(err, (size_t)errlen, "%s:%d: not a parameter of this lathe", path, lineno);
				return ST_USAGE;
			}
			m->v[id] = x;
			seen[id] = 1;
		} else {
			manifest_str(line, "input", m->input, sizeof m->input);
			manifest_str(line, "input_sha256", m->input_sha256, sizeof m->input_sha256);
			manifest_str(line, "output", m->output, sizeof m->output);
			manifest_str(line, "output_sha256", m->output_sha256, sizeof m->output_sha256);
			if (manifest_num(line, "bits", &x) == 0) m->bits = (int)x;
			if (manifest_num(line, "rate", &x) == 0) m->rate = (int)x;
			if (manifest_num(line, "dither_seed", &x) == 0) m->dither_seed = (uint32_t)x;
			if (manifest_num(line, "target_lufs", &x) == 0) { m->has_target = 1; m->target_lufs = x; }
			if (!strcmp(line, "\"target_stop\": true,")) m->target_stop = 1;
			if (manifest_num(line, "sweep_max_db", &x) == 0) m->sweep_max = x;
			if (manifest_num(line, "sweep_step_db", &x) == 0) m->sweep_step = x;
			if (manifest_num(line, "limiter_drive_used_db", &x) == 0) m->drive_used = x;
		}
	}
	fclose(f);
	if (ok != 1 || !m->input[0] || !m->output[0] || strlen(m->input_sha256) != 64 ||
	    strlen(m->output_sha256) != 64 || !m->bits) {
		snprintf(err, (size_t)errlen, "%s: %s", path, ok == -1 ? "a manifest of a newer format: upgrade lathe"
			 : "not a lathe render manifest");
		return ST_USAGE;
	}
	for (int i = 0; i < P_COUNT; i++)
		if (!seen[i]) {
			snprintf(err, (size_t)errlen, "%s: has no %s.%s: written by another lathe", path,
				 module_names[param_table[i].module], param_table[i].name);
			return ST_USAGE;
		}
	return ST_OK;
}
