/* Test-signal generator: every audio file the tests use is made here, at
 * test time.  usage: siggen [--rate R] [--channels C] [--format 16|24|32f|64f]
 *                    [--seconds S] [--level DBFS] [--seed N] [--pad S] KIND OUT
 * --pad puts S seconds of silence before and after the signal.
 * KIND: sine:FREQ[:PHASE_DEG], twin:F1:F2 (two tones, each -6 dBFS), isp (fs/4 at 45 degrees), square:FREQ,
 *       clipnoise:DRIVE_DB, noise, music, silence, dc:VALUE, sweep,
 *       nan (music with NaN/inf/denormal samples mixed in; float formats),
 *       loudsteps (alternating loud/quiet sections),
 *       music:STYLE with STYLE dense (wall of sound: saws, pads, fast
 *       hats, sidechain-like pumping), sparse (percussion and a plucked
 *       line with silences), bass (808-style sub kick and a sustained
 *       30-60 Hz bass), ballad (piano-like decays, strings, soft kick);
 *       every one peak-normalised like music */
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 88172645463325252ULL;
static double urand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

/* A few seconds of something music-like: kick, snare, hats, bass, chords. */
static void music(double *L, double *R, long n, int rate)
{
	double beat = 60.0 / 120.0;
	const double roots[4] = { 55.0, 43.65, 49.0, 41.2 };
	for (long i = 0; i < n; i++) {
		double t = (double)i / rate;
		double tb = fmod(t, beat);
		int bar = (int)(t / (4 * beat)) % 4;
		double kick = sin(2 * M_PI * (50 + 80 * exp(-tb * 30)) * tb) * exp(-tb * 8);
		double tsn = fmod(t + beat, 2 * beat);
		double snare = urand() * exp(-tsn * 18) * 0.5 + sin(2 * M_PI * 190 * tsn) * exp(-tsn * 20) * 0.3;
		double th = fmod(t, beat / 2);
		double hat = urand() * exp(-th * 60) * 0.15;
		double f = roots[bar];
		double bass = 0.35 * tanh(2 * sin(2 * M_PI * f * t));
		double chord = 0;
		const double iv[3] = { 4, 7.02, 11.7 };
		for (int k = 0; k < 3; k++)
			chord += sin(2 * M_PI * f * 4 * pow(2, iv[k] / 12.0) * t + k);
		chord *= 0.08 * (0.6 + 0.4 * sin(2 * M_PI * 0.25 * t));
		double m = 0.55 * kick + snare + bass;
		L[i] = m + hat * 0.8 + chord * 1.2;
		R[i] = m + hat * 1.2 + chord * 0.8;
	}
}

/* One cheap band-limited saw: a few harmonics are enough for a test. */
static double saw(double ph, int nh)
{
	double s = 0;
	for (int k = 1; k <= nh; k++)
		s += sin(k * ph) / k;
	return s * 0.55;
}

