/*
 * test_url.c: database URL parsing and redaction.
 *
 * Every malformed URL carries the marker password MARK, and every error test
 * checks that the message does not contain it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "url.h"

#define MARK "Zq9MARKpw"

static void parse_ok(rt_url *u, const char *s)
{
	rt_err err = { 0 };
	int rc = rt_url_parse(u, s, NULL, &err);
	if (rc != 0)
		fail_msg("'%s' did not parse: %s", s, err.msg);
}

/* Parse s, expect failure, return the message (static) for more checks. */
static const char *parse_fails(const char *s, const char *where)
{
	static rt_err err;
	rt_url u = RT_URL_INIT;
	memset(&err, 0, sizeof(err));
	assert_int_equal(rt_url_parse(&u, s, where, &err), RETORT_EURL);
	assert_int_equal(err.code, RETORT_EURL);
	assert_null(strstr(err.msg, MARK));
	assert_null(strstr(err.msg, "MARK"));
	/* the url is left empty, so freeing it again is harmless */
	assert_null(u.redacted);
	assert_null(u.password);
	rt_url_free(&u);
	return err.msg;
}

static void test_url__sqlite_relative(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "sqlite:///rel.db");
	assert_string_equal(u.backend->name, "sqlite");
	assert_string_equal(u.scheme_name, "sqlite");
	assert_string_equal(u.database, "rel.db");
	assert_null(u.host);
	assert_null(u.driver);
	assert_string_equal(u.redacted, "sqlite:///rel.db");
	rt_url_free(&u);
}

static void test_url__sqlite_absolute(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "sqlite:////abs/x.db");
	assert_string_equal(u.database, "/abs/x.db");
	rt_url_free(&u);
}

static void test_url__sqlite_memory_forms(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "sqlite://");
	assert_string_equal(u.backend->name, "sqlite");
	assert_null(u.database);
	rt_url_free(&u);
	parse_ok(&u, "sqlite:///:memory:");
	assert_null(u.database);
	rt_url_free(&u);
}

static void test_url__sqlite_path_may_hold_at_and_colon(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "sqlite:///data@2024:v1.db");
	assert_string_equal(u.database, "data@2024:v1.db");
	assert_null(u.user);
	assert_null(u.password);
	assert_string_equal(u.redacted, "sqlite:///data@2024:v1.db");
	rt_url_free(&u);
}

static void test_url__sqlite_query_and_escapes(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "sqlite+pysqlite:///my%20app.db?mode=ro&cache=shared");
	assert_string_equal(u.driver, "pysqlite");
	assert_string_equal(u.database, "my app.db");
	assert_int_equal(u.query_keys.len, 2);
	assert_string_equal(u.query_keys.v[0], "mode");
	assert_string_equal(u.query_vals.v[0], "ro");
	assert_string_equal(u.query_keys.v[1], "cache");
	assert_string_equal(u.query_vals.v[1], "shared");
	rt_url_free(&u);
}

static void test_url__sqlite_with_host_is_an_error(void **state)
{
	const char *msg = parse_fails("sqlite://host/x.db", NULL);
	assert_non_null(strstr(msg, "sqlite"));
}

static void test_url__postgresql_full(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgresql://alice:pw@db.example.com:5432/app?sslmode=require&connect_timeout=5");
	assert_string_equal(u.backend->name, "postgresql");
	assert_string_equal(u.scheme_name, "postgresql");
	assert_null(u.driver);
	assert_string_equal(u.user, "alice");
	assert_string_equal(u.password, "pw");
	assert_string_equal(u.host, "db.example.com");
	assert_string_equal(u.port, "5432");
	assert_string_equal(u.database, "app");
	assert_int_equal(u.query_keys.len, 2);
	assert_string_equal(u.query_keys.v[0], "sslmode");
	assert_string_equal(u.query_vals.v[0], "require");
	assert_string_equal(u.query_vals.v[1], "5");
	assert_string_equal(u.redacted,
			    "postgresql://alice:***@db.example.com:5432/app?sslmode=require&connect_timeout=5");
	rt_url_free(&u);
}

