/* Every console action is a named command.  Keymaps bind keys to these
 * names and the help overlay lists them, so adding an action is adding one
 * row here and handling it in console.c. */
#ifndef LATHE_COMMANDS_H
#define LATHE_COMMANDS_H

/* X(enum suffix, name in keymaps, help: at most 24 characters) */
#define LATHE_COMMANDS(X) \
	X(NONE,             "none",             "unbound") \
	X(QUIT,             "quit",             "quit (asks if unsaved)") \
	X(HELP,             "help",             "this help") \
	X(COMMAND,          "command",          "command line") \
	X(REDRAW,           "redraw",           "redraw the screen") \
	X(MODULE_NEXT,      "module_next",      "next module") \
	X(MODULE_PREV,      "module_prev",      "previous module") \
	X(PARAM_NEXT,       "param_next",       "next parameter") \
	X(PARAM_PREV,       "param_prev",       "previous parameter") \
	X(BAND_NEXT,        "band_next",        "next band, same row") \
	X(BAND_PREV,        "band_prev",        "previous band, same row") \
	X(VALUE_UP,         "value_up",         "value up a step") \
	X(VALUE_DOWN,       "value_down",       "value down a step") \
	X(VALUE_UP_FINE,    "value_up_fine",    "value up a tenth step") \
	X(VALUE_DOWN_FINE,  "value_down_fine",  "value down a tenth step") \
	X(VALUE_UP_COARSE,  "value_up_coarse",  "value up ten steps") \
	X(VALUE_DOWN_COARSE,"value_down_coarse","value down ten steps") \
	X(VALUE_DEFAULT,    "value_default",    "value to its default") \
	X(VALUE_EDIT,       "value_edit",       "type a value") \
	X(BYPASS,           "bypass",           "bypass the module") \
	X(AB,               "ab",               "A/B, loudness-matched") \
	X(PLAY_PAUSE,       "play_pause",       "play / pause") \
	X(STOP,             "stop",             "stop, back to start") \
	X(SEEK_FWD,         "seek_fwd",         "seek +5 s") \
	X(SEEK_BACK,        "seek_back",        "seek -5 s") \
	X(SEEK_FWD_LONG,    "seek_fwd_long",    "seek +30 s") \
	X(SEEK_BACK_LONG,   "seek_back_long",   "seek -30 s") \
	X(SEEK_START,       "seek_start",       "go to the start") \
	X(LOOP_IN,          "loop_in",          "loop starts here") \
	X(LOOP_OUT,         "loop_out",         "loop ends here") \
	X(LOOP_CLEAR,       "loop_clear",       "loop off") \
	X(MON_STEREO,       "monitor_stereo",   "monitor stereo") \
	X(MON_MONO,         "monitor_mono",     "monitor mono") \
	X(MON_SIDE,         "monitor_side",     "monitor side only") \
	X(MON_LEFT,         "monitor_left",     "monitor left") \
	X(MON_RIGHT,        "monitor_right",    "monitor right") \
	X(MON_SMALL,        "monitor_small",    "monitor small speaker") \
	X(MON_PLATFORM,     "monitor_platform", "monitor as streamed") \
	X(MON_CYCLE,        "monitor_cycle",    "next monitor mode") \
	X(UNDO,             "undo",             "undo") \
	X(REDO,             "redo",             "redo") \
	X(SAVE,             "save",             "save the preset") \
	X(TRACK_NEXT,       "track_next",       "next track") \
	X(TRACK_PREV,       "track_prev",       "previous track") \
	X(COPY_ALL,         "copy_all",         "settings to all tracks") \
	X(REFERENCE,        "reference",        "master / reference") \
	X(VIEW_NEXT,        "view_next",        "next lower panel view") \
	X(PLAYED_RESET,     "played_reset",     "played loudness afresh") \
	X(SOLO_BAND,        "solo_band",        "solo a multiband band")

enum command {
#define X(e, n, h) ACT_##e,
	LATHE_COMMANDS(X)
#undef X
	ACT_COUNT
};

extern const char *const command_names[ACT_COUNT];
extern const char *const command_help[ACT_COUNT];

/* "param_next" -> ACT_PARAM_NEXT, or -1. */
int command_find(const char *name);
#endif
