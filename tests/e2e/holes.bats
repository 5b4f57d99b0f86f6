#!/usr/bin/env bats
# holes.bats: ways a step could be applied wrongly, found by trying to break
# retort, each with the behaviour that closes it: transaction statements in
# a section, a section that moves search_path, one transaction for the run
# failing half-way, an index left INVALID by an interrupted build.

load helpers

# state: the database's checksum and its version rows, to show nothing moved.
state() { printf '%s %s' "$(dbsum)" "$(rows 2>/dev/null || true)"; }

@test "transaction statements in a transactional section are refused before anything runs" {
	project
	chain 1
	retort upgrade head 2>/dev/null
	local before case n=0
	before=$(state)
	for case in "BEGIN;" "BEGIN TRANSACTION;" "begin work;" "START TRANSACTION;" "COMMIT;" \
		"END;" "end transaction;" "ROLLBACK;" "rollback work;" "ABORT;" "COMMIT AND CHAIN;" \
		"PREPARE TRANSACTION 'x';" "/* lead */ -- comment
  Commit ;"; do
		n=$((n + 1))
		if is_sqlite; then
			case $case in ABORT* | "PREPARE TRANSACTION"* | "COMMIT AND CHAIN"* | "START TRANSACTION"* | "rollback work"* | "begin work"*) continue ;; esac
		fi
		rm -f migrations/versions/l00000000009_*.sql
		mkrev l00000000009 "$(chain_id 1)" "bad $n" "CREATE TABLE tx$n (x INTEGER);
$case
CREATE TABLE ty$n (x INTEGER);" ""
		run --separate-stderr retort upgrade head
		expect_status 2
		one_error
		expect_match "$stderr" "^retort: .*l00000000009_bad_$n\\.sql:(9|10): .*transaction.* (use|put it in) .*transaction:false"
		expect_eq "$(state)" "$before"
		# offline output refuses it the same way
		run --separate-stderr retort upgrade head --sql
		expect_status 2
	done
}

@test "savepoints, trigger bodies and function bodies are not transaction statements" {
	project
	if is_sqlite; then
		mkrev a00000000001 "" "ok" "CREATE TABLE t (x INTEGER);
SAVEPOINT s1;
CREATE TABLE t1 (x INTEGER);
ROLLBACK TO SAVEPOINT s1;
RELEASE s1;
CREATE TABLE t2 (x INTEGER);
CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t2 VALUES (new.x); END;
INSERT INTO t VALUES (5);" ""
	else
		mkrev a00000000001 "" "ok" "CREATE TABLE t (x INTEGER);
SAVEPOINT s1;
CREATE TABLE t1 (x INTEGER);
ROLLBACK TO SAVEPOINT s1;
ROLLBACK TRANSACTION TO s1;
RELEASE s1;
CREATE TABLE t2 (x INTEGER);
DO \$\$ BEGIN INSERT INTO t2 VALUES (5); END \$\$;
CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN 1; END';" ""
	fi
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" a00000000001
	expect_eq "$(sql "SELECT x FROM t2")" 5
	has_table t2
	! has_table t1
}

@test "a section that moves search_path leaves retort's own statements where they were" {
	only_db postgresql "search_path is PostgreSQL's"
	project
	mkrev a00000000001 "" "one" "CREATE SCHEMA other; SET search_path TO other; CREATE TABLE o1 (x int);" ""
	mkrev b00000000002 a00000000001 "two" "SELECT pg_catalog.set_config('search_path', '', false); CREATE TABLE public.p2 (x int);" ""
	mkrev c00000000003 b00000000002 "three" "CREATE TABLE public.p3 (x int);" ""
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" c00000000003
	expect_eq "$(sql "SELECT count(*) FROM public.retort_log")" 3
	expect_eq "$(sql "SELECT count(*) FROM pg_tables WHERE tablename IN ('alembic_version', 'retort_log') AND schemaname <> 'public'")" 0
	run --separate-stderr retort downgrade base
	expect_status 0
	expect_eq "$(rows)" ""
}

