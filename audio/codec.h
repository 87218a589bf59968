/* Codec preview: a master through an MP3 (LAME) or Opus encode and back,
 * with libsndfile, to measure what a listener of a streaming service gets:
 * the decoded true peak, which the encoder's filtering and quantisation
 * push above the master's. */
#ifndef LATHE_CODEC_H
#define LATHE_CODEC_H

enum codec_kind { CODEC_MP3, CODEC_OPUS };

struct codec {
	enum codec_kind kind;
	int kbps;              /* 0: the default (mp3 320, opus 128) */
};

/* "mp3", "mp3:192", "opus", "opus:96".  0, or -1 with a message. */
int codec_parse(const char *text, struct codec *c, char *msg, int msglen);

/* "mp3 320 kbps" */
void codec_name(const struct codec *c, char *buf, int size);

/* The true peak (dBTP) of the interleaved stereo float signal after an
 * encode/decode round trip through c.  ST_OK or ST_OUTPUT / ST_INPUT with
 * a message (the temporary files never outlive the call). */
int codec_true_peak(const float *stereo, long frames, int rate, const struct codec *c,
		    double *tp_dbtp, char *err, int errlen);

/* The same for a file. */
int codec_true_peak_file(const char *path, const struct codec *c, double *tp_dbtp,
			 char *err, int errlen);

/* The file in through c and back, decoded into out (32-bit float WAV, at
 * the decoder's rate: 48 kHz for Opus), for listening to what a listener
 * of the service hears.  ST_OK, ST_INPUT or ST_OUTPUT with a message. */
int codec_decode_file(const char *in, const struct codec *c, const char *out,
		      char *err, int errlen);
#endif
