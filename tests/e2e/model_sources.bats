#!/usr/bin/env bats
# retort-db: both
#
# model_sources.bats: the model from where a team already keeps its schema:
# SQLAlchemy models (`model = sqlalchemy: module:object`, through retort's
# helper and SQLAlchemy's own DDL compiler), any command (`model = exec:
# CMD`), and a dump (`pg_dump --schema-only` with its \restrict lines and
# its empty search_path; `sqlite3 .schema`).

load helpers

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sqlalchemy' 2>/dev/null ||
		skip "no python3-sqlalchemy"
	export RETORT_PYTHON=/usr/bin/python3
	project
	cat >models.py <<'EOF'
import enum
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Status(enum.Enum):
    todo = "todo"
    done = "done"


class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(120), nullable=False, unique=True)
    active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())


class Todo(Base):
    __tablename__ = "todos"
    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), index=True)
    title = sa.Column(sa.Text, nullable=False)
    status = sa.Column(sa.Enum(Status, name="todo_status"), nullable=False, server_default="todo")
    __table_args__ = (sa.CheckConstraint("length(title) > 0", name="ck_todo_title"),)
EOF
	retort upgrade head -q # the database, empty
}

use_model() {
	local tmp
	tmp=$(mktemp)
	awk -v m="$1" '/^model *=/ { next } { print } /^\[retort\]/ { print "model = " m }' retort.ini >"$tmp"
	mv "$tmp" retort.ini
}

@test "sqlalchemy: the team's models drive autogenerate and check" {
	use_model "sqlalchemy: models:Base.metadata"
	run retort check
	expect_status 1
	expect_match "$output" "add table 'todos'"
	run retort revision --autogenerate -m "from the models"
	expect_status 0
	run retort upgrade head
	expect_status 0
	has_table todos
	run retort check
	expect_status 0
	expect_eq "$output" "No new upgrade operations detected."
	# a change to the models is a new revision
	sed -i 's/^    title = sa.Column(sa.Text, nullable=False)$/&\n    due = sa.Column(sa.Date)/' models.py
	run retort check
	expect_status 1
	expect_match "$output" "add column 'todos.due'"
	if is_pg; then
		expect_eq "$(sql "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE typname = 'todo_status'")" "todo,done"
	fi
}

@test "the interpreter: the #! of alembic on PATH by default, or --python, RETORT_PYTHON, python =; -v names it" {
	use_model "sqlalchemy: models:Base.metadata"
	unset RETORT_PYTHON
	# the alembic command a team installed: its interpreter is the project's
	mkdir bin
	printf '#!/usr/bin/python3\nimport sys\n' >bin/alembic
	chmod +x bin/alembic
	run --separate-stderr env PATH="$PWD/bin:$PATH" "$RETORT" -v check
	expect_status 1
	expect_match "$stderr" "python: /usr/bin/python3 \\(the #! line of alembic on PATH\\)"
	expect_match "$output" "add table 'todos'"
	# named in the config, it wins (and a wrong one is named when it fails)
	set_key python /no/such/python3
	run --separate-stderr env PATH="$PWD/bin:$PATH" "$RETORT" -v check
	expect_status 2
	expect_match "$stderr" "python: /no/such/python3 \\(from the config's python key\\)"
	expect_match "$stderr" "cannot run '/no/such/python3'"
	# and RETORT_PYTHON over the config
	run --separate-stderr env PATH="$PWD/bin:$PATH" RETORT_PYTHON=/usr/bin/python3 "$RETORT" -v check
	expect_status 1
	expect_match "$stderr" "python: /usr/bin/python3 \\(from RETORT_PYTHON\\)"
}

@test "sqlalchemy: a model that does not import is a configuration error naming it" {
	use_model "sqlalchemy: nosuchmodule:Base.metadata"
	BEFORE=$(dbsum)
	FILES_BEFORE=$(files_now)
	problems=$(refused "import" "retort.ini: model = sqlalchemy: nosuchmodule:Base.metadata: .*No module named 'nosuchmodule'" retort check)
	[ -z "$problems" ] || { echo "$problems" >&2; return 1; }
}

