#!/usr/bin/env bats
# The cache of parsed revision files (src/lib/revisions/revcache.h): never needed,
# and never wrong.  Every change to the folder (an edit that keeps the size,
# one that also restores the mtime, a new file, a removed one, a renamed
# one) and a damaged cache give exactly what reading every file gives
# (RETORT_CACHE=0 is the reference).  RETORT_CACHE=1 uses the cache on this
# small project; entries are recorded only for files older than two
# seconds (RT_REVCACHE_RACY), hence settle, which waits for exactly that.

load helpers

setup() {
	retort_env || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	export XDG_CACHE_HOME=$BATS_TEST_TMPDIR/xdg
	A=aaaa00000001 B=bbbb00000002 C=cccc00000003 D=dddd00000004 E=eeee00000005 F=ffff00000006
	project
	graph
}

# settle: wait until every revision file (and the folder) was last changed
# in a second at least three before this one, as the cache requires of what
# it records (no fixed sleep: it returns as soon as that holds).
settle() {
	local i newest
	for i in $(seq 1 100); do
		newest=$(find migrations/versions -printf '%C@\n' | sort -n | tail -n 1)
		# in whole seconds, as the cache compares: a file of second S is
		# recorded from second S + 3 on
		[ $(( $(date +%s) - ${newest%.*} )) -ge 3 ] && return 0
		sleep 0.1
	done
	echo "the files never settled" >&2
	return 1
}

