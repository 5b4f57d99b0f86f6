/*
 * test_config.c: finding and reading retort.ini / alembic.ini, .env, and
 * where the URL comes from.
 *
 * Each test runs in a fresh temporary folder (the working folder) with the
 * variables retort reads unset, and puts the working folder back after.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "backends/backend.h"
#include "url.h"
#include "util/buf.h"
#include "util/fs.h"

#define MARK "Zq9MARKpw"

static const char *const vars[] = {
	"DATABASE_URL", "DB_USER", "DB_PASSWORD", "DB_HOST", "DB_PORT",
	"DB_NAME", "RETORT_CONFIG", "RTT_A", "RTT_B", "RTT_SELF", "RTT_EMPTY",
	"RTT_ONLY_DOTENV",
};

typedef struct fixture {
	char old[PATH_MAX];
	char dir[PATH_MAX];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	char tmpl[] = "/tmp/rt_config_XXXXXX";
	if (!f || !getcwd(f->old, sizeof(f->old)) || !mkdtemp(tmpl) || chdir(tmpl))
		return -1;
	if (!getcwd(f->dir, sizeof(f->dir)))
		return -1;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	rt_buf cmd = RT_BUF_INIT;
	int rc = chdir(f->old);
	/* the folder is ours and made by mkdtemp: no quoting is needed */
	rt_buf_printf(&cmd, "rm -rf '%s'", f->dir);
	if (system(cmd.ptr) != 0)
		rc = -1;
	rt_buf_free(&cmd);
	free(f);
	return rc;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

static char *in_dir(void **state, const char *rel)
{
	fixture *f = *state;
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "%s/%s", f->dir, rel);
	return rt_buf_detach(&b);
}

static void load_ok(rt_config *cfg, const rt_config_opts *opts)
{
	rt_err err = { 0 };
	int rc = rt_config_load(cfg, opts, &err);
	if (rc != 0)
		fail_msg("load failed: %s", err.msg);
}

/* Load retort.ini with text; expect failure with exactly msg. */
static void load_fails(const char *text, const char *msg)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	rt_err err = { 0 };
	write_file("retort.ini", text);
	assert_int_equal(rt_config_load(&cfg, &opts, &err), RETORT_ECONFIG);
	assert_string_equal(err.msg, msg);
	assert_null(strstr(err.msg, MARK));
	assert_null(cfg.path);
	rt_config_free(&cfg);
}

static void assert_path(void **state, const char *got, const char *rel)
{
	char *want = in_dir(state, rel);
	assert_string_equal(got, want);
	free(want);
}

/* ---- finding the file --------------------------------------------------- */

static void test_config__missing_file_is_an_error(void **state)
{
	fixture *f = *state;
	rt_config cfg;
	rt_config_opts opts = { 0 };
	rt_err err = { 0 };
	rt_buf want = RT_BUF_INIT;
	assert_int_equal(rt_config_load(&cfg, &opts, &err), RETORT_ECONFIG);
	rt_buf_printf(&want, "no configuration file: looked for retort.ini and alembic.ini in %s; run 'retort init'", f->dir);
	assert_string_equal(err.msg, want.ptr);
	rt_buf_free(&want);
}

static void test_config__allow_missing_gives_defaults(void **state)
{
	fixture *f = *state;
	rt_config cfg;
	rt_config_opts opts = { .allow_missing = true };
	load_ok(&cfg, &opts);
	assert_null(cfg.path);
	assert_string_equal(cfg.here, f->dir);
	assert_string_equal(cfg.section, "retort");
	assert_path(state, cfg.script_location, "migrations");
	assert_int_equal(cfg.version_locations.len, 1);
	assert_path(state, cfg.version_locations.v[0], "migrations/versions");
	assert_string_equal(cfg.file_template, "%(rev)s_%(slug)s");
	assert_int_equal(cfg.truncate_slug_length, 40);
	assert_null(cfg.timezone);
	assert_string_equal(cfg.version_table, "alembic_version");
	assert_null(cfg.version_table_schema);
	assert_true(cfg.transaction_per_migration);
	assert_path(state, cfg.model, "schema.sql");
	assert_null(cfg.dev_url);
	assert_true(cfg.lock_timeout == 60.0);
	assert_true(cfg.wait_timeout == 60.0);
	assert_null(cfg.url);
	assert_null(cfg.url_source);
	assert_int_equal(cfg.url_line, 0);
	rt_config_free(&cfg);
}

