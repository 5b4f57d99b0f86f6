/*
 * test_template.c: template expansion, file names, slugs, Create Date and
 * revision ids.
 *
 * Expected slugs and file names were produced by Alembic 1.8.1's own rules
 * (ScriptDirectory._rev_path) run with python3 on the same inputs.
 */
#include "revfile.h"
#include "template.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* --- ${name} ----------------------------------------------------------------- */

static const char *lookup_cfg(void *data, const char *name)
{
	(void)data;
	if (!strcmp(name, "config.url"))
		return "sqlite:///app.db";
	if (!strcmp(name, "x.tenant"))
		return "acme";
	return NULL;
}

static void test_template__expands_vars_lookup_and_dollars(void **state)
{
	rt_tmpl_var vars[] = { { "message", "hi" }, { "up_revision", "abc" } };
	rt_buf out = RT_BUF_INIT;
	rt_err err = { 0 };
	assert_int_equal(rt_template_expand(&out,
					    "-- ${message} ${up_revision}\n"
					    "-- ${config.url} ${x.tenant} $$ $1 $tag$ $",
					    "t.tmpl", vars, 2, lookup_cfg, NULL, &err),
			 0);
	assert_string_equal(out.ptr, "-- hi abc\n-- sqlite:///app.db acme $ $1 $tag$ $");
	rt_buf_free(&out);
}

static void test_template__unknown_placeholder_names_line(void **state)
{
	rt_tmpl_var vars[] = { { "message", "hi" } };
	rt_buf out = RT_BUF_INIT;
	rt_err err = { 0 };
	assert_int_equal(rt_template_expand(&out, "${message}\n\n-- ${mesage}\n", "script.sql.tmpl",
					    vars, 1, lookup_cfg, NULL, &err),
			 RETORT_EPARSE);
	assert_string_equal(err.msg, "script.sql.tmpl:3: unknown placeholder '${mesage}'");
	rt_buf_clear(&out);
	/* without a lookup, config keys are unknown too */
	assert_int_equal(rt_template_expand(&out, "${config.url}", "t", vars, 1, NULL, NULL, &err),
			 RETORT_EPARSE);
	assert_non_null(strstr(err.msg, "t:1: unknown placeholder '${config.url}'"));
	rt_buf_free(&out);
}

static void test_template__unterminated_placeholder(void **state)
{
	rt_buf out = RT_BUF_INIT;
	rt_err err = { 0 };
	assert_int_equal(rt_template_expand(&out, "a\n${message\n}", "t", NULL, 0, NULL, NULL, &err),
			 RETORT_EPARSE);
	assert_non_null(strstr(err.msg, "t:2: unterminated placeholder"));
	rt_buf_free(&out);
}

/* The default template, filled in, is a revision file the parser accepts. */
static void test_template__default_template_round_trips(void **state)
{
	rt_tmpl_var vars[] = {
		{ "message", "create todos" },  { "up_revision", "3f2a9c1b7d4e" },
		{ "down_revision", "aa, bb" },  { "create_date", "2026-11-21 10:00:00.5" },
		{ "branch_labels", "" },        { "depends_on", "cc" },
		{ "upgrades", "CREATE TABLE t (x int);" }, { "downgrades", "DROP TABLE t;" },
	};
	rt_buf out = RT_BUF_INIT;
	rt_err err = { 0 };
	assert_int_equal(rt_template_expand(&out, rt_default_template, "default", vars, 8, NULL,
					    NULL, &err),
			 0);
	rt_revfile rf;
	assert_int_equal(rt_revfile_parse(&rf, "n.sql", out.ptr, out.len, &err), 0);
	assert_string_equal(rf.id, "3f2a9c1b7d4e");
	assert_string_equal(rf.message, "create todos");
	assert_int_equal(rf.revises.len, 2);
	assert_string_equal(rf.revises.v[1], "bb");
	assert_int_equal(rf.branch_labels.len, 0);
	assert_string_equal(rf.depends_on.v[0], "cc");
	assert_string_equal(rf.create_date, "2026-11-21 10:00:00.5");
	assert_string_equal(rf.upgrade.sql, "CREATE TABLE t (x int);\n\n");
	assert_string_equal(rf.downgrade.sql, "DROP TABLE t;\n");
	rt_revfile_free(&rf);
	rt_buf_free(&out);
}

/* --- Slugs ------------------------------------------------------------------- */

static void check_slug(const char *msg, int len, const char *want)
{
	rt_buf b = RT_BUF_INIT;
	rt_slugify(&b, msg, len);
	if (strcmp(b.ptr, want))
		fail_msg("slug of '%s' (%d): want '%s', got '%s'", msg ? msg : "(null)", len, want, b.ptr);
	rt_buf_free(&b);
}

