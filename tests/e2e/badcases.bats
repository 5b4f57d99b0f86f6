#!/usr/bin/env bats
# The bad-input catalogue, run whole: every revision-file folder in
# tests/data/bad/ (the format bad_input.bats reads), every line of
# tests/data/bad/cases.tsv (configs, .env files, URLs, revision arguments),
# and the cases made at test time because they are too big for git (a 100 MB
# revision file, 1 MB lines).  Each must: exit 2, print one line "retort: ..."
# on stderr that matches the case's expect (naming the file and line where
# there is a file), never crash (no signal, no sanitizer report), and leave
# the database exactly as it was and no file written.  The count of cases is
# printed as a TAP comment.

load helpers

CASES="$RETORT_SOURCE/tests/data/bad"

# A project with the example graph A..F, the database at B.
base_project() {
	project
	graph
	retort upgrade $B >/dev/null 2>&1 || { echo "setup: upgrade failed" >&2; return 1; }
	TEST_URL=$(dburl t)
	export TEST_URL
	cp retort.ini good.ini
	BEFORE=$(dbsum)
	FILES_BEFORE=$(files_now)
}

# folder_case NAME: a revision-file folder, under the commands that read them.
folder_case() {
	local dir=$CASES/$1 re cmd
	re=$(cat "$dir/expect")
	cp "$dir"/versions/*.sql migrations/versions/
	FILES_BEFORE=$(files_now)
	for cmd in "upgrade head" "downgrade base" "history" "current" "upgrade head --sql"; do
		# shellcheck disable=SC2086
		refused "$1: retort $cmd" "$re" retort $cmd
	done
	for f in "$dir"/versions/*.sql; do rm -f "migrations/versions/${f##*/}"; done
}

# tsv_case KIND NAME COMMAND INPUT EXPECT
tsv_case() {
	local kind=$1 name=$2 cmd=$3 input=$4 re=$5 w
	local -a words=()
	for w in $cmd; do
		if [ "$w" = "{}" ]; then words+=("$input"); else words+=("$w"); fi
	done
	case $kind in
	config)
		printf '%b' "$input" >retort.ini
		refused "$name" "$re" "${words[@]}"
		cp good.ini retort.ini
		;;
	dotenv)
		printf '%b' "$input" >.env
		FILES_BEFORE=$(files_now)
		refused "$name" "$re" "${words[@]}"
		rm -f .env
		FILES_BEFORE=$(files_now)
		;;
	url)
		refused "$name (--url)" "^retort: --url: .*$re" "${words[@]}"
		if [ -n "$input" ]; then
			# the same URL in the config: named by file and line
			set_url "${input//%/%%}"
			refused "$name (config)" "retort\\.ini:[0-9]+: .*$re" retort current
			cp good.ini retort.ini
		fi
		;;
	revarg)
		refused "$name" "$re" "${words[@]}"
		;;
	*)
		echo "$name: unknown kind '$kind'"
		;;
	esac
}

# The project the folder cases are dropped into (as bad_input.bats: only
# a1a1a1a1a1a1 exists and is applied, so the cases may use any other id).
folder_project() {
	project
	mkrev $A "" "create todos table" "CREATE TABLE todos (id INTEGER PRIMARY KEY);" "DROP TABLE todos;"
	retort upgrade head >/dev/null 2>&1 || { echo "setup: upgrade failed" >&2; return 1; }
	BEFORE=$(dbsum)
}

@test "every revision-file folder: exit 2, one line naming file and line, no crash, nothing changed" {
	folder_project
	local failures="" c n=0
	for c in "$CASES"/*/; do
		[ -d "$c/versions" ] || continue
		n=$((n + 1))
		failures+=$(folder_case "$(basename "$c")")$'\n'
	done
	echo "# $n revision-file folders" >&3
	[ "$n" -ge 25 ]
	failures=$(printf '%s' "$failures" | grep . || true)
	if [ -n "$failures" ]; then
		printf '%s\n' "$failures" >&2
		return 1
	fi
}

@test "every catalogued bad input: exit 2, one line naming file and line, no crash, nothing changed" {
	base_project
	local failures="" c n_folders=0 n_tsv=0 kind name cmd input re
	for c in "$CASES"/*/; do
		[ -d "$c/versions" ] && n_folders=$((n_folders + 1))
	done
	while IFS=$'\t' read -r kind name cmd input re; do
		case $kind in '#'* | '') continue ;; esac
		n_tsv=$((n_tsv + 1))
		failures+=$(tsv_case "$kind" "$name" "$cmd" "$input" "$re")$'\n'
	done <"$CASES/cases.tsv"
	echo "# $((n_folders + n_tsv + GENERATED)) bad-input cases ($n_folders revision-file folders, $n_tsv catalogued lines, $GENERATED made at test time)" >&3
	[ "$n_tsv" -ge 100 ]
	failures=$(printf '%s' "$failures" | grep . || true)
	if [ -n "$failures" ]; then
		printf '%s\n' "$failures" >&2
		return 1
	fi
}

# The cases made here, counted in the line above.
GENERATED=5

