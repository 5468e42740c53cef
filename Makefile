# irm — plain Makefile. `make` builds, `make test` runs every test,
# `make check` the same under ASan+UBSan, `make bench` the benchmarks,
# `make demo` opens the console on a demo cache, `make deps` installs what
# is missing. Quiet unless V=1.

CC       ?= cc
PKGS     := ncursesw sqlite3 libcurl readline jansson libmicrohttpd
TESTPKGS := cmocka
O        ?= build
VERSION  := 0.1.0

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wpointer-arith -Wundef \
	-Wold-style-definition -Wvla -Wcast-align -Wswitch-enum -Wno-switch-enum
OPT      ?= -O2 -g
CPPFLAGS += -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -DIRM_VERSION='"$(VERSION)"' \
	-Icore -Idata -Itui -Iserver -I$(O)/gen
CFLAGS   += -std=c17 $(OPT) $(WARN) $(WERROR) $(SANFLAGS) -MMD -MP
LDFLAGS  += $(SANFLAGS)
# ncursesw asks for _XOPEN_SOURCE=600; we define 700 (POSIX 2008) ourselves.
PKG_CFLAGS := $(filter-out -D_XOPEN_SOURCE=%,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS  := $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)
LDLIBS   += -lm

ifeq ($(V),1)
Q :=
else
Q := @
endif

