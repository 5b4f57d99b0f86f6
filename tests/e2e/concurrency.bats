#!/usr/bin/env bats
# retort-db: both
#
# concurrency.bats: runners that cannot collide.  Several `retort upgrade`
# processes at once on one database apply each step exactly once, never
# deadlock, survive a runner killed while it holds the lock, and give up
# after lock_timeout with a message that names the holder.
#
# The database is RETORT_TEST_DB (sqlite, the default, or postgresql).  On
# PostgreSQL each test makes its own database on the private server at
# RETORT_TEST_PG_URL (scripts/check exports it) and drops it at the end.

load helpers

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	C_DB=$RETORT_TEST_DB
	# one database for the test, dropped by helpers' db_drop_all; a SQLite
	# path that holds from every project folder the test makes
	if is_pg; then
		C_URL=$(dburl t) || return 1
	else
		C_URL="sqlite:///$BATS_TEST_TMPDIR/t.db"
	fi
}

teardown() {
	# a runner left behind by a failed test must not outlive it
	local p
	for p in ${C_PIDS:-}; do kill -9 "$p" 2>/dev/null || true; done
	db_drop_all
}

# c_q SQL: run a query on the test database, one row a line, '|' between columns.
c_q() {
	if [ "$C_DB" = sqlite ]; then
		sqlite3 -batch -cmd '.timeout 10000' "$BATS_TEST_TMPDIR/t.db" "$1"
	else
		psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$C_URL" -c "$1"
	fi
}

# c_project DIR [LOCK_TIMEOUT]: a project in DIR on the test database.
c_project() {
	mkdir -p "$1/migrations/versions"
	cat >"$1/retort.ini" <<-EOF
	[retort]
	script_location = migrations
	url = $C_URL
	lock_timeout = \${C_LOCK_TIMEOUT:-${2:-60s}}
	EOF
}

# c_rev DIR ID PARENT MARKER-OPTIONS UP DOWN: one revision file.
c_rev() {
	local dir=$1 id=$2 parent=$3 opts=$4 up=$5 down=$6
	{
		printf -- '-- step %s\n--\n-- Revision ID: %s\n-- Revises: %s\n' "$id" "$id" "$parent"
		printf -- '-- Create Date: 2026-01-01 00:00:00.000000\n\n'
		printf -- '-- migrate:upgrade%s\n%s\n\n-- migrate:downgrade\n%s\n' \
			"${opts:+ $opts}" "$up" "$down"
	} >"$dir/migrations/versions/${id}_step.sql"
}

c_id() { printf 'c%011d' "$1"; }

# c_step_sql N: step N's upgrade: create tN, put one row in it.  Applied
# twice, it would fail (the table exists) or leave two rows.
c_step_sql() {
	printf 'CREATE TABLE t%s (x INTEGER);\nINSERT INTO t%s VALUES (%s);' "$1" "$1" "$1"
}

# c_chain DIR N [SLOW [SECONDS]]: the chain 1..N; step $C_NOTXN (default 25)
# runs outside a transaction; step SLOW, when given, first spends SECONDS
# (default 60) in the database: pg_sleep, or a recursive CTE on SQLite.
c_chain() {
	local dir=$1 n=$2 slow=${3:-} secs=${4:-60} i prev="" up opts
	for i in $(seq 1 "$n"); do
		up=$(c_step_sql "$i")
		opts=""
		if [ "$i" = "${C_NOTXN:-25}" ]; then
			opts="transaction:false"
			if [ "$C_DB" = postgresql ]; then
				up="$up"$'\n'"CREATE INDEX CONCURRENTLY ix_t$i ON t$i (x);"
			else
				up="$up"$'\n'"CREATE INDEX ix_t$i ON t$i (x);"
			fi
		fi
		if [ "$i" = "$slow" ]; then
			if [ "$C_DB" = postgresql ]; then
				up="SELECT pg_sleep($secs);"$'\n'"$up"
			else
				up="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $(echo "$secs * 5000000 / 1" | bc)) SELECT count(*) FROM c;"$'\n'"$up"
			fi
		fi
		c_rev "$dir" "$(c_id "$i")" "$prev" "$opts" "$up" "DROP TABLE t$i;"
		prev=$(c_id "$i")
	done
}

