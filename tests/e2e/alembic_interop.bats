#!/usr/bin/env bats
# retort-db: both
#
# alembic_interop.bats: one database, taken turns at by Alembic and retort.
# The test builds an Alembic project whose revision .py files run, through
# op.execute, the same SQL as a retort project's .sql files, with the same
# revision ids:
#
#   A -- B --+-- C --+-- E (merge)
#            +-- D --+
#
# Each tool carries on where the other stopped, `alembic current` and
# `retort current` agree at every turn, neither chokes on the other's
# tables (alembic_version made by Alembic, retort_log made by retort), and
# both make the same version table.
#
# The database is RETORT_TEST_DB (sqlite, the default, or postgresql, with
# Alembic going through psycopg2).  On PostgreSQL each test makes its own
# database on the private server at RETORT_TEST_PG_URL and drops it at the
# end.  Alembic is Debian's python3-alembic, run as
# `/usr/bin/python3 -m alembic`.

load helpers

A=3f2a9c1b7d4e
B=8c1d2e3f4a5b
C=c0ffee123456
D=d15ea5e01234
E=e5e5e5e5e5e5

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	I_DB=$RETORT_TEST_DB
	# one database for the test, dropped by helpers' db_drop_all; a SQLite
	# path that holds from every project folder the test makes
	if is_pg; then
		/usr/bin/python3 -c 'import psycopg2' 2>/dev/null ||
			skip "no psycopg2 for Alembic (apt-get install python3-psycopg2)"
		I_URL=$(dburl t) || return 1
	else
		I_URL="sqlite:///$BATS_TEST_TMPDIR/t.db"
	fi
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import alembic' 2>/dev/null ||
		skip "no python3-alembic"
	i_projects
}

# i_q SQL: a query on the test database, one row a line, '|' between columns.
i_q() {
	if [ "$I_DB" = sqlite ]; then
		sqlite3 -batch "$BATS_TEST_TMPDIR/t.db" "$1"
	else
		psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$I_URL" -c "$1"
	fi
}

# The two tools, each in its own project folder.
i_alembic() { (cd "$BATS_TEST_TMPDIR/al" && /usr/bin/python3 -m alembic "$@"); }
i_retort() { (cd "$BATS_TEST_TMPDIR/rt" && "$RETORT" "$@"); }

# i_rev ID PARENTS MESSAGE UP DOWN: revision ID in both projects.  UP and
# DOWN hold one statement a line (op.execute runs one at a time).
i_rev() {
	local id=$1 parents=$2 msg=$3 up=$4 down=$5 down_rev stmt
	{
		printf -- '-- %s\n--\n-- Revision ID: %s\n-- Revises: %s\n' "$msg" "$id" "$parents"
		printf -- '-- Create Date: 2026-01-01 00:00:00.000000\n\n'
		printf -- '-- migrate:upgrade\n%s\n\n-- migrate:downgrade\n%s\n' "$up" "$down"
	} >"rt/migrations/versions/${id}_$(printf '%s' "$msg" | tr ' ' _).sql"
	case $parents in
	"") down_rev=None ;;
	*,*) down_rev="($(printf '%s' "$parents" | sed "s/ //g; s/\\([0-9a-f]*\\)/'\\1'/g"))" ;;
	*) down_rev="'$parents'" ;;
	esac
	{
		printf '"""%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: 2026-01-01 00:00:00.000000\n\n"""\n' \
			"$msg" "$id" "$parents"
		printf 'from alembic import op\n\n'
		printf "revision = '%s'\ndown_revision = %s\nbranch_labels = None\ndepends_on = None\n\n\n" \
			"$id" "$down_rev"
		printf 'def upgrade():\n    pass\n'
		while IFS= read -r stmt; do
			[ -z "$stmt" ] || printf '    op.execute(%s)\n' "$(i_pystr "$stmt")"
		done <<<"$up"
		printf '\n\ndef downgrade():\n    pass\n'
		while IFS= read -r stmt; do
			[ -z "$stmt" ] || printf '    op.execute(%s)\n' "$(i_pystr "$stmt")"
		done <<<"$down"
	} >"al/migrations/versions/${id}_$(printf '%s' "$msg" | tr ' ' _).py"
}

# i_pystr TEXT: TEXT as a Python string literal, without its trailing ';'.
i_pystr() {
	/usr/bin/python3 -c 'import sys; print(repr(sys.argv[1].rstrip().rstrip(";")))' "$1"
}