static void test_config__named_file_must_exist(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { .config = "nope.ini" };
	rt_err err = { 0 };
	assert_int_equal(rt_config_load(&cfg, &opts, &err), RETORT_ECONFIG);
	assert_string_equal(err.msg, "cannot read config 'nope.ini': no such file");
	opts.allow_missing = true;
	load_ok(&cfg, &opts);
	assert_null(cfg.path);
	rt_config_free(&cfg);
}

static void test_config__retort_ini_beats_alembic_ini(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("alembic.ini", "[alembic]\nscript_location = alembic\n");
	write_file("retort.ini", "[retort]\nscript_location = mig\n");
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.path, "retort.ini");
	assert_path(state, cfg.script_location, "mig");
	rt_config_free(&cfg);
}

static void test_config__alembic_ini_with_sqlalchemy_url(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("alembic.ini",
		   "# A generic, single database configuration.\n"
		   "\n"
		   "[alembic]\n"
		   "script_location = %(here)s/alembic\n"
		   "prepend_sys_path = .\n"
		   "file_template = %%(year)d_%%(rev)s_%%(slug)s\n"
		   "path_separator = os\n"
		   "sqlalchemy.url = postgresql://scott:tiger%%40x@localhost/test\n"
		   "\n"
		   "[post_write_hooks]\n"
		   "hooks = black\n"
		   "\n"
		   "[loggers]\n"
		   "keys = root,sqlalchemy,alembic\n"
		   "\n"
		   "[formatter_generic]\n"
		   "format = %%(levelname)-5.5s [%%(name)s] %%(message)s\n"
		   "datefmt = %%H:%%M:%%S\n");
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.path, "alembic.ini");
	assert_string_equal(cfg.section, "alembic");
	assert_path(state, cfg.script_location, "alembic");
	assert_path(state, cfg.version_locations.v[0], "alembic/versions");
	assert_string_equal(cfg.file_template, "%(year)d_%(rev)s_%(slug)s");
	assert_string_equal(cfg.url, "postgresql://scott:tiger%40x@localhost/test");
	assert_string_equal(cfg.url_source, "config");
	assert_int_equal(cfg.url_line, 8);
	/* unknown keys are kept; other sections are not mixed in */
	assert_string_equal(rt_config_get(&cfg, "prepend_sys_path"), ".");
	assert_null(rt_config_get(&cfg, "hooks"));
	assert_null(rt_config_get(&cfg, "format"));
	rt_config_free(&cfg);
}

static void test_config__retort_section_beats_alembic_section(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("retort.ini", "[alembic]\nversion_table = a\n[retort]\nversion_table = r\n");
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.section, "retort");
	assert_string_equal(cfg.version_table, "r");
	rt_config_free(&cfg);
}

static void test_config__name_picks_section(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { .name = "prod" };
	rt_err err = { 0 };
	write_file("retort.ini", "[retort]\nurl = sqlite:///dev.db\n\n[prod]\nurl = sqlite:///prod.db\n");
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.section, "prod");
	assert_string_equal(cfg.url, "sqlite:///prod.db");
	assert_int_equal(cfg.url_line, 5);
	rt_config_free(&cfg);
	opts.name = "staging";
	assert_int_equal(rt_config_load(&cfg, &opts, &err), RETORT_ECONFIG);
	assert_string_equal(err.msg, "retort.ini: no section [staging]");
}

static void test_config__no_usable_section(void **state)
{
	load_fails("[other]\na = 1\n", "retort.ini: no [retort] or [alembic] section");
}