# c_check_applied_once N: the database holds the chain 1..N applied exactly once.
c_check_applied_once() {
	local n=$1 i q="" out bad
	for i in $(seq 1 "$n"); do
		q="$q${q:+ UNION ALL }SELECT 't$i', count(*) FROM t$i"
	done
	out=$(c_q "$q") || { echo "cannot read the tables t1..t$n" >&2; return 1; }
	[ "$(printf '%s\n' "$out" | grep -c .)" = "$n" ] || { echo "tables: $out" >&2; return 1; }
	bad=$(printf '%s\n' "$out" | grep -v '|1$' || true)
	[ -z "$bad" ] || { echo "tables without exactly one row: $bad" >&2; return 1; }
	if [ "$C_DB" = sqlite ]; then
		out=$(c_q "SELECT count(*) FROM sqlite_master WHERE type='table' AND name GLOB 't[0-9]*'")
	else
		out=$(c_q "SELECT count(*) FROM pg_tables WHERE schemaname='public' AND tablename ~ '^t[0-9]+\$'")
	fi
	[ "$out" = "$n" ] || { echo "expected $n tables t<N>, found $out" >&2; return 1; }
	out=$(c_q "SELECT count(*), count(DISTINCT revision) FROM retort_log WHERE operation='upgrade'")
	[ "$out" = "$n|$n" ] || { echo "retort_log upgrade rows (all|distinct): $out, expected $n|$n" >&2; return 1; }
	out=$(c_q "SELECT version_num FROM alembic_version")
	[ "$out" = "$(c_id "$n")" ] || { echo "version table: '$out', expected $(c_id "$n")" >&2; return 1; }
}

# c_start NAME DIR [ENV=VALUE...]: start `retort -v upgrade head` in DIR in
# the background, once the file "go" exists (c_go); its pid (retort's own:
# sh and env exec it) goes to NAME.pid, its exit code (when it ends) to NAME.rc.
c_start() {
	local name=$1 dir=$2
	shift 2
	(
		cd "$dir" || exit 99
		# the runners wait at a barrier, so that they really start together
		sh -c 'while [ ! -e "$0" ]; do sleep 0.01; done; shift; exec "$@"' \
			"$BATS_TEST_TMPDIR/go" - env "$@" "$RETORT" -v upgrade head \
			>"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" &
		echo $! >"$BATS_TEST_TMPDIR/$name.pid"
		rc=0
		wait $! || rc=$?   # bats runs tests under set -e
		echo $rc >"$BATS_TEST_TMPDIR/$name.rc"
	) 3>&- &   # bats waits for whoever holds its fd 3
	local i
	for i in $(seq 1 100); do
		[ -s "$BATS_TEST_TMPDIR/$name.pid" ] && break
		sleep 0.05
	done
	C_PIDS="${C_PIDS:-} $(cat "$BATS_TEST_TMPDIR/$name.pid")"
}

c_go() { touch "$BATS_TEST_TMPDIR/go"; }

# c_wait_rc NAME SECONDS: wait for NAME to end; prints its exit code.
c_wait_rc() {
	local i
	for i in $(seq 1 $(($2 * 10))); do
		[ -s "$BATS_TEST_TMPDIR/$1.rc" ] && { cat "$BATS_TEST_TMPDIR/$1.rc"; return 0; }
		sleep 0.1
	done
	echo "timeout"
}

# c_wait_for SECONDS CMD...: poll until CMD succeeds.
c_wait_for() {
	local n=$(($1 * 20)) i
	shift
	for i in $(seq 1 "$n"); do
		"$@" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "gave up waiting for: $*" >&2
	return 1
}

# The runner's pid that the lock's holder message should name: on SQLite the
# retort process, on PostgreSQL its server session.
c_holder_pid() {
	if [ "$C_DB" = sqlite ]; then
		cat "$BATS_TEST_TMPDIR/$1.pid"
	else
		c_q "SELECT pid FROM pg_stat_activity WHERE strpos(query, 'SELECT pg' || '_sleep(') > 0 AND pid <> pg_backend_pid() AND state = 'active' AND datname = current_database()"
	fi
}

