#!/usr/bin/env bats
# retort-db: both
#
# alembic_project.bats: an Alembic project as a team has it (alembic init,
# tests/data/alembic_project: 32 .py revisions using the common op.* calls,
# a branch labelled "audit", a merge, depends_on, typed and untyped
# templates), read by retort as it is, converted with `retort convert`
# (Alembic's own SQL, verified step by step against Alembic on scratch
# databases), then used by both tools in turns on one database.
#
# Alembic is Debian's python3-alembic (/usr/bin/python3 -m alembic); on
# PostgreSQL it goes through psycopg2, on a database of its own per test.

load helpers

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import alembic' 2>/dev/null ||
		skip "no python3-alembic"
	if is_pg; then
		/usr/bin/python3 -c 'import psycopg2' 2>/dev/null || skip "no python3-psycopg2"
		P_URL=$(dburl t) || return 1
	else
		P_URL="sqlite:///$BATS_TEST_TMPDIR/t.db"
	fi
	export RETORT_PYTHON=/usr/bin/python3
	cp -r "$RETORT_SOURCE/tests/data/alembic_project" p
	sed -i "s|^sqlalchemy.url = .*|sqlalchemy.url = $P_URL|" p/alembic.ini
	cd p || return 1
	VERS=$PWD/alembic/versions
}

al() { /usr/bin/python3 -m alembic "$@" 2>&1 | { grep -v '^INFO  \[alembic' || true; }; }

# schema: the database's schema as text, without the version tables.
schema() {
	if is_pg; then
		pg_schema t -T alembic_version -T retort_log -T retort_log_id_seq | grep -v '^$'
	else
		# the text SQLite keeps, in whitespace Alembic's online and offline runs
		# write differently (a tab, four spaces)
		sqlite3 -batch "$BATS_TEST_TMPDIR/t.db" "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL
			AND tbl_name NOT IN ('alembic_version', 'retort_log') ORDER BY name" | tr -s ' \t' ' '

	fi
}

@test "the unconverted project: every reading command answers as Alembic does" {
	for args in heads branches "history" "history -v" "history -r 10a1b2c3d4e5:21a1b2c3d4e5" \
		"history -r audit@base:audit@head" "show 21a1b2c3d4e5" "show audit@head" "heads --resolve-dependencies" \
		"history -r-3:head" "history -r-2:" "history -r-1:heads"; do
		# compared as files: $(...) would drop a trailing blank line
		al $args >al.out
		run --separate-stderr retort $args
		expect_status 0
		"$RETORT" -q $args >rt.out 2>/dev/null
		cmp -s al.out rt.out || { echo "differs: $args" >&2; diff al.out rt.out >&2; return 1; }
	done
	al upgrade 13a1b2c3d4e5 >/dev/null
	al upgrade audit@17a1b2c3d4e5 >/dev/null
	# Alembic prints a set of revisions: its order is its own
	expected=$(al current | sort)
	run --separate-stderr retort current
	expect_status 0
	expect_eq "$(printf '%s\n' "$output" | sort)" "$expected"
	run --separate-stderr retort status
	expect_status 0
}

@test "upgrading an unconverted revision is refused before anything runs" {
	al upgrade 13a1b2c3d4e5 >/dev/null
	BEFORE=$(dbsum)
	FILES_BEFORE=$(files_now)
	problems=$(refused "upgrade" "cannot run .*14a1b2c3d4e5_task_status_enum\.py.*retort convert" retort upgrade heads)
	problems+=$(refused "downgrade" "cannot run .*13a1b2c3d4e5.*retort convert" retort downgrade -1)
	problems+=$(refused "--sql" "retort convert" retort upgrade 13a1b2c3d4e5:heads --sql)
	[ -z "$problems" ] || { echo "$problems" >&2; return 1; }
	# stamp needs no SQL
	run retort stamp 15a1b2c3d4e5
	expect_status 0
	expect_eq "$(al current)" "15a1b2c3d4e5"
}

