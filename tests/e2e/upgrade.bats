#!/usr/bin/env bats
# upgrade and downgrade: every way of naming a revision (SPEC's table), and
# what the database holds after each step.

load helpers

# Alembic on PostgreSQL needs psycopg2 (Debian: python3-psycopg2).
alembic_can() {
	is_sqlite || /usr/bin/python3 -c 'import psycopg2' 2>/dev/null
}

# alembic_db URL: Alembic's own version table, made by Alembic itself in the
# database at URL, to compare with.
alembic_db() {
	(
		mkdir -p "$BATS_TEST_TMPDIR/alembic_side" && cd "$BATS_TEST_TMPDIR/alembic_side" &&
		/usr/bin/python3 -m alembic init -t generic al >/dev/null 2>&1 &&
		sed -i "s#^sqlalchemy.url = .*#sqlalchemy.url = $1#" alembic.ini &&
		/usr/bin/python3 -m alembic revision -m one --rev-id 111111111111 >/dev/null 2>&1 &&
		/usr/bin/python3 -m alembic upgrade head >/dev/null 2>&1
	)
}

@test "upgrade a full id applies it and its ancestors" {
	project
	graph
	run --separate-stderr retort upgrade $B
	expect_status 0
	expect_eq "$(rows)" "$B"
	expect_eq "$(tables)" "alembic_version retort_log todos users"
}

@test "upgrade prints Running upgrade lines to stderr, nothing to stdout" {
	project
	graph
	run --separate-stderr retort upgrade $B
	expect_status 0
	expect_eq "$output" ""
	expect_match "$stderr" "^Running upgrade +-> $A, create todos table \\([0-9]+ ms\\)\$"
	expect_match "$stderr" "^Running upgrade $A -> $B, create users table \\([0-9]+ ms\\)\$"
	expect_eq "$(printf '%s\n' "$stderr" | grep -c '^Running upgrade')" 2
}

@test "upgrade a unique prefix" {
	project
	graph
	run --separate-stderr retort upgrade b2b2
	expect_status 0
	expect_eq "$(rows)" "$B"
}

@test "an ambiguous prefix is exit 2 and lists the candidates" {
	project
	graph
	run --separate-stderr retort upgrade c3c3
	expect_status 2
	one_error
	expect_match "$stderr" "$C"
	expect_match "$stderr" "$D"
	expect_eq "$(dbsum)" absent
}

@test "an unknown revision is exit 2" {
	project
	graph
	run --separate-stderr retort upgrade 999999
	expect_status 2
	one_error
	expect_match "$stderr" "999999"
	expect_eq "$(dbsum)" absent
}

@test "upgrade head, then downgrade base" {
	project
	graph
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" "$F"
	has_column todos user_id
	has_column users phone_number
	has_index ix_todos_status
	run --separate-stderr retort downgrade base
	expect_status 0
	expect_eq "$(rows)" ""
	expect_eq "$(tables)" "alembic_version retort_log"
	expect_match "$stderr" "^Running downgrade $F -> $E, add todos user id"
}

@test "head with several heads is exit 2, mentioning heads and @head" {
	project
	graph branches
	run --separate-stderr retort upgrade head
	expect_status 2
	one_error
	expect_match "$stderr" 'heads'
	expect_match "$stderr" '@head'
	expect_eq "$(dbsum)" absent
}

@test "upgrade heads applies every branch" {
	project
	graph branches
	run --separate-stderr retort upgrade heads
	expect_status 0
	expect_eq "$(rows)" "$C $D"
}

@test "relative forms: +1 +2 -1 rev+1 head-1" {
	project
	chain 5
	l() { chain_id "$1"; }
	run --separate-stderr retort upgrade +1
	expect_status 0
	expect_eq "$(rows)" "$(l 1)"
	run --separate-stderr retort upgrade +2
	expect_status 0
	expect_eq "$(rows)" "$(l 3)"
	run --separate-stderr retort downgrade -1
	expect_status 0
	expect_eq "$(rows)" "$(l 2)"
	run --separate-stderr retort upgrade "$(l 3)+1"
	expect_status 0
	expect_eq "$(rows)" "$(l 4)"
	run --separate-stderr retort upgrade head
	expect_status 0
	run --separate-stderr retort downgrade head-1
	expect_status 0
	expect_eq "$(rows)" "$(l 4)"
	run --separate-stderr retort downgrade -2
	expect_status 0
	expect_eq "$(rows)" "$(l 2)"
	expect_eq "$(tables)" "alembic_version retort_log t1 t2"
}

