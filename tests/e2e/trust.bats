#!/usr/bin/env bats
# retort-db: both
#
# trust.bats: validate (the files against retort_log), verify (every
# downgrade undoes its upgrade, on a scratch database), drift (the database
# against what its applied revisions make), dump and baseline.

load helpers

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	project
}

# --- validate -------------------------------------------------------------------

@test "validate: an edited, a deleted and an unknown revision are each reported; upgrade refuses first" {
	graph
	retort -q upgrade head
	run retort validate
	expect_status 0
	expect_match "$output" "^6 applied revisions checked: 0 problems, 0 without a journal row"
	# edited
	sed -i 's/phone_number VARCHAR(20)/phone_number VARCHAR(30)/' migrations/versions/${C}_*.sql
	run retort validate
	expect_status 1
	expect_match "$output" "${C}_add_phone_number\.sql: its upgrade section changed after it was applied"
	# upgrade validates first, names the file, runs nothing
	mkrev 0a0a0a0a0a0a $F "later" "CREATE TABLE later (id INTEGER);" "DROP TABLE later;"
	BEFORE=$(dbsum)
	run --separate-stderr retort upgrade head
	expect_status 1
	one_error
	expect_match "$stderr" "${C}_add_phone_number\.sql: its upgrade section changed .*--no-validate"
	expect_eq "$(dbsum)" "$BEFORE"
	run retort upgrade head --no-validate
	expect_status 0
	retort -q downgrade -1
	# accepted with a reason, in the journal: upgrade goes on
	run --separate-stderr retort validate --accept "$C"
	expect_status 2
	expect_match "$stderr" "needs a reason"
	run retort validate --accept "$C" -m "widened before it reached production"
	expect_status 0
	expect_eq "$(sql "SELECT operation || '|' || tag FROM retort_log WHERE revision = '$C' ORDER BY id DESC LIMIT 1")" \
		"accept|widened before it reached production"
	run retort validate
	expect_status 0
	run retort upgrade head
	expect_status 0
	retort -q downgrade -1
	rm migrations/versions/0a0a0a0a0a0a_*.sql
	# deleted: the head's file is gone (a careless merge, say)
	mv migrations/versions/${F}_*.sql "$BATS_TEST_TMPDIR/F.sql"
	run retort validate
	expect_status 1
	expect_match "$output" "revision $F is applied \(retort ran it; retort_log has its row\) but its file is gone"
	mv "$BATS_TEST_TMPDIR/F.sql" migrations/versions/
	# unknown: a row nothing explains
	sql "INSERT INTO alembic_version (version_num) VALUES ('feedfacecafe')"
	run retort validate
	expect_status 1
	expect_match "$output" "the version table holds feedfacecafe, which no revision file and no journal row explains"
	sql "DELETE FROM alembic_version WHERE version_num = 'feedfacecafe'"
	run --separate-stderr retort --json validate
	expect_status 0
	expect_eq "$(printf '%s' "$output" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["valid"], d["checked"], len(d["findings"]))')" "True 6 0"
}

@test "validate: revisions Alembic applied (no journal row) are listed, not errors" {
	graph
	retort -q stamp head
	run retort validate
	expect_status 0
	expect_match "$output" "6 without a journal row \(applied by Alembic or stamped\)"
	run retort --json validate
	expect_eq "$(printf '%s' "$output" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["valid"], sorted({f["problem"] for f in d["findings"]}))')" "True ['unjournaled']"
}