static void test_url__postgres_alias_and_driver_suffix(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgres://u@h/d");
	assert_string_equal(u.backend->name, "postgresql");
	assert_string_equal(u.scheme_name, "postgres");
	assert_string_equal(u.user, "u");
	assert_null(u.password);
	assert_null(u.port);
	assert_string_equal(u.redacted, "postgres://u@h/d");
	rt_url_free(&u);
	parse_ok(&u, "postgresql+psycopg2://u:p@h/d");
	assert_string_equal(u.scheme_name, "postgresql");
	assert_string_equal(u.driver, "psycopg2");
	rt_url_free(&u);
}

static void test_url__raw_at_in_password(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgresql+asyncpg://postgres:StrongPassw@rd123@localhost:5433/equipment_db");
	assert_string_equal(u.driver, "asyncpg");
	assert_string_equal(u.user, "postgres");
	assert_string_equal(u.password, "StrongPassw@rd123");
	assert_string_equal(u.host, "localhost");
	assert_string_equal(u.port, "5433");
	assert_string_equal(u.database, "equipment_db");
	assert_string_equal(u.redacted,
			    "postgresql+asyncpg://postgres:***@localhost:5433/equipment_db");
	rt_url_free(&u);
}

static void test_url__raw_colon_slash_question_in_password(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgresql://bob:a:b/c?d#e@h:6543/db?x=1");
	assert_string_equal(u.user, "bob");
	assert_string_equal(u.password, "a:b/c?d#e");
	assert_string_equal(u.host, "h");
	assert_string_equal(u.port, "6543");
	assert_string_equal(u.database, "db");
	assert_int_equal(u.query_keys.len, 1);
	assert_string_equal(u.redacted, "postgresql://bob:***@h:6543/db?x=1");
	rt_url_free(&u);
}

static void test_url__percent_escapes_decoded_everywhere(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgresql://us%65r:p%40ss%3A%2F%25@h%6Fst/d%62?k%20=v%26");
	assert_string_equal(u.user, "user");
	assert_string_equal(u.password, "p@ss:/%");
	assert_string_equal(u.host, "host");
	assert_string_equal(u.database, "db");
	assert_string_equal(u.query_keys.v[0], "k ");
	assert_string_equal(u.query_vals.v[0], "v&");
	/* redaction keeps everything else as written */
	assert_string_equal(u.redacted, "postgresql://us%65r:***@h%6Fst/d%62?k%20=v%26");
	rt_url_free(&u);
}

static void test_url__ipv6_host(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgresql://u@[::1]:5432/db");
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.port, "5432");
	assert_string_equal(u.database, "db");
	rt_url_free(&u);
	parse_ok(&u, "postgresql://[fe80::1%25eth0]/db");
	assert_string_equal(u.host, "fe80::1%eth0");
	assert_null(u.port);
	rt_url_free(&u);
}

static void test_url__no_host_means_local_socket(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgresql:///mydb");
	assert_null(u.host);
	assert_null(u.user);
	assert_string_equal(u.database, "mydb");
	rt_url_free(&u);
	parse_ok(&u, "postgresql://");
	assert_null(u.host);
	assert_null(u.database);
	rt_url_free(&u);
}

static void test_url__query_without_path(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgresql://u:p@h?sslmode=disable&flag");
	assert_string_equal(u.host, "h");
	assert_null(u.database);
	assert_int_equal(u.query_keys.len, 2);
	assert_string_equal(u.query_keys.v[1], "flag");
	assert_string_equal(u.query_vals.v[1], "");
	rt_url_free(&u);
}

static void test_url__password_in_query_is_redacted(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgresql://u@h/db?user=x&password=" MARK "&sslmode=require");
	assert_string_equal(u.query_vals.v[1], MARK);
	assert_null(strstr(u.redacted, MARK));
	assert_string_equal(u.redacted,
			    "postgresql://u@h/db?user=x&password=***&sslmode=require");
	rt_url_free(&u);
}

