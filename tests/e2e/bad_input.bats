#!/usr/bin/env bats
# Bad revision files (tests/data/bad/*): exit 2, one line on stderr naming
# the file and line, and the database left exactly as it was.

load helpers

CASES="$RETORT_SOURCE/tests/data/bad"

# A project at a1a1a1a1a1a1, its database's checksum in $BEFORE.
base_project() {
	project
	mkrev $A "" "create todos table" "CREATE TABLE todos (id INTEGER PRIMARY KEY);" "DROP TABLE todos;"
	retort upgrade head 2>/dev/null
	BEFORE=$(dbsum)
}

# check_case NAME: every reading and writing command refuses the case.
check_case() {
	local name=$1 dir=$CASES/$1 re cmd
	re=$(cat "$dir/expect")
	cp "$dir"/versions/*.sql migrations/versions/
	FILES_BEFORE=$(files_now)
	for cmd in "upgrade head" "downgrade base" "history" "heads" "current" "stamp heads" "upgrade head --sql"; do
		# shellcheck disable=SC2086
		refused "$name: 'retort $cmd'" "$re" retort $cmd
	done
}

# The cases that have a test of their own below.
NAMED="no_revision_id duplicate_id unknown_revises unknown_depends_on cycle
missing_upgrade_marker missing_downgrade_marker text_before_marker bad_revision_id
duplicate_marker unknown_marker_option duplicate_label"

@test "every bad-input case is refused with exit 2, file:line, database unchanged" {
	local failures="" c
	# Each named case exists (a renamed folder would make its test vacuous) ...
	for c in $NAMED; do
		[ -f "$CASES/$c/expect" ] || failures+="no case folder $CASES/$c"$'\n'
	done
	# ... and every other case is checked here, so that a new one is never missed.
	for c in "$CASES"/*/; do
		c=$(basename "$c")
		case " $(echo $NAMED) " in *" $c "*) continue ;; esac
		rm -rf "$BATS_TEST_TMPDIR/case" && mkdir "$BATS_TEST_TMPDIR/case" && cd "$BATS_TEST_TMPDIR/case"
		base_project
		failures+=$(check_case "$c")
	done
	if [ -n "$failures" ]; then
		printf '%s\n' "$failures" >&2
		return 1
	fi
}

# One test per case as well, so that a report names the case.
@test "bad: no Revision ID" { base_project; [ -z "$(check_case no_revision_id | tee /dev/stderr)" ]; }
@test "bad: two files with one id" { base_project; [ -z "$(check_case duplicate_id | tee /dev/stderr)" ]; }
@test "bad: unknown id in Revises" { base_project; [ -z "$(check_case unknown_revises | tee /dev/stderr)" ]; }
@test "bad: unknown id in Depends On" { base_project; [ -z "$(check_case unknown_depends_on | tee /dev/stderr)" ]; }
@test "bad: a cycle" { base_project; [ -z "$(check_case cycle | tee /dev/stderr)" ]; }
@test "bad: missing upgrade marker" { base_project; [ -z "$(check_case missing_upgrade_marker | tee /dev/stderr)" ]; }
@test "bad: missing downgrade marker" { base_project; [ -z "$(check_case missing_downgrade_marker | tee /dev/stderr)" ]; }
@test "bad: text before the first marker" { base_project; [ -z "$(check_case text_before_marker | tee /dev/stderr)" ]; }
@test "bad: a Revision ID with '-'" { base_project; [ -z "$(check_case bad_revision_id | tee /dev/stderr)" ]; }
@test "bad: a marker twice" { base_project; [ -z "$(check_case duplicate_marker | tee /dev/stderr)" ]; }
@test "bad: an unknown marker option" { base_project; [ -z "$(check_case unknown_marker_option | tee /dev/stderr)" ]; }
@test "bad: a branch label declared twice" { base_project; [ -z "$(check_case duplicate_label | tee /dev/stderr)" ]; }

@test "a revision file that cannot be read is exit 2 naming it" {
	base_project
	mkrev $B $A "unreadable" "" ""
	if [ "$(id -u)" != 0 ]; then
		chmod 000 migrations/versions/${B}_*.sql
		run --separate-stderr retort upgrade head
	else
		# root reads every file: the project, a copy of the binary (it runs
		# copied) and the database go where nobody can reach them, and nobody runs it
		local d
		d=$(mktemp -d /tmp/retort-unreadable.XXXXXX)
		cp -a . "$d/"
		cp "$RETORT" "$d/retort"
		chmod -R a+rwX "$d"
		chmod 000 "$d"/migrations/versions/${B}_*.sql
		run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
			env -C "$d" HOME="$d" "$d/retort" upgrade head
		rm -rf "$d"
	fi
	expect_status 2
	one_error
	expect_match "$stderr" "${B}_unreadable\.sql"
	expect_eq "$(dbsum)" "$BEFORE"
}

@test "the database's row names a revision no file has: exit 2, unchanged" {
	base_project
	sql "UPDATE alembic_version SET version_num='0000deadbeef'"
	BEFORE=$(dbsum)
	run --separate-stderr retort upgrade head
	expect_status 2
	one_error
	expect_match "$stderr" 0000deadbeef
	expect_eq "$(dbsum)" "$BEFORE"
}