@test "downgrade: a revision whose file is gone is reverted with retort_log's copy, and says so" {
	graph
	mkrev 0b0b0b0b0b0b $F "feature one" "CREATE TABLE feat1 (id INTEGER);" "DROP TABLE feat1;" "Branch Labels: feat"
	mkrev 0c0c0c0c0c0c 0b0b0b0b0b0b "feature two" "ALTER TABLE feat1 ADD COLUMN note VARCHAR(10);" \
		"ALTER TABLE feat1 DROP COLUMN note;"
	retort -q upgrade $F
	AT_F=$(tables)
	retort -q upgrade head
	# the feature branch's files are gone (git switched back to main)
	mkdir gone && mv migrations/versions/0[bc]0*.sql gone/
	run retort current
	expect_status 2
	expect_match "$output" "can't locate revision identified by '0c0c0c0c0c0c'"
	run --separate-stderr retort downgrade -1
	expect_status 0
	expect_match "$stderr" "retort_log\[0c0c0c0c0c0c\]: the file of 0c0c0c0c0c0c is gone; its downgrade comes from retort_log \(applied "
	expect_match "$stderr" "Running downgrade 0c0c0c0c0c0c -> 0b0b0b0b0b0b, feature two"
	expect_eq "$(rows)" "0b0b0b0b0b0b"
	not has_column feat1 note
	# two gone in a row, to a revision that has its file; the graph is the files' again after
	mv gone/*.sql migrations/versions/
	retort -q upgrade head
	rm migrations/versions/0[bc]0*.sql
	run --separate-stderr retort downgrade $F
	expect_status 0
	expect_match "$stderr" "Running downgrade 0c0c0c0c0c0c -> 0b0b0b0b0b0b, feature two"
	expect_match "$stderr" "Running downgrade 0b0b0b0b0b0b -> $F, feature one"
	expect_eq "$(rows)" "$F"
	expect_eq "$(tables)" "$AT_F"
	run retort heads
	expect_eq "$output" "$F (contact) (head)"
	# the journal rows say what ran
	expect_eq "$(sql "SELECT operation FROM retort_log WHERE revision = '0b0b0b0b0b0b' ORDER BY id DESC LIMIT 1")" "downgrade"
}

@test "a journal row changed after retort wrote it is refused by downgrade and named by validate" {
	graph
	mkrev 0b0b0b0b0b0b $F "feature one" "CREATE TABLE feat1 (id INTEGER);" "DROP TABLE feat1;"
	retort -q upgrade head
	mv migrations/versions/0b0*.sql .
	# the SQL a downgrade from the journal would run, changed by hand
	sql "UPDATE retort_log SET downgrade_sql = 'DROP TABLE feat1; DROP TABLE todos;' WHERE revision = '0b0b0b0b0b0b'"
	BEFORE=$(dbsum)
	run --separate-stderr retort downgrade -1
	expect_status 2
	one_error
	expect_match "$stderr" "'0b0b0b0b0b0b' .*does not check against its row_sum"
	expect_eq "$(dbsum)" "$BEFORE"
	mv 0b0*.sql migrations/versions/
	run --separate-stderr retort validate
	expect_status 1
	expect_match "$output$stderr" "retort_log row [0-9]+ \\(revision 0b0b0b0b0b0b\\) does not check against its row_sum"
	# a header that claims no parent cannot cut the history short either
	mv migrations/versions/0b0*.sql .
	sql "UPDATE retort_log SET downgrade_sql = 'DROP TABLE feat1;', file_header = replace(file_header, 'Revises: $F', 'Revises: ') WHERE revision = '0b0b0b0b0b0b'"
	BEFORE=$(dbsum)
	run --separate-stderr retort downgrade -1
	expect_status 2
	expect_match "$stderr" "does not check against its row_sum"
	expect_eq "$(dbsum)" "$BEFORE"
}

@test "downgrade: a gone revision the journal cannot revert is refused, naming why; nothing changes" {
	graph
	retort -q upgrade head
	mkrev 0d0d0d0d0d0d $F "stamped only" "CREATE TABLE st (id INTEGER);" "DROP TABLE st;"
	retort -q stamp 0d0d0d0d0d0d
	rm migrations/versions/0d0*.sql
	BEFORE=$(dbsum)
	run --separate-stderr retort downgrade -1
	expect_status 2
	one_error
	expect_match "$stderr" "can't locate revision identified by '0d0d0d0d0d0d' .*it was stamped, so retort_log has no downgrade for it"
	expect_eq "$(dbsum)" "$BEFORE"
	sql "UPDATE alembic_version SET version_num = 'feedfacecafe'"
	BEFORE=$(dbsum)
	run --separate-stderr retort downgrade $E
	expect_status 2
	expect_match "$stderr" "'feedfacecafe' .*retort_log has no row for it: Alembic applied it, or another tool"
	expect_eq "$(dbsum)" "$BEFORE"
}

@test "retort_log made by an older retort gets its new column on the next run; its rows are told apart" {
	graph branches
	# retort_log as retorts before the file_header column made it
	sql "CREATE TABLE retort_log (id $( is_pg && echo BIGSERIAL || echo INTEGER ) PRIMARY KEY, revision VARCHAR(32) NOT NULL, operation VARCHAR(16) NOT NULL, checksum VARCHAR(80), downgrade_sql TEXT, applied_at VARCHAR(40) NOT NULL, duration_ms INTEGER NOT NULL, applied_by VARCHAR(255) NOT NULL, retort_version VARCHAR(32) NOT NULL, tag VARCHAR(255))"
	sql "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
	sql "INSERT INTO alembic_version VALUES ('$A')"
	sql "INSERT INTO retort_log (revision, operation, checksum, downgrade_sql, applied_at, duration_ms, applied_by, retort_version) VALUES ('$A', 'upgrade', NULL, 'DROP TABLE todos;', 'x', 1, 'old', '0.1')"
	sql "CREATE TABLE todos (id INTEGER)"
	run retort upgrade $B
	expect_status 0
	has_column retort_log file_header
	expect_match "$(sql "SELECT file_header FROM retort_log WHERE revision = '$B'")" "Revision ID: $B"
	# a row the old retort wrote has no header: that revision needs its file
	sql "UPDATE alembic_version SET version_num = '0e0e0e0e0e0e'"
	sql "INSERT INTO retort_log (revision, operation, downgrade_sql, applied_at, duration_ms, applied_by, retort_version) VALUES ('0e0e0e0e0e0e', 'upgrade', 'SELECT 1;', 'x', 1, 'old', '0.1')"
	run --separate-stderr retort downgrade base
	expect_status 2
	expect_match "$stderr" "'0e0e0e0e0e0e' .*written by a retort that did not keep revision headers: restore the file"
}

# --- verify ------------------------------------------------------------------------

@test "verify: a history whose downgrades undo their upgrades passes" {
	graph
	run --separate-stderr retort verify
	expect_status 0
	expect_match "$stderr" "^6 revisions verified on a scratch $RETORT_TEST_DB database"
	# nothing was created where the project's database is
	[ "$(dbsum)" = absent ] || not has_table todos
}

@test "verify: a downgrade that forgets something is caught, for every kind of object" {
	local enum_up="" enum_down=""
	mkrev a00000000001 "" "base" "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);" "DROP TABLE t;"
	mkrev a00000000002 a00000000001 "table" "CREATE TABLE u (id INTEGER);" ""
	mkrev a00000000003 a00000000002 "column" "ALTER TABLE t ADD COLUMN b INTEGER;" ""
	mkrev a00000000004 a00000000003 "index" "CREATE INDEX ix_t_a ON t (a);" ""
	mkrev a00000000005 a00000000004 "view" "CREATE VIEW v AS SELECT id FROM t;" ""
	if is_pg; then
		mkrev a00000000006 a00000000005 "check" "ALTER TABLE t ADD CONSTRAINT ck_a CHECK (a > 0);" ""
		mkrev a00000000007 a00000000006 "enum" "CREATE TYPE mood AS ENUM ('a');" "DROP TYPE mood;"
		mkrev a00000000008 a00000000007 "enum value" "ALTER TYPE mood ADD VALUE 'b';" ""
	else
		mkrev a00000000006 a00000000005 "trigger" \
			"CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;" ""
	fi
	run --separate-stderr retort verify
	expect_status 1
	expect_match "$stderr" "downgrade of a00000000002 leaves table u"
	expect_match "$stderr" "downgrade of a00000000003 (leaves column t\.b|changes table t)$"
	expect_match "$stderr" "downgrade of a00000000004 leaves index ix_t_a"
	expect_match "$stderr" "downgrade of a00000000005 leaves view v"
	if is_pg; then
		expect_match "$stderr" "downgrade of a00000000006 leaves constraint ck_a on t"
		expect_match "$stderr" "downgrade of a00000000008 changes type mood"
		expect_match "$stderr" "6 problems in 8 revisions"
	else
		expect_match "$stderr" "downgrade of a00000000006 leaves trigger tr"
	fi
	expect_no_match "$stderr" "a00000000001"
}

@test "verify A:B checks only the range, on what the revisions below it made" {
	mkrev a00000000001 "" "base" "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);" "DROP TABLE t;"
	mkrev a00000000002 a00000000001 "broken below" "CREATE TABLE u (id INTEGER);" ""
	mkrev a00000000003 a00000000002 "needs t and u" "ALTER TABLE u ADD COLUMN b INTEGER; CREATE INDEX ix_t_a ON t (a);" \
		"DROP INDEX ix_t_a; ALTER TABLE u DROP COLUMN b;"
	mkrev a00000000004 a00000000003 "broken above" "CREATE TABLE w (id INTEGER);" ""
	run --separate-stderr retort verify a00000000003:a00000000003
	expect_status 0
	expect_match "$stderr" "^1 revision verified"
	run --separate-stderr retort verify a00000000003:
	expect_status 1
	expect_match "$stderr" "downgrade of a00000000004 leaves table w"
	expect_no_match "$stderr" "a00000000002"
	expect_match "$stderr" "1 problem in 2 revisions"
	run --separate-stderr retort verify
	expect_match "$stderr" "2 problems in 4 revisions"
	run --separate-stderr retort verify a00000000003 a00000000004
	expect_status 2
	run --separate-stderr retort verify nosuch:
	expect_status 2
}

@test "verify: an Alembic revision without SQL, and SQL that fails, name the file" {
	mkrev a00000000001 "" "base" "CREATE TABLE t (id INTEGER);" "DROP TABLE nosuch;"
	run --separate-stderr retort verify
	expect_status 1
	one_error
	expect_match "$stderr" "a00000000001_base\.sql: its downgrade failed: .*nosuch"
}

# --- drift -------------------------------------------------------------------------

@test "drift: none after upgrade; each hand-made change is named" {
	graph
	retort -q upgrade "$D"
	run --separate-stderr retort drift
	expect_status 0
	expect_match "$stderr" "no drift: the database is what its 3 applied revisions make"
	sql "ALTER TABLE users ADD COLUMN nickname VARCHAR(20)"
	sql "DROP INDEX ix_todos_status"
	sql "CREATE TABLE scratchpad (id INTEGER)"
	sql "CREATE INDEX ix_users_name ON users (name)"
	run --separate-stderr retort drift
	expect_status 1
	expect_match "$stderr" "column 'users\.nickname' is in the database but no revision makes it"
	expect_match "$stderr" "index 'ix_todos_status' on 'todos' is missing from the database"
	expect_match "$stderr" "table 'scratchpad' is in the database but no revision makes it"
	expect_match "$stderr" "index 'ix_users_name' on 'users' is in the database but no revision makes it"
	expect_match "$stderr" "the database has drifted: 4 differences from the 3 revisions it has applied"
	# exclude_objects leaves a table alone
	set_key exclude_objects scratchpad
	run --separate-stderr retort drift
	expect_no_match "$stderr" "scratchpad"
}

# --- dump and baseline -------------------------------------------------------------

@test "dump prints the schema without the version tables; loading it gives the same schema" {
	graph
	retort -q upgrade head
	run --separate-stderr retort dump
	expect_status 0
	expect_match "$output" "CREATE TABLE todos"
	expect_match "$output" "CREATE INDEX ix_todos_status"
	expect_no_match "$output" "alembic_version|retort_log"
	printf '%s\n' "$output" >dump.sql
	set_key model dump.sql
	run retort check
	expect_status 0
	expect_eq "$output" "No new upgrade operations detected."
}

@test "baseline: one root revision at the head's id, the old files archived, the database still at head" {
	graph
	retort -q upgrade head
	before=$(dbsum)
	run --separate-stderr retort baseline -m "collapsed"
	expect_status 0
	expect_match "$stderr" "6 revision files moved to .*/migrations/archive-[0-9]{8}-[0-9]{6}"
	expect_eq "$(ls migrations/versions | wc -l)" 1
	expect_eq "$(ls migrations/archive-*/ | wc -l)" 6
	expect_eq "$(retort heads 2>/dev/null)" "$F (contact) (head)"
	run retort current
	expect_eq "$output" "$F (head)"
	expect_eq "$(dbsum)" "$before"
	# a new database gets the same schema from the baseline alone
	schema_of() { retort -q --url "$1" dump; }
	want=$(schema_of "$(dburl t)")
	retort -q --url "$(dburl fresh)" upgrade head
	expect_eq "$(schema_of "$(dburl fresh)")" "$want"
	retort -q --url "$(dburl fresh)" downgrade base
	run retort --url "$(dburl fresh)" dump
	expect_eq "$output" ""
}

