#!/usr/bin/env bats
# No secret ever leaves retort, and no setting can inject SQL.
#
# Passwords: every command, on success and on every kind of failure (bad
# password, unreachable host, bad URL, a failing statement), with -v and
# --json, online and with --sql, is given a URL whose password holds a
# marker; no output and no file it writes (the test's whole folder is
# searched, and on PostgreSQL the database's own rows) may contain it.  On
# PostgreSQL the marker is a real role's real password; on SQLite a
# postgresql URL is used offline (--sql) and against a port nobody listens on.
#
# Identifiers: a hostile version_table (quotes, backquotes, semicolons, a
# newline) is an identifier, not SQL: a table `keep` survives every run,
# online and when the --sql script is fed to the database.

load helpers

# The marker, and a password built around it with the characters that URL
# parsing and redaction find hardest: a raw '@', a percent-escape, a ':'.
MARK=Qx9SECRETmark
PW_RAW="${MARK}@p:w%21"     # as written in a URL (raw '@', %21 = '!')
PW="${MARK}@p:w!"           # what the server is told
PW_ENC="${MARK}%40p%3Aw%21" # fully percent-escaped

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	mkdir out
	retort init >/dev/null 2>&1
	graph
}

# leak_check: no file in the test folder but those the test itself wrote
# the secret into (retort.ini, .env, the *.url files) holds the marker.
leak_check() {
	local found
	found=$(grep -rl --binary-files=text -- "$MARK" . |
		grep -v -x -e ./retort.ini -e ./.env -e './[a-z_]*\.url' || true)
	if [ -n "$found" ]; then
		echo "the marker leaked into:" >&2
		for f in $found; do
			echo "== $f" >&2
			grep -n --binary-files=text -- "$MARK" "$f" | head -n 5 >&2
		done
		return 1
	fi
}

# try NAME ARGS...: run retort, keeping stdout and stderr in out/NAME.{out,err}
# and the exit status in out/NAME.rc; never fails itself.
N_RUNS=0
try() {
	local name=$1
	shift
	N_RUNS=$((N_RUNS + 1))
	"$RETORT" "$@" >"out/$name.out" 2>"out/$name.err" </dev/null && echo 0 >"out/$name.rc" ||
		echo $? >"out/$name.rc"
}

# rc NAME: the exit status of a try.
rc() { cat "out/$1.rc"; }

# Every command that may touch the database, each plain, -v and --json.
COMMANDS=(
	"current" "current -v" "--json current" "current --check-heads"
	"history -i" "--json history -i" "history -v"
	"heads" "--json heads" "branches" "show head" "--json show head"
	"status" "--json status" "-v status"
	"upgrade head" "-v upgrade head" "--json upgrade head"
	"upgrade +1" "downgrade -1" "-v downgrade base"
	"stamp head" "-v stamp --purge heads" "stamp base"
	"ensure-version" "-v ensure-version"
	"check" "diff" "--json check"
	"upgrade head --sql" "-v upgrade base:head --sql" "downgrade head:base --sql"
)

# run_all TAG [GLOBAL-ARGS...]: every command, with extra global arguments.
run_all() {
	local tag=$1 i=0 c
	shift
	for c in "${COMMANDS[@]}"; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		try "$tag.$i" "$@" $c
	done
}

@test "offline --sql with a password in the URL: the script and messages hide it" {
	local url="postgresql://app:${PW_RAW}@db.example.invalid:5432/prod"
	for c in "upgrade head --sql" "-v upgrade head --sql" "upgrade base:head --sql" \
		"downgrade head:base --sql" "upgrade $C:head --sql" "stamp head --sql" \
		"--json upgrade head --sql"; do
		# shellcheck disable=SC2086
		try sql --url "$url" $c
		[ "$(rc sql)" = 0 ] || [[ "$c" == --json* ]] || { cat out/sql.err >&2; return 1; }
		cp out/sql.out "out/sql.$N_RUNS.out"
		cp out/sql.err "out/sql.$N_RUNS.err"
	done
	grep -q "CREATE TABLE todos" out/sql.1.out
	leak_check
}

