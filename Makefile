# orgdeck — GNU make build. Objects go to $(BUILD) (default build/), never beside sources.
# Targets: all (default), demo, check, check-asan, bench, screenshots, fuzz, deps, format, clean.

.DEFAULT_GOAL := all
BUILD    ?= build
CC       ?= cc
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
WARN      = -Wall -Wextra -Wpedantic -Wshadow -Wno-unused-parameter
ifdef CI
WARN     += -Werror
endif
ifdef SAN
CFLAGS   += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=address,undefined
endif
CPPFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_XOPEN_SOURCE_EXTENDED -I.

APP_PKGS  = ncursesw panelw formw libcurl libcjson sqlite3 inih libutf8proc
SIM_PKGS  = libmicrohttpd libcjson sqlite3
TEST_PKGS = cunit

# config.mk holds the pkg-config answers; making it runs scripts/deps.sh first, so
# any target on a fresh machine installs what is missing (or says how) before compiling.
ifeq ($(filter clean deps format,$(MAKECMDGOALS)),)
-include $(BUILD)/config.mk
endif

$(BUILD)/config.mk: scripts/deps.sh
	@sh scripts/deps.sh
	@mkdir -p $(BUILD)
	@{ echo "PKG_CFLAGS := $$(pkg-config --cflags $(APP_PKGS) $(SIM_PKGS) $(TEST_PKGS))"; \
	   echo "APP_LIBS := $$(pkg-config --libs $(APP_PKGS))"; \
	   echo "SIM_LIBS := $$(pkg-config --libs $(SIM_PKGS)) -lpthread"; \
	   echo "TEST_LIBS := $$(pkg-config --libs $(TEST_PKGS))"; \
	   echo "CONTRACT_LIBS := $$(pkg-config --libs libcurl libcjson)"; } > $@