@test "generated: a 100 MB revision file without its downgrade marker" {
	base_project
	local f=migrations/versions/b_huge.sql failures
	{
		printf -- '-- huge\n--\n-- Revision ID: 99aa99aa99aa\n-- Revises: %s\n\n-- migrate:upgrade\n' "$F"
		yes 'SELECT 1; -- a line of filler to make the file one hundred megabytes long.....' | head -c 104857600
		printf 'SELECT 2;\n'
	} >"$f"
	[ "$(stat -c %s "$f")" -gt 104857600 ]
	FILES_BEFORE=$(files_now)
	failures=$(refused huge "b_huge\\.sql:[0-9]+: missing '-- migrate:downgrade' marker" retort upgrade head)
	failures+=$(refused "huge history" "b_huge\\.sql:[0-9]+: missing '-- migrate:downgrade' marker" retort history)
	rm -f "$f"
	[ -z "$failures" ] || { printf '%s\n' "$failures" >&2; return 1; }
}

@test "generated: a 1 MB Revision ID line" {
	base_project
	{
		printf -- '-- long id\n--\n-- Revision ID: '
		head -c 1048576 /dev/zero | tr '\0' 'a'
		printf '\n-- Revises: %s\n\n-- migrate:upgrade\n\n-- migrate:downgrade\n' "$F"
	} >migrations/versions/b_longline.sql
	FILES_BEFORE=$(files_now)
	local failures
	failures=$(refused "1 MB id" "b_longline\\.sql:3: revision id 'a+\\.\\.\\.' is longer than 32 characters" retort upgrade head)
	[ -z "$failures" ] || { printf '%s\n' "$failures" >&2; return 1; }
	# and the message is one short line, not a megabyte
	[ "$(wc -c <err.txt)" -lt 1000 ]
}

@test "generated: a 1 MB Revises line of unknown ids" {
	base_project
	{
		printf -- '-- many parents\n--\n-- Revision ID: 99bb99bb99bb\n-- Revises: '
		for i in $(seq 1 80000); do printf 'dead%08d, ' "$i"; done
		printf '%s\n\n-- migrate:upgrade\n\n-- migrate:downgrade\n' "$F"
	} >migrations/versions/b_parents.sql
	[ "$(stat -c %s migrations/versions/b_parents.sql)" -gt 1000000 ]
	FILES_BEFORE=$(files_now)
	local failures
	failures=$(refused "1 MB revises" "b_parents\\.sql:4: unknown revision 'dead00000001' in 'Revises'" retort upgrade head)
	[ -z "$failures" ] || { printf '%s\n' "$failures" >&2; return 1; }
	[ "$(wc -c <err.txt)" -lt 1000 ]
}

@test "generated: a 1 MB config line that is not key = value" {
	base_project
	{
		printf '[retort]\nscript_location = migrations\nurl = %s\n' "${TEST_URL//%/%%}"
		head -c 1048576 /dev/zero | tr '\0' 'x'
		printf '\n'
	} >retort.ini
	FILES_BEFORE=$(files_now)
	local failures
	failures=$(refused "1 MB config line" "retort\\.ini:4: expected 'key = value'" retort current)
	[ -z "$failures" ] || { printf '%s\n' "$failures" >&2; return 1; }
	[ "$(wc -c <err.txt)" -lt 1000 ]
}

@test "generated: 10000 revision files, one of them bad, deep in a chain" {
	base_project
	local dir=migrations/versions i prev=$F id
	for i in $(seq 1 10000); do
		id=$(printf 'c%011d' "$i")
		printf -- '-- step\n--\n-- Revision ID: %s\n-- Revises: %s\n\n-- migrate:upgrade\n\n-- migrate:downgrade\n' "$id" "$prev" >"$dir/$id.sql"
		prev=$id
	done
	# the 7777th revises an id nobody has
	sed -i 's/^-- Revises: .*/-- Revises: ffff00000000/' "$dir/c00000007777.sql"
	FILES_BEFORE=$(files_now)
	local failures
	failures=$(refused "10000 files" "c00000007777\\.sql:4: unknown revision 'ffff00000000'" retort upgrade head)
	[ -z "$failures" ] || { printf '%s\n' "$failures" >&2; return 1; }
}

@test "the runner itself reports a case that is not refused, or changes the database" {
	base_project
	local r
	r=$(refused "good arg" "anything" retort upgrade head)
	expect_match "$r" "good arg: exit 0, not 2"
	expect_match "$r" "good arg: the database changed"
	r=$(refused "wrong message" "no such thing" retort upgrade zzzz)
	expect_match "$r" "does not match"
}

@test "not bad input: unknown config keys are accepted (alembic.ini has many)" {
	base_project
	printf '[retort]\nscript_location = migrations\nurl = %s\nprepend_sys_path = .\noutput_encoding = utf-8\nsome_future_key = 1\n\n[loggers]\nkeys = root\n' \
		"${TEST_URL//%/%%}" >retort.ini
	run --separate-stderr retort current
	expect_status 0
	expect_match "$output" "$B"
}
