#!/usr/bin/env bats
# The reading commands: current, history, heads, branches, show, status, and
# their -v / --json forms; stamp and ensure-version; help and version.

load helpers

# Check that history's lines are these (any order among siblings), and that
# every revision comes before its parents.
history_is() {
	local want=$1
	expect_eq "$(printf '%s\n' "$output" | sort)" "$(printf '%s\n' "$want" | sort)" || return 1
	local pos
	pos() { printf '%s\n' "$output" | grep -n -- "-> $1" | head -n 1 | cut -d: -f1; }
	# child before parent
	local pairs="$B:$A $C:$B $D:$B $E:$C $E:$D $F:$E" p
	for p in $pairs; do
		local c=${p%%:*} a=${p##*:} pc pa
		pc=$(pos "$c")
		pa=$(pos "$a")
		[ -z "$pc" ] || [ -z "$pa" ] || [ "$pc" -lt "$pa" ] || {
			echo "history lists $a before its child $c" >&2
			return 1
		}
	done
}

HISTORY_ALL() {
	cat <<-EOF
	$E -> $F (contact) (head), add todos user id
	$C, $D -> $E (contact) (mergepoint), merge contact and index
	$B -> $C (contact), add phone number
	$B -> $D, index todos status
	$A -> $B (branchpoint), create users table
	<base> -> $A, create todos table
	EOF
}

@test "history: Alembic's lines, newest first" {
	project
	graph
	run --separate-stderr retort history
	expect_status 0
	history_is "$(HISTORY_ALL)"
	expect_eq "$(printf '%s\n' "$output" | head -n 1)" "$E -> $F (contact) (head), add todos user id"
	expect_eq "$(printf '%s\n' "$output" | tail -n 1)" "<base> -> $A, create todos table"
	expect_eq "$(dbsum)" absent
}

@test "history of a linear chain is exact" {
	project
	chain 3
	run --separate-stderr retort history
	expect_status 0
	expect_eq "$output" "$(chain_id 2) -> $(chain_id 3) (head), step 3
$(chain_id 1) -> $(chain_id 2), step 2
<base> -> $(chain_id 1), step 1"
}

@test "history -r A:B selects as Alembic does" {
	project
	graph
	run --separate-stderr retort history -r "$B:$E"
	expect_status 0
	history_is "$C, $D -> $E (contact) (mergepoint), merge contact and index
$B -> $C (contact), add phone number
$B -> $D, index todos status
$A -> $B (branchpoint), create users table"
	run --separate-stderr retort history -r ":$B"
	expect_status 0
	expect_eq "$output" "$A -> $B (branchpoint), create users table
<base> -> $A, create todos table"
	run --separate-stderr retort history -r "$C:"
	expect_status 0
	expect_eq "$output" "$E -> $F (contact) (head), add todos user id
$C, $D -> $E (contact) (mergepoint), merge contact and index
$B -> $C (contact), add phone number"
}

@test "history -i marks (current); -r current: starts there" {
	project
	graph
	retort upgrade $C 2>/dev/null
	retort upgrade $D 2>/dev/null
	run --separate-stderr retort history -i
	expect_status 0
	history_is "$E -> $F (contact) (head), add todos user id
$C, $D -> $E (contact) (mergepoint), merge contact and index
$B -> $C (contact) (current), add phone number
$B -> $D (current), index todos status
$A -> $B (branchpoint), create users table
<base> -> $A, create todos table"
	run --separate-stderr retort history -r current:
	expect_status 0
	history_is "$E -> $F (contact) (head), add todos user id
$C, $D -> $E (contact) (mergepoint), merge contact and index
$B -> $C (contact), add phone number
$B -> $D, index todos status"
}

@test "history -v shows Rev, Parent/Merges, Path and the message" {
	project
	graph
	run --separate-stderr retort history -v
	expect_status 0
	expect_match "$output" "^Rev: $F \(head\)$"
	expect_match "$output" "^Rev: $E \(mergepoint\)$"
	expect_match "$output" "^Merges: $C, $D$"
	expect_match "$output" "^Parent: $E$"
	expect_match "$output" "^Parent: <base>$"
	expect_match "$output" "^Branch names: contact$"
	expect_match "$output" "^Path: .*migrations/versions/${F}_add_todos_user_id\.sql$"
	expect_match "$output" "^    add todos user id$"
}

@test "current: nothing on a fresh database, then 'id (head)'" {
	project
	graph
	if is_sqlite; then
		# no file: it does not exist, and current does not make it
		run --separate-stderr retort current
		expect_status 1
		expect_match "$stderr" "the database file 't\.db' does not exist"
		[ ! -e t.db ]
		sqlite3 t.db "PRAGMA user_version = 1"
	fi
	run --separate-stderr retort current
	expect_status 0
	expect_eq "$output" ""
	retort upgrade $B 2>/dev/null
	run --separate-stderr retort current
	expect_status 0
	# Alembic marks (branchpoint) and (mergepoint) in current too.
	expect_eq "$output" "$B (branchpoint)"
	retort downgrade $A 2>/dev/null
	run --separate-stderr retort current
	expect_eq "$output" "$A"
	retort upgrade head 2>/dev/null
	run --separate-stderr retort current
	expect_status 0
	expect_eq "$output" "$F (head)"
}

@test "current with two branches lists both rows" {
	project
	graph branches
	retort upgrade heads 2>/dev/null
	run --separate-stderr retort current
	expect_status 0
	expect_eq "$(printf '%s\n' "$output" | sort)" "$C (head)
$D (head)"
}

@test "current -v names the URL and the revisions" {
	project
	graph
	retort upgrade head 2>/dev/null
	run --separate-stderr retort current -v
	expect_status 0
	if is_pg; then
		# The URL, its password masked.
		expect_match "$output$stderr" "Current revision\\(s\\) for postgresql://retort:\\*\\*\\*@127\\.0\\.0\\.1:[0-9]+/$(db_pgname t):"
	else
		expect_match "$output$stderr" 'Current revision\(s\) for sqlite:///t\.db:'
	fi
	expect_match "$output" "^Rev: $F \(head\)$"
	expect_match "$output" "^Parent: $E$"
}

@test "current --check-heads: 0 at every head, 1 otherwise" {
	project
	graph
	retort upgrade $C 2>/dev/null
	run --separate-stderr retort current --check-heads
	expect_status 1
	retort upgrade head 2>/dev/null
	run --separate-stderr retort current --check-heads
	expect_status 0
	expect_eq "$output" "$F (head)"
}

@test "heads, heads -v" {
	project
	graph branches
	run --separate-stderr retort heads
	expect_status 0
	expect_eq "$(printf '%s\n' "$output" | sort)" "$C (contact) (head)
$D (head)"
	run --separate-stderr retort heads -v
	expect_status 0
	expect_match "$output" "^Rev: $C \(head\)$"
	expect_match "$output" "^Rev: $D \(head\)$"
	expect_match "$output" "^Parent: $B$"
	expect_match "$output" "^Path: "
}

@test "heads --resolve-dependencies hides a head that another depends on" {
	project
	graph
	mkrev 999999990001 "" "other root" "" "" "Branch Labels: other"
	f=$(ls migrations/versions/${F}_*.sql)
	sed -i "s/^-- Create Date:.*/&\n-- Depends On: 999999990001/" "$f"
	run --separate-stderr retort heads
	expect_status 0
	expect_eq "$(printf '%s\n' "$output" | sort)" "999999990001 (other) (effective head)
$F (contact) (head)"
	run --separate-stderr retort heads --resolve-dependencies
	expect_status 0
	expect_eq "$output" "$F (contact) (head)"
	run --separate-stderr retort history -r "$E:$F"
	expect_match "$output" "^$E \(999999990001\) -> $F \(contact\) \(head\), add todos user id$"
	# as in Alembic, "head" counts a head others depend on: two heads
	run --separate-stderr retort upgrade head
	expect_status 2
	expect_match "$stderr" "multiple head revisions"
	# "heads" (the real heads) applies the dependency too; it never becomes a row
	run --separate-stderr retort upgrade heads
	expect_status 0
	expect_eq "$(rows)" "$F"
	expect_match "$stderr" "-> 999999990001, other root"
}

@test "branches lists branch points and their children" {
	project
	graph
	run --separate-stderr retort branches
	expect_status 0
	expect_eq "$(printf '%s\n' "$output" | head -n 1)" "$B (branchpoint)"
	expect_eq "$(printf '%s\n' "$output" | sed -n '2,$p' | sed 's/^ *//' | sort)" "-> $C (contact)
-> $D"
}

@test "show REV: header, path and sections" {
	project
	graph
	run --separate-stderr retort show c3c3c3
	expect_status 0
	expect_match "$output" "^Rev: $C$"
	expect_match "$output" "^Parent: $B$"
	expect_match "$output" "^Path: .*${C}_add_phone_number\.sql$"
	expect_match "$output" "add phone number"
	expect_match "$output" "ALTER TABLE users ADD COLUMN phone_number VARCHAR\(20\);"
	expect_match "$output" "ALTER TABLE users DROP COLUMN phone_number;"
	run --separate-stderr retort show head
	expect_status 0
	expect_match "$output" "^Rev: $F \(head\)$"
	run --separate-stderr retort show c3c3
	expect_status 2
	one_error
}

@test "status: current, heads and the pending revisions in order" {
	project
	chain 4
	retort upgrade +1 2>/dev/null
	run --separate-stderr retort status
	expect_status 0
	expect_match "$output" "$(chain_id 1)"
	expect_match "$output" "$(chain_id 4)"
	a=$(printf '%s\n' "$output" | grep -n "$(chain_id 2).*step 2" | head -n 1 | cut -d: -f1)
	b=$(printf '%s\n' "$output" | grep -n "$(chain_id 3).*step 3" | head -n 1 | cut -d: -f1)
	[ -n "$a" ]
	[ -n "$b" ]
	[ "$a" -lt "$b" ]
	expect_no_match "$output" "step 1"
}

@test "stamp one, several, heads, base" {
	project
	graph
	run --separate-stderr retort stamp $B
	expect_status 0
	expect_eq "$(rows)" "$B"
	expect_eq "$(tables)" "alembic_version retort_log"
	run --separate-stderr retort stamp $C $D
	expect_status 0
	expect_eq "$(rows)" "$C $D"
	run --separate-stderr retort stamp heads
	expect_status 0
	expect_eq "$(rows)" "$F"
	run --separate-stderr retort stamp base
	expect_status 0
	expect_eq "$(rows)" ""
	[ "$(sql "SELECT count(*) FROM retort_log WHERE operation='stamp'")" -ge 1 ]
	# Nothing ran.
	expect_eq "$(tables)" "alembic_version retort_log"
}

@test "stamp --purge clears an unknown row first" {
	project
	graph
	retort ensure-version 2>/dev/null
	sql "INSERT INTO alembic_version VALUES ('deadbeef0000')"
	run --separate-stderr retort stamp $A
	expect_status 2
	expect_match "$stderr" deadbeef0000
	expect_eq "$(rows)" "deadbeef0000"
	run --separate-stderr retort stamp --purge $A
	expect_status 0
	expect_eq "$(rows)" "$A"
}

@test "ensure-version creates the version table and nothing else" {
	project
	graph
	run --separate-stderr retort ensure-version
	expect_status 0
	has_table alembic_version
	expect_eq "$(rows)" ""
	run --separate-stderr retort ensure-version
	expect_status 0
}

@test "list-templates names the templates init can write" {
	run --separate-stderr retort list-templates
	expect_status 0
	[ -n "$output" ]
	expect_match "$output" 'generic'
}

@test "--version, help, --help" {
	run --separate-stderr retort --version
	expect_status 0
	expect_match "$output" '^retort 0\.[0-9]+\.[0-9]+'
	run --separate-stderr retort --help
	expect_status 0
	for c in init revision upgrade downgrade current history heads branches show merge stamp status list-templates ensure-version; do
		expect_match "$output" "^ +$c "
	done
	run --separate-stderr retort help upgrade
	expect_status 0
	help_text=$output
	expect_match "$help_text" 'upgrade'
	expect_match "$help_text" '--sql'
	run --separate-stderr retort upgrade --help
	expect_status 0
	expect_eq "$output" "$help_text"
}

@test "-q silences progress" {
	project
	chain 2
	run --separate-stderr retort -q upgrade head
	expect_status 0
	expect_eq "$output" ""
	expect_eq "$stderr" ""
	expect_eq "$(rows)" "$(chain_id 2)"
}

@test "--json on each reading command gives one valid JSON document" {
	project
	graph
	retort upgrade $C 2>/dev/null
	for cmd in "current" "history" "heads" "branches" "show $E" "status" "current -v" "history -i"; do
		# shellcheck disable=SC2086
		run --separate-stderr retort --json $cmd
		expect_status 0
		printf '%s' "$output" | python3 -m json.tool >/dev/null || {
			echo "retort --json $cmd gave: $output" >&2
			return 1
		}
	done
	run --separate-stderr retort --json current
	expect_match "$output" "\"$C\""
	run --separate-stderr retort --json heads
	expect_match "$output" "\"$F\""
	run --separate-stderr retort --json history
	for id in $A $B $C $D $E $F; do expect_match "$output" "\"$id\""; done
}

@test "-x key=value is readable from the template" {
	project
	sed -i '1i -- ticket: ${x.ticket}' migrations/script.sql.tmpl
	run --separate-stderr retort -x ticket=T-42 revision -m "with ticket" --rev-id 0000000000x1
	expect_status 0
	grep -qx -- '-- ticket: T-42' migrations/versions/0000000000x1_with_ticket.sql
}

@test "unknown command or option: exit 2, one line" {
	project
	run --separate-stderr retort frobnicate
	expect_status 2
	one_error
	expect_match "$stderr" frobnicate
	run --separate-stderr retort upgrade head --frobnicate
	expect_status 2
	one_error
	expect_match "$stderr" frobnicate
	run --separate-stderr retort --frobnicate current
	expect_status 2
	one_error
	run --separate-stderr retort upgrade
	expect_status 2
	one_error
	expect_eq "$(dbsum)" absent
}

@test "edit REV opens the file in \$EDITOR" {
	project
	graph
	printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/edited"\n' "$BATS_TEST_TMPDIR" >ed.sh
	chmod +x ed.sh
	EDITOR="$BATS_TEST_TMPDIR/ed.sh" run --separate-stderr retort edit c3c3d4
	expect_status 0
	expect_match "$(cat edited)" "${D}_index_todos_status\.sql$"
}
