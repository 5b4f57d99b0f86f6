#!/usr/bin/env bats
# journal.bats: durable progress for statements outside a transaction.  A
# transaction:false section's statements each commit on their own; retort_log
# journals them one by one, so that a failure or a kill part-way is seen
# (status, current, --json), blocks later runs, and is ended with
# `retort resume` or `retort resolve REV --applied|--reverted -m WHY`.  And
# Ctrl-C during an upgrade: the running statement cancelled, its step rolled
# back, the steps before it named.
#
# Every statement of a five-statement section is made to fail in turn, and a
# run is killed with SIGKILL between statements: each time, the journal's
# count is exactly what the schema shows, and resume finishes.

load helpers

REV=a1a1a1a1a1a1

# outside_rev [STATEMENTS...]: the one revision, its upgrade transaction:false
# (default: five CREATE TABLEs, s1..s5).
outside_rev() {
	local f=migrations/versions/${REV}_outside.sql stmt
	[ $# -gt 0 ] || set -- "CREATE TABLE s1 (x INTEGER);" "CREATE TABLE s2 (x INTEGER);" \
		"CREATE TABLE s3 (x INTEGER);" "CREATE TABLE s4 (x INTEGER);" \
		"CREATE TABLE s5 (x INTEGER);"
	{
		printf -- '-- outside\n--\n-- Revision ID: %s\n-- Revises:\n\n' "$REV"
		printf -- '-- migrate:upgrade transaction:false\n'
		for stmt in "$@"; do printf '%s\n' "$stmt"; done
		printf -- '\n-- migrate:downgrade\n'
		printf 'DROP TABLE IF EXISTS s%s;\n' 5 4 3 2 1
	} >"$f"
}

# s_tables: which of s1..s5 exist, as "s1 s2".
s_tables() {
	local i out=""
	for i in 1 2 3 4 5; do
		has_table "s$i" && out="$out s$i"
	done
	printf '%s' "${out# }"
}

# journal_done: the journal row's count done, or "none".
journal_done() {
	local p
	p=$(sql "SELECT progress FROM retort_log WHERE operation = 'partial'")
	[ -n "$p" ] && printf '%s' "${p%%/*}" || printf none
}

# stopped_after_two: the project, its upgrade stopped at statement 3 (its
# table is there already), the journal saying 2 of 5.
stopped_after_two() {
	project
	outside_rev
	retort ensure-version 2>/dev/null
	sql "CREATE TABLE s3 (blocker INTEGER)" >/dev/null
	retort upgrade head 2>/dev/null || true
	expect_eq "$(journal_done)" 2
}

@test "each statement failing in turn: the journal counts what ran, later runs refuse, resume finishes" {
	local k want i
	for k in 1 2 3 4 5; do
		db_reset t
		rm -rf migrations retort.ini
		project
		outside_rev
		# statement k fails: its table is there already, with another shape
		retort ensure-version 2>/dev/null
		sql "CREATE TABLE s$k (blocker INTEGER)" >/dev/null
		run --separate-stderr retort upgrade head
		expect_status 1
		expect_match "$stderr" "${REV}_outside\\.sql:$((6 + k)): .*; $((k - 1)) of 5 statements of this transaction:false section ran and are journaled"
		expect_eq "$(journal_done)" "$((k - 1))"
		want=""
		for i in $(seq 1 $((k - 1))); do want="$want s$i"; done
		want="${want# }"
		# the schema shows exactly the statements the journal counts (and the blocker)
		expect_eq "$(s_tables)" "$(printf '%s s%s' "$want" "$k" | sed 's/^ //' | tr ' ' '\n' | sort -u | paste -sd' ')"
		expect_eq "$(rows)" ""
		run --separate-stderr retort status
		expect_status 0
		expect_match "$output" "$REV partially applied: $((k - 1)) of 5 statements \\(upgrade\\)"
		run --separate-stderr retort current
		expect_match "$output" "$REV partially applied: $((k - 1)) of 5 statements \\(upgrade\\)"
		run --separate-stderr retort --json current
		expect_match "$output" "\"done\": $((k - 1))"
		# nothing else runs until it is ended
		run --separate-stderr retort upgrade head
		expect_status 1
		expect_match "$stderr" "partially applied: $((k - 1)) of 5 statements \\(upgrade\\).*retort resume"
		run --separate-stderr retort downgrade base
		expect_status 1
		# the blocker goes; resume runs statements k..5 and records the step
		sql "DROP TABLE s$k" >/dev/null
		run --separate-stderr retort resume
		expect_status 0
		expect_match "$output$stderr" "Resuming upgrade $REV at statement $k of 5"
		expect_eq "$(s_tables)" "s1 s2 s3 s4 s5"
		expect_eq "$(rows)" "$REV"
		expect_eq "$(journal_done)" none
		expect_eq "$(sql "SELECT operation FROM retort_log ORDER BY id")" "upgrade"
	done
}

@test "a run killed between statements: the journal matches the schema, and resume finishes" {
	project
	local slow
	if is_pg; then
		slow="SELECT pg_sleep(30);"
	else
		slow="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) SELECT count(*) FROM c;"
	fi
	outside_rev "CREATE TABLE s1 (x INTEGER);" "$slow" "CREATE TABLE s2 (x INTEGER);" \
		"$slow" "CREATE TABLE s3 (x INTEGER);"
	retort ensure-version 2>/dev/null
	"$RETORT" upgrade head >out.txt 2>err.txt &
	local pid=$! i
	for i in $(seq 1 200); do
		[ "$(journal_done 2>/dev/null)" = 1 ] && break
		sleep 0.05
	done
	expect_eq "$(journal_done)" 1
	kill -9 "$pid"
	wait "$pid" || true
	# statement 1 ran, the slow statement 2 did not finish: one table, one counted
	expect_eq "$(s_tables)" "s1"
	expect_eq "$(journal_done)" 1
	expect_eq "$(rows)" ""
	# resume would sleep again: make the slow statements quick, which is a change
	# to statements that did not run yet, and allowed
	outside_rev "CREATE TABLE s1 (x INTEGER);" "SELECT 1;" "CREATE TABLE s2 (x INTEGER);" \
		"SELECT 1;" "CREATE TABLE s3 (x INTEGER);"
	run --separate-stderr retort resume
	expect_status 0
	expect_eq "$(s_tables)" "s1 s2 s3"
	expect_eq "$(rows)" "$REV"
	expect_eq "$(journal_done)" none
}

@test "resume refuses when a statement that ran has changed, naming it" {
	stopped_after_two
	sql "DROP TABLE s3" >/dev/null
	outside_rev "CREATE TABLE s1 (x INTEGER, y INTEGER);" "CREATE TABLE s2 (x INTEGER);" \
		"CREATE TABLE s3 (x INTEGER);" "CREATE TABLE s4 (x INTEGER);" "CREATE TABLE s5 (x INTEGER);"
	run --separate-stderr retort resume
	expect_status 1
	expect_match "$stderr" "${REV}_outside\\.sql:7: statement 1 of this transaction:false section ran before it stopped, and is not the same now"
	expect_eq "$(journal_done)" 2
	expect_eq "$(s_tables)" "s1 s2"
}

@test "resolve --reverted and --applied record who and why; a run goes on after" {
	stopped_after_two
	# bad usage changes nothing
	run --separate-stderr retort resolve "$REV" --reverted
	expect_status 2
	run --separate-stderr retort resolve "$REV" -m "why"
	expect_status 2
	run --separate-stderr retort resolve nosuch --reverted -m "why"
	expect_status 1
	expect_eq "$(journal_done)" 2
	# undone by hand, said so: the version table stays
	sql "DROP TABLE s1" >/dev/null
	sql "DROP TABLE s2" >/dev/null
	sql "DROP TABLE s3" >/dev/null
	run --separate-stderr retort resolve "$REV" --reverted -m "dropped by hand"
	expect_status 0
	expect_eq "$(journal_done)" none
	expect_eq "$(sql "SELECT operation || ':' || tag FROM retort_log")" "resolved:reverted: dropped by hand"
	expect_eq "$(rows)" ""
	# stopped again, then finished by hand and said so: the version table moves
	sql "CREATE TABLE s4 (blocker INTEGER)" >/dev/null
	retort upgrade head 2>/dev/null || true
	expect_eq "$(journal_done)" 3
	sql "DROP TABLE s4" >/dev/null
	sql "CREATE TABLE s4 (x INTEGER)" >/dev/null
	sql "CREATE TABLE s5 (x INTEGER)" >/dev/null
	run --separate-stderr retort resolve "${REV:0:6}" --applied -m "finished by hand"
	expect_status 0
	expect_eq "$(rows)" "$REV"
	expect_eq "$(journal_done)" none
	expect_eq "$(sql "SELECT operation || ':' || coalesce(tag, '') FROM retort_log ORDER BY id")" \
		"$(printf 'resolved:reverted: dropped by hand\nresolved:applied: finished by hand\nupgrade:')"
	# and the history goes on
	run --separate-stderr retort downgrade base
	expect_status 0
	expect_eq "$(s_tables)" ""
	run --separate-stderr retort resume
	expect_status 0
	expect_match "$output$stderr" "nothing to resume"
}

@test "Ctrl-C during upgrade cancels the running statement: exit 130, its step rolled back, the steps before it named" {
	project
	local slow
	if is_pg; then
		slow="SELECT pg_sleep(60);"
	else
		slow="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 900000000) SELECT count(*) FROM c;"
	fi
	mkrev a1a1a1a1a1a1 "" "one" "CREATE TABLE one (x INTEGER);" "DROP TABLE one;"
	mkrev b2b2b2b2b2b2 a1a1a1a1a1a1 "two" "CREATE TABLE two (x INTEGER);
$slow" "DROP TABLE two;"
	mkrev c3c3c3c3c3c3 b2b2b2b2b2b2 "three" "CREATE TABLE three (x INTEGER);" "DROP TABLE three;"
	retort ensure-version 2>/dev/null
	local sig
	for sig in INT TERM; do
		"$RETORT" upgrade head >out.txt 2>err.txt &
		local pid=$! i
		# the first step committed, the second running its slow statement
		for i in $(seq 1 200); do
			[ "$(rows 2>/dev/null)" = a1a1a1a1a1a1 ] && grep -q "upgrade b2b2b2b2b2b2\|a1a1a1a1a1a1, one" err.txt && break
			sleep 0.05
		done
		sleep 0.3
		local rc=0
		kill -"$sig" "$pid"
		wait "$pid" || rc=$?
		expect_eq "$rc" 130
		expect_match "$(cat err.txt)" "interrupted in step 2 of 3 \(b2b2b2b2b2b2\), which was rolled back; the 1 step before it stays applied \(a1a1a1a1a1a1\)"
		expect_eq "$(rows)" a1a1a1a1a1a1
		has_table one
		not has_table two
		# the next run does the rest (a quick step two this time)
		retort -q downgrade base 2>/dev/null
	done
	mkrev b2b2b2b2b2b2 a1a1a1a1a1a1 "two" "CREATE TABLE two (x INTEGER);" "DROP TABLE two;"
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" c3c3c3c3c3c3
}