static void test_template__slug_matches_alembic(void **state)
{
	static const struct {
		const char *msg;
		int len;
		const char *want;
	} cases[] = {
		{ "create todos table", 40, "create_todos_table" },
		{ "create todos table", 10, "create_" },
		{ "Add a column!!", 40, "add_a_column" },
		{ "Add a column!!", 10, "add_a_" },
		{ "  hello   world  ", 40, "hello_world" },
		{ "_foo_bar_", 40, "_foo_bar_" },
		{ "café au lait — now", 40, "café_au_lait_now" },
		{ "café au lait — now", 10, "café_au_" },
		{ "Ünïcode Straße", 40, "ünïcode_straße" },
		{ "Ünïcode Straße", 10, "ünïcode_" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 40,
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 10, "aaaaaaaaaa_" },
		{ "one two three four five six seven eight nine ten", 40,
		  "one_two_three_four_five_six_seven_eight_" },
		{ "one two three four five six seven eight nine ten", 10, "one_two_" },
		{ "x—y", 40, "x_y" },
		{ "über-long message here that goes on and on and on", 40,
		  "über_long_message_here_that_goes_on_and_" },
		{ "über-long message here that goes on and on and on", 10, "über_long_" },
		{ "", 40, "" },
		{ "Hello, World. 2nd try", 40, "hello_world_2nd_try" },
		{ "Hello, World. 2nd try", 10, "hello_" },
		{ "tab\there", 10, "tab_here" },
		{ "日本語 テスト", 10, "日本語_テスト" },
		{ "ПРИВЕТ мир", 10, "привет_мир" },
		{ "emoji 🎉 party", 40, "emoji_party" },
		{ "emoji 🎉 party", 10, "emoji_" },
		{ "abcd_efgh", 10, "abcd_efgh" },
		{ "exactly forty characters long message ab", 40,
		  "exactly_forty_characters_long_message_ab" },
		{ "exactly forty characters long message ab", 10, "exactly_" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		check_slug(cases[i].msg, cases[i].len, cases[i].want);
	/* NULL is Alembic's `message or ""` */
	check_slug(NULL, 40, "");
}

/* --- File names -------------------------------------------------------------- */

static void check_name(const char *tmpl, const char *want)
{
	rt_buf b = RT_BUF_INIT;
	rt_err err = { 0 };
	/* 1700000000 is 2023-11-14 22:13:20 UTC */
	if (rt_file_name(&b, tmpl, "abc", "sl", 40, 1700000000, "UTC", &err))
		fail_msg("'%s': %s", tmpl, err.msg);
	if (strcmp(b.ptr, want))
		fail_msg("'%s': want '%s', got '%s'", tmpl, want, b.ptr);
	rt_buf_free(&b);
}

static void test_template__file_name_tokens(void **state)
{
	check_name("%(rev)s_%(slug)s", "abc_sl");
	check_name("%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d-%(rev)s_%(slug)s",
		   "2023_11_14_2213-abc_sl");
	check_name("%(epoch)s_%(rev)s", "1700000000_abc");
	check_name("%(epoch)d", "1700000000");
	check_name("%(rev)-6s|%(rev)6s|%(second)03d|%(month)+d|%(rev).2s|%%lit",
		   "abc   |   abc|020|+11|ab|%lit");
	check_name("%(year)s-%(month)s-%(day)s %(hour)s:%(minute)s:%(second)s",
		   "2023-11-14 22:13:20");
}

static void test_template__file_name_uses_timezone(void **state)
{
	rt_buf b = RT_BUF_INIT;
	rt_err err = { 0 };
	assert_int_equal(rt_file_name(&b, "%(day)d_%(hour)d", "r", "", 40, 1700000000,
				      "Asia/Kolkata", &err),
			 0);
	assert_string_equal(b.ptr, "15_3"); /* +05:30 */
	rt_buf_clear(&b);
	assert_int_equal(rt_file_name(&b, "%(hour)d", "r", "", 40, 1700000000, "utc", &err), 0);
	assert_string_equal(b.ptr, "22");
	rt_buf_free(&b);
}

static void test_template__file_name_errors(void **state)
{
	static const char *const bad[] = { "%(revision)s", "%(rev)q", "%(rev", "%s_x", "%(slug)d" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		rt_buf b = RT_BUF_INIT;
		rt_err err = { 0 };
		if (rt_file_name(&b, bad[i], "abc", "m", 40, 0, NULL, &err) != RETORT_ECONFIG)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(err.msg, "file_template"));
		rt_buf_free(&b);
	}
	rt_buf b = RT_BUF_INIT;
	rt_err err = { 0 };
	assert_int_equal(rt_file_name(&b, "%(rev)s", "a", "m", 40, 0, "Mars/Olympus", &err),
			 RETORT_ECONFIG);
	assert_non_null(strstr(err.msg, "timezone: 'Mars/Olympus'"));
	assert_int_equal(rt_file_name(&b, "%(rev)s", "a", "m", 40, 0, "../../etc/passwd", &err),
			 RETORT_ECONFIG);
	rt_buf_free(&b);
}

/* --- Create Date ------------------------------------------------------------- */

static void test_template__create_date_formats(void **state)
{
	struct timespec ts = { 1700000000, 123456789 };
	rt_buf b = RT_BUF_INIT;
	rt_create_date(&b, &ts, "UTC");
	assert_string_equal(b.ptr, "2023-11-14 22:13:20.123456+00:00");
	rt_buf_clear(&b);
	rt_create_date(&b, &ts, "America/New_York");
	assert_string_equal(b.ptr, "2023-11-14 17:13:20.123456-05:00");
	rt_buf_clear(&b);
	rt_create_date(&b, &ts, "Asia/Kolkata");
	assert_string_equal(b.ptr, "2023-11-15 03:43:20.123456+05:30");
	rt_buf_clear(&b);
	/* str(datetime) drops a zero microsecond */
	struct timespec whole = { 1700000000, 999 };
	rt_create_date(&b, &whole, "UTC");
	assert_string_equal(b.ptr, "2023-11-14 22:13:20+00:00");
	rt_buf_free(&b);
}

static void test_template__create_date_local_time_restores_tz(void **state)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	struct timespec ts = { 1700000000, 5000 };
	rt_buf b = RT_BUF_INIT;
	rt_create_date(&b, &ts, "Asia/Kolkata");
	assert_string_equal(getenv("TZ"), "Europe/Paris");
	rt_buf_clear(&b);
	rt_create_date(&b, &ts, NULL); /* local: Paris, no suffix */
	assert_string_equal(b.ptr, "2023-11-14 23:13:20.000005");
	unsetenv("TZ");
	tzset();
	rt_create_date(&b, &ts, "UTC");
	assert_null(getenv("TZ"));
	rt_buf_free(&b);
}

