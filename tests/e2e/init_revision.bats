#!/usr/bin/env bats
# init, revision and merge: the files they write.

load helpers

# The one new file in migrations/versions since the list in $1.
new_file() {
	comm -13 <(printf '%s\n' "$1") <(ls migrations/versions | sort) | grep -v '^$'
}

@test "init writes retort.ini, the template and versions/" {
	run --separate-stderr retort init
	expect_status 0
	[ -f retort.ini ]
	[ -f migrations/script.sql.tmpl ]
	[ -d migrations/versions ]
	grep -Eq '^\[retort\]' retort.ini
	grep -Eq '^script_location[ ]*=[ ]*migrations' retort.ini
	grep -Eq '^(sqlalchemy\.)?url[ ]*=[ ]*sqlite:///app\.db' retort.ini
	# The template uses Alembic's placeholder names.
	for name in message up_revision down_revision create_date upgrades downgrades; do
		grep -q "\${$name}" migrations/script.sql.tmpl
	done
}

@test "init DIR names the script folder" {
	run --separate-stderr retort init db
	expect_status 0
	[ -f db/script.sql.tmpl ]
	[ -d db/versions ]
	grep -Eq '^script_location[ ]*=[ ]*db$' retort.ini
}

@test "init refuses to overwrite (exit 2) and leaves the files alone" {
	retort init
	echo '# mine' >>retort.ini
	before=$(sha256sum retort.ini migrations/script.sql.tmpl)
	run --separate-stderr retort init
	expect_status 2
	one_error
	expect_match "$stderr" 'retort\.ini|exists'
	expect_eq "$(sha256sum retort.ini migrations/script.sql.tmpl)" "$before"
}

@test "revision names the file rev_slug and writes the header fields" {
	project
	run --separate-stderr retort revision -m "Create todos table"
	expect_status 0
	f=$(ls migrations/versions)
	expect_match "$f" '^[0-9a-f]{12}_create_todos_table\.sql$'
	id=${f%%_*}
	p=migrations/versions/$f
	expect_eq "$(head -n 1 "$p")" "-- Create todos table"
	grep -qx -- "-- Revision ID: $id" "$p"
	grep -Eqx -- '-- Revises: ?' "$p"
	grep -Eqx -- '-- Create Date: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}' "$p"
	grep -Eq -- '^-- migrate:up(grade)?' "$p"
	grep -Eq -- '^-- migrate:down(grade)?' "$p"

	# The next revision revises the first.
	before=$(ls migrations/versions | sort)
	run --separate-stderr retort revision -m "add users"
	expect_status 0
	g=$(new_file "$before")
	expect_match "$g" '^[0-9a-f]{12}_add_users\.sql$'
	grep -qx -- "-- Revises: $id" "migrations/versions/$g"
	[ "${g%%_*}" != "$id" ]
}

@test "revision --rev-id is used as given" {
	project
	run --separate-stderr retort revision -m "first" --rev-id 0123abcd
	expect_status 0
	[ -f migrations/versions/0123abcd_first.sql ]
	grep -qx -- "-- Revision ID: 0123abcd" migrations/versions/0123abcd_first.sql
}

@test "revision --rev-id refuses '@' '-' '+' ':' blanks and >32 chars (exit 2, no file)" {
	project
	for bad in 'ab@cd' 'ab-cd' 'ab+cd' 'ab:cd' 'ab cd' "$(printf 'a%.0s' $(seq 33))"; do
		run --separate-stderr retort revision -m "bad" --rev-id "$bad"
		expect_status 2
		one_error
		expect_eq "$(ls migrations/versions | wc -l)" 0
	done
}

@test "revision --rev-id refuses an id that exists (exit 2)" {
	project
	graph
	before=$(ls migrations/versions | sort)
	run --separate-stderr retort revision -m "again" --rev-id $F
	expect_status 2
	one_error
	expect_eq "$(ls migrations/versions | sort)" "$before"
}

@test "revision with several heads and no --head fails (exit 2) and names them" {
	project
	graph branches
	before=$(ls migrations/versions | sort)
	run --separate-stderr retort revision -m "where"
	expect_status 2
	one_error
	expect_match "$stderr" '[Mm]ultiple heads|several heads|heads'
	expect_eq "$(ls migrations/versions | sort)" "$before"
}

