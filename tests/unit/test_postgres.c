/*
 * test_postgres.c: the PostgreSQL driver against a real server.
 *
 * The server is the one RETORT_TEST_PG_URL names, a superuser URL with a
 * password, such as the one scripts/pg-test-server prints:
 *   url=$(scripts/pg-test-server start /tmp/pg) && RETORT_TEST_PG_URL=$url ./test_postgres
 * Without it every test is skipped, saying so.  Tests make their own tables
 * and schemas (all named rt_t_*) and drop them first, so a rerun is clean.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/backend.h"
#include "url.h"
#include "util/buf.h"
#include "util/vec.h"

#ifdef RETORT_WITH_POSTGRES
#include "backends/postgresql/driver.h"

#define MARK "Zq9MARKpw"
#define LOCK_NAME "retort:postgres:public:alembic_version"

static const char *pg_url;

#define NEED_SERVER()                \
	do {                         \
		if (!pg_url)         \
			skip();      \
	} while (0)

/* Connect to url (which must parse); returns the driver's code. */
static int connect_url(const char *url, retort_conn **out, retort_dberror *e)
{
	rt_url u = RT_URL_INIT;
	rt_err err = { 0 };
	if (rt_url_parse(&u, url, NULL, &err) != 0)
		fail_msg("the URL does not parse: %s", err.msg);
	retort_conninfo ci = {
		.scheme = "postgresql",
		.user = u.user,
		.password = u.password,
		.host = u.host,
		.port = u.port,
		.database = u.database,
		.query_keys = (const char *const *)u.query_keys.v,
		.query_vals = (const char *const *)u.query_vals.v,
		.n_query = u.query_keys.len,
		.busy_timeout = 5,
	};
	memset(e, 0, sizeof(*e));
	int rc = rt_postgres_driver.connect(out, &ci, e);
	rt_url_free(&u);
	return rc;
}

static retort_conn *connect_ok(void)
{
	retort_conn *c = NULL;
	retort_dberror e;
	int rc = connect_url(pg_url, &c, &e);
	if (rc != 0)
		fail_msg("connect failed: %s", e.message);
	assert_non_null(c);
	return c;
}

/* pg_url with its password replaced by pw (and database by db, when not NULL). */
static char *url_with(const char *pw, const char *db)
{
	rt_url u = RT_URL_INIT;
	rt_err err = { 0 };
	assert_int_equal(rt_url_parse(&u, pg_url, NULL, &err), 0);
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "postgresql://%s:%s@%s:%s/%s", u.user, pw, u.host,
		      u.port ? u.port : "5432", db ? db : u.database);
	rt_url_free(&u);
	return rt_buf_detach(&b);
}

static char *password_of_url(void)
{
	rt_url u = RT_URL_INIT;
	rt_err err = { 0 };
	assert_int_equal(rt_url_parse(&u, pg_url, NULL, &err), 0);
	assert_non_null(u.password);
	char *pw = strdup(u.password);
	rt_url_free(&u);
	return pw;
}

static void exec_ok(retort_conn *c, const char *sql)
{
	retort_dberror e;
	memset(&e, 0, sizeof(e));
	if (rt_postgres_driver.exec(c, sql, &e) != 0)
		fail_msg("exec failed: %s (SQLSTATE %s)", e.message, e.sqlstate);
}

/* Rows of a query, as "a|b" lines; NULL shows as "<null>". */
static int collect(void *data, int ncols, const char *const *values)
{
	rt_buf *b = data;
	for (int i = 0; i < ncols; i++) {
		if (i)
			rt_buf_putc(b, '|');
		rt_buf_puts(b, values[i] ? values[i] : "<null>");
	}
	rt_buf_putc(b, '\n');
	return 0;
}

static char *query_text(retort_conn *c, const char *sql)
{
	rt_buf b = RT_BUF_INIT;
	retort_dberror e;
	memset(&e, 0, sizeof(e));
	if (rt_postgres_driver.query(c, sql, collect, &b, &e) != 0)
		fail_msg("query failed: %s", e.message);
	return rt_buf_detach(&b);
}