/*
 * The zone read from its own file (no TZ set, so any thread may) agrees
 * with the C library's TZ for instants every 11 days from 1901 to 2036
 * and a second either side of DST changes, in zones with and without DST.
 */
static void test_template__create_date_zones_agree_with_the_c_library(void **state)
{
	static const char *const zones[] = { "Europe/Berlin", "America/New_York",
					     "Australia/Lord_Howe", "Asia/Kolkata",
					     "America/Sao_Paulo", "Pacific/Chatham" };
	for (size_t z = 0; z < sizeof(zones) / sizeof(*zones); z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		for (long long t = -2145916800LL; t < 2114380800LL; t += 11 * 86400 + 3607) {
			for (int d = -1; d <= 1; d++) {
				time_t at = (time_t)(t + d);
				struct tm tm;
				localtime_r(&at, &tm);
				long off = tm.tm_gmtoff, a = off < 0 ? -off : off;
				char want[64];
				snprintf(want, sizeof(want), "%04d-%02d-%02d %02d:%02d:%02d.000001%c%02ld:%02ld",
					 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
					 tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', a / 3600,
					 a % 3600 / 60);
				if (a % 60) /* as Python prints an offset of seconds */
					snprintf(want + strlen(want), sizeof(want) - strlen(want),
						 ":%02ld", a % 60);
				struct timespec ts = { at, 1000 };
				rt_buf b = RT_BUF_INIT;
				unsetenv("TZ");
				rt_create_date(&b, &ts, zones[z]);
				setenv("TZ", zones[z], 1);
				if (strcmp(b.ptr, want))
					fail_msg("%s at %lld: %s, the C library says %s", zones[z],
						 (long long)at, b.ptr, want);
				rt_buf_free(&b);
			}
		}
	}
	unsetenv("TZ");
	tzset();
}

/* --- Revision ids -------------------------------------------------------------- */

static void test_template__new_rev_ids_are_12_hex_and_differ(void **state)
{
	char a[13], b[13];
	rt_err err = { 0 };
	assert_int_equal(rt_new_rev_id(a, &err), 0);
	assert_int_equal(rt_new_rev_id(b, &err), 0);
	assert_int_equal(strlen(a), 12);
	assert_int_equal(strspn(a, "0123456789abcdef"), 12);
	assert_string_not_equal(a, b);
	assert_true(rt_revid_valid(a, &err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template__expands_vars_lookup_and_dollars),
		cmocka_unit_test(test_template__unknown_placeholder_names_line),
		cmocka_unit_test(test_template__unterminated_placeholder),
		cmocka_unit_test(test_template__default_template_round_trips),
		cmocka_unit_test(test_template__slug_matches_alembic),
		cmocka_unit_test(test_template__file_name_tokens),
		cmocka_unit_test(test_template__file_name_uses_timezone),
		cmocka_unit_test(test_template__file_name_errors),
		cmocka_unit_test(test_template__create_date_formats),
		cmocka_unit_test(test_template__create_date_local_time_restores_tz),
		cmocka_unit_test(test_template__create_date_zones_agree_with_the_c_library),
		cmocka_unit_test(test_template__new_rev_ids_are_12_hex_and_differ),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