@test "transaction_per_migration = false: a failure says which steps were rolled back" {
	project
	set_key transaction_per_migration false
	chain 2
	mkrev l00000000003 "$(chain_id 2)" "step 3" "CREATE TABLE t3 (x INTEGER);" "DROP TABLE t3;"
	mkrev l00000000004 l00000000003 "step 4" "SELECT * FROM no_such_table;" ""
	run --separate-stderr retort upgrade head
	expect_status 1
	expect_match "$stderr" "l00000000004_step_4\\.sql:[0-9]+: .*no_such_table"
	expect_match "$stderr" "rolled back.*3 steps.* $(chain_id 1), $(chain_id 2), l00000000003"
	expect_match "$stderr" "the database is at <base>|still at <base>"
	expect_eq "$(rows)" ""
	! has_table t1
	# from a revision, that revision is named
	run retort upgrade "$(chain_id 1)"
	expect_status 0
	run --separate-stderr retort upgrade head
	expect_status 1
	expect_match "$stderr" "still at $(chain_id 1)"
	expect_eq "$(rows)" "$(chain_id 1)"
}

@test "an INVALID index left by an interrupted concurrent build is not recorded as done" {
	only_db postgresql "indisvalid is PostgreSQL's"
	project
	mkrev a00000000001 "" "table" "CREATE TABLE t (x int); INSERT INTO t VALUES (1), (1);" "DROP TABLE t;"
	mkrev b00000000002 a00000000001 "index" "-- migrate:upgrade transaction:false" ""
	# the index file, written by hand: transaction:false with IF NOT EXISTS
	cat >migrations/versions/b00000000002_index.sql <<-'SQL'
	-- index
	--
	-- Revision ID: b00000000002
	-- Revises: a00000000001

	-- migrate:upgrade transaction:false
	CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix_t_x ON t (x);

	-- migrate:downgrade transaction:false
	DROP INDEX CONCURRENTLY IF EXISTS ix_t_x;
	SQL
	run retort upgrade a00000000001
	expect_status 0
	# what a killed build leaves: the index, INVALID
	sql "CREATE UNIQUE INDEX CONCURRENTLY ix_t_x ON t (x)" 2>/dev/null || true
	expect_eq "$(sql "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_t_x'::regclass")" f
	run --separate-stderr retort upgrade head
	expect_status 1
	one_error
	expect_match "$stderr" "b00000000002_index\\.sql:[0-9]+: index ix_t_x is INVALID"
	expect_match "$stderr" "DROP INDEX CONCURRENTLY"
	expect_eq "$(rows)" a00000000001
	# the statement that left it counts as not run: the journal says 0 of 1
	expect_match "$stderr" "0 of 1 statements of this transaction:false section ran"
	# with the duplicate gone and the index dropped, resume builds it
	sql "DELETE FROM t; DROP INDEX ix_t_x"
	run retort resume
	expect_status 0
	expect_eq "$(rows)" b00000000002
	expect_eq "$(sql "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_t_x'::regclass")" t
}

@test "special files in a version location: a FIFO never blocks; links to nothing, loops and folders are refused (exit 2)" {
	project
	chain 1
	retort upgrade head 2>/dev/null
	BEFORE=$(dbsum)
	FILES_BEFORE=$(files_now)
	local v=migrations/versions out
	mkfifo fifo
	ln -s ../../fifo $v/x_fifo.sql
	out=$(refused "fifo link" "x_fifo\\.sql: not a regular file" timeout 10 "$RETORT" heads)
	[ -z "$out" ] || { echo "$out"; return 1; }
	rm $v/x_fifo.sql
	ln -s nowhere $v/x_dangling.sql
	out=$(refused "dangling link" "x_dangling\\.sql: a symbolic link to nothing" retort heads)
	[ -z "$out" ] || { echo "$out"; return 1; }
	rm $v/x_dangling.sql
	ln -s x_loop.sql $v/x_loop.sql
	out=$(refused "looping link" "x_loop\\.sql: a symbolic link that loops" retort upgrade head)
	[ -z "$out" ] || { echo "$out"; return 1; }
	rm $v/x_loop.sql
	mkdir $v/x_dir.sql
	out=$(refused "folder" "x_dir\\.sql: a folder" retort history)
	[ -z "$out" ] || { echo "$out"; return 1; }
}

@test "reading commands never create a database; they say it does not exist (exit 1)" {
	only_db sqlite "a PostgreSQL database is never created by retort"
	project
	chain 2
	set_url "sqlite:///typo.db"
	local cmd
	for cmd in current status "history -i" check diff "current --check-heads"; do
		run --separate-stderr retort $cmd
		expect_status 1
		expect_match "$stderr" "the database file 'typo\\.db' does not exist"
		[ ! -e typo.db ] || { echo "$cmd created typo.db"; return 1; }
	done
	# upgrade creates it, as always
	run retort upgrade head
	expect_status 0
	[ -e typo.db ]
}