cache_file() {
	ls "$XDG_CACHE_HOME"/retort/* 2>/dev/null | head -n 1
}

# same: with and without the cache, the reading commands agree.
same() {
	local cmd want got
	for cmd in "history -v" "heads -v" "branches" "show $A" "show $F"; do
		want=$(RETORT_CACHE=0 "$RETORT" $cmd 2>&1) || true
		got=$(RETORT_CACHE=1 "$RETORT" $cmd 2>&1) || true
		if [ "$want" != "$got" ]; then
			printf 'retort %s differs with the cache:\n--- without\n%s\n--- with\n%s\n' \
				"$cmd" "$want" "$got" >&2
			return 1
		fi
	done
}

@test "the cache is used when nothing changed, and every change to the folder is seen" {
	settle
	same
	local f
	f=$(cache_file)
	[ -n "$f" ] || { echo "no cache written" >&2; return 1; }
	expect_eq "$(grep -ao '[a-f]\{4\}0000000[1-6]_[a-z_]*\.sql' "$f" | sort -u | wc -l)" 6
	if command -v strace >/dev/null; then
		# a run on a cache that holds opens no revision file (LeakSanitizer
		# cannot run under ptrace: off for this run of a sanitizer build)
		ASAN_OPTIONS=detect_leaks=0 RETORT_CACHE=1 strace -f -e trace=openat -o trace.txt "$RETORT" history >/dev/null
		expect_no_match "$(cat trace.txt)" '\.sql"'
	fi

	# an edit that keeps the size
	sed -i 's/create users table/create users TABLE/' migrations/versions/${B}_*.sql
	same
	expect_match "$(RETORT_CACHE=1 "$RETORT" history)" 'create users TABLE'

	# one in place (same inode, same size) that also puts the mtime back:
	# only the ctime tells
	settle
	same
	f=$(ls migrations/versions/${C}_*.sql)
	local ino at
	ino=$(stat -c %i "$f")
	touch -r "$f" ref.txt
	at=$(grep -bo 'add phone number' "$f" | head -n 1 | cut -d: -f1)
	printf 'add PHONE number' | dd of="$f" bs=1 seek="$at" conv=notrunc status=none
	touch -r ref.txt "$f"
	expect_eq "$(stat -c %i "$f")" "$ino"
	expect_eq "$(stat -c %Y "$f")" "$(stat -c %Y ref.txt)"
	same
	expect_match "$(RETORT_CACHE=1 "$RETORT" history)" 'add PHONE number'

	# a new revision, then removed
	mkrev abab00000007 $F "seventh" "" ""
	same
	expect_eq "$(RETORT_CACHE=1 "$RETORT" heads)" "abab00000007 (contact) (head)"
	rm migrations/versions/abab00000007_*.sql
	same
	expect_eq "$(RETORT_CACHE=1 "$RETORT" heads)" "$F (contact) (head)"

	# a renamed file: its new path
	mv migrations/versions/${F}_*.sql migrations/versions/${F}_renamed.sql
	same
	expect_match "$(RETORT_CACHE=1 "$RETORT" show $F)" "${F}_renamed\\.sql"
}

@test "a damaged or foreign cache is ignored and rewritten" {
	settle
	same
	local f size
	f=$(cache_file)
	[ -n "$f" ]
	size=$(stat -c %s "$f")
	# flip bytes in the middle of the entries
	printf 'XXXXXXXX' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc status=none
	same
	# truncated
	truncate -s $((size / 3)) "$f"
	same
	# another folder's cache under this folder's name
	printf 'retort-cache 1 0.1.0\n/elsewhere\n0000000000000000\n' >"$f"
	same
	# and it was rewritten whole: a later run uses it again
	if command -v strace >/dev/null; then
		RETORT_CACHE=1 "$RETORT" heads >/dev/null
		ASAN_OPTIONS=detect_leaks=0 RETORT_CACHE=1 strace -f -e trace=openat -o trace.txt "$RETORT" heads >/dev/null
		expect_no_match "$(cat trace.txt)" '\.sql"'
	fi
}

@test "a small project writes no cache; RETORT_CACHE=0 none at any size" {
	settle
	"$RETORT" history >/dev/null
	expect_eq "$(cache_file)" ""
	RETORT_CACHE=0 "$RETORT" history >/dev/null
	expect_eq "$(cache_file)" ""
	RETORT_CACHE=1 "$RETORT" history >/dev/null
	[ -n "$(cache_file)" ]
}

@test "an unwritable cache folder costs nothing but the cache" {
	settle
	export XDG_CACHE_HOME=/proc/no-such-place
	run --separate-stderr env RETORT_CACHE=1 "$RETORT" heads
	expect_status 0
	expect_eq "$stderr" ""
	expect_eq "$output" "$F (contact) (head)"
}

@test "a large folder, its files looked at by several threads: an edit is seen wherever it lies" {
	rm -f migrations/versions/*.sql
	# 4,000 revisions in a chain (the cache's default threshold is 1,000;
	# from 2,000 files the look at each file is split between threads, one
	# slice each: the edits below fall in every slice of up to 4)
	awk 'BEGIN {
		for (i = 1; i <= 4000; i++) {
			f = sprintf("migrations/versions/l%011d_step.sql", i)
			parent = ""
			if (i > 1)
				parent = sprintf("l%011d", i - 1)
			printf "-- step %d\n--\n-- Revision ID: l%011d\n-- Revises: %s\n", i, i, parent >f
			printf "-- Create Date: 2026-01-01 00:00:00.000000\n\n-- migrate:upgrade\nCREATE TABLE t%d (x INTEGER);\n\n-- migrate:downgrade\nDROP TABLE t%d;\n", i, i >f
			close(f)
		}
	}'
	settle
	"$RETORT" history >/dev/null
	[ -n "$(cache_file)" ] || { echo "no cache written" >&2; return 1; }
	local i want got
	if command -v strace >/dev/null; then
		# every slice found its files unchanged: none is opened
		ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=openat -o trace.txt "$RETORT" history >/dev/null
		expect_eq "$(grep -c '\.sql"' trace.txt)" 0
	fi
	for i in 1 999 1001 1999 2001 2999 3001 4000; do
		sed -i "1s/^-- step $i\$/-- STEP $i/" "$(printf 'migrations/versions/l%011d_step.sql' "$i")"
	done
	want=$(RETORT_CACHE=0 "$RETORT" history)
	if command -v strace >/dev/null; then
		# exactly the edited files are read again
		ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=openat -o trace.txt "$RETORT" history >/dev/null
		expect_eq "$(grep -c '\.sql"' trace.txt)" 8
	fi
	got=$("$RETORT" history)
	expect_eq "$got" "$want"
	for i in 1 999 1001 1999 2001 2999 3001 4000; do
		expect_match "$got" ", STEP $i\$"
	done
	expect_eq "$(printf '%s\n' "$got" | wc -l)" 4000
}
