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
	[ -e ../t.db ] || [ -e t.db ]
	run --separate-stderr retort --config ../retort.ini heads
	expect_status 0
	expect_eq "$output" "$(chain_id 1) (head)"
}

@test "%(here)s is the config's folder" {
	project
	chain 1
	set_url 'sqlite:///%(here)s/here.db'
	mkdir elsewhere
	cd elsewhere
	run --separate-stderr retort -c ../retort.ini upgrade head
	expect_status 0
	[ -e ../here.db ]
	[ ! -e here.db ]
	expect_eq "$(rows ../here.db)" "$(chain_id 1)"
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
	set_url 'sqlite:///other.db' other.ini
	RETORT_CONFIG=custom.ini run --separate-stderr retort -c other.ini upgrade head
	expect_status 0
	[ -e other.db ]
}

@test "-n picks another section" {
	project
	chain 1
	{
		echo
		echo '[staging]'
		echo 'script_location = migrations'
		echo 'url = sqlite:///staging.db'
	} >>retort.ini
	run --separate-stderr retort -n staging upgrade head
	expect_status 0
	expect_eq "$(rows staging.db)" "$(chain_id 1)"
	[ ! -e t.db ]
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
	sqlalchemy.url = sqlite:///alembic_side.db

	[loggers]
	keys = root

	[logger_root]
	level = WARN
	handlers =
	EOF
	chain 2
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows alembic_side.db)" "$(chain_id 2)"
	# retort.ini wins over alembic.ini.
	printf '[retort]\nscript_location = migrations\nurl = sqlite:///retort_side.db\n' >retort.ini
	run --separate-stderr retort upgrade head
	expect_status 0
	expect_eq "$(rows retort_side.db)" "$(chain_id 2)"
}

@test "\${VAR} and \${VAR:-default} come from the environment" {
	project
	chain 1
	set_url 'sqlite:///${DBFILE:-default.db}'
	run --separate-stderr retort upgrade head
	expect_status 0
	[ -e default.db ]
	DBFILE=chosen.db run --separate-stderr retort upgrade head
	expect_status 0
	[ -e chosen.db ]
}

@test "URL precedence: --url > DATABASE_URL > config" {
	project
	chain 1
	set_url 'sqlite:///config.db'
	run --separate-stderr retort upgrade head
	expect_status 0
	[ -e config.db ]
	rm config.db
	DATABASE_URL=sqlite:///env.db run --separate-stderr retort upgrade head
	expect_status 0
	[ -e env.db ]
	[ ! -e config.db ]
	DATABASE_URL=sqlite:///env2.db run --separate-stderr retort --url sqlite:///cli.db upgrade head
	expect_status 0
	[ -e cli.db ]
	[ ! -e env2.db ]
	[ ! -e config.db ]
}

@test ".env is loaded but never overrides the environment" {
	project
	chain 1
	set_url '${DATABASE_URL}'
	echo 'DATABASE_URL=sqlite:///dotenv.db' >.env
	run --separate-stderr retort upgrade head
	expect_status 0
	[ -e dotenv.db ]
	DATABASE_URL=sqlite:///real.db run --separate-stderr retort upgrade head
	expect_status 0
	[ -e real.db ]
	expect_eq "$(rows real.db)" "$(chain_id 1)"
}

@test ".env's DATABASE_URL beats the config's url" {
	project
	chain 1
	set_url 'sqlite:///config.db'
	printf '# comment\nexport DATABASE_URL="sqlite:///dotenv.db"\n' >.env
	run --separate-stderr retort upgrade head
	expect_status 0
	[ -e dotenv.db ]
	[ ! -e config.db ]
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
	[ ! -e t.db ]
	# Defaults: postgres/postgres/localhost/5432; the password never shows.
	unset DB_USER DB_HOST DB_PORT
	run --separate-stderr retort upgrade head --sql
	expect_status 0
	expect_match "$output" 'BIGSERIAL'
	no_password "$output$stderr"
	# DATABASE_URL beats DB_*.
	DATABASE_URL=sqlite:///env.db run --separate-stderr retort upgrade head
	expect_status 0
	[ -e env.db ]
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
	expect_eq "$(sql t.db 'SELECT version_num FROM my_versions')" "$(chain_id 1)"
	[ -z "$(sql t.db "SELECT name FROM sqlite_master WHERE name='alembic_version'")" ]
}