static void test_config__config_in_other_folder(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { .config = "sub/../sub/./my.ini" };
	assert_int_equal(rt_mkdir_p("sub"), 0);
	write_file("sub/my.ini", "[retort]\nscript_location = db\nmodel = ../model.sql\n"
				 "url = ${RTT_ONLY_DOTENV}\n");
	write_file("sub/.env", "RTT_ONLY_DOTENV=sqlite:///from_env.db\n");
	load_ok(&cfg, &opts);
	assert_path(state, cfg.here, "sub");
	assert_path(state, cfg.script_location, "sub/db");
	assert_path(state, cfg.version_locations.v[0], "sub/db/versions");
	assert_path(state, cfg.model, "model.sql");
	assert_string_equal(cfg.url, "sqlite:///from_env.db");
	rt_config_free(&cfg);
}

static void test_config__retort_config_variable(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("elsewhere.ini", "[retort]\nversion_table = vt\n");
	setenv("RETORT_CONFIG", "elsewhere.ini", 1);
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.path, "elsewhere.ini");
	assert_string_equal(cfg.version_table, "vt");
	rt_config_free(&cfg);
}

static void test_config__syntax_error_names_file_and_line(void **state)
{
	load_fails("[retort]\nurl = x\n[abc\n", "retort.ini:3: unterminated section header");
	load_fails("[retort]\nurl = a\nurl = b\n",
		   "retort.ini:3: duplicate key 'url' in section [retort]");
}

static void test_config__hundred_kb_line(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	rt_buf text = RT_BUF_INIT;
	size_t n = 100 * 1024;
	rt_buf_puts(&text, "[retort]\nurl = postgresql://u:");
	for (size_t i = 0; i < n; i++)
		rt_buf_putc(&text, (char)('a' + i % 26));
	rt_buf_puts(&text, ";#@h/db\nversion_table = after\n");
	write_file("retort.ini", text.ptr);
	load_ok(&cfg, &opts);
	assert_int_equal(strlen(cfg.url), strlen("postgresql://u:") + n + strlen(";#@h/db"));
	assert_string_equal(cfg.url + strlen(cfg.url) - 7, ";#@h/db");
	assert_string_equal(cfg.version_table, "after");
	rt_buf_free(&text);
	rt_config_free(&cfg);
}

/* ---- interpolation ------------------------------------------------------ */

static void test_config__percent_interpolation(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("retort.ini",
		   "[DEFAULT]\n"
		   "base = /srv\n"
		   "shared = from default\n"
		   "[retort]\n"
		   "db = %(Base)s/data/%(name)s.db\n"
		   "name = app\n"
		   "url = sqlite:///%(db)s\n"
		   "pct = 100%% sure, lone % kept\n"
		   "where = %(here)s\n");
	load_ok(&cfg, &opts);
	assert_string_equal(rt_config_get(&cfg, "db"), "/srv/data/app.db");
	assert_string_equal(cfg.url, "sqlite:////srv/data/app.db");
	assert_string_equal(rt_config_get(&cfg, "pct"), "100% sure, lone % kept");
	assert_string_equal(rt_config_get(&cfg, "where"), cfg.here);
	/* [DEFAULT]'s keys are the section's too */
	assert_string_equal(rt_config_get(&cfg, "shared"), "from default");
	rt_config_free(&cfg);
}

static void test_config__self_reference_is_a_loop(void **state)
{
	load_fails("[retort]\n\na = x%(a)s\n", "retort.ini:3: interpolation loop in 'a'");
}

static void test_config__two_key_loop(void **state)
{
	load_fails("[retort]\na = %(b)s\nb = %(c)s\nc = %(a)s\n",
		   "retort.ini:2: interpolation loop in 'a'");
}

static void test_config__deep_chain_is_bounded(void **state)
{
	rt_buf text = RT_BUF_INIT;
	rt_buf_puts(&text, "[retort]\n");
	for (int i = 0; i < 12; i++)
		rt_buf_printf(&text, "k%d = %%(k%d)s\n", i, i + 1);
	rt_buf_puts(&text, "k12 = end\n");
	load_fails(text.ptr, "retort.ini:12: interpolation of 'k10' nested more than 10 deep");
	rt_buf_free(&text);
}