# The two projects over one database, with the graph above.
i_projects() {
	mkdir -p al rt/migrations/versions
	(cd al && /usr/bin/python3 -m alembic init -t generic migrations >/dev/null 2>&1) || return 1
	local tmp
	tmp=$(mktemp)
	awk -v url="$I_URL" '/^sqlalchemy\.url *=/ { print "sqlalchemy.url = " url; next } { print }' \
		al/alembic.ini >"$tmp" && mv "$tmp" al/alembic.ini
	printf '[retort]\nscript_location = migrations\nurl = %s\n' "$I_URL" >rt/retort.ini
	i_rev $A "" "create todos" \
		"CREATE TABLE todos (id INTEGER NOT NULL PRIMARY KEY, title VARCHAR(100) NOT NULL);" \
		"DROP TABLE todos;"
	i_rev $B $A "create users" \
		"CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(200) NOT NULL);
INSERT INTO users (id, email) VALUES (1, 'ann@example.com');" \
		"DROP TABLE users;"
	i_rev $C $B "add phone" \
		"ALTER TABLE users ADD COLUMN phone VARCHAR(20);" \
		"ALTER TABLE users DROP COLUMN phone;"
	i_rev $D $B "index todos title" \
		"CREATE INDEX ix_todos_title ON todos (title);" \
		"DROP INDEX ix_todos_title;"
	i_rev $E "$C, $D" "merge phone and index" \
		"CREATE TABLE audit (id INTEGER NOT NULL PRIMARY KEY, note VARCHAR(50));
INSERT INTO audit (id, note) VALUES (1, 'merged');" \
		"DROP TABLE audit;"
}

# i_current TOOL: TOOL's `current` on stdout, its lines sorted, one per line.
i_current() {
	local out
	if [ "$1" = alembic ]; then
		out=$(i_alembic current 2>/dev/null) || { echo "<alembic current failed>"; return 1; }
	else
		out=$(i_retort current 2>/dev/null) || { echo "<retort current failed>"; return 1; }
	fi
	printf '%s\n' "$out" | sed 's/ *$//' | grep . | sort
}

# i_agree EXPECTED: both tools' `current` print EXPECTED (lines, any order).
i_agree() {
	local want al rt
	want=$(printf '%s\n' "$@" | sort)
	al=$(i_current alembic)
	rt=$(i_current retort)
	if [ "$al" != "$want" ] || [ "$rt" != "$want" ]; then
		printf 'expected current:\n%s\nalembic current:\n%s\nretort current:\n%s\n' \
			"$want" "$al" "$rt" >&2
		return 1
	fi
}

# i_rows: the version table's rows, sorted, space-separated.
i_rows() {
	i_q "SELECT version_num FROM alembic_version ORDER BY version_num" | tr '\n' ' ' | sed 's/ $//'
}

# i_tables: the user tables, sorted, space-separated.
i_tables() {
	if [ "$I_DB" = sqlite ]; then
		i_q "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	else
		i_q "SELECT tablename FROM pg_tables WHERE schemaname='public' ORDER BY tablename"
	fi | tr '\n' ' ' | sed 's/ $//'
}

# i_has_phone: users has the column phone ("1") or not ("0").
i_has_phone() {
	if [ "$I_DB" = sqlite ]; then
		i_q "SELECT count(*) FROM pragma_table_info('users') WHERE name='phone'"
	else
		i_q "SELECT count(*) FROM information_schema.columns WHERE table_name='users' AND column_name='phone'"
	fi
}

# i_has_index: the index ix_todos_title exists ("1") or not ("0").
i_has_index() {
	if [ "$I_DB" = sqlite ]; then
		i_q "SELECT count(*) FROM sqlite_master WHERE type='index' AND name='ix_todos_title'"
	else
		i_q "SELECT count(*) FROM pg_indexes WHERE indexname='ix_todos_title'"
	fi
}

# i_version_ddl: the version table as the database describes it.
i_version_ddl() {
	if [ "$I_DB" = sqlite ]; then
		i_q "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE tbl_name='alembic_version' ORDER BY type, name"
	else
		i_q "SELECT column_name, data_type, character_maximum_length, is_nullable, coalesce(column_default, '')
		     FROM information_schema.columns WHERE table_schema='public' AND table_name='alembic_version'
		     ORDER BY ordinal_position"
		i_q "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
		     WHERE conrelid='public.alembic_version'::regclass ORDER BY conname"
		i_q "SELECT indexname, indexdef FROM pg_indexes
		     WHERE schemaname='public' AND tablename='alembic_version' ORDER BY indexname"
	fi
}

