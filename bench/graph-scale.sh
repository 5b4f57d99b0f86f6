#!/usr/bin/env bash
# bench/graph-scale.sh: how reading the revision graph grows with its size,
# side by side with Alembic on the same revision ids.
#
# For each N (default 1000 and 10000) it writes a linear chain of N revision
# files for retort and the same chain as Alembic .py files, stamps both
# databases at head (so `current` has work to do), and times with hyperfine
# `heads`, `history` and `current` for each tool.  It prints a Markdown table
# of medians and the ratio Alembic / retort, and the growth from the first N
# to the last (linear means about N-fold).  Workloads go to bench/work/,
# which git ignores.
#
#   bench/graph-scale.sh [N...]        RETORT=path/to/retort to pick a build
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
retort=${RETORT:-$here/build/retort}
work=$here/bench/work/graph
runs=${RUNS:-10}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

command -v hyperfine >/dev/null || { echo "graph-scale: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[ -x "$retort" ] || { echo "graph-scale: no retort binary at $retort (make build)" >&2; exit 1; }
alembic=(/usr/bin/python3 -m alembic)

# gen N DIR: both projects for a chain of N revisions.
gen() {
	local n=$1 dir=$2
	rm -rf "$dir"
	mkdir -p "$dir/r/migrations/versions" "$dir/a/m/versions"
	printf '[retort]\nscript_location = migrations\nurl = sqlite:///r.db\n' >"$dir/r/retort.ini"
	awk -v n="$n" -v rdir="$dir/r/migrations/versions" -v adir="$dir/a/m/versions" 'BEGIN {
		for (i = 0; i < n; i++) {
			id = sprintf("%012x", i + 1); prev = i ? sprintf("%012x", i) : ""
			f = rdir "/" id "_step.sql"
			printf "-- step %d\n--\n-- Revision ID: %s\n-- Revises: %s\n\n-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 1;\n", i, id, prev > f
			close(f)
			f = adir "/" id "_step.py"
			printf "\"\"\"step %d\n\nRevision ID: %s\n\"\"\"\nrevision = \"%s\"\ndown_revision = %s\nbranch_labels = None\ndepends_on = None\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n", i, id, id, (prev == "" ? "None" : "\"" prev "\"") > f
			close(f)
		}
	}'
	(cd "$dir/a" && "${alembic[@]}" init -t generic m2 >/dev/null 2>&1 &&
		cp m2/env.py m2/script.py.mako m/ && rm -rf m2 &&
		sed -i 's#^script_location.*#script_location = m#; s#^sqlalchemy.url.*#sqlalchemy.url = sqlite:///a.db#' alembic.ini)
	(cd "$dir/r" && "$retort" -q stamp head)
	(cd "$dir/a" && "${alembic[@]}" stamp head >/dev/null 2>&1)
}

# median DIR CMD...: the median wall time of CMD run in DIR, in ms.
median() {
	local dir=$1 json
	shift
	json=$(mktemp)
	(cd "$dir" && hyperfine -N -w 1 -r "$runs" --export-json "$json" "$*" >/dev/null 2>&1)
	python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$json"
	rm -f "$json"
}

declare -A t
for n in "${sizes[@]}"; do
	gen "$n" "$work/$n"
	for cmd in heads history current; do
		t[r,$cmd,$n]=$(median "$work/$n/r" "$retort" "$cmd")
		t[a,$cmd,$n]=$(median "$work/$n/a" "${alembic[@]}" "$cmd")
	done
done

echo "| command | revisions | retort (ms) | Alembic (ms) | Alembic / retort |"
echo "|---|---:|---:|---:|---:|"
for cmd in heads history current; do
	for n in "${sizes[@]}"; do
		r=${t[r,$cmd,$n]} a=${t[a,$cmd,$n]}
		printf '| %s | %s | %s | %s | %s |\n' "$cmd" "$n" "$r" "$a" \
			"$(python3 -c "print('%.0fx' % ($a / max($r, 0.01)))")"
	done
done
first=${sizes[0]} last=${sizes[-1]}
if [ "$first" != "$last" ]; then
	echo
	echo "Growth from $first to $last revisions ($((last / first))x the revisions):"
	for cmd in heads history current; do
		printf -- '- %s: retort %sx, Alembic %sx\n' "$cmd" \
			"$(python3 -c "print('%.1f' % (${t[r,$cmd,$last]} / ${t[r,$cmd,$first]}))")" \
			"$(python3 -c "print('%.1f' % (${t[a,$cmd,$last]} / ${t[a,$cmd,$first]}))")"
	done
fi