static void test_config__doubling_chain_is_bounded(void **state)
{
	rt_buf text = RT_BUF_INIT, val = RT_BUF_INIT;
	rt_config cfg;
	rt_config_opts opts = { 0 };
	rt_err err = { 0 };
	for (int i = 0; i < 4096; i++)
		rt_buf_putc(&val, 'x');
	rt_buf_printf(&text, "[retort]\nk9 = %s\n", val.ptr);
	for (int i = 8; i >= 0; i--)
		rt_buf_printf(&text, "k%d = %%(k%d)s%%(k%d)s%%(k%d)s%%(k%d)s%%(k%d)s%%(k%d)s%%(k%d)s%%(k%d)s\n",
			      i, i + 1, i + 1, i + 1, i + 1, i + 1, i + 1, i + 1, i + 1);
	write_file("retort.ini", text.ptr);
	assert_int_equal(rt_config_load(&cfg, &opts, &err), RETORT_ECONFIG);
	assert_non_null(strstr(err.msg, "grows too long"));
	rt_buf_free(&text);
	rt_buf_free(&val);
}

static void test_config__unknown_reference(void **state)
{
	load_fails("[retort]\nfile_template = %(rev)s_%(slug)s\n",
		   "retort.ini:2: unknown key 'rev' in '%(rev)s' in 'file_template' (write %% for a literal %)");
	load_fails("[retort]\nx = %(broken\n",
		   "retort.ini:2: bad interpolation in 'x' (expected %(name)s; write %% for a literal %)");
}

static void test_config__env_interpolation(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	setenv("RTT_A", "alpha", 1);
	setenv("RTT_EMPTY", "", 1);
	setenv("RTT_SELF", "${RTT_SELF}", 1);
	write_file("retort.ini",
		   "[retort]\n"
		   "a = <${RTT_A}>\n"
		   "unset = <${RTT_B}>\n"
		   "dflt = ${RTT_B:-fallback}\n"
		   "dflt_empty = ${RTT_EMPTY:-used}\n"
		   "dash_empty = [${RTT_EMPTY-unused}]\n"
		   "nested = ${RTT_B:-${RTT_A:-x}/y}\n"
		   "self = ${RTT_SELF}\n"
		   "dollar = pa$$w$rd $RTT_A\n"
		   "mixed = %(here)s/${RTT_A}\n");
	load_ok(&cfg, &opts);
	assert_string_equal(rt_config_get(&cfg, "a"), "<alpha>");
	assert_string_equal(rt_config_get(&cfg, "unset"), "<>");
	assert_string_equal(rt_config_get(&cfg, "dflt"), "fallback");
	assert_string_equal(rt_config_get(&cfg, "dflt_empty"), "used");
	assert_string_equal(rt_config_get(&cfg, "dash_empty"), "[]");
	assert_string_equal(rt_config_get(&cfg, "nested"), "alpha/y");
	/* what the environment supplies is not expanded again: no loop */
	assert_string_equal(rt_config_get(&cfg, "self"), "${RTT_SELF}");
	assert_string_equal(rt_config_get(&cfg, "dollar"), "pa$$w$rd $RTT_A");
	rt_buf want = RT_BUF_INIT;
	rt_buf_printf(&want, "%s/alpha", cfg.here);
	assert_string_equal(rt_config_get(&cfg, "mixed"), want.ptr);
	rt_buf_free(&want);
	rt_config_free(&cfg);
}

static void test_config__bad_env_references(void **state)
{
	load_fails("[retort]\nurl = postgresql://u:" MARK "${RTT_A\n",
		   "retort.ini:2: unterminated '${' in 'url'");
	load_fails("[retort]\nurl = postgresql://u:" MARK "${1X}\n",
		   "retort.ini:2: bad '${...}' in 'url' (expected ${NAME} or ${NAME:-default})");
	load_fails("[retort]\nurl = ${RTT_A:x}\n",
		   "retort.ini:2: bad '${...}' in 'url' (expected ${NAME} or ${NAME:-default})");
}

/* ---- .env --------------------------------------------------------------- */