static void test_url__empty_password_and_empty_user(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgresql://u:@h/db");
	assert_string_equal(u.user, "u");
	assert_string_equal(u.password, "");
	assert_string_equal(u.redacted, "postgresql://u:***@h/db");
	rt_url_free(&u);
	parse_ok(&u, "postgresql://:" MARK "@h/db");
	assert_null(u.user);
	assert_string_equal(u.password, MARK);
	assert_string_equal(u.redacted, "postgresql://:***@h/db");
	rt_url_free(&u);
}

static void test_url__mysql_and_mariadb(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "mysql+pymysql://root:" MARK "@127.0.0.1:3306/shop?charset=utf8mb4");
	assert_string_equal(u.backend->name, "mysql");
	assert_string_equal(u.scheme_name, "mysql");
	assert_string_equal(u.driver, "pymysql");
	assert_string_equal(u.password, MARK);
	assert_null(strstr(u.redacted, MARK));
	rt_url_free(&u);
	parse_ok(&u, "MariaDB://root@localhost/shop");
	assert_string_equal(u.backend->name, "mysql");
	assert_string_equal(u.scheme_name, "MariaDB");
	rt_url_free(&u);
}

static void test_url__no_scheme_separator_is_an_error(void **state)
{
	const char *msg = parse_fails("postgres:" MARK "@localhost/db", NULL);
	assert_non_null(strstr(msg, "scheme://"));
	parse_fails("", NULL);
	parse_fails(MARK, NULL);
}

static void test_url__unsupported_scheme_names_it(void **state)
{
	const char *msg = parse_fails("oracle://scott:" MARK "@h/db", NULL);
	assert_string_equal(msg, "unsupported database URL scheme 'oracle'");
	msg = parse_fails("driver://user:" MARK "@localhost/dbname", "alembic.ini:63");
	assert_string_equal(msg, "alembic.ini:63: unsupported database URL scheme 'driver'");
	parse_fails("://u:" MARK "@h/db", NULL);
	parse_fails("bad scheme://u:" MARK "@h/db", NULL);
}

static void test_url__bad_ports_are_errors(void **state)
{
	static const char *const bad[] = {
		"postgresql://u:" MARK "@h:0/db",
		"postgresql://u:" MARK "@h:65536/db",
		"postgresql://u:" MARK "@h:123456/db",
		"postgresql://u:" MARK "@h:54a/db",
		"postgresql://u:" MARK "@h:/db",
		"postgresql://u:" MARK "@h:-1/db",
		"postgresql://u@h:" MARK "/db",
		"postgresql://u:" MARK,
		"postgresql://u:" MARK "@[::1]:99999/db",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *msg = parse_fails(bad[i], "retort.ini:4");
		assert_non_null(strstr(msg, "retort.ini:4: "));
		assert_non_null(strstr(msg, "port"));
	}
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgresql://h:65535/db");
	assert_string_equal(u.port, "65535");
	rt_url_free(&u);
	parse_ok(&u, "postgresql://h:1/db");
	rt_url_free(&u);
}

static void test_url__bad_escapes_are_errors(void **state)
{
	static const char *const bad[] = {
		"postgresql://u:" MARK "%zz@h/db",
		"postgresql://u:" MARK "%4@h/db",
		"postgresql://u:" MARK "%@h/db",
		"postgresql://u:" MARK "%00@h/db",
		"postgresql://u%zz:" MARK "@h/db",
		"postgresql://u:" MARK "@h%z/db",
		"postgresql://u:" MARK "@h/db%4",
		"postgresql://u:" MARK "@h/db?a=%zz",
		"postgresql://u:" MARK "@h/db?%zz=1",
		"sqlite:///x%g1.db",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *msg = parse_fails(bad[i], NULL);
		assert_non_null(strstr(msg, "percent-escape"));
	}
	/* the message says which part is wrong */
	assert_non_null(strstr(parse_fails(bad[0], NULL), "password"));
}

