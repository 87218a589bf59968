/* Metadata of a render (--tag KEY=VALUE, album files' per-track tags):
 * title artist album tracknumber date comment isrc.  WAV carries them in
 * its LIST/INFO chunk and FLAC in Vorbis comments, the way ffprobe and
 * players read them (libsndfile writes both); ISRC has no INFO field, so
 * WAV refuses it, FLAC carries it as an ISRC comment, and the CUE sheet
 * of an album render as ISRC lines. */
#ifndef LATHE_TAGS_H
#define LATHE_TAGS_H

#define TAG_KEYS "title artist album tracknumber date comment isrc"
#define TAG_VALUE_MAX 512

/* 0 when kv is KEY=VALUE with a known key and a usable value (an ISRC
 * is CC-XXX-YY-NNNNN, dashes optional); else -1 and a message. */
int tag_check(const char *kv, char *msg, int msglen);

/* KEY and VALUE of a checked tag (KEY lowercase, ISRC without dashes). */
void tag_split(const char *kv, char *key, int keylen, char *value, int valuelen);
#endif
