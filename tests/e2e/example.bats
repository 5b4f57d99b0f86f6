#!/usr/bin/env bats
# The example project (examples/todo-app) and the embedding example
# (examples/embed/upgrade.c), as `make example` and a user would run them.

load helpers

setup() {
	unset DATABASE_URL RETORT_CONFIG DB_USER DB_PASSWORD DB_HOST DB_PORT DB_NAME
	export NO_COLOR=1 TZ=UTC
	[ -x "$RETORT" ] || { echo "no retort binary at '$RETORT' (set RETORT)" >&2; return 1; }
	cp -r "$RETORT_SOURCE/examples/todo-app" "$BATS_TEST_TMPDIR/app"
	rm -f "$BATS_TEST_TMPDIR/app/app.db"
	cd "$BATS_TEST_TMPDIR/app"
}

T1=3f2a9c1b7d4e T2=8b1e5a7c2d90 T3=c47d0e9f1a23 T4=5e6f7a8b9c0d T5=9a0b1c2d3e4f T6=d1e2f3a4b5c6

@test "example: upgrade head, current, history (what make example runs)" {
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(printf '%s\n' "$stderr" | grep -c '^Running upgrade')" 6
	expect_eq "$(rows app.db)" "$T6"
	expect_eq "$(tables app.db)" "alembic_version retort_log todos users"
	has_column todos user_id app.db
	has_column users phone_number app.db
	has_index ix_todos_status app.db
	# The seed's todos table, exactly.
	expect_eq "$(sql app.db "SELECT name, type, \"notnull\", pk FROM pragma_table_info('todos') ORDER BY cid" | head -n 4)" "id|INTEGER|1|1
title|VARCHAR|1|0
description|VARCHAR|0|0
status|VARCHAR|1|0"

	run --separate-stderr retort current
	expect_status 0
	expect_eq "$output" "$T6 (head)"

	run --separate-stderr retort history
	expect_status 0
	expect_eq "$(printf '%s\n' "$output" | head -n 2)" "$T5 -> $T6 (contact) (head), add todos user id
$T3, $T4 -> $T5 (contact) (mergepoint), merge contact and todos index"
	expect_eq "$(printf '%s\n' "$output" | sed -n '3,4p' | sort)" "$T2 -> $T4, index todos status
$T2 -> $T3 (contact), add_user_phone_number"
	expect_eq "$(printf '%s\n' "$output" | tail -n 2)" "$T1 -> $T2 (branchpoint), create users table
<base> -> $T1, create todos table"
}

@test "example: every downgrade works, back to base and up again" {
	retort upgrade head 2>/dev/null
	run --separate-stderr retort downgrade -1
	expect_status 0
	expect_eq "$(rows app.db)" "$T5"
	not has_column todos user_id app.db
	run --separate-stderr retort downgrade -1
	expect_status 0
	expect_eq "$(rows app.db)" "$T4 $T3"
	run --separate-stderr retort downgrade contact@$T2
	expect_status 0
	expect_eq "$(rows app.db)" "$T4"
	not has_column users phone_number app.db
	run --separate-stderr retort downgrade base
	expect_status 0
	expect_eq "$(rows app.db)" ""
	expect_eq "$(tables app.db)" "alembic_version retort_log"
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows app.db)" "$T6"
}

@test "example: a step-by-step walk up and down matches the full run" {
	for step in +1 +1 contact@+1 $T4 $T5 +1; do
		run --separate-stderr retort upgrade $step
		expect_status 0
		expect_eq "$(printf '%s\n' "$stderr" | grep -c '^Running upgrade')" 1
	done
	expect_eq "$(rows app.db)" "$T6"
	# +1 at a branch point is ambiguous, as in Alembic.
	retort downgrade $T2 2>/dev/null
	run --separate-stderr retort upgrade +1
	expect_status 2
	one_error
	retort upgrade head 2>/dev/null
	run --separate-stderr retort upgrade +1
	[ "$status" -ne 0 ]
	schema_up=$(sql app.db .schema)
	retort downgrade base 2>/dev/null
	retort upgrade head 2>/dev/null
	expect_eq "$(sql app.db .schema)" "$schema_up"
}

@test "embed: the example program upgrades to head with only <retort.h>" {
	embed="$(dirname "$RETORT")/retort-embed-upgrade"
	[ -x "$embed" ] || skip "retort-embed-upgrade was not built"
	run --separate-stderr "$embed" retort.ini
	expect_status 0
	expect_eq "$output" "upgraded to head (retort $("$RETORT" --version | awk '{print $2}'))"
	expect_match "$stderr" "Running upgrade $T5 -> $T6, add todos user id"
	expect_eq "$(rows app.db)" "$T6"
	# A second run has nothing to do.
	run --separate-stderr "$embed" retort.ini
	expect_status 0
	expect_no_match "$stderr" 'Running upgrade'
}

@test "embed: a missing config fails with the library's message" {
	embed="$(dirname "$RETORT")/retort-embed-upgrade"
	[ -x "$embed" ] || skip "retort-embed-upgrade was not built"
	run --separate-stderr "$embed" nosuch.ini
	expect_status 2
	expect_match "$stderr" '^upgrade: .*nosuch\.ini'
}
