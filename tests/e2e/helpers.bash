# helpers.bash: what every end-to-end test shares.
#
# Each test runs in its own fresh folder (bats' BATS_TEST_TMPDIR, a mktemp -d
# of its own), with an environment cleaned of anything that would choose a
# database or a config behind the test's back.  $RETORT is the binary under
# test and $RETORT_SOURCE the repository (CMake sets both; by hand:
#   RETORT=build/retort RETORT_SOURCE=$PWD bats tests/e2e
# and, on PostgreSQL, with a server from scripts/pg-test-server start DIR:
#   RETORT_TEST_DB=postgresql RETORT_TEST_PG_URL=<its URL> RETORT=... bats tests/e2e).
#
# The database helpers (dburl, sql, sql_on, rows, tables, has_table,
# has_column, has_index, dbsum, db_used, db_reset, no_such_table) work the
# same on both databases, so that a test written with them runs on both.

bats_require_minimum_version 1.5.0

: "${RETORT_SOURCE:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${RETORT:=$RETORT_SOURCE/build/retort}"
export RETORT RETORT_SOURCE

# The database under test: RETORT_TEST_DB=sqlite (the default) or postgresql.
# Under postgresql, RETORT_TEST_PG_URL is a superuser URL of a running server
# (scripts/check starts one with scripts/pg-test-server); each test gets its
# own databases, named $DB_PREFIX_<name>, made on first use and dropped in
# teardown.  A test names a database by a short name ("t" is the project's):
# under SQLite that is the file <name>.db in the test's folder.
: "${RETORT_TEST_DB:=sqlite}"
case $RETORT_TEST_DB in
sqlite | postgresql) ;;
*) echo "RETORT_TEST_DB must be sqlite or postgresql, not '$RETORT_TEST_DB'" >&2; exit 1 ;;
esac
export RETORT_TEST_DB

is_pg() { [ "$RETORT_TEST_DB" = postgresql ]; }
is_sqlite() { [ "$RETORT_TEST_DB" = sqlite ]; }

# retort_env: the cleaned environment every test starts from.
retort_env() {
	unset DATABASE_URL RETORT_CONFIG ALEMBIC_CONFIG \
		DB_USER DB_PASSWORD DB_HOST DB_PORT DB_NAME EDITOR VISUAL \
		PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSERVICE PGOPTIONS
	export NO_COLOR=1 LC_ALL=C.UTF-8 TZ=UTC
	# the revision cache of large projects (src/lib/revisions/revcache.h) goes to the
	# test run's own folder, never to the home folder
	export XDG_CACHE_HOME=${BATS_FILE_TMPDIR:-${BATS_RUN_TMPDIR:-/tmp}}/xdg-cache
	[ -x "$RETORT" ] || { echo "no retort binary at '$RETORT' (set RETORT)" >&2; return 1; }
	if is_pg; then
		if [ -z "${RETORT_TEST_PG_URL:-}" ]; then
			# scripts/check always sets it (and RETORT_TEST_REQUIRE_PG).
			[ "${RETORT_TEST_REQUIRE_PG:-0}" = 0 ] ||
				{ echo "RETORT_TEST_PG_URL is not set" >&2; return 1; }
			skip "RETORT_TEST_PG_URL is not set (scripts/check starts a server)"
		fi
		PG_BASE=${RETORT_TEST_PG_URL%/*}
	fi
	db_init
}

# db_init [PREFIX]: choose the prefix of this test's databases (and roles).
db_init() {
	DB_PREFIX=${1:-t_$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n')}
}

# db_made KIND NAME: note a database or role made for this test, for db_drop_all.
db_made() {
	printf '%s %s\n' "$1" "$2" >>"$BATS_RUN_TMPDIR/pg-made-$DB_PREFIX"
}

# db_drop_all: drop the databases and roles this test made (one psql call;
# nothing at all when it made none).
db_drop_all() {
	is_pg && [ -n "${DB_PREFIX:-}" ] && [ -n "${PG_BASE:-}" ] || return 0
	local made="$BATS_RUN_TMPDIR/pg-made-$DB_PREFIX" kind name
	[ -f "$made" ] || return 0
	local args=()
	while read -r kind name; do
		[ "$kind" = db ] && args+=(-c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)")
	done <"$made"
	while read -r kind name; do
		[ "$kind" = role ] && args+=(-c "DROP ROLE IF EXISTS \"$name\"")
	done <"$made"
	psql -XAtq -d "$RETORT_TEST_PG_URL" "${args[@]}" >/dev/null 2>&1 || true
	rm -f "$made"
}

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	db_drop_all
}

# retort ARGS...: the binary under test.
retort() {
	"$RETORT" "$@"
}

# pg_admin QUERY: run a query as the superuser on the server's own database.
pg_admin() {
	psql -XAtq -v ON_ERROR_STOP=1 -d "$RETORT_TEST_PG_URL" -c "$1"
}

# db_file NAME: the SQLite file of a database name ("t" -> t.db; a name with
# .db or a '/' is a path as it is).
db_file() {
	case $1 in *.db | */*) printf '%s' "$1" ;; *) printf '%s.db' "$1" ;; esac
}

