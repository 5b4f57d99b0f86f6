# A thin wrapper over CMake.  `make example` builds retort and runs the
# example project's migrations; `make check` runs every test, twice (normal
# and sanitizer builds).  The Debian packages needed are installed first by
# scripts/install-deps, which touches nothing when they are all present.

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD_TYPE ?= RelWithDebInfo

.PHONY: all deps build example check install clean

all: build

deps:
	scripts/install-deps

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)
	cmake --build build -j$(JOBS)

example: build
	cd examples/todo-app && rm -f app.db && ../../build/retort upgrade head && ../../build/retort current && ../../build/retort history

check: deps
	scripts/check

install:
	RETORT_DEPS=build scripts/install-deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build build -j$(JOBS)
	cmake --install build

clean:
	rm -rf build build-asan examples/todo-app/app.db

# `make fuzz`: long fuzzing runs (tests/fuzz/README), FUZZ_SECONDS per target
# (default 600), new inputs kept in tests/fuzz/corpus/; `make check` runs
# the same targets for a few seconds each.  FUZZ_TARGETS picks some.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=
.PHONY: fuzz
fuzz: deps
	tests/fuzz/run --build build-fuzz --seconds $(FUZZ_SECONDS) --grow $(FUZZ_TARGETS)