static void assert_query(retort_conn *c, const char *sql, const char *want)
{
	char *got = query_text(c, sql);
	assert_string_equal(got, want);
	free(got);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- connecting ---- */

static void test_postgres__connects_with_password_over_tcp(void **state)
{
	NEED_SERVER();
	retort_conn *c = connect_ok();
	assert_ptr_equal(c->driver, &rt_postgres_driver);
	/* a TCP session that authenticated, named retort, in UTF-8 */
	assert_query(c,
		     "SELECT current_user = 'retort' OR current_user IS NOT NULL,"
		     " inet_client_addr() IS NOT NULL, current_setting('application_name'),"
		     " current_setting('client_encoding'), current_setting('client_min_messages')",
		     "t|t|retort|UTF8|warning\n");
	rt_postgres_driver.close(c);
}

static void test_postgres__bad_password_fails_without_showing_it(void **state)
{
	NEED_SERVER();
	char *url = url_with(MARK, NULL);
	retort_conn *c = (retort_conn *)&c;
	retort_dberror e;
	assert_int_equal(connect_url(url, &c, &e), RETORT_ECONNECT);
	assert_null(c);
	assert_int_equal(e.lost, 1);
	assert_non_null(strstr(e.message, "password authentication failed"));
	assert_null(strstr(e.message, MARK));
	assert_null(strchr(e.message, '\n'));
	free(url);
}

/* A one-letter password leaves the words that hold its letter alone. */
static void test_postgres__short_password_scrubs_only_whole_words(void **state)
{
	NEED_SERVER();
	char *url = url_with("a", "a");
	retort_conn *c = NULL;
	retort_dberror e;
	assert_int_equal(connect_url(url, &c, &e), RETORT_ECONNECT);
	assert_non_null(strstr(e.message, "password authentication failed"));
	free(url);
	url = url_with("r", NULL);
	assert_int_equal(connect_url(url, &c, &e), RETORT_ECONNECT);
	assert_non_null(strstr(e.message, "for user \"retort\""));
	free(url);
}

/*
 * The server echoes the database name.  A database named as the password
 * is named, where the server quotes it as the database: masking it there
 * would mask a name, not the password (the URL's password is masked
 * elsewhere).  Anywhere else the password is scrubbed.
 */
static void test_postgres__password_equal_to_the_database_name_stays_a_name(void **state)
{
	NEED_SERVER();
	char *pw = password_of_url();
	char *url = url_with(pw, pw);
	retort_conn *c = NULL;
	retort_dberror e;
	assert_int_equal(connect_url(url, &c, &e), RETORT_ECONNECT);
	rt_buf want = RT_BUF_INIT;
	rt_buf_printf(&want, "database \"%s\" does not exist", pw);
	assert_non_null(strstr(e.message, want.ptr));
	/* that quoted name is the only place it shows */
	const char *first = strstr(e.message, pw);
	assert_null(strstr(first + strlen(pw), pw));
	rt_buf_free(&want);
	free(url);
	free(pw);
}

/* A URL without a password leaves it to libpq (PGPASSWORD here); still scrubbed. */
static void test_postgres__pgpassword_is_used_and_scrubbed(void **state)
{
	NEED_SERVER();
	char *pw = password_of_url();
	char *url = url_with(pw, NULL);
	/* the same URL without its password */
	rt_buf bare = RT_BUF_INIT;
	rt_buf_puts(&bare, url);
	char *colon = strstr(bare.ptr + strlen("postgresql://"), ":");
	char *at = strchr(colon, '@');
	memmove(colon, at, strlen(at) + 1);
	setenv("PGPASSWORD", pw, 1);
	retort_conn *c = NULL;
	retort_dberror e;
	int rc = connect_url(bare.ptr, &c, &e);
	if (rc != 0)
		fail_msg("connect with PGPASSWORD failed: %s", e.message);
	rt_postgres_driver.close(c);
	/* a database named "x<password>": the server's message echoes the
	   name, and the password in it (not the name) is scrubbed */
	char *slash = strrchr(bare.ptr, '/');
	rt_buf_truncate(&bare, (size_t)(slash - bare.ptr) + 1);
	rt_buf_printf(&bare, "x%s", pw);
	assert_int_equal(connect_url(bare.ptr, &c, &e), RETORT_ECONNECT);
	assert_non_null(strstr(e.message, "does not exist"));
	assert_null(strstr(e.message, pw));
	unsetenv("PGPASSWORD");
	rt_buf_free(&bare);
	free(url);
	free(pw);
}

static void test_postgres__unreachable_server_is_a_lost_connection(void **state)
{
	NEED_SERVER();
	retort_conn *c = NULL;
	retort_dberror e;
	/* port 1 on loopback: nothing listens there */
	assert_int_equal(connect_url("postgresql://retort:" MARK "@127.0.0.1:1/postgres", &c, &e),
			 RETORT_ECONNECT);
	assert_int_equal(e.lost, 1);
	assert_non_null(strstr(e.message, "127.0.0.1"));
	assert_null(strstr(e.message, MARK));
}

/* Query keys reach libpq as they are: application_name, options... */
static void test_postgres__url_query_keys_reach_libpq(void **state)
{
	NEED_SERVER();
	char *pw = password_of_url();
	char *url = url_with(pw, "postgres?application_name=rt_t_app&sslmode=disable");
	retort_conn *c = NULL;
	retort_dberror e;
	assert_int_equal(connect_url(url, &c, &e), 0);
	assert_query(c, "SELECT current_setting('application_name')", "rt_t_app\n");
	rt_postgres_driver.close(c);
	free(url);
	url = url_with(pw, "postgres?sslmode=bogus");
	assert_int_equal(connect_url(url, &c, &e), RETORT_ECONNECT);
	assert_non_null(strstr(e.message, "sslmode"));
	free(url);
	free(pw);
}

/* The core quotes literals for standard_conforming_strings = on: refuse a session without it. */
static void test_postgres__standard_conforming_strings_off_is_refused(void **state)
{
	NEED_SERVER();
	char *pw = password_of_url();
	char *url = url_with(pw, "postgres?options=-c%20standard_conforming_strings%3Doff");
	retort_conn *c = (retort_conn *)&c;
	retort_dberror e;
	assert_int_equal(connect_url(url, &c, &e), RETORT_ECONNECT);
	assert_null(c);
	assert_non_null(strstr(e.message, "standard_conforming_strings is off"));
	free(url);
	free(pw);
}

/* ---- exec and query ---- */

static void test_postgres__exec_runs_a_multi_statement_script(void **state)
{
	NEED_SERVER();
	retort_conn *c = connect_ok();
	exec_ok(c, "DROP TABLE IF EXISTS rt_t_multi;\n"
		   "CREATE TABLE rt_t_multi (id int PRIMARY KEY, s text);\n"
		   "INSERT INTO rt_t_multi VALUES (1, 'a;b'), (2, $$c;'d$$);\n"
		   "-- a comment; with a semicolon\n"
		   "INSERT INTO rt_t_multi VALUES (3, NULL);");
	assert_query(c, "SELECT id, s FROM rt_t_multi ORDER BY id", "1|a;b\n2|c;'d\n3|<null>\n");
	exec_ok(c, "");
	exec_ok(c, "DROP TABLE rt_t_multi");
	rt_postgres_driver.close(c);
}

static void test_postgres__syntax_error_in_third_statement_gives_its_offset(void **state)
{
	NEED_SERVER();
	retort_conn *c = connect_ok();
	const char *sql = "SELECT 1; SELECT 2;\n  SELEC 3;";
	retort_dberror e;
	assert_int_equal(rt_postgres_driver.exec(c, sql, &e), RETORT_EDB);
	assert_string_equal(e.sqlstate, "42601");
	assert_non_null(strstr(e.message, "syntax error at or near \"SELEC\""));
	assert_int_equal(e.offset, strstr(sql, "SELEC 3") - sql);
	assert_int_equal(e.position, strstr(sql, "SELEC 3") - sql + 1);
	assert_int_equal(e.lost, 0);
	rt_postgres_driver.close(c);
}

/* Positions count characters, offsets bytes: é is one of the first, two of the second. */
static void test_postgres__offset_counts_bytes_after_multibyte_text(void **state)
{
	NEED_SERVER();
	retort_conn *c = connect_ok();
	const char *sql = "SELECT 'ééé';\n-- ü\nSELECT 2;\nSELECT nope FROM (SELECT 1) AS t;";
	const char *bad = strstr(sql, "SELECT nope");
	retort_dberror e;
	assert_int_equal(rt_postgres_driver.exec(c, sql, &e), RETORT_EDB);
	assert_string_equal(e.sqlstate, "42703");
	assert_int_equal(e.offset, bad - sql);
	/* 4 two-byte characters before the error: the position is 4 less than the byte index + 1 */
	assert_int_equal(e.position, (strstr(sql, "nope") - sql) + 1 - 4);
	rt_postgres_driver.close(c);
}

static void test_postgres__missing_function_error_carries_hint(void **state)
{
	NEED_SERVER();
	retort_conn *c = connect_ok();
	const char *sql = "SELECT 1;\nSELECT 2;\nSELECT rt_t_nosuch(42::int);\nSELECT 4;";
	retort_dberror e;
	assert_int_equal(rt_postgres_driver.exec(c, sql, &e), RETORT_EDB);
	assert_string_equal(e.sqlstate, "42883");
	assert_string_equal(e.message, "function rt_t_nosuch(integer) does not exist");
	assert_non_null(strstr(e.hint, "explicit type casts"));
	assert_int_equal(e.offset, strstr(sql, "SELECT rt_t_nosuch") - sql);
	assert_int_equal(e.position, strstr(sql, "rt_t_nosuch") - sql + 1);
	rt_postgres_driver.close(c);
}

/* A runtime error has no position: the statement is the one after those that completed. */
static void test_postgres__runtime_error_names_its_statement(void **state)
{
	NEED_SERVER();
	retort_conn *c = connect_ok();
	const char *sql = "DROP TABLE IF EXISTS rt_t_rt; CREATE TABLE rt_t_rt (id int UNIQUE);\n"
			  "INSERT INTO rt_t_rt VALUES (1);\nINSERT INTO rt_t_rt VALUES (1);\nSELECT 5;";
	retort_dberror e;
	assert_int_equal(rt_postgres_driver.exec(c, sql, &e), RETORT_EDB);
	assert_string_equal(e.sqlstate, "23505");
	assert_int_equal(e.position, 0);
	assert_non_null(strstr(e.detail, "Key (id)=(1) already exists"));
	const char *second = strstr(strstr(sql, "INSERT") + 1, "INSERT");
	assert_int_equal(e.offset, second - sql);
	/* the script was one implicit transaction: nothing of it is left */
	assert_query(c, "SELECT to_regclass('rt_t_rt') IS NULL", "t\n");
	rt_postgres_driver.close(c);
}

static int first_row_only(void *data, int ncols, const char *const *values)
{
	(*(int *)data)++;
	return 1;
}

static void test_postgres__query_gives_nulls_and_stops_on_request(void **state)
{
	NEED_SERVER();
	retort_conn *c = connect_ok();
	assert_query(c, "SELECT NULL::text, 'x', 42", "<null>|x|42\n");
	assert_query(c, "SELECT g FROM generate_series(1, 3) g", "1\n2\n3\n");
	int rows = 0;
	retort_dberror e;
	assert_int_equal(rt_postgres_driver.query(c, "SELECT g FROM generate_series(1, 3) g",
						  first_row_only, &rows, &e), 0);
	assert_int_equal(rows, 1);
	assert_query(c, "SELECT 'still usable'", "still usable\n");
	rt_postgres_driver.close(c);
}

static void test_postgres__rollback_undoes_and_failed_commit_is_an_error(void **state)
{
	NEED_SERVER();
	retort_conn *c = connect_ok();
	retort_dberror e;
	exec_ok(c, "DROP TABLE IF EXISTS rt_t_tx");
	assert_int_equal(rt_postgres_driver.begin(c, &e), 0);
	exec_ok(c, "CREATE TABLE rt_t_tx (id int)");
	assert_int_equal(rt_postgres_driver.rollback(c, &e), 0);
	assert_query(c, "SELECT to_regclass('rt_t_tx') IS NULL", "t\n");
	/* rollback outside a transaction is harmless */
	assert_int_equal(rt_postgres_driver.rollback(c, &e), 0);

	assert_int_equal(rt_postgres_driver.begin(c, &e), 0);
	exec_ok(c, "CREATE TABLE rt_t_tx (id int)");
	assert_int_equal(rt_postgres_driver.exec(c, "SELECT 1/0", &e), RETORT_EDB);
	assert_string_equal(e.sqlstate, "22012");
	/* COMMIT of a failed transaction "succeeds" as ROLLBACK: not for us */
	assert_int_equal(rt_postgres_driver.commit(c, &e), RETORT_EDB);
	assert_non_null(strstr(e.message, "rolled back"));
	assert_query(c, "SELECT to_regclass('rt_t_tx') IS NULL", "t\n");

	assert_int_equal(rt_postgres_driver.begin(c, &e), 0);
	exec_ok(c, "CREATE TABLE rt_t_tx (id int)");
	assert_int_equal(rt_postgres_driver.commit(c, &e), 0);
	assert_query(c, "SELECT to_regclass('rt_t_tx') IS NOT NULL", "t\n");
	exec_ok(c, "DROP TABLE rt_t_tx");
	rt_postgres_driver.close(c);
}

static void test_postgres__killed_session_is_reported_lost(void **state)
{
	NEED_SERVER();
	retort_conn *victim = connect_ok(), *killer = connect_ok();
	char *pid = query_text(victim, "SELECT pg_backend_pid()");
	rt_buf sql = RT_BUF_INIT;
	rt_buf_printf(&sql, "SELECT pg_terminate_backend(%.*s)", (int)strcspn(pid, "\n"), pid);
	assert_query(killer, sql.ptr, "t\n");
	retort_dberror e;
	assert_int_equal(rt_postgres_driver.exec(victim, "SELECT 1", &e), RETORT_EDB);
	assert_int_equal(e.lost, 1);
	assert_true(e.message[0] != '\0');
	rt_buf_free(&sql);
	free(pid);
	rt_postgres_driver.close(victim);
	rt_postgres_driver.close(killer);
}

/* ---- split ---- */

static int collect_piece(void *data, size_t off, size_t len)
{
	void **ctx = data;
	rt_strvec *out = ctx[0];
	const char *sql = ctx[1];
	rt_strvec_pushn(out, sql + off, len);
	return 0;
}

static int split(const char *sql, rt_strvec *out, retort_dberror *e)
{
	void *ctx[2] = { out, (void *)sql };
	memset(e, 0, sizeof(*e));
	return rt_postgres_driver.split(sql, collect_piece, ctx, e);
}

static void test_postgres__split_keeps_dollar_quotes_strings_and_comments(void **state)
{
	const char *sql =
		"-- header; with a semicolon\n"
		"CREATE FUNCTION f() RETURNS int AS $body$\n"
		"BEGIN\n  RAISE NOTICE 'a;b';\n  RETURN 1;\nEND\n$body$ LANGUAGE plpgsql;\n"
		";;\n"
		"/* block; /* nested; */ still; */ INSERT INTO t VALUES ('x;y', E'\\';');\n"
		"CREATE INDEX CONCURRENTLY i ON t (a)\n";
	rt_strvec v = RT_STRVEC_INIT;
	retort_dberror e;
	assert_int_equal(split(sql, &v, &e), 0);
	assert_int_equal(v.len, 3);
	assert_string_equal(v.v[0], "CREATE FUNCTION f() RETURNS int AS $body$\n"
				    "BEGIN\n  RAISE NOTICE 'a;b';\n  RETURN 1;\nEND\n$body$ LANGUAGE plpgsql");
	assert_string_equal(v.v[1], "INSERT INTO t VALUES ('x;y', E'\\';')");
	assert_string_equal(v.v[2], "CREATE INDEX CONCURRENTLY i ON t (a)");
	rt_strvec_free(&v);
}

static void test_postgres__split_keeps_begin_atomic_bodies_whole(void **state)
{
	const char *sql = "CREATE FUNCTION g() RETURNS int LANGUAGE sql\n"
			  "BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 5;";
	rt_strvec v = RT_STRVEC_INIT;
	retort_dberror e;
	assert_int_equal(split(sql, &v, &e), 0);
	assert_int_equal(v.len, 2);
	assert_non_null(strstr(v.v[0], "END"));
	assert_string_equal(v.v[1], "SELECT 5");
	rt_strvec_free(&v);
}

/* A keywordless statement is a typo: it must reach the server and fail, not vanish. */
static void test_postgres__split_keeps_keywordless_statements(void **state)
{
	const char *sql = "SELECT 1;\n SELEC 'a;b';\nSELECT 3; nope";
	rt_strvec v = RT_STRVEC_INIT;
	retort_dberror e;
	assert_int_equal(split(sql, &v, &e), 0);
	assert_int_equal(v.len, 4);
	assert_string_equal(v.v[0], "SELECT 1");
	assert_string_equal(v.v[1], "SELEC 'a;b'");
	assert_string_equal(v.v[2], "SELECT 3");
	assert_string_equal(v.v[3], "nope");
	rt_strvec_free(&v);
}

static void test_postgres__split_of_unterminated_quote_is_an_error(void **state)
{
	rt_strvec v = RT_STRVEC_INIT;
	retort_dberror e;
	assert_int_equal(split("SELECT 1; SELECT $x$ never closed", &v, &e), RETORT_EDB);
	assert_non_null(strstr(e.message, "unterminated dollar-quoted string"));
	assert_int_equal(e.position, 18);
	assert_int_equal(v.len, 0);
	rt_strvec_free(&v);
}

/* ---- table_exists ---- */

static int exists(retort_conn *c, const char *schema, const char *table)
{
	int ex = -1;
	retort_dberror e;
	if (rt_postgres_driver.table_exists(c, schema, table, &ex, &e) != 0)
		fail_msg("table_exists failed: %s", e.message);
	return ex;
}

static void test_postgres__table_exists_with_and_without_schema(void **state)
{
	NEED_SERVER();
	retort_conn *c = connect_ok();
	exec_ok(c, "DROP SCHEMA IF EXISTS rt_t_s CASCADE; CREATE SCHEMA rt_t_s;"
		   "CREATE TABLE rt_t_s.thing (id int);"
		   "DROP TABLE IF EXISTS public.\"rt_t_Mixed Case\", public.\"rt_t_we\"\"ird\";"
		   "CREATE TABLE public.\"rt_t_Mixed Case\" (id int);"
		   "CREATE TABLE public.\"rt_t_we\"\"ird\" (id int);");
	assert_int_equal(exists(c, "rt_t_s", "thing"), 1);
	assert_int_equal(exists(c, NULL, "thing"), 0); /* not on the search_path */
	assert_int_equal(exists(c, "public", "thing"), 0);
	assert_int_equal(exists(c, NULL, "rt_t_Mixed Case"), 1);
	assert_int_equal(exists(c, "public", "rt_t_Mixed Case"), 1);
	assert_int_equal(exists(c, NULL, "rt_t_mixed case"), 0);
	assert_int_equal(exists(c, NULL, "rt_t_we\"ird"), 1);
	assert_int_equal(exists(c, NULL, "x'); DROP TABLE rt_t_s.thing; --"), 0);
	assert_int_equal(exists(c, "rt_t_s", "thing"), 1);
	/* the search_path decides where an unqualified name is looked for */
	exec_ok(c, "SET search_path = rt_t_s, public");
	assert_int_equal(exists(c, NULL, "thing"), 1);
	exec_ok(c, "RESET search_path; DROP SCHEMA rt_t_s CASCADE;"
		   "DROP TABLE public.\"rt_t_Mixed Case\", public.\"rt_t_we\"\"ird\"");
	assert_int_equal(exists(c, "rt_t_s", "thing"), 0);
	rt_postgres_driver.close(c);
}

/* ---- the migration lock ---- */

static void test_postgres__lock_key_is_fnv1a_64(void **state)
{
	assert_true(rt_pg_lock_key("") == (int64_t)0xcbf29ce484222325ULL);
	assert_true(rt_pg_lock_key("a") == (int64_t)0xaf63dc4c8601ec8cULL);
	assert_true(rt_pg_lock_key("foobar") == (int64_t)0x85944171f73967e8ULL);
}

static void test_postgres__lock_shows_in_pg_locks_under_the_documented_key(void **state)
{
	NEED_SERVER();
	retort_conn *c = connect_ok();
	retort_dberror e;
	assert_int_equal(rt_postgres_driver.lock(c, LOCK_NAME, 1, &e), 0);
	uint64_t k = (uint64_t)rt_pg_lock_key(LOCK_NAME);
	char want[64];
	snprintf(want, sizeof(want), "%u|%u|1\n", (unsigned)(k >> 32), (unsigned)(k & 0xffffffffu));
	assert_query(c,
		     "SELECT classid, objid, objsubid FROM pg_locks"
		     " WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
		     want);
	assert_int_equal(rt_postgres_driver.unlock(c, LOCK_NAME, &e), 0);
	/* unlocking what we do not hold is a bug in the caller: say so */
	assert_int_equal(rt_postgres_driver.unlock(c, LOCK_NAME, &e), RETORT_ELOCK);
	rt_postgres_driver.close(c);
}

static void test_postgres__second_locker_times_out_naming_the_holder(void **state)
{
	NEED_SERVER();
	retort_conn *a = connect_ok(), *b = connect_ok();
	retort_dberror e;
	assert_int_equal(rt_postgres_driver.lock(a, LOCK_NAME, 1, &e), 0);
	char *pid = query_text(a, "SELECT pg_backend_pid()");
	pid[strcspn(pid, "\n")] = '\0';

	double t0 = now_s();
	assert_int_equal(rt_postgres_driver.lock(b, LOCK_NAME, 1.0, &e), RETORT_ELOCK);
	double took = now_s() - t0;
	print_message("    second locker gave up after %.3f s: %s\n", took, e.message);
	assert_true(took >= 0.99 && took < 1.5);
	rt_buf want = RT_BUF_INIT;
	rt_buf_printf(&want, "could not take the migration lock within 1 s; held by pid %s "
			     "(user retort, application retort, since ", pid);
	assert_memory_equal(e.message, want.ptr, want.len);

	/* a different name is a different lock */
	assert_int_equal(rt_postgres_driver.lock(b, LOCK_NAME "2", 0, &e), 0);
	assert_int_equal(rt_postgres_driver.unlock(b, LOCK_NAME "2", &e), 0);

	/* granted once the holder lets go, while b is waiting */
	assert_int_equal(rt_postgres_driver.unlock(a, LOCK_NAME, &e), 0);
	t0 = now_s();
	assert_int_equal(rt_postgres_driver.lock(b, LOCK_NAME, 2.0, &e), 0);
	assert_true(now_s() - t0 < 0.5);
	assert_int_equal(rt_postgres_driver.unlock(b, LOCK_NAME, &e), 0);
	rt_buf_free(&want);
	free(pid);
	rt_postgres_driver.close(a);
	rt_postgres_driver.close(b);
}

/* The lock is released by the holder's disconnection, and taken while polling. */
static void test_postgres__lock_is_granted_when_the_holder_disconnects(void **state)
{
	NEED_SERVER();
	retort_conn *a = connect_ok(), *b = connect_ok();
	retort_dberror e;
	assert_int_equal(rt_postgres_driver.lock(a, LOCK_NAME, 1, &e), 0);
	assert_int_equal(rt_postgres_driver.lock(b, LOCK_NAME, 0.2, &e), RETORT_ELOCK);
	rt_postgres_driver.close(a);
	assert_int_equal(rt_postgres_driver.lock(b, LOCK_NAME, 5.0, &e), 0);
	rt_postgres_driver.close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postgres__connects_with_password_over_tcp),
		cmocka_unit_test(test_postgres__short_password_scrubs_only_whole_words),
		cmocka_unit_test(test_postgres__bad_password_fails_without_showing_it),
		cmocka_unit_test(test_postgres__password_equal_to_the_database_name_stays_a_name),
		cmocka_unit_test(test_postgres__pgpassword_is_used_and_scrubbed),
		cmocka_unit_test(test_postgres__unreachable_server_is_a_lost_connection),
		cmocka_unit_test(test_postgres__url_query_keys_reach_libpq),
		cmocka_unit_test(test_postgres__standard_conforming_strings_off_is_refused),
		cmocka_unit_test(test_postgres__exec_runs_a_multi_statement_script),
		cmocka_unit_test(test_postgres__syntax_error_in_third_statement_gives_its_offset),
		cmocka_unit_test(test_postgres__offset_counts_bytes_after_multibyte_text),
		cmocka_unit_test(test_postgres__missing_function_error_carries_hint),
		cmocka_unit_test(test_postgres__runtime_error_names_its_statement),
		cmocka_unit_test(test_postgres__query_gives_nulls_and_stops_on_request),
		cmocka_unit_test(test_postgres__rollback_undoes_and_failed_commit_is_an_error),
		cmocka_unit_test(test_postgres__killed_session_is_reported_lost),
		cmocka_unit_test(test_postgres__split_keeps_dollar_quotes_strings_and_comments),
		cmocka_unit_test(test_postgres__split_keeps_begin_atomic_bodies_whole),
		cmocka_unit_test(test_postgres__split_keeps_keywordless_statements),
		cmocka_unit_test(test_postgres__split_of_unterminated_quote_is_an_error),
		cmocka_unit_test(test_postgres__table_exists_with_and_without_schema),
		cmocka_unit_test(test_postgres__lock_key_is_fnv1a_64),
		cmocka_unit_test(test_postgres__lock_shows_in_pg_locks_under_the_documented_key),
		cmocka_unit_test(test_postgres__second_locker_times_out_naming_the_holder),
		cmocka_unit_test(test_postgres__lock_is_granted_when_the_holder_disconnects),
	};
	pg_url = getenv("RETORT_TEST_PG_URL");
	if (pg_url && !*pg_url)
		pg_url = NULL;
	const char *require = getenv("RETORT_TEST_REQUIRE_PG");
	if (!pg_url && require && !strcmp(require, "1")) {
		fprintf(stderr, "test_postgres: RETORT_TEST_REQUIRE_PG=1 but RETORT_TEST_PG_URL is unset\n");
		return 1;
	}
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (!pg_url && !failed) {
		/* ctest's SKIP_RETURN_CODE: shown as not run, never as passed */
		fprintf(stderr, "test_postgres: RETORT_TEST_PG_URL is unset: the tests that need "
				"a server did not run (scripts/pg-test-server start DIR prints one)\n");
		return 77;
	}
	return failed;
}

#else /* !RETORT_WITH_POSTGRES */

static void test_postgres__not_built(void **state)
{
	skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postgres__not_built),
	};
	fprintf(stderr, "test_postgres: built without the PostgreSQL driver (RETORT_POSTGRES=OFF)\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
