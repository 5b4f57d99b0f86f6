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

# Every suite at full size: every fault point and kill, all 229 compat graphs (250 cases each).
.PHONY: check-full
check-full: deps
	CHECK_SIZE=full BUILD_DIR=build-full ASAN_DIR=build-asan-full scripts/check

install:
	RETORT_DEPS=build scripts/install-deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build build -j$(JOBS)
	cmake --install build

clean:
	rm -rf build build-asan build-tsan examples/todo-app/app.db

# `make fuzz`: long fuzzing runs (tests/fuzz/README), FUZZ_SECONDS per target
# (default 600), new inputs kept in tests/fuzz/corpus/; `make check` runs
# the same targets for a few seconds each.  FUZZ_TARGETS picks some.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=
.PHONY: fuzz
fuzz: deps
	tests/fuzz/run --build build-fuzz --seconds $(FUZZ_SECONDS) --grow $(FUZZ_TARGETS)

# `make compat`: the differential suite against Alembic at full size (the
# named graphs of Alembic's own tests and 200 random ones, 250 cases each;
# tests/compat), on SQLite; with RETORT_TEST_PG_URL set (scripts/check's
# server, or scripts/pg-test-server), the Alembic shapes on PostgreSQL too.
.PHONY: compat
compat: build
	RETORT=build/retort PYTHONHASHSEED=0 /usr/bin/python3 tests/compat/compat.py --size full --jobs 2
	if [ -n "$$RETORT_TEST_PG_URL" ]; then RETORT=build/retort PYTHONHASHSEED=0 \
		/usr/bin/python3 tests/compat/compat.py --db postgresql --size full --random 0 --jobs 2; fi

# `make bench`: retort side by side with Alembic and the raw clients (sqlite3,
# psql) on generated workloads (bench/run; they go to bench/work/, which git
# ignores).  Installs what is missing, builds a Release retort in
# build-bench/, prints the Markdown table and writes it to bench/results.md.
# RUNS=N timed runs per figure (default 5); CHECK_PG=0 for SQLite only.
.PHONY: bench
bench:
	RETORT_DEPS=bench scripts/install-deps
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DRETORT_TESTS=OFF
	cmake --build build-bench -j$(JOBS)
	RETORT=build-bench/retort bench/run