@test "convert: Alembic's SQL for all 32 revisions, verified at every step both ways, idempotent" {
	# run where its pid is known: scratch databases carry the pid of their retort
	"$RETORT" convert >convert.out 2>convert.err &
	local convert_pid=$!
	status=0
	wait "$convert_pid" || status=$?
	output=$(cat convert.out)
	stderr=$(cat convert.err)
	expect_status 0
	expect_eq "$(ls "$VERS"/*.sql | wc -l)" 32
	expect_match "$stderr" "^32 converted; verified against Alembic on scratch $RETORT_TEST_DB databases: 32 upgrade and 32 downgrade steps, schemas identical after each$"
	expect_match "$stderr" 'include_object'
	# each twin carries the module's header; retort now reads one graph
	grep -q '^-- Revises: 20a1b2c3d4e5, 18a1b2c3d4e5$' "$VERS"/21a1b2c3d4e5_*.sql
	grep -q '^-- Branch Labels: audit$' "$VERS"/16a1b2c3d4e5_*.sql
	grep -q '^-- Depends On: 18a1b2c3d4e5$' "$VERS"/26a1b2c3d4e5_*.sql
	expect_eq "$(retort history 2>/dev/null)" "$(al history)"
	# no scratch database of this convert is left behind (other tests' may be there)
	if is_pg; then
		expect_eq "$(pg_admin "SELECT count(*) FROM pg_database WHERE datname LIKE 'retort\\_scratch\\_%\\_${convert_pid}\\_%'")" 0
	fi
	run --separate-stderr retort convert
	expect_status 0
	expect_match "$stderr" 'nothing to convert'
	expect_eq "$(ls "$VERS"/*.sql | wc -l)" 32
}

@test "converted: Alembic and retort take turns on one database and read each other's state" {
	retort convert -q
	al upgrade 12a1b2c3d4e5 >/dev/null
	run retort current
	expect_eq "$output" "12a1b2c3d4e5"
	run retort upgrade heads
	expect_status 0
	expect_eq "$(al current)" "32a1b2c3d4e5 (head)"
	after_retort=$(schema)
	al downgrade 20a1b2c3d4e5 >/dev/null
	run retort current
	expect_eq "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" "18a1b2c3d4e5 20a1b2c3d4e5 "
	al upgrade heads >/dev/null
	expect_eq "$(schema)" "$after_retort"
	run retort downgrade base
	expect_status 0
	expect_eq "$(al current)" ""
	# the same history by Alembic alone gives the same schema
	al upgrade heads >/dev/null
	expect_eq "$(schema)" "$after_retort"

	# a new revision by each tool reaches the other
	run retort revision -m "retort side" --rev-id 40a1b2c3d4e5
	expect_status 0
	f=$(ls "$VERS"/40a1b2c3d4e5*.sql)
	sed -i 's/^-- migrate:downgrade$/CREATE TABLE from_retort (id integer primary key);\n&\nDROP TABLE from_retort;/' "$f"
	run retort convert --to-alembic
	expect_status 0
	ls "$VERS"/40a1b2c3d4e5*.py
	al revision -m "alembic side" --rev-id 41a1b2c3d4e5 >/dev/null
	py=$(ls "$VERS"/41a1b2c3d4e5*.py)
	sed -i 's/^def upgrade() -> None:$/&\n    op.create_table("from_alembic", sa.Column("id", sa.Integer, primary_key=True))/; s/^def downgrade() -> None:$/&\n    op.drop_table("from_alembic")/' "$py"
	run retort convert
	expect_status 0
	expect_match "$stderr$output" '^1 converted; verified'
	al upgrade 40a1b2c3d4e5 >/dev/null
	run retort upgrade head
	expect_status 0
	expect_eq "$(al current)" "41a1b2c3d4e5 (head)"
	schema | grep -q from_retort
	schema | grep -q from_alembic
	al downgrade 40a1b2c3d4e5 >/dev/null
	run retort downgrade 32a1b2c3d4e5
	expect_status 0
	not has_table from_retort
}

@test "twins that disagree are refused, naming both files" {
	retort convert -q
	BEFORE=$(dbsum)
	sed -i 's/^-- Revises: 04a1b2c3d4e5$/-- Revises: 03a1b2c3d4e5/' "$VERS"/05a1b2c3d4e5_*.sql
	FILES_BEFORE=$(files_now)
	problems=$(refused "disagree" "05a1b2c3d4e5_widen_users_name\.sql:[0-9]+: its twin .*05a1b2c3d4e5_widen_users_name\.py .*disagrees on Revises" retort heads)
	[ -z "$problems" ] || { echo "$problems" >&2; return 1; }
}