CORE_SRC := $(wildcard core/*.c)
DATA_SRC := $(wildcard data/*.c)
TUI_SRC  := $(wildcard tui/*.c)
SERVER_SRC := $(wildcard server/*.c)
TEST_SRC := $(wildcard tests/test_*.c)

CORE_OBJ := $(CORE_SRC:%.c=$(O)/%.o) $(O)/gen/airports_data.o
DATA_OBJ := $(DATA_SRC:%.c=$(O)/%.o)
TUI_OBJ  := $(TUI_SRC:%.c=$(O)/%.o)
SERVER_OBJ := $(SERVER_SRC:%.c=$(O)/%.o)
TESTS    := $(TEST_SRC:tests/%.c=$(O)/tests/%)

IRM := $(O)/irm
CENTRAL := $(O)/irm-central

all: $(IRM) $(CENTRAL)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

# The airport table is data (core/airports.tsv, sources named there),
# turned into a sorted C array at build time.
$(O)/gen/airports_data.c: core/airports.tsv core/airports.awk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)LC_ALL=C awk -f core/airports.awk core/airports.tsv > $@.tmp && mv $@.tmp $@

$(O)/gen/airports_data.o: $(O)/gen/airports_data.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/libirmcore.a: $(CORE_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
$(O)/libirmdata.a: $(DATA_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/libirmserver.a: $(filter-out $(O)/server/main.o,$(SERVER_OBJ))
	$(Q)rm -f $@ && ar rcs $@ $^

LIBS := $(O)/libirmdata.a $(O)/libirmcore.a

$(IRM): $(TUI_OBJ) $(LIBS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TUI_OBJ) $(LIBS) $(PKG_LIBS) $(LDLIBS)

# irm-central: the reference central API (server/), on core/ and data/.
$(CENTRAL): $(O)/server/main.o $(O)/libirmserver.a $(LIBS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(O)/server/main.o $(O)/libirmserver.a $(LIBS) \
		$(PKG_LIBS) $(LDLIBS) -lpthread

$(O)/tests/%: tests/%.c $(wildcard tests/*.h) $(O)/libirmserver.a $(LIBS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) -Itests $(PKG_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
		$(O)/libirmserver.a $(LIBS) $(PKG_LIBS) $(TEST_LIBS) $(LDLIBS) -lpthread

$(O)/bench/bench: bench/bench.c $(O)/bench/pty.o $(O)/bench/central.o $(O)/bench/measure.o $(LIBS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/bench/pty.o \
		$(O)/bench/central.o $(O)/bench/measure.o $(LIBS) $(PKG_LIBS) $(LDLIBS) -lpthread

# --- tests -----------------------------------------------------------------
# Every tests/test_*.c is a cmocka program; tests/run runs them all against
# the real binary and prints one closing line.
test: deps-check
	$(Q)$(MAKE) --no-print-directory WERROR=-Werror $(IRM) $(CENTRAL) $(TESTS)
	$(Q)IRM_BIN=$(abspath $(IRM)) CENTRAL_BIN=$(abspath $(CENTRAL)) tests/run $(TESTS)

check: deps-check
	$(Q)$(MAKE) --no-print-directory O=build-san WERROR=-Werror OPT="-O1 -g -fno-omit-frame-pointer" \
		SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" build-san/irm \
		build-san/irm-central $(TEST_SRC:tests/%.c=build-san/tests/%)
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		IRM_BIN=$(abspath build-san/irm) CENTRAL_BIN=$(abspath build-san/irm-central) tests/run $(TEST_SRC:tests/%.c=build-san/tests/%)

# The same tests built by clang, warnings as errors: both compilers clean.
test-clang: deps-check
	$(Q)$(MAKE) --no-print-directory O=build-clang CC=clang WERROR=-Werror build-clang/irm \
		build-clang/irm-central $(TEST_SRC:tests/%.c=build-clang/tests/%)
	$(Q)IRM_BIN=$(abspath build-clang/irm) CENTRAL_BIN=$(abspath build-clang/irm-central) tests/run $(TEST_SRC:tests/%.c=build-clang/tests/%)

# --- fuzzing ----------------------------------------------------------------
# libFuzzer (clang) on the parsers of outside input (records, irm.conf);
# not part of `make test`.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -g -O1

fuzz: deps-check
	$(Q)$(MAKE) --no-print-directory O=build-fuzz CC=clang OPT="-O1 -g" \
		SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libirmcore.a
	$(Q)for f in record conf; do \
		clang $(CPPFLAGS) $(FUZZ_FLAGS) -o build-fuzz/fuzz_$$f tests/fuzz/fuzz_$$f.c \
			build-fuzz/libirmcore.a $(PKG_LIBS) -lm || exit 1; done
	$(Q)mkdir -p build-fuzz/corpus build-fuzz/corpus-conf
	$(Q)cp tests/fuzz/corpus/* build-fuzz/corpus/ && cp tests/fuzz/corpus-conf/* build-fuzz/corpus-conf/
	$(Q)build-fuzz/fuzz_record -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build-fuzz/corpus
	$(Q)build-fuzz/fuzz_conf -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build-fuzz/corpus-conf

# --- demo and bench --------------------------------------------------------
DEMO_DB := $(O)/demo.db

# deps-check may install libraries, so the real work runs in a fresh make
# that sees them (pkg-config is read when a Makefile is parsed).
demo: deps-check
	$(Q)$(MAKE) --no-print-directory demo-run

# The demo's stories happen today: a cache older than 12 hours is made again.
# On a terminal the console opens (as DEMO_USER, DEMO_ROLE); else the two
# seed stories are printed.
DEMO_USER ?= ana
DEMO_ROLE ?= agent
demo-run: $(IRM)
	$(Q)test -n "$$(find $(DEMO_DB) -mmin -720 2>/dev/null)" || $(IRM) demo --out $(DEMO_DB) --force
	$(Q)if [ -t 0 ] && [ -t 1 ]; then \
		exec $(IRM) --db $(DEMO_DB) --as $(DEMO_USER) --role $(DEMO_ROLE); \
	else \
		$(IRM) --db $(DEMO_DB) show MP7000001 && echo && $(IRM) --db $(DEMO_DB) show MP7000002; \
	fi

bench: deps-check
	$(Q)$(MAKE) --no-print-directory bench-run

bench-run: $(IRM) $(CENTRAL) $(O)/bench/bench
	$(Q)IRM_BIN=$(abspath $(IRM)) CENTRAL_BIN=$(abspath $(CENTRAL)) $(O)/bench/bench $(BENCH_ARGS)

# --- dependencies ----------------------------------------------------------
DEB_PKGS := build-essential pkg-config libncurses-dev libsqlite3-dev sqlite3 \
	libcurl4-openssl-dev libreadline-dev libjansson-dev libmicrohttpd-dev \
	libcmocka-dev tmux tzdata clang

deps:
	$(Q)missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "deps: installing $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
		echo "deps: missing: $$missing"; \
		echo "run: sudo apt-get install -y $$missing"; exit 1; \
	fi

deps-check:
	$(Q)pkg-config --exists $(PKGS) $(TESTPKGS) 2>/dev/null && command -v tmux sqlite3 >/dev/null \
		|| $(MAKE) --no-print-directory deps

clean:
	rm -rf build build-san build-clang build-fuzz

.PHONY: all test test-clang check fuzz demo demo-run bench bench-run deps deps-check clean
.SECONDARY:

-include $(shell find $(O) build-san -name '*.d' 2>/dev/null)
