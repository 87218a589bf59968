#include "tags.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sndfile.h>

#include "status.h"

static const char *const keys[] = { "title", "artist", "album", "tracknumber", "date", "comment", "isrc" };

void tag_split(const char *kv, char *key, int keylen, char *value, int valuelen)
{
	const char *eq = strchr(kv, '=');
	size_t n = eq ? (size_t)(eq - kv) : strlen(kv);
	int k = 0;

	snprintf(key, (size_t)keylen, "%.*s", (int)n, kv);
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!eq) {
		value[0] = 0;
		return;
	}
	if (strcmp(key, "isrc")) {
		snprintf(value, (size_t)valuelen, "%s", eq + 1);
		return;
	}
	for (const char *p = eq + 1; *p && k < valuelen - 1; p++)
		if (*p != '-')
			value[k++] = (char)toupper((unsigned char)*p);
	value[k] = 0;
}

int tag_check(const char *kv, char *msg, int msglen)
{
	char key[32], value[TAG_VALUE_MAX + 8];
	int known = 0;

	if (!strchr(kv, '=')) {
		snprintf(msg, (size_t)msglen, "expected KEY=VALUE (keys: %s), got '%.60s'", TAG_KEYS, kv);
		return -1;
	}
	if (strlen(strchr(kv, '=') + 1) > TAG_VALUE_MAX) {
		snprintf(msg, (size_t)msglen, "the value of '%.20s' is longer than %d bytes", kv, TAG_VALUE_MAX);
		return -1;
	}
	tag_split(kv, key, sizeof key, value, sizeof value);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		known |= !strcmp(key, keys[i]);
	if (!known) {
		snprintf(msg, (size_t)msglen, "unknown tag '%.30s' (keys: %s)", key, TAG_KEYS);
		return -1;
	}
	if (!value[0]) {
		snprintf(msg, (size_t)msglen, "%s has no value", key);
		return -1;
	}
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20) {
			snprintf(msg, (size_t)msglen, "%s: control characters are not allowed", key);
			return -1;
		}
	if (!strcmp(key, "isrc")) {
		/* CC XXX YY NNNNN: country and registrant letters/digits, year and
		 * designation digits. */
		int ok = strlen(value) == 12;
		for (int i = 0; ok && i < 12; i++)
			ok = i < 5 ? isalnum((unsigned char)value[i]) && (i >= 2 || isalpha((unsigned char)value[i]))
				   : isdigit((unsigned char)value[i]) != 0;
		if (!ok) {
			snprintf(msg, (size_t)msglen, "isrc '%.30s' is not an ISRC (CC-XXX-YY-NNNNN)", strchr(kv, '=') + 1);
			return -1;
		}
	}
	if (!strcmp(key, "tracknumber")) {
		int ok = isdigit((unsigned char)value[0]);
		for (const char *p = value; ok && *p; p++)
			ok = isdigit((unsigned char)*p) || (*p == '/' && p[1]);
		if (!ok) {
			snprintf(msg, (size_t)msglen, "tracknumber '%.30s' is not a number (N or N/TOTAL)", value);
			return -1;
		}
	}
	return 0;
}

int tags_have_isrc(const char *const *tags, int n)
{
	for (int i = 0; i < n; i++)
		if (!strncasecmp(tags[i], "isrc=", 5))
			return 1;
	return 0;
}

static int is_flac(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && !strchr(dot, '/') && !strcasecmp(dot, ".flac");
}

int tags_check_output(const char *path, const char *const *tags, int n, char *err, int errlen)
{
	if (!tags_have_isrc(tags, n) || is_flac(path))
		return 0;
	snprintf(err, (size_t)errlen, "%s: --tag isrc: WAV and AIFF have no field for an ISRC (write FLAC, or give it to an album's CUE sheet)",
		 path);
	return ST_USAGE;
}

int tags_write(SNDFILE *sf, const char *const *tags, int n, char *err, int errlen)
{
	SF_INFO info = { 0 };
	int flac = sf_command(sf, SFC_GET_CURRENT_SF_INFO, &info, sizeof info) == 0 &&
		   (info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_FLAC;

	static const struct { const char *key; int type; } map[] = {
		{ "title", SF_STR_TITLE }, { "artist", SF_STR_ARTIST }, { "album", SF_STR_ALBUM },
		{ "tracknumber", SF_STR_TRACKNUMBER }, { "date", SF_STR_DATE },
		{ "comment", SF_STR_COMMENT },
	};
	for (int i = 0; i < n; i++) {
		char key[32], value[TAG_VALUE_MAX + 8];
		int type = 0;
		tag_split(tags[i], key, sizeof key, value, sizeof value);
		for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
			if (!strcmp(key, map[k].key))
				type = map[k].type;
		if (!type && flac)
			continue;  /* the ISRC: tags_flac_finish */
		if (!type) {
			snprintf(err, (size_t)errlen, "--tag %s: WAV and AIFF have no field for an ISRC (write FLAC, or give it to an album's CUE sheet)", key);
			return -1;
		}
		if (sf_set_string(sf, type, value) != 0) {
			snprintf(err, (size_t)errlen, "--tag %s: this format cannot hold it: %s", key, sf_strerror(sf));
			return -1;
		}
	}
	return 0;
}