# Whether the slow runner is inside its slow statement, holding the lock.
c_in_slow_step() {
	if [ "$C_DB" = sqlite ]; then
		[ "$(cat "$BATS_TEST_TMPDIR/t.db-retort.lock" 2>/dev/null)" = "$(cat "$BATS_TEST_TMPDIR/$1.pid")" ] &&
			grep -q "Running upgrade .*-> $(c_id 1)" "$BATS_TEST_TMPDIR/$1.err"
	else
		# the step is one message: its text holds the sleep after BEGIN and the guard
		[ "$(c_q "SELECT count(*) FROM pg_stat_activity WHERE strpos(query, 'SELECT pg' || '_sleep(') > 0 AND pid <> pg_backend_pid() AND state = 'active' AND datname = current_database()")" = 1 ]
	fi
}

@test "eight runners at once over 50 steps apply each step exactly once" {
	c_project p
	c_chain p 50
	local i t0 t1 rc ran=0 waited=0 steps=0 n
	for i in $(seq 1 8); do c_start "r$i" p; done
	t0=$(date +%s.%N)
	c_go
	for i in $(seq 1 8); do
		rc=$(c_wait_rc "r$i" 240)
		[ "$rc" = 0 ] || { echo "runner $i: exit $rc"; cat "r$i.err"; return 1; }
	done
	t1=$(date +%s.%N)
	for i in $(seq 1 8); do
		n=$(grep -c '^Running upgrade' "r$i.err" || true)
		steps=$((steps + n))
		[ "$n" = 0 ] || ran=$((ran + 1))
		grep -Eq 'took the migration lock .* after [0-9]{2,} ms' "r$i.err" && waited=$((waited + 1))
	done
	echo "# $C_DB: 8 runners in $(echo "$t1 - $t0" | bc) s; $ran of them applied steps, $waited waited >= 10 ms for the lock" >&3
	[ "$steps" = 50 ] || { echo "Running upgrade lines over all runners: $steps, expected 50"; return 1; }
	c_check_applied_once 50
}

@test "with a tiny lock_timeout, runners that lose exit 1 naming the holder; the work is done once" {
	c_project p 1ms
	c_chain p 50
	local i rc pids="" ok=0 lost=0 steps=0 err
	for i in $(seq 1 8); do c_start "r$i" p; pids="$pids $(cat "r$i.pid")"; done
	c_go
	for i in $(seq 1 8); do
		rc=$(c_wait_rc "r$i" 240)
		case $rc in
		0) ok=$((ok + 1)) ;;
		1)
			lost=$((lost + 1))
			expect_lock_message "r$i.err" "$pids" || return 1
			;;
		*) echo "runner $i: exit $rc"; cat "r$i.err"; return 1 ;;
		esac
		steps=$((steps + $(grep -c '^Running upgrade' "r$i.err" || true)))
	done
	echo "# $C_DB: lock_timeout=1ms: $ok runners exited 0, $lost exited 1 on the lock" >&3
	[ "$ok" -ge 1 ]
	[ "$steps" = 50 ] || { echo "Running upgrade lines over all runners: $steps, expected 50"; return 1; }
	# whoever lost may have lost before the winner finished: finish, then check
	(cd p && "$RETORT" upgrade head) || return 1
	c_check_applied_once 50
}

# expect_lock_message FILE PIDS: FILE's one error line is the lock timeout,
# naming one of PIDS (SQLite) or a server session (PostgreSQL) as the holder.
expect_lock_message() {
	local line pid
	line=$(without_note "$(cat "$1")" | grep '^retort: ')
	if [ "$C_DB" = sqlite ]; then
		printf '%s\n' "$line" | grep -Eq "^retort: could not take the migration lock on '[^']*t\\.db-retort\\.lock' within 0\\.001 s; held by another retort run( \\(pid [0-9]+\\))?\$" ||
			{ echo "unexpected lock message: $line"; return 1; }
		pid=$(printf '%s\n' "$line" | sed -n 's/.*(pid \([0-9]*\))$/\1/p')
		[ -z "$pid" ] || [[ " $2 " == *" $pid "* ]] ||
			{ echo "the message names pid $pid, not one of the runners ($2)"; return 1; }
	else
		printf '%s\n' "$line" | grep -Eq '^retort: could not take the migration lock within 0\.001 s; held by (pid [0-9]+ \(user [^,]+, application retort, since [^)]+\)|another session)$' ||
			{ echo "unexpected lock message: $line"; return 1; }
	fi
}

