# lathe: plain make.  `make V=1` shows full commands.
PREFIX ?= /usr/local
CC ?= cc
CFLAGS ?= -O2 -g
# DSP inner loops want the vectoriser; kept separate so CFLAGS stays the user's.
DSP_CFLAGS ?= -O3
PKG_CONFIG ?= pkg-config
BUILD ?= build

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wundef -Wno-unused-parameter
override CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -MMD -MP -I. -pthread

# Debian packages behind each pkg-config name, for `make deps` and errors.
PKGS = ncursesw:libncurses-dev alsa:libasound2-dev sndfile:libsndfile1-dev \
       libebur128:libebur128-dev soxr:libsoxr-dev kissfft-float:libkissfft-dev \
       flac:libflac-dev
DEB_BUILD = gcc make pkg-config libncurses-dev libasound2-dev libsndfile1-dev \
            libebur128-dev libiniparser-dev libsoxr-dev libkissfft-dev libflac-dev
# The tests drive the console in tmux, check true peak with ffmpeg too and
# run a render under valgrind; cuetools and shntool read and split the
# album's CUE sheet (sox builds the expected album); groff and man render
# the manual page.
DEB_TEST = libcmocka-dev tmux ffmpeg valgrind openssh-server parallel rsync cuetools shntool flac sox groff-base man-db python3
# make bench only: the LV2 host (tests/tools/lv2host.c) and the limiters it
# runs side by side with lathe's.  Neither the build nor make test need them.
DEB_BENCH = liblilv-dev x42-plugins lsp-plugins-lv2
INIPARSER_H := $(firstword $(wildcard /usr/include/iniparser/iniparser.h /usr/include/iniparser.h /usr/local/include/iniparser.h))

# Goals that install packages first check nothing here: they run make again.
ifeq ($(filter deps deps-test deps-bench install-debs clean run test test-san bench deps-fuzz fuzz-smoke,$(MAKECMDGOALS)),)
  $(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists $(word 1,$(subst :, ,$(p))) && echo y),,\
    $(error $(word 1,$(subst :, ,$(p))) not found by pkg-config: install $(word 2,$(subst :, ,$(p))) or run `make deps`)))
  ifeq ($(INIPARSER_H),)
    $(error iniparser.h not found: install libiniparser-dev or run `make deps`)
  endif
endif

# iniparser ships no .pc file on Debian: include path and -liniparser by hand.
INI_CFLAGS = -I$(dir $(INIPARSER_H))
LIB_PKGS = ncursesw alsa sndfile libebur128 soxr kissfft-float flac
override CFLAGS += $(shell $(PKG_CONFIG) --cflags $(LIB_PKGS) 2>/dev/null) $(INI_CFLAGS)
LIBS = $(shell $(PKG_CONFIG) --libs $(LIB_PKGS) 2>/dev/null) -liniparser -lm -pthread
TEST_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

ifeq ($(V),1)
  Q =
else
  Q = @
endif

# Three layers, each folder one library: dsp/ (computation: libm and the
# FFT only), audio/ (files, devices, the engine: no curses), tui/ (the
# command line and the console).  A layer may use the ones below it, never
# one above: each library is linked on its own against only what its layer
# may use (`layers` below), and the unit tests link against the lowest
# layer their includes name, so a wrong include or call fails the build.
# New .c files and new pkg-config names need no edit here: a name added to
# LIB_PKGS belongs to audio/ unless listed for dsp/ or tui/.
DSP_PKGS = kissfft-float
TUI_PKGS = ncursesw
AUDIO_PKGS = $(filter-out $(DSP_PKGS) $(TUI_PKGS),$(LIB_PKGS))
pkglibs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)
DSP_LIBS = $(call pkglibs,$(DSP_PKGS)) -lm -pthread
AUDIO_LIBS = $(call pkglibs,$(AUDIO_PKGS)) -liniparser $(DSP_LIBS)
TUI_LIBS = $(call pkglibs,$(TUI_PKGS)) $(AUDIO_LIBS)