static void test_config__dotenv_never_overrides_environment(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	setenv("RTT_A", "real", 1);
	write_file(".env", "RTT_A=from_dotenv\nRTT_ONLY_DOTENV=dotenv_only\n");
	write_file("retort.ini", "[retort]\na = ${RTT_A}\nb = ${RTT_ONLY_DOTENV}\n");
	load_ok(&cfg, &opts);
	assert_string_equal(rt_config_get(&cfg, "a"), "real");
	assert_string_equal(rt_config_get(&cfg, "b"), "dotenv_only");
	assert_string_equal(rt_config_getenv(&cfg, "RTT_A"), "real");
	assert_string_equal(rt_config_getenv(&cfg, "RTT_ONLY_DOTENV"), "dotenv_only");
	assert_null(rt_config_getenv(&cfg, "RTT_B"));
	/* the process environment is left alone */
	assert_null(getenv("RTT_ONLY_DOTENV"));
	assert_string_equal(getenv("RTT_A"), "real");
	assert_int_equal(cfg.env_keys.len, 2);
	rt_config_free(&cfg);
}

static void test_config__dotenv_in_working_folder_without_config(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { .allow_missing = true };
	write_file(".env", "DATABASE_URL=sqlite:///x.db\n");
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.url, "sqlite:///x.db");
	assert_string_equal(cfg.url_source, "DATABASE_URL");
	rt_config_free(&cfg);
}

static void test_config__malformed_dotenv_is_an_error(void **state)
{
	fixture *f = *state;
	rt_buf want = RT_BUF_INIT;
	write_file(".env", "A=1\nDB_PASSWORD " MARK "\n");
	rt_buf_printf(&want, "%s/.env:2: expected KEY=VALUE", f->dir);
	load_fails("[retort]\n", want.ptr);
	rt_buf_free(&want);
}

/* ---- the URL ------------------------------------------------------------ */

static void test_config__database_url_beats_config(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("retort.ini", "[retort]\nurl = sqlite:///config.db\n");
	setenv("DATABASE_URL", "sqlite:///env.db", 1);
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.url, "sqlite:///env.db");
	assert_string_equal(cfg.url_source, "DATABASE_URL");
	assert_int_equal(cfg.url_line, 0);
	rt_config_free(&cfg);
}

static void test_config__dotenv_database_url_beats_config(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("retort.ini", "[retort]\nurl = sqlite:///config.db\n");
	write_file(".env", "DATABASE_URL=postgresql+asyncpg://postgres:StrongPassw@rd123@localhost:5433/equipment_db\n");
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.url_source, "DATABASE_URL");
	rt_url u = RT_URL_INIT;
	rt_err err = { 0 };
	assert_int_equal(rt_url_parse(&u, cfg.url, NULL, &err), 0);
	assert_string_equal(u.password, "StrongPassw@rd123");
	rt_url_free(&u);
	rt_config_free(&cfg);
}

static void test_config__url_option_beats_database_url(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { .url = "sqlite:///cli.db" };
	write_file("retort.ini", "[retort]\nurl = sqlite:///config.db\n");
	setenv("DATABASE_URL", "sqlite:///env.db", 1);
	setenv("DB_HOST", "h", 1);
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.url, "sqlite:///cli.db");
	assert_string_equal(cfg.url_source, "--url");
	rt_config_free(&cfg);
}

static void test_config__config_url_beats_db_parts(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("retort.ini", "[retort]\n\nurl = sqlite:///config.db\n");
	setenv("DB_HOST", "h", 1);
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.url_source, "config");
	assert_int_equal(cfg.url_line, 3);
	rt_config_free(&cfg);
}

static void test_config__url_key_beats_sqlalchemy_url(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("retort.ini", "[retort]\nsqlalchemy.url = sqlite:///a.db\nurl = sqlite:///b.db\n");
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.url, "sqlite:///b.db");
	assert_int_equal(cfg.url_line, 3);
	rt_config_free(&cfg);
}

