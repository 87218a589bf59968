/* What an album render delivers besides the masters: each master's tags,
 * the continuous album file with its CUE sheet, and the album manifest. */
#include "album_deliver.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audio/cue_join.h"
#include "audio/manifest_album.h"
#include "audio/sha256.h"

static int is_flac(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && !strcasecmp(dot, ".flac");
}

static void add(struct job *j, const char *key, const char *value)
{
	if (!value || !*value || j->ntags >= ALBUM_MAX_JOB_TAGS)
		return;
	snprintf(j->tagbuf[j->ntags], sizeof j->tagbuf[0], "%s=%s", key, value);
	j->tags[j->ntags] = j->tagbuf[j->ntags];
	j->ntags++;
}

int album_job_tags(struct job *j, const struct album *al, int i, char *err, int errlen)
{
	const struct album_track *t = &al->tracks[i];
	const struct album_tags *a = &al->tags;
	int any = al->path[0] || al->name[0] || a->artist[0] || a->date[0] || a->comment[0];
	char num[32];

	j->ntags = 0;
	add(j, "title", t->tags.title);
	add(j, "artist", t->tags.artist[0] ? t->tags.artist : a->artist);
	add(j, "album", al->name);
	/* An album's masters know their place in it. */
	if (any) {
		snprintf(num, sizeof num, "%d/%d", i + 1, al->ntracks);
		add(j, "tracknumber", num);
	}
	add(j, "date", a->date);
	add(j, "comment", t->tags.comment[0] ? t->tags.comment : a->comment);
	if (!t->tags.isrc[0])
		return ST_OK;
	if (is_flac(j->out)) {
		add(j, "isrc", t->tags.isrc);
	} else if (!al->continuous[0]) {
		/* Dropping the code would lose what the label asked for. */
		if (t->tags.isrc_line)
			snprintf(err, (size_t)errlen, "%s:%d: track%d.isrc: WAV and AIFF masters have no field for an ISRC (format = flac, or continuous = NAME for a CUE sheet that carries it)",
				 al->path, t->tags.isrc_line, i + 1);
		else
			snprintf(err, (size_t)errlen, "%s: isrc: WAV and AIFF masters have no field for an ISRC", j->out);
		return ST_USAGE;
	}
	return ST_OK;
}

void album_cue_path(char *buf, size_t size, const char *continuous)
{
	const char *slash = strrchr(continuous, '/');
	const char *dot = strrchr(slash ? slash + 1 : continuous, '.');
	int n = dot ? (int)(dot - continuous) : (int)strlen(continuous);
	snprintf(buf, size, "%.*s.cue", n, continuous);
}

int album_continuous(const struct album *al, const struct run *r, const char *path,
		     const char *cue, struct cue_track *t, char *err, int errlen)
{
	const char **masters = calloc((size_t)r->n, sizeof *masters);
	const char *tags[4];
	char tb[3][TAG_VALUE_MAX + 16];
	int ntags = 0, rc;

	if (!masters) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		return ST_OUTPUT;
	}
	for (int i = 0; i < r->n; i++) {
		const struct album_tags *tt = &al->tracks[i].tags;
		masters[i] = r->jobs[i].out;
		t[i].gap_s = al->tracks[i].gap_s;
		t[i].title = tt->title;
		t[i].performer = tt->artist[0] ? tt->artist : al->tags.artist;
		t[i].isrc = tt->isrc;
	}
	/* The file itself is the album: its name, artist and date. */
	const char *keys[3] = { "album", "artist", "date" };
	const char *vals[3] = { al->name, al->tags.artist, al->tags.date };
	for (int k = 0; k < 3; k++)
		if (vals[k][0]) {
			snprintf(tb[ntags], sizeof tb[0], "%s=%s", keys[k], vals[k]);
			tags[ntags] = tb[ntags];
			ntags++;
		}
	struct cue_join j = {
		.path = path, .cue_path = cue, .bits = r->bits, .masters = masters, .n = r->n,
		.title = al->name, .performer = al->tags.artist, .tags = tags, .ntags = ntags,
		.cancel = &album_cancelled,
	};
	rc = cue_join(&j, t, err, errlen);
	free(masters);
	return rc;
}

static int hash_into(const char *path, char out[65], char *err, int errlen)
{
	if (sha256_file(path, out) == 0)
		return ST_OK;
	snprintf(err, (size_t)errlen, "%.300s: cannot read back for the manifest: %s", path, strerror(errno));
	return ST_OUTPUT;
}

static void real_or_given(char *buf, size_t size, const char *path)
{
	if (!realpath(path, buf) || strlen(buf) >= size)
		snprintf(buf, size, "%s", path);
}

int album_manifest(const char *path, const struct album *al, const struct run *r,
		   const char *cont, const char *cue, char *err, int errlen)
{
	struct manifest_album m = { 0 };
	int rc = ST_OK;

	m.tracks = calloc((size_t)r->n, sizeof *m.tracks);
	if (!m.tracks) {
		snprintf(err, (size_t)errlen, "%s: out of memory", path);
		return ST_OUTPUT;
	}
	m.ntracks = r->n;
	if (al->path[0])
		real_or_given(m.album_file, sizeof m.album_file, al->path);
	snprintf(m.name, sizeof m.name, "%s", al->name);
	snprintf(m.artist, sizeof m.artist, "%s", al->tags.artist);
	snprintf(m.date, sizeof m.date, "%s", al->tags.date);
	m.bits = r->bits;
	m.rate = r->rate;
	m.target_lufs = r->target;
	m.mode_album = r->mode == ALBUM_MODE_ALBUM;
	for (int i = 0; i < r->n && !rc; i++) {
		const struct job *j = &r->jobs[i];
		const struct album_tags *tt = &al->tracks[i].tags;
		struct manifest_track *t = &m.tracks[i];
		real_or_given(t->input, sizeof t->input, j->in);
		real_or_given(t->output, sizeof t->output, j->out);
		rc = hash_into(j->in, t->input_sha256, err, errlen);
		if (!rc)
			rc = hash_into(j->out, t->output_sha256, err, errlen);
		memcpy(t->v, j->v, sizeof t->v);
		t->dither_seed = j->seed;
		t->gap_s = al->tracks[i].gap_s;
		t->fade_in_s = j->fade_in_s;
		t->fade_out_s = j->fade_out_s;
		for (int k = 0; k < j->ntags && k < MANIFEST_TRACK_TAGS; k++)
			snprintf(t->tags[t->ntags++], sizeof t->tags[0], "%s", j->tags[k]);
		snprintf(t->title, sizeof t->title, "%s", tt->title);
		snprintf(t->performer, sizeof t->performer, "%s", tt->artist[0] ? tt->artist : al->tags.artist);
		snprintf(t->isrc, sizeof t->isrc, "%s", tt->isrc);
	}
	if (!rc && cont) {
		real_or_given(m.continuous, sizeof m.continuous, cont);
		real_or_given(m.cue, sizeof m.cue, cue);
		rc = hash_into(cont, m.continuous_sha256, err, errlen);
		if (!rc)
			rc = hash_into(cue, m.cue_sha256, err, errlen);
	}
	if (!rc)
		rc = manifest_album_write(path, &m, err, errlen);
	manifest_album_free(&m);
	return rc;
}
