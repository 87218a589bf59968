/* Command-line parsing shared by every subcommand. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/codec.h"
#include "audio/preset.h"
#include "audio/tags.h"
#include "audio/status.h"
#include "tui/platforms.h"

#ifndef LATHE_VERSION
#define LATHE_VERSION "0.1.0"
#endif

static const char usage_text[] =
	"usage: lathe [OPTIONS] [FILE...]            the console (no FILE: a demo mix)\n"
	"       lathe play   [OPTIONS] FILE          play through the chain, no UI\n"
	"       lathe render [OPTIONS] IN... -o OUT  offline render through the chain\n"
	"       lathe analyze [--json] [--spectrum] [--codec FMT] [--check RULES] FILE...\n"
	"                                            loudness, peak, stereo, spectrum\n"
	"       lathe sweep  [OPTIONS] FILE          loudness, crest and distortion against\n"
	"                                            drive: where more limiting stops paying\n"
	"       lathe verify MANIFEST                re-render from a manifest, compare\n"
	"\n"
	"  -p, --preset NAME|PATH   factory preset by name, or an INI file\n"
	"      --set MOD.PARAM=V    set one parameter (repeatable, after the preset)\n"
	"      --target LUFS|stop   find the limiter drive that lands on this loudness\n"
	"                           (stop: the drive where the sweep says to stop)\n"
	"      --ceiling DBTP       true-peak ceiling of the limiter (default -1.0)\n"
	"  -d, --device PCM         ALSA PCM name (default: default)\n"
	"      --seconds N          play: stop after N seconds of audio\n"
	"      --latency MS         play, console: device buffer (default 40 ms)\n"
	"  -o, --output PATH        render: output file, or a folder for several inputs\n"
	"      --bits 16|24|32f     render: sample format (default 24, dithered)\n"
	"      --album              render: several inputs as one album\n"
	"      --jobs N             render: parallel renders (default: cores)\n"
	"      --rate HZ            render, sweep: output sample rate (libsoxr, very high quality)\n"
	"      --tag KEY=VALUE      render: title artist album tracknumber date comment isrc\n"
	"      --manifest PATH      render: JSON manifest to re-render and compare with verify\n"
	"      --continuous NAME    render --album: also the album as one file NAME in the\n"
	"                           output folder, with a CUE sheet NAME.cue beside it\n"
	"      --codec-safe FMT[:KBPS]  render: ceiling lowered until the mp3/opus decode holds it\n"
	"      --max DB, --step DB  sweep: drives 0 to DB (default 18) in steps (default 1)\n"
	"      --reference FILE     console: a reference master to compare against\n"
	"      --json               machine-readable output\n"
	"      --spectrum           analyze: the 31 third-octave levels too\n"
	"      --codec FMT[:KBPS]   analyze: true peak after an mp3 or opus round trip\n"
	"      --check RULES        analyze: e.g. integrated_lufs=-15..-13,true_peak_dbtp<=-1\n"
	"      --junit PATH         analyze --check: a JUnit XML report too\n"
	"  -q, --quiet              no progress or summary\n"
	"  -h, --help               this text\n"
	"      --version            the version\n";

static const char modules_text[] =
	"\nThe chain, in order (each module with a crossfaded bypass):\n"
	"  input    gain\n"
	"  hpf      high-pass, 12 or 24 dB/oct\n"
	"  eq       low shelf, three bells, high shelf; each band stereo, mid or\n"
	"           side (BAND_mode 0, 1, 2), and dynamic with a BAND_dyn_range:\n"
	"           its gain moves that far as the band's own level rises over\n"
	"           BAND_dyn_threshold\n"
	"  comp     bus compressor: linked RMS, soft knee, sidechain high-pass, mix\n"
	"  mbcomp   three-band compressor on Linkwitz-Riley crossovers that sum\n"
	"           flat (off by default: mbcomp.bypass=0 engages it)\n"
	"  imager   width, bass mono\n"
	"  clip     8x oversampled soft clipper (off by default)\n"
	"  limiter  lookahead true-peak limiter\n"
	"  output   gain, down only\n";

/* NAME and the first sentence of its notes, wrapped under a 78-column
 * screen: the notes themselves run to a paragraph. */