static void test_config__db_parts_with_special_password(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	rt_url u = RT_URL_INIT;
	rt_err err = { 0 };
	const char *pw = "p@ss:w%rd/" MARK "?#";
	write_file("retort.ini", "[retort]\nurl =\n");
	write_file(".env", "DB_USER=app user\nDB_HOST=db.local\nDB_PORT=5433\nDB_NAME=equipment_db\n");
	setenv("DB_PASSWORD", pw, 1);
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.url_source, "DB_*");
	assert_null(strstr(cfg.url, MARK "?"));
	assert_int_equal(rt_url_parse(&u, cfg.url, NULL, &err), 0);
	assert_string_equal(u.backend->name, "postgresql");
	assert_string_equal(u.user, "app user");
	assert_string_equal(u.password, pw);
	assert_string_equal(u.host, "db.local");
	assert_string_equal(u.port, "5433");
	assert_string_equal(u.database, "equipment_db");
	assert_null(strstr(u.redacted, MARK));
	rt_url_free(&u);
	rt_config_free(&cfg);
}

static void test_config__db_parts_defaults(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { .allow_missing = true };
	setenv("DB_NAME", "social_suit", 1);
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.url, "postgresql://postgres:postgres@localhost:5432/social_suit");
	rt_config_free(&cfg);
	unsetenv("DB_NAME");
	setenv("DB_HOST", "::1", 1);
	load_ok(&cfg, &opts);
	assert_string_equal(cfg.url, "postgresql://postgres:postgres@[::1]:5432/postgres");
	rt_config_free(&cfg);
}

static void test_config__db_parts_need_host_or_name(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { .allow_missing = true };
	setenv("DB_USER", "u", 1);
	setenv("DB_PASSWORD", "p", 1);
	setenv("DB_PORT", "1", 1);
	load_ok(&cfg, &opts);
	assert_null(cfg.url);
	assert_null(cfg.url_source);
	rt_config_free(&cfg);
}

/* ---- typed keys --------------------------------------------------------- */

static void test_config__typed_keys(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("retort.ini",
		   "[retort]\n"
		   "truncate_slug_length = 12\n"
		   "timezone = UTC\n"
		   "version_table = my_versions\n"
		   "version_table_schema = meta\n"
		   "transaction_per_migration = OFF\n"
		   "model = schema/\n"
		   "dev_url = sqlite://\n"
		   "lock_timeout = 500ms\n"
		   "wait_timeout = 2m\n");
	load_ok(&cfg, &opts);
	assert_int_equal(cfg.truncate_slug_length, 12);
	assert_string_equal(cfg.timezone, "UTC");
	assert_string_equal(cfg.version_table, "my_versions");
	assert_string_equal(cfg.version_table_schema, "meta");
	assert_false(cfg.transaction_per_migration);
	assert_path(state, cfg.model, "schema");
	assert_string_equal(cfg.dev_url, "sqlite://");
	assert_true(cfg.lock_timeout == 0.5);
	assert_true(cfg.wait_timeout == 120.0);
	rt_config_free(&cfg);
}

static void test_config__booleans(void **state)
{
	static const char *const yes[] = { "true", "Yes", "ON", "1" };
	static const char *const no[] = { "FALSE", "no", "off", "0" };
	rt_config_opts opts = { 0 };
	for (size_t i = 0; i < 8; i++) {
		rt_config cfg;
		rt_buf text = RT_BUF_INIT;
		rt_buf_printf(&text, "[retort]\ntransaction_per_migration = %s\n",
			      i < 4 ? yes[i] : no[i - 4]);
		write_file("retort.ini", text.ptr);
		load_ok(&cfg, &opts);
		assert_int_equal(cfg.transaction_per_migration, i < 4);
		rt_config_free(&cfg);
		rt_buf_free(&text);
	}
	load_fails("[retort]\n\ntransaction_per_migration = maybe\n",
		   "retort.ini:3: bad value 'maybe' for transaction_per_migration (expected true or false)");
}