@test "baseline that cannot write its new file (a full disk) puts every file back" {
	graph
	retort -q upgrade head
	local before
	before=$(cd migrations && find . -type f | sort | xargs sha256sum)
	# no byte may be written: the new file's write fails as on a full disk
	# (only retort's own writes: its messages go through a pipe to cat, which is not limited)
	run bash -c 'set -o pipefail; trap "" XFSZ; (ulimit -f 0; exec "$0" baseline -m collapsed) 2>&1 | cat' "$RETORT"
	expect_status 1
	expect_match "$output" "baseline changed nothing \\(every file is back where it was\\): cannot write .*: File too large"
	expect_eq "$(cd migrations && find . -type f | sort | xargs sha256sum)" "$before"
	[ -z "$(ls -d migrations/archive-* 2>/dev/null)" ] || { echo "an archive folder was left"; return 1; }
	run retort heads
	expect_status 0
	expect_eq "$output" "$F (contact) (head)"
}

@test "baseline refuses a database that is not at head, or several heads" {
	graph branches
	retort -q upgrade heads
	BEFORE=$(dbsum)
	run --separate-stderr retort baseline
	expect_status 1
	expect_match "$stderr" "2 heads"
	graph
	run --separate-stderr retort baseline
	expect_status 1
	expect_match "$stderr" "not at head"
	expect_eq "$(ls migrations/versions | wc -l)" 6
	expect_eq "$(dbsum)" "$BEFORE"
}

@test "verify: with a model, the history must end at the model" {
	mkrev a00000000001 "" "t" "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20));" "DROP TABLE t;"
	printf 'CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20));\n' >schema.sql
	run --separate-stderr retort verify
	expect_status 0
	expect_match "$stderr" "1 revision verified .*; the last one is the model's$"
	printf 'CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20), email VARCHAR(50));\n' >schema.sql
	run --separate-stderr retort verify
	expect_status 1
	expect_match "$stderr" "the history's last schema is not the model's \(from the history's to the model's: add column 't\.email'"
}