@test "walking too far is an error and changes nothing" {
	project
	chain 3
	retort upgrade +2 2>/dev/null
	before=$(dbsum)
	run --separate-stderr retort upgrade +5
	expect_status 2
	one_error
	expect_eq "$(dbsum)" "$before"
	run --separate-stderr retort downgrade -5
	expect_status 2
	one_error
	expect_eq "$(dbsum)" "$before"
	expect_eq "$(rows)" "$(chain_id 2)"
}

@test "label@head, label@+1, label@rev" {
	project
	graph
	run --separate-stderr retort upgrade $B
	expect_status 0
	run --separate-stderr retort upgrade contact@+1
	expect_status 0
	expect_eq "$(rows)" "$C"
	run --separate-stderr retort upgrade $D
	expect_status 0
	expect_eq "$(rows)" "$C $D"
	# Only the contact branch goes down, back to the branch point.
	run --separate-stderr retort downgrade contact@$B
	expect_status 0
	expect_eq "$(rows)" "$D"
	has_index ix_todos_status
	not has_column users phone_number
	run --separate-stderr retort upgrade contact@$C
	expect_status 0
	expect_eq "$(rows)" "$C $D"
	# contact@head is F, below the merge, which needs D as well.
	run --separate-stderr retort upgrade contact@head
	expect_status 0
	expect_eq "$(rows)" "$F"
}

@test "branches and a merge: the version table row by row, as Alembic keeps it" {
	project
	graph
	run --separate-stderr retort upgrade $C
	expect_status 0
	expect_eq "$(rows)" "$C"
	has_column users phone_number
	not has_index ix_todos_status

	run --separate-stderr retort upgrade $D
	expect_status 0
	expect_eq "$(rows)" "$C $D"
	has_index ix_todos_status

	run --separate-stderr retort upgrade $E
	expect_status 0
	expect_eq "$(rows)" "$E"
	expect_match "$stderr" "^Running upgrade $C, $D -> $E, merge contact and index"

	# SPEC: downgrade -1 at a merge reverts it and leaves both parents current.
	run --separate-stderr retort downgrade -1
	expect_status 0
	expect_eq "$(rows)" "$C $D"
	expect_match "$stderr" "^Running downgrade $E -> $C, $D, merge contact and index"

	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" "$F"
	has_column todos user_id

	# Down to D: reverts F and E only; C stays (Alembic does the same).
	run --separate-stderr retort downgrade $D
	expect_status 0
	expect_eq "$(rows)" "$C $D"
	not has_column todos user_id
	has_column users phone_number

	# One branch only.
	run --separate-stderr retort downgrade $B
	expect_status 0
	expect_eq "$(rows)" "$B"
	not has_column users phone_number
	not has_index ix_todos_status

	run --separate-stderr retort upgrade $D
	expect_status 0
	expect_eq "$(rows)" "$D"
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" "$F"
}

@test "downgrade to a revision that is not applied is an error" {
	project
	graph
	retort upgrade $D 2>/dev/null
	before=$(dbsum)
	run --separate-stderr retort downgrade $F
	[ "$status" -ne 0 ]
	expect_eq "$(dbsum)" "$before"
}

@test "the version table is Alembic's (whitespace aside)" {
	project
	graph
	retort upgrade $A 2>/dev/null
	if is_pg; then
		# The catalog's view of it: one column, its type, NOT NULL, the key's name.
		expect_eq "$(sql "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
			FROM pg_attribute a WHERE a.attrelid = 'public.alembic_version'::regclass AND a.attnum > 0 AND NOT a.attisdropped")" \
			"version_num|character varying(32)|t"
		expect_eq "$(sql "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'public.alembic_version'::regclass")" \
			"alembic_version_pkc|p|PRIMARY KEY (version_num)"
		return
	fi
	norm() { tr -s ' \t\n' ' ' | sed 's/( /(/g; s/ )/)/g; s/ ,/,/g; s/ *$//'; }
	expect_eq "$(sql '.schema alembic_version' | norm)" \
		"CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
}

