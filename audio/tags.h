/* Metadata of a render (--tag KEY=VALUE, album files' per-track tags):
 * title artist album tracknumber date comment isrc.  WAV carries them in
 * its LIST/INFO chunk and FLAC in Vorbis comments, the way ffprobe and
 * players read them (libsndfile writes both).  An ISRC has a Vorbis
 * comment (ISRC=...), which libsndfile cannot write: libFLAC adds it once
 * the file is complete (tags_flac_finish).  WAV and AIFF have no field for
 * one (RIFF INFO's "ISRC" is the source, not the recording code), so a
 * WAV or AIFF master with an ISRC is refused rather than the code dropped;
 * an album's CUE sheet carries ISRCs for any format. */
#ifndef LATHE_TAGS_H
#define LATHE_TAGS_H

#define TAG_KEYS "title artist album tracknumber date comment isrc"
#define TAG_VALUE_MAX 512

/* 0 when kv is KEY=VALUE with a known key and a usable value (an ISRC
 * is CC-XXX-YY-NNNNN, dashes optional); else -1 and a message. */
int tag_check(const char *kv, char *msg, int msglen);

/* KEY and VALUE of a checked tag (KEY lowercase, ISRC without dashes). */
void tag_split(const char *kv, char *key, int keylen, char *value, int valuelen);
/* 1 when the tags hold an ISRC. */
int tags_have_isrc(const char *const *tags, int n);

/* ST_OK when a file named path (its extension says the format) can
 * carry every tag; else ST_USAGE and one line (an ISRC in a WAV). */
int tags_check_output(const char *path, const char *const *tags, int n, char *err, int errlen);

/* Sets each tag on a file open for writing (before any audio); an ISRC
 * is left for tags_flac_finish in a FLAC file.  0, or -1 with a message
 * (an ISRC in another format, a string the format refuses). */
typedef struct sf_private_tag SNDFILE;
int tags_write(SNDFILE *sf, const char *const *tags, int n, char *err, int errlen);

/* A finished FLAC file in af's temporary file: adds what libsndfile could
 * not write (the ISRC).  It rewrites the file into a new temporary file,
 * which then replaces the first in *af (commit or abort it as before).
 * ST_OK (also when there is nothing to add), or ST_OUTPUT / ST_USAGE with
 * a message, *af unchanged. */
struct atomicfile;
int tags_flac_finish(struct atomicfile *af, const char *const *tags, int n, char *err, int errlen);
#endif
