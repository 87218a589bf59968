#include "manifest_album.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "json.h"
#include "manifest.h"
#include "status.h"

static void key_str(FILE *f, const char *key, const char *v, const char *end)
{
	fprintf(f, "\"%s\": ", key);
	json_string(f, v);
	fprintf(f, "%s\n", end);
}

static void key_num(FILE *f, const char *key, double v, const char *end)
{
	char num[40];
	manifest_exact(num, sizeof num, v);
	fprintf(f, "\"%s\": %s%s\n", key, num, end);
}

static void write_track(FILE *f, const struct manifest_track *t, int last)
{
	fprintf(f, "{\n");
	key_str(f, "input", t->input, ",");
	key_str(f, "input_sha256", t->input_sha256, ",");
	key_str(f, "output", t->output, ",");
	key_str(f, "output_sha256", t->output_sha256, ",");
	fprintf(f, "\"dither_seed\": %u,\n", t->dither_seed);
	key_num(f, "gap_s", t->gap_s, ",");
	key_num(f, "fade_in_s", t->fade_in_s, ",");
	key_num(f, "fade_out_s", t->fade_out_s, ",");
	key_str(f, "cue_title", t->title, ",");
	key_str(f, "cue_performer", t->performer, ",");
	key_str(f, "cue_isrc", t->isrc, ",");
	fprintf(f, "\"tags\": [\n");
	for (int i = 0; i < t->ntags; i++) {
		json_string(f, t->tags[i]);
		fprintf(f, "%s\n", i + 1 < t->ntags ? "," : "");
	}
	fprintf(f, "],\n\"params\": {\n");
	for (int i = 0; i < P_COUNT; i++) {
		char name[96];
		snprintf(name, sizeof name, "%s.%s", module_names[param_table[i].module], param_table[i].name);
		key_num(f, name, t->v[i], i + 1 < P_COUNT ? "," : "");
	}
	fprintf(f, "}\n}%s\n", last ? "" : ",");
}

int manifest_album_write(const char *path, const struct manifest_album *m, char *err, int errlen)
{
	struct atomicfile af;
	char vers[512];
	FILE *f;

	if (atomicfile_open_stream(&af, path, 0, &f, err, errlen))
		return ST_OUTPUT;
	manifest_versions(vers, sizeof vers);
	fprintf(f, "{\n\"lathe_manifest\": %d,\n\"kind\": \"album\",\n\"versions\": {%s},\n", MANIFEST_VERSION, vers);
	key_str(f, "album_file", m->album_file, ",");
	key_str(f, "name", m->name, ",");
	key_str(f, "artist", m->artist, ",");
	key_str(f, "date", m->date, ",");
	fprintf(f, "\"bits\": %d,\n\"rate\": %d,\n", m->bits, m->rate);
	key_num(f, "target_lufs", m->target_lufs, ",");
	fprintf(f, "\"mode\": \"%s\",\n", m->mode_album ? "album" : "track");
	key_str(f, "continuous", m->continuous, ",");
	key_str(f, "continuous_sha256", m->continuous_sha256, ",");
	key_str(f, "cue", m->cue, ",");
	key_str(f, "cue_sha256", m->cue_sha256, ",");
	fprintf(f, "\"tracks\": [\n");
	for (int i = 0; i < m->ntracks; i++)
		write_track(f, &m->tracks[i], i + 1 == m->ntracks);
	fprintf(f, "]\n}\n");
	return atomicfile_commit(&af, err, errlen) ? ST_OUTPUT : ST_OK;
}

int manifest_is_album(const char *path)
{
	char line[256];
	int n = 0, yes = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (n++ < 4 && fgets(line, sizeof line, f))
		yes |= !strcmp(line, "\"kind\": \"album\",\n");
	fclose(f);
	return yes;
}

/* One line inside a track: its keys, its tags, its parameters.  0, or -1
 * for a parameter this lathe does not have. */
static int track_line(struct manifest_track *t, const char *line, int *in_tags, int *in_params,
		      int *seen)
{
	double x;
	if (*in_tags) {
		if (line[0] == '"' && t->ntags < MANIFEST_TRACK_TAGS &&
		    manifest_unquote(line + 1, t->tags[t->ntags], sizeof t->tags[0]) == 0)
			t->ntags++;
		return 0;
	}
	if (*in_params) {
		char name[96];
		const char *colon = strstr(line, "\": ");
		char *end = NULL;
		int id = -1;
		if (colon && line[0] == '"' && (size_t)(colon - line - 1) < sizeof name) {
			snprintf(name, sizeof name, "%.*s", (int)(colon - line - 1), line + 1);
			char *dot = strchr(name, '.');
			if (dot) {
				*dot = 0;
				id = param_find(name, dot + 1);
			}
		}
		if (id >= 0)
			x = strtod(colon + 3, &end);
		if (id < 0 || end == colon + 3)
			return -1;
		t->v[id] = x;
		(*seen)++;
		return 0;
	}
	if (!strcmp(line, "\"tags\": ["))
		*in_tags = 1;
	else if (!strcmp(line, "\"params\": {"))
		*in_params = 1;
	manifest_str(line, "input", t->input, sizeof t->input);
	manifest_str(line, "input_sha256", t->input_sha256, sizeof t->input_sha256);
	manifest_str(line, "output", t->output, sizeof t->output);
	manifest_str(line, "output_sha256", t->output_sha256, sizeof t->output_sha256);
	manifest_str(line, "cue_title", t->title, sizeof t->title);
	manifest_str(line, "cue_performer", t->performer, sizeof t->performer);
	manifest_str(line, "cue_isrc", t->isrc, sizeof t->isrc);
	if (manifest_num(line, "dither_seed", &x) == 0) t->dither_seed = (uint32_t)x;
	if (manifest_num(line, "gap_s", &x) == 0) t->gap_s = x;
	if (manifest_num(line, "fade_in_s", &x) == 0) t->fade_in_s = x;
	if (manifest_num(line, "fade_out_s", &x) == 0) t->fade_out_s = x;
	return 0;
}