NET_SRC   := $(wildcard net/*.c)
MODEL_SRC := $(wildcard model/*.c model/vendors/*.c)
TUI_SRC   := $(filter-out tui/main.c,$(wildcard tui/*.c))
SIM_SRC   := $(wildcard sim/*.c sim/dialects/*.c)
SUP_SRC   := $(wildcard tests/support/*.c)
UNIT_SRC  := $(wildcard tests/unit/*.c)
INT_SRC   := $(wildcard tests/integration/*.c)
CON_SRC   := $(wildcard tests/contract/*.c)
BENCH_SRC := bench/bench_store.c

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
NET_OBJ   := $(call obj,$(NET_SRC))
MODEL_OBJ := $(call obj,$(MODEL_SRC))
TUI_OBJ   := $(call obj,$(TUI_SRC))
SIM_OBJ   := $(call obj,$(SIM_SRC))
SUP_OBJ   := $(call obj,$(SUP_SRC))

BINS := $(BUILD)/orgdeck $(BUILD)/orgdeck-sim
TESTS := $(BUILD)/test-unit $(BUILD)/test-integration $(BUILD)/test-contract

.PHONY: all demo check check-asan check-run bench screenshots fuzz deps format clean
all: $(BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(BUILD)/orgdeck: $(call obj,tui/main.c) $(TUI_OBJ) $(MODEL_OBJ) $(NET_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(APP_LIBS) -lm

$(BUILD)/orgdeck-sim: $(SIM_OBJ) $(BUILD)/obj/net/xalloc.o $(BUILD)/obj/net/buf.o
	$(CC) $(LDFLAGS) -o $@ $^ $(SIM_LIBS) -lm

$(BUILD)/test-unit: $(call obj,$(UNIT_SRC)) $(SUP_OBJ) $(TUI_OBJ) $(MODEL_OBJ) $(NET_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(APP_LIBS) -lm

$(BUILD)/test-integration: $(call obj,$(INT_SRC)) $(SUP_OBJ) $(TUI_OBJ) $(MODEL_OBJ) $(NET_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(APP_LIBS) -lm

# Contract tests speak to orgdeck-sim directly; they link no orgdeck layer above net/ basics.
$(BUILD)/test-contract: $(call obj,$(CON_SRC) tests/support/main.c tests/support/simproc.c tests/support/thttp.c) $(BUILD)/obj/net/xalloc.o $(BUILD)/obj/net/buf.o
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(CONTRACT_LIBS) -lm

$(BUILD)/bench-store: $(call obj,$(BENCH_SRC)) $(MODEL_OBJ) $(NET_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(APP_LIBS) -lm

# make demo: simulator on a free loopback port, demo config in a temp dir, orgdeck on it.
demo: $(BINS)
	@$(BUILD)/orgdeck --demo --sim $(BUILD)/orgdeck-sim

check: $(BINS) $(TESTS)
	@BUILD=$(BUILD) FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_RUN="$(FUZZ_RUN)" sh tests/run

# The suite under ASan+UBSan, with a short run of every fuzz target counted in its total.
check-asan:
	@$(MAKE) --no-print-directory fuzz-build
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT=-O1 \
		FUZZ_RUN="$(FUZZ_CHECK_SECONDS) $(FUZZ_TARGETS)" check

$(BUILD)/ptybench: bench/ptybench.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< -lutil

$(BUILD)/ansi2svg: screenshots/ansi2svg.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $<

bench: $(BINS) $(BUILD)/bench-store $(BUILD)/ptybench
	@BUILD=$(BUILD) sh bench/run

screenshots: $(BINS) $(BUILD)/ansi2svg
	@BUILD=$(BUILD) sh screenshots/make.sh

deps:
	@sh scripts/deps.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

# ---- fuzzing (tests/fuzz/) -----------------------------------------------------------------
# libFuzzer targets built by clang with ASan+UBSan into their own tree, never mixed with the
# gcc objects. make fuzz: every target for FUZZ_SECONDS (default 600), FUZZ_JOBS at a time;
# make fuzz-check: FUZZ_CHECK_SECONDS each (part of check-asan); make fuzz-build: build only.
# scripts/deps.sh --fuzz installs clang and libFuzzer's runtime; make check never needs them.
FUZZ_BUILD   ?= build/fuzz
FUZZ_CC      ?= clang
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  ?= -O1 -g
FUZZ_SECONDS ?= 600
FUZZ_CHECK_SECONDS ?= 30
FUZZ_JOBS    ?= 2
FUZZ_VENDORS := clinchpad highq kaana questionpro quorum
FUZZ_TARGETS := $(addprefix vendor_,$(FUZZ_VENDORS)) highq_xml config theme text
FUZZ_BINS    := $(addprefix $(FUZZ_BUILD)/fuzz_,$(FUZZ_TARGETS))
FUZZ_LIB_SRC := $(MODEL_SRC) $(NET_SRC) tui/keymap.c tui/theme.c tui/text.c
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_LIB_SRC))
FUZZ_COMPILE  = $(FUZZ_CC) $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) $(FUZZ_SAN) -MMD -MP

.PHONY: fuzz-build fuzz-check
$(FUZZ_BUILD)/deps.ok: scripts/deps.sh
	@sh scripts/deps.sh --fuzz
	@mkdir -p $(dir $@) && touch $@

$(FUZZ_BUILD)/obj/%.o: %.c $(FUZZ_BUILD)/deps.ok
	@mkdir -p $(dir $@)
	$(FUZZ_COMPILE) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/libfuzzdeck.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Static pattern rules: each applies to its own binaries only (never to the .d files).
FUZZ_VENDOR_BINS := $(addprefix $(FUZZ_BUILD)/fuzz_vendor_,$(FUZZ_VENDORS))
FUZZ_OTHER_BINS  := $(addprefix $(FUZZ_BUILD)/fuzz_,theme text)
FUZZ_LINK = $(FUZZ_COMPILE) $(WARN) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libfuzzdeck.a $(APP_LIBS) -lm

$(FUZZ_VENDOR_BINS): $(FUZZ_BUILD)/fuzz_vendor_%: tests/fuzz/fuzz_vendor.c $(FUZZ_BUILD)/libfuzzdeck.a
	$(FUZZ_LINK) -DFUZZ_VENDOR='"$*"'

$(FUZZ_BUILD)/fuzz_highq_xml: tests/fuzz/fuzz_vendor.c $(FUZZ_BUILD)/libfuzzdeck.a
	$(FUZZ_LINK) -DFUZZ_VENDOR='"highq"' -DFUZZ_XML

# config strings may name a shell command: popen is wrapped so none ever runs
$(FUZZ_BUILD)/fuzz_config: tests/fuzz/fuzz_config.c $(FUZZ_BUILD)/libfuzzdeck.a
	$(FUZZ_LINK) -Wl,--wrap=popen,--wrap=pclose

$(FUZZ_OTHER_BINS): $(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libfuzzdeck.a
	$(FUZZ_LINK)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-check: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/run.sh $(FUZZ_CHECK_SECONDS) $(FUZZ_TARGETS)

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
# ---- end of fuzzing ---------------------------------------------------------------------------

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
