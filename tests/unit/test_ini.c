/*
 * test_ini.c: the configparser-compatible INI reader.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util/buf.h"

/* Each callback as "section|key|value|line" ("section|-|-|line" for headers). */
static int record(void *data, const char *section, const char *key,
		  const char *value, unsigned line)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "%s|%s|%s|%u", section, key ? key : "-",
		      value ? value : "-", line);
	rt_strvec_push_owned(data, rt_buf_detach(&b));
	return 0;
}

static int parse(const char *text, rt_strvec *out, rt_err *err)
{
	return rt_ini_parse(text, strlen(text), "t.ini", record, out, err);
}

static void parse_ok(const char *text, rt_strvec *out)
{
	rt_err err = { 0 };
	int rc = parse(text, out, &err);
	if (rc != 0)
		fail_msg("parse failed: %s", err.msg);
}

static void parse_fails(const char *text, const char *msg)
{
	rt_strvec out = RT_STRVEC_INIT;
	rt_err err = { 0 };
	assert_int_equal(parse(text, &out, &err), RETORT_ECONFIG);
	assert_string_equal(err.msg, msg);
	rt_strvec_free(&out);
}

static void test_ini__sections_keys_and_both_delimiters(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("[retort]\n"
		 "Script_Location = migrations\n"
		 "url: postgresql://u:p@h:5432/db?a=b\n"
		 "spaced key   =   value with  inner  spaces   \n"
		 "[other]\n"
		 "eq=a:b=c\n", &out);
	assert_int_equal(out.len, 6);
	assert_string_equal(out.v[0], "retort|-|-|1");
	assert_string_equal(out.v[1], "retort|script_location|migrations|2");
	/* split at the first ':' -- the URL's own ':' and '=' survive */
	assert_string_equal(out.v[2], "retort|url|postgresql://u:p@h:5432/db?a=b|3");
	assert_string_equal(out.v[3], "retort|spaced key|value with  inner  spaces|4");
	assert_string_equal(out.v[4], "other|-|-|5");
	assert_string_equal(out.v[5], "other|eq|a:b=c|6");
	rt_strvec_free(&out);
}

static void test_ini__first_delimiter_wins_even_if_colon(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("[s]\nsqlalchemy.url = driver://user:pass@localhost/dbname\n"
		 "a:b = c\n", &out);
	assert_string_equal(out.v[1], "s|sqlalchemy.url|driver://user:pass@localhost/dbname|2");
	assert_string_equal(out.v[2], "s|a|b = c|3");
	rt_strvec_free(&out);
}

static void test_ini__full_line_comments_only(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("# top comment\n"
		 "; another\n"
		 "[s]\n"
		 "   # indented comment\n"
		 "pw = a;b #c ; d\n"
		 "url = postgresql://u:p;x#y@h/db\n", &out);
	assert_int_equal(out.len, 3);
	/* no inline comments: ';' and '#' inside values are kept */
	assert_string_equal(out.v[1], "s|pw|a;b #c ; d|5");
	assert_string_equal(out.v[2], "s|url|postgresql://u:p;x#y@h/db|6");
	rt_strvec_free(&out);
}

static void test_ini__continuation_lines_join_with_newline(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("[s]\n"
		 "version_locations = a\n"
		 "    b\n"
		 "  # a comment inside is skipped\n"
		 "\tc  \n"
		 "next = 1\n", &out);
	assert_int_equal(out.len, 3);
	assert_string_equal(out.v[1], "s|version_locations|a\nb\nc|2");
	assert_string_equal(out.v[2], "s|next|1|6");
	rt_strvec_free(&out);
}

static void test_ini__continuation_after_empty_value(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("[s]\nhooks =\n  one\n  two\n", &out);
	assert_string_equal(out.v[1], "s|hooks|\none\ntwo|2");
	rt_strvec_free(&out);
}

static void test_ini__blank_line_ends_value(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("[s]\n"
		 "a = 1\n"
		 "  2\n"
		 "\n"
		 "  b = 3\n", &out);
	assert_int_equal(out.len, 3);
	assert_string_equal(out.v[1], "s|a|1\n2|2");
	/* after the blank line the indented line is a key of its own */
	assert_string_equal(out.v[2], "s|b|3|5");
	rt_strvec_free(&out);
}

static void test_ini__indented_key_continues_only_if_deeper(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("[s]\n  a = 1\n  b = 2\n    more\n", &out);
	assert_int_equal(out.len, 3);
	assert_string_equal(out.v[1], "s|a|1|2");
	assert_string_equal(out.v[2], "s|b|2\nmore|3");
	rt_strvec_free(&out);
}

static void test_ini__empty_value_and_empty_section(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("[empty]\n[s]\ntimezone =\n", &out);
	assert_int_equal(out.len, 3);
	assert_string_equal(out.v[0], "empty|-|-|1");
	assert_string_equal(out.v[1], "s|-|-|2");
	assert_string_equal(out.v[2], "s|timezone||3");
	rt_strvec_free(&out);
}

static void test_ini__hundred_kb_line(void **state)
{
	rt_buf text = RT_BUF_INIT;
	rt_strvec out = RT_STRVEC_INIT;
	size_t n = 100 * 1024;
	rt_buf_puts(&text, "[s]\nlong = ");
	for (size_t i = 0; i < n; i++)
		rt_buf_putc(&text, (char)('a' + i % 26));
	rt_buf_puts(&text, ";tail\nafter = 1\n");
	parse_ok(text.ptr, &out);
	assert_int_equal(out.len, 3);
	/* "s|long|" + value + ";tail" + "|2" */
	assert_int_equal(strlen(out.v[1]), 7 + n + 5 + 2);
	assert_non_null(strstr(out.v[1], ";tail|2"));
	assert_string_equal(out.v[2], "s|after|1|3");
	rt_buf_free(&text);
	rt_strvec_free(&out);
}

