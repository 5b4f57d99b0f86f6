#!/usr/bin/env bats
# Configuration: which file, which section, interpolation, and where the URL
# comes from (--url, DATABASE_URL, the config, DB_*), with .env underneath.
# Passwords never appear in any output.

load helpers

# A marker password with the characters that break naive URL handling.
PW='Se@cr:et%MARKER'
PW_ENC='Se%40cr%3Aet%25MARKER'

no_password() {
	expect_no_match "$1" 'MARKER|Se@cr|Se%40cr|StrongPassw'
}

@test "a missing config is exit 2 with a one-line message" {
	run --separate-stderr retort current
	expect_status 2
	one_error
	expect_match "$stderr" 'retort\.ini'
	run --separate-stderr retort upgrade head
	expect_status 2
	one_error
	# Nothing written (bats keeps its own separate-stderr-* files here).
	expect_eq "$(ls -A | grep -v '^separate-stderr-')" ""
}

@test "-c FILE from another folder; paths are relative to the config" {
	project
	chain 1
	mkdir elsewhere
	cd elsewhere
	run --separate-stderr retort -c ../retort.ini upgrade head
	expect_status 0
	if is_pg; then
		expect_eq "$(rows)" "$(chain_id 1)"
	else
		[ -e ../t.db ] || [ -e t.db ]
	fi
	run --separate-stderr retort --config ../retort.ini heads
	expect_status 0
	expect_eq "$output" "$(chain_id 1) (head)"
}

@test "%(here)s is the config's folder" {
	project
	chain 1
	mv migrations scripts
	set_key script_location '%(here)s/scripts'
	is_pg || set_url 'sqlite:///%(here)s/here.db'
	mkdir elsewhere
	cd elsewhere
	run --separate-stderr retort -c ../retort.ini upgrade head
	expect_status 0
	if is_pg; then
		expect_eq "$(rows)" "$(chain_id 1)"
	else
		[ -e ../here.db ]
		[ ! -e here.db ]
		expect_eq "$(rows ../here.db)" "$(chain_id 1)"
	fi
}

@test "\$RETORT_CONFIG names the config" {
	project
	chain 1
	mv retort.ini custom.ini
	RETORT_CONFIG=custom.ini run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" "$(chain_id 1)"
	# -c beats it.
	cp custom.ini other.ini
	set_url "$(dburl other)" other.ini
	RETORT_CONFIG=custom.ini run --separate-stderr retort -c other.ini upgrade head
	expect_status 0
	expect_eq "$(rows other)" "$(chain_id 1)"
}

@test "-n picks another section" {
	project
	chain 1
	{
		echo
		echo '[staging]'
		echo 'script_location = migrations'
		echo "url = $(dburl staging)"
	} >>retort.ini
	run --separate-stderr retort -n staging upgrade head
	expect_status 0
	expect_eq "$(rows staging)" "$(chain_id 1)"
	expect_eq "$(dbsum)" absent
	run --separate-stderr retort --name nosuch current
	expect_status 2
	one_error
}

@test "alembic.ini with [alembic] and sqlalchemy.url is read" {
	mkdir -p migrations/versions
	cat >alembic.ini <<-'EOF'
	# A generic Alembic config
	[alembic]
	script_location = migrations
	prepend_sys_path = .
	version_path_separator = os
	sqlalchemy.url = ALEMBIC_SIDE_URL

	[loggers]
	keys = root

	[logger_root]
	level = WARN
	handlers =
	EOF
	sed -i "s#ALEMBIC_SIDE_URL#$(dburl alembic_side)#" alembic.ini
	chain 2
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows alembic_side)" "$(chain_id 2)"
	# retort.ini wins over alembic.ini.
	printf '[retort]\nscript_location = migrations\nurl = %s\n' "$(dburl retort_side)" >retort.ini
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows retort_side)" "$(chain_id 2)"
}

@test "\${VAR} and \${VAR:-default} come from the environment" {
	project
	chain 1
	# The URL up to its last part, which comes from ${DBFILE:-...}.
	base=$(dburl default)
	last() { if is_pg; then dburl "$1" >/dev/null && db_pgname "$1"; else db_file "$1"; fi; }
	set_url "${base%/*}/\${DBFILE:-$(last default)}"
	run --separate-stderr retort upgrade head
	expect_status 0
	db_used default
	not db_used chosen
	DBFILE=$(last chosen) run --separate-stderr retort upgrade head
	expect_status 0
	db_used chosen
}