static void test_url__unterminated_ipv6_is_an_error(void **state)
{
	parse_fails("postgresql://u:" MARK "@[::1/db", NULL);
	parse_fails("postgresql://u:" MARK "@[::1]x:5432/db", NULL);
}

static void test_url__redact_unparsable_hides_password(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "postgresql://u:" MARK "@h:99999/db", "postgresql://u:***@h:99999/db" },
		{ "postgresql://u:" MARK "@x@h/db", "postgresql://u:***@h/db" },
		{ "postgres:" MARK "@host/db", "postgres:***@host/db" },
		{ "postgresql://u:" MARK, "postgresql://u:***" },
		{ "postgresql://u:" MARK "/db", "postgresql://u:***/db" },
		{ "postgresql://host:5432/db", "postgresql://host:5432/db" },
		{ "postgresql://h/db?password=" MARK, "postgresql://h/db?password=***" },
		{ "sqlite:///x.db", "sqlite:///x.db" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *r = rt_url_redact(cases[i].in);
		assert_string_equal(r, cases[i].out);
		assert_null(strstr(r, MARK));
		free(r);
	}
}

static void test_url__redacted_never_holds_password(void **state)
{
	static const char *const good[] = {
		"postgresql://u:" MARK "@h/db",
		"postgresql://u:" MARK "@@h/db",
		"postgresql://u:x" MARK ":y@h:1/db?q=1",
		"mysql://u:" MARK "/x@h/db",
		"postgresql://u:" MARK "@[::1]/db",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		rt_url u = RT_URL_INIT;
		parse_ok(&u, good[i]);
		assert_non_null(strstr(u.password, MARK));
		assert_null(strstr(u.redacted, MARK));
		assert_non_null(strstr(u.redacted, ":***@"));
		rt_url_free(&u);
	}
}

static void test_url__free_twice_is_harmless(void **state)
{
	rt_url u = RT_URL_INIT;
	parse_ok(&u, "postgresql://u:p@h/db?a=b");
	rt_url_free(&u);
	rt_url_free(&u);
	assert_null(u.host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url__sqlite_relative),
		cmocka_unit_test(test_url__sqlite_absolute),
		cmocka_unit_test(test_url__sqlite_memory_forms),
		cmocka_unit_test(test_url__sqlite_path_may_hold_at_and_colon),
		cmocka_unit_test(test_url__sqlite_query_and_escapes),
		cmocka_unit_test(test_url__sqlite_with_host_is_an_error),
		cmocka_unit_test(test_url__postgresql_full),
		cmocka_unit_test(test_url__postgres_alias_and_driver_suffix),
		cmocka_unit_test(test_url__raw_at_in_password),
		cmocka_unit_test(test_url__raw_colon_slash_question_in_password),
		cmocka_unit_test(test_url__percent_escapes_decoded_everywhere),
		cmocka_unit_test(test_url__ipv6_host),
		cmocka_unit_test(test_url__no_host_means_local_socket),
		cmocka_unit_test(test_url__query_without_path),
		cmocka_unit_test(test_url__password_in_query_is_redacted),
		cmocka_unit_test(test_url__empty_password_and_empty_user),
		cmocka_unit_test(test_url__mysql_and_mariadb),
		cmocka_unit_test(test_url__no_scheme_separator_is_an_error),
		cmocka_unit_test(test_url__unsupported_scheme_names_it),
		cmocka_unit_test(test_url__bad_ports_are_errors),
		cmocka_unit_test(test_url__bad_escapes_are_errors),
		cmocka_unit_test(test_url__unterminated_ipv6_is_an_error),
		cmocka_unit_test(test_url__redact_unparsable_hides_password),
		cmocka_unit_test(test_url__redacted_never_holds_password),
		cmocka_unit_test(test_url__free_twice_is_harmless),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
