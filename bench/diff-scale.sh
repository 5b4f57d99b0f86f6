#!/usr/bin/env bash
# bench/diff-scale.sh: the time of `retort diff` against a large model.
#
# The model has N tables (default 1000), each with 4 columns, a primary
# key, an index, and a foreign key to the table before it; the database is
# empty, so the diff creates everything.  A second row turns it round (the
# database holds the N tables, the model is empty, the diff drops them):
# that isolates reading a large catalog and comparing it from loading a
# large model into the scratch database.  It is timed with hyperfine on
# SQLite (the model loads into an in-memory scratch database) and on
# PostgreSQL (a private server from scripts/pg-test-server, started here
# and stopped on every way out; the model loads into a scratch database
# made and dropped on that server), and the medians are printed as a
# Markdown table.  Workloads go to bench/work/, which git ignores.
#
#   bench/diff-scale.sh [N]      RETORT=path/to/retort to pick a build,
#                                RUNS (default 5), CHECK_PG=0 for SQLite only
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
retort=${RETORT:-$here/build/retort}
work=$here/bench/work/diff
runs=${RUNS:-5}
n=${1:-1000}

command -v hyperfine >/dev/null || { echo "diff-scale: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[ -x "$retort" ] || { echo "diff-scale: no retort binary at $retort (make build)" >&2; exit 1; }

pg_dir=""
stop_pg() {
	[ -z "$pg_dir" ] || scripts/pg-test-server stop "$pg_dir" >/dev/null 2>&1 || true
	pg_dir=""
}
trap stop_pg EXIT
trap 'stop_pg; exit 130' INT
trap 'stop_pg; exit 143' TERM HUP

# model N FILE: the schema, portable SQL that SQLite and PostgreSQL both take.
model() {
	awk -v n="$1" 'BEGIN {
		for (i = 1; i <= n; i++) {
			t = sprintf("t%05d", i)
			fk = i > 1 ? sprintf(" REFERENCES t%05d (id)", i - 1) : ""
			printf "CREATE TABLE %s (\n    id integer PRIMARY KEY,\n    prev_id integer%s,\n", t, fk
			printf "    name varchar(100) NOT NULL,\n    amount integer DEFAULT 0\n);\n"
			printf "CREATE INDEX ix_%s_name ON %s (name);\n", t, t
		}
	}' >"$2"
}

# project DIR URL [MODEL]: a project whose model is the big one (or MODEL).
project() {
	mkdir -p "$1/migrations/versions"
	printf '[retort]\nscript_location = migrations\nurl = %s\n' "$2" >"$1/retort.ini"
	cp "${3:-$work/schema.sql}" "$1/schema.sql"
}

# expect DIR WHAT COUNT: `retort diff` in DIR writes COUNT lines starting WHAT.
expect() {
	local lines
	lines=$(cd "$1" && "$retort" diff | grep -c "^$2")
	[ "$lines" -eq "$3" ] || { echo "diff-scale: $1: $lines '$2' statements, not $3" >&2; exit 1; }
}

# median DIR: the median wall time of `retort diff` in DIR, in ms.
median() {
	local json
	json=$(mktemp)
	(cd "$1" && hyperfine -N -w 1 -r "$runs" --export-json "$json" "$retort diff" >/dev/null 2>&1)
	python3 -c 'import json,sys; print("%.0f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$json"
	rm -f "$json"
}

rm -rf "$work"
mkdir -p "$work"
model "$n" "$work/schema.sql"

: >"$work/empty.sql"
project "$work/sqlite" "sqlite:///empty.db"
expect "$work/sqlite" CREATE $((2 * n))
sqlite_ms=$(median "$work/sqlite")
project "$work/sqlite-full" "sqlite:///full.db" "$work/empty.sql"
sqlite3 -batch "$work/sqlite-full/full.db" <"$work/schema.sql"
expect "$work/sqlite-full" "DROP TABLE" "$n"
sqlite_full_ms=$(median "$work/sqlite-full")
pg_ms="(skipped)"
pg_full_ms="(skipped)"

if [ "${CHECK_PG:-1}" != 0 ]; then
	pg_dir=$work/pg
	url=$(scripts/pg-test-server start "$pg_dir")
	psql -XAtq -d "$url" -c "CREATE DATABASE bench" -c "CREATE DATABASE bench_full" >/dev/null
	project "$work/postgres" "${url%/*}/bench"
	expect "$work/postgres" CREATE $((2 * n))
	pg_ms=$(median "$work/postgres")
	psql -XAtq -1 -d "${url%/*}/bench_full" -f "$work/schema.sql" >/dev/null
	project "$work/postgres-full" "${url%/*}/bench_full" "$work/empty.sql"
	expect "$work/postgres-full" "DROP TABLE" "$n"
	pg_full_ms=$(median "$work/postgres-full")
	stop_pg
fi

echo "retort diff with $n tables (4 columns, primary key, index, foreign key each)"
echo "median of $runs runs (hyperfine), ms"
echo
echo "| database | model of $n tables, empty database | empty model, database of $n tables |"
echo "| --- | ---: | ---: |"
echo "| SQLite | $sqlite_ms | $sqlite_full_ms |"
echo "| PostgreSQL | $pg_ms | $pg_full_ms |"
