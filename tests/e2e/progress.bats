#!/usr/bin/env bats
# The progress line of long runs ("[12/1000] <revision> 1.2s", rewritten in
# place with \r): shown on a terminal, never when standard error is not one
# or with -q.  The terminal is a pseudo-terminal from script(1).  And the
# PostgreSQL driver's libraries are mapped only by commands that use it.

load helpers

# on_tty ARGS...: run retort with ARGS on a pseudo-terminal; $output is
# everything it wrote there (stdout and stderr), \r kept.
on_tty() {
	command -v script >/dev/null || skip "no script(1) for a pseudo-terminal"
	local cmd
	cmd=$(printf '%q ' "$RETORT" "$@")
	run script -qec "$cmd" /dev/null
}

@test "on a terminal, upgrade shows a progress line with the step count, revision and elapsed time, then erases it" {
	project
	chain 3
	on_tty upgrade head
	expect_status 0
	expect_match "$output" "\\[1/3\\] $(chain_id 1) [0-9]+\\.[0-9]s"
	expect_match "$output" "\\[3/3\\] $(chain_id 3) [0-9]+\\.[0-9]s"
	# erased with blanks before the next line and at the end: no escapes
	expect_no_match "$output" $'\e'
	[[ "$output" == *$'\r'"  "*$'\r'* ]] || { echo "the line was not erased: $output" >&2; return 1; }
	expect_match "$output" "Running upgrade $(chain_id 2) -> $(chain_id 3), step 3"
	expect_eq "$(rows)" "$(chain_id 3)"
}

@test "on a terminal, downgrade shows the progress line too" {
	project
	chain 2
	retort -q upgrade head
	on_tty downgrade base
	expect_status 0
	expect_match "$output" "\\[2/2\\] $(chain_id 1) [0-9]+\\.[0-9]s"
	expect_eq "$(rows)" ""
}

@test "-q on a terminal: no progress line and no notes" {
	project
	chain 3
	on_tty -q upgrade head
	expect_status 0
	expect_no_match "$output" '\[[0-9]+/[0-9]+\]'
	expect_eq "$(printf '%s' "$output" | tr -d '\r\n')" ""
	expect_eq "$(rows)" "$(chain_id 3)"
}

@test "standard error not a terminal: the notes, and no progress line" {
	project
	chain 3
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_no_match "$stderr" '\[[0-9]+/[0-9]+\]'
	[[ "$stderr" != *$'\r'* ]] || { echo "a carriage return on a pipe: $stderr" >&2; return 1; }
	expect_eq "$(printf '%s\n' "$stderr" | grep -c '^Running upgrade')" 3
}

@test "commands that do not connect to PostgreSQL never map libpq; one that does loads it then" {
	command -v ldd >/dev/null || skip "no ldd"
	project
	chain 2
	# neither libpq nor libpg_query is a dependency of the program itself
	run ldd "$RETORT"
	expect_status 0
	expect_no_match "$output" 'libpq|libpg_query'
	LD_DEBUG=files "$RETORT" heads >/dev/null 2>"$BATS_TEST_TMPDIR/ld.txt"
	expect_no_match "$(cat "$BATS_TEST_TMPDIR/ld.txt")" 'libpq'
	LD_DEBUG=files "$RETORT" --url postgresql://u@127.0.0.1:1/db current >/dev/null \
		2>"$BATS_TEST_TMPDIR/ld.txt" || true
	expect_match "$(cat "$BATS_TEST_TMPDIR/ld.txt")" 'libpq\.so\.5'
}

@test "a missing libpq is a clear error naming the package" {
	project
	run --separate-stderr env RETORT_LIBPQ=/nonexistent/libpq.so.5 \
		"$RETORT" --url postgresql://u:pw@127.0.0.1:1/db current
	expect_status 1
	one_error
	expect_match "$stderr" "cannot load libpq, which PostgreSQL needs: /nonexistent/libpq\\.so\\.5: .*apt-get install libpq5"
	expect_no_match "$stderr" 'pw@'
}

@test "the binary copied alone into another folder still reaches PostgreSQL" {
	only_db postgresql "a server to reach"
	mkdir alone
	cp "$RETORT" alone/retort
	project
	chain 1
	run --separate-stderr alone/retort upgrade head
	expect_status 0
	expect_eq "$(rows)" "$(chain_id 1)"
}