@test "unreachable host: every command fails without showing the password" {
	local url="postgresql://app:${PW_RAW}@127.0.0.1:1/prod"
	run_all unreach --url "$url"
	local n=0 f
	for f in out/unreach.*.rc; do
		n=$((n + 1))
		# offline --sql succeeds; everything else that connects fails
		case $(cat "$f") in 0 | 1 | 2) ;; *) echo "$f: exit $(cat "$f")" >&2; return 1 ;; esac
	done
	[ "$n" -eq "${#COMMANDS[@]}" ]
	grep -q 'postgresql://app:\*\*\*@127.0.0.1:1/prod' out/unreach.1.err
	leak_check
}

@test "the URL from DATABASE_URL, .env, DB_PASSWORD and the config: never shown" {
	local url="postgresql://app:${PW_RAW}@127.0.0.1:1/prod"
	DATABASE_URL=$url try env1 -v current
	DATABASE_URL="postgresql://app:${PW_ENC}@127.0.0.1:1/prod" try env2 -v upgrade head
	printf 'DATABASE_URL=%s\n' "$url" >.env
	try dotenv -v current
	rm .env
	# the parts are used only when no config names a url
	grep -v -E '^(sqlalchemy\.)?url' retort.ini >nourl.ini
	DB_USER=app DB_PASSWORD=$PW DB_HOST=127.0.0.1 DB_PORT=1 DB_NAME=prod try parts -c nourl.ini -v status
	set_url "$url"
	try config -v current
	try config_json --json current
	# a revision written while such a URL is configured holds none of it
	try rev revision -m "with a secret url"
	[ "$(rc rev)" = 0 ]
	for t in env1 env2 dotenv parts config; do
		[ "$(rc $t)" = 1 ] || { echo "$t: exit $(rc $t)"; cat "out/$t.err"; return 1; } >&2
		grep -q '\*\*\*' "out/$t.err" || { echo "$t: no redacted URL in: $(cat "out/$t.err")" >&2; return 1; }
	done
	leak_check
}

@test "malformed URLs that hold a password: exit 2, the password hidden" {
	local u i=0
	for u in "postgresql://app:${PW_RAW}@127.0.0.1:notaport/db" \
		"postgresql://app:${PW_RAW}@[::1/db" \
		"postgresql://app:${MARK}%zz@127.0.0.1/db" \
		"postgresql://app:${MARK}%4@127.0.0.1/db" \
		"postgresql://app:${MARK}@127.0.0.1:99999/db" \
		"nosuchdb://app:${PW_RAW}@127.0.0.1/db" \
		"postgresql:app:${PW_RAW}@127.0.0.1/db" \
		"postgresql://app:${PW_RAW}@127.0.0.1:-5/db" \
		"postgresql://app:${PW_RAW}@127.0.0.1:5432/db?sslmode" \
		"postgresql://app:${PW_RAW}@127.0.0.1:5432/db?%zz=1" \
		"postgresql://app:${PW_RAW}@127.0.0.1:5432:5433/db"; do
		i=$((i + 1))
		try bad$i --url "$u" current
		try badsql$i --url "$u" upgrade head --sql
		try badjson$i --url "$u" --json current
		[ "$(rc bad$i)" = 2 ] || [[ "$u" == *"?"* ]] || { echo "$u: exit $(rc bad$i), not 2" >&2; cat "out/bad$i.err" >&2; return 1; }
		for t in bad$i badsql$i badjson$i; do
			# (some of these parse: a query key without a value is one)
			case $(rc $t) in 0 | 1 | 2) ;; *) echo "$u ($t): exit $(rc $t)" >&2; cat "out/$t.err" >&2; return 1 ;; esac
		done
	done
	leak_check
}

