#include "manifest_album.h"

#include <errno.h>
#include <stddef.h>
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

/* The plain keys of the album and of a track, in the order they are
 * written: one table serves the writer and the reader, so a key cannot be
 * written under one name and read under another. */
enum kind { K_STR, K_NUM, K_INT, K_U32, K_MODE };
struct field {
	const char *key;
	enum kind kind;
	size_t off, size;
};
#define FLD(T, key, kind, m) { key, kind, offsetof(struct T, m), sizeof(((struct T *)0)->m) }

static const struct field album_fields[] = {
	FLD(manifest_album, "album_file", K_STR, album_file),
	FLD(manifest_album, "name", K_STR, name),
	FLD(manifest_album, "artist", K_STR, artist),
	FLD(manifest_album, "date", K_STR, date),
	FLD(manifest_album, "bits", K_INT, bits),
	FLD(manifest_album, "rate", K_INT, rate),
	FLD(manifest_album, "target_lufs", K_NUM, target_lufs),
	FLD(manifest_album, "mode", K_MODE, mode_album),
	FLD(manifest_album, "continuous", K_STR, continuous),
	FLD(manifest_album, "continuous_sha256", K_STR, continuous_sha256),
	FLD(manifest_album, "cue", K_STR, cue),
	FLD(manifest_album, "cue_sha256", K_STR, cue_sha256),
};

static const struct field track_fields[] = {
	FLD(manifest_track, "input", K_STR, input),
	FLD(manifest_track, "input_sha256", K_STR, input_sha256),
	FLD(manifest_track, "output", K_STR, output),
	FLD(manifest_track, "output_sha256", K_STR, output_sha256),
	FLD(manifest_track, "dither_seed", K_U32, dither_seed),
	FLD(manifest_track, "gap_s", K_NUM, gap_s),
	FLD(manifest_track, "fade_in_s", K_NUM, fade_in_s),
	FLD(manifest_track, "fade_out_s", K_NUM, fade_out_s),
	FLD(manifest_track, "cue_title", K_STR, title),
	FLD(manifest_track, "cue_performer", K_STR, performer),
	FLD(manifest_track, "cue_isrc", K_STR, isrc),
};
#define NFIELDS(t) (sizeof t / sizeof t[0])

/* Each key on a line of its own, every one followed by more. */
static void write_fields(FILE *f, const void *base, const struct field *fl, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = (const char *)base + fl[i].off;
		if (fl[i].kind == K_STR) {
			key_str(f, fl[i].key, p, ",");
		} else if (fl[i].kind == K_NUM) {
			double v;
			memcpy(&v, p, sizeof v);
			key_num(f, fl[i].key, v, ",");
		} else if (fl[i].kind == K_U32) {
			uint32_t v;
			memcpy(&v, p, sizeof v);
			fprintf(f, "\"%s\": %u,\n", fl[i].key, v);
		} else {
			int v;
			memcpy(&v, p, sizeof v);
			if (fl[i].kind == K_MODE)
				fprintf(f, "\"%s\": \"%s\",\n", fl[i].key, v ? "album" : "track");
			else
				fprintf(f, "\"%s\": %d,\n", fl[i].key, v);
		}
	}
}

/* The table's key on this line, if any, into its field. */
static void read_fields(const char *line, void *base, const struct field *fl, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *p = (char *)base + fl[i].off;
		double x;
		if (fl[i].kind == K_STR) {
			manifest_str(line, fl[i].key, p, fl[i].size);
		} else if (fl[i].kind == K_MODE) {
			if (!strcmp(line, "\"mode\": \"album\","))
				*(int *)(void *)p = 1;
		} else if (manifest_num(line, fl[i].key, &x) == 0) {
			if (fl[i].kind == K_NUM)
				memcpy(p, &x, sizeof x);
			else if (fl[i].kind == K_INT)
				*(int *)(void *)p = (int)x;
			else
				*(uint32_t *)(void *)p = (uint32_t)x;
		}
	}
}

static void write_track(FILE *f, const struct manifest_track *t, int last)
{
	fprintf(f, "{\n");
	write_fields(f, t, track_fields, NFIELDS(track_fields));
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
	write_fields(f, m, album_fields, NFIELDS(album_fields));
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
	read_fields(line, t, track_fields, NFIELDS(track_fields));
	return 0;
}

static void album_line(struct manifest_album *m, const char *line, int *version)
{
	double x;
	if (manifest_num(line, "lathe_manifest", &x) == 0)
		*version = (int)x;
	read_fields(line, m, album_fields, NFIELDS(album_fields));
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