@test "URL precedence: --url > DATABASE_URL > config" {
	project
	chain 1
	set_url "$(dburl config)"
	env_url=$(dburl env) env2_url=$(dburl env2) cli_url=$(dburl cli)
	run --separate-stderr retort upgrade head
	expect_status 0
	db_used config
	db_reset config
	DATABASE_URL=$env_url run --separate-stderr retort upgrade head
	expect_status 0
	db_used env
	not db_used config
	DATABASE_URL=$env2_url run --separate-stderr retort --url "$cli_url" upgrade head
	expect_status 0
	db_used cli
	not db_used env2
	not db_used config
}

@test ".env is loaded but never overrides the environment" {
	project
	chain 1
	set_url '${DATABASE_URL}'
	echo "DATABASE_URL=$(dburl dotenv)" >.env
	real_url=$(dburl real)
	run --separate-stderr retort upgrade head
	expect_status 0
	db_used dotenv
	not db_used real
	db_reset dotenv
	DATABASE_URL=$real_url run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows real)" "$(chain_id 1)"
	not db_used dotenv
}

@test ".env's DATABASE_URL beats the config's url" {
	project
	chain 1
	set_url "$(dburl config)"
	printf '# comment\nexport DATABASE_URL="%s"\n' "$(dburl dotenv)" >.env
	run --separate-stderr retort upgrade head
	expect_status 0
	db_used dotenv
	not db_used config
}

@test "DB_* build a PostgreSQL URL when no other source is set" {
	project
	chain 1
	sed -i '/^\(sqlalchemy\.\)\?url *[=:]/d' retort.ini
	export DB_USER=app DB_PASSWORD="$PW" DB_HOST=127.0.0.1 DB_PORT=1 DB_NAME=appdb
	run retort -v current
	no_password "$output"
	expect_match "$output" 'postgresql://app:\*\*\*@127\.0\.0\.1:1/appdb'
	# Offline SQL in PostgreSQL's flavour (retort_log's id is a BIGSERIAL).
	run --separate-stderr retort upgrade head --sql
	no_password "$output$stderr"
	expect_status 0
	expect_match "$output" 'BIGSERIAL'
	expect_eq "$(dbsum)" absent
	# Defaults: postgres/postgres/localhost/5432; the password never shows.
	unset DB_USER DB_HOST DB_PORT
	run --separate-stderr retort upgrade head --sql
	expect_status 0
	expect_match "$output" 'BIGSERIAL'
	no_password "$output$stderr"
	# DATABASE_URL beats DB_*.
	DATABASE_URL=$(dburl env) run --separate-stderr retort upgrade head
	expect_status 0
	db_used env
}

@test "the config's url beats DB_*" {
	project
	chain 1
	export DB_HOST=127.0.0.1 DB_NAME=appdb DB_PASSWORD="$PW"
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows)" "$(chain_id 1)"
}

@test "a password with raw '@', ':' and '%' never shows, whatever fails" {
	project
	chain 1
	for url in "postgresql://u:$PW_ENC@127.0.0.1:1/db" \
		"postgresql+asyncpg://postgres:StrongPassw@rd123@127.0.0.1:1/equipment_db" \
		"postgres://u:$PW_ENC@127.0.0.1:1/db?sslmode=disable"; do
		for cmd in "-v current" "current" "upgrade head" "history -i" "status" "upgrade head --sql" "--json current"; do
			# shellcheck disable=SC2086
			run retort --url "$url" $cmd
			no_password "$output"
			# shellcheck disable=SC2086
			DATABASE_URL=$url run retort $cmd
			no_password "$output"
		done
	done
	run retort --url "postgresql+asyncpg://postgres:StrongPassw@rd123@127.0.0.1:1/equipment_db" -v current
	expect_match "$output" 'postgres:\*\*\*@127\.0\.0\.1:1/equipment_db'
	# The seed's raw-'@' URL parses (offline needs no server).
	run --separate-stderr retort --url "postgresql+asyncpg://postgres:StrongPassw@rd123@127.0.0.1:1/equipment_db" upgrade head --sql
	expect_status 0
	expect_match "$output" 'BIGSERIAL'
}

@test "a password in the config file never shows either" {
	project
	chain 1
	set_url "postgresql://u:$PW_ENC@127.0.0.1:1/db"
	run retort -v current
	no_password "$output"
	[ "$status" -ne 0 ]
}

