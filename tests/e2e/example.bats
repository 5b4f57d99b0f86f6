#!/usr/bin/env bats
# The example project (examples/todo-app) and the embedding example
# (examples/embed/upgrade.c), as `make example` and a user would run them.

load helpers

setup() {
	retort_env || return 1
	cp -r "$RETORT_SOURCE/examples/todo-app" "$BATS_TEST_TMPDIR/app"
	rm -f "$BATS_TEST_TMPDIR/app/app.db"
	cd "$BATS_TEST_TMPDIR/app" || return 1
	# The example's own url is sqlite:///app.db; on PostgreSQL, a fresh database.
	is_sqlite || set_url "$(dburl app)"
}

# schema_of: the database's schema as text (SQLite's .schema, pg_dump's).
schema_of() {
	if is_pg; then pg_schema app; else sql_on app.db .schema; fi
}

T1=3f2a9c1b7d4e T2=8b1e5a7c2d90 T3=c47d0e9f1a23 T4=5e6f7a8b9c0d T5=9a0b1c2d3e4f T6=d1e2f3a4b5c6

@test "example: upgrade head, current, history (what make example runs)" {
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(printf '%s\n' "$stderr" | grep -c '^Running upgrade')" 6
	expect_eq "$(rows app)" "$T6"
	expect_eq "$(tables app)" "alembic_version retort_log todos users"
	has_column todos user_id app
	has_column users phone_number app
	has_index ix_todos_status app
	# The seed's todos table, exactly.
	if is_pg; then
		expect_eq "$(sql_on app "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
			EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey))
			FROM pg_attribute a WHERE a.attrelid = 'public.todos'::regclass AND a.attnum > 0 AND NOT a.attisdropped
			ORDER BY a.attnum" | head -n 4)" "id|integer|t|t
title|character varying|t|f
description|character varying|f|f
status|character varying|t|f"
	else
		expect_eq "$(sql_on app.db "SELECT name, type, \"notnull\", pk FROM pragma_table_info('todos') ORDER BY cid" | head -n 4)" "id|INTEGER|1|1
title|VARCHAR|1|0
description|VARCHAR|0|0
status|VARCHAR|1|0"
	fi

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
	expect_eq "$(rows app)" "$T5"
	not has_column todos user_id app
	run --separate-stderr retort downgrade -1
	expect_status 0
	expect_eq "$(rows app)" "$T4 $T3"
	run --separate-stderr retort downgrade contact@$T2
	expect_status 0
	expect_eq "$(rows app)" "$T4"
	not has_column users phone_number app
	run --separate-stderr retort downgrade base
	expect_status 0
	expect_eq "$(rows app)" ""
	expect_eq "$(tables app)" "alembic_version retort_log"
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows app)" "$T6"
}

@test "example: a step-by-step walk up and down matches the full run" {
	for step in +1 +1 contact@+1 $T4 $T5 +1; do
		run --separate-stderr retort upgrade $step
		expect_status 0
		expect_eq "$(printf '%s\n' "$stderr" | grep -c '^Running upgrade')" 1
	done
	expect_eq "$(rows app)" "$T6"
	# +1 at a branch point is ambiguous, as in Alembic.
	retort downgrade $T2 2>/dev/null
	run --separate-stderr retort upgrade +1
	expect_status 2
	one_error
	retort upgrade head 2>/dev/null
	run --separate-stderr retort upgrade +1
	[ "$status" -ne 0 ]
	schema_up=$(schema_of)
	[ -n "$schema_up" ]
	retort downgrade base 2>/dev/null
	retort upgrade head 2>/dev/null
	expect_eq "$(schema_of)" "$schema_up"
}

@test "embed: the example program upgrades to head with only <retort.h>" {
	embed="$(dirname "$RETORT")/retort-embed-upgrade"
	[ -x "$embed" ] || skip "retort-embed-upgrade was not built"
	run --separate-stderr "$embed" retort.ini
	expect_status 0
	expect_eq "$output" "upgraded to head (retort $("$RETORT" --version | awk '{print $2}'))"
	expect_match "$stderr" "Running upgrade $T5 -> $T6, add todos user id"
	expect_eq "$(rows app)" "$T6"
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

@test "example: the seed teams' Makefile targets and wrapper script drive retort" {
	# seed 004: make migration / migrate / migrate-down / migrate-logs / migrate-check
	run --separate-stderr make -s migrate RETORT="$RETORT"
	expect_status 0
	expect_eq "$(rows app)" "$T6"
	run --separate-stderr make -s migrate-down RETORT="$RETORT"
	expect_status 0
	expect_eq "$(rows app)" "$T5"
	run --separate-stderr make -s migrate-logs RETORT="$RETORT"
	expect_status 0
	expect_eq "$(printf '%s\n' "$output" | tail -n 1)" "<base> -> $T1, create todos table"
	run --separate-stderr make -s migrate-check RETORT="$RETORT"
	expect_status 0
	expect_match "$output" "$T6"
	run --separate-stderr sh -c "echo create_tags_table | make -s migration RETORT='$RETORT'"
	expect_status 0
	expect_eq "$(ls migrations/versions/*_create_tags_table.sql | wc -l)" 1
	expect_match "$(cat migrations/versions/*_create_tags_table.sql)" "Revises: $T6"

	# seed 001: ./scripts/migrate.sh <command>, from any folder
	mkdir elsewhere
	cd elsewhere
	run --separate-stderr env RETORT="$RETORT" ../scripts/migrate.sh upgrade "$T6"
	expect_status 0
	expect_eq "$(cd .. && rows app)" "$T6"
	run --separate-stderr env RETORT="$RETORT" ../scripts/migrate.sh current
	expect_status 0
	expect_eq "$output" "$T6"
	run --separate-stderr env RETORT="$RETORT" ../scripts/migrate.sh downgrade -1
	expect_status 0
	expect_eq "$(cd .. && rows app)" "$T5"
	run --separate-stderr env RETORT="$RETORT" ../scripts/migrate.sh show "$T6"
	expect_status 0
	expect_match "$output" "Rev: $T6"
}