static void album_line(struct manifest_album *m, const char *line, int *version)
{
	double x;
	if (manifest_num(line, "lathe_manifest", &x) == 0)
		*version = (int)x;
	manifest_str(line, "album_file", m->album_file, sizeof m->album_file);
	manifest_str(line, "name", m->name, sizeof m->name);
	manifest_str(line, "artist", m->artist, sizeof m->artist);
	manifest_str(line, "date", m->date, sizeof m->date);
	manifest_str(line, "continuous", m->continuous, sizeof m->continuous);
	manifest_str(line, "continuous_sha256", m->continuous_sha256, sizeof m->continuous_sha256);
	manifest_str(line, "cue", m->cue, sizeof m->cue);
	manifest_str(line, "cue_sha256", m->cue_sha256, sizeof m->cue_sha256);
	if (manifest_num(line, "bits", &x) == 0) m->bits = (int)x;
	if (manifest_num(line, "rate", &x) == 0) m->rate = (int)x;
	if (manifest_num(line, "target_lufs", &x) == 0) m->target_lufs = x;
	if (!strcmp(line, "\"mode\": \"album\",")) m->mode_album = 1;
}

int manifest_album_read(const char *path, struct manifest_album *m, char *err, int errlen)
{
	char *line = malloc(16384);
	int version = 0, in_tracks = 0, in_track = 0, in_tags = 0, in_params = 0, seen = 0, lineno = 0;
	int cap = 0, rc = ST_OK;
	FILE *f = fopen(path, "r");

	memset(m, 0, sizeof *m);
	if (!f || !line) {
		snprintf(err, (size_t)errlen, "%s: cannot open: %s", path, strerror(errno));
		free(line);
		if (f)
			fclose(f);
		return ST_INPUT;
	}
	while (rc == ST_OK && fgets(line, 16384, f)) {
		lineno++;
		line[strcspn(line, "\n")] = 0;
		if (!in_tracks) {
			if (!strcmp(line, "\"tracks\": ["))
				in_tracks = 1;
			else
				album_line(m, line, &version);
		} else if (!in_track) {
			if (!strcmp(line, "{")) {
				if (m->ntracks == cap) {
					int ncap = cap ? 2 * cap : 16;
					void *p = realloc(m->tracks, (size_t)ncap * sizeof *m->tracks);
					if (!p) {
						snprintf(err, (size_t)errlen, "%s: out of memory", path);
						rc = ST_INPUT;
						break;
					}
					m->tracks = p;
					cap = ncap;
				}
				memset(&m->tracks[m->ntracks], 0, sizeof *m->tracks);
				in_track = 1;
				seen = 0;
			} else if (line[0] == ']') {
				in_tracks = 0;
			}
		} else if ((in_tags && line[0] == ']') || (in_params && line[0] == '}')) {
			in_tags = in_params = 0;
		} else if (!in_tags && !in_params && line[0] == '}') {
			struct manifest_track *t = &m->tracks[m->ntracks++];
			in_track = 0;
			if (seen != P_COUNT || strlen(t->input_sha256) != 64 || strlen(t->output_sha256) != 64) {
				snprintf(err, (size_t)errlen, "%s:%d: track %d is incomplete: written by another lathe", path,
					 lineno, m->ntracks);
				rc = ST_USAGE;
			}
		} else if (track_line(&m->tracks[m->ntracks], line, &in_tags, &in_params, &seen)) {
			snprintf(err, (size_t)errlen, "%s:%d: not a parameter of this lathe", path, lineno);
			rc = ST_USAGE;
		}
	}
	fclose(f);
	free(line);
	if (rc == ST_OK && (version != MANIFEST_VERSION || !m->ntracks || !m->bits || in_track)) {
		snprintf(err, (size_t)errlen, "%s: %s", path, version > MANIFEST_VERSION ? "a manifest of a newer format: upgrade lathe"
			 : "not a lathe album manifest");
		rc = ST_USAGE;
	}
	if (rc)
		manifest_album_free(m);
	return rc;
}

void manifest_album_free(struct manifest_album *m)
{
	free(m->tracks);
	m->tracks = NULL;
	m->ntracks = 0;
}
