#!/usr/bin/env bats
# retort-db: postgresql
#
# What only PostgreSQL has: the server's error fields (position, SQLSTATE,
# DETAIL, HINT) mapped back to the revision file's line; sections run outside
# a transaction (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE);
# version_table_schema and the connection's search_path; the version table's
# catalog; passwords with URL metacharacters in every way a URL can be given;
# --wait; DB_* and .env against a real server.

load helpers

# The server's parts, from RETORT_TEST_PG_URL
# (postgresql://retort:<password>@127.0.0.1:<port>/postgres).
pg_parts() {
	local rest=${RETORT_TEST_PG_URL#*://}
	PG_SUPER=${rest%%:*}
	rest=${rest#*:}
	PG_SUPERPW=${rest%@*}
	rest=${rest##*@}
	PG_HOST=${rest%%:*}
	rest=${rest#*:}
	PG_PORT=${rest%%/*}
}

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	pg_parts
	FWD_PID=""
}

teardown() {
	if [ -n "${FWD_PID:-}" ]; then
		kill "$FWD_PID" 2>/dev/null || true
		wait "$FWD_PID" 2>/dev/null || true
	fi
	db_drop_all
}

# revfile ID PARENT UP-MARKER-OPTIONS UP DOWN-MARKER-OPTIONS DOWN: a revision
# file whose markers carry options (mkrev writes plain markers).
revfile() {
	local f=migrations/versions/${1}_rev.sql
	{
		printf -- '-- revision %s\n--\n-- Revision ID: %s\n-- Revises: %s\n\n' "$1" "$1" "$2"
		printf -- '-- migrate:upgrade%s\n%s\n\n' "${3:+ $3}" "$4"
		printf -- '-- migrate:downgrade%s\n%s\n' "${5:+ $5}" "$6"
	} >"$f"
}

# line_of FILE TEXT: the number of the first line of FILE holding TEXT.
line_of() {
	grep -nF -- "$2" "$1" | head -n 1 | cut -d: -f1
}

# ---- errors -----------------------------------------------------------------

@test "a failing statement: file:line from the server's position, message, SQLSTATE, HINT; step rolled back" {
	project
	mkrev $A "" "first" "CREATE TABLE first (x INTEGER);" "DROP TABLE first;"
	# The failing statement is on the section's 4th line, after three that ran.
	mkrev $B $A "second" "CREATE TABLE second (x INTEGER);
INSERT INTO second VALUES (1);
INSERT INTO second VALUES (2);
SELECT length(42);
CREATE TABLE after_failure (x INTEGER);" "DROP TABLE second;"
	f=$(ls migrations/versions/${B}_*.sql)
	line=$(line_of "$f" 'SELECT length(42);')
	[ "$line" -gt 4 ]
	run --separate-stderr retort upgrade head
	expect_status 1
	expect_eq "$output" ""
	err=$(printf '%s\n' "$stderr" | grep '^retort: ')
	expect_match "$err" "^retort: .*${B}_second\\.sql:$line: function length\\(integer\\) does not exist"
	expect_match "$err" 'SQLSTATE 42883'
	expect_match "$err" 'HINT: .*explicit type casts'
	# One line, however many fields.
	expect_eq "$(printf '%s\n' "$err" | wc -l)" 1
	# The step rolled back; the one before it stays.
	expect_eq "$(rows)" "$A"
	expect_eq "$(tables)" "alembic_version first retort_log"
	expect_eq "$(sql "SELECT count(*) FROM retort_log")" 1
}

@test "a syntax error (found before anything runs) names its own line, not the section's first" {
	project
	mkrev $A "" "syntax" "CREATE TABLE s1 (x INTEGER);
CREATE TABLE s2 (x INTEGER);
INSERT INTO s1 VALUES (1);
SELEC 1;
CREATE TABLE s3 (x INTEGER);" "DROP TABLE s2;
DROP TABLE s1;"
	f=$(ls migrations/versions/${A}_*.sql)
	line=$(line_of "$f" 'SELEC 1;')
	run --separate-stderr retort upgrade head
	expect_status 1
	expect_match "$stderr" "^retort: .*${A}_syntax\\.sql:$line: syntax error at or near \"SELEC\""
	expect_match "$stderr" 'SQLSTATE 42601'
	expect_eq "$(tables)" "alembic_version retort_log"
	expect_eq "$(rows)" ""
}

@test "a multi-line failing statement is reported at its first line" {
	project
	mkrev $A "" "multi" "CREATE TABLE m (x INTEGER);
SELECT 1,
	2,
	length(42);" "DROP TABLE m;"
	f=$(ls migrations/versions/${A}_*.sql)
	line=$(line_of "$f" 'SELECT 1,')
	run --separate-stderr retort upgrade head
	expect_status 1
	expect_match "$stderr" "^retort: .*${A}_multi\\.sql:$line: function length"
	not has_table m
}

@test "a unique violation reports the server's DETAIL" {
	project
	mkrev $A "" "users" "CREATE TABLE users (email VARCHAR(100) UNIQUE);
INSERT INTO users VALUES ('a@example.com');" "DROP TABLE users;"
	mkrev $B $A "dup" "INSERT INTO users VALUES ('b@example.com');
INSERT INTO users VALUES ('a@example.com');" "DELETE FROM users;"
	f=$(ls migrations/versions/${B}_*.sql)
	line=$(grep -n "'a@example.com'" "$f" | head -n 1 | cut -d: -f1)
	run --separate-stderr retort upgrade head
	expect_status 1
	expect_match "$stderr" "^retort: .*${B}_dup\\.sql:$line: duplicate key value violates unique constraint \"users_email_key\""
	expect_match "$stderr" 'SQLSTATE 23505'
	expect_match "$stderr" 'DETAIL: Key \(email\)=\(a@example\.com\) already exists\.'
	expect_eq "$(rows)" "$A"
	# b@ was rolled back with its step.
	expect_eq "$(sql "SELECT email FROM users")" "a@example.com"
}

# ---- transaction:false ------------------------------------------------------

@test "transaction:false: CREATE INDEX CONCURRENTLY and a statement after it; DROP INDEX CONCURRENTLY down" {
	project
	revfile $A "" "" "CREATE TABLE items (id INTEGER, name VARCHAR(50));
INSERT INTO items VALUES (1, 'one'), (2, 'two');" "" "DROP TABLE items;"
	revfile $B $A "transaction:false" "CREATE INDEX CONCURRENTLY ix_items_name ON items (name);
INSERT INTO items VALUES (3, 'three');" "transaction:false" "DROP INDEX CONCURRENTLY ix_items_name;"
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" "$B"
	has_index ix_items_name
	expect_eq "$(sql "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.ix_items_name'::regclass")" t
	expect_eq "$(sql "SELECT count(*) FROM items")" 3
	expect_eq "$(sql "SELECT operation FROM retort_log WHERE revision = '$B'")" upgrade
	run --separate-stderr retort downgrade -1
	expect_status 0
	expect_eq "$(rows)" "$A"
	not has_index ix_items_name
	has_table items
}

@test "transaction:false: a failing statement names its line and leaves the version table as it was" {
	project
	revfile $A "" "" "CREATE TABLE items (id INTEGER);" "" "DROP TABLE items;"
	revfile $B $A "transaction:false" "CREATE INDEX CONCURRENTLY ix_items_id ON items (id);
CREATE INDEX CONCURRENTLY ix_items_nosuch ON items (nosuch);
CREATE TABLE never_made (x INTEGER);" "transaction:false" "DROP INDEX CONCURRENTLY IF EXISTS ix_items_id;"
	retort upgrade $A 2>/dev/null
	before=$(sql "SELECT version_num FROM alembic_version")
	f=$(ls migrations/versions/${B}_*.sql)
	line=$(line_of "$f" 'ix_items_nosuch')
	run --separate-stderr retort upgrade head
	expect_status 1
	expect_match "$stderr" "^retort: .*${B}_rev\\.sql:$line: column \"nosuch\" does not exist"
	expect_match "$stderr" 'SQLSTATE 42703'
	expect_eq "$(sql "SELECT version_num FROM alembic_version")" "$before"
	expect_eq "$(rows)" "$A"
	# only the journal row: the first statement ran and is counted
	expect_match "$stderr" "1 of 3 statements of this transaction:false section ran and are journaled"
	expect_eq "$(sql "SELECT operation || ' ' || split_part(progress, ' ', 1) FROM retort_log WHERE revision = '$B'")" "partial 1/3"
	# It stopped at the failure: the statement after it never ran.
	not has_table never_made
}

@test "transaction:false: ALTER TYPE ... ADD VALUE" {
	project
	revfile $A "" "" "CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE people (name VARCHAR(20), m mood);" "" "DROP TABLE people;
DROP TYPE mood;"
	revfile $B $A "transaction:false" "ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'sad';" "" ""
	revfile $C $B "" "INSERT INTO people VALUES ('ann', 'happy');" "" "DELETE FROM people;"
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" "$C"
	expect_eq "$(sql "SELECT enum_range(NULL::mood)")" "{sad,ok,happy}"
	expect_eq "$(sql "SELECT m FROM people")" happy
}

# ---- where the version table lives ------------------------------------------

@test "version_table_schema: the version table and retort_log live there; current reads it" {
	project
	chain 2
	sql "CREATE SCHEMA meta"
	set_key version_table_schema meta
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(sql "SELECT schemaname || '.' || tablename FROM pg_tables WHERE tablename IN ('alembic_version', 'retort_log') ORDER BY 1" | tr '\n' ' ')" \
		"meta.alembic_version meta.retort_log "
	expect_eq "$(sql "SELECT version_num FROM meta.alembic_version")" "$(chain_id 2)"
	expect_eq "$(sql "SELECT count(*) FROM meta.retort_log")" 2
	# The revisions' own tables are where their SQL put them.
	expect_eq "$(tables)" "t1 t2"
	run --separate-stderr retort current
	expect_status 0
	expect_eq "$output" "$(chain_id 2) (head)"
	run --separate-stderr retort downgrade -1
	expect_status 0
	expect_eq "$(sql "SELECT version_num FROM meta.alembic_version")" "$(chain_id 1)"
	# Another schema is another state: nothing is applied there.
	sql "CREATE SCHEMA other"
	set_key version_table_schema other
	run --separate-stderr retort current
	expect_status 0
	expect_eq "$output" ""
}

@test "a URL with options=-csearch_path puts the version table in that schema" {
	project
	chain 1
	sql "CREATE SCHEMA app"
	set_url "$(dburl t)?options=-csearch_path%3Dapp"
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(sql "SELECT schemaname || '.' || tablename FROM pg_tables ORDER BY 1" | grep -v '^pg_\|^information_schema' | tr '\n' ' ')" \
		"app.alembic_version app.retort_log app.t1 "
	run --separate-stderr retort current
	expect_status 0
	expect_eq "$output" "$(chain_id 1) (head)"
	# Without the search_path, public has no version table: nothing applied.
	set_url "$(dburl t)"
	run --separate-stderr retort current
	expect_status 0
	expect_eq "$output" ""
}

@test "the version table's catalog is Alembic's: varchar(32) NOT NULL, key alembic_version_pkc" {
	project
	chain 1
	retort upgrade head 2>/dev/null
	expect_eq "$(sql "SELECT column_name, data_type, character_maximum_length, is_nullable
		FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'alembic_version'")" \
		"version_num|character varying|32|NO"
	expect_eq "$(sql "SELECT c.conname, c.contype, a.attname FROM pg_constraint c
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
		WHERE c.conrelid = 'public.alembic_version'::regclass")" "alembic_version_pkc|p|version_num"
	expect_eq "$(sql "SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'public.alembic_version'::regclass")" \
		alembic_version_pkc
	# And what Alembic itself makes, when it can reach PostgreSQL.
	if /usr/bin/python3 -c 'import psycopg2' 2>/dev/null; then
		mkdir al_side && (
			cd al_side &&
			/usr/bin/python3 -m alembic init -t generic al >/dev/null 2>&1 &&
			sed -i "s#^sqlalchemy.url = .*#sqlalchemy.url = $(dburl al)#" alembic.ini &&
			/usr/bin/python3 -m alembic revision -m one --rev-id 111111111111 >/dev/null 2>&1 &&
			/usr/bin/python3 -m alembic upgrade head >/dev/null 2>&1
		)
		[ -n "$(pg_schema al -t public.alembic_version)" ]
		expect_eq "$(pg_schema t -t public.alembic_version)" "$(pg_schema al -t public.alembic_version)"
	fi
}

# ---- passwords --------------------------------------------------------------

# A password with every character that breaks naive URL handling, and one
# with only a raw '@' (the only one a raw, unescaped URL can carry).
PW1='p@ss:w%rd/Zq9'
PW1_ENC='p%40ss%3Aw%25rd%2FZq9'
PW2='Raw@Kx7marker'
LEAK='Zq9|p@ss|p%40ss|w%rd|w%25rd|Kx7marker|Raw@K'

# pw_role NAME PASSWORD: a login role and a database it owns ($DB_PREFIX_NAME).
pw_role() {
	local role="${DB_PREFIX}_$1"
	pg_admin "CREATE ROLE \"$role\" LOGIN PASSWORD '$2'" >/dev/null
	db_made role "$role"
	dburl "$1" >/dev/null
	pg_admin "ALTER DATABASE \"$(db_pgname "$1")\" OWNER TO \"$role\"" >/dev/null
}

# all_commands OK|FAIL: every command, its output appended to out.log/err.log;
# with OK each must succeed (and leave the database at head, then at base).
all_commands() {
	local want=$1 cmd rc
	for cmd in "upgrade head" "current -v" "history -i" "status" "heads" "-v current" \
		"--json current" "--json current -v" "--json history -i" "--json status" "--json heads" \
		"downgrade -1" "-v upgrade head" "stamp $A" "stamp head" "downgrade base" \
		"upgrade head --sql" "-v upgrade head"; do
		# shellcheck disable=SC2086
		retort $cmd >>out.log 2>>err.log && rc=0 || rc=$?
		if [ "$want" = OK ] && [ "$rc" -ne 0 ]; then
			echo "retort $cmd exited $rc" >&2
			tail -n 3 err.log >&2
			return 1
		fi
		# heads and --sql need no database.
		case $cmd in "upgrade head --sql" | heads | "--json heads") continue ;; esac
		if [ "$want" = FAIL ] && [ "$rc" -eq 0 ]; then
			echo "retort $cmd succeeded, expected a failure" >&2
			return 1
		fi
	done
}

# no_leak: no file in the test's folder (but .env, which holds one by design)
# and nothing in the database's journal holds a password.
no_leak() {
	local hits
	hits=$(grep -rlE -- "$LEAK" . | grep -v '^\./\.env$' || true)
	if [ -n "$hits" ]; then
		echo "a password shows in: $hits" >&2
		grep -rnE -- "$LEAK" $hits | head -n 5 >&2
		return 1
	fi
	[ -s err.log ]
	# And never the server's own password.
	not grep -rqF -- "$PG_SUPERPW" out.log err.log
}

@test "a password with @ : % / never shows: --url, DATABASE_URL, DB_*, .env; success and failure" {
	project
	chain 2
	A=$(chain_id 1)
	pw_role one "$PW1"
	pw_role two "$PW2"
	u1="${DB_PREFIX}_one" db1=$(db_pgname one)
	u2="${DB_PREFIX}_two" db2=$(db_pgname two)
	good="postgresql://$u1:$PW1_ENC@$PG_HOST:$PG_PORT/$db1"
	# No url in the config: each way below is the only source.
	sed -i '/^\(sqlalchemy\.\)\?url *[=:]/d' retort.ini

	# --url (each way ends at head; it is taken back to base after)
	retort() { "$RETORT" --url "$good" "$@"; }
	all_commands OK
	expect_eq "$(rows one)" "$(chain_id 2)"
	retort downgrade base 2>>err.log
	expect_eq "$(rows one)" ""
	retort() { "$RETORT" "$@"; }

	# DATABASE_URL
	DATABASE_URL=$good all_commands OK
	expect_eq "$(rows one)" "$(chain_id 2)"
	DATABASE_URL=$good retort downgrade base 2>>err.log
	expect_eq "$(rows one)" ""

	# DB_* with the raw password
	DB_USER=$u1 DB_PASSWORD=$PW1 DB_HOST=$PG_HOST DB_PORT=$PG_PORT DB_NAME=$db1 all_commands OK
	expect_eq "$(rows one)" "$(chain_id 2)"

	# .env with the seed's raw form: postgresql+asyncpg://user:pass@word@host:port/db
	printf 'DATABASE_URL=postgresql+asyncpg://%s:%s@%s:%s/%s\n' "$u2" "$PW2" "$PG_HOST" "$PG_PORT" "$db2" >.env
	all_commands OK
	expect_eq "$(rows two)" "$(chain_id 2)"
	no_leak

	# Failures: a wrong password, a port where nothing listens, an SQL error.
	wrong="postgresql://$u1:${PW1_ENC}x@$PG_HOST:$PG_PORT/$db1"
	noport="postgresql://$u1:$PW1_ENC@$PG_HOST:1/$db1"
	rm .env
	DATABASE_URL=$wrong all_commands FAIL
	DATABASE_URL=$noport all_commands FAIL
	DB_USER=$u1 DB_PASSWORD="${PW1}x" DB_HOST=$PG_HOST DB_PORT=$PG_PORT DB_NAME=$db1 all_commands FAIL
	DB_USER=$u1 DB_PASSWORD=$PW1 DB_HOST=$PG_HOST DB_PORT=1 DB_NAME=$db1 all_commands FAIL
	printf 'DATABASE_URL=postgresql+asyncpg://%s:%sx@%s:%s/%s\n' "$u2" "$PW2" "$PG_HOST" "$PG_PORT" "$db2" >.env
	all_commands FAIL
	printf 'DATABASE_URL=postgresql+asyncpg://%s:%s@%s:1/%s\n' "$u2" "$PW2" "$PG_HOST" "$db2" >.env
	all_commands FAIL
	rm .env
	for url in "$wrong" "$noport"; do
		retort --url "$url" -v current >>out.log 2>>err.log && return 1
		retort --url "$url" --json status >>out.log 2>>err.log && return 1
	done
	# The failures said why, with the user and host but not the password.
	grep -q 'password authentication failed' err.log
	grep -qE "$u1:\\*\\*\\*@$PG_HOST:1/$db1" err.log

	# An SQL error, through each way.
	mkrev $(chain_id 3) $(chain_id 2) "fails" "SELECT length(42);" ""
	retort --url "$good" upgrade head >>out.log 2>>err.log && return 1
	DATABASE_URL=$good retort upgrade head >>out.log 2>>err.log && return 1
	DB_USER=$u1 DB_PASSWORD=$PW1 DB_HOST=$PG_HOST DB_PORT=$PG_PORT DB_NAME=$db1 retort upgrade head >>out.log 2>>err.log && return 1
	printf 'DATABASE_URL=postgresql+asyncpg://%s:%s@%s:%s/%s\n' "$u2" "$PW2" "$PG_HOST" "$PG_PORT" "$db2" >.env
	retort -v upgrade head >>out.log 2>>err.log && return 1
	grep -q 'SQLSTATE 42883' err.log
	no_leak
	# Nor did any password reach the journal.
	[ -n "$(sql_on one "SELECT * FROM retort_log")" ]
	[ -z "$(sql_on one "SELECT * FROM retort_log" | grep -E -- "$LEAK")" ]
	expect_eq "$(sql_on two "SELECT count(*) FROM retort_log WHERE applied_by LIKE '%Zq9%' OR applied_by LIKE '%Kx7%'")" 0
}

# ---- --wait -----------------------------------------------------------------

# free_port: a port nothing listens on.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# forwarder PORT DELAY: after DELAY seconds, listen on PORT and forward every
# connection to the server (a stand-in for a database that is still starting).
forwarder() {
	python3 - "$1" "$2" "$PG_HOST" "$PG_PORT" 3>&- <<-'EOF' &
	import socket, sys, threading, time
	port, delay, host, target = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
	time.sleep(delay)
	ls = socket.socket()
	ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	ls.bind(("127.0.0.1", port))
	ls.listen(16)
	def pipe(a, b):
	    try:
	        while True:
	            d = a.recv(65536)
	            if not d:
	                break
	            b.sendall(d)
	    except OSError:
	        pass
	    finally:
	        for s in (a, b):
	            try:
	                s.shutdown(socket.SHUT_RDWR)
	            except OSError:
	                pass
	while True:
	    c, _ = ls.accept()
	    s = socket.create_connection((host, target))
	    threading.Thread(target=pipe, args=(c, s), daemon=True).start()
	    threading.Thread(target=pipe, args=(s, c), daemon=True).start()
	EOF
	FWD_PID=$!
}

@test "--wait: retries until the server listens; without it, fails at once" {
	project
	chain 1
	port=$(free_port)
	url="postgresql://$PG_SUPER:$PG_SUPERPW@$PG_HOST:$port/$(db_pgname t)"
	set_url "$url"
	run --separate-stderr timeout 20 "$RETORT" upgrade head
	expect_status 1
	expect_match "$stderr" "cannot connect"
	expect_eq "$(rows)" "<no version table in 't'>"
	# Nothing listens for a second; --wait keeps trying (wait_timeout 60 s).
	forwarder "$port" 1
	start=$(date +%s%N)
	run --separate-stderr timeout 20 "$RETORT" --wait upgrade head
	expect_status 0
	expect_eq "$(rows)" "$(chain_id 1)"
	# It did wait for the listener (at least most of the second).
	[ $(( ($(date +%s%N) - start) / 1000000 )) -ge 500 ]
	expect_no_match "$output$stderr" "$PG_SUPERPW"
}

@test "--wait with wait_timeout = 1s and nothing listening fails after about a second" {
	project
	chain 1
	set_key wait_timeout 1s
	set_url "postgresql://$PG_SUPER:$PG_SUPERPW@$PG_HOST:$(free_port)/$(db_pgname t)"
	start=$(date +%s%N)
	run --separate-stderr timeout 20 "$RETORT" --wait upgrade head
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	expect_status 1
	expect_match "$stderr" "cannot connect"
	expect_no_match "$output$stderr" "$PG_SUPERPW"
	# Not at once, and not hanging (timeout would give 124).
	[ "$ms" -ge 800 ]
	[ "$ms" -lt 15000 ]
}

# ---- DB_* and .env against the real server ----------------------------------

@test "DB_* (seed 000) build the URL and work against the server" {
	project
	chain 2
	sed -i '/^\(sqlalchemy\.\)\?url *[=:]/d' retort.ini
	dburl t >/dev/null
	export DB_USER=$PG_SUPER DB_PASSWORD=$PG_SUPERPW DB_HOST=$PG_HOST DB_PORT=$PG_PORT DB_NAME=$(db_pgname t)
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" "$(chain_id 2)"
	run --separate-stderr retort -v current
	expect_status 0
	expect_match "$output$stderr" "postgresql://$PG_SUPER:\\*\\*\\*@$PG_HOST:$PG_PORT/$(db_pgname t)"
	expect_no_match "$output$stderr" "$PG_SUPERPW"
	# DB_HOST missing: the default (localhost) and the given port still reach it.
	unset DB_HOST
	run --separate-stderr retort downgrade -1
	expect_status 0
	expect_eq "$(rows)" "$(chain_id 1)"
}

@test ".env beside the config works and does not override an exported DATABASE_URL" {
	project
	chain 1
	sed -i '/^\(sqlalchemy\.\)\?url *[=:]/d' retort.ini
	printf 'DATABASE_URL=%s\n' "$(dburl fromenvfile)" >.env
	exported=$(dburl exported)
	mkdir elsewhere
	# Beside the config, wherever retort runs from.
	(cd elsewhere && retort -c ../retort.ini upgrade head 2>/dev/null)
	expect_eq "$(rows fromenvfile)" "$(chain_id 1)"
	DATABASE_URL=$exported run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows exported)" "$(chain_id 1)"
	# The .env database saw nothing of the second run.
	expect_eq "$(sql_on fromenvfile "SELECT count(*) FROM retort_log")" 1
	# DB_* in .env, too.
	printf 'DB_USER=%s\nDB_PASSWORD=%s\nDB_HOST=%s\nDB_PORT=%s\nDB_NAME=%s\n' \
		"$PG_SUPER" "$PG_SUPERPW" "$PG_HOST" "$PG_PORT" "$(db_pgname fromparts)" >.env
	dburl fromparts >/dev/null
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows fromparts)" "$(chain_id 1)"
}

# ---- the step protocol on the wire -----------------------------------------

# relay_start: bench/relay.py in front of the server, counting each
# connection's round trips into relay.count; RELAY_PORT is its port.
relay_start() {
	/usr/bin/python3 "$BATS_TEST_DIRNAME/../../bench/relay.py" --to "$PG_HOST:$PG_PORT" \
		--delay-ms 0 --count relay.count --port-file relay.port --max-seconds 300 \
		>/dev/null 2>relay.err &
	FWD_PID=$!
	local i
	for i in $(seq 1 100); do [ -s relay.port ] && break; sleep 0.05; done
	RELAY_PORT=$(cat relay.port)
	[ -n "$RELAY_PORT" ]
}

# round_trips N: the round trips of the Nth connection the relay closed
# (simple queries and the extended protocol's Syncs), once it has.
round_trips() {
	local i line
	for i in $(seq 1 100); do
		line=$(sed -n "${1}p" relay.count 2>/dev/null)
		[ -n "$line" ] && break
		sleep 0.05
	done
	[ -n "$line" ] || { echo "the relay saw no connection $1" >&2; return 1; }
	local q=${line#queries=} s=${line#*syncs=}
	echo $(( ${q%% *} + s ))
}

@test "one message per step: 5 more steps cost 5 more round trips, counted on the wire" {
	project
	chain 20
	relay_start
	set_url "postgresql://$PG_SUPER:$PG_SUPERPW@127.0.0.1:$RELAY_PORT/$(db_pgname t)?sslmode=disable&gssencmode=disable"
	retort upgrade "$(chain_id 5)" 2>/dev/null     # the first run makes the tables
	retort upgrade "$(chain_id 10)" 2>/dev/null    # 5 steps
	retort upgrade "$(chain_id 20)" 2>/dev/null    # 10 steps
	retort downgrade "$(chain_id 15)" 2>/dev/null  # 5 steps
	retort downgrade "$(chain_id 5)" 2>/dev/null   # 10 steps
	# each step is one message: BEGIN, lock, guard, section, bookkeeping, check, COMMIT
	expect_eq "$(( $(round_trips 3) - $(round_trips 2) ))" 5
	expect_eq "$(( $(round_trips 5) - $(round_trips 4) ))" 5
	expect_eq "$(sql "SELECT version_num FROM alembic_version")" "$(chain_id 5)"
	expect_eq "$(sql "SELECT count(*) FROM retort_log")" 35
}
