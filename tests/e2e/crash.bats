#!/usr/bin/env bats
# Real crashes: the real binary killed with SIGKILL at random points of a
# long `upgrade head` (and `downgrade base`) over the 30-revision graph of
# reliability.bash, each step inserting thousands of rows so that kills land
# inside steps.  After every kill the database holds a whole number of steps
# (rel_check) and the next run finishes.  On PostgreSQL the server also ends
# retort's session from another one (pg_terminate_backend) mid-run: retort
# exits 1 with one clear line, and the same holds.
#
# CRASH_KILLS=N (default 50) kills per direction.

load helpers
load reliability

ROWS=4000

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	project
	rel_graph $ROWS
}

now() { date +%s.%N; }

# settle: on PostgreSQL, wait (up to 10 s) until the killed run's session has
# ended.  A step goes to the server with its COMMIT in one message, which
# the server finishes before it notices that the client is gone: the step
# may commit just after the kill, and a reading that overlaps that commit
# (rel_state's catalog scan, then a count on a table dropped meanwhile)
# would see a table vanish under it.
settle() {
	is_pg || return 0
	local i
	for i in $(seq 1 100); do
		[ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")" = 0 ] && return 0
		sleep 0.1
	done
}

# kill_sweep CMD FINAL-CHECK: kill CMD at random points until CRASH_KILLS
# kills landed mid-run; after each, the state is whole and a full run ends
# with FINAL-CHECK ("ok 30" or "ok 0").  $prepare runs before each attempt.
kill_sweep() {
	local want=${CRASH_KILLS:-50} kills=0 tries=0 t0 t1 full delay rc c pid fails="" finished=0 seen=""
	local -a cmd=($1)
	local final=$2
	$prepare
	t0=$(now)
	"$RETORT" "${cmd[@]}" >/dev/null 2>&1 || { echo "a full '${cmd[*]}' failed" >&2; return 1; }
	t1=$(now)
	full=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	[ "$(rel_check)" = "$final" ] || { echo "a full '${cmd[*]}' left $(rel_check)" >&2; return 1; }
	while [ "$kills" -lt "$want" ] && [ "$tries" -lt $((want * 4)) ]; do
		tries=$((tries + 1))
		$prepare
		# a random point of the run: 2% to 100% of its length
		delay=$(awk -v f="$full" -v r="$RANDOM" 'BEGIN { printf "%.3f", f * (0.02 + 0.98 * r / 32767) }')
		# kill and reap it here: `timeout -s KILL` returns while the killed
		# process may still be dying with its SQLite file lock held
		"$RETORT" "${cmd[@]}" >/dev/null 2>err.txt &
		pid=$!
		sleep "$delay"
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" && rc=0 || rc=$?
		if [ "$rc" -eq 137 ]; then
			kills=$((kills + 1))
			settle
		elif [ "$rc" -eq 0 ]; then
			finished=$((finished + 1))
		else
			fails+="try $tries: '${cmd[*]}' exited $rc: $(cat err.txt)"$'\n'
		fi
		c=$(rel_check) || fails+="try $tries (killed after ${delay}s): $(printf '%s' "$c" | tr '\n' ';')"$'\n'
		[ "$rc" -ne 137 ] || seen+=" ${c#ok }"
		if ! "$RETORT" "${cmd[@]}" >/dev/null 2>err.txt; then
			fails+="try $tries: the run after the kill failed: $(cat err.txt)"$'\n'
		fi
		c=$(rel_check)
		[ "$c" = "$final" ] || fails+="try $tries: the run after the kill left $c, not $final"$'\n'
	done
	echo "# ${cmd[*]} ($RETORT_TEST_DB): $kills kills survived in $tries tries ($finished runs ended before their kill; a full run takes ${full}s); steps applied when killed:$(printf '%s\n' $seen | sort -n | uniq -c | awk '{ printf " %s(x%s)", $2, $1 }')" >&3
	if [ -n "$fails" ]; then
		printf '%s' "$fails" | head -n 30 >&2
		return 1
	fi
	[ "$kills" -ge "$want" ] || { echo "only $kills kills landed mid-run" >&2; return 1; }
}

@test "SIGKILL at random points of upgrade head: whole steps each time, and the next run finishes" {
	prepare=rel_reset
	kill_sweep "upgrade head" "ok $REL_N"
}

at_head() {
	"$RETORT" upgrade head >/dev/null 2>&1
}

@test "SIGKILL at random points of downgrade base: whole steps each time, and the next run finishes" {
	prepare=at_head
	kill_sweep "downgrade base" "ok 0"
}

@test "PostgreSQL: the session terminated by the server mid-run: exit 1, one clear line, whole steps" {
	only_db postgresql "pg_terminate_backend"
	local tries=0 pid rc c db n delay full t0 t1 terminated=0
	db=$(db_pgname t)
	# aim inside the run: 10% to 80% of a full run's length, measured here
	rel_reset
	t0=$(now)
	"$RETORT" upgrade head >/dev/null 2>&1
	t1=$(now)
	full=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	while [ "$terminated" -lt 5 ] && [ "$tries" -lt 30 ]; do
		tries=$((tries + 1))
		rel_reset
		delay=$(awk -v f="$full" -v r="$RANDOM" 'BEGIN { printf "%.3f", f * (0.1 + 0.7 * r / 32767) }')
		"$RETORT" upgrade head >/dev/null 2>err.txt &
		pid=$!
		sleep "$delay"
		n=$(pg_admin "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'retort' AND pid <> pg_backend_pid()")
		wait $pid && rc=0 || rc=$?
		if [ "$n" -ge 1 ] && [ "$rc" -ne 0 ]; then
			terminated=$((terminated + 1))
			expect_eq "$rc" 1
			run cat err.txt
			expect_eq "$(without_note "$(cat err.txt)" | grep -c '^retort: ')" 1
			expect_match "$(tail -n 1 err.txt)" '^retort: .*(terminating connection|server closed the connection|connection to the server|administrator command)'
		fi
		c=$(rel_check) || { echo "after terminate $tries: $c" >&2; return 1; }
		run --separate-stderr "$RETORT" upgrade head
		expect_status 0
		expect_eq "$(rel_check)" "ok $REL_N"
	done
	echo "# $terminated sessions terminated mid-run in $tries tries (a full run takes ${full}s)" >&3
	[ "$terminated" -ge 5 ]
}
