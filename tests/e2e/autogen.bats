#!/usr/bin/env bats
# retort-db: sqlite
# revision --autogenerate, check and diff against a real database.
#
# Every folder of tests/data/autogen/ is a case: from.sql (what the database
# holds) and to.sql (the model); an optional seed.sql fills the tables
# instead of the generic one row per table, and a file `only` holding
# "sqlite" or "postgresql" keeps a case to one database.  For each case:
# a revision whose upgrade is from.sql is applied, rows are put in, and
#   revision --autogenerate, upgrade head  gives exactly to.sql's catalog
#                                           (judged by autogen_catalog.py,
#                                           not by retort), rows kept;
#   check                                   then exits 0;
#   downgrade -1                            gives back from.sql's catalog,
#                                           rows kept.

load helpers

CASES="$RETORT_SOURCE/tests/data/autogen"
CATALOG="$RETORT_SOURCE/tests/e2e/autogen_catalog.py"

catalog() {
	/usr/bin/python3 "$CATALOG" "$@"
}

# fresh_dump SQLFILE: the catalog of a new database made from SQLFILE.
fresh_dump() {
	rm -f fresh.db
	sqlite3 -batch fresh.db <"$1" && catalog dump fresh.db
}

# counts_kept BEFORE AFTER [GONE]: every table of BEFORE that is in AFTER kept
# its rows ("table<TAB>rows" lines); with GONE, one that is not has none.
counts_kept() {
	local t n m
	while IFS=$'\t' read -r t n; do
		[ -n "$t" ] || continue
		m=$(printf '%s\n' "$2" | awk -F'\t' -v t="$t" '$1 == t { print $2 }')
		[ -n "$m" ] || [ -z "${3:-}" ] || { echo "table $t: dropped, yet here"; return 1; }
		[ -z "$m" ] || [ "$m" = "$n" ] || { echo "table $t: $n rows before, $m after"; return 1; }
	done <<<"$1"
}

# pair DIR: run one case in ./<name>; prints what went wrong and fails.
pair() {
	local dir=$1 name before after want upgraded
	name=$(basename "$dir")
	mkdir "$name" && cd "$name" || return 1
	project || return 1
	mkrev a0a0a0a0a0a0 "" "from" "$(cat "$dir/from.sql")" ""
	retort -q upgrade head || { echo "$name: from.sql does not apply"; return 1; }
	if [ -f "$dir/seed.sql" ]; then
		sqlite3 -batch t.db <"$dir/seed.sql"
	else
		catalog seed t.db
	fi || { echo "$name: cannot seed"; return 1; }
	before=$(catalog counts t.db)
	cp "$dir/to.sql" schema.sql
	retort -q revision --autogenerate -m auto --rev-id b1b1b1b1b1b1 >out 2>&1 ||
		{ echo "$name: revision --autogenerate failed:"; cat out; return 1; }
	retort -q upgrade head >out 2>&1 ||
		{ echo "$name: upgrade failed:"; cat out; cat migrations/versions/b1b1*; return 1; }
	want=$(fresh_dump "$dir/to.sql")
	after=$(catalog dump t.db)
	[ "$after" = "$want" ] || { echo "$name: after upgrade"; diff <(echo "$want") <(echo "$after");
		cat migrations/versions/b1b1*; return 1; }
	upgraded=$(catalog counts t.db)
	counts_kept "$before" "$upgraded" || { echo "$name: rows lost on upgrade"; return 1; }
	retort -q check >out 2>&1 || { echo "$name: check after upgrade:"; cat out;
		cat migrations/versions/b1b1*; return 1; }
	retort -q downgrade -1 >out 2>&1 ||
		{ echo "$name: downgrade failed:"; cat out; cat migrations/versions/b1b1*; return 1; }
	want=$(fresh_dump "$dir/from.sql")
	after=$(catalog dump t.db)
	[ "$after" = "$want" ] || { echo "$name: after downgrade"; diff <(echo "$want") <(echo "$after");
		cat migrations/versions/b1b1*; return 1; }
	# a table the upgrade dropped comes back empty; every other keeps its rows
	counts_kept "$upgraded" "$(catalog counts t.db)" || { echo "$name: rows lost on downgrade"; return 1; }
	counts_kept "$before" "$(catalog counts t.db | awk -F'\t' '$2 != 0')" ||
		{ echo "$name: rows lost on downgrade"; return 1; }
	cd ..
}