# PostgreSQL for real: a role whose password is the marker.
pg_role_url() {
	local role="${DB_PREFIX}_sec" db hostport
	db=$(db_pgname s)
	pg_admin "CREATE ROLE \"$role\" LOGIN PASSWORD '$PW'" >/dev/null
	pg_admin "CREATE DATABASE \"$db\" OWNER \"$role\"" >/dev/null
	hostport=${PG_BASE#*@}
	ROLE_URL="postgresql://$role:$PW_RAW@$hostport/$db"
	ROLE_URL_WRONG="postgresql://$role:${MARK}wrong@$hostport/$db"
	ROLE_DB=$db
}

@test "PostgreSQL: every command with a real password, success and failure, hides it" {
	only_db postgresql "a real server checks the password"
	pg_role_url
	run_all ok --url "$ROLE_URL"
	[ "$(rc ok.16)" = 0 ] || { cat out/ok.16.err >&2; return 1; } # -v upgrade head
	grep -q 'Running upgrade' out/ok.16.err
	# the wrong password
	run_all wrong --url "$ROLE_URL_WRONG"
	grep -q 'password authentication failed' out/wrong.1.err
	[ "$(rc wrong.1)" = 1 ]
	# a failing statement, at -v (which prints the SQL it sends)
	try up --url "$ROLE_URL" upgrade head
	mkrev 999999999999 "$F" "fails" "SELECT no_such_column FROM todos;" ""
	try fail --url "$ROLE_URL" -v upgrade head
	[ "$(rc fail)" = 1 ]
	grep -q 'no_such_column' out/fail.err
	try failjson --url "$ROLE_URL" --json upgrade head
	# nor does the database keep it (retort_log's applied_by and the rest)
	pg_dump --data-only -d "$(db_conn s)" >out_dump.sql
	! grep -q -- "$MARK" out_dump.sql
	rm out_dump.sql
	leak_check
}

@test "PostgreSQL: the password never reaches the server's view of the session" {
	only_db postgresql "a real server"
	pg_role_url
	mkrev 999999999999 "$F" "slow" "SELECT pg_sleep(2);" ""
	"$RETORT" --url "$ROLE_URL" upgrade head >/dev/null 2>&1 &
	local pid=$! seen=""
	for _ in $(seq 1 40); do
		seen=$(pg_admin "SELECT application_name || ' ' || coalesce(query, '') FROM pg_stat_activity WHERE datname = '$ROLE_DB'")
		[ -z "$seen" ] || break
		sleep 0.05
	done
	wait $pid
	[ -n "$seen" ]
	[[ "$seen" != *"$MARK"* ]]
}

@test "a password given as a percent-encoded query key is hidden as libpq reads it" {
	local hp=127.0.0.1:1 k n=0
	# libpq decodes the key, so each of these is the password
	for k in 'pass%77ord' '%70assword' 'PASS%57ORD' '%70%61%73%73%77%6f%72%64'; do
		n=$((n + 1))
		try enc$n --url "postgresql://app@$hp/prod?$k=$MARK" current
		try encj$n --url "postgresql://app@$hp/prod?sslmode=disable&$k=${MARK}x" --json current
		grep -q '\*\*\*' "out/enc$n.err" || { echo "no redaction: $(cat "out/enc$n.err")" >&2; return 1; }
	done
	# offline, the heading of the script names the URL too
	try encsql --url "postgresql://app@$hp/prod?pass%77ord=$MARK" upgrade head --sql
	[ "$(rc encsql)" = 0 ]
	leak_check
}

@test "PostgreSQL: a password equal to the user's name hides the password, not the name" {
	only_db postgresql "a real server checks the password"
	local role="${DB_PREFIX}_same" hostport=${PG_BASE#*@}
	pg_admin "CREATE ROLE \"$role\" LOGIN PASSWORD 'other'" >/dev/null
	db_made role "$role"
	try same --url "postgresql://$role:$role@$hostport/postgres" current
	[ "$(rc same)" = 1 ]
	grep -q "password authentication failed for user \"$role\"" out/same.err ||
		{ echo "the user's name was masked: $(cat out/same.err)" >&2; return 1; }
	grep -q "postgresql://$role:\*\*\*@" out/same.err ||
		{ echo "the URL's password was not masked: $(cat out/same.err)" >&2; return 1; }
}

# --- Hostile identifiers ----------------------------------------------------

# The table names a hostile setting might try to smuggle SQL through.
hostile_names() {
	printf '%s\n' 'x"; DROP TABLE keep; --' \
		'x`; DROP TABLE keep; --' \
		"x'; DROP TABLE keep; --" \
		'x"" ; DROP TABLE keep ; --' \
		'x];DROP TABLE keep;--'
}

keep_survives() {
	[ "$(sql "SELECT count(*) FROM keep")" = 1 ] || { echo "the table keep is gone ($1)" >&2; return 1; }
}

@test "a hostile version_table is one quoted identifier online: keep survives" {
	set_url "$(dburl t)"
	sql "CREATE TABLE keep (x INTEGER); INSERT INTO keep VALUES (1)"
	local name n=0
	while IFS= read -r name; do
		n=$((n + 1))
		set_key version_table "$name"
		run --separate-stderr retort upgrade head
		keep_survives "$name"
		expect_status 0
		run --separate-stderr retort current
		expect_status 0
		expect_match "$output" "$F"
		if is_pg; then
			expect_eq "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = '${name//\'/\'\'}'")" 1
		else
			expect_eq "$(sql "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '${name//\'/\'\'}'")" 1
		fi
		run --separate-stderr retort downgrade base
		expect_status 0
		run --separate-stderr retort stamp head
		expect_status 0
		keep_survives "$name"
	done < <(hostile_names)
	[ "$n" -eq 5 ]
}

@test "a version_table with a newline (an indented continuation line) cannot inject either" {
	set_url "$(dburl t)"
	sql "CREATE TABLE keep (x INTEGER); INSERT INTO keep VALUES (1)"
	set_key version_table 'x'
	# configparser's continuation: the value becomes "x\nDROP TABLE keep; --"
	awk '{ print } /^version_table/ { print "    DROP TABLE keep; --" }' retort.ini >r.tmp && mv r.tmp retort.ini
	run --separate-stderr retort upgrade head
	keep_survives newline
	run --separate-stderr retort upgrade head --sql
	keep_survives "newline --sql"
}

@test "a hostile version_table in the --sql script is quoted: fed to the database, keep survives" {
	set_url "$(dburl t)"
	local name
	while IFS= read -r name; do
		db_reset t
		sql "CREATE TABLE keep (x INTEGER); INSERT INTO keep VALUES (1)"
		set_key version_table "$name"
		run --separate-stderr retort upgrade head --sql
		expect_status 0
		printf '%s\n' "$output" >script.sql
		if is_pg; then
			psql -XAtq -v ON_ERROR_STOP=1 -d "$(db_conn t)" -f script.sql >/dev/null
		else
			sqlite3 -bail t.db <script.sql >/dev/null
		fi
		keep_survives "--sql $name"
		expect_match "$(sql "SELECT count(*) FROM todos")" '^0$'
		run --separate-stderr retort current
		expect_status 0
		expect_match "$output" "$F"
	done < <(hostile_names)
}

@test "PostgreSQL: a hostile version_table_schema is an identifier too" {
	only_db postgresql "schemas"
	set_url "$(dburl t)"
	sql "CREATE TABLE keep (x INTEGER); INSERT INTO keep VALUES (1)"
	local s='s"; DROP TABLE keep; --'
	sql "CREATE SCHEMA \"${s//\"/\"\"}\""
	set_key version_table_schema "$s"
	run --separate-stderr retort upgrade head
	keep_survives schema
	expect_status 0
	expect_eq "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = '$s' AND tablename = 'alembic_version'")" 1
	set_key version_table_schema 'nosuch"; DROP TABLE keep; --'
	run --separate-stderr retort upgrade head
	keep_survives "missing schema"
}

@test "the leak check itself finds the marker in any file but the test's own" {
	printf 'url = postgresql://a:%s@h/d\n' "$PW_RAW" >>retort.ini
	leak_check
	mkdir -p migrations/versions/deep
	printf 'x %s y\n' "$PW" >migrations/versions/deep/leak.sql
	run leak_check
	expect_status 1
	expect_match "$output" "leak.sql"
}