@test "revision --head picks the parent; a non-head needs --splice" {
	project
	graph branches
	before=$(ls migrations/versions | sort)
	run --separate-stderr retort revision -m "on contact" --head $C --rev-id 0000000000c1
	expect_status 0
	grep -qx -- "-- Revises: $C" migrations/versions/0000000000c1_on_contact.sql

	run --separate-stderr retort revision -m "below" --head $B --rev-id 0000000000b1
	expect_status 2
	one_error
	expect_match "$stderr" 'splice'
	[ ! -e migrations/versions/0000000000b1_below.sql ]

	run --separate-stderr retort revision -m "below" --head $B --splice --rev-id 0000000000b1
	expect_status 0
	grep -qx -- "-- Revises: $B" migrations/versions/0000000000b1_below.sql
}

@test "revision --head label@head and --head base" {
	project
	graph branches
	run --separate-stderr retort revision -m "x" --head contact@head --rev-id 0000000000c2
	expect_status 0
	grep -qx -- "-- Revises: $C" migrations/versions/0000000000c2_x.sql
	run --separate-stderr retort revision -m "new root" --head base --branch-label other --rev-id 0000000000r1
	expect_status 0
	grep -Eqx -- '-- Revises: ?' migrations/versions/0000000000r1_new_root.sql
	grep -qx -- '-- Branch Labels: other' migrations/versions/0000000000r1_new_root.sql
}

@test "revision --branch-label writes the label and heads shows it" {
	project
	mkrev $A "" "create todos table" "" ""
	run --separate-stderr retort revision -m "api start" --branch-label api --rev-id 00000000a0a1
	expect_status 0
	grep -qx -- '-- Branch Labels: api' migrations/versions/00000000a0a1_api_start.sql
	run --separate-stderr retort heads
	expect_status 0
	expect_eq "$output" "00000000a0a1 (api) (head)"
}

@test "revision --depends-on writes Depends On with the full id" {
	project
	graph branches
	run --separate-stderr retort revision -m "needs d" --head $C --depends-on c3c3d4 --rev-id 0000000000d1
	expect_status 0
	grep -qx -- "-- Depends On: $D" migrations/versions/0000000000d1_needs_d.sql
	grep -qx -- "-- Revises: $C" migrations/versions/0000000000d1_needs_d.sql
}

@test "revision --depends-on an unknown revision fails (exit 2)" {
	project
	graph
	before=$(ls migrations/versions | sort)
	run --separate-stderr retort revision -m "x" --depends-on 999999999999
	expect_status 2
	one_error
	expect_eq "$(ls migrations/versions | sort)" "$before"
}

@test "revision --version-path writes into another folder" {
	project
	mkdir -p other
	set_key version_locations "migrations/versions other"
	mkrev $A "" "create todos table" "" ""
	run --separate-stderr retort revision -m "elsewhere" --version-path other --rev-id 0000000000e1
	expect_status 0
	[ -f other/0000000000e1_elsewhere.sql ]
	run --separate-stderr retort heads
	expect_eq "$output" "0000000000e1 (head)"
}

@test "the new file is a valid revision: upgrade and downgrade run it" {
	project
	retort revision -m "t" --rev-id 0000000000f1
	f=migrations/versions/0000000000f1_t.sql
	# Fill both sections.
	awk '{ print } /^-- migrate:up(grade)?/ { print "CREATE TABLE filled (x INTEGER);" }
	     /^-- migrate:down(grade)?/ { print "DROP TABLE filled;" }' "$f" >f.tmp && mv f.tmp "$f"
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(tables)" "alembic_version filled retort_log"
	run --separate-stderr retort downgrade base
	expect_status 0
	expect_eq "$(tables)" "alembic_version retort_log"
}

@test "merge REV REV writes Revises: both and leaves one head" {
	project
	graph branches
	run --separate-stderr retort merge $C $D -m "merge contact and index" --rev-id $E
	expect_status 0
	f=migrations/versions/${E}_merge_contact_and_index.sql
	[ -f "$f" ]
	grep -qx -- "-- Revises: $C, $D" "$f"
	run --separate-stderr retort heads
	expect_eq "$output" "$E (contact) (head)"
}

@test "merge heads merges every head" {
	project
	graph branches
	run --separate-stderr retort merge heads -m "merge all" --rev-id 0000000000m1
	expect_status 0
	f=migrations/versions/0000000000m1_merge_all.sql
	parents=$(sed -n 's/^-- Revises: //p' "$f" | tr ',' '\n' | tr -d ' ' | sort | tr '\n' ' ')
	expect_eq "$parents" "$C $D "
}

@test "merge of a single revision or unknown ids fails (exit 2)" {
	project
	graph branches
	before=$(ls migrations/versions | sort)
	run --separate-stderr retort merge 999999999999 $C -m "x"
	expect_status 2
	one_error
	expect_eq "$(ls migrations/versions | sort)" "$before"
}
