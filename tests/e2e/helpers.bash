# helpers.bash: what every end-to-end test shares.
#
# Each test runs in its own fresh folder (bats' BATS_TEST_TMPDIR, a mktemp -d
# of its own), with an environment cleaned of anything that would choose a
# database or a config behind the test's back.  $RETORT is the binary under
# test and $RETORT_SOURCE the repository (CMake sets both; by hand:
#   RETORT=build/retort RETORT_SOURCE=$PWD bats tests/e2e).

bats_require_minimum_version 1.5.0

: "${RETORT_SOURCE:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${RETORT:=$RETORT_SOURCE/build/retort}"
export RETORT RETORT_SOURCE

setup() {
	unset DATABASE_URL RETORT_CONFIG ALEMBIC_CONFIG \
		DB_USER DB_PASSWORD DB_HOST DB_PORT DB_NAME EDITOR VISUAL
	export NO_COLOR=1 LC_ALL=C.UTF-8 TZ=UTC
	[ -x "$RETORT" ] || { echo "no retort binary at '$RETORT' (set RETORT)" >&2; return 1; }
	cd "$BATS_TEST_TMPDIR" || return 1
}

# retort ARGS...: the binary under test.
retort() {
	"$RETORT" "$@"
}

# sql FILE QUERY: run a query on a SQLite file, one row a line, '|' between columns.
sql() {
	sqlite3 -batch "$1" "$2"
}

# rows [FILE]: the version table's rows, sorted, space-separated ("" when none).
# Prints "<no database>" / "<no version table>" instead, so that a comparison
# with "" cannot pass by accident.
rows() {
	local db=${1:-t.db} out
	[ -e "$db" ] || { echo "<no database '$db'>"; return 1; }
	out=$(sql "$db" "SELECT version_num FROM alembic_version ORDER BY version_num" 2>/dev/null) ||
		{ echo "<no version table in '$db'>"; return 1; }
	printf '%s' "$out" | tr '\n' ' ' | sed 's/ $//'
}

# tables [FILE]: the user tables, sorted, space-separated.
tables() {
	local db=${1:-t.db}
	[ -e "$db" ] || { echo "<no database '$db'>"; return 1; }
	sql "$db" "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name" |
		tr '\n' ' ' | sed 's/ $//'
}

# has_column TABLE COLUMN [FILE]: succeeds when the column exists.
has_column() {
	local db=${3:-t.db}
	[ "$(sql "$db" "SELECT count(*) FROM pragma_table_info('$1') WHERE name='$2'")" = 1 ]
}

# has_index NAME [FILE]
has_index() {
	local db=${2:-t.db}
	[ "$(sql "$db" "SELECT count(*) FROM sqlite_master WHERE type='index' AND name='$1'")" = 1 ]
}

# dbsum [FILE]: a sha256 of the database file, or "absent".
dbsum() {
	local db=${1:-t.db}
	if [ -e "$db" ]; then sha256sum "$db" | cut -d' ' -f1; else echo absent; fi
}

# project: `retort init`, then the url pointed at sqlite:///t.db.
project() {
	retort init >/dev/null 2>&1 || { echo "retort init failed" >&2; return 1; }
	[ -f retort.ini ] || { echo "retort init wrote no retort.ini" >&2; return 1; }
	set_url 'sqlite:///t.db'
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

# one_error: after `run --separate-stderr`, stderr is one line "retort: ...".
one_error() {
	local n
	n=$(printf '%s\n' "$stderr" | grep -c .)
	if [ "$n" -ne 1 ] || [[ "$stderr" != "retort: "* ]]; then
		printf 'expected one line "retort: ..." on stderr, got:\n%s\n' "$stderr" >&2
		return 1
	fi
}

# not CMD...: succeeds when CMD fails (a bare `! cmd` never fails a bats test).
not() {
	if "$@"; then
		echo "expected to fail: $*" >&2
		return 1
	fi
}