@test "the version table DDL is byte for byte what Alembic writes" {
	alembic_can || skip "Alembic cannot reach PostgreSQL here (no python3-psycopg2)"
	project
	graph
	retort upgrade $A 2>/dev/null
	if is_pg; then
		alembic_db "$(dburl al)"
		ddl() { pg_schema "$1" -t public.alembic_version; }
		[ -n "$(ddl al)" ]
		expect_eq "$(ddl t)" "$(ddl al)"
	else
		alembic_db "sqlite:///$BATS_TEST_TMPDIR/alembic.db"
		expect_eq "$(sql '.schema alembic_version')" "$(sql_on "$BATS_TEST_TMPDIR/alembic.db" '.schema alembic_version')"
	fi
}

@test "retort_log: one row per step with the operation and the section's checksum" {
	project
	graph
	retort upgrade $B 2>/dev/null
	retort downgrade $A 2>/dev/null
	fa=$(ls migrations/versions/${A}_*.sql)
	fb=$(ls migrations/versions/${B}_*.sql)
	run sql "SELECT revision, operation, checksum FROM retort_log ORDER BY id"
	expect_status 0
	expect_eq "$output" "$A|upgrade|$(checksum "$fa" up)
$B|upgrade|$(checksum "$fb" up)
$B|downgrade|$(checksum "$fb" down)"
	# The downgrade text is kept, so a revision whose file is gone can be reverted.
	run sql "SELECT count(*) FROM retort_log WHERE revision='$B' AND operation='upgrade' AND downgrade_sql LIKE '%DROP TABLE users%'"
	expect_eq "$output" 1
}

