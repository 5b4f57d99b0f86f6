/*
 * test_dotenv.c: the .env reader.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "config.h"

#define MARK "Zq9MARKpw"

typedef struct env {
	rt_strvec keys, vals;
} env;

static void env_free(env *e)
{
	rt_strvec_free(&e->keys);
	rt_strvec_free(&e->vals);
}

static void parse_ok(env *e, const char *text)
{
	rt_err err = { 0 };
	int rc = rt_dotenv_parse(text, strlen(text), ".env", &e->keys, &e->vals, &err);
	if (rc != 0)
		fail_msg("parse failed: %s", err.msg);
}

static const char *get(const env *e, const char *k)
{
	for (size_t i = 0; i < e->keys.len; i++)
		if (!strcmp(e->keys.v[i], k))
			return e->vals.v[i];
	return NULL;
}

static void parse_fails(const char *text, const char *msg)
{
	env e = { RT_STRVEC_INIT, RT_STRVEC_INIT };
	rt_err err = { 0 };
	assert_int_equal(rt_dotenv_parse(text, strlen(text), "proj/.env",
					 &e.keys, &e.vals, &err), RETORT_ECONFIG);
	assert_string_equal(err.msg, msg);
	assert_null(strstr(err.msg, MARK));
	env_free(&e);
}

static void test_dotenv__plain_values_trimmed_and_cut_at_hash(void **state)
{
	env e = { RT_STRVEC_INIT, RT_STRVEC_INIT };
	parse_ok(&e, "# comment\n"
		     "\n"
		     "DB_HOST=localhost\n"
		     "  DB_PORT =  5433   # the port\n"
		     "COLOR=#fff\n"
		     "EMPTY=\n"
		     "HASH= # only a comment\n");
	assert_int_equal(e.keys.len, 5);
	assert_string_equal(get(&e, "DB_HOST"), "localhost");
	assert_string_equal(get(&e, "DB_PORT"), "5433");
	/* a '#' not after a blank is part of the value */
	assert_string_equal(get(&e, "COLOR"), "#fff");
	assert_string_equal(get(&e, "EMPTY"), "");
	assert_string_equal(get(&e, "HASH"), "");
	env_free(&e);
}

static void test_dotenv__raw_at_in_unquoted_url(void **state)
{
	env e = { RT_STRVEC_INIT, RT_STRVEC_INIT };
	parse_ok(&e, "DATABASE_URL=postgresql+asyncpg://postgres:StrongPassw@rd123@localhost:5433/equipment_db\n"
		     "DB_PASSWORD=StrongPassw@rd123\n");
	assert_string_equal(get(&e, "DATABASE_URL"),
			    "postgresql+asyncpg://postgres:StrongPassw@rd123@localhost:5433/equipment_db");
	assert_string_equal(get(&e, "DB_PASSWORD"), "StrongPassw@rd123");
	env_free(&e);
}

static void test_dotenv__export_prefix(void **state)
{
	env e = { RT_STRVEC_INIT, RT_STRVEC_INIT };
	parse_ok(&e, "export A=1\nexport\tB=2\nexport=3\nexporter=4\n");
	assert_string_equal(get(&e, "A"), "1");
	assert_string_equal(get(&e, "B"), "2");
	assert_string_equal(get(&e, "export"), "3");
	assert_string_equal(get(&e, "exporter"), "4");
	env_free(&e);
}

static void test_dotenv__single_quotes_are_literal(void **state)
{
	env e = { RT_STRVEC_INIT, RT_STRVEC_INIT };
	parse_ok(&e, "P='a \\n $b # c \"d\"'  # comment\n");
	assert_string_equal(get(&e, "P"), "a \\n $b # c \"d\"");
	env_free(&e);
}

static void test_dotenv__double_quotes_have_escapes(void **state)
{
	env e = { RT_STRVEC_INIT, RT_STRVEC_INIT };
	parse_ok(&e, "P=\"line1\\nline2 \\\"q\\\" back\\\\slash \\x # kept\"\n");
	assert_string_equal(get(&e, "P"), "line1\nline2 \"q\" back\\slash \\x # kept");
	env_free(&e);
}

static void test_dotenv__quoted_value_spans_lines(void **state)
{
	env e = { RT_STRVEC_INIT, RT_STRVEC_INIT };
	parse_ok(&e, "KEY=\"first\nsecond\"\nNEXT=1\nBAD_LINE_NUMBER_CHECK='x\ny'\n");
	assert_string_equal(get(&e, "KEY"), "first\nsecond");
	assert_string_equal(get(&e, "NEXT"), "1");
	assert_string_equal(get(&e, "BAD_LINE_NUMBER_CHECK"), "x\ny");
	env_free(&e);
}

static void test_dotenv__later_key_replaces_earlier(void **state)
{
	env e = { RT_STRVEC_INIT, RT_STRVEC_INIT };
	parse_ok(&e, "A=1\nB=2\nA=3\n");
	assert_int_equal(e.keys.len, 2);
	assert_string_equal(get(&e, "A"), "3");
	env_free(&e);
}

static void test_dotenv__crlf(void **state)
{
	env e = { RT_STRVEC_INIT, RT_STRVEC_INIT };
	parse_ok(&e, "A=1\r\nB=\"2\"\r\n");
	assert_string_equal(get(&e, "A"), "1");
	assert_string_equal(get(&e, "B"), "2");
	env_free(&e);
}

static void test_dotenv__line_without_equals(void **state)
{
	parse_fails("A=1\n\nDB_PASSWORD " MARK "\n",
		    "proj/.env:3: expected KEY=VALUE");
}

static void test_dotenv__bad_key(void **state)
{
	parse_fails("A=1\n1ABC=" MARK "\n",
		    "proj/.env:2: bad variable name (expected KEY=VALUE)");
	parse_fails("=" MARK "\n", "proj/.env:1: bad variable name (expected KEY=VALUE)");
	parse_fails("A-B=" MARK "\n", "proj/.env:1: expected KEY=VALUE");
}

static void test_dotenv__unterminated_quote_names_its_start(void **state)
{
	parse_fails("A=1\nP=\"" MARK "\nmore\n",
		    "proj/.env:2: unterminated double-quoted value");
	parse_fails("P='" MARK, "proj/.env:1: unterminated single-quoted value");
}

static void test_dotenv__text_after_closing_quote(void **state)
{
	parse_fails("A=\"x\nz\"" MARK "\n",
		    "proj/.env:2: unexpected text after the closing quote");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dotenv__plain_values_trimmed_and_cut_at_hash),
		cmocka_unit_test(test_dotenv__raw_at_in_unquoted_url),
		cmocka_unit_test(test_dotenv__export_prefix),
		cmocka_unit_test(test_dotenv__single_quotes_are_literal),
		cmocka_unit_test(test_dotenv__double_quotes_have_escapes),
		cmocka_unit_test(test_dotenv__quoted_value_spans_lines),
		cmocka_unit_test(test_dotenv__later_key_replaces_earlier),
		cmocka_unit_test(test_dotenv__crlf),
		cmocka_unit_test(test_dotenv__line_without_equals),
		cmocka_unit_test(test_dotenv__bad_key),
		cmocka_unit_test(test_dotenv__unterminated_quote_names_its_start),
		cmocka_unit_test(test_dotenv__text_after_closing_quote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
