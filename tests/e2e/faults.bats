#!/usr/bin/env bats
# Fault injection at every database call: retort-faults (the CLI with
# src/lib/run/db.c built with RETORT_FAULT_INJECTION; CMake passes its path as
# $RETORT_FAULTS) fails call N when RETORT_FAULT_AT=N.  For a 30-revision
# graph with two branches and a merge, for every N from 1 to the number of
# calls a whole `upgrade head` (and `downgrade base`) makes: the run exits 1
# with one clear line, the database holds exactly a whole number of steps
# (tables, indexes, rows, version table and retort_log agree), and a second
# run without the fault finishes the work.  Again with
# transaction_per_migration = false (then a failed run applies nothing at
# all), and with RETORT_FAULT_KIND=lost (the connection dies: the open
# transaction is lost and every later call fails).
#
# FAULT_STRIDE=K (default 1) tries every K-th call only, for quick runs by hand.

load helpers
load reliability

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	: "${RETORT_FAULTS:=${RETORT%/*}/retort-faults}"
	[ -x "$RETORT_FAULTS" ] || skip "no retort-faults binary at $RETORT_FAULTS (built when RETORT_TESTS is on)"
	project
	rel_graph 3
}

# calls CMD...: the number of database calls a fault-free run of CMD makes.
calls() {
	rm -f count.txt
	RETORT_FAULT_COUNT=$PWD/count.txt "$RETORT_FAULTS" "$@" >/dev/null 2>&1 || return 1
	cat count.txt
}

HEAD=r00000000030

# sweep KIND: every fault point of upgrade head and of downgrade base.
sweep() {
	local kind=$1 nu nd n max out err rc c fails="" points=0 stride=${FAULT_STRIDE:-1}
	rel_reset
	nu=$(calls upgrade head) || { echo "the fault-free upgrade failed" >&2; return 1; }
	[ "$(rows)" = "$HEAD" ] || { echo "the fault-free upgrade did not reach head: $(rows)" >&2; return 1; }
	nd=$(calls downgrade base) || { echo "the fault-free downgrade failed" >&2; return 1; }
	# at least a call a step: PostgreSQL sends a step in two messages, or in
	# one inside the run's single transaction
	[ "$nu" -ge 30 ] && [ "$nd" -ge 30 ] || { echo "too few calls: upgrade $nu, downgrade $nd" >&2; return 1; }
	max=$((nu > nd ? nu : nd))
	for ((n = 1; n <= max; n += stride)); do
		rel_reset
		for dir in up down; do
			if [ $dir = up ]; then
				[ "$n" -le "$nu" ] || continue
				cmd=(upgrade head)
			else
				[ "$n" -le "$nd" ] || continue
				# the upgrade's second run left it at head; else get there
				[ "$n" -le "$nu" ] || "$RETORT" upgrade head >/dev/null 2>&1 ||
					{ fails+="N=$n: setup upgrade failed"$'\n'; continue; }
				cmd=(downgrade base)
			fi
			points=$((points + 1))
			out=$(RETORT_FAULT_AT=$n RETORT_FAULT_KIND=$kind "$RETORT_FAULTS" "${cmd[@]}" 2>err.txt) && rc=0 || rc=$?
			err=$(without_note "$(cat err.txt)")
			if [ "$rc" -ne 1 ]; then
				fails+="N=$n ${cmd[*]}: exit $rc, not 1: $err"$'\n'
			elif [ "$(printf '%s\n' "$err" | grep -c '^retort: ')" -ne 1 ] ||
				! [[ "$(printf '%s\n' "$err" | tail -n 1)" == "retort: "*"injected fault"* ]]; then
				# progress lines ("Running upgrade ...") come first
				fails+="N=$n ${cmd[*]}: stderr does not end in one clear error line: $err"$'\n'
			fi
			if ! c=$(rel_check); then
				fails+="N=$n ${cmd[*]}: after the fault: $(printf '%s' "$c" | tr '\n' ';')"$'\n'
			elif [ "$TPM" = false ]; then
				# one transaction for the whole command: all or nothing
				if [ $dir = up ] && [ "$c" != "ok 0" ]; then
					fails+="N=$n upgrade: $c applied despite the failure"$'\n'
				elif [ $dir = down ] && [ "$c" != "ok $REL_N" ]; then
					fails+="N=$n downgrade: $c left despite the failure"$'\n'
				fi
			fi
			if ! "$RETORT" "${cmd[@]}" >/dev/null 2>err.txt; then
				fails+="N=$n ${cmd[*]}: the run after the fault failed: $(cat err.txt)"$'\n'
			fi
			c=$(rel_check) || fails+="N=$n ${cmd[*]}: after the second run: $(printf '%s' "$c" | tr '\n' ';')"$'\n'
			if [ $dir = up ] && [ "$c" != "ok $REL_N" ]; then
				fails+="N=$n upgrade: the second run left $c, not all $REL_N"$'\n'
			elif [ $dir = down ] && [ "$c" != "ok 0" ]; then
				fails+="N=$n downgrade: the second run left $c, not 0"$'\n'
			fi
		done
	done
	echo "# $kind faults ($RETORT_TEST_DB, transaction_per_migration=$TPM): $points fault points (upgrade head $nu calls, downgrade base $nd calls)" >&3
	if [ -n "$fails" ]; then
		printf '%s' "$fails" | head -n 40 >&2
		return 1
	fi
}

@test "a fault at every database call leaves whole steps, and a second run finishes" {
	TPM=true
	sweep fail
}

@test "with transaction_per_migration = false a fault at any call applies nothing" {
	set_key transaction_per_migration false
	TPM=false
	sweep fail
}

@test "a connection lost at every database call leaves whole steps, and a second run finishes" {
	TPM=true
	sweep lost
}

@test "the fault hook counts the calls, and RETORT_FAULT_AT past the end changes nothing" {
	local n
	n=$(calls upgrade head)
	[ "$n" -gt 0 ]
	rel_reset
	run --separate-stderr env RETORT_FAULT_AT=1000000 "$RETORT_FAULTS" upgrade head
	expect_status 0
	expect_eq "$(rel_check)" "ok $REL_N"
}

@test "the whole-steps check itself sees a half-done step, a stray row and a wrong journal" {
	rel_reset
	"$RETORT" upgrade head >/dev/null 2>&1
	expect_eq "$(rel_check)" "ok $REL_N"
	sql "DROP INDEX ix_r00000000007"
	run rel_check
	expect_status 1
	expect_match "$output" "ix_r00000000007 missing"
	"$RETORT" downgrade base >/dev/null 2>&1 || true
	rel_reset
	"$RETORT" upgrade r00000000005 >/dev/null 2>&1
	sql "INSERT INTO alembic_version VALUES ('r00000000003')"
	run rel_check
	expect_status 1
	expect_match "$output" "r00000000003 is not a head"
	sql "DELETE FROM alembic_version WHERE version_num = 'r00000000003'"
	sql "DELETE FROM retort_log WHERE revision = 'r00000000004'"
	run rel_check
	expect_status 1
	expect_match "$output" "retort_log nets 0 for r00000000004"
}