@test "a checksum ignores CRLF line endings" {
	project
	mkrev $A "" "crlf" "CREATE TABLE a (x INTEGER);
CREATE TABLE b (x INTEGER);" "DROP TABLE b;
DROP TABLE a;"
	f=$(ls migrations/versions/*.sql)
	want=$(checksum "$f" up)
	sed -i 's/$/\r/' "$f"
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(sql "SELECT checksum FROM retort_log")" "$want"
}

@test "a statement that fails in step 3 of 5: exit 1, file:line and SQLite's message, steps 1-2 kept" {
	project
	chain 2
	mkrev "$(chain_id 3)" "$(chain_id 2)" "step 3" "CREATE TABLE t3 (x INTEGER);
INSERT INTO t3 VALUES (1);
INSERT INTO no_such_table VALUES (1);" "DROP TABLE t3;"
	mkrev "$(chain_id 4)" "$(chain_id 3)" "step 4" "CREATE TABLE t4 (x INTEGER);" "DROP TABLE t4;"
	mkrev "$(chain_id 5)" "$(chain_id 4)" "step 5" "CREATE TABLE t5 (x INTEGER);" "DROP TABLE t5;"
	f=$(ls migrations/versions/$(chain_id 3)_*.sql)
	line=$(grep -n 'no_such_table' "$f" | cut -d: -f1)
	run --separate-stderr retort upgrade head
	expect_status 1
	expect_match "$stderr" "^retort: .*$(basename "$f"):$line:.*$(no_such_table no_such_table)"
	expect_eq "$(rows)" "$(chain_id 2)"
	expect_eq "$(tables)" "alembic_version retort_log t1 t2"
	expect_eq "$(sql 'SELECT count(*) FROM retort_log')" 2
}

@test "transaction_per_migration = false: a failing step leaves nothing applied" {
	project
	set_key transaction_per_migration false
	chain 2
	mkrev "$(chain_id 3)" "$(chain_id 2)" "step 3" "CREATE TABLE t3 (x INTEGER);
SELECT * FROM no_such_table;" "DROP TABLE t3;"
	run --separate-stderr retort upgrade head
	expect_status 1
	expect_match "$stderr" "$(no_such_table no_such_table)"
	not has_table t1
	not has_table t2
	not has_table t3
	if has_table alembic_version; then
		expect_eq "$(rows)" ""
	fi
}

@test "a failing downgrade step keeps the revision applied" {
	project
	chain 2
	mkrev "$(chain_id 3)" "$(chain_id 2)" "step 3" "CREATE TABLE t3 (x INTEGER);" "DROP TABLE t2;
DROP TABLE no_such_table;"
	retort upgrade head 2>/dev/null
	run --separate-stderr retort downgrade base
	expect_status 1
	expect_eq "$(rows)" "$(chain_id 3)"
	expect_eq "$(tables)" "alembic_version retort_log t1 t2 t3"
}

@test "a section marked transaction:false runs outside a transaction" {
	project
	mkrev $A "" "vacuum" "" "" 
	f=$(ls migrations/versions/*.sql)
	cat >"$f" <<-EOF
	-- vacuum
	--
	-- Revision ID: $A
	-- Revises:
	-- Create Date: 2026-01-01 00:00:00.000000

	-- migrate:upgrade transaction:false
	CREATE TABLE v (x INTEGER);
	VACUUM;

	-- migrate:downgrade
	DROP TABLE v;
	EOF
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" "$A"
	expect_eq "$(tables)" "alembic_version retort_log v"
}

@test "-- migrate:up / -- migrate:down are accepted" {
	project
	cat >migrations/versions/short.sql <<-EOF
	-- short markers
	--
	-- Revision ID: $A
	-- Revises:

	-- migrate:up
	CREATE TABLE s (x INTEGER);

	-- migrate:down
	DROP TABLE s;
	EOF
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(tables)" "alembic_version retort_log s"
	run --separate-stderr retort downgrade base
	expect_status 0
	expect_eq "$(tables)" "alembic_version retort_log"
}

@test "an upgrade that is already at the target does nothing" {
	project
	graph
	retort upgrade head 2>/dev/null
	before=$(sql 'SELECT count(*) FROM retort_log')
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_no_match "$stderr" 'Running upgrade'
	expect_eq "$(sql 'SELECT count(*) FROM retort_log')" "$before"
}

@test "Alembic reads the version table retort wrote" {
	project
	graph
	retort upgrade $D 2>/dev/null
	retort upgrade $C 2>/dev/null
	# An Alembic environment over the same database, its own revision files
	# naming the same ids.
	/usr/bin/python3 -m alembic init -t generic al >/dev/null 2>&1
	alembic_can || skip "Alembic cannot reach PostgreSQL here (no python3-psycopg2)"
	sed -i "s#^sqlalchemy.url = .*#sqlalchemy.url = $(dburl t)#; s#^script_location = .*#script_location = al#" alembic.ini
	pyrev() { # id parents
		printf 'revision = %s\ndown_revision = %s\nbranch_labels = None\ndepends_on = None\ndef upgrade():\n    pass\ndef downgrade():\n    pass\n' "'$1'" "$2" >al/versions/$1.py
	}
	pyrev $A None; pyrev $B "'$A'"; pyrev $C "'$B'"; pyrev $D "'$B'"
	run /usr/bin/python3 -m alembic current
	expect_status 0
	got=$(printf '%s\n' "$output" | grep -v '^INFO' | sort | tr '\n' ' ')
	expect_eq "$got" "$C (head) $D (head) "
}

@test "retort_log keeps --tag, who and which version" {
	project
	graph
	run --separate-stderr retort upgrade $A --tag release-1
	expect_status 0
	run sql "SELECT tag, retort_version, CASE WHEN applied_by LIKE '%@%' THEN 1 ELSE 0 END,
		CASE WHEN duration_ms >= 0 THEN 1 ELSE 0 END, CASE WHEN applied_at <> '' THEN 1 ELSE 0 END FROM retort_log"
	expect_eq "$output" "release-1|$("$RETORT" --version | awk '{print $2}')|1|1|1"
}

@test "stamp logs, and writes no SQL of the revisions" {
	project
	graph
	run --separate-stderr retort stamp $B
	expect_status 0
	expect_eq "$(sql "SELECT DISTINCT operation FROM retort_log")" "stamp"
	expect_eq "$(tables)" "alembic_version retort_log"
	# An existing schema adopted by a stamp: upgrading runs only what is above it.
	sql "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR)"
	run --separate-stderr retort upgrade $C
	expect_status 0
	expect_eq "$(printf '%s\n' "$stderr" | grep -c '^Running upgrade')" 1
	expect_match "$stderr" "^Running upgrade $B -> $C, add phone number"
	has_column users phone_number
}
