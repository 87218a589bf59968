#include "cue.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "atomicfile.h"
#include "status.h"

/* Frame arithmetic in whole numbers: frame k starts at sample k*rate/75. */
static int64_t frame_floor(int64_t sample, int rate)
{
	return sample * CUE_FPS / rate;
}

static int64_t frame_ceil(int64_t sample, int rate)
{
	return (sample * CUE_FPS + rate - 1) / rate;
}

int64_t cue_layout(int rate, struct cue_track *t, int n)
{
	int64_t pos = 0;

	for (int i = 0; i < n; i++) {
		double g = t[i].gap_s * rate;
		int64_t start = pos + (g > 0 ? (int64_t)(g + 0.5) : 0);
		t[i].index0 = -1;
		if (start > pos) {
			/* The silence grows to the next frame, so the track starts on
			 * its index (exactly where a frame is a whole number of
			 * samples). */
			if (rate % CUE_FPS == 0) {
				int64_t spf = rate / CUE_FPS;
				start = (start + spf - 1) / spf * spf;
			}
			t[i].index1 = frame_floor(start, rate);
			t[i].index0 = frame_ceil(pos, rate);
			if (t[i].index0 >= t[i].index1)
				t[i].index0 = -1;
		} else {
			t[i].index1 = frame_floor(start, rate);
		}
		t[i].silence = start - pos;
		t[i].start = start;
		pos = start + t[i].frames;
	}
	return pos;
}

void cue_msf(char *buf, int size, int64_t frames)
{
	snprintf(buf, (size_t)size, "%02lld:%02lld:%02lld", (long long)(frames / (60 * CUE_FPS)),
		 (long long)(frames / CUE_FPS % 60), (long long)(frames % CUE_FPS));
}

int cue_text_ok(const char *s)
{
	for (; s && *s; s++)
		if (*s == '"' || (unsigned char)*s < 0x20)
			return -1;
	return 0;
}

static int has(const char *s)
{
	return s && *s;
}

int cue_write(const char *path, const char *file, const char *album_title,
	      const char *album_performer, const struct cue_track *t, int n,
	      char *err, int errlen)
{
	struct atomicfile af;
	const char *base = strrchr(file, '/'), *dot;
	char msf[32];
	FILE *f;

	base = base ? base + 1 : file;
	dot = strrchr(base, '.');
	if (atomicfile_open_stream(&af, path, 0, &f, err, errlen))
		return ST_OUTPUT;
	fprintf(f, "REM COMMENT \"lathe\"\n");
	if (has(album_performer))
		fprintf(f, "PERFORMER \"%s\"\n", album_performer);
	if (has(album_title))
		fprintf(f, "TITLE \"%s\"\n", album_title);
	fprintf(f, "FILE \"%s\" %s\n", base,
		dot && (!strcasecmp(dot, ".aif") || !strcasecmp(dot, ".aiff")) ? "AIFF" : "WAVE");
	for (int i = 0; i < n; i++) {
		fprintf(f, "  TRACK %02d AUDIO\n", i + 1);
		if (has(t[i].title))
			fprintf(f, "    TITLE \"%s\"\n", t[i].title);
		if (has(t[i].performer))
			fprintf(f, "    PERFORMER \"%s\"\n", t[i].performer);
		if (has(t[i].isrc))
			fprintf(f, "    ISRC %s\n", t[i].isrc);
		if (t[i].index0 >= 0) {
			cue_msf(msf, sizeof msf, t[i].index0);
			fprintf(f, "    INDEX 00 %s\n", msf);
		}
		cue_msf(msf, sizeof msf, t[i].index1);
		fprintf(f, "    INDEX 01 %s\n", msf);
	}
	return atomicfile_commit(&af, err, errlen) ? ST_OUTPUT : ST_OK;
}
