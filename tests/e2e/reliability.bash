# reliability.bash: what faults.bats and crash.bats share (loaded after
# helpers.bash): a 30-revision graph with two branches and a merge, and a
# check that the database holds exactly a whole number of its steps.
#
#   r01 .. r10 --+-- r11 .. r18 --+-- r27 (merge) -- r28 .. r30
#                +-- r19 .. r26 --+
#
# Every revision, the merge too, creates its table t_<id> with rows and then
# its index ix_<id>, so a step that was half done shows as a table without
# its index (or rows).  ROWS_PER_STEP rows each (a recursive CTE), to make
# steps slow enough for crash.bats to land kills inside them.

REL_N=30

rel_id() { printf 'r%011d' "$1"; }

# rel_parents I: the parents of revision I, as ids separated by ", ".
rel_parents() {
	local i=$1
	case $i in
	1) ;;
	11 | 19) rel_id 10 ;;
	27) printf '%s, %s' "$(rel_id 18)" "$(rel_id 26)" ;;
	*) rel_id $((i - 1)) ;;
	esac
}

# rel_graph [ROWS_PER_STEP]: write the 30 files and graph.txt ("id parent...").
rel_graph() {
	local rows=${1:-2} i id up down
	: >graph.txt
	for i in $(seq 1 $REL_N); do
		id=$(rel_id "$i")
		up="CREATE TABLE t_$id (id INTEGER NOT NULL PRIMARY KEY, v INTEGER NOT NULL);
INSERT INTO t_$id (id, v) WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < $rows) SELECT k, $i FROM n;
CREATE INDEX ix_$id ON t_$id (v);"
		down="DROP INDEX ix_$id;
DROP TABLE t_$id;"
		mkrev "$id" "$(rel_parents "$i")" "step $i" "$up" "$down"
		printf '%s %s\n' "$id" "$(rel_parents "$i" | tr -d ',')" >>graph.txt
	done
	REL_ROWS=$rows
}

# rel_state: one line per fact: "T table", "I index", "C table rows",
# "V version_num", "L revision net" (upgrades minus downgrades in retort_log),
# and "VX" / "LX" once the version table / retort_log was read in full.
rel_state() {
	local tabs q
	if is_pg; then
		# one connection: a statement on a missing table fails alone
		psql -XAtq -d "$(db_conn t)" -c "SELECT 'T ' || tablename FROM pg_tables WHERE schemaname = 'public'
			UNION ALL SELECT 'I ' || indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'ix\\_%'
			UNION ALL SELECT 'C ' || tablename || ' ' || (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM public.%I', tablename), false, true, '')))[1]::text
				FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\\_%'" \
			-c "SELECT 'V ' || version_num FROM alembic_version UNION ALL SELECT 'VX'" \
			-c "SELECT 'L ' || revision || ' ' || sum(CASE operation WHEN 'upgrade' THEN 1 WHEN 'downgrade' THEN -1 ELSE 0 END) FROM retort_log GROUP BY revision UNION ALL SELECT 'LX'" \
			2>/dev/null
		return 0
	else
		[ -e t.db ] || return 0
		tabs=$(sql "SELECT 'T ' || name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
			UNION ALL SELECT 'I ' || name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix\\_%' ESCAPE '\\'") || return 1
	fi
	printf '%s\n' "$tabs"
	q=""
	local t
	for t in $(printf '%s\n' "$tabs" | awk '$1 == "T" && $2 ~ /^t_/ { print $2 }'); do
		q+="${q:+ UNION ALL }SELECT 'C $t ' || count(*) FROM $t"
	done
	if printf '%s\n' "$tabs" | grep -qx 'T alembic_version'; then
		q+="${q:+ UNION ALL }SELECT 'V ' || version_num FROM alembic_version UNION ALL SELECT 'VX'"
	fi
	if printf '%s\n' "$tabs" | grep -qx 'T retort_log'; then
		q+="${q:+ UNION ALL }SELECT 'L ' || revision || ' ' || sum(CASE operation WHEN 'upgrade' THEN 1 WHEN 'downgrade' THEN -1 ELSE 0 END) FROM retort_log GROUP BY revision UNION ALL SELECT 'LX'"
	fi
	[ -z "$q" ] || sql "$q"
}

# rel_check: the database holds a whole number of steps: the version table's
# rows are heads, the revisions they imply (every ancestor) are exactly those
# whose table, rows and index exist, and retort_log's net count is 1 for each
# of them and 0 for every other.  Prints "ok <applied>" or what is wrong.
rel_check() {
	local st
	st=$(rel_state) || { echo "cannot read the database"; return 1; }
	printf '%s\n' "$st" | awk -v rows="${REL_ROWS:-2}" '
		FNR == NR { all[$1] = 1; np[$1] = NF - 1; for (i = 2; i <= NF; i++) par[$1, i - 1] = $i; next }
		$1 == "T" { tab[$2] = 1 } $1 == "I" { idx[$2] = 1 } $1 == "C" { cnt[$2] = $3 }
		$1 == "V" { row[$2] = 1; nrow++ } $1 == "L" { net[$2] = $3 }
		$1 == "VX" { vx = 1 } $1 == "LX" { lx = 1 }
		function bad(m) { print m; err = 1 }
		END {
			if (tab["alembic_version"] && !vx) bad("alembic_version unreadable")
			if (tab["retort_log"] && !lx) bad("retort_log unreadable")
			if (tab["alembic_version"] != tab["retort_log"]) bad("alembic_version and retort_log: one without the other")
			n = 0
			for (r in row) { if (!(r in all)) bad("row " r " is no revision"); stack[++n] = r }
			while (n > 0) {
				x = stack[n--]
				if (x in ap) continue
				ap[x] = 1; napplied++
				for (i = 1; i <= np[x]; i++) { p = par[x, i]; stack[++n] = p; if (p in row) bad("row " p " is not a head (" x " is applied)") }
			}
			for (id in all) {
				a = (id in ap) ? 1 : 0
				if (tab["t_" id] != a) bad("t_" id (a ? " missing" : " present") " but " id (a ? " applied" : " not applied"))
				if (idx["ix_" id] != a) bad("ix_" id (a ? " missing" : " present") " but " id (a ? " applied" : " not applied"))
				if (a && cnt["t_" id] != rows) bad("t_" id " holds " cnt["t_" id] " rows, not " rows)
				if (net[id] + 0 != a) bad("retort_log nets " (net[id] + 0) " for " id ", applied " a)
			}
			for (t in tab) if (t != "alembic_version" && t != "retort_log" && !(substr(t, 3) in ap)) if (!(substr(t, 3) in all)) bad("unexpected table " t)
			if (!err) print "ok " napplied + 0
			exit err
		}' graph.txt -
}

# rel_reset: the database as never used, quickly.
rel_reset() {
	if is_pg; then
		sql "DROP SCHEMA public CASCADE; CREATE SCHEMA public" 2>/dev/null
	else
		rm -f t.db t.db-journal t.db-wal t.db-shm
	fi
}
