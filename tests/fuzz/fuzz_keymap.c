/* libFuzzer harness: keymap files.  keymap_load either refuses the bytes
 * with one line naming the file and leaves the map as it was, or binds
 * only real commands; every key name the help overlay prints parses back
 * to the same key. */
#include "audio/status.h"
#include "fuzz_common.h"
#include "tui/keymap.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup_dir();
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t n)
{
	struct keymap k, before;
	char path[512], msg[ERRLEN], buf[256], kname[64];
	int rc;

	/* The bytes as a key name too (keymap_key_parse sees raw INI keys). */
	if (n < sizeof kname) {
		memcpy(kname, data, n);
		kname[n] = 0;
		int key = keymap_key_parse(kname);
		FUZZ_CHECK(key >= -1 && key < KEYMAP_SIZE, "key code %d out of the table", key);
	}

	fuzz_write(path, sizeof path, "keys.ini", data, n);
	keymap_defaults(&k);
	before = k;
	msg[0] = 0;
	rc = keymap_load(&k, path, msg, sizeof msg);
	if (rc) {
		FUZZ_CHECK(rc == ST_USAGE || rc == ST_INPUT, "keymap_load returned %d", rc);
		fuzz_check_msg(msg, sizeof msg);
		FUZZ_CHECK(strstr(msg, path) != NULL, "message does not name the file: %s", msg);
		FUZZ_CHECK(!memcmp(&k, &before, sizeof k), "keymap changed on failure");
		return 0;
	}
	for (int key = 0; key < KEYMAP_SIZE; key++) {
		FUZZ_CHECK(k.cmd[key] < ACT_COUNT, "key %d bound to command %d", key, k.cmd[key]);
		if (k.cmd[key] == ACT_NONE)
			continue;
		keymap_key_name(key, buf, sizeof buf);
		FUZZ_CHECK(keymap_key_parse(buf) == key, "key %d is named '%s', which parses as %d",
			   key, buf, keymap_key_parse(buf));
	}
	for (int c = 0; c < ACT_COUNT; c++)
		keymap_keys_for(&k, (enum command)c, buf, sizeof buf, 4);
	return 0;
}