DSP_SRC = $(wildcard dsp/*.c)
AUDIO_SRC = $(wildcard audio/*.c)
TUI_SRC = $(filter-out tui/main.c,$(wildcard tui/*.c))
LIB_SRC = $(DSP_SRC) $(AUDIO_SRC) $(TUI_SRC)
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBDSP = $(BUILD)/libdsp.a
LIBAUDIO = $(BUILD)/libaudio.a
LIBTUI = $(BUILD)/libtui.a
# Everything, highest layer first, for the program and the test tools.
LATHE_LIBS = $(LIBTUI) $(LIBAUDIO) $(LIBDSP)

# Unit tests by the layer their includes name: a test including tui/ or
# curses links everything; audio/ or an audio library, audio and dsp;
# otherwise dsp alone.  The console model's test links no curses.
TEST_SRC = $(wildcard tests/unit/test_*.c)
NOCURSES_TESTS = tests/unit/test_console_model.c
TUI_TESTS := $(filter-out $(NOCURSES_TESTS),$(shell grep -l -E '^\#include ("tui/|<n?curses)' $(TEST_SRC) /dev/null))
AUDIO_TESTS := $(filter-out $(TUI_TESTS) $(NOCURSES_TESTS),$(shell grep -l -E '^\#include ("audio/|<(sndfile|ebur128|alsa/|soxr|iniparser))' $(TEST_SRC) /dev/null))
DSP_TESTS := $(filter-out $(TUI_TESTS) $(AUDIO_TESTS) $(NOCURSES_TESTS),$(TEST_SRC))
# DSP tests may measure with libebur128 (an independent reference meter);
# dsp/ itself never links it (layers.ok checks).
DSP_TEST_LIBS = $(call pkglibs,libebur128)
testbin = $(1:tests/unit/%.c=$(BUILD)/tests/%)
TEST_BIN = $(call testbin,$(TEST_SRC))
TOOL_SRC = $(filter-out tests/tools/lv2host.c,$(wildcard tests/tools/*.c))
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)

all: $(BUILD)/lathe $(BUILD)/layers.ok

$(BUILD)/lathe: $(BUILD)/tui/main.o $(LATHE_LIBS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(LIBDSP): $(DSP_SRC:%.c=$(BUILD)/%.o)
$(LIBAUDIO): $(AUDIO_SRC:%.c=$(BUILD)/%.o)
$(LIBTUI): $(TUI_SRC:%.c=$(BUILD)/%.o)
$(LATHE_LIBS):
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

# The layering, checked: no lower folder includes a higher one (nor, for
# dsp/, an I/O library's header), and each library links whole against
# only the libraries of its layer and those below.
DSP_BAD_INC = "(audio|tui)/|<(sndfile|n?curses|alsa/|ebur128|soxr|iniparser)
AUDIO_BAD_INC = "tui/|<n?curses
$(BUILD)/layers.ok: $(LATHE_LIBS)
	@echo "  LAYERS  dsp < audio < tui"
	$(Q)! grep -n -E '^#include ($(DSP_BAD_INC))' dsp/*.[ch] || { echo "dsp/ includes a higher layer (above)" >&2; exit 1; }
	$(Q)! grep -n -E '^#include ($(AUDIO_BAD_INC))' audio/*.[ch] || { echo "audio/ includes tui/ or curses (above)" >&2; exit 1; }
	$(Q)printf 'int main(void) { return 0; }\n' >$(BUILD)/layers.c
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $(BUILD)/layers-dsp $(BUILD)/layers.c \
	  -Wl,--whole-archive $(LIBDSP) -Wl,--no-whole-archive $(DSP_LIBS)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $(BUILD)/layers-audio $(BUILD)/layers.c \
	  -Wl,--whole-archive $(LIBAUDIO) -Wl,--no-whole-archive $(LIBDSP) $(AUDIO_LIBS)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $(BUILD)/layers-tui $(BUILD)/layers.c \
	  -Wl,--whole-archive $(LIBTUI) -Wl,--no-whole-archive $(LIBAUDIO) $(LIBDSP) $(TUI_LIBS)
	$(Q)rm -f $(BUILD)/layers.c $(BUILD)/layers-dsp $(BUILD)/layers-audio $(BUILD)/layers-tui && touch $@

$(BUILD)/dsp/%.o: dsp/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(DSP_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(call testbin,$(DSP_TESTS)): $(BUILD)/tests/%: tests/unit/%.c $(LIBDSP)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (dsp)"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBDSP) $(DSP_LIBS) $(DSP_TEST_LIBS) $(TEST_LIBS)

$(call testbin,$(AUDIO_TESTS)): $(BUILD)/tests/%: tests/unit/%.c $(LIBAUDIO) $(LIBDSP)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (audio)"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBAUDIO) $(LIBDSP) $(AUDIO_LIBS) $(TEST_LIBS)

$(call testbin,$(NOCURSES_TESTS)): $(BUILD)/tests/%: tests/unit/%.c $(LATHE_LIBS)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (no curses)"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LATHE_LIBS) $(AUDIO_LIBS) $(TEST_LIBS)

$(call testbin,$(TUI_TESTS)): $(BUILD)/tests/%: tests/unit/%.c $(LATHE_LIBS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LATHE_LIBS) $(TUI_LIBS) $(TEST_LIBS)

# The allocation-failure test (tests/unit/test_alloc_fail.c) fails the
# Nth allocation our code asks for: the allocators and the library
# constructors we call are wrapped on its link line alone, never in lathe.
ALLOC_WRAPS = malloc calloc realloc free kiss_fftr_alloc soxr_create ebur128_init pthread_create snd_pcm_open
$(BUILD)/tests/test_alloc_fail: TEST_LIBS += $(foreach f,$(ALLOC_WRAPS),-Wl,--wrap=$(f))

# Signal generators and comparators the shell tests use.
$(BUILD)/tests/tools/%: tests/tools/%.c $(LATHE_LIBS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LATHE_LIBS) $(LIBS)

# Built only where lilv is installed (the bench asks for it by name).
$(BUILD)/tests/tools/lv2host: tests/tools/lv2host.c
	@$(PKG_CONFIG) --exists lilv-0 || { echo "lilv-0 not found by pkg-config: install liblilv-dev or run make deps-bench" >&2; exit 1; }
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags lilv-0 2>/dev/null) $(LDFLAGS) -o $@ $< \
	  $(shell $(PKG_CONFIG) --libs lilv-0 sndfile 2>/dev/null)

tests: check-cmocka $(TEST_BIN) $(TOOL_BIN) $(BUILD)/lathe $(BUILD)/layers.ok

check-cmocka:
	@$(PKG_CONFIG) --exists cmocka || { echo "cmocka not found by pkg-config: install libcmocka-dev or run make deps-test" >&2; exit 1; }

# The README's test command.  SAN=1 runs the same suite under ASan+UBSan.
test: deps-test
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)BUILD=$(BUILD) tests/run.sh $(T)

test-san: deps-test
	$(Q)$(MAKE) --no-print-directory BUILD=build-san \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  DSP_CFLAGS= LDFLAGS="-fsanitize=address,undefined" tests
	$(Q)BUILD=build-san SAN=1 tests/run.sh $(T)

# The engine's UI/audio/reader exchange and the sweep's rounds under ThreadSanitizer, in
# build-tsan (tests/tsan_engine.sh runs it in the suite).
TSAN_TESTS = test_engine test_sweep
tsan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-tsan \
	  CFLAGS="-O1 -g -fsanitize=thread -fno-omit-frame-pointer" DSP_CFLAGS= \
	  LDFLAGS="-fsanitize=thread" $(TSAN_TESTS:%=build-tsan/tests/%)
	$(Q)for t in $(TSAN_TESTS); do \
	  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 $$TSAN_OPTIONS" build-tsan/tests/$$t || exit 1; \
	done

# The limiter's ceiling checked independently with ffmpeg's ebur128 filter
# (tests/tp_ffmpeg_check.sh, also in the suite).  TP_ARGS: RATE CEILING
# DRIVE RELEASE LOOKAHEAD.
tp-check: $(BUILD)/tests/tools/tp_wav
	$(Q)BUILD=$(BUILD) tests/tp_ffmpeg_check.sh $(TP_ARGS)

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./$(BUILD)/lathe

bench: deps-test
	-$(Q)$(MAKE) --no-print-directory deps-bench || echo "lathe: bench peers not installed: their figures are skipped"
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(BUILD) tests/bench.sh

# Installs the Debian packages that are missing: apt-get as root, sudo
# otherwise, and a clear message when neither can.
deps:
	$(Q)$(MAKE) --no-print-directory install-debs DEBS="$(DEB_BUILD)"

deps-test:
	$(Q)$(MAKE) --no-print-directory install-debs DEBS="$(DEB_BUILD) $(DEB_TEST)"

deps-bench:
	$(Q)$(MAKE) --no-print-directory install-debs DEBS="$(DEB_BENCH)"

install-debs:
	$(Q)missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "lathe: installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=sudo; \
	  else echo "lathe: cannot install$$missing (not root and no sudo): install them and run again" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null \
	    || { echo "lathe: apt-get failed to install$$missing" >&2; exit 1; }; \
	fi

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/lathe/presets \
	  $(DESTDIR)$(PREFIX)/share/lathe/keymaps $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/lathe $(DESTDIR)$(PREFIX)/bin/lathe
	install -m 644 presets/*.ini $(DESTDIR)$(PREFIX)/share/lathe/presets/
	install -m 644 keymaps/*.ini $(DESTDIR)$(PREFIX)/share/lathe/keymaps/
	install -m 644 tui/lathe.1 $(DESTDIR)$(PREFIX)/share/man/man1/lathe.1

clean:
	rm -rf build build-san build-tsan

.PHONY: all tests check-cmocka test test-san tsan tp-check run bench deps deps-test deps-bench install-debs install clean
-include $(LIB_OBJ:.o=.d) $(BUILD)/tui/main.d $(TEST_BIN:=.d)
-include tests/fuzz/fuzz.mk
