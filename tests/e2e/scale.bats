#!/usr/bin/env bats
# A 10,000-revision chain, written directly by awk: correctness only (no
# timing assertions; bench/ measures speed).

load helpers

N=10000

# The tests share one project and one database, made here.
setup_file() {
	retort_env || return 1
	export SCALE_PREFIX=$DB_PREFIX
	# On tmpfs where there is one: 20,000 commits on a disk cost a minute of
	# fsync and prove nothing more.
	BIG=$(mktemp -d /dev/shm/retort-scale.XXXXXX 2>/dev/null) || BIG="$BATS_FILE_TMPDIR/big"
	export BIG
	mkdir -p "$BIG/migrations/versions"
	(cd "$BIG" && printf '[retort]\nscript_location = migrations\nurl = %s\n' "$(dburl t)" >retort.ini)
	awk -v n=$N -v dir="$BIG/migrations/versions" 'BEGIN {
		for (i = 1; i <= n; i++) {
			id = sprintf("%012x", i * 7919)
			f = sprintf("%s/%s_step_%d.sql", dir, id, i)
			printf "-- step %d\n--\n-- Revision ID: %s\n-- Revises: %s\n\n", i, id, prev > f
			printf "-- migrate:upgrade\nINSERT INTO steps VALUES (%d);\n\n", i > f
			printf "-- migrate:downgrade\nDELETE FROM steps WHERE n = %d;\n", i > f
			close(f)
			prev = id
		}
	}'
	# The first step creates the table the others fill.
	first="$BIG/migrations/versions/$(printf '%012x' 7919)_step_1.sql"
	sed -i 's/^INSERT INTO steps VALUES (1);/CREATE TABLE steps (n INTEGER PRIMARY KEY);\nINSERT INTO steps VALUES (1);/' "$first"
	sed -i 's/^DELETE FROM steps WHERE n = 1;/DROP TABLE steps;/' "$first"
}

setup() {
	retort_env || return 1
	db_init "$SCALE_PREFIX"
}

teardown() {
	:
}

teardown_file() {
	case "$BIG" in /dev/shm/retort-scale.*) rm -rf "$BIG" ;; esac
	db_init "$SCALE_PREFIX"
	db_drop_all
}

last_id() { printf '%012x' $((N * 7919)); }

@test "10,000 revisions: heads, current, upgrade head, current" {
	cd "$BIG"
	run --separate-stderr retort heads
	expect_status 0
	expect_eq "$output" "$(last_id) (head)"

	is_pg || sqlite3 t.db "PRAGMA user_version = 1" # an empty database
	run --separate-stderr retort current
	expect_status 0
	expect_eq "$output" ""

	run --separate-stderr retort -q upgrade head
	expect_status 0
	expect_eq "$(sql 'SELECT count(*), min(n), max(n) FROM steps')" "$N|1|$N"
	expect_eq "$(rows)" "$(last_id)"
	expect_eq "$(sql 'SELECT count(*) FROM retort_log')" "$N"

	run --separate-stderr retort current
	expect_status 0
	expect_eq "$output" "$(last_id) (head)"
}

@test "10,000 revisions: history is complete and ordered, -r ranges work" {
	cd "$BIG"
	run --separate-stderr retort history
	expect_status 0
	expect_eq "$(printf '%s\n' "$output" | wc -l)" "$N"
	expect_eq "$(printf '%s\n' "$output" | head -n 1)" "$(printf '%012x' $(((N - 1) * 7919))) -> $(last_id) (head), step $N"
	expect_eq "$(printf '%s\n' "$output" | tail -n 1)" "<base> -> $(printf '%012x' 7919), step 1"
	run --separate-stderr retort history -r "$(printf '%012x' $((100 * 7919))):$(printf '%012x' $((102 * 7919)))"
	expect_status 0
	expect_eq "$(printf '%s\n' "$output" | wc -l)" 3
}

@test "10,000 revisions: downgrade base reverts every step" {
	cd "$BIG"
	db_used t || retort -q upgrade head
	run --separate-stderr retort -q downgrade base
	expect_status 0
	expect_eq "$(rows)" ""
	not has_table steps
	expect_eq "$(sql "SELECT count(*) FROM retort_log WHERE operation='downgrade'")" "$N"
}
