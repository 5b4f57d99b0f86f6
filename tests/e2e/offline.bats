#!/usr/bin/env bats
# Offline mode: upgrade/downgrade --sql print the script and touch nothing,
# not even to create the database file.

load helpers

# line_of PATTERN: the first line number of the output matching a fixed string.
line_of() {
	printf '%s\n' "$output" | grep -nF -- "$1" | head -n 1 | cut -d: -f1
}

# before A B: the first occurrence of A comes before the first of B.
before() {
	local a b
	a=$(line_of "$1")
	b=$(line_of "$2")
	if [ -z "$a" ] || [ -z "$b" ] || [ "$a" -ge "$b" ]; then
		printf 'expected "%s" (line %s) before "%s" (line %s) in:\n%s\n' "$1" "$a" "$2" "$b" "$output" >&2
		return 1
	fi
}

@test "upgrade head --sql prints the whole script and creates no database" {
	project
	chain 3
	run --separate-stderr retort upgrade head --sql
	expect_status 0
	expect_eq "$(dbsum)" absent
	norm=$(printf '%s\n' "$output" | tr -s ' \t\n' ' ')
	expect_match "$norm" 'CREATE TABLE alembic_version \( ?version_num VARCHAR\(32\) NOT NULL, ?CONSTRAINT alembic_version_pkc PRIMARY KEY \(version_num\) ?\);'
	before "CREATE TABLE alembic_version" "CREATE TABLE t1 (x INTEGER);"
	# on PostgreSQL, Alembic's INSERT ends with SQLAlchemy's implicit RETURNING
	local ret=""
	is_pg && ret=" RETURNING alembic_version.version_num"
	before "CREATE TABLE t1 (x INTEGER);" "INSERT INTO alembic_version (version_num) VALUES ('$(chain_id 1)')$ret;"
	before "INSERT INTO alembic_version (version_num) VALUES ('$(chain_id 1)')$ret;" "CREATE TABLE t2 (x INTEGER);"
	before "CREATE TABLE t2 (x INTEGER);" "UPDATE alembic_version SET version_num='$(chain_id 2)' WHERE alembic_version.version_num = '$(chain_id 1)';"
	before "CREATE TABLE t3 (x INTEGER);" "UPDATE alembic_version SET version_num='$(chain_id 3)' WHERE alembic_version.version_num = '$(chain_id 2)';"
	before "-- Running upgrade $(chain_id 1) -> $(chain_id 2)" "CREATE TABLE t2 (x INTEGER);"
	# The script runs: fed to sqlite3 or psql, it gives the database retort would.
	if is_pg; then
		printf '%s\n' "$output" | psql -XAtq -v ON_ERROR_STOP=1 -d "$(dburl fed)" >/dev/null
	else
		printf '%s\n' "$output" | sqlite3 -batch fed.db
	fi
	expect_eq "$(rows fed)" "$(chain_id 3)"
	has_table t1 fed
	has_table t2 fed
	has_table t3 fed
	expect_eq "$(dbsum)" absent
}

@test "upgrade A:B --sql prints only the steps after A" {
	project
	chain 4
	run --separate-stderr retort upgrade "$(chain_id 1):$(chain_id 3)" --sql
	expect_status 0
	expect_eq "$(dbsum)" absent
	expect_no_match "$output" 'CREATE TABLE t1 '
	expect_no_match "$output" 'CREATE TABLE t4 '
	expect_no_match "$output" 'CREATE TABLE alembic_version'
	before "CREATE TABLE t2 (x INTEGER);" "UPDATE alembic_version SET version_num='$(chain_id 2)' WHERE alembic_version.version_num = '$(chain_id 1)';"
	before "CREATE TABLE t3 (x INTEGER);" "UPDATE alembic_version SET version_num='$(chain_id 3)' WHERE alembic_version.version_num = '$(chain_id 2)';"
}

@test "downgrade B:A --sql prints the downgrade sections in reverse" {
	project
	chain 4
	run --separate-stderr retort downgrade "$(chain_id 3):$(chain_id 1)" --sql
	expect_status 0
	expect_eq "$(dbsum)" absent
	before "DROP TABLE t3;" "UPDATE alembic_version SET version_num='$(chain_id 2)' WHERE alembic_version.version_num = '$(chain_id 3)';"
	before "UPDATE alembic_version SET version_num='$(chain_id 2)'" "DROP TABLE t2;"
	before "DROP TABLE t2;" "UPDATE alembic_version SET version_num='$(chain_id 1)' WHERE alembic_version.version_num = '$(chain_id 2)';"
	expect_no_match "$output" 'DROP TABLE t1;'
	expect_no_match "$output" 'DROP TABLE t4;'
}

