/* The playback engine: a source, the chain, and a device, driven by one
 * real-time thread.  The UI (or `lathe play`) calls these functions from
 * one control thread; they never block on the audio thread.  Parameters go
 * to the audio thread and meter snapshots come back through lock-free
 * single-writer single-reader structures. */
#ifndef LATHE_ENGINE_H
#define LATHE_ENGINE_H
#include <stdint.h>
#include "dsp/monitor.h"
#include "dsp/params.h"

enum transport { TR_STOPPED, TR_PLAYING, TR_PAUSED };

struct engine_opts {
	const char *device;  /* ALSA PCM name; NULL means "default" */
	int explicit_device; /* a named device that fails is an error; the
				default one falls back to a silent, clock-paced sink */
	double latency_ms;   /* 0: about 20 ms */
};

/* One meter frame, published by the audio thread every ~40 ms. */
struct engine_meters {
	uint64_t seq;          /* increases with each frame */
	int transport;         /* enum transport */
	double pos_s;          /* position of the audio at the device */
	float peak_db[2];      /* output sample peak, dBFS */
	float true_peak_db[2]; /* output true peak, dBTP */
	float momentary_lufs, short_term_lufs, integrated_lufs, lra_lu;
	float max_true_peak_db; /* since start of play (for PLR) */
	float comp_gr_db, limiter_gr_db;
	float ab_offset_db;    /* gain applied to the dry signal in A/B */
	float cpu;             /* audio thread's share of one core, 0..1 */
	unsigned underruns;
	/* The reference (engine_load_reference). */
	int ref_on;            /* 1: the reference is heard (or faded to) */
	float master_lufs;     /* master loudness the match uses: integrated
				  since the settings last changed */
	float master_lufs_s;   /* seconds of audio that figure covers */
	float ref_lufs;        /* the reference's integrated loudness */
	float master_trim_db;  /* gain on the master for the match, <= 0 */
	float ref_trim_db;     /* gain on the reference for the match, <= 0 */
	float mbcomp_gr_db[MB_BANDS]; /* the multiband's GR per band: low, mid, high */
};

struct engine_info {
	char device[96];   /* what is playing, e.g. "default" or "no audio device" */
	int silent_sink;   /* 1: no device, paced by the clock, metering only */
	unsigned rate;     /* device rate */
	unsigned period_frames, buffer_frames;
	double duration_s; /* of the loaded source */
	char source[256];  /* name of the loaded source */
	char error[512];   /* non-empty once the device failed mid-play */
	/* The reference, "" when none is loaded. */
	char reference[256];
	double reference_s;
	double reference_lufs; /* NaN while reference_measuring; -inf: silent */
	int reference_usable; /* 0: its rate differs from the track's */
	int reference_measuring; /* 1: its loudness is still being measured */
};

struct engine;
struct source;
/* ST_OK or ST_DEVICE, with a one-line message in err. */
int engine_open(struct engine **out, const struct engine_opts *o,
		char *err, int errlen);
/* Load a file (ST_INPUT on failure), or take ownership of a source.  The
 * transport stops; settings stay. */
int engine_load(struct engine *e, const char *path, char *err, int errlen);
int engine_load_source(struct engine *e, struct source *s, char *err, int errlen);
void engine_close(struct engine *e);

void engine_play(struct engine *e);
void engine_pause(struct engine *e);
void engine_toggle(struct engine *e);
void engine_stop(struct engine *e);       /* ramps down, back to the start */
void engine_seek(struct engine *e, double seconds, int relative);
void engine_set_loop(struct engine *e, double a_s, double b_s); /* b <= a: off */

void engine_set_param(struct engine *e, int id, double v);
double engine_get_param(const struct engine *e, int id); /* last value set */
void engine_set_ab(struct engine *e, int bypassed);  /* gain-matched bypass */
void engine_set_monitor(struct engine *e, enum monitor m);
/* Listening aid: hear only the multiband's band 0 (low), 1 (mid) or 2
 * (high) while it is engaged; -1 all.  Not a parameter: never saved,
 * never rendered. */
void engine_set_mbcomp_solo(struct engine *e, int band);
void engine_set_platform_target(struct engine *e, double lufs);
/* The master's integrated loudness over the whole track with the current
 * settings (the console measures it in the background): the reference
 * match and the platform monitor use it instead of what has been heard.
 * NAN: not known (while settings change, or before it is measured). */
void engine_set_master_lufs(struct engine *e, double lufs);