static void test_config__durations(void **state)
{
	static const struct {
		const char *in;
		double secs;
	} ok[] = { { "10", 10 }, { "10s", 10 }, { "500ms", 0.5 }, { "2m", 120 },
		   { "1.5s", 1.5 }, { "0", 0 }, { "1h", 3600 } };
	rt_config_opts opts = { 0 };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		rt_config cfg;
		rt_buf text = RT_BUF_INIT;
		rt_buf_printf(&text, "[retort]\nlock_timeout = %s\n", ok[i].in);
		write_file("retort.ini", text.ptr);
		load_ok(&cfg, &opts);
		assert_true(cfg.lock_timeout == ok[i].secs);
		rt_config_free(&cfg);
		rt_buf_free(&text);
	}
	load_fails("[retort]\nlock_timeout = 10x\n",
		   "retort.ini:2: bad value '10x' for lock_timeout (expected e.g. 10s, 500ms or 2m)");
	load_fails("[retort]\nwait_timeout = -1\n",
		   "retort.ini:2: bad value '-1' for wait_timeout (expected e.g. 10s, 500ms or 2m)");
	load_fails("[retort]\nwait_timeout = s\n",
		   "retort.ini:2: bad value 's' for wait_timeout (expected e.g. 10s, 500ms or 2m)");
}

static void test_config__bad_slug_length(void **state)
{
	load_fails("[retort]\ntruncate_slug_length = forty\n",
		   "retort.ini:2: bad value 'forty' for truncate_slug_length (expected a number)");
}

static void test_config__version_locations_separators(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("retort.ini",
		   "[retort]\n"
		   "version_locations = a b:c,d\n"
		   "    %(here)s/e\n"
		   "    /abs/f\n");
	load_ok(&cfg, &opts);
	assert_int_equal(cfg.version_locations.len, 6);
	assert_path(state, cfg.version_locations.v[0], "a");
	assert_path(state, cfg.version_locations.v[3], "d");
	assert_path(state, cfg.version_locations.v[4], "e");
	assert_string_equal(cfg.version_locations.v[5], "/abs/f");
	rt_config_free(&cfg);
}

static void test_config__path_separator_space_keeps_colons(void **state)
{
	rt_config cfg;
	rt_config_opts opts = { 0 };
	write_file("retort.ini",
		   "[retort]\npath_separator = space\nversion_locations = x:y z\n");
	load_ok(&cfg, &opts);
	assert_int_equal(cfg.version_locations.len, 2);
	assert_path(state, cfg.version_locations.v[0], "x:y");
	rt_config_free(&cfg);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_config__missing_file_is_an_error),
		T(test_config__allow_missing_gives_defaults),
		T(test_config__named_file_must_exist),
		T(test_config__retort_ini_beats_alembic_ini),
		T(test_config__alembic_ini_with_sqlalchemy_url),
		T(test_config__retort_section_beats_alembic_section),
		T(test_config__name_picks_section),
		T(test_config__no_usable_section),
		T(test_config__config_in_other_folder),
		T(test_config__retort_config_variable),
		T(test_config__syntax_error_names_file_and_line),
		T(test_config__hundred_kb_line),
		T(test_config__percent_interpolation),
		T(test_config__self_reference_is_a_loop),
		T(test_config__two_key_loop),
		T(test_config__deep_chain_is_bounded),
		T(test_config__doubling_chain_is_bounded),
		T(test_config__unknown_reference),
		T(test_config__env_interpolation),
		T(test_config__bad_env_references),
		T(test_config__dotenv_never_overrides_environment),
		T(test_config__dotenv_in_working_folder_without_config),
		T(test_config__malformed_dotenv_is_an_error),
		T(test_config__database_url_beats_config),
		T(test_config__dotenv_database_url_beats_config),
		T(test_config__url_option_beats_database_url),
		T(test_config__config_url_beats_db_parts),
		T(test_config__url_key_beats_sqlalchemy_url),
		T(test_config__db_parts_with_special_password),
		T(test_config__db_parts_defaults),
		T(test_config__db_parts_need_host_or_name),
		T(test_config__typed_keys),
		T(test_config__booleans),
		T(test_config__durations),
		T(test_config__bad_slug_length),
		T(test_config__version_locations_separators),
		T(test_config__path_separator_space_keeps_colons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