# db_pgname NAME: the PostgreSQL database of a name ("t" -> t_1a2b3c4d5e_t).
db_pgname() {
	local n=${1%.db}
	printf '%s_%s' "$DB_PREFIX" "${n##*/}"
}

# db_create NAME: make the PostgreSQL database (nothing under SQLite).
db_create() {
	is_pg || return 0
	local n
	n=$(db_pgname "$1")
	# Tests need no durability: commits that do not wait for the disk.
	if psql -XAtq -v ON_ERROR_STOP=1 -d "$RETORT_TEST_PG_URL" -c "CREATE DATABASE \"$n\"" \
		-c "ALTER DATABASE \"$n\" SET synchronous_commit = off" >/dev/null 2>&1; then
		db_made db "$n"
		return 0
	fi
	[ -n "$(pg_admin "SELECT 1 FROM pg_database WHERE datname='$n'")" ] || {
		echo "cannot create the database $n" >&2
		return 1
	}
}

# dburl [NAME]: the URL of a database (made if needed): sqlite:///NAME.db or
# postgresql://...@host:port/<prefix>_NAME.
dburl() {
	local name=${1:-t}
	if is_pg; then
		db_create "$name" || return 1
		printf '%s/%s' "$PG_BASE" "$(db_pgname "$name")"
	else
		printf 'sqlite:///%s' "$(db_file "$name")"
	fi
}

# db_conn NAME: what psql connects to (no database is made).
db_conn() {
	printf '%s/%s' "$PG_BASE" "$(db_pgname "$1")"
}

# sql QUERY: run a query on the test's database, one row a line, '|' between
# columns.  sql_on NAME QUERY: the same on another database.
sql() {
	sql_on t "$1"
}

sql_on() {
	if is_pg; then
		psql -XAtq -v ON_ERROR_STOP=1 -F '|' -d "$(db_conn "$1")" -c "$2"
	else
		sqlite3 -batch "$(db_file "$1")" "$2"
	fi
}

# db_exists [NAME]: the database exists (SQLite: its file; PostgreSQL: the database).
db_exists() {
	local name=${1:-t}
	if is_pg; then
		[ -n "$(pg_admin "SELECT 1 FROM pg_database WHERE datname='$(db_pgname "$name")'")" ]
	else
		[ -e "$(db_file "$name")" ]
	fi
}

# db_used NAME: retort used the database: SQLite: its file exists;
# PostgreSQL: it holds the version table.
db_used() {
	if is_pg; then
		db_exists "$1" && [ -n "$(sql_on "$1" "SELECT 1 FROM pg_tables WHERE tablename='alembic_version'")" ]
	else
		[ -e "$(db_file "$1")" ]
	fi
}

