/* The engine's state, shared by its three files (not part of its API):
 *   engine.c       - the control side: open, load, close, settings, readings;
 *   engine_play.c  - the audio thread: the play state machine (produce,
 *                    fades, loop, finish) and the meter frames;
 *   engine_ref.c   - the reference track: load, fill, mix, match.
 *
 * Three threads touch an engine:
 *   control  - the caller of every engine_* function (the UI, lathe play);
 *   audio    - pulls chunks from the reader, runs the chain, the loudness
 *              meters and the monitor stage, writes to the device;
 *   reader   - decodes the file ahead (reader.c).
 * Control -> audio: transport commands through an SPSC ring, parameters as
 * per-parameter atomics plus a dirty flag (they can never overflow, and the
 * audio thread only ever needs the newest value), switches as atomics.
 * Audio -> control: meter frames through a triple buffer, counters and
 * states as atomics.  Loading a file or closing parks the audio thread
 * first; that hand-shake is the only time the control thread touches the
 * audio thread's objects.
 *
 * The audio thread allocates nothing, takes no lock and does no I/O; it
 * blocks only in the device's write/drain, and sleeps (1 ms) only when the
 * decoder has nothing for it, where a card would underrun anyway. */
#ifndef LATHE_ENGINE_STATE_H
#define LATHE_ENGINE_STATE_H
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <math.h>
#include <time.h>

#include "engine.h"
#include "ring.h"

struct chain;
struct loudmeter;
struct monitor_stage;
struct reader;
struct source;
struct loud_readings;

/* A stereo delay line of len frames (the chain's latency), so that a
 * signal beside the chain lines up with its output. */
struct delay2 {
	float *l, *r;
	int len, pos;
};

#define FADE_MS 8.0
#define METER_MS 40.0
/* 40 ms in two periods: the audio thread wakes 50 times a second with
 * 20 ms still queued.  At 20 ms in four periods (200 wake-ups, 15 ms
 * queued) the wake-ups were about half of the audio thread's time on a
 * VM (a bare 5 ms sleep costs 37-44 us of CPU there).  The price: a
 * change is heard 40-60 ms after its key; --latency sets it. */
#define DEFAULT_LATENCY_MS 40.0
#define IDLE_WAIT_MS 40
#define MIN_LOOP_MS 50.0
#define FIRST_RATE 48000 /* the device is set up at open, before any file */
#define REF_FADE_MS 40.0
#define REF_GAIN_MS 50.0
#define REF_MAX_SAMPLE 4.0f /* +12 dBFS: beyond that a reference sample is damage */

enum cmd_type { C_PLAY, C_PAUSE, C_TOGGLE, C_STOP, C_SEEK, C_SEEK_REL };
struct cmd {
	int type;
	double value; /* seconds for seeks */
};

/* What happens when a fade-out reaches silence. */
enum action { A_NONE, A_PAUSE, A_STOP, A_SEEK, A_WRAP };

/* The audio thread's private state; the control thread touches it only
 * while the thread is parked. */
struct play {
	int run;            /* writing to the device (transport playing) */
	int transport;
	int64_t in_pos;     /* source frame of the next frame fed to the chain */
	int64_t out_pos;    /* source frame of the next frame written */
	int fresh;          /* the chain must be reset before the next start */
	int skip;           /* output frames still to drop after a reset */
	int tail;           /* -1; after the end: zero frames still to feed */
	int ended;          /* the tail is out: stop once it is written */
	int error;          /* the source failed: stop with its message */
	int waiting;        /* faded out, waiting for the reader after a seek */
	unsigned gen;       /* reader generation expected */
	int chunk_off;      /* frames of the current chunk already used */
	float fade, fade_step;
	int fade_target;
	int action;
	int64_t action_frame;
	int dev_started;
	int64_t bound;      /* input frame where the pending action must happen */
	double cpu0;        /* thread CPU seconds at the last meter frame */
	float max_tp;
	/* The reference. */
	unsigned ref_gen;   /* its reader's generation expected */
	int ref_off;        /* frames of its current chunk already used */
	int64_t ref_pos;    /* its frame for the next frame fed to the chain */
	int64_t ref_len;    /* its length in frames, as the audio thread knows it */
	int ref_dead;       /* its file failed: silence */
	int ref_target;     /* 1: reference heard */
	float ref_x;        /* crossfade, 0 master .. 1 reference */
	float gm, gr, gm_t, gr_t; /* match gains (linear) and their targets */
	int64_t lead;       /* frames of an album gap still to write before in_pos */
};

/* An album's next track (engine_queue_next), handed from the control
 * thread to the audio thread through e->next, and back through
 * e->retired once it plays, then holding the track it replaced.  Whoever
 * holds the pointer owns the struct. */
struct eng_next {
	char path[4096];
	char name[256];           /* the track's: stays the new one's */
	struct source *src;
	struct reader *rd;        /* started at queueing: it fills ahead */
	int64_t frames, gap;
	double v[P_COUNT];
	double fade_in_s, fade_out_s;
};