static void preset_line(const struct preset_entry *e)
{
	double v[P_COUNT];
	char name[PRESET_NAME_MAX], notes[PRESET_NOTES_MAX + 1], err[256];
	enum { COL = 19, WIDTH = 78 };

	if (preset_load(e->path, v, name, sizeof name, notes, sizeof notes, err, sizeof err) != ST_OK) {
		printf("  %-16s (cannot be read: %s)\n", e->name, err);
		return;
	}
	char *end = strstr(notes, ". ");
	if (end)
		end[1] = '\0';
	if (e->user) {
		size_t n = strlen(notes);
		snprintf(notes + n, sizeof notes - n, "%s(user preset)", n ? " " : "");
	}
	printf("  %-16s", e->name);
	int col = 2 + (int)strlen(e->name) > COL - 1 ? 2 + (int)strlen(e->name) : COL - 1;
	for (const char *w = notes; *w;) {
		size_t len = strcspn(w, " ");
		if (len == 0) {
			w++;
			continue;
		}
		if (col + 1 + (int)len > WIDTH && col > COL - 1) {
			printf("\n%*s", COL - 1, "");
			col = COL - 1;
		}
		printf(" %.*s", (int)len, w);
		col += 1 + (int)len;
		w += len;
	}
	putchar('\n');
}

/* The parameters come from the table and the presets from their folders,
 * so --help cannot go stale. */
static void usage(void)
{
	struct preset_entry *list = NULL;
	int n = 0;
	char err[256];

	fputs(usage_text, stdout);
	fputs(modules_text, stdout);
	if (preset_list(&list, &n, err, sizeof err) == ST_OK && n > 0) {
		printf("\nPresets for -p NAME:\n");
		for (int i = 0; i < n; i++)
			preset_line(&list[i]);
	}
	free(list);
	printf("\nParameters for --set MODULE.PARAM=VALUE (range, default):\n");
	for (int i = 0; i < P_COUNT; i++) {
		const struct param_desc *d = &param_table[i];
		char name[48], lo[24], hi[24], def[24];
		snprintf(name, sizeof name, "%s.%s", module_names[d->module], d->name);
		format_double(lo, sizeof lo, d->min);
		format_double(hi, sizeof hi, d->max);
		format_double(def, sizeof def, d->def);
		printf("  %-22s %8s to %-7s %-7s %s\n", name, lo, hi, d->unit, def);
	}
}

enum { O_SET = 256, O_TARGET, O_CEILING, O_SECONDS, O_BITS, O_ALBUM, O_JSON,
       O_JOBS, O_REFERENCE, O_VERSION, O_LATENCY, O_SPECTRUM, O_MAX, O_STEP, O_RATE,
       O_TAG, O_MANIFEST, O_CODEC, O_CODEC_SAFE, O_CHECK, O_JUNIT, O_CONTINUOUS };

static const struct option long_opts[] = {
	{ "preset", required_argument, NULL, 'p' },
	{ "set", required_argument, NULL, O_SET },
	{ "target", required_argument, NULL, O_TARGET },
	{ "ceiling", required_argument, NULL, O_CEILING },
	{ "device", required_argument, NULL, 'd' },
	{ "seconds", required_argument, NULL, O_SECONDS },
	{ "latency", required_argument, NULL, O_LATENCY },
	{ "output", required_argument, NULL, 'o' },
	{ "bits", required_argument, NULL, O_BITS },
	{ "album", no_argument, NULL, O_ALBUM },
	{ "jobs", required_argument, NULL, O_JOBS },
	{ "reference", required_argument, NULL, O_REFERENCE },
	{ "json", no_argument, NULL, O_JSON },
	{ "spectrum", no_argument, NULL, O_SPECTRUM },
	{ "max", required_argument, NULL, O_MAX },
	{ "step", required_argument, NULL, O_STEP },
	{ "rate", required_argument, NULL, O_RATE },
	{ "tag", required_argument, NULL, O_TAG },
	{ "manifest", required_argument, NULL, O_MANIFEST },
	{ "continuous", required_argument, NULL, O_CONTINUOUS },
	{ "codec", required_argument, NULL, O_CODEC },
	{ "codec-safe", required_argument, NULL, O_CODEC_SAFE },
	{ "check", required_argument, NULL, O_CHECK },
	{ "junit", required_argument, NULL, O_JUNIT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 },
};

__attribute__((format(printf, 1, 2)))
static int bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lathe: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see lathe --help)\n");
	return ST_USAGE;
}