# db_reset NAME: as if the database had never been used (SQLite: rm the file;
# PostgreSQL: drop it and make it again).
db_reset() {
	if is_pg; then
		pg_admin "DROP DATABASE IF EXISTS \"$(db_pgname "$1")\" WITH (FORCE)" >/dev/null &&
			db_create "$1"
	else
		rm -f "$(db_file "$1")"
	fi
}

# only_db sqlite|postgresql WHY: skip a test that is inherently about the
# other database (an SQLite file path form, say).
only_db() {
	[ "$RETORT_TEST_DB" = "$1" ] || skip "only on $1: $2"
}

# rows [NAME]: the version table's rows, sorted, space-separated ("" when none).
# Prints "<no database>" / "<no version table>" instead, so that a comparison
# with "" cannot pass by accident.
rows() {
	local db=${1:-t} out
	is_pg || [ -e "$(db_file "$db")" ] || { echo "<no database '$db'>"; return 1; }
	out=$(sql_on "$db" "SELECT version_num FROM alembic_version ORDER BY version_num" 2>/dev/null) || {
		if db_exists "$db"; then echo "<no version table in '$db'>"; else echo "<no database '$db'>"; fi
		return 1
	}
	printf '%s' "$out" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# tables [NAME]: the user tables (PostgreSQL: of the public schema), sorted,
# space-separated.
tables() {
	local db=${1:-t} q
	db_exists "$db" || { echo "<no database '$db'>"; return 1; }
	if is_pg; then
		q="SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
	else
		q="SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
	fi
	sql_on "$db" "$q" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# has_table TABLE [NAME]: succeeds when the table exists (public schema).
has_table() {
	local db=${2:-t}
	if is_pg; then
		[ "$(sql_on "$db" "SELECT count(*) FROM pg_tables WHERE schemaname='public' AND tablename='$1'")" = 1 ]
	else
		[ "$(sql_on "$db" "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='$1'")" = 1 ]
	fi
}

# has_column TABLE COLUMN [NAME]: succeeds when the column exists.
has_column() {
	local db=${3:-t}
	if is_pg; then
		[ "$(sql_on "$db" "SELECT count(*) FROM information_schema.columns WHERE table_schema='public' AND table_name='$1' AND column_name='$2'")" = 1 ]
	else
		[ "$(sql_on "$db" "SELECT count(*) FROM pragma_table_info('$1') WHERE name='$2'")" = 1 ]
	fi
}

# has_index NAME [DB]
has_index() {
	local db=${2:-t}
	if is_pg; then
		[ "$(sql_on "$db" "SELECT count(*) FROM pg_indexes WHERE schemaname='public' AND indexname='$1'")" = 1 ]
	else
		[ "$(sql_on "$db" "SELECT count(*) FROM sqlite_master WHERE type='index' AND name='$1'")" = 1 ]
	fi
}

# dbsum [NAME]: a sha256 of the database, or "absent".  SQLite: of the file.
# PostgreSQL: of its catalog (relations, columns, indexes, constraints of
# every non-system schema) and the rows of alembic_version and retort_log
# ("absent" while the database holds no relation of its own), in one query.
# Sequence values are left out: a rolled-back insert advances them.
dbsum() {
	local db=${1:-t}
	if is_pg; then
		local out
		out=$(sql_on "$db" "$DBSUM_SQL" 2>/dev/null) || out=absent
		printf '%s\n' "$out"
	else
		if [ -e "$(db_file "$db")" ]; then sha256sum "$(db_file "$db")" | cut -d' ' -f1; else echo absent; fi
	fi
}

DBSUM_SQL="
WITH rel AS (
	SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_class c
	JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
)
SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM rel) THEN 'absent' ELSE encode(sha256(convert_to(concat_ws(E'\n',
	(SELECT string_agg(format('%s.%s %s', nspname, relname, relkind), E'\n' ORDER BY nspname, relname) FROM rel),
	(SELECT string_agg(format('%s.%s.%s %s %s %s', r.nspname, r.relname, a.attname,
		format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)), E'\n'
		ORDER BY r.nspname, r.relname, a.attnum)
		FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
		LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum),
	(SELECT string_agg(format('%s %s', i.indexrelid::regclass, pg_get_indexdef(i.indexrelid)), E'\n' ORDER BY 1)
		FROM pg_index i JOIN rel r ON r.oid = i.indrelid),
	(SELECT string_agg(format('%s %s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)), E'\n' ORDER BY 1)
		FROM pg_constraint c JOIN rel r ON r.oid = c.conrelid),
	CASE WHEN to_regclass('alembic_version') IS NOT NULL THEN
		query_to_xml('SELECT version_num FROM alembic_version ORDER BY 1', false, false, '')::text END,
	CASE WHEN to_regclass('retort_log') IS NOT NULL THEN
		query_to_xml('SELECT id, revision, operation, checksum, applied_at FROM retort_log ORDER BY id', false, false, '')::text END
), 'UTF8')), 'hex') END"

# pg_schema NAME [pg_dump args...]: pg_dump --schema-only without its comments
# and the random \restrict key of recent versions.
pg_schema() {
	local db=$1
	shift
	pg_dump --schema-only --no-owner "$@" -d "$(db_conn "$db")" | grep -Ev '^(--|\\(un)?restrict )'
}

# no_such_table NAME: an ERE for the database's "no such table" error.
no_such_table() {
	if is_pg; then
		printf 'relation "%s" does not exist' "$1"
	else
		printf 'no such table: %s' "$1"
	fi
}

# project: `retort init`, then the url pointed at the test's database
# (sqlite:///t.db, or a fresh PostgreSQL database).
project() {
	retort init >/dev/null 2>&1 || { echo "retort init failed" >&2; return 1; }
	[ -f retort.ini ] || { echo "retort init wrote no retort.ini" >&2; return 1; }
	set_url "$(dburl t)"
}

# set_url URL [FILE]: set the config's url (replacing url or sqlalchemy.url).
set_url() {
	local file=${2:-retort.ini} tmp
	tmp=$(mktemp)
	awk -v url="$1" '
		/^[ \t]*(sqlalchemy\.)?url[ \t]*[=:]/ { next }
		{ print }
		/^\[/ && !done { print "url = " url; done = 1 }
	' "$file" >"$tmp"
	mv "$tmp" "$file"
}

# set_key KEY VALUE [FILE]: set (or add) a key in the config's first section.
set_key() {
	local file=${3:-retort.ini} tmp
	tmp=$(mktemp)
	awk -v k="$1" -v v="$2" '
		$0 ~ "^[ \t]*" k "[ \t]*[=:]" { if (!done) print k " = " v; done = 1; next }
		{ print }
		/^\[/ && !done && !added { print k " = " v; added = 1; done = 1 }
	' "$file" >"$tmp"
	mv "$tmp" "$file"
}

# mkrev ID PARENTS MESSAGE UP DOWN [HEADER-LINE...]
# Write a revision file by hand in migrations/versions (or $VERSIONS):
# PARENTS is "" or a comma-separated list; each extra argument is a header
# line such as "Branch Labels: contact" or "Depends On: a1a1a1a1a1a1".
mkrev() {
	local id=$1 parents=$2 msg=$3 up=$4 down=$5 dir=${VERSIONS:-migrations/versions}
	shift 5
	local slug
	slug=$(printf '%s' "$msg" | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '_' | sed 's/^_//; s/_$//')
	mkdir -p "$dir"
	{
		printf -- '-- %s\n--\n' "$msg"
		printf -- '-- Revision ID: %s\n' "$id"
		printf -- '-- Revises: %s\n' "$parents"
		printf -- '-- Create Date: 2026-01-01 00:00:00.000000\n'
		local h
		for h in "$@"; do printf -- '-- %s\n' "${h#-- }"; done
		printf '\n-- migrate:upgrade\n'
		[ -z "$up" ] || printf '%s\n' "$up"
		printf '\n-- migrate:downgrade\n'
		[ -z "$down" ] || printf '%s\n' "$down"
	} >"$dir/${id}_${slug}.sql"
}

# The example graph used by several files (Alembic's branch docs, in small):
#
#   A -- B --+-- C (contact) --+-- E (merge) -- F
#            +-- D ------------+
A=a1a1a1a1a1a1
B=b2b2b2b2b2b2
C=c3c3c3c3c3c3
D=c3c3d4d4d4d4
E=e5e5e5e5e5e5
F=f6f6f6f6f6f6

# graph [upto]: write A..F (or only A..D with "branches").
graph() {
	mkrev $A "" "create todos table" \
		"CREATE TABLE todos (id INTEGER NOT NULL PRIMARY KEY, title VARCHAR NOT NULL, description VARCHAR, status VARCHAR NOT NULL);" \
		"DROP TABLE todos;"
	mkrev $B $A "create users table" \
		"CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR NOT NULL UNIQUE, name VARCHAR, created_at TIMESTAMP);" \
		"DROP TABLE users;"
	mkrev $C $B "add phone number" \
		"ALTER TABLE users ADD COLUMN phone_number VARCHAR(20);" \
		"ALTER TABLE users DROP COLUMN phone_number;" \
		"Branch Labels: contact"
	mkrev $D $B "index todos status" \
		"CREATE INDEX ix_todos_status ON todos (status);" \
		"DROP INDEX ix_todos_status;"
	[ "${1:-}" = branches ] && return 0
	mkrev $E "$C, $D" "merge contact and index" "" ""
	mkrev $F $E "add todos user id" \
		"ALTER TABLE todos ADD COLUMN user_id INTEGER REFERENCES users (id);" \
		"ALTER TABLE todos DROP COLUMN user_id;"
}

# chain N: a linear chain L1..LN, each creating table tI; ids 0000000000ab-style.
chain_id() { printf 'l%011d' "$1"; }
chain() {
	local i prev=""
	for i in $(seq 1 "$1"); do
		mkrev "$(chain_id "$i")" "$prev" "step $i" "CREATE TABLE t$i (x INTEGER);" "DROP TABLE t$i;"
		prev=$(chain_id "$i")
	done
}

# section FILE up|down: a section's text exactly as the file holds it (the
# lines after the marker up to the next marker), for checksums.
section() {
	awk -v want="$2" '
		/^-- migrate:(upgrade|up)([ \t]|$)/ { cur = "up"; next }
		/^-- migrate:(downgrade|down)([ \t]|$)/ { cur = "down"; next }
		cur == want { print }
	' "$1"
}

# checksum FILE up|down: "sha256:<hex>" of that section.
checksum() {
	printf 'sha256:%s' "$(section "$1" "$2" | sha256sum | cut -d' ' -f1)"
}

# A failed assertion prints what was expected and what came.
expect_eq() {
	if [ "$1" != "$2" ]; then
		printf 'expected: %s\n     got: %s\n' "$2" "$1" >&2
		[ -z "${output+x}" ] || printf 'output:\n%s\n' "$output" >&2
		[ -z "${stderr+x}" ] || printf 'stderr:\n%s\n' "$stderr" >&2
		return 1
	fi
}

# expect_status N: after `run`, the exit status.
expect_status() {
	if [ "$status" -ne "$1" ]; then
		printf 'expected exit %s, got %s\noutput:\n%s\n' "$1" "$status" "$output" >&2
		[ -z "${stderr+x}" ] || printf 'stderr:\n%s\n' "$stderr" >&2
		return 1
	fi
}

# expect_match TEXT ERE: TEXT matches the extended regular expression.
expect_match() {
	if ! printf '%s\n' "$1" | grep -Eq -- "$2"; then
		printf 'expected to match: %s\ngot:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

expect_no_match() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		printf 'expected NOT to match: %s\ngot:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

# without_note TEXT: TEXT without the note naming the database that every
# connecting command prints first ("retort: database URL (from WHERE)"), and
# without the lint findings `upgrade` prints of what it runs ("retort:
# warning: lint: ...", lint.bats tests them).
without_note() {
	printf '%s\n' "$1" | grep -Ev '^retort: (database .* \(from [^)]*\)|warning: lint: .*)$' || true
}

# Every command that connects first prints a note naming its database
# ("retort: database URL (from WHERE)", holes.bats tests it), and upgrade
# the lint findings of what it runs.  Tests about anything else see $output
# and $stderr without them: `run` is bats' own, followed by taking those
# lines out.  KEEP_NOTE=1 keeps them.
eval "bats_own_$(declare -f run)"
run() {
	local rc=0
	bats_own_run "$@" || rc=$?
	if [ -z "${KEEP_NOTE:-}" ]; then
		output=$(without_note "$output")
		mapfile -t lines < <(printf '%s' "$output" | grep -v '^$' || true)
		[ -z "${stderr+x}" ] || stderr=$(without_note "$stderr")
	fi
	return $rc
}

# one_error: after `run --separate-stderr`, stderr is one line "retort: ..."
# (besides the database note).
one_error() {
	local n err
	err=$(without_note "$stderr")
	n=$(printf '%s\n' "$err" | grep -c .)
	if [ "$n" -ne 1 ] || [[ "$err" != "retort: "* ]]; then
		printf 'expected one line "retort: ..." on stderr, got:\n%s\n' "$stderr" >&2
		return 1
	fi
}

# files_now: the files below this folder (but out/ and the refused's own
# err.txt and out.txt), sorted, one a line.
files_now() {
	find . -path ./out -prune -o -type f -print | grep -v -e '^./err.txt$' -e '^./out.txt$' | LC_ALL=C sort
}

# refused LABEL EXPECT CMD...: run CMD (words: leading KEY=VALUE set the
# environment; "retort" is the binary); print what is wrong, nothing if the
# case is refused as it must be: exit 2, one "retort: " line on stderr that
# matches the ERE EXPECT, no crash or sanitizer report, the database's dbsum
# still $BEFORE and the folder's files still $FILES_BEFORE (see files_now).
refused() {
	local label=$1 re=$2 rc err files
	shift 2
	local -a envs=() argv=()
	while [ $# -gt 0 ] && [[ "$1" == [A-Za-z_]*=* ]] && [ ${#argv[@]} -eq 0 ]; do
		envs+=("$1")
		shift
	done
	for w in "$@"; do
		if [ "$w" = retort ] && [ ${#argv[@]} -eq 0 ]; then argv+=("$RETORT"); else argv+=("$w"); fi
	done
	env "${envs[@]}" "${argv[@]}" >out.txt 2>err.txt </dev/null && rc=0 || rc=$?
	err=$(without_note "$(cat err.txt)")
	if [ "$rc" -ge 128 ]; then
		echo "$label: CRASHED with signal $((rc - 128)): $err"
	elif [ "$rc" -ne 2 ]; then
		echo "$label: exit $rc, not 2: $err"
	elif printf '%s\n' "$err" | grep -Eq 'Sanitizer|runtime error|LeakSanitizer'; then
		echo "$label: sanitizer report: $err"
	elif [ "$(printf '%s\n' "$err" | grep -c .)" -ne 1 ] || [[ "$err" != "retort: "* ]]; then
		echo "$label: stderr is not one 'retort: ' line: $err"
	elif ! printf '%s\n' "$err" | grep -Eq -- "$re"; then
		echo "$label: stderr does not match /$re/: $err"
	fi
	if [ "$(dbsum)" != "$BEFORE" ]; then
		echo "$label: the database changed"
		BEFORE=$(dbsum)
	fi
	files=$(files_now)
	if [ "$files" != "$FILES_BEFORE" ]; then
		echo "$label: files changed: $(diff <(printf '%s\n' "$FILES_BEFORE") <(printf '%s\n' "$files") | grep '^[<>]' | tr '\n' ' ')"
	fi
	rm -f out.txt
}

# not CMD...: succeeds when CMD fails (a bare `! cmd` never fails a bats test).
not() {
	if "$@"; then
		echo "expected to fail: $*" >&2
		return 1
	fi
}
