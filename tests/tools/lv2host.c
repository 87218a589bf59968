/* A small offline LV2 host for the bench: runs one plugin over a WAV file
 * and writes the result, latency compensated, as 32-bit float.
 *   lv2host [--block N] URI IN.wav OUT.wav [SYMBOL=VALUE ...]
 * Control inputs start at their defaults; SYMBOL=VALUE sets one.  Audio
 * ports are taken in index order (inputs get the file's channels, outputs
 * fill the file's channels).  Atom ports (x42-dpl has a UI port, which is
 * why lv2apply cannot run it) get an empty sequence in and a sized buffer
 * out.  Features: urid:map, options (block lengths, sample rate), the
 * bounded block size.  Prints to stderr the plugin's reported latency and
 * the CPU time spent inside run(), so the bench can compare processing
 * speed without file I/O.  Exit 1 on any error, with one line saying why.
 * Built only where lilv is installed (a bench peer, not a test need). */
#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/core/lv2.h>
#include <lv2/options/options.h>
#include <lv2/urid/urid.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXURI 256
static char *uris[MAXURI];
static int nuris;

static LV2_URID map_uri(LV2_URID_Map_Handle h, const char *uri)
{
	(void)h;
	for (int i = 0; i < nuris; i++)
		if (!strcmp(uris[i], uri))
			return (LV2_URID)(i + 1);
	if (nuris == MAXURI)
		return 0;
	uris[nuris] = strdup(uri);
	return (LV2_URID)++nuris;
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int die(const char *msg, const char *arg)
{
	fprintf(stderr, "lv2host: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	return 1;
}

#define ATOM_BUF 8192

int main(int argc, char **argv)
{
	int block = 512, a = 1;
	if (a + 1 < argc && !strcmp(argv[a], "--block")) {
		block = atoi(argv[a + 1]);
		a += 2;
	}
	if (argc - a < 3 || block < 1 || block > 65536)
		return die("usage: lv2host [--block N] URI IN.wav OUT.wav [SYMBOL=VALUE ...]", NULL);
	const char *uri = argv[a], *in = argv[a + 1], *out = argv[a + 2];

	SF_INFO si = { 0 };
	SNDFILE *sf = sf_open(in, SFM_READ, &si);
	if (!sf)
		return die("cannot read", in);
	int ch = si.channels;
	long n = (long)si.frames;
	float *x = malloc(sizeof(float) * (size_t)(n * ch));
	if (!x || sf_readf_float(sf, x, n) != n)
		return die("short read", in);
	sf_close(sf);

	LilvWorld *world = lilv_world_new();
	lilv_world_load_all(world);
	LilvNode *un = lilv_new_uri(world, uri);
	const LilvPlugin *plug = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), un);
	if (!plug)
		return die("plugin not installed", uri);
	LilvNode *c_in = lilv_new_uri(world, LV2_CORE__InputPort);
	LilvNode *c_out = lilv_new_uri(world, LV2_CORE__OutputPort);
	LilvNode *c_audio = lilv_new_uri(world, LV2_CORE__AudioPort);
	LilvNode *c_ctl = lilv_new_uri(world, LV2_CORE__ControlPort);
	LilvNode *c_atom = lilv_new_uri(world, LV2_ATOM__AtomPort);
	LilvNode *c_lat = lilv_new_uri(world, LV2_CORE__reportsLatency);

	LV2_URID_Map map = { NULL, map_uri };
	int32_t minb = 1, maxb = block;
	float srate = (float)si.samplerate;
	LV2_URID t_int = map_uri(NULL, LV2_ATOM__Int), t_float = map_uri(NULL, LV2_ATOM__Float);
	LV2_Options_Option opts[] = {
		{ LV2_OPTIONS_INSTANCE, 0, map_uri(NULL, LV2_BUF_SIZE__minBlockLength), sizeof minb, t_int, &minb },
		{ LV2_OPTIONS_INSTANCE, 0, map_uri(NULL, LV2_BUF_SIZE__maxBlockLength), sizeof maxb, t_int, &maxb },
		{ LV2_OPTIONS_INSTANCE, 0, map_uri(NULL, LV2_BUF_SIZE__nominalBlockLength), sizeof maxb, t_int, &maxb },
		{ LV2_OPTIONS_INSTANCE, 0, map_uri(NULL, LV2_CORE__sampleRate), sizeof srate, t_float, &srate },
		{ LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, NULL },
	};
	LV2_Feature f_map = { LV2_URID__map, &map }, f_opt = { LV2_OPTIONS__options, opts };
	LV2_Feature f_bb = { LV2_BUF_SIZE__boundedBlockLength, NULL };
	const LV2_Feature *feats[] = { &f_map, &f_opt, &f_bb, NULL };
	LilvInstance *inst = lilv_plugin_instantiate(plug, si.samplerate, feats);
	if (!inst)
		return die("cannot instantiate", uri);

	uint32_t np = lilv_plugin_get_num_ports(plug);
	float *ctl = calloc(np, sizeof(float)), *mins = calloc(np, sizeof(float));
	float *maxs = calloc(np, sizeof(float));
	float **abuf = calloc(np, sizeof(float *));
	int ain[8], aout[8], nin = 0, nout = 0, lat_port = -1;
	lilv_plugin_get_port_ranges_float(plug, mins, maxs, ctl);
	for (uint32_t i = 0; i < np; i++) {
		const LilvPort *p = lilv_plugin_get_port_by_index(plug, i);
		if (ctl[i] != ctl[i])
			ctl[i] = 0;
		if (lilv_port_is_a(plug, p, c_audio)) {
			abuf[i] = calloc((size_t)block, sizeof(float));
			if (lilv_port_is_a(plug, p, c_in) && nin < 8)
				ain[nin++] = (int)i;
			else if (lilv_port_is_a(plug, p, c_out) && nout < 8)
				aout[nout++] = (int)i;
			lilv_instance_connect_port(inst, i, abuf[i]);
		} else if (lilv_port_is_a(plug, p, c_atom)) {
			LV2_Atom_Sequence *s = calloc(1, ATOM_BUF);
			int input = lilv_port_is_a(plug, p, c_in);
			s->atom.type = input ? map_uri(NULL, LV2_ATOM__Sequence) : map_uri(NULL, LV2_ATOM__Chunk);
			s->atom.size = input ? sizeof(LV2_Atom_Sequence_Body) : ATOM_BUF - sizeof(LV2_Atom);
			abuf[i] = (float *)s;
			lilv_instance_connect_port(inst, i, s);
		} else if (lilv_port_is_a(plug, p, c_ctl)) {
			if (lilv_port_is_a(plug, p, c_out) && lilv_port_has_property(plug, p, c_lat))
				lat_port = (int)i;
			lilv_instance_connect_port(inst, i, &ctl[i]);
		} else if (!lilv_port_is_a(plug, p, c_ctl)) {
			lilv_instance_connect_port(inst, i, NULL);
		}
	}
	for (int k = a + 3; k < argc; k++) {
		char sym[128];
		double v;
		if (sscanf(argv[k], "%127[^=]=%lf", sym, &v) != 2)
			return die("bad SYMBOL=VALUE", argv[k]);
		LilvNode *sn = lilv_new_string(world, sym);
		const LilvPort *p = lilv_plugin_get_port_by_symbol(plug, sn);
		lilv_node_free(sn);
		if (!p || !lilv_port_is_a(plug, p, c_ctl) || !lilv_port_is_a(plug, p, c_in))
			return die("no such control input", sym);
		ctl[lilv_port_get_index(plug, p)] = (float)v;
	}
	if (nin < 1 || nout < 1)
		return die("plugin has no audio ports", uri);

	/* Latency: the plugin reports it after a run; the input is followed by
	 * enough silence that the compensated output is complete. */
	lilv_instance_activate(inst);
	const long tail = 1 << 16;
	long total = n + tail, got = 0, lat = -1;
	float *y = calloc((size_t)(total * ch), sizeof(float));
	double cpu = 0;
	for (long pos = 0; pos < total; pos += block) {
		int k = total - pos < block ? (int)(total - pos) : block;
		for (int c = 0; c < nin; c++) {
			int src = c < ch ? c : ch - 1;
			for (int i = 0; i < k; i++)
				abuf[ain[c]][i] = pos + i < n ? x[(pos + i) * ch + src] : 0.0f;
		}
		for (uint32_t i = 0; i < np; i++) {
			const LilvPort *p = lilv_plugin_get_port_by_index(plug, i);
			if (abuf[i] && lilv_port_is_a(plug, p, c_atom) && lilv_port_is_a(plug, p, c_out))
				((LV2_Atom *)abuf[i])->size = ATOM_BUF - sizeof(LV2_Atom);
		}
		double t0 = cpu_now();
		lilv_instance_run(inst, (uint32_t)k);
		cpu += cpu_now() - t0;
		if (lat < 0)
			lat = lat_port >= 0 ? (long)(ctl[lat_port] + 0.5f) : 0;
		for (int i = 0; i < k; i++) {
			long o = pos + i - lat;
			if (o < 0 || o >= n)
				continue;
			for (int c = 0; c < ch; c++)
				y[o * ch + c] = abuf[aout[c < nout ? c : nout - 1]][i];
			got++;
		}
	}
	lilv_instance_deactivate(inst);
	lilv_instance_free(inst);
	if (got != n)
		return die("latency longer than the tail", uri);

	SF_INFO so = { .samplerate = si.samplerate, .channels = ch, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	SNDFILE *of = sf_open(out, SFM_WRITE, &so);
	if (!of || sf_writef_float(of, y, n) != n)
		return die("cannot write", out);
	sf_close(of);
	fprintf(stderr, "lv2host: latency=%ld run_cpu=%.3f frames=%ld\n", lat, cpu, n);
	return 0;
}
