#!/usr/bin/env bats
# The CLI's main commands under valgrind's memcheck: any memory error, and
# any definite or indirect leak, fails the test (exit 99).  The sanitizer
# build (scripts/check's second run) skips this file: its binary carries
# ASan, which valgrind cannot run, and which checks the same things itself.

load helpers

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	command -v valgrind >/dev/null || skip "valgrind is not installed (scripts/install-deps installs it)"
	if grep -q -a __asan_init "$RETORT"; then
		skip "the binary is built with AddressSanitizer"
	fi
}

VG_RUNS=0

# vg ARGS...: retort under valgrind; fails on any error or leak, with the
# report on stderr.
vg() {
	VG_RUNS=$((VG_RUNS + 1))
	local log=vg.$VG_RUNS.log rc
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=no \
		--log-file="$log" "$RETORT" "$@" >vg.out 2>vg.err </dev/null && rc=0 || rc=$?
	if [ "$rc" -eq 99 ] || [ -s "$log" ]; then
		echo "valgrind found errors in 'retort $*':" >&2
		cat "$log" >&2
		return 1
	fi
	return "$rc"
}

# vg_ok / vg_fails: the command's own exit status, 0 or not.
vg_ok() { vg "$@" || { echo "'retort $*' failed: $(cat vg.err)" >&2; return 1; }; }
vg_fails() {
	local rc=0
	vg "$@" || rc=$?
	[ "$rc" -ne 0 ] && [ "$rc" -ne 99 ] || { echo "'retort $*': exit $rc" >&2; return 1; }
	# a report exit is an error too
	[ ! -s "vg.$VG_RUNS.log" ]
}

@test "the main commands run clean under valgrind: no memory error, no leak" {
	vg_ok init
	set_url "$(dburl t)"
	vg_ok revision -m "create todos table"
	local first
	first=$(ls migrations/versions/*.sql)
	printf 'CREATE TABLE todos (id INTEGER PRIMARY KEY);\n' >up.sql
	# fill in the first revision's sections
	awk '/^-- migrate:upgrade/ { print; print "CREATE TABLE todos (id INTEGER PRIMARY KEY);"; next }
	     /^-- migrate:downgrade/ { print; print "DROP TABLE todos;"; next } { print }' "$first" >r.tmp && mv r.tmp "$first"
	vg_ok revision -m "second" --branch-label api
	vg_ok revision -m "third"
	vg_ok upgrade head --sql
	vg_ok upgrade head
	vg_ok current -v
	vg_ok --json current
	vg_ok history -v -i
	vg_ok --json history
	vg_ok heads
	vg_ok branches
	vg_ok show head
	vg_ok --json show head
	vg_ok status
	vg_ok downgrade -1
	vg_ok downgrade base
	vg_ok stamp head
	vg_ok stamp --purge api@head
	vg_ok downgrade head:base --sql
	vg_ok list-templates
	vg_ok ensure-version
	vg_ok --help
	echo "# $VG_RUNS commands clean under valgrind ($RETORT_TEST_DB)" >&3
}

@test "failures run clean under valgrind too" {
	vg_ok init
	set_url "$(dburl t)"
	mkrev $A "" "create todos table" "CREATE TABLE todos (id INTEGER PRIMARY KEY);" "DROP TABLE todos;"
	mkrev $B $A "fails" "SELECT no_such_column FROM todos;" ""
	vg_fails upgrade head                 # a failing statement
	vg_fails upgrade zzzz                 # an unknown revision
	vg_fails upgrade c3c3                 # ... and another way
	vg_fails --url "nosuch://x" current   # a bad URL
	vg_fails --url "postgresql://u:pw@127.0.0.1:1/db" current # nobody listens
	printf '[retort\n' >bad.ini
	vg_fails -c bad.ini current           # a bad config
	cp "$RETORT_SOURCE/tests/data/bad/cycle/versions/"*.sql migrations/versions/
	vg_fails history                      # a bad graph
	echo "# $VG_RUNS failing commands clean under valgrind ($RETORT_TEST_DB)" >&3
}