@test "a runner killed while holding the lock blocks neither a later run nor the work" {
	# slow/ and fast/ hold the same revisions, but slow/'s step 2 first
	# spends a minute in the database
	c_project slow
	c_chain slow 3 2
	c_project fast
	c_chain fast 3
	local holder rc t0 t1 waited
	# PostgreSQL notices that a busy session's client died when it next
	# checks the socket: retort's sessions ask it to check every second
	c_go
	c_start killed slow
	c_wait_for 30 c_in_slow_step killed
	holder=$(c_holder_pid killed)
	[ -n "$holder" ]

	# a run that cannot have the lock within 1 s says who holds it
	t0=$(date +%s.%N)
	run --separate-stderr env -C fast C_LOCK_TIMEOUT=1s "$RETORT" upgrade head
	t1=$(date +%s.%N)
	expect_status 1
	if [ "$C_DB" = sqlite ]; then
		expect_eq "$stderr" "retort: could not take the migration lock on '$BATS_TEST_TMPDIR/t.db-retort.lock' within 1 s; held by another retort run (pid $holder)"
	else
		expect_match "$stderr" "^retort: could not take the migration lock within 1 s; held by pid $holder \\(user [^,]+, application retort, since [^)]+\\)\$"
	fi
	waited=$(echo "$t1 - $t0" | bc)
	[ "$(echo "$waited >= 1 && $waited < 30" | bc)" = 1 ] || { echo "the 1 s lock_timeout took $waited s"; return 1; }

	# kill the holder mid-step; the next run takes over and finishes
	kill -9 "$(cat killed.pid)"
	rc=$(c_wait_rc killed 10)
	expect_eq "$rc" 137
	t0=$(date +%s.%N)
	run --separate-stderr env -C fast "$RETORT" upgrade head
	t1=$(date +%s.%N)
	expect_status 0
	waited=$(echo "$t1 - $t0" | bc)
	echo "# $C_DB: the run after the killed one took $waited s" >&3
	[ "$(echo "$waited < 30" | bc)" = 1 ] || { echo "the run after the killed one took $waited s"; return 1; }
	# the killed step was rolled back and run once more, by the new run
	expect_match "$stderr" "^Running upgrade $(c_id 1) -> $(c_id 2), step $(c_id 2)"
	expect_no_match "$stderr" "^Running upgrade +-> $(c_id 1)"
	c_check_applied_once 3
}

@test "a transaction:false first step runs once with two runners started together" {
	# both runners reach the step at once; the section spends 0.3 s before
	# its CREATE TABLE, so without a run lock both would run it
	c_project p
	C_NOTXN=1 c_chain p 5 1 0.3
	local round i rc
	for round in 1 2 3; do
		c_q "DROP TABLE IF EXISTS alembic_version" >/dev/null 2>&1
		c_q "DROP TABLE IF EXISTS retort_log" >/dev/null 2>&1
		for i in $(seq 1 5); do c_q "DROP TABLE IF EXISTS t$i" >/dev/null 2>&1; done
		rm -f r1.rc r2.rc r1.pid r2.pid go
		c_start r1 p
		c_start r2 p
		c_go
		for i in 1 2; do
			rc=$(c_wait_rc "r$i" 120)
			[ "$rc" = 0 ] || { echo "round $round, runner $i: exit $rc"; cat "r$i.err"; return 1; }
		done
		c_check_applied_once 5
	done
}