@test "every case in tests/data/autogen round-trips: upgrade to the model, check, downgrade back" {
	local dir failed=0 n=0
	for dir in "$CASES"/*/; do
		dir=${dir%/}
		if [ -f "$dir/only" ] && ! grep -qx "$RETORT_TEST_DB" "$dir/only"; then
			continue
		fi
		n=$((n + 1))
		(pair "$dir") || failed=$((failed + 1))
	done
	echo "$n cases, $failed failed"
	[ "$n" -ge 40 ]
	[ "$failed" -eq 0 ]
}

# model SQL: write schema.sql with the given text.
model() {
	printf '%s\n' "$1" >schema.sql
}

@test "check on a database that matches the model exits 0 with Alembic's words" {
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" ""
	retort -q upgrade head
	model "CREATE TABLE t (
    id   INTEGER PRIMARY KEY,
    name text   NOT NULL
);"
	run --separate-stderr retort check
	expect_status 0
	expect_eq "$output" "No new upgrade operations detected."
}

@test "check lists the operations and exits 1 when the model differs" {
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE t (id INTEGER PRIMARY KEY);" ""
	retort -q upgrade head
	model "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE u (id INTEGER PRIMARY KEY);"
	run --separate-stderr retort check
	expect_status 1
	expect_eq "$output" "New upgrade operations detected:
  add table 'u'
  add column 't.name'"
}

@test "check refuses a database that is not at head" {
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE t (id INTEGER PRIMARY KEY);" ""
	mkrev b2b2b2b2b2b2 a1a1a1a1a1a1 "two" "CREATE TABLE u (id INTEGER PRIMARY KEY);" ""
	retort -q upgrade a1a1a1a1a1a1
	model "CREATE TABLE t (id INTEGER PRIMARY KEY);"
	run --separate-stderr retort check
	expect_status 1
	one_error
	expect_eq "$stderr" "retort: Target database is not up to date."
	run --separate-stderr retort revision --autogenerate -m x
	expect_status 1
	expect_eq "$stderr" "retort: Target database is not up to date."
	expect_eq "$(ls migrations/versions | wc -l | tr -d ' ')" 2
}

@test "diff prints the upgrade SQL and writes nothing; --json gives the operations" {
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE t (id INTEGER PRIMARY KEY, old TEXT);" ""
	retort -q upgrade head
	model "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);"
	run --separate-stderr retort diff
	expect_status 0
	expect_match "$output" "^ALTER TABLE t ADD COLUMN name TEXT;$"
	expect_match "$output" "^-- review: drops column 't.old' and its data$"
	expect_match "$output" "^ALTER TABLE t DROP COLUMN old;$"
	expect_eq "$(ls migrations/versions | wc -l | tr -d ' ')" 1
	run --separate-stderr retort diff --json
	expect_status 0
	expect_eq "$(printf '%s' "$output" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s:%s.%s" % (o["kind"], o["table"], o["name"]) for o in d["operations"]))
print(bool(d["operations"][0]["review"]), "DROP COLUMN" in d["downgrade"] or "ADD COLUMN old" in d["downgrade"])')" \
		"drop_column:t.old add_column:t.name
True True"
}

@test "a drop and an add are flagged as a possible rename" {
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT);" ""
	retort -q upgrade head
	model "CREATE TABLE t (id INTEGER PRIMARY KEY, email_address TEXT);"
	run --separate-stderr retort diff
	expect_status 0
	expect_match "$output" "^-- review: if column 'email' was renamed to 'email_address', say so in the model with '-- retort:renamed-from email'"
	expect_match "$output" "DROP COLUMN email;"
}

@test "a renamed-from comment makes a rename that keeps the data, both ways" {
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT);" ""
	retort -q upgrade head
	sqlite3 t.db "INSERT INTO people VALUES (1, 'a@b.c')"
	model "-- retort:renamed-from people
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email_address TEXT -- retort:renamed-from email
);"
	run --separate-stderr retort diff
	expect_match "$output" "^ALTER TABLE people RENAME TO users;$"
	expect_match "$output" "^ALTER TABLE users RENAME COLUMN email TO email_address;$"
	expect_no_match "$output" "DROP"
	retort -q revision --autogenerate -m rename
	retort -q upgrade head
	expect_eq "$(sqlite3 t.db 'SELECT email_address FROM users')" "a@b.c"
	run retort check
	expect_status 0
	retort -q downgrade -1
	expect_eq "$(sqlite3 t.db 'SELECT email FROM people')" "a@b.c"
}

@test "include_objects and exclude_objects leave other objects alone" {
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE app_t (id INTEGER PRIMARY KEY);
CREATE TABLE legacy_x (id INTEGER PRIMARY KEY);
CREATE TABLE other (id INTEGER PRIMARY KEY);" ""
	retort -q upgrade head
	model "CREATE TABLE app_t (id INTEGER PRIMARY KEY, n INTEGER);"
	set_key exclude_objects "legacy_* other"
	run --separate-stderr retort check
	expect_status 1
	expect_eq "$output" "New upgrade operations detected:
  add column 'app_t.n'"
	set_key exclude_objects ""
	set_key include_objects "app_*"
	run --separate-stderr retort check
	expect_status 1
	expect_eq "$output" "New upgrade operations detected:
  add column 'app_t.n'"
}

@test "the version table and retort_log are never part of the comparison" {
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE t (id INTEGER PRIMARY KEY);" ""
	retort -q upgrade head
	model "CREATE TABLE t (id INTEGER PRIMARY KEY);"
	run --separate-stderr retort check
	expect_status 0
	run --separate-stderr retort diff
	expect_eq "$output" ""
}

@test "a model with an SQL error names the file and line and exits 2" {
	project
	model "CREATE TABLE t (id INTEGER PRIMARY KEY);

CREATE TABLE u (
    id INTEGER PRIMARY KEY,
    x INTEGER REFERENCES
);"
	run --separate-stderr retort diff
	expect_status 2
	one_error
	expect_match "$stderr" "^retort: schema\\.sql:6: .*syntax error"
}

@test "a folder of model files is loaded in name order" {
	project
	mkdir model
	printf 'CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id));\n' >model/02_b.sql
	printf 'CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE VIEW v AS SELECT * FROM b;\n' >model/01_a.sql
	set_key model model
	run --separate-stderr retort check
	expect_status 1
	expect_eq "$output" "New upgrade operations detected:
  add table 'a'
  add table 'b'
  add view 'v'"
}

@test "a missing model is a configuration error" {
	project
	run --separate-stderr retort check
	expect_status 2
	expect_match "$stderr" "no model: 'schema\\.sql' does not exist"
}

@test "revision --autogenerate with no changes still writes a revision, as Alembic does" {
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE t (id INTEGER PRIMARY KEY);" ""
	retort -q upgrade head
	model "CREATE TABLE t (id INTEGER PRIMARY KEY);"
	run --separate-stderr retort revision --autogenerate -m nothing
	expect_status 0
	expect_match "$stderr" "No changes in schema detected\\."
	expect_eq "$(ls migrations/versions | wc -l | tr -d ' ')" 2
}

@test "a table rebuild keeps rows, indexes, views and triggers, and foreign keys into it" {
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id));
CREATE INDEX ix_p_name ON p(name);
CREATE VIEW pv AS SELECT name FROM p;
CREATE TRIGGER p_ins AFTER INSERT ON p BEGIN UPDATE p SET name = upper(new.name) WHERE id = new.id; END;" ""
	retort -q upgrade head
	sqlite3 t.db "INSERT INTO p VALUES (1, 'a'); INSERT INTO c VALUES (1, 1);"
	model "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id));
CREATE INDEX ix_p_name ON p(name);
CREATE VIEW pv AS SELECT name FROM p;
CREATE TRIGGER p_ins AFTER INSERT ON p BEGIN UPDATE p SET name = upper(new.name) WHERE id = new.id; END;"
	retort -q revision --autogenerate -m notnull --rev-id b2b2b2b2b2b2
	run cat migrations/versions/b2b2b2b2b2b2_notnull.sql
	expect_match "$output" "^-- review: 'p.name' becomes NOT NULL"
	expect_match "$output" "^PRAGMA defer_foreign_keys = ON;"
	expect_match "$output" "^CREATE TABLE _retort_new_p"
	retort -q upgrade head
	expect_eq "$(sqlite3 t.db 'SELECT count(*) FROM p; SELECT count(*) FROM c; SELECT * FROM pv' | tr '\n' ' ')" "1 1 A "
	expect_eq "$(sqlite3 t.db "SELECT count(*) FROM sqlite_schema WHERE name IN ('ix_p_name','pv','p_ins')")" 3
	expect_eq "$(sqlite3 t.db 'PRAGMA foreign_key_check' | wc -l | tr -d ' ')" 0
	sqlite3 t.db "INSERT INTO p VALUES (2, 'b')"
	expect_eq "$(sqlite3 t.db 'SELECT name FROM p WHERE id = 2')" "B"
	run retort check
	expect_status 0
}