@test "exec: any command's output is the model; a failing command is exit 2" {
	printf 'CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT);\n' >gen.sql
	use_model "exec: cat gen.sql"
	run retort revision --autogenerate -m kv
	expect_status 0
	run retort upgrade head
	expect_status 0
	run retort check
	expect_status 0
	use_model "exec: echo broken >&2; exit 3"
	BEFORE=$(dbsum)
	FILES_BEFORE=$(files_now)
	problems=$(refused "failing" "model = exec: echo broken >&2; exit 3: /bin/sh failed: broken" retort check)
	[ -z "$problems" ] || { echo "$problems" >&2; return 1; }
}

@test "exec: a command that hangs is stopped at model_timeout, with all it started; none outlives a killed retort" {
	local mark="sleep 41.$$"
	use_model "exec: $mark; echo 'CREATE TABLE kv (k TEXT);'"
	set_key model_timeout 1s
	run --separate-stderr retort check
	expect_status 2
	expect_match "$stderr" "model = exec: $mark.*: did not finish within 1 s \\(model_timeout\\); it was stopped"
	! pgrep -f "$mark" >/dev/null || { echo "the command still runs after the timeout"; return 1; }
	# kill -9 of retort in the middle: its command goes with it
	set_key model_timeout 60s
	"$RETORT" check >/dev/null 2>&1 &
	local pid=$! i
	for i in $(seq 1 100); do pgrep -f "$mark" >/dev/null && break; sleep 0.05; done
	pgrep -f "$mark" >/dev/null || { echo "the command never started"; return 1; }
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	for i in $(seq 1 100); do pgrep -f "$mark" >/dev/null || break; sleep 0.05; done
	! pgrep -f "$mark" >/dev/null || { echo "the command outlived a killed retort"; pkill -f "$mark"; return 1; }
	# Ctrl-C: exit 130, and the command is gone
	"$RETORT" check >/dev/null 2>err.txt &
	pid=$!
	for i in $(seq 1 100); do pgrep -f "$mark" >/dev/null && break; sleep 0.05; done
	kill -INT "$pid"
	local rc=0
	wait "$pid" || rc=$?
	expect_eq "$rc" 130
	! pgrep -f "$mark" >/dev/null || { echo "the command outlived an interrupted retort"; return 1; }
}

@test "exec: an empty command and output with a NUL byte are configuration errors, not a model" {
	use_model "exec:"
	run --separate-stderr retort check
	expect_status 2
	expect_match "$stderr" "model = exec: names no command"
	printf '%s\n' "printf 'CREATE TABLE a (x INTEGER);\\000CREATE TABLE b (x INTEGER);\\n'" >gen.sh
	use_model "exec: sh gen.sh"
	run --separate-stderr retort check
	expect_status 2
	expect_match "$stderr" "its output holds a NUL byte at offset 27"
}

@test "a dump of the database is a model: pg_dump --schema-only, sqlite3 .schema" {
	use_model "sqlalchemy: models:Base.metadata"
	retort revision --autogenerate -m init -q
	retort upgrade head -q
	if is_pg; then
		pg_dump --schema-only -T alembic_version -T retort_log -T retort_log_id_seq \
			-d "$(db_conn t)" >dump.sql
	else
		sqlite3 t.db .schema >dump.sql
	fi
	use_model "dump.sql"
	run retort check
	expect_status 0
	expect_eq "$output" "No new upgrade operations detected."
	# the dump's tables are read by name, not through the empty search_path
	# it sets: a table made after the dump is the only difference
	sql "CREATE TABLE extra (id integer PRIMARY KEY)"
	run retort check
	expect_status 1
	expect_match "$output" "remove table 'extra'"
	expect_no_match "$output" "users|todos"
}

@test "autogenerate from SQLAlchemy models gives Alembic's operations, model change by model change" {
	is_sqlite || /usr/bin/python3 -c 'import psycopg2' 2>/dev/null || skip "no python3-psycopg2"
	local url
	url=$(dburl parity)
	is_sqlite && url="sqlite:///$BATS_TEST_TMPDIR/parity.db"
	mkdir parity
	run /usr/bin/python3 "$RETORT_SOURCE/tests/e2e/autogen_parity.py" "$RETORT" "$url" "$BATS_TEST_TMPDIR/parity"
	printf '%s\n' "$output"
	expect_status 0
	# nine model changes on both; PostgreSQL adds an enum value, which only retort sees
	if is_pg; then
		expect_match "$output" "^10 cases, 0 differ$"
		expect_match "$output" "^enum value: same; retort also: \[\('add_enum_value', 'mood', 'mood'\)\]$"
	else
		expect_match "$output" "^9 cases, 0 differ$"
	fi
}
