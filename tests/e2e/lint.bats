#!/usr/bin/env bats
# retort-db: both
#
# lint.bats: `retort lint` on the corpus in tests/data/lint/<database>/
# (see its README): every finding expected and nothing else, each file as
# the only revision of a project; then the command's forms: pending
# revisions, ranges, formats, severities, exit codes, and upgrade's warnings.

load helpers

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	project
}

# expected FILE: "line rule" for each annotation, sorted.
expected() {
	awk '
		function emit(line, rules,   n, a, i) {
			n = split(rules, a, /[ ,]+/)
			for (i = 1; i <= n; i++) if (a[i] != "") print line, a[i]
		}
		pending != "" && $0 !~ /^[ \t]*(--.*)?$/ { emit(NR, pending); pending = "" }
		next_rules != "" { emit(NR, next_rules); next_rules = "" }
		/^-- expect: / { sub(/^-- expect: /, ""); pending = pending " " $0; next }
		/^-- expect-next: / { sub(/^-- expect-next: /, ""); next_rules = $0; next }
	' "$1" | sort
}

@test "the lint corpus: exactly the expected findings, file by file" {
	local f failed=0 n=0 nexp=0
	cp retort.ini retort.ini.orig
	for f in "$RETORT_SOURCE/tests/data/lint/$RETORT_TEST_DB"/*.sql; do
		rm -f migrations/versions/*.sql
		cp "$f" migrations/versions/
		cp retort.ini.orig retort.ini
		while read -r _ _ key value; do
			set_key "$key" "$value"
		done < <(grep '^-- config: ' "$f")
		got=$(retort -q lint --all --format json | /usr/bin/python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print(f["line"], f["rule"])' | sort)
		want=$(expected "$f")
		n=$((n + 1))
		nexp=$((nexp + $(printf '%s' "$want" | grep -c . || true)))
		if [ "$got" != "$want" ]; then
			echo "$(basename "$f"):"
			diff <(echo "$want") <(echo "$got") | sed 's/^</  missed:/; s/^>/  false:/' | grep -E 'missed|false'
			failed=$((failed + 1))
		fi
	done
	echo "$n files, $nexp expected findings, $failed files differ"
	[ "$n" -ge 3 ]
	[ "$failed" -eq 0 ]
}

@test "lint: text, github and sarif formats; --fail-on; exit 2 on bad options" {
	local timeout=""
	is_sqlite || timeout="SET lock_timeout = 1000; "
	mkrev a00000000001 "" "drops" "${timeout}DROP TABLE audit;" "SELECT 1;"
	run --separate-stderr retort lint --all
	expect_status 0 # a warning does not fail by default
	expect_match "$output" "a00000000001_drops\.sql:[0-9]+: warning \[drop-table\] dropping table 'audit'"
	run --separate-stderr retort lint --all --fail-on warning
	expect_status 1
	run --separate-stderr retort lint --all --format github
	expect_match "$output" "^::warning file=.*a00000000001_drops\.sql,line=[0-9]+,title=drop-table::"
	run --separate-stderr retort lint --all --format sarif
	expect_eq "$(printf '%s' "$output" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); r=d["runs"][0]; print(d["version"], r["results"][0]["ruleId"], r["results"][0]["level"], r["tool"]["driver"]["name"])')" "2.1.0 drop-table warning retort"
	run --separate-stderr retort lint --all --format yaml
	expect_status 2
	# a configured severity
	set_key lint.drop-table error
	run --separate-stderr retort lint --all
	expect_status 1
	expect_match "$output" "error \[drop-table\]"
	set_key lint.drop-table off
	run --separate-stderr retort lint --all
	expect_status 0
	expect_eq "$output" ""
}

@test "lint: pending revisions need the database; a range needs none; graph rules" {
	graph branches
	retort -q upgrade "$B"
	run --separate-stderr retort lint
	expect_status 0
	# C and D are pending; A and B are not; two heads
	expect_match "$output" "multiple-heads"
	expect_no_match "$output" "${A}_|${B}_"
	run --separate-stderr retort lint "$A:$B"
	expect_status 0
	expect_no_match "$output" "${C}_"
}

@test "upgrade prints the lint warnings of what it runs; lint_on_upgrade = error refuses" {
	mkrev a00000000001 "" "make" "CREATE TABLE x (id integer);" "DROP TABLE x;"
	local timeout=""
	is_sqlite || timeout="SET lock_timeout = 1000; "
	mkrev a00000000002 a00000000001 "drop" "${timeout}DROP TABLE x;" "CREATE TABLE x (id integer);"
	retort -q upgrade a00000000001
	KEEP_NOTE=1 run --separate-stderr retort upgrade head
	expect_status 0
	expect_match "$stderr" "warning: lint: .*a00000000002_drop\.sql:[0-9]+: warning \[drop-table\] dropping table 'x'"
	# the revision that made x is not linted again, and its own DROP in the downgrade is no finding
	expect_no_match "$stderr" "a00000000001_make"
	retort -q downgrade -1
	set_key lint.drop-table error
	set_key lint_on_upgrade error
	BEFORE=$(dbsum)
	run --separate-stderr retort upgrade head
	expect_status 1
	expect_match "$stderr" "1 lint error in what upgrade would run"
	expect_eq "$(dbsum)" "$BEFORE"
	set_key lint_on_upgrade off
	KEEP_NOTE=1 run --separate-stderr retort upgrade head
	expect_status 0
	expect_no_match "$stderr" "lint"
}

@test "lint: ALTER TYPE ... ADD VALUE in a transaction is judged by the server's version, else lint_server_version" {
	only_db postgresql "an enum rule"
	mkrev a00000000007 "" "mood" "CREATE TYPE mood AS ENUM ('sad', 'ok');" "DROP TYPE mood;"
	mkrev a00000000008 a00000000007 "meh" "ALTER TYPE mood ADD VALUE 'meh';" "SELECT 1;"
	set_key lint_server_version 11
	# no database: the config's version
	run --separate-stderr retort lint --all
	expect_status 1
	expect_match "$output" "a00000000008_meh\.sql:8: error \[enum-add-value-in-transaction\] .*\(server 11\.0\)"
	# pending revisions: the connected server's own version wins (12 or later here)
	retort -q upgrade a00000000007
	[ "$(sql "SELECT current_setting('server_version_num')::int >= 120000")" = t ]
	run --separate-stderr retort lint
	expect_status 0
	expect_no_match "$output" "enum-add-value"
	set_key lint_server_version eleven
	run --separate-stderr retort lint --all
	expect_status 2
	expect_match "$stderr" "retort\.ini:[0-9]+: bad value 'eleven' for lint_server_version"
}
