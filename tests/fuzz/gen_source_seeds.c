/* Writes small valid audio files, one per format lathe reads, as seeds for
 * fuzz_source: each file is prefixed with the byte that makes the harness
 * give it the right extension.  Usage: gen_source_seeds DIR */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kind {
	int ext;        /* index into fuzz_source.c's exts[] */
	const char *name;
	int format, channels, rate;
};

static const struct kind kinds[] = {
	{ 0, "wav16-stereo", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 2, 44100 },
	{ 0, "wav24-mono", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 1, 48000 },
	{ 0, "wavf32-stereo", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2, 96000 },
	{ 0, "wav-6ch", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 6, 44100 },
	{ 0, "wav-8k", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 2, 8000 },
	{ 1, "aiff16", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 2, 44100 },
	{ 2, "flac16", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 2, 44100 },
	{ 3, "vorbis", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 2, 44100 },
	{ 5, "au", SF_FORMAT_AU | SF_FORMAT_PCM_16, 1, 22050 },
	{ 6, "caf", SF_FORMAT_CAF | SF_FORMAT_FLOAT, 2, 44100 },
	{ 7, "w64", SF_FORMAT_W64 | SF_FORMAT_PCM_16, 2, 44100 },
};

int main(int argc, char **argv)
{
	/* 20 ms: just over the loader's 10 ms minimum, small for the fuzzer. */
	enum { MAXF = 2000 };
	static float pcm[MAXF * 6];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 1;
	}
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const struct kind *kd = &kinds[k];
		SF_INFO info = { .samplerate = kd->rate, .channels = kd->channels, .format = kd->format };
		char path[4096], tmp[4096];
		int frames = kd->rate / 50;
		SNDFILE *sf;
		FILE *in, *out;
		int c;

		if (frames > MAXF)
			frames = MAXF;
		for (int i = 0; i < frames * kd->channels; i++)
			pcm[i] = 0.5f * (float)sin(0.05 * i);
		snprintf(tmp, sizeof tmp, "%s/.tmp", argv[1]);
		snprintf(path, sizeof path, "%s/%s", argv[1], kd->name);
		sf = sf_open(tmp, SFM_WRITE, &info);
		if (!sf) {
			/* Formats this libsndfile was built without are skipped. */
			fprintf(stderr, "gen_source_seeds: %s: %s (skipped)\n", kd->name, sf_strerror(NULL));
			continue;
		}
		sf_writef_float(sf, pcm, frames);
		sf_close(sf);
		in = fopen(tmp, "rb");
		out = fopen(path, "wb");
		if (!in || !out) {
			perror(path);
			return 1;
		}
		fputc(kd->ext, out);
		while ((c = getc(in)) != EOF)
			fputc(c, out);
		fclose(in);
		if (fclose(out) != 0) {
			perror(path);
			return 1;
		}
		remove(tmp);
	}
	return 0;
}
