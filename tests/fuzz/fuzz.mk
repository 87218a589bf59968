# libFuzzer harnesses for the parsers and the file loader.
#   make fuzz              each harness for FUZZ_SECONDS (default 60)
#   make fuzz-smoke        each for 10 s (CI)
#   make fuzz-preset ...   one of them
# Built with clang into build-fuzz/ from the library sources the harness
# needs, instrumented for ASan + UBSan; never through the main rules, so
# `make` and `make test` are untouched.  The corpus grows in
# build-fuzz/corpus/NAME; crashing inputs land in build-fuzz/artifacts/.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= build-fuzz
FUZZ_NAMES = preset keymap album cli source session cmdline
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -I. -pthread $(FUZZ_SAN) \
	$(shell $(PKG_CONFIG) --cflags ncursesw sndfile kissfft-float 2>/dev/null) -I$(dir $(INIPARSER_H))
FUZZ_LIBS = $(shell $(PKG_CONFIG) --libs alsa sndfile soxr libebur128 kissfft-float flac 2>/dev/null) -liniparser -lm -pthread

FUZZ_SRC_preset = dsp/params.c audio/preset.c audio/atomicfile.c audio/iniload.c audio/paths.c audio/preset_find.c
FUZZ_SRC_keymap = tui/keymap.c audio/iniload.c
FUZZ_SRC_album = dsp/params.c audio/preset.c audio/atomicfile.c audio/iniload.c audio/paths.c audio/preset_find.c audio/album.c audio/source.c audio/resample.c audio/tonal.c audio/cue.c audio/tags.c
# The command line reaches into most of audio/ (tags, codecs, renders):
# the whole of dsp/ and audio/ rather than a list that goes stale.
FUZZ_SRC_cli = $(wildcard dsp/*.c audio/*.c) tui/cli.c tui/suggest.c
FUZZ_SRC_source = audio/source.c audio/resample.c
FUZZ_SRC_session = dsp/params.c audio/session.c audio/atomicfile.c audio/iniload.c audio/paths.c
# The ':' line runs the console's own commands: everything but main().
FUZZ_SRC_cmdline = $(wildcard dsp/*.c audio/*.c) $(filter-out tui/main.c,$(wildcard tui/*.c))
FUZZ_LIBS_cmdline = $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null)

# Extra flags per harness: the command-line parser prints its refusals;
# audio seeds are bigger than text ones.
FUZZ_RUN_cli = -close_fd_mask=3 -max_len=4096
FUZZ_RUN_preset = -max_len=4096
FUZZ_RUN_keymap = -max_len=4096
FUZZ_RUN_album = -max_len=4096
FUZZ_RUN_source = -max_len=65536
FUZZ_RUN_session = -max_len=8192
# The ':' line's leaks are checked at exit, once every thread is joined
# (fuzz_cmdline.c: close_console), not after each input while they run.
FUZZ_RUN_cmdline = -close_fd_mask=3 -max_len=2048 -detect_leaks=0

# Seeds: text files written for the purpose, plus the project's own good and
# bad files, plus small audio files of every format generated here.
FUZZ_SEEDS_preset = tests/fuzz/seeds/preset presets tests/data/presets/good tests/data/presets/bad
FUZZ_SEEDS_keymap = tests/fuzz/seeds/keymap keymaps tests/data/keymaps/good tests/data/keymaps/bad
FUZZ_SEEDS_album = tests/fuzz/seeds/album tests/data/album/bad
FUZZ_SEEDS_cli = tests/fuzz/seeds/cli
FUZZ_SEEDS_source = $(FUZZ_BUILD)/seeds/source
FUZZ_SEEDS_session = tests/fuzz/seeds/session
FUZZ_SEEDS_cmdline = tests/fuzz/seeds/cmdline

FUZZ_BIN = $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)

# Library objects: sanitizers plus coverage for libFuzzer, no main.
$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

# One link rule per harness, each with its own list of objects.
define fuzz_link
$(FUZZ_BUILD)/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz_common.h $(FUZZ_SRC_$(1):%.c=$(FUZZ_BUILD)/obj/%.o)
	@echo "  FUZZLD  $$@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $$@ $$< $(FUZZ_SRC_$(1):%.c=$(FUZZ_BUILD)/obj/%.o) $(FUZZ_LIBS) $(FUZZ_LIBS_$(1))
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call fuzz_link,$(n))))

$(FUZZ_BUILD)/gen_source_seeds: tests/fuzz/gen_source_seeds.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) -std=c11 -O1 -o $@ $< $(FUZZ_LIBS)

$(FUZZ_BUILD)/seeds/source/.done: $(FUZZ_BUILD)/gen_source_seeds
	@mkdir -p $(dir $@)
	$(Q)$< $(dir $@) && touch $@

fuzz-build: $(FUZZ_BIN) $(FUZZ_BUILD)/seeds/source/.done

# One harness for $(1) seconds; a crash, leak or failed check fails make.
# -rss_limit_mb keeps a harness that runs away from taking the machine.
define fuzz_run
	@mkdir -p $(FUZZ_BUILD)/corpus/$(1) $(FUZZ_BUILD)/artifacts
	@echo "  FUZZ    $(1) for $(2) s"
	$(Q)LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp:print_suppressions=0 \
	  $(FUZZ_BUILD)/fuzz_$(1) -max_total_time=$(2) -rss_limit_mb=2048 -timeout=10 \
	  -print_final_stats=1 $(FUZZ_RUN_$(1)) \
	  -artifact_prefix=$(CURDIR)/$(FUZZ_BUILD)/artifacts/$(1)- \
	  $(FUZZ_BUILD)/corpus/$(1) $(wildcard $(FUZZ_SEEDS_$(1))) \
	  >$(FUZZ_BUILD)/fuzz_$(1).log 2>&1 \
	  || { tail -40 $(FUZZ_BUILD)/fuzz_$(1).log; echo "fuzz_$(1): FAILED (input in $(FUZZ_BUILD)/artifacts/)"; exit 1; }
	@grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' $(FUZZ_BUILD)/fuzz_$(1).log | tr '\n' ' '; echo
endef

fuzz-%: fuzz-build
	$(call fuzz_run,$*,$(FUZZ_SECONDS))

# Every harness runs even when an earlier one failed; make fails at the end.
fuzz: fuzz-build
	$(Q)fail=""; for n in $(FUZZ_NAMES); do \
	  $(MAKE) --no-print-directory fuzz-$$n FUZZ_SECONDS=$(FUZZ_SECONDS) || fail="$$fail $$n"; \
	done; [ -z "$$fail" ] || { echo "fuzz: failed:$$fail"; exit 1; }

# libFuzzer ships in Debian's compiler-rt package, not with clang itself.
deps-fuzz:
	$(Q)$(MAKE) --no-print-directory install-debs DEBS="$(DEB_BUILD) clang libclang-rt-14-dev"

fuzz-smoke: deps-fuzz
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

.PHONY: fuzz fuzz-smoke fuzz-build deps-fuzz
-include $(wildcard $(FUZZ_BUILD)/obj/*/*.d)