@test "alembic to rev 2, retort to head, retort down to rev 1, alembic to head" {
	run i_alembic upgrade $B
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	expect_eq "$(i_tables)" "alembic_version todos users"
	i_agree "$B (branchpoint)"

	# retort takes over Alembic's version table
	run --separate-stderr i_retort upgrade heads
	expect_status 0
	expect_match "$stderr" "^Running upgrade $B -> $C, add phone"
	expect_match "$stderr" "^Running upgrade $B -> $D, index todos title"
	expect_match "$stderr" "^Running upgrade $C, $D -> $E, merge phone and index"
	expect_no_match "$stderr" "-> ($A|$B),"
	expect_eq "$(i_rows)" "$E"
	expect_eq "$(i_tables)" "alembic_version audit retort_log todos users"
	i_agree "$E (head) (mergepoint)"

	# and hands it back: Alembic ignores retort_log
	run --separate-stderr i_retort downgrade $A
	expect_status 0
	expect_eq "$(i_rows)" "$A"
	expect_eq "$(i_tables)" "alembic_version retort_log todos"
	i_agree "$A"
	run i_alembic upgrade head
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	i_agree "$E (head) (mergepoint)"
	expect_eq "$(i_tables)" "alembic_version audit retort_log todos users"
	expect_eq "$(i_has_phone)" 1
	expect_eq "$(i_q "SELECT count(*) FROM users")" 1
	expect_eq "$(i_q "SELECT count(*) FROM audit")" 1
	# retort's journal holds its own steps, once each (the order of two
	# independent branches is free), and retort reads Alembic's head
	expect_eq "$(i_q "SELECT operation || ' ' || revision FROM retort_log ORDER BY operation, revision" | tr '\n' ' ')" \
		"downgrade $B downgrade $C downgrade $D downgrade $E upgrade $C upgrade $D upgrade $E "
	run --separate-stderr i_retort current --check-heads
	expect_status 0
}

@test "retort to rev 2 from nothing, alembic to head, alembic down to rev 1, retort to head" {
	run --separate-stderr i_retort upgrade $B
	expect_status 0
	expect_eq "$(i_tables)" "alembic_version retort_log todos users"
	i_agree "$B (branchpoint)"

	run i_alembic upgrade heads
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	expect_eq "$(i_rows)" "$E"
	i_agree "$E (head) (mergepoint)"

	run i_alembic downgrade $A
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	i_agree "$A"
	expect_eq "$(i_tables)" "alembic_version retort_log todos"

	run --separate-stderr i_retort upgrade head
	expect_status 0
	expect_eq "$(printf '%s\n' "$stderr" | grep -c '^Running upgrade')" 4
	i_agree "$E (head) (mergepoint)"
	expect_eq "$(i_has_phone)" 1
	expect_eq "$(i_has_index)" 1
	expect_eq "$(i_q "SELECT count(*) FROM users")" 1
}

@test "on a branch, each tool moves one branch and the other reads both heads" {
	run i_alembic upgrade $C
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	i_agree "$C"
	run --separate-stderr i_retort upgrade $D
	expect_status 0
	expect_eq "$(i_rows)" "$C $D"
	i_agree "$C" "$D"
	# down to the branch point reverts both branches, as Alembic does
	run --separate-stderr i_retort downgrade $B
	expect_status 0
	i_agree "$B (branchpoint)"
	expect_eq "$(i_has_phone)" 0
	expect_eq "$(i_has_index)" 0
	run i_alembic upgrade head
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	i_agree "$E (head) (mergepoint)"
}

@test "the version table retort makes is the one Alembic makes" {
	run i_alembic upgrade $A
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	local by_alembic by_retort
	by_alembic=$(i_version_ddl)
	expect_match "$by_alembic" "alembic_version_pkc"
	expect_match "$by_alembic" "32"
	run i_alembic downgrade base
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	i_q "DROP TABLE alembic_version" >/dev/null
	expect_eq "$(i_tables)" ""

	run --separate-stderr i_retort upgrade $A
	expect_status 0
	by_retort=$(i_version_ddl)
	expect_eq "$by_retort" "$by_alembic"
	printf '%s\n' "$by_retort" | sed 's/^/# /' >&3
	i_agree "$A"
}
