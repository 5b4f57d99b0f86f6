#!/usr/bin/env bats
# retort-db: both
# revision --autogenerate, check and diff against a real database, on
# SQLite and on PostgreSQL (RETORT_TEST_DB).
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

# target NAME: what the catalog reader and psql are given for a database:
# the SQLite file, or the PostgreSQL URL.
target() {
	if is_pg; then db_conn "$1"; else db_file "$1"; fi
}

# run_sql NAME FILE: run a script on a database (made when needed).
run_sql() {
	if is_pg; then
		db_create "$1" && psql -XAtq -v ON_ERROR_STOP=1 -d "$(db_conn "$1")" -f "$2" >/dev/null
	else
		sqlite3 -batch "$(db_file "$1")" <"$2"
	fi
}

# empty_db NAME: make a database empty again, cheaply (PostgreSQL: a new
# public schema; making a database costs far more).
empty_db() {
	if is_pg; then
		db_create "$1" && PGOPTIONS="-c client_min_messages=warning" psql -XAtq -v ON_ERROR_STOP=1 \
			-d "$(db_conn "$1")" -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public"
	else
		rm -f "$(db_file "$1")"
	fi
}

# fresh_dump SQLFILE: the catalog of a new database made from SQLFILE.
fresh_dump() {
	empty_db fresh && run_sql fresh "$1" && catalog dump "$(target fresh)"
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

# pair DIR: run one case in ./<name> on its own database; prints what went
# wrong and fails.
pair() {
	local dir=$1 name before after want upgraded db
	name=$(basename "$dir")
	db=pairs
	mkdir "$name" && cd "$name" || return 1
	empty_db "$db" || return 1
	project || return 1
	set_url "$(dburl "$db")"
	mkrev a0a0a0a0a0a0 "" "from" "$(cat "$dir/from.sql")" ""
	retort -q upgrade head || { echo "$name: from.sql does not apply"; return 1; }
	if [ -f "$dir/seed.sql" ]; then
		run_sql "$db" "$dir/seed.sql"
	else
		catalog seed "$(target "$db")"
	fi || { echo "$name: cannot seed"; return 1; }
	before=$(catalog counts "$(target "$db")")
	cp "$dir/to.sql" schema.sql
	retort -q revision --autogenerate -m auto --rev-id b1b1b1b1b1b1 >out 2>&1 ||
		{ echo "$name: revision --autogenerate failed:"; cat out; return 1; }
	retort -q upgrade head >out 2>&1 ||
		{ echo "$name: upgrade failed:"; cat out; cat migrations/versions/b1b1*; return 1; }
	want=$(fresh_dump "$dir/to.sql")
	after=$(catalog dump "$(target "$db")")
	[ "$after" = "$want" ] || { echo "$name: after upgrade"; diff <(echo "$want") <(echo "$after");
		cat migrations/versions/b1b1*; return 1; }
	upgraded=$(catalog counts "$(target "$db")")
	counts_kept "$before" "$upgraded" || { echo "$name: rows lost on upgrade"; return 1; }
	retort -q check >out 2>&1 || { echo "$name: check after upgrade:"; cat out;
		cat migrations/versions/b1b1*; return 1; }
	retort -q downgrade -1 >out 2>&1 ||
		{ echo "$name: downgrade failed:"; cat out; cat migrations/versions/b1b1*; return 1; }
	want=$(fresh_dump "$dir/from.sql")
	after=$(catalog dump "$(target "$db")")
	[ "$after" = "$want" ] || { echo "$name: after downgrade"; diff <(echo "$want") <(echo "$after");
		cat migrations/versions/b1b1*; return 1; }
	# a table the upgrade dropped comes back empty; every other keeps its rows
	counts_kept "$upgraded" "$(catalog counts "$(target "$db")")" || { echo "$name: rows lost on downgrade"; return 1; }
	counts_kept "$before" "$(catalog counts "$(target "$db")" | awk -F'\t' '$2 != 0')" ||
		{ echo "$name: rows lost on downgrade"; return 1; }
	cd ..
}

@test "every case in tests/data/autogen round-trips: upgrade to the model, check, downgrade back" {
	local dir failed=0 n=0 k=0
	for dir in "$CASES"/*/; do
		dir=${dir%/}
		if [ -f "$dir/only" ] && ! grep -qx "$RETORT_TEST_DB" "$dir/only"; then
			continue
		fi
		[ -z "${AUTOGEN_ONLY:-}" ] || [[ $(basename "$dir") == $AUTOGEN_ONLY ]] || continue
		# AUTOGEN_STRIDE=K (make check on PostgreSQL): every K-th case
		(( k++ % ${AUTOGEN_STRIDE:-1} == 0 )) || continue
		n=$((n + 1))
		(pair "$dir") || failed=$((failed + 1))
	done
	echo "$n cases on $RETORT_TEST_DB, $failed failed"
	[ -n "${AUTOGEN_ONLY:-}" ] || [ "$n" -ge $((40 / ${AUTOGEN_STRIDE:-1})) ]
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
	expect_status 3 # its own code: not "the model differs" (1)
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
	if is_pg; then
		expect_match "$output" "^ALTER TABLE t ADD COLUMN name text;$"
	else
		expect_match "$output" "^ALTER TABLE t ADD COLUMN name TEXT;$"
	fi
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
	sql "INSERT INTO people VALUES (1, 'a@b.c')"
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
	expect_eq "$(sql 'SELECT email_address FROM users')" "a@b.c"
	run retort check
	expect_status 0
	retort -q downgrade -1
	expect_eq "$(sql 'SELECT email FROM people')" "a@b.c"
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
	is_pg || sqlite3 t.db "PRAGMA user_version = 1"
	run --separate-stderr retort diff
	expect_status 2
	one_error
	expect_match "$stderr" "^retort: schema\\.sql:6: .*syntax error"
}

@test "a folder of model files is loaded in name order" {
	project
	mkdir model
	printf 'CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id));\n' >model/02_b.sql
	printf 'CREATE TABLE a (id INTEGER PRIMARY KEY);\n' >model/01_a.sql
	printf 'CREATE VIEW v AS SELECT * FROM b;\n' >model/10_v.sql
	set_key model model
	is_pg || sqlite3 t.db "PRAGMA user_version = 1"
	run --separate-stderr retort check
	expect_status 1
	expect_eq "$output" "New upgrade operations detected:
  add table 'a'
  add table 'b'
  add view 'v'"
}

@test "a missing model is a configuration error" {
	project
	is_pg || sqlite3 t.db "PRAGMA user_version = 1"
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
	only_db sqlite "PostgreSQL alters tables in place"
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

# --- PostgreSQL: the scratch database and what only PostgreSQL has -------------

# scratch_left: scratch databases and schemas still on the server.
# scratch_left PID: the scratch databases the retort of that pid left on the
# server (the pid is in their names: other tests make their own meanwhile),
# and the scratch schemas in the test's database.
scratch_left() {
	pg_admin "SELECT count(*) FROM pg_database WHERE datname LIKE 'retort\_scratch\_%\_$1\_%'"
	sql "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'retort\_scratch\_%'"
}

# run_retort ARGS...: as bats' run --separate-stderr, the pid kept in RUN_PID.
run_retort() {
	"$RETORT" "$@" >run.out 2>run.err &
	RUN_PID=$!
	status=0
	wait "$RUN_PID" || status=$?
	output=$(cat run.out)
	stderr=$(cat run.err)
}

@test "PostgreSQL: the scratch database is made and dropped, also when the model fails" {
	only_db postgresql "the scratch database of a server"
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE t (id integer PRIMARY KEY);" ""
	retort -q upgrade head
	model "CREATE TABLE t (id integer PRIMARY KEY, n integer);"
	run_retort check
	expect_status 1
	expect_eq "$output" "New upgrade operations detected:
  add column 't.n'"
	expect_eq "$(scratch_left "$RUN_PID")" "0
0"
	model "CREATE TABLE t (id integer PRIMARY KEY);

CREATE TABLE u (
    id integer PRIMARY KEY,
    x integer REFERENCES
);"
	run_retort diff
	expect_status 2
	one_error
	expect_match "$stderr" '^retort: schema\.sql:6: syntax error at or near "\)" \(SQLSTATE 42601\)$'
	expect_eq "$(scratch_left "$RUN_PID")" "0
0"
}

@test "PostgreSQL: a user who may not create databases gets a scratch schema, rolled back after" {
	only_db postgresql "CREATEDB is a PostgreSQL privilege"
	project
	local user=${DB_PREFIX}_nocreate
	pg_admin "CREATE ROLE $user LOGIN PASSWORD 'pw' NOCREATEDB" >/dev/null
	pg_admin "ALTER DATABASE \"$(db_pgname t)\" OWNER TO $user" >/dev/null
	sql "ALTER SCHEMA public OWNER TO $user" >/dev/null
	set_url "postgresql://$user:pw@${PG_BASE##*@}/$(db_pgname t)"
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE t (id integer PRIMARY KEY);" ""
	retort -q upgrade head
	model "CREATE TYPE mood AS ENUM ('a', 'b');
CREATE TABLE t (id integer PRIMARY KEY, m mood);
CREATE TABLE public.should_not_stay (id integer);"
	run_retort diff
	expect_status 0
	expect_match "$output" "^CREATE TYPE mood AS ENUM \('a', 'b'\);$"
	expect_match "$output" "^ALTER TABLE t ADD COLUMN m mood;$"
	expect_eq "$(scratch_left "$RUN_PID")" "0
0"
	# the schema-qualified table went into the rolled-back transaction too
	expect_eq "$(tables)" "alembic_version retort_log t"
	retort -q revision --autogenerate -m mood --rev-id b2b2b2b2b2b2
	retort -q upgrade head
	model "CREATE TYPE mood AS ENUM ('a', 'b');
CREATE TABLE t (id integer PRIMARY KEY, m mood);"
	run retort check
	expect_status 0
}

@test "PostgreSQL: dev_url names a database the model is loaded into, left as it was" {
	only_db postgresql "dev_url on a server"
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE t (id integer PRIMARY KEY);" ""
	retort -q upgrade head
	set_key dev_url "$(dburl dev)"
	model "CREATE TABLE t (id integer PRIMARY KEY, n integer);"
	run --separate-stderr retort check
	expect_status 1
	expect_eq "$output" "New upgrade operations detected:
  add column 't.n'"
	expect_eq "$(sql_on dev "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")" 0
	set_key dev_url "sqlite:///x.db"
	run --separate-stderr retort check
	expect_status 2
	expect_match "$stderr" "dev_url is not a postgresql database"
}

@test "PostgreSQL: a table that exclude_objects names is never dropped (spatial_ref_sys)" {
	only_db postgresql "PostGIS-like leftovers"
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE spatial_ref_sys (srid integer PRIMARY KEY, auth_name varchar(256));
CREATE TABLE t (id integer PRIMARY KEY);" ""
	retort -q upgrade head
	model "CREATE TABLE t (id integer PRIMARY KEY, n integer);"
	run --separate-stderr retort check
	expect_status 1
	expect_match "$output" "remove table 'spatial_ref_sys'"
	set_key exclude_objects "spatial_ref_sys"
	run --separate-stderr retort diff
	expect_status 0
	expect_eq "$output" "ALTER TABLE t ADD COLUMN n integer;"
	retort -q revision --autogenerate -m n --rev-id b2b2b2b2b2b2
	retort -q upgrade head
	retort -q downgrade -1
	has_table spatial_ref_sys
}

@test "PostgreSQL: drops and lossy type changes carry a review note; USING converts" {
	only_db postgresql "PostgreSQL's ALTER COLUMN TYPE"
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE t (id integer PRIMARY KEY, a varchar(100), b text, n text, w smallint);" ""
	retort -q upgrade head
	sql "INSERT INTO t VALUES (1, 'short', 'gone', '42', 7)"
	model "CREATE TABLE t (id integer PRIMARY KEY, a varchar(10), n integer, w bigint);"
	run --separate-stderr retort diff
	expect_status 0
	expect_match "$output" "^-- review: drops column 't.b' and its data$"
	expect_match "$output" "^-- review: the type of 't.a' changes from character varying\(100\) to character varying\(10\): values that do not convert are changed or lost$"
	expect_match "$output" "^ALTER TABLE t ALTER COLUMN a TYPE character varying\(10\) USING a::character varying\(10\);$"
	expect_match "$output" "^ALTER TABLE t ALTER COLUMN n TYPE integer USING n::integer;$"
	expect_no_match "$output" "review: the type of 't.w'"
	retort -q revision --autogenerate -m types --rev-id b2b2b2b2b2b2
	retort -q upgrade head
	expect_eq "$(sql 'SELECT a, n + 1, w FROM t')" "short|43|7"
	run retort check
	expect_status 0
}

@test "PostgreSQL: enum labels are added in place and removed by rebuilding the type" {
	only_db postgresql "enum types"
	project
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE t (id integer PRIMARY KEY, m mood DEFAULT 'happy');
CREATE VIEW happy AS SELECT id FROM t WHERE m = 'happy';" ""
	retort -q upgrade head
	sql "INSERT INTO t VALUES (1, 'happy'), (2, 'sad')"
	model "CREATE TYPE mood AS ENUM ('happy', 'ok', 'sad');
CREATE TABLE t (id integer PRIMARY KEY, m mood DEFAULT 'happy');
CREATE VIEW happy AS SELECT id FROM t WHERE m = 'happy';"
	run --separate-stderr retort check
	expect_status 1
	expect_eq "$output" "New upgrade operations detected:
  add enum value 'mood': ok"
	run --separate-stderr retort diff
	expect_eq "$output" "ALTER TYPE mood ADD VALUE 'ok' AFTER 'happy';"
	retort -q revision --autogenerate -m ok --rev-id b2b2b2b2b2b2
	run cat migrations/versions/b2b2b2b2b2b2_ok.sql
	expect_match "$output" "^-- review: drops type 'mood', recreated with labels removed or reordered$"
	expect_match "$output" "^ALTER TABLE t ALTER COLUMN m TYPE mood USING m::text::mood;$"
	expect_match "$output" "^DROP VIEW happy;$"
	retort -q upgrade head
	sql "INSERT INTO t VALUES (3, 'ok')"
	run retort check
	expect_status 0
	sql "DELETE FROM t WHERE m = 'ok'"
	retort -q downgrade -1
	expect_eq "$(sql "SELECT string_agg(m::text, ',' ORDER BY id) FROM t")" "happy,sad"
	expect_eq "$(sql "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum")" "happy,sad"
	expect_eq "$(sql 'SELECT count(*) FROM happy')" 1
}

# load NAME FILE: empty the database, then run FILE on it (one psql call).
dump_load() {
	if is_pg; then
		PGOPTIONS="-c client_min_messages=warning" psql -XAtq -v ON_ERROR_STOP=1 -d "$(db_conn "$1")" \
			-c "DROP SCHEMA public CASCADE; CREATE SCHEMA public" -f "$2" >/dev/null
	else
		rm -f "$(db_file "$1")" && sqlite3 -batch "$(db_file "$1")" <"$2" && touch "$(db_file "$1")"
	fi
}

@test "retort dump: every case's schema, dumped and loaded into an empty database, is the same schema" {
	local dir failed=0 n=0 name orig copy
	project
	orig=$(dburl orig) copy=$(dburl copy) # made once
	for dir in "$CASES"/*/; do
		dir=${dir%/}
		name=$(basename "$dir")
		if [ -f "$dir/only" ] && ! grep -qx "$RETORT_TEST_DB" "$dir/only"; then
			continue
		fi
		n=$((n + 1))
		dump_load orig "$dir/to.sql" || { echo "$name: to.sql"; failed=$((failed + 1)); continue; }
		if ! retort -q --url "$orig" dump >"$name.1.sql" 2>err; then
			echo "$name: dump failed: $(cat err)"
			failed=$((failed + 1))
			continue
		fi
		dump_load copy "$name.1.sql" 2>err || {
			echo "$name: the dump does not load: $(cat err)"; cat "$name.1.sql"; failed=$((failed + 1)); continue; }
		# judged by the independent catalog reader
		a=$(catalog dump "$(target orig)") b=$(catalog dump "$(target copy)")
		[ "$a" != "$b" ] || continue
		# the texts differ where the server deparses an expression into a
		# text it reads back otherwise (a CHECK's casts): retort's own
		# comparison, which accounts for that, must find nothing
		printf '[retort]\nmodel = %s\n' "$name.1.sql" >dump.ini
		ops=$(retort -q -c dump.ini --url "$copy" --json diff | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["operations"]))')
		if [ "$ops" != 0 ]; then
			echo "$name: differs"
			diff <(echo "$a") <(echo "$b") || true
			failed=$((failed + 1))
		fi
	done
	echo "$n cases on $RETORT_TEST_DB, $failed failed"
	[ "$n" -ge 40 ]
	[ "$failed" -eq 0 ]
}