# c_counter_chain DIR N: a chain whose steps, applied twice, fail nothing:
# step 1 makes the table counter, each later step i inserts i into it and
# spends 0.1 s in the database.  Applied once, counter holds 2..N once each.
c_counter_chain() {
	local dir=$1 n=$2 i prev="" up sleep
	if [ "$C_DB" = postgresql ]; then sleep="SELECT pg_sleep(0.1);"; else
		sleep="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) FROM c;"
	fi
	for i in $(seq 1 "$n"); do
		if [ "$i" = 1 ]; then up="CREATE TABLE counter (i INTEGER);"; else
			up="INSERT INTO counter VALUES ($i);"$'\n'"$sleep"
		fi
		c_rev "$dir" "$(c_id "$i")" "$prev" "" "$up" ""
		prev=$(c_id "$i")
	done
}

@test "runners that name one database in different ways share one lock: nothing runs twice" {
	# a: the URL as the test has it; b: the same database named another way
	# (PostgreSQL: no database in the URL, PGDATABASE names it; SQLite: a
	# relative path through a symlinked folder); c: a config that spells
	# out the default schema (PostgreSQL) or the file's path with ./ in it
	c_project a
	c_counter_chain a 12
	mkdir -p b c
	cp -r a/migrations b/ && cp -r a/migrations c/
	local envb=()
	if [ "$C_DB" = postgresql ]; then
		local dbname=${C_URL##*/}
		c_project b
		set_url "${C_URL%/*}" b/retort.ini
		envb=(PGDATABASE="$dbname")
		c_project c
		set_key version_table_schema public c/retort.ini
	else
		ln -s "$BATS_TEST_TMPDIR" link
		c_project b
		set_url "sqlite:///../link/t.db" b/retort.ini
		c_project c
		set_url "sqlite:///$BATS_TEST_TMPDIR/./c/../t.db" c/retort.ini
	fi
	c_start a a
	c_start b b "${envb[@]}"
	c_start c c
	c_go
	local i rc
	for i in a b c; do
		rc=$(c_wait_rc "$i" 120)
		[ "$rc" = 0 ] || { echo "runner $i: exit $rc"; cat "$i.err"; return 1; }
	done
	expect_eq "$(c_q "SELECT count(*), count(DISTINCT i) FROM counter")" "11|11"
	expect_eq "$(c_q "SELECT version_num FROM alembic_version")" "$(c_id 12)"
	expect_eq "$(c_q "SELECT count(*) FROM retort_log WHERE operation = 'upgrade'")" 12
}

@test "a step that releases the run lock stops the run after that step (exit 1)" {
	[ "$C_DB" = postgresql ] || skip "only PostgreSQL's lock can be released by SQL"
	c_project p
	c_chain p 5
	# step 3 lets go of every advisory lock the session holds
	sed -i 's/^INSERT INTO t3 VALUES (3);$/&\nSELECT pg_advisory_unlock_all();/' \
		p/migrations/versions/$(c_id 3)_step.sql
	grep -q pg_advisory_unlock_all p/migrations/versions/$(c_id 3)_step.sql
	run --separate-stderr env -C p "$RETORT" upgrade head
	expect_status 1
	expect_match "$stderr" "^retort: .*$(c_id 3)_step\\.sql: the run lock was released"
	expect_eq "$(c_q "SELECT version_num FROM alembic_version")" "$(c_id 3)"
	expect_eq "$(c_q "SELECT count(*) FROM pg_tables WHERE tablename IN ('t4', 't5')")" 0
	# the rest runs on the next run; then DISCARD ALL in a transaction:false
	# section, followed by a step that must not run
	run env -C p "$RETORT" upgrade head
	expect_status 0
	c_rev p "$(c_id 6)" "$(c_id 5)" "transaction:false" "DISCARD ALL;" ""
	c_rev p "$(c_id 7)" "$(c_id 6)" "" "CREATE TABLE t7 (x INTEGER);" ""
	run --separate-stderr env -C p "$RETORT" upgrade head
	expect_status 1
	expect_match "$stderr" "$(c_id 6)_step\\.sql: the run lock was released"
	expect_eq "$(c_q "SELECT version_num FROM alembic_version")" "$(c_id 6)"
	expect_eq "$(c_q "SELECT count(*) FROM pg_tables WHERE tablename = 't7'")" 0
}