@test "revision ids that would name another folder, and templates that leave the version location, are refused" {
	project
	BEFORE=$(dbsum)
	FILES_BEFORE=$(files_now)
	local out id
	for id in ../../zz a/b 'a\b'; do
		out=$(refused "--rev-id $id" "contains '[/\\\\]'" retort revision -m x --rev-id "$id")
		[ -z "$out" ] || { echo "$out"; return 1; }
	done
	set_key file_template "../%%(rev)s_%%(slug)s"
	FILES_BEFORE=$(files_now)
	out=$(refused "template .." "retort\\.ini:[0-9]+: file_template makes '\\.\\./" retort revision -m x)
	[ -z "$out" ] || { echo "$out"; return 1; }
	set_key file_template "%%(rev)s/%%(slug)s"
	FILES_BEFORE=$(files_now)
	out=$(refused "template /" "retort\\.ini:[0-9]+: file_template makes '[0-9a-f]+/x'" retort revision -m x)
	[ -z "$out" ] || { echo "$out"; return 1; }
}

@test "head, heads, base and current are refused as revision ids, given or in a file" {
	project
	BEFORE=$(dbsum)
	FILES_BEFORE=$(files_now)
	local out id
	for id in head heads base current; do
		out=$(refused "--rev-id $id" "'$id' is a reserved name" retort revision -m x --rev-id "$id")
		[ -z "$out" ] || { echo "$out"; return 1; }
	done
	mkrev head "" "named head" "CREATE TABLE t1 (x INTEGER);" ""
	FILES_BEFORE=$(files_now)
	out=$(refused "file" "head_named_head\\.sql:3: 'head' is a reserved name" retort heads)
	[ -z "$out" ] || { echo "$out"; return 1; }
}

@test "%(here)s in a folder whose name looks like a variable is not expanded again" {
	mkdir 'we${HOME}ird'
	cd 'we${HOME}ird'
	project
	set_key script_location '%(here)s/migrations'
	chain 1
	run --separate-stderr retort heads
	expect_status 0
	expect_match "$output" "$(chain_id 1) \\(head\\)"
	# and a variable's value is not interpolated either
	set_key script_location '${MIGS}'
	MIGS='%(here)s/migrations' run --separate-stderr retort heads
	expect_status 2
	expect_match "$stderr" "/%\\(here\\)s/migrations/versions' is not a folder"
}

@test "a step that cannot have SQLite's write lock in time is named, and so is the holder's kind" {
	only_db sqlite "SQLite's file lock"
	project
	set_key lock_timeout 1s
	chain 2
	retort upgrade "$(chain_id 1)" 2>/dev/null
	# another connection holds the write lock for 5 s
	sqlite3 t.db "BEGIN IMMEDIATE; WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30000000) SELECT count(*) FROM c; COMMIT;" >/dev/null &
	local holder=$!
	sleep 0.3
	run --separate-stderr retort upgrade head
	kill "$holder" 2>/dev/null || true
	wait "$holder" 2>/dev/null || true
	expect_status 1
	one_error
	expect_match "$stderr" "$(chain_id 2)_step_2\\.sql: this step was not applied: .*database is locked.*write lock"
	expect_eq "$(rows)" "$(chain_id 1)"
}

@test "two first runs with different version tables both create what they need" {
	only_db postgresql "the catalog race of CREATE TABLE is PostgreSQL's"
	local round i url
	for round in 1 2 3 4 5; do
		url=$(dburl "r$round")
		for i in 1 2 3; do
			rm -rf "p$i" && mkdir "p$i"
			(cd "p$i" && retort init >/dev/null 2>&1 && set_url "$url" && set_key version_table "v$i" &&
				mkrev "a0000000000$i" "" "one" "CREATE TABLE t1_$i (x INTEGER);" "DROP TABLE t1_$i;")
		done
		rm -f r?.rc
		for i in 1 2 3; do (cd "p$i" && "$RETORT" upgrade head >"../r$i.out" 2>&1; echo $? >"../r$i.rc") 3>&- & done
		for i in $(seq 1 600); do [ -s r1.rc ] && [ -s r2.rc ] && [ -s r3.rc ] && break; sleep 0.05; done
		for i in 1 2 3; do
			[ "$(cat "r$i.rc")" = 0 ] || { echo "round $round, runner $i: $(cat "r$i.out")"; return 1; }
		done
		expect_eq "$(sql_on "r$round" "SELECT count(*) FROM retort_log")" 3
	done
}

# scratch_dbs: the scratch databases on the server, sorted.
scratch_dbs() {
	pg_admin "SELECT datname FROM pg_database WHERE datname LIKE 'retort\\_scratch\\_%' ORDER BY 1"
}