@test "a bad URL is exit 2, one line naming the config file and line" {
	project
	chain 1
	set_url 'nosuchdb://x/y'
	line=$(grep -n '^url' retort.ini | cut -d: -f1)
	run --separate-stderr retort upgrade head
	expect_status 2
	one_error
	expect_match "$stderr" "retort\.ini:$line:"
	run --separate-stderr retort --url 'postgresql://u:p@[::1' current
	expect_status 2
	one_error
	expect_eq "$(ls *.db 2>/dev/null)" ""
	expect_eq "$(dbsum)" absent
}

@test "a config syntax error names the file and line" {
	project
	printf '[retort\nurl = x\n' >bad.ini
	run --separate-stderr retort -c bad.ini current
	expect_status 2
	one_error
	expect_match "$stderr" 'bad\.ini:1:'
}

@test "a long URL and an inline ';' survive (our own INI reader)" {
	project
	chain 1
	# Debian's inih cuts lines at 200 characters: a 250-character URL.
	long=$(printf 'd%.0s' $(seq 60))
	if is_pg; then
		# What matters comes last: the connection's search_path, after a
		# long application_name (and one with a ';').
		sql "CREATE SCHEMA app"
		set_url "$(dburl t)?application_name=$long$long$long$long&options=-csearch_path%3Dapp"
		run --separate-stderr retort upgrade head
		expect_status 0
		expect_eq "$(sql "SELECT schemaname FROM pg_tables WHERE tablename='alembic_version'")" app
		sql "DROP SCHEMA app CASCADE; CREATE SCHEMA app"
		set_url "$(dburl t)?application_name=semi;colon&options=-csearch_path%3Dapp"
		run --separate-stderr retort upgrade head
		expect_status 0
		expect_eq "$(sql "SELECT schemaname FROM pg_tables WHERE tablename='alembic_version'")" app
		return
	fi
	mkdir -p "$long/$long/$long/$long"
	set_url "sqlite:///$long/$long/$long/$long/x.db"
	run --separate-stderr retort upgrade head
	expect_status 0
	[ -e "$long/$long/$long/$long/x.db" ]
	set_url 'sqlite:///semi;colon.db'
	run --separate-stderr retort upgrade head
	expect_status 0
	[ -e 'semi;colon.db' ]
}

@test "sqlite:////absolute/path works" {
	only_db sqlite "an SQLite URL form"
	project
	chain 1
	run --separate-stderr retort --url "sqlite:///$BATS_TEST_TMPDIR/abs.db" upgrade head
	expect_status 0
	[ -e "$BATS_TEST_TMPDIR/abs.db" ]
}

@test "version_table names another version table" {
	project
	chain 1
	set_key version_table my_versions
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(sql 'SELECT version_num FROM my_versions')" "$(chain_id 1)"
	not has_table alembic_version
}

@test "pyproject.toml's [tool.alembic] is read as Alembic 1.16 reads it" {
	mkdir -p mig/versions other
	mkrev_in() { (cd "$1" && printf -- '-- r %s\n--\n-- Revision ID: %s\n-- Revises: %s\n\n-- migrate:upgrade\n-- migrate:downgrade\n' "$2" "$2" "$3" >"$2_r.sql"); }
	mkrev_in mig/versions aaaa00000001 ""
	mkrev_in other aaaa00000002 aaaa00000001
	cat >pyproject.toml <<'TOML'
[project]
name = "app"   # not ours

[tool.alembic]
script_location = "%(here)s/mig"
version_locations = [
    "%(here)s/mig/versions",   # the main line
    "%(here)s/other",
]
file_template = "%%(rev)s_%%(slug)s"

[tool.other]
script_location = "elsewhere"
TOML
	# no INI file at all: the URL from the environment
	DATABASE_URL=$(dburl t) run --separate-stderr retort heads
	expect_status 0
	expect_eq "$output" "aaaa00000002 (head)"
	# with alembic.ini (its url), the INI's keys win and pyproject fills the rest
	printf '[alembic]\nsqlalchemy.url = %s\nversion_locations = nowhere\n' "$(dburl t)" >alembic.ini
	run --separate-stderr retort upgrade head
	expect_status 2
	expect_match "$stderr" "nowhere"
	sed -i '/^version_locations/d' alembic.ini
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(retort current -q 2>/dev/null)" "aaaa00000002 (head)"
	# what the table holds that retort cannot read is an error with its line
	printf '[tool.alembic]\nscript_location = "mig"\nversion_locations = ["a", 3]\n' >pyproject.toml
	BEFORE=$(dbsum)
	FILES_BEFORE=$(files_now)
	problems=$(refused "toml" "pyproject.toml:3: an array holds strings only" retort heads)
	[ -z "$problems" ] || { echo "$problems" >&2; return 1; }
}
