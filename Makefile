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
       libebur128:libebur128-dev soxr:libsoxr-dev kissfft-float:libkissfft-dev
DEB_BUILD = gcc make pkg-config libncurses-dev libasound2-dev libsndfile1-dev \
            libebur128-dev libiniparser-dev libsoxr-dev libkissfft-dev
# The tests drive the console in tmux and check true peak with ffmpeg too.
DEB_TEST = libcmocka-dev tmux ffmpeg
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
LIB_PKGS = ncursesw alsa sndfile libebur128 soxr kissfft-float
override CFLAGS += $(shell $(PKG_CONFIG) --cflags $(LIB_PKGS) 2>/dev/null) $(INI_CFLAGS)
LIBS = $(shell $(PKG_CONFIG) --libs $(LIB_PKGS) 2>/dev/null) -liniparser -lm -pthread
TEST_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

ifeq ($(V),1)
  Q =
else
  Q = @
endif

LIB_SRC = $(wildcard dsp/*.c audio/*.c) $(filter-out tui/main.c,$(wildcard tui/*.c))
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/unit/test_*.c)
TEST_BIN = $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC = $(filter-out tests/tools/lv2host.c,$(wildcard tests/tools/*.c))
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)

all: $(BUILD)/lathe

$(BUILD)/lathe: $(BUILD)/tui/main.o $(BUILD)/liblathe.a
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/liblathe.a: $(LIB_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/dsp/%.o: dsp/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(DSP_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/liblathe.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/liblathe.a $(LIBS) $(TEST_LIBS)

# The console's model links without curses: a curses call reaching it
# (or anything it pulls from the library) fails this link.
NOCURSES_LIBS = $(shell $(PKG_CONFIG) --libs $(filter-out ncursesw,$(LIB_PKGS)) 2>/dev/null) -liniparser -lm -pthread
$(BUILD)/tests/test_console_model: tests/unit/test_console_model.c $(BUILD)/liblathe.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/liblathe.a $(NOCURSES_LIBS) $(TEST_LIBS)

# Signal generators and comparators the shell tests use.
$(BUILD)/tests/tools/%: tests/tools/%.c $(BUILD)/liblathe.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/liblathe.a $(LIBS)

# Built only where lilv is installed (the bench asks for it by name).
$(BUILD)/tests/tools/lv2host: tests/tools/lv2host.c
	@$(PKG_CONFIG) --exists lilv-0 || { echo "lilv-0 not found by pkg-config: install liblilv-dev or run make deps-bench" >&2; exit 1; }
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags lilv-0 2>/dev/null) $(LDFLAGS) -o $@ $< \
	  $(shell $(PKG_CONFIG) --libs lilv-0 sndfile 2>/dev/null)

tests: check-cmocka $(TEST_BIN) $(TOOL_BIN) $(BUILD)/lathe

check-cmocka:
	@$(PKG_CONFIG) --exists cmocka || { echo "cmocka not found by pkg-config: install libcmocka-dev or run make deps-test" >&2; exit 1; }

# The README's test command.  SAN=1 runs the same suite under ASan+UBSan.
test: deps-test
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)BUILD=$(BUILD) tests/run.sh

test-san: deps-test
	$(Q)$(MAKE) --no-print-directory BUILD=build-san \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  DSP_CFLAGS= LDFLAGS="-fsanitize=address,undefined" tests
	$(Q)BUILD=build-san SAN=1 tests/run.sh

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

.PHONY: all tests check-cmocka test test-san run bench deps deps-test deps-bench install-debs install clean
-include $(LIB_OBJ:.o=.d) $(BUILD)/tui/main.d
-include tests/fuzz/fuzz.mk