/* Copies the newest meter frame; returns 1 when it is newer than the last
 * one read through this call. */
int engine_read_meters(struct engine *e, struct engine_meters *m);
void engine_get_info(struct engine *e, struct engine_info *i);
/* The transport as the audio thread last set it (enum transport). */
int engine_transport(struct engine *e);
/* Stop, with a fade, once this many seconds of audio have been played
 * from the start of the file; 0 turns it off. */
void engine_set_end(struct engine *e, double seconds);

/* Albums: the track that follows the loaded one when it ends, after gap_s
 * seconds of digital silence, from its first sample with its own settings
 * v and a fresh chain (as its render starts), all on the audio thread
 * without waiting: the file is opened and its decoder started by this
 * call, ahead of the end.  Only a file at the playing track's rate can
 * follow (ST_INPUT otherwise, with a line in err).  Calling it again
 * replaces what was queued (the same path keeps its decoder and takes
 * the new settings); NULL path: nothing follows, the transport stops at
 * the end as before.  A loop keeps the track from ending; engine_load
 * drops what was queued. */
struct engine_next {
	double v[P_COUNT];
	double gap_s, fade_in_s, fade_out_s;
};
int engine_queue_next(struct engine *e, const char *path, const struct engine_next *o,
		      char *err, int errlen);
/* Call often: 1 when the queued track has begun (its gap) since the last
 * call; the engine's settings (engine_get_param), info and fades are then
 * the new track's, and nothing is queued. */
int engine_poll_next(struct engine *e);
/* An album track's fades as its master has them (audio/fade.h: equal
 * power, after the chain), heard while it plays; 0 0: none (the default
 * after each load). */
void engine_set_fades(struct engine *e, double in_s, double out_s);
struct engine_stats {
	uint64_t frames_written;  /* handed to the device since the load */
	double first_sample_ms;   /* from the load to the first write; -1: none yet */
	int latency_frames;       /* the chain's, compensated */
	double cpu_s;             /* audio thread CPU time since the load */
	double work_s;            /* the part of it producing audio (not in the device) */
};
void engine_get_stats(struct engine *e, struct engine_stats *s);

/* A reference master to compare against.  It plays unprocessed, in step
 * with the track (at the same position, wrapping when it is shorter),
 * through its own decoder thread and ring, and survives engine_load.  At
 * another sample rate than the track's it is converted as it is decoded
 * (resample.h), again whenever a track of another rate is loaded.  Its
 * integrated loudness is measured on a thread of its own, so this returns
 * at once whatever the length; until the figure is known
 * (engine_info.reference_measuring) there is no loudness match.  Loading
 * parks the audio thread for a moment.  ST_OK or ST_INPUT (the file cannot
 * be opened or decoded). */
int engine_load_reference(struct engine *e, const char *path, char *err, int errlen);
/* 1: hear the reference instead of the master, crossfaded.  While a
 * reference is loaded the louder of the two is turned down (monitoring
 * only, never rendered), so the comparison is at equal loudness. */
void engine_set_reference(struct engine *e, int on);
/* The same for a decode of the master itself (the console's codec
 * listening): no loudness match either way, so what plays is the decoded
 * samples.  engine_drop_reference unloads either kind. */
int engine_load_decode(struct engine *e, const char *path, char *err, int errlen);
void engine_drop_reference(struct engine *e);

/* The analysis tap: a lock-free copy of the chain's output
 * (post) and input (pre, delayed to line up), in blocks, for spectrum and
 * stereo meters on the UI side.  Off until enabled; enabling drops what
 * waited.  A reader that falls behind loses blocks (engine_tap_lost
 * counts the frames); the audio thread never waits for it.  A block whose
 * pos does not follow the last one's is a seek or a loop. */
#define ENGINE_TAP_FRAMES 256
struct engine_tap_block {
	int64_t pos;  /* source frame of the first frame */
	int n;        /* frames, <= ENGINE_TAP_FRAMES */
	int has_ref;  /* ref holds the reference, in step, unprocessed and untrimmed */
	float post[2 * ENGINE_TAP_FRAMES], pre[2 * ENGINE_TAP_FRAMES];
	float ref[2 * ENGINE_TAP_FRAMES];
};
void engine_tap_enable(struct engine *e, int on);
/* The oldest waiting block: 1, or 0 when none is waiting. */
int engine_tap_read(struct engine *e, struct engine_tap_block *b);
unsigned engine_tap_lost(struct engine *e);
#endif