static int number(const char *opt, const char *arg, double lo, double hi, double *out)
{
	char range[64];

	if (parse_double(arg, out) != 0)
		return bad("%s: '%s' is not a number", opt, arg);
	if (*out < lo || *out > hi) {
		snprintf(range, sizeof range, "%g to %g", lo, hi);
		fprintf(stderr, "lathe: %s: %s is out of range (%s) (see lathe --help)\n", opt, arg, range);
		return ST_USAGE;
	}
	return ST_OK;
}

static const char *const subcommands[] = { "play", "render", "analyze", "sweep", "verify" };
#define NSUBCOMMANDS (int)(sizeof subcommands / sizeof subcommands[0])

/* Levenshtein distance, two rows; names here are short. */
static int distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), prev[64], cur[64];

	if (la > 60 || lb > 60)
		return 99;
	for (int j = 0; j <= lb; j++)
		prev[j] = j;
	for (int i = 1; i <= la; i++) {
		cur[0] = i;
		for (int j = 1; j <= lb; j++) {
			int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			int del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(int) * (size_t)(lb + 1));
	}
	return prev[lb];
}

const char *cli_closest(const char *s, const char *const *names, int n)
{
	const char *best = NULL;
	int bd = 99, len = (int)strlen(s);
	int limit = len / 3 > 3 ? 3 : (len / 3 < 1 ? 1 : len / 3);

	for (int i = 0; i < n; i++) {
		int d = distance(s, names[i]);
		if (d < bd) {
			bd = d;
			best = names[i];
		}
	}
	return bd <= limit ? best : NULL;
}

