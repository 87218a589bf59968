/* Metadata of a render (--tag KEY=VALUE, album files' per-track tags):
 * title artist album tracknumber date comment isrc.  WAV carries them in
 * its LIST/INFO chunk and FLAC in Vorbis comments, the way ffprobe and
 * players read them (libsndfile writes both).  libsndfile has no field
 * for an ISRC in either, so an ISRC goes into the CUE sheet of an album
 * render (ISRC lines) and a single render refuses it rather than drop it. */
#ifndef LATHE_TAGS_H
#define LATHE_TAGS_H

#define TAG_KEYS "title artist album tracknumber date comment isrc"
#define TAG_VALUE_MAX 512

/* 0 when kv is KEY=VALUE with a known key and a usable value (an ISRC
 * is CC-XXX-YY-NNNNN, dashes optional); else -1 and a message. */
int tag_check(const char *kv, char *msg, int msglen);

/* KEY and VALUE of a checked tag (KEY lowercase, ISRC without dashes). */
void tag_split(const char *kv, char *key, int keylen, char *value, int valuelen);
/* Sets each tag on a file open for writing (before any audio).  0, or -1
 * with a message (an ISRC, a string the format refuses). */
typedef struct sf_private_tag SNDFILE;
int tags_write(SNDFILE *sf, const char *const *tags, int n, char *err, int errlen);
#endif
