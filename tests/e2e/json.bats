#!/usr/bin/env bats
# --json: every command prints exactly one JSON document on stdout, on
# success and on failure ({"error": {...}}), and the write commands say
# which steps they ran.  Each document is read with Python's json module.

load helpers

# jdoc: the one JSON document on stdout ($output under run --separate-stderr),
# re-printed compactly with sorted keys; fails when there is not exactly one.
jdoc() {
	printf '%s' "$output" | /usr/bin/python3 -c '
import json, sys
text = sys.stdin.read()
doc, end = json.JSONDecoder().raw_decode(text.strip())
if text.strip()[end:].strip():
    sys.exit("more than one document on stdout")
print(json.dumps(doc, sort_keys=True))'
}

# jget EXPR: a Python expression on the document `d`, printed.
jget() {
	printf '%s' "$output" | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
v = $1
print(json.dumps(v) if not isinstance(v, str) else v)"
}

@test "every command prints one JSON document on success" {
	project
	graph
	local cmd
	for cmd in "upgrade $B" "current" "heads" "branches" "history" "history -i" "show head" \
		"status" "upgrade head" "downgrade -1" "stamp head" "ensure-version" \
		"revision -m json --rev-id 0123456789ab" "list_templates" "upgrade head --sql"; do
		# shellcheck disable=SC2086
		run --separate-stderr retort --json $cmd
		[ "$status" = 0 ] || { echo "$cmd: exit $status: $stderr"; return 1; }
		jdoc >/dev/null || { echo "$cmd: not one JSON document: $output"; return 1; }
	done
}

@test "upgrade, downgrade and stamp list their steps and the rows after" {
	project
	graph
	run --separate-stderr retort --json upgrade $B
	expect_status 0
	expect_eq "$(jget 'd["command"]')" upgrade
	expect_eq "$(jget '[s["revision"] for s in d["steps"]]')" "[\"$A\", \"$B\"]"
	expect_eq "$(jget '[s["direction"] for s in d["steps"]]')" '["upgrade", "upgrade"]'
	expect_eq "$(jget 'all(isinstance(s["ms"], int) for s in d["steps"])')" true
	expect_eq "$(jget 'd["current"]')" "[\"$B\"]"
	run --separate-stderr retort --json downgrade -1
	expect_status 0
	expect_eq "$(jget '[(s["revision"], s["direction"]) for s in d["steps"]]')" "[[\"$B\", \"downgrade\"]]"
	expect_eq "$(jget 'd["current"]')" "[\"$A\"]"
	run --separate-stderr retort --json stamp $C
	expect_status 0
	expect_eq "$(jget 'd["current"]')" "[\"$C\"]"
	run --separate-stderr retort --json upgrade head --sql
	expect_status 0
	expect_match "$(jget 'd["sql"]')" "CREATE TABLE todos"
}

@test "a failure is a JSON document too: code, exit status, message, file and line" {
	project
	graph
	run --separate-stderr retort --json upgrade nosuchrev
	expect_status 2
	jdoc >/dev/null
	expect_eq "$(jget 'd["error"]["code"]')" ENOTFOUND
	expect_eq "$(jget 'd["error"]["exit"]')" 2
	expect_match "$(jget 'd["error"]["message"]')" "nosuchrev"
	expect_eq "$(jget 'd["error"]["file"]')" null
	# a bad revision file: its path and line
	printf -- '-- Revision ID: zz\n-- Revises: nope\n-- migrate:upgrade\n-- migrate:downgrade\n' >migrations/versions/zz.sql
	run --separate-stderr retort --json heads
	expect_status 2
	expect_match "$(jget 'd["error"]["file"]')" "migrations/versions/zz\\.sql$"
	expect_eq "$(jget 'd["error"]["line"]')" 2
	rm migrations/versions/zz.sql
	# a failing statement: exit 1, the file and line of the statement
	mkrev 999999999999 "$F" "fails" "SELECT * FROM no_such_table;" ""
	run --separate-stderr retort --json upgrade head
	expect_status 1
	expect_eq "$(jget 'd["error"]["code"]')" EDB
	expect_match "$(jget 'd["error"]["file"]')" "999999999999_fails\\.sql$"
	expect_eq "$(jget 'd["error"]["line"]')" 8
	# the failure's parts are fields, not read back from the text
	expect_eq "$(jget 'd["error"]["revision"]')" 999999999999
	if is_pg; then
		expect_eq "$(jget 'd["error"]["sqlstate"]')" 42P01
	else
		expect_eq "$(jget 'd["error"]["sqlstate"]')" null
	fi
	# a message with bytes that are not UTF-8 keeps its message key
	run --separate-stderr retort --json upgrade $'no\xffsuch'
	expect_status 2
	expect_eq "$(jget 'd["error"]["message"]')" "$(printf "No such revision or branch 'no\xef\xbf\xbdsuch'")"
	# a usage error
	run --separate-stderr retort --json upgrade
	expect_status 2
	expect_eq "$(jget 'd["error"]["code"]')" EUSAGE
	# and so `retort --json status | jq` style pipelines see the failure
	set_url "sqlite:///missing.db"
	is_sqlite || set_url "${PG_BASE}/no_such_database_here"
	run --separate-stderr retort --json status
	expect_status 1
	expect_eq "$(jget '"error" in d')" true
}

@test "--json help and --json --version are one document each, nothing else on stdout" {
	local args
	for args in "--json help" "--json --help" "help --json" "--json help upgrade" "--json upgrade --help"; do
		# shellcheck disable=SC2086
		run --separate-stderr retort $args
		expect_status 0
		jdoc >/dev/null
		expect_eq "$(jget 'd["command"]')" help
		expect_match "$(jget 'd["help"]')" "^usage: retort "
	done
	expect_eq "$(jget 'd["topic"]')" upgrade
	for args in "--json --version" "--version --json"; do
		# shellcheck disable=SC2086
		run --separate-stderr retort $args
		expect_status 0
		jdoc >/dev/null
		expect_eq "$(jget 'd["version"]')" "$("$RETORT" --version | sed 's/^retort //')"
	done
}