# scratch_dbs_of PID: those a retort of that pid made (the pid is in the
# name): other tests running at the same time make their own.
scratch_dbs_of() {
	pg_admin "SELECT datname FROM pg_database WHERE datname LIKE 'retort\\_scratch\\_%\\_$1\\_%' ORDER BY 1"
}

@test "Ctrl-C during check, diff or revision --autogenerate leaves no scratch database" {
	only_db postgresql "the scratch database of a server"
	project
	chain 1
	retort upgrade head 2>/dev/null
	# a model that takes a while to load
	printf 'CREATE TABLE slow (x int);\nSELECT pg_sleep(2);\n' >schema.sql
	local cmd pid rc
	for cmd in check diff "revision --autogenerate -m x"; do
		# shellcheck disable=SC2086
		"$RETORT" $cmd >out.txt 2>err.txt &
		pid=$!
		for _ in $(seq 1 100); do
			[ -n "$(scratch_dbs_of "$pid")" ] && break
			sleep 0.05
		done
		[ -n "$(scratch_dbs_of "$pid")" ] || { echo "$cmd: no scratch database appeared"; return 1; }
		kill -INT "$pid"
		rc=0
		wait "$pid" || rc=$?
		expect_eq "$rc" 130
		expect_match "$(cat err.txt)" "interrupted"
		expect_eq "$(scratch_dbs_of "$pid")" ""
	done
	[ -z "$(ls migrations/versions/*_x.sql 2>/dev/null)" ]
}

@test "a scratch database left by a killed run is removed by the next one after an hour" {
	only_db postgresql "the scratch database of a server"
	project
	chain 1
	retort upgrade head 2>/dev/null
	printf 'CREATE TABLE t1 (x INTEGER);\n' >schema.sql
	local old=$(( $(date +%s) - 7200 )) new=$(date +%s)
	pg_admin "CREATE DATABASE retort_scratch_0ld0ld" >/dev/null
	db_made db retort_scratch_0ld0ld
	pg_admin "COMMENT ON DATABASE retort_scratch_0ld0ld IS 'retort scratch database, removed after use; created at $old'" >/dev/null
	pg_admin "CREATE DATABASE retort_scratch_fresh0" >/dev/null
	db_made db retort_scratch_fresh0
	pg_admin "COMMENT ON DATABASE retort_scratch_fresh0 IS 'retort scratch database, removed after use; created at $new'" >/dev/null
	pg_admin "CREATE DATABASE retort_scratch_n0tours" >/dev/null
	db_made db retort_scratch_n0tours
	run --separate-stderr retort check
	expect_status 0
	local left
	left=$(scratch_dbs | tr '\n' ' ')
	[[ "$left" != *retort_scratch_0ld0ld* ]] || { echo "the stale one is still there: $left"; return 1; }
	[[ "$left" == *retort_scratch_fresh0* ]] || { echo "a fresh one (another run's) was dropped: $left"; return 1; }
	[[ "$left" == *retort_scratch_n0tours* ]] || { echo "one without retort's comment was dropped: $left"; return 1; }
}

@test "runs killed in their first 100 ms leave only scratch databases known by name, which go after an hour" {
	only_db postgresql "the scratch database of a server"
	project
	chain 1
	retort upgrade head 2>/dev/null
	printf 'CREATE TABLE t1 (x INTEGER);\n' >schema.sql
	local i pid t0 t1 name when pids=""
	t0=$(date +%s)
	for i in $(seq 1 12); do
		"$RETORT" diff >/dev/null 2>&1 &
		pid=$!
		pids="$pids $pid"
		sleep "0.0$(( (i * 7) % 10 ))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	t1=$(date +%s)
	# every leftover says when it was made, by its name alone: nothing unknown
	# stays (only those runs' own: the pid is in the name, and other tests run)
	local mine=""
	for pid in $pids; do mine="$mine $(scratch_dbs_of "$pid")"; done
	# an old-style name (no pid) made meanwhile would be this run's too
	for name in $(scratch_dbs); do
		[[ "$name" =~ ^retort_scratch_[0-9]+_[0-9]+_ ]] || mine="$mine $name"
	done
	for name in $mine; do
		db_made db "$name"
		[[ "$name" =~ ^retort_scratch_([0-9]+)_[0-9]+_[0-9a-f]+$ ]] ||
			{ echo "a leftover the cleanup cannot date: $name"; return 1; }
		when=${BASH_REMATCH[1]}
		[ "$when" -ge "$t0" ] && [ "$when" -le "$t1" ] || { echo "$name: not made now"; return 1; }
	done
	# one named two hours ago goes at the next run; one named now stays
	local old=$(( $(date +%s) - 7200 ))
	pg_admin "CREATE DATABASE retort_scratch_${old}_4242_abcdef01" >/dev/null
	db_made db "retort_scratch_${old}_4242_abcdef01"
	local fresh="retort_scratch_$(date +%s)_4243_abcdef02"
	pg_admin "CREATE DATABASE $fresh" >/dev/null
	db_made db "$fresh"
	run --separate-stderr retort check
	expect_status 0
	[[ "$(scratch_dbs | tr '\n' ' ')" != *"retort_scratch_${old}_4242"* ]] || { echo "the stale one is still there"; return 1; }
	[[ "$(scratch_dbs | tr '\n' ' ')" == *"_4243_abcdef02"* ]] || { echo "a fresh one was dropped"; return 1; }
}

