# Gatehouse front door. Every target installs what is missing first (scripts/install-deps).
#   make run    release build, then start the server on 127.0.0.1:3567 (SQLite in ./gatehouse-data)
#   make test   debug build (ASan + UBSan), every test suite (the store's on SQLite and on a throwaway
#               PostgreSQL server, scripts/with-postgres), the browser suites (Chromium), the
#               SuperTokens face under the real supertokens-node SDK (tests/compat), the client
#               library installed and used by examples/client-app, TSan suites, the clang
#               thread-safety build, format and banned-call checks
#   make bench  release build, benchmarks; see docs/benchmarks.md
SHELL := /bin/bash
# ccache hits across clones in other directories (CI builds a fresh clone each time).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
JOBS ?= $(shell nproc)
WERROR := $(if $(filter true,$(CI)),ON,OFF)
FUZZ_SECONDS ?= 60
# The suites labelled `concurrency`: they run again under ThreadSanitizer in `make test`.
TSAN_TESTS := common_test runtime_test store_test tokens_test sessions_test revocation_test http_test http_server_test identity_test client_concurrency_test

.PHONY: all deps build run test unit browser compat client-app tsan thread-safety bench fmt format-check lint banned openapi fuzz clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake --preset release -DGATEHOUSE_WERROR=$(WERROR) >/dev/null
	@cmake --build build/release -j $(JOBS)

run: build
	./build/bin/gatehouse serve $(ARGS)

unit: deps
	@cmake --preset debug -DGATEHOUSE_WERROR=$(WERROR) >/dev/null
	@cmake --build build/debug -j $(JOBS)
	@scripts/with-postgres ctest --test-dir build/debug --output-on-failure -j $(JOBS)

test: unit browser compat client-app tsan thread-safety format-check banned openapi

# The pages and the browser SDK in Debian's Chromium (playwright-core, tests/browser).
browser: deps
	@cmake --preset debug -DGATEHOUSE_WERROR=$(WERROR) >/dev/null
	@cmake --build build/debug -j $(JOBS) --target gatehouse
	@scripts/run-browser-tests

# The SuperTokens face driven by the real supertokens-node SDK (tests/compat).
compat: deps
	@cmake --preset debug -DGATEHOUSE_WERROR=$(WERROR) >/dev/null
	@cmake --build build/debug -j $(JOBS) --target gatehouse
	@scripts/run-compat-tests

# The C++ client library installed (release build) and used by examples/client-app, built from
# the installed package as an application's project would be, against the debug `gatehouse`.
client-app: deps
	@cmake --preset debug -DGATEHOUSE_WERROR=$(WERROR) >/dev/null
	@cmake --build build/debug -j $(JOBS) --target gatehouse
	@JOBS=$(JOBS) scripts/test-client-app

tsan: deps
	@cmake --preset tsan -DGATEHOUSE_WERROR=$(WERROR) >/dev/null
	@cmake --build build/tsan -j $(JOBS) --target $(TSAN_TESTS)
	@cmake --preset debug -DGATEHOUSE_WERROR=$(WERROR) >/dev/null
	@cmake --build build/debug -j $(JOBS) --target gatehouse
	@GATEHOUSE_BIN=$(CURDIR)/build/debug/bin/gatehouse scripts/with-postgres ctest --test-dir build/tsan --output-on-failure -L concurrency

# clang's -Wthread-safety -Werror over every target: GUARDED_BY/REQUIRES are checked, not comments.
thread-safety: deps
	@cmake --preset thread-safety >/dev/null
	@cmake --build build/thread-safety -j $(JOBS)

bench: build
	@scripts/run-bench

fmt:
	@scripts/check-format --fix

format-check:
	@scripts/check-format

banned:
	@scripts/check-banned

openapi: deps
	@scripts/check-openapi

lint: deps
	@cmake --preset debug >/dev/null
	@scripts/run-lint build/debug

FUZZ_TARGETS := jwt_decode json_strict request http_exchange config config_toml encoding
fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build build/fuzz -j $(JOBS) $(addprefix --target ,$(addsuffix _fuzz,$(FUZZ_TARGETS)))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t && cp -n fuzz/corpus/$$t/* build/fuzz/corpus/$$t/ 2>/dev/null; \
	  echo "== $$t"; \
	  ./build/fuzz/bin/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=9000 \
	    -print_final_stats=1 build/fuzz/corpus/$$t || exit 1; \
	done

clean:
	rm -rf build