@test "a computed value in a revision module is refused with file:line" {
	BEFORE=$(dbsum)
	printf '"""x"""\nrevision = "%s"\ndown_revision = get_parent()\n' ab12cd34ef56 >"$VERS"/ab12cd34ef56_x.py
	FILES_BEFORE=$(files_now)
	problems=$(refused "computed" "ab12cd34ef56_x\.py:3: 'down_revision' is not a literal" retort heads)
	printf '"""x"""\ndown_revision = None\n' >"$VERS"/ab12cd34ef56_x.py
	problems+=$(refused "no revision" "ab12cd34ef56_x\.py:1: no module-level 'revision" retort history)
	[ -z "$problems" ] || { echo "$problems" >&2; return 1; }
}

@test "what Alembic cannot render offline is listed with its line; the rest is converted" {
	cat >"$VERS"/50a1b2c3d4e5_backfill.py <<'EOF'
"""backfill from a query"""
from alembic import op
import sqlalchemy as sa

revision = "50a1b2c3d4e5"
down_revision = "32a1b2c3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    for (uid,) in conn.execute(sa.text("SELECT id FROM users")).fetchall():
        pass


def downgrade():
    pass
EOF
	run --separate-stderr retort convert
	expect_status 1
	expect_match "$stderr" '50a1b2c3d4e5_backfill\.py:12: not converted: op\.get_bind\(\) needs a live database'
	expect_match "$stderr" '^32 converted; verified .* \(revisions after one not converted were not verified\)$'
	expect_match "$stderr" '1 revision not converted'
	expect_eq "$(ls "$VERS"/*.sql | wc -l)" 32
	not ls "$VERS"/50a1b2c3d4e5_backfill.sql
}

@test "verification stops at the first step where Alembic's SQL and its online run differ" {
	cat >"$VERS"/50a1b2c3d4e5_sly.py <<'EOF'
"""a module that does one thing offline and another online"""
from alembic import op, context
import sqlalchemy as sa

revision = "50a1b2c3d4e5"
down_revision = "32a1b2c3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_context().as_sql:
        op.create_table("sly", sa.Column("id", sa.Integer, primary_key=True))
    else:
        op.create_table("sly", sa.Column("id", sa.Integer, primary_key=True), sa.Column("extra", sa.Text))


def downgrade():
    op.drop_table("sly")
EOF
	run --separate-stderr retort convert
	expect_status 1
	expect_match "$stderr" "50a1b2c3d4e5_sly\.py: after its upgrade, retort's SQL leaves a schema that differs from Alembic's \(from Alembic's to retort's: remove column 'sly\.extra'\); no file was written"
	not ls "$VERS"/*.sql
}

@test "convert --to-alembic: a .sql project becomes one Alembic runs to the same schema" {
	retort convert -q
	# keep only the .sql files: a retort project
	rm "$VERS"/*.py
	run retort convert --to-alembic
	expect_status 0
	expect_eq "$(ls "$VERS"/*.py | wc -l)" 32
	expect_eq "$(al heads)" "32a1b2c3d4e5 (audit) (head)"
	al upgrade heads >/dev/null
	by_alembic=$(schema)
	al downgrade base >/dev/null
	retort upgrade heads -q
	expect_eq "$(schema)" "$by_alembic"
	# nothing is written twice
	run retort convert --to-alembic
	expect_status 0
	expect_match "$stderr$output" '0 Alembic twins written'
}

@test "convert A:B converts a range, verified on its own, and then the rest" {
	run --separate-stderr retort convert 01a1b2c3d4e5:05a1b2c3d4e5
	expect_status 0
	expect_eq "$(ls "$VERS"/*.sql | wc -l)" 5
	expect_match "$stderr" "^5 converted; verified .*: 5 upgrade and 5 downgrade steps"
	run --separate-stderr retort convert
	expect_status 0
	expect_eq "$(ls "$VERS"/*.sql | wc -l)" 32
	expect_match "$stderr" "^27 converted; verified .*: 32 upgrade and 32 downgrade steps"
}