/* "unknown option '--targte'; did you mean --target?" */
static int unknown_option(const char *arg)
{
	const char *names[sizeof long_opts / sizeof long_opts[0]];
	char word[64];
	int n = 0;

	for (const struct option *o = long_opts; o->name; o++)
		names[n++] = o->name;
	if (!strncmp(arg, "--", 2)) {
		snprintf(word, sizeof word, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
		const char *near = cli_closest(word, names, n);
		if (near)
			return bad("unknown option '%s'; did you mean --%s?", arg, near);
	}
	return bad("unknown option '%s'", arg);
}

/* Returns -1 to go on, or an exit status (0 after --help / --version). */
int cli_parse(struct cli *c, int argc, char **argv)
{
	int o, i = 1;
	double d;

	memset(c, 0, sizeof *c);
	c->bits = 24;
	c->sweep_max = 18;
	c->sweep_step = 1;
	if (argc > 1) {
		for (int k = 0; k < NSUBCOMMANDS; k++)
			if (strcmp(argv[1], subcommands[k]) == 0) {
				c->cmd = (enum cli_cmd)(CMD_PLAY + k);
				i = 2;
			}
		/* "lathe rendr": a word that is no file but nearly a command. */
		const char *near = i == 1 && argv[1][0] != '-' && !strchr(argv[1], '.') &&
				   !strchr(argv[1], '/') && access(argv[1], F_OK) != 0 ?
				   cli_closest(argv[1], subcommands, NSUBCOMMANDS) : NULL;
		if (near)
			return bad("unknown command '%s': did you mean %s?", argv[1], near);
	}
	optind = i;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":p:d:o:qh", long_opts, NULL)) != -1) {
		switch (o) {
		case 'p': c->preset = optarg; break;
		case 'd': c->device = optarg; break;
		case 'o': c->output = optarg; break;
		case 'q': c->quiet = 1; break;
		case 'h': usage(); return 0;
		case O_VERSION: printf("lathe %s\n", LATHE_VERSION); return 0;
		case O_SET:
			if (c->nsets == CLI_MAX_SETS)
				return bad("--set: more than %d settings", CLI_MAX_SETS);
			if (!strchr(optarg, '='))
				return bad("--set: expected MODULE.PARAM=VALUE, got '%s'", optarg);
			c->sets[c->nsets++] = optarg;
			break;
		case O_TARGET:
			if (!strcmp(optarg, "stop")) {
				c->target_stop = 1;
				c->has_target = 0;
				break;
			}
			if (number("--target", optarg, TARGET_LUFS_MIN, TARGET_LUFS_MAX, &c->target))
				return ST_USAGE;
			c->has_target = 1;
			c->target_stop = 0;
			break;
		case O_CEILING:
			if (number("--ceiling", optarg, param_table[P_LIMITER_CEILING].min,
				   param_table[P_LIMITER_CEILING].max, &c->ceiling))
				return ST_USAGE;
			c->has_ceiling = 1;
			break;
		case O_SECONDS:
			if (number("--seconds", optarg, 0.001, 1e7, &c->seconds))
				return ST_USAGE;
			break;
		case O_LATENCY:
			/* Below a few ms no scheduler keeps up; above half a
			 * second a tweak is no longer heard as one. */
			if (number("--latency", optarg, 2, 500, &c->latency_ms))
				return ST_USAGE;
			break;
		case O_BITS:
			if (!strcmp(optarg, "16") || !strcmp(optarg, "24"))
				c->bits = atoi(optarg);
			else if (!strcmp(optarg, "32f") || !strcmp(optarg, "32"))
				c->bits = 32;
			else
				return bad("--bits: expected 16, 24 or 32f, got '%s'", optarg);
			break;
		case O_ALBUM: c->album = 1; break;
		case O_JSON: c->json = 1; break;
		case O_SPECTRUM: c->spectrum = 1; break;
		case O_JOBS:
			if (number("--jobs", optarg, 1, 256, &d))
				return ST_USAGE;
			c->jobs = (int)d;
			break;
		case O_REFERENCE: c->reference = optarg; break;
		case O_MAX:
			if (number("--max", optarg, 0, param_table[P_LIMITER_DRIVE].max, &c->sweep_max))
				return ST_USAGE;
			break;
		case O_STEP:
			if (number("--step", optarg, 0.1, 12, &c->sweep_step))
				return ST_USAGE;
			break;
		case O_RATE:
			if (number("--rate", optarg, 8000, 384000, &d))
				return ST_USAGE;
			if (d != floor(d))
				return bad("--rate: %s is not a whole number of Hz", optarg);
			c->rate = (int)d;
			break;
		case O_TAG:
			if (c->ntags == CLI_MAX_TAGS)
				return bad("--tag: more than %d tags", CLI_MAX_TAGS);
			{
				char msg[256];
				if (tag_check(optarg, msg, sizeof msg))
					return bad("--tag: %s", msg);
			}
			c->tags[c->ntags++] = optarg;
			break;
		case O_MANIFEST: c->manifest = optarg; break;
		case O_CONTINUOUS:
			if (!*optarg || strchr(optarg, '/'))
				return bad("--continuous: '%s' is not a file name (it goes in the -o folder)", optarg);
			c->continuous = optarg;
			break;
		case O_CODEC:
		case O_CODEC_SAFE: {
			char msg[256];
			if (codec_parse(optarg, NULL, msg, sizeof msg))
				return bad("%s: %s", o == O_CODEC ? "--codec" : "--codec-safe", msg);
			if (o == O_CODEC)
				c->codec = optarg;
			else
				c->codec_safe = optarg;
			break;
		}
		case O_CHECK: c->check = optarg; break;
		case O_JUNIT: c->junit = optarg; break;
		case ':':
			return bad("%s needs a value", argv[optind - 1]);
		default:
			/* getopt_long puts a long option's value in optopt when it
			 * was given a value it does not take (--json=yes). */
			if (optopt >= O_SET)
				return bad("%s takes no value", argv[optind - 1]);
			if (optopt)
				return bad("unknown option '-%c'", optopt);
			return unknown_option(argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++) {
		if (c->nfiles == CLI_MAX_FILES)
			return bad("more than %d files", CLI_MAX_FILES);
		c->files[c->nfiles++] = argv[optind];
	}
	return -1;
}

int cli_params(const struct cli *c, double v[P_COUNT], char *err, int errlen)
{
	int rc;

	params_defaults(v);
	if (c->preset) {
		char path[4096];
		rc = preset_resolve(c->preset, path, sizeof path, err, errlen);
		if (rc)
			return rc;
		rc = preset_load(path, v, NULL, 0, NULL, 0, err, errlen);
		if (rc)
			return rc;
	}
	if (c->has_ceiling)
		v[P_LIMITER_CEILING] = c->ceiling;
	for (int i = 0; i < c->nsets; i++) {
		rc = param_set_from_string(c->sets[i], v, err, errlen);
		if (rc)
			return rc;
	}
	return ST_OK;
}