static void test_ini__crlf_and_bom(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("\xef\xbb\xbf[s]\r\na = 1\r\n  2\r\n", &out);
	assert_int_equal(out.len, 2);
	assert_string_equal(out.v[0], "s|-|-|1");
	assert_string_equal(out.v[1], "s|a|1\n2|2");
	rt_strvec_free(&out);
}

static void test_ini__no_final_newline(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("[s]\na = 1", &out);
	assert_int_equal(out.len, 2);
	assert_string_equal(out.v[1], "s|a|1|2");
	rt_strvec_free(&out);
}

static void test_ini__header_takes_text_up_to_last_bracket(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("[retort] ; trailing\n[a]b]\n", &out);
	assert_string_equal(out.v[0], "retort|-|-|1");
	assert_string_equal(out.v[1], "a]b|-|-|2");
	rt_strvec_free(&out);
}

static void test_ini__unterminated_section_header(void **state)
{
	parse_fails("[s]\na = 1\n[abc\n", "t.ini:3: unterminated section header");
}

static void test_ini__empty_section_name(void **state)
{
	parse_fails("[]\n", "t.ini:1: empty section name");
}

static void test_ini__duplicate_section_is_an_error(void **state)
{
	parse_fails("[s]\na = 1\n\n[s]\nb = 2\n", "t.ini:4: duplicate section [s]");
}

static void test_ini__duplicate_key_is_an_error(void **state)
{
	parse_fails("[s]\nurl = a\nURL = b\n",
		    "t.ini:3: duplicate key 'url' in section [s]");
}

static void test_ini__same_key_in_two_sections_is_fine(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	parse_ok("[a]\nk = 1\n[b]\nk = 2\n", &out);
	assert_int_equal(out.len, 4);
	rt_strvec_free(&out);
}

static void test_ini__line_that_is_not_a_key(void **state)
{
	parse_fails("[s]\n\njust some words\n",
		    "t.ini:3: expected 'key = value', a [section] or a comment");
}

static void test_ini__key_before_any_section(void **state)
{
	parse_fails("# c\na = 1\n",
		    "t.ini:2: key outside a section (add a [section] header above it)");
}

static void test_ini__empty_key(void **state)
{
	parse_fails("[s]\n = value\n", "t.ini:2: empty key");
}

static void test_ini__nul_byte_is_an_error(void **state)
{
	rt_strvec out = RT_STRVEC_INIT;
	rt_err err = { 0 };
	static const char text[] = "[s]\na = x\0y\n";
	assert_int_equal(rt_ini_parse(text, sizeof(text) - 1, "t.ini", record,
				      &out, &err), RETORT_ECONFIG);
	assert_string_equal(err.msg, "t.ini:2: NUL byte");
	rt_strvec_free(&out);
}

static int stop_at_b(void *data, const char *section, const char *key,
		     const char *value, unsigned line)
{
	int *calls = data;
	(*calls)++;
	return key && !strcmp(key, "b") ? 42 : 0;
}

static void test_ini__callback_can_stop(void **state)
{
	int calls = 0;
	const char *text = "[s]\na = 1\nb = 2\nc = 3\n";
	assert_int_equal(rt_ini_parse(text, strlen(text), "t.ini", stop_at_b,
				      &calls, NULL), 42);
	assert_int_equal(calls, 3);
}

static void test_ini__error_in_later_line_after_values(void **state)
{
	/* the value pending when the error line comes is still delivered */
	rt_strvec out = RT_STRVEC_INIT;
	rt_err err = { 0 };
	assert_int_equal(parse("[s]\na = 1\n[bad\n", &out, &err), RETORT_ECONFIG);
	assert_int_equal(out.len, 2);
	assert_string_equal(err.msg, "t.ini:3: unterminated section header");
	rt_strvec_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini__sections_keys_and_both_delimiters),
		cmocka_unit_test(test_ini__first_delimiter_wins_even_if_colon),
		cmocka_unit_test(test_ini__full_line_comments_only),
		cmocka_unit_test(test_ini__continuation_lines_join_with_newline),
		cmocka_unit_test(test_ini__continuation_after_empty_value),
		cmocka_unit_test(test_ini__blank_line_ends_value),
		cmocka_unit_test(test_ini__indented_key_continues_only_if_deeper),
		cmocka_unit_test(test_ini__empty_value_and_empty_section),
		cmocka_unit_test(test_ini__hundred_kb_line),
		cmocka_unit_test(test_ini__crlf_and_bom),
		cmocka_unit_test(test_ini__no_final_newline),
		cmocka_unit_test(test_ini__header_takes_text_up_to_last_bracket),
		cmocka_unit_test(test_ini__unterminated_section_header),
		cmocka_unit_test(test_ini__empty_section_name),
		cmocka_unit_test(test_ini__duplicate_section_is_an_error),
		cmocka_unit_test(test_ini__duplicate_key_is_an_error),
		cmocka_unit_test(test_ini__same_key_in_two_sections_is_fine),
		cmocka_unit_test(test_ini__line_that_is_not_a_key),
		cmocka_unit_test(test_ini__key_before_any_section),
		cmocka_unit_test(test_ini__empty_key),
		cmocka_unit_test(test_ini__nul_byte_is_an_error),
		cmocka_unit_test(test_ini__callback_can_stop),
		cmocka_unit_test(test_ini__error_in_later_line_after_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