@test "downgrade to base --sql deletes the last row" {
	project
	chain 2
	run --separate-stderr retort downgrade "$(chain_id 2):base" --sql
	expect_status 0
	expect_eq "$(dbsum)" absent
	before "DROP TABLE t1;" "DELETE FROM alembic_version WHERE alembic_version.version_num = '$(chain_id 1)';"
	# as Alembic's offline script does, the last statement drops the version
	# table, which no row is left in (retort_log, the history, stays)
	last=$(printf '%s\n' "$output" | grep -v '^$' | tail -n 1)
	expect_eq "$last" "DROP TABLE alembic_version;"
	expect_no_match "$output" "DROP TABLE retort_log"
	# a range that leaves a row drops nothing
	run --separate-stderr retort downgrade "$(chain_id 2):$(chain_id 1)" --sql
	expect_status 0
	expect_no_match "$output" "DROP TABLE alembic_version"
}

@test "downgrade --sql without a range is exit 2" {
	project
	chain 2
	run --separate-stderr retort downgrade -1 --sql
	expect_status 2
	one_error
	expect_eq "$(dbsum)" absent
}

@test "a merge offline: one DELETE and one UPDATE" {
	project
	graph
	run --separate-stderr retort upgrade "$B:$E" --sql
	expect_status 0
	expect_eq "$(dbsum)" absent
	expect_match "$output" "INSERT INTO alembic_version \(version_num\) VALUES \('($C|$D)'\)( RETURNING alembic_version.version_num)?;"
	expect_match "$output" "DELETE FROM alembic_version WHERE alembic_version.version_num = '($C|$D)';"
	expect_match "$output" "UPDATE alembic_version SET version_num='$E' WHERE alembic_version.version_num = '($C|$D)';"
}

@test "--sql never touches an existing database" {
	project
	chain 3
	retort upgrade +1 2>/dev/null
	before_sum=$(dbsum)
	run --separate-stderr retort upgrade head --sql
	expect_status 0
	expect_eq "$(dbsum)" "$before_sum"
	expect_eq "$(rows)" "$(chain_id 1)"
}

@test "--sql with a PostgreSQL URL needs no server" {
	project
	chain 2
	run --separate-stderr retort --url 'postgresql://u:Se@cr:et%25MARKER@127.0.0.1:1/db' upgrade head --sql
	expect_status 0
	expect_match "$output" "CREATE TABLE t1"
	expect_match "$output" "INSERT INTO alembic_version"
	expect_no_match "$output$stderr" 'MARKER|Se@cr'
}

@test "a range's script runs on a database only Alembic has touched; the journal's who and when come from the run" {
	project
	chain 3
	# what Alembic leaves: its version table at the first revision, no retort_log
	sql "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"
	sql "INSERT INTO alembic_version VALUES ('$(chain_id 1)')"
	sql "CREATE TABLE t1 (x INTEGER)"
	run --separate-stderr retort upgrade "$(chain_id 1):head" --sql
	expect_status 0
	expect_match "$output" "CREATE TABLE IF NOT EXISTS retort_log"
	sleep 1.1 # the script's applied_at must be when it runs, not when it was made
	local t0
	if is_pg; then
		t0=$(sql "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')")
		printf '%s\n' "$output" | psql -XAtq -v ON_ERROR_STOP=1 -d "$(db_conn t)" >/dev/null
		expect_eq "$(sql "SELECT DISTINCT applied_by FROM retort_log")" "$(sql "SELECT current_user")"
	else
		t0=$(date -u +%Y-%m-%dT%H:%M:%S)
		printf '%s\n' "$output" | sqlite3 -batch -bail t.db
	fi
	expect_eq "$(rows)" "$(chain_id 3)"
	expect_eq "$(sql "SELECT count(*) FROM retort_log")" 2
	local at
	at=$(sql "SELECT min(applied_at) FROM retort_log")
	[[ "$at" > "$t0" || "$at" == "$t0"* ]] || { echo "applied_at $at is before the script ran ($t0)"; return 1; }
	# the same script twice on a database that has the journal: still fine
	run --separate-stderr retort downgrade "head:$(chain_id 1)" --sql
	expect_status 0
	if is_pg; then
		printf '%s\n' "$output" | psql -XAtq -v ON_ERROR_STOP=1 -d "$(db_conn t)" >/dev/null
	else
		printf '%s\n' "$output" | sqlite3 -batch -bail t.db
	fi
	expect_eq "$(rows)" "$(chain_id 1)"
}