@test "SQLite scratch files of a killed run are removed by the next run that makes one" {
	only_db sqlite "SQLite's scratch files"
	project
	chain 2
	mkdir tmp
	local now dead
	now=$(date +%s)
	# a pid that is surely gone: a finished child's
	sh -c 'exit 0' & dead=$!
	wait "$dead"
	touch "tmp/retort_scratch_${now}_${dead}_a1b2c3d4-Xy12Zq" "tmp/retort_scratch_${now}_${dead}_a1b2c3d4-Xy12Zq-journal"
	touch "tmp/retort_scratch_${now}_$$_a1b2c3d4-live00"   # this shell's: alive
	touch "tmp/retort_scratch_notours"
	TMPDIR=$PWD/tmp run --separate-stderr retort verify
	expect_status 0
	expect_eq "$(ls tmp | sort | tr '\n' ' ')" "retort_scratch_${now}_$$_a1b2c3d4-live00 retort_scratch_notours "
}

@test "a connecting command names its database and where it came from; a config url over DB_* is warned of" {
	KEEP_NOTE=1
	project
	chain 1
	local url
	url=$(dburl t)
	run --separate-stderr retort upgrade head
	expect_status 0
	local shown
	shown=$(printf '%s' "$url" | sed -E 's#(://[^:/@]+:)[^@]*@#\1***@#')
	printf '%s\n' "$stderr" | grep -qF "retort: database $shown (from retort.ini:" ||
		{ echo "no note naming $shown in: $stderr"; return 1; }
	# --url and DATABASE_URL say so; the password never shows
	run --separate-stderr retort --url "$url" current
	expect_match "$stderr" "^retort: database .* \\(from --url\\)\$"
	DATABASE_URL=$url run --separate-stderr retort current
	expect_match "$stderr" "\\(from DATABASE_URL\\)\$"
	# -q: quiet; commands that do not connect: nothing
	run --separate-stderr retort -q current
	expect_no_match "$stderr" "^retort: database"
	run --separate-stderr retort heads
	expect_no_match "$stderr" "^retort: database"
	run --separate-stderr retort upgrade head --sql
	expect_no_match "$stderr" "^retort: database"
	# seed 000's way: DB_* exported, but init's url wins: say so, once
	DB_HOST=db.internal DB_NAME=social_suit DB_PASSWORD=postgres run --separate-stderr retort current
	expect_status 0
	expect_eq "$(printf '%s\n' "$stderr" | grep -c '^retort: warning: DB_HOST/DB_NAME are set, but the url in retort\.ini:[0-9]* wins')" 1
	# without a url in the config, DB_* is the database, named with its source
	sed -i '/^url *=/d' retort.ini
	DB_HOST=127.0.0.1 DB_PORT=1 DB_NAME=social_suit DB_USER=postgres DB_PASSWORD=postgres \
		run --separate-stderr retort current
	expect_status 1
	expect_match "$stderr" "^retort: database postgresql://postgres:\\*\\*\\*@127\\.0\\.0\\.1:1/social_suit \\(from DB_\\*\\)\$"
	expect_no_match "$stderr" "postgres@|:postgres@"
}

@test "a ';' in a comment between statements is part of the comment, not the end of a statement" {
	project
	mkrev a00000000001 "" "commented" "$(printf -- '-- note; commit later, rollback never\nCREATE TABLE x (id integer);\n/* one; two */ CREATE TABLE y (id integer);')" \
		"$(printf -- 'DROP TABLE y; -- gone; for good\nDROP TABLE x;')"
	run --separate-stderr retort upgrade head
	expect_status 0
	has_table x
	has_table y
	run --separate-stderr retort downgrade base
	expect_status 0
	not has_table x
}