static void music_style(double *L, double *R, long n, int rate, const char *style)
{
	const double notes[8] = { 0, 3, 7, 10, 12, 7, 5, 3 };
	double lp = 0, lp2 = 0, ph = 0;
	for (long i = 0; i < n; i++) {
		double t = (double)i / rate, l = 0, r = 0;
		if (!strcmp(style, "dense")) {
			double beat = 60.0 / 128, tb = fmod(t, beat);
			double kick = sin(2 * M_PI * (45 + 100 * exp(-tb * 40)) * tb) * exp(-tb * 6);
			double duck = 1 - 0.5 * exp(-tb * 10);
			double f = 55 * pow(2, notes[(int)(t / (2 * beat)) % 8] / 12);
			double pad = 0;
			for (int v = 0; v < 4; v++)
				pad += saw(2 * M_PI * f * 2 * pow(2, (v * 3.5) / 12) * t * (1 + 0.002 * v), 12);
			double bass = saw(2 * M_PI * f * t, 8);
			double hat = urand() * exp(-fmod(t, beat / 4) * 80) * 0.3;
			double sn = urand() * exp(-fmod(t + beat, 2 * beat) * 12) * 0.6;
			l = 0.7 * kick + duck * (0.35 * pad + 0.45 * bass) + hat + sn;
			r = 0.7 * kick + duck * (0.32 * pad + 0.45 * bass) + 0.8 * hat + sn;
		} else if (!strcmp(style, "sparse")) {
			double beat = 60.0 / 96, tb = fmod(t, beat);
			int b = (int)(t / beat) % 8;
			double kick = (b == 0 || b == 3 || b == 5) ? sin(2 * M_PI * (60 + 60 * exp(-tb * 25)) * tb) * exp(-tb * 12) : 0;
			double rim = (b & 1) ? urand() * exp(-tb * 90) + sin(2 * M_PI * 1700 * tb) * exp(-tb * 60) : 0;
			double tp = fmod(t, beat / 2), f = 220 * pow(2, notes[(int)(t / (beat / 2)) % 8] / 12);
			double pluck = sin(2 * M_PI * f * tp) * exp(-tp * 9) + 0.4 * sin(4 * M_PI * f * tp) * exp(-tp * 20);
			double gate = ((int)(t / (4 * beat)) % 2) ? 1 : 0.15; /* silences */
			l = gate * (0.9 * kick + 0.5 * rim + 0.35 * pluck);
			r = gate * (0.9 * kick + 0.35 * rim + 0.5 * pluck);
		} else if (!strcmp(style, "bass")) {
			double beat = 60.0 / 70, tb = fmod(t, beat);
			double f808 = 35 + 25 * exp(-tb * 8);
			ph += 2 * M_PI * f808 / rate;
			double sub = tanh(1.5 * sin(ph)) * exp(-tb * 1.2);
			double f = 30 + 30 * (0.5 + 0.5 * sin(2 * M_PI * 0.1 * t));
			double bass = sin(2 * M_PI * f * t) + 0.3 * sin(6 * M_PI * f * t);
			double hat = urand() * exp(-fmod(t, beat / 8) * 120) * 0.12;
			double clap = urand() * exp(-fmod(t + beat / 2, beat) * 25) * 0.4;
			l = 0.8 * sub + 0.35 * bass + hat + clap;
			r = 0.8 * sub + 0.35 * bass + 0.7 * hat + clap;
		} else { /* ballad */
			double beat = 60.0 / 72, tb = fmod(t, beat);
			double kick = sin(2 * M_PI * (50 + 30 * exp(-tb * 20)) * tb) * exp(-tb * 10) * 0.5;
			double f = 130.8 * pow(2, notes[(int)(t / beat) % 8] / 12);
			double piano = 0;
			for (int k = 1; k <= 6; k++)
				piano += sin(2 * M_PI * f * k * 1.0008 * tb) * exp(-tb * (2 + k)) / k;
			double str = 0;
			for (int v = 0; v < 3; v++)
				str += saw(2 * M_PI * f * (1 + v * 0.5) * t * (1 + 0.003 * sin(5 * t + v)), 10);
			str *= 0.15 * (0.6 + 0.4 * sin(2 * M_PI * 0.07 * t));
			double nz = urand();
			lp += 0.05 * (nz - lp);
			lp2 += 0.2 * (lp - lp2);
			l = kick + 0.6 * piano + str + 0.2 * lp2;
			r = kick + 0.5 * piano + 1.1 * str + 0.2 * lp2;
		}
		L[i] = l;
		R[i] = r;
	}
}