struct engine {
	struct engine_opts opts;
	struct device *dev;
	int silent;
	double latency_ms;

	pthread_t thread;
	int thread_ok;
	sem_t wake;
	atomic_int quit, park_req, parked;
	struct spsc cmds;

	_Atomic double pv[P_COUNT];
	double pctl[P_COUNT];     /* control thread's copy, for engine_get_param */
	atomic_int pdirty;
	atomic_int ab, mon;
	atomic_int mb_solo;       /* the multiband band heard alone; -1: all */
	_Atomic double platform_target;
	_Atomic double master_lufs;  /* the whole track's, from the control side; NAN: unknown */
	_Atomic int64_t loop_a, loop_b, end_frame;
	_Atomic double fade_in_s, fade_out_s; /* the album track's fades, heard as rendered */
	_Atomic(struct eng_next *) next, retired;

	/* Audio -> control. */
	atomic_uint underruns;
	atomic_int transport;
	atomic_int lost, failed;
	_Atomic uint64_t frames_written;
	_Atomic int64_t first_write_ns;
	_Atomic int64_t cpu_ns;   /* audio thread CPU time since the load */
	/* The part of it spent producing audio (decoded frames through the
	 * chain, monitors and meters); the rest is waiting on and writing to
	 * the device, i.e. the kernel, whose share varies with the machine's
	 * load and power state far more than ours. */
	_Atomic int64_t work_ns;
	int64_t cpu_start;        /* audio thread's */
	char lost_msg[512];       /* written before lost is set */
	struct tbuf meters;
	uint64_t meter_seq;       /* audio thread's */
	uint64_t seq_seen;        /* control thread's */
	int64_t load_ns, load_call_ns;

	/* The loaded file and everything sized by it. */
	/* src, rd and frames change on the audio thread when an album's next
	 * track follows (engine_play.c, follow()); the control side reads rd
	 * and frames meanwhile, so those two are atomic. */
	struct source *src;
	_Atomic(struct reader *) rd;
	struct chain *chain;
	struct loudmeter *lm;
	struct monitor_stage *mon_st;
	unsigned rate;
	_Atomic int64_t frames;
	int lat, blk;
	struct delay2 dry_dly;    /* the dry signal's, matching the chain's latency */
	float *bufL, *bufR, *dryL, *dryR, *out, *wet_i, *dry_i;
	struct play p;
	char source_name[256];
	unsigned src_rate;

	/* The reference: kept across engine_load; the buffers are sized with
	 * the track's (blk, lat) and made by engine_load_source. */
	struct source *ref_src;
	struct reader *ref_rd;
	int64_t ref_frames;
	unsigned ref_rate;
	char ref_name[256];
	char ref_path[4096];      /* as given: read again by the measurement */
	/* Its loudness, from a thread of its own (engine_ref.c): NaN while
	 * measured, -inf for a silent file. */
	_Atomic double ref_lufs;
	atomic_int ref_measuring, ref_meas_stop;
	pthread_t ref_meas;
	int ref_meas_ok;
	atomic_int ref_on;
	atomic_int ref_unmatched; /* 1: a codec decode of the master, heard as it is */
	float *refL, *refR;

	/* The analysis tap (engine_tap.c): allocated by the first enable. */
	struct spsc tap;
	int tap_ready;            /* control thread's */
	atomic_int tap_on;
	atomic_uint tap_lost;
	int tap_fill;             /* audio thread's: frames in the slot being filled */
	struct delay2 ref_dly;    /* the reference's, like the dry signal's */
};

static inline int64_t now_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void sleep_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

static inline float to_db(float lin)
{
	return lin > 1e-8f ? 20.0f * log10f(lin) : -160.0f;
}

static inline float db_gain(float db)
{
	return powf(10.0f, db / 20.0f);
}

/* engine.c: the control side's hand-shake with the audio thread. */
void eng_park(struct engine *e);
void eng_unpark(struct engine *e);
void eng_wake(struct engine *e);
/* engine_tap.c */
void eng_tap_push(struct engine *e, const float *post, const float *pre,
		  const float *refl, const float *refr, int m, int64_t pos);
void eng_tap_free(struct engine *e);

/* engine.c: frees a queued or retired next track. */
void eng_next_free(struct eng_next *n);

/* engine_play.c: the audio thread. */
void *eng_audio_start(void *arg);

/* engine_ref.c: the reference, as the audio thread plays it. */
int ref_live(const struct engine *e);
float ref_match(struct engine *e, const struct loud_readings *lr,
		struct engine_meters *m);
void ref_relocate(struct engine *e, int64_t frame);
void ref_fill(struct engine *e, int n);
void ref_mix(struct engine *e, float *wl, float *wr, const float *rl,
	     const float *rr, int n);
/* Control side, audio thread parked: its play state after a track load. */
void ref_reset_play(struct engine *e, float gm, float gr);
/* Control side: after a track load, convert the reference to the new
 * track's rate if it differs; on close, stop and free it all. */
void ref_follow_rate(struct engine *e);
void ref_unload(struct engine *e);
#endif