int main(int argc, char **argv)
{
	int rate = 44100, channels = 2, i = 1;
	double seconds = 5, level = 0, pad = 0;
	const char *format = "24";
	while (i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-') {
		if (!strcmp(argv[i], "--rate")) rate = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--channels")) channels = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--format")) format = argv[i + 1];
		else if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--level")) level = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--pad")) pad = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--seed")) rng ^= (uint64_t)atoll(argv[i + 1]) * 0x9E3779B97F4A7C15ULL;
		else { fprintf(stderr, "siggen: unknown option %s\n", argv[i]); return 1; }
		i += 2;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: siggen [options] KIND OUT\n");
		return 1;
	}
	const char *kind = argv[i], *out = argv[i + 1];
	long n = (long)(seconds * rate);
	double *L = calloc((size_t)n + 1, sizeof *L), *R = calloc((size_t)n + 1, sizeof *R);
	double g = pow(10, level / 20);
	double a = 0, b = 0;
	int nan_kind = 0;

	if (sscanf(kind, "sine:%lf:%lf", &a, &b) >= 1) {
		for (long k = 0; k < n; k++)
			L[k] = R[k] = sin(2 * M_PI * a * k / rate + b * M_PI / 180);
	} else if (sscanf(kind, "twin:%lf:%lf", &a, &b) == 2) {
		/* Two equal tones, each at half scale: an IMD test. */
		for (long k = 0; k < n; k++)
			L[k] = R[k] = 0.5 * (sin(2 * M_PI * a * k / rate) + sin(2 * M_PI * b * k / rate));
	} else if (!strcmp(kind, "isp")) {
		for (long k = 0; k < n; k++)
			/* Samples land at +-0.7071 of the sine's crest: scaled so
			 * they hit full scale, the waveform peaks at +3 dBTP. */
			L[k] = R[k] = sin(M_PI / 2 * (double)k + M_PI / 4) * M_SQRT2;
	} else if (sscanf(kind, "square:%lf", &a) == 1) {
		for (long k = 0; k < n; k++)
			L[k] = R[k] = fmod((double)k * a / rate, 1.0) < 0.5 ? 1 : -1;
	} else if (sscanf(kind, "clipnoise:%lf", &a) == 1) {
		double d = pow(10, a / 20);
		for (long k = 0; k < n; k++) {
			L[k] = fmax(-1, fmin(1, urand() * d));
			R[k] = fmax(-1, fmin(1, urand() * d));
		}
	} else if (!strcmp(kind, "noise")) {
		for (long k = 0; k < n; k++) {
			L[k] = urand();
			R[k] = urand();
		}
	} else if (!strcmp(kind, "music") || (nan_kind = !strcmp(kind, "nan")) ||
		   !strcmp(kind, "music:dense") || !strcmp(kind, "music:sparse") ||
		   !strcmp(kind, "music:bass") || !strcmp(kind, "music:ballad")) {
		if (kind[5] == ':')
			music_style(L, R, n, rate, kind + 6);
		else
			music(L, R, n, rate);
		double pk = 0;
		for (long k = 0; k < n; k++)
			pk = fmax(pk, fmax(fabs(L[k]), fabs(R[k])));
		for (long k = 0; k < n; k++) {
			L[k] /= pk;
			R[k] /= pk;
		}
	} else if (!strcmp(kind, "loudsteps")) {
		music(L, R, n, rate);
		for (long k = 0; k < n; k++) {
			double s = ((k / rate) % 4) < 2 ? 0.5 : 0.05;
			L[k] *= s;
			R[k] *= s;
		}
	} else if (sscanf(kind, "dc:%lf", &a) == 1) {
		for (long k = 0; k < n; k++)
			L[k] = R[k] = a;
	} else if (!strcmp(kind, "sweep")) {
		for (long k = 0; k < n; k++) {
			double t = (double)k / rate, T = seconds;
			double ph = 2 * M_PI * 20 * T / log(1000) * (exp(t / T * log(1000)) - 1);
			L[k] = R[k] = sin(ph);
		}
	} else if (strcmp(kind, "silence")) {
		fprintf(stderr, "siggen: unknown kind %s\n", kind);
		return 1;
	}
	for (long k = 0; k < n; k++) {
		L[k] *= g;
		R[k] *= g;
	}
	if (nan_kind)
		for (long k = 1000; k + 8 < n; k += 4410) {
			L[k] = NAN;
			R[k + 1] = INFINITY;
			L[k + 2] = -INFINITY;
			R[k + 3] = 1e-39;
			L[k + 4] = 1e30;
		}
	SF_INFO info = { .samplerate = rate, .channels = channels };
	const char *dot = strrchr(out, '.');
	int major = dot && !strcmp(dot, ".flac") ? SF_FORMAT_FLAC :
		    dot && (!strcmp(dot, ".aiff") || !strcmp(dot, ".aif")) ? SF_FORMAT_AIFF :
		    dot && !strcmp(dot, ".ogg") ? SF_FORMAT_OGG : SF_FORMAT_WAV;
	int sub = !strcmp(format, "16") ? SF_FORMAT_PCM_16 : !strcmp(format, "32f") ? SF_FORMAT_FLOAT :
		  !strcmp(format, "64f") ? SF_FORMAT_DOUBLE : SF_FORMAT_PCM_24;
	if (major == SF_FORMAT_OGG)
		sub = SF_FORMAT_VORBIS;
	info.format = major | sub;
	SNDFILE *sf = sf_open(out, SFM_WRITE, &info);
	if (!sf) {
		fprintf(stderr, "siggen: %s: %s\n", out, sf_strerror(NULL));
		return 1;
	}
	/* Float files keep what we give them; integer ones must not wrap. */
	sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
	double *frame = calloc((size_t)channels, sizeof *frame);
	long npad = (long)(pad * rate);
	for (long k = 0; k < npad; k++)
		sf_writef_double(sf, frame, 1);
	for (long k = 0; k < n; k++) {
		for (int c = 0; c < channels; c++)
			frame[c] = c % 2 ? R[k] : L[k];
		if (sf_writef_double(sf, frame, 1) != 1) {
			fprintf(stderr, "siggen: %s: write failed\n", out);
			return 1;
		}
	}
	memset(frame, 0, (size_t)channels * sizeof *frame);
	for (long k = 0; k < npad; k++)
		sf_writef_double(sf, frame, 1);
	sf_close(sf);
	free(frame);
	free(L);
	free(R);
	return 0;
}
