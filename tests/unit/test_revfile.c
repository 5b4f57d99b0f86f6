/*
 * test_revfile.c: the revision-file parser and the section checksum.
 *
 * The format's cases live in tests/data/revfiles/ (good/ with the fields
 * they must give, bad/ with the error they must give); the tests here cover
 * what files cannot express well: CRLF, sizes, speed and the checksum.
 */
#include "revfile.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

/* --- Helpers ---------------------------------------------------------------- */

static int parse_str(rt_revfile *rf, const char *text, rt_err *err)
{
	rt_err_clear(err);
	return rt_revfile_parse(rf, "t.sql", text, strlen(text), err);
}

static char *data_dir(void)
{
	const char *src = getenv("RETORT_SOURCE");
	rt_buf b = RT_BUF_INIT;
	if (src && *src) {
		rt_buf_printf(&b, "%s/tests/data/revfiles", src);
	} else {
		/* __FILE__ is tests/unit/test_revfile.c, absolute under CMake */
		char *unit = rt_dirname(__FILE__);
		char *tests = rt_dirname(unit);
		rt_buf_printf(&b, "%s/data/revfiles", tests);
		free(unit);
		free(tests);
	}
	return rt_buf_detach(&b);
}

/* "a\nb" in an .expect file stands for a newline. */
static char *unescape(const char *s)
{
	rt_buf b = RT_BUF_INIT;
	for (; *s; s++) {
		if (*s == '\\' && s[1] == 'n') {
			rt_buf_putc(&b, '\n');
			s++;
		} else if (*s == '\\' && s[1] == '\\') {
			rt_buf_putc(&b, '\\');
			s++;
		} else {
			rt_buf_putc(&b, *s);
		}
	}
	return rt_buf_detach(&b);
}

static char *joined(const rt_strvec *sv)
{
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < sv->len; i++) {
		if (i)
			rt_buf_putc(&b, ',');
		rt_buf_puts(&b, sv->v[i]);
	}
	return rt_buf_detach(&b);
}

/* The value of one field of rf, as the .expect files spell it. */
static char *field(const rt_revfile *rf, const char *name)
{
	rt_buf b = RT_BUF_INIT;
	if (!strcmp(name, "id"))
		rt_buf_puts(&b, rf->id);
	else if (!strcmp(name, "message"))
		rt_buf_puts(&b, rf->message);
	else if (!strcmp(name, "doc"))
		rt_buf_puts(&b, rf->doc);
	else if (!strcmp(name, "create_date"))
		rt_buf_puts(&b, rf->create_date);
	else if (!strcmp(name, "revises"))
		return joined(&rf->revises);
	else if (!strcmp(name, "depends_on"))
		return joined(&rf->depends_on);
	else if (!strcmp(name, "branch_labels"))
		return joined(&rf->branch_labels);
	else if (!strcmp(name, "id_line"))
		rt_buf_printf(&b, "%u", rf->id_line);
	else if (!strcmp(name, "revises_line"))
		rt_buf_printf(&b, "%u", rf->revises_line);
	else if (!strcmp(name, "depends_on_line"))
		rt_buf_printf(&b, "%u", rf->depends_on_line);
	else if (!strcmp(name, "upgrade.sql"))
		rt_buf_puts(&b, rf->upgrade.sql);
	else if (!strcmp(name, "upgrade.line"))
		rt_buf_printf(&b, "%u", rf->upgrade.line);
	else if (!strcmp(name, "upgrade.transactional"))
		rt_buf_printf(&b, "%d", rf->upgrade.transactional);
	else if (!strcmp(name, "downgrade.sql"))
		rt_buf_puts(&b, rf->downgrade.sql);
	else if (!strcmp(name, "downgrade.line"))
		rt_buf_printf(&b, "%u", rf->downgrade.line);
	else if (!strcmp(name, "downgrade.transactional"))
		rt_buf_printf(&b, "%d", rf->downgrade.transactional);
	else
		fail_msg("unknown field '%s' in an .expect file", name);
	return rt_buf_detach(&b);
}

static void check_expect(const rt_revfile *rf, const char *expect_path)
{
	rt_buf text = RT_BUF_INIT;
	assert_int_equal(rt_readfile(&text, expect_path), 0);
	rt_strvec lines = RT_STRVEC_INIT;
	rt_strvec_split(&lines, text.ptr, "\n");
	assert_true(lines.len > 0);
	for (size_t i = 0; i < lines.len; i++) {
		const char *colon = strstr(lines.v[i], ":");
		assert_non_null(colon);
		char *name = rt_xstrndup(lines.v[i], (size_t)(colon - lines.v[i]));
		/* rt_strvec_split trimmed the line: "key:" means an empty value */
		char *want = unescape(colon[1] == ' ' ? colon + 2 : colon + 1);
		char *got = field(rf, name);
		if (strcmp(want, got))
			fail_msg("%s: field %s: want '%s', got '%s'", expect_path, name, want, got);
		free(name);
		free(want);
		free(got);
	}
	rt_strvec_free(&lines);
	rt_buf_free(&text);
}

static size_t run_dir(const char *sub, void (*fn)(const char *sql_path, const char *base))
{
	char *dir = data_dir();
	rt_buf path = RT_BUF_INIT;
	rt_buf_printf(&path, "%s/%s", dir, sub);
	rt_strvec names = RT_STRVEC_INIT;
	assert_int_equal(rt_listdir(&names, path.ptr, ".sql"), 0);
	for (size_t i = 0; i < names.len; i++) {
		rt_buf sql = RT_BUF_INIT, base = RT_BUF_INIT;
		rt_buf_printf(&sql, "%s/%s", path.ptr, names.v[i]);
		rt_buf_put(&base, sql.ptr, sql.len - 4);
		fn(sql.ptr, base.ptr);
		rt_buf_free(&sql);
		rt_buf_free(&base);
	}
	size_t n = names.len;
	rt_strvec_free(&names);
	rt_buf_free(&path);
	free(dir);
	return n;
}

static void good_case(const char *sql_path, const char *base)
{
	rt_buf text = RT_BUF_INIT, expect = RT_BUF_INIT;
	assert_int_equal(rt_readfile(&text, sql_path), 0);
	rt_revfile rf;
	rt_err err = { 0 };
	if (rt_revfile_parse(&rf, sql_path, text.ptr, text.len, &err))
		fail_msg("%s: %s", sql_path, err.msg);
	rt_buf_printf(&expect, "%s.expect", base);
	check_expect(&rf, expect.ptr);
	rt_revfile_free(&rf);
	rt_buf_free(&text);
	rt_buf_free(&expect);
}

static void bad_case(const char *sql_path, const char *base)
{
	rt_buf text = RT_BUF_INIT, errf = RT_BUF_INIT, want = RT_BUF_INIT;
	assert_int_equal(rt_readfile(&text, sql_path), 0);
	rt_buf_printf(&errf, "%s.err", base);
	assert_int_equal(rt_readfile(&want, errf.ptr), 0);
	rt_buf_rtrim(&want);
	rt_revfile rf;
	rt_err err = { 0 };
	int rc = rt_revfile_parse(&rf, sql_path, text.ptr, text.len, &err);
	if (rc != RETORT_EPARSE)
		fail_msg("%s: want RETORT_EPARSE, got %d", sql_path, rc);
	if (!strstr(err.msg, want.ptr))
		fail_msg("%s: want '%s' in '%s'", sql_path, want.ptr, err.msg);
	assert_non_null(strstr(err.msg, sql_path)); /* names the file */
	assert_null(rf.id);                         /* and left nothing behind */
	rt_buf_free(&text);
	rt_buf_free(&errf);
	rt_buf_free(&want);
}

/* --- Data-driven cases ---------------------------------------------------- */

static void test_revfile__good_cases_give_their_fields(void **state)
{
	assert_true(run_dir("good", good_case) >= 5);
}

static void test_revfile__bad_cases_give_their_errors(void **state)
{
	assert_true(run_dir("bad", bad_case) >= 15);
}

/* --- Line endings and sizes ------------------------------------------------ */

static void test_revfile__crlf_is_read_as_lf(void **state)
{
	const char *text = "-- create t\r\n--\r\n-- Revision ID: c1\r\n-- Revises: p1, p2\r\n"
			   "\r\n-- migrate:upgrade transaction:false\r\nCREATE TABLE t (x int);\r\n"
			   "SELECT 'a\rb';\r\n-- migrate:downgrade\r\nDROP TABLE t;\r\n";
	rt_revfile rf;
	rt_err err;
	assert_int_equal(parse_str(&rf, text, &err), 0);
	assert_string_equal(rf.id, "c1");
	assert_string_equal(rf.message, "create t");
	assert_int_equal(rf.revises.len, 2);
	assert_string_equal(rf.revises.v[1], "p2");
	assert_false(rf.upgrade.transactional);
	assert_int_equal(rf.upgrade.line, 7);
	/* CRLF becomes LF; a lone CR inside a literal is kept */
	assert_string_equal(rf.upgrade.sql, "CREATE TABLE t (x int);\nSELECT 'a\rb';\n");
	assert_string_equal(rf.downgrade.sql, "DROP TABLE t;\n");
	assert_null(strchr(rf.doc, '\r'));
	rt_revfile_free(&rf);
}

static void test_revfile__utf8_bom_is_skipped(void **state)
{
	rt_revfile rf;
	rt_err err;
	assert_int_equal(parse_str(&rf, "\xef\xbb\xbf-- m\n-- Revision ID: b0\n"
					"-- migrate:upgrade\n-- migrate:downgrade\n",
				   &err),
			 0);
	assert_string_equal(rf.message, "m");
	rt_revfile_free(&rf);
}

static void test_revfile__message_is_first_paragraph(void **state)
{
	rt_revfile rf;
	rt_err err;
	assert_int_equal(parse_str(&rf, "--\n-- add   users\n--  and roles  \n--\n-- more\n"
					"-- Revision ID: a1\n-- migrate:up\n-- migrate:down\n",
				   &err),
			 0);
	assert_string_equal(rf.message, "add   users and roles");
	assert_string_equal(rf.doc, "add   users\n and roles\n\nmore\nRevision ID: a1");
	rt_revfile_free(&rf);
}

static void test_revfile__no_message_gives_empty_string(void **state)
{
	rt_revfile rf;
	rt_err err;
	assert_int_equal(parse_str(&rf, "-- Revision ID: a1\n-- Some note\n"
					"-- migrate:up\n-- migrate:down\n",
				   &err),
			 0);
	assert_string_equal(rf.message, "");
	assert_string_equal(rf.create_date, "");
	assert_int_equal(rf.revises_line, 0);
	rt_revfile_free(&rf);
}

static void test_revfile__megabyte_header_line(void **state)
{
	size_t big = 1 << 20;
	rt_buf b = RT_BUF_INIT;
	rt_buf_puts(&b, "-- ");
	for (size_t i = 0; i < big; i++)
		rt_buf_putc(&b, (char)('a' + i % 26));
	rt_buf_puts(&b, "\n-- Revision ID: big1\n-- Revises: ");
	for (size_t i = 0; i < big / 8; i++)
		rt_buf_puts(&b, "abcdef, ");
	rt_buf_puts(&b, "\n-- migrate:upgrade\n-- migrate:downgrade\n");
	rt_revfile rf;
	rt_err err;
	/* (its speed is measured in bench/, never asserted in a test) */
	assert_int_equal(rt_revfile_parse(&rf, "big.sql", b.ptr, b.len, &err), 0);
	assert_int_equal(strlen(rf.message), big);
	assert_int_equal(rf.revises.len, big / 8);
	rt_revfile_free(&rf);

	/* and a megabyte id is an error, not a crash, with a bounded message */
	rt_buf_clear(&b);
	rt_buf_puts(&b, "-- Revision ID: ");
	for (size_t i = 0; i < big; i++)
		rt_buf_putc(&b, 'x');
	rt_buf_puts(&b, "\n-- migrate:upgrade\n-- migrate:downgrade\n");
	assert_int_equal(rt_revfile_parse(&rf, "big.sql", b.ptr, b.len, &err), RETORT_EPARSE);
	assert_non_null(strstr(err.msg, "big.sql:1: revision id"));
	assert_non_null(strstr(err.msg, "longer than 32 characters"));
	rt_buf_free(&b);
}

static void test_revfile__ten_thousand_lines(void **state)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_puts(&b, "-- m\n-- Revision ID: long1\n-- migrate:upgrade\n");
	for (int i = 0; i < 5000; i++)
		rt_buf_printf(&b, "INSERT INTO t VALUES (%d);\n", i);
	rt_buf_puts(&b, "-- migrate:downgrade\n");
	for (int i = 0; i < 4996; i++)
		rt_buf_printf(&b, "DELETE FROM t WHERE x = %d;\n", i);
	rt_buf_puts(&b, "-- migrate:sideways\n"); /* line 10,001: reported there */
	rt_revfile rf;
	rt_err err;
	assert_int_equal(rt_revfile_parse(&rf, "l.sql", b.ptr, b.len, &err), RETORT_EPARSE);
	assert_non_null(strstr(err.msg, "l.sql:10001: unknown marker"));
	b.len -= strlen("-- migrate:sideways\n");
	assert_int_equal(rt_revfile_parse(&rf, "l.sql", b.ptr, b.len, &err), 0);
	assert_int_equal(rf.upgrade.line, 4);
	assert_int_equal(rf.downgrade.line, 5005);
	assert_non_null(strstr(rf.upgrade.sql, "VALUES (4999);\n"));
	rt_revfile_free(&rf);
	rt_buf_free(&b);
}

/*
 * Allocations made since the last reset: the test is linked with
 * -Wl,--wrap=malloc,... (CMakeLists.txt), so every allocation the library
 * makes comes through here first.
 */
static unsigned long allocs;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n)
{
	allocs++;
	return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size)
{
	allocs++;
	return __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n)
{
	allocs++;
	return __real_realloc(p, n);
}

/* The allocations of parsing text once. */
static unsigned long allocs_of_parse(const char *text, size_t len)
{
	rt_revfile rf;
	rt_err err;
	unsigned long before = allocs;
	assert_int_equal(rt_revfile_parse(&rf, "v.sql", text, len, &err), 0);
	unsigned long n = allocs - before;
	rt_revfile_free(&rf);
	return n;
}

/*
 * Every command parses every file, so parsing must cost a few allocations
 * a file whatever its size: work bounded by what is counted, not by a
 * clock (speed is make bench's).  A file 1,000 times longer (more
 * statements, a 1,000-line message, 1,000 parents) costs only the few
 * more of buffers that double as they grow: logarithmic, never a line's
 * or a parent's worth each (that would be thousands).
 */
static void test_revfile__parsing_allocates_a_bounded_amount_per_file(void **state)
{
	const char *text = "-- create todos table\n--\n-- Revision ID: 3f2a9c1b7d4e\n"
			   "-- Revises: 1a2b3c4d5e6f\n-- Create Date: 2026-11-21 10:00:00.000000\n"
			   "-- Branch Labels:\n-- Depends On:\n\n-- migrate:upgrade\n"
			   "CREATE TABLE todos (\n    id INTEGER PRIMARY KEY,\n"
			   "    title VARCHAR NOT NULL\n);\n\n-- migrate:downgrade\nDROP TABLE todos;\n";
	unsigned long small = allocs_of_parse(text, strlen(text));
	print_message("one file: %lu allocations\n", small);
	assert_true(small >= 1 && small <= 16);

	rt_buf b = RT_BUF_INIT;
	rt_buf_puts(&b, "-- a message\n");
	for (int i = 0; i < 1000; i++)
		rt_buf_puts(&b, "-- that goes on and on\n");
	rt_buf_puts(&b, "--\n-- Revision ID: 3f2a9c1b7d4e\n-- Revises: ");
	for (int i = 0; i < 1000; i++)
		rt_buf_printf(&b, "%sp%011d", i ? ", " : "", i);
	rt_buf_puts(&b, "\n\n-- migrate:upgrade\n");
	for (int i = 0; i < 1000; i++)
		rt_buf_printf(&b, "INSERT INTO t VALUES (%d);\n", i);
	rt_buf_puts(&b, "-- migrate:downgrade\nDELETE FROM t;\n");
	unsigned long large = allocs_of_parse(b.ptr, b.len);
	print_message("a file 1,000 times as long: %lu allocations\n", large);
	assert_true(large <= small + 40);
	rt_buf_free(&b);
}

static void test_revfile__text_without_nul_terminator(void **state)
{
	/* the parser must stop at len, not at a NUL */
	const char *text = "-- Revision ID: n1\n-- migrate:up\nA\n-- migrate:down\nBXXXX";
	rt_revfile rf;
	rt_err err;
	assert_int_equal(rt_revfile_parse(&rf, "n.sql", text, strlen(text) - 4, &err), 0);
	assert_string_equal(rf.downgrade.sql, "B");
	rt_revfile_free(&rf);
}

/* --- Revision ids ----------------------------------------------------------- */

static void test_revfile__revid_valid(void **state)
{
	rt_err err;
	assert_true(rt_revid_valid("3f2a9c1b7d4e", &err));
	assert_true(rt_revid_valid("a", &err));
	assert_true(rt_revid_valid("0123456789abcdef0123456789abcdef", &err));
	assert_true(rt_revid_valid("caf\xc3\xa9_\xc3\xa9t\xc3\xa9", &err)); /* 9 characters */
	assert_false(rt_revid_valid("", &err));
	assert_false(rt_revid_valid("0123456789abcdef0123456789abcdef0", &err));
	assert_false(rt_revid_valid("a\tb", &err));
	assert_false(rt_revid_valid("a\x01", &err));
	assert_non_null(strstr(err.msg, "control character"));
	const char *bad[] = { "a@b", "a-b", "a+b", "a:b", "a b", "a,b" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_false(rt_revid_valid(bad[i], &err));
}

/* --- Checksums -------------------------------------------------------------- */

static void check_sum(const char *sql, const char *hex)
{
	char *sum = rt_section_checksum(sql);
	assert_non_null(sum);
	assert_memory_equal(sum, "sha256:", 7);
	assert_string_equal(sum + 7, hex);
	free(sum);
}

static void test_revfile__checksum_known_vectors(void **state)
{
	check_sum("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sum("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sum("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_revfile__checksum_normalises_line_endings(void **state)
{
	char *lf = rt_section_checksum("CREATE TABLE t (x int);\nDROP TABLE u;\n");
	char *crlf = rt_section_checksum("CREATE TABLE t (x int);\r\nDROP TABLE u;\r\n");
	char *cr = rt_section_checksum("CREATE TABLE t (x int);\rDROP TABLE u;\r");
	char *other = rt_section_checksum("CREATE TABLE t (x int);\nDROP TABLE v;\n");
	assert_string_equal(lf, crlf);
	assert_string_equal(lf, cr);
	assert_string_not_equal(lf, other);
	/* "a\r\n" is "a\n" and "\r\r\n" is two line ends */
	char *a = rt_section_checksum("\r\r\n"), *b = rt_section_checksum("\n\n");
	assert_string_equal(a, b);
	check_sum("a\r\n", "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7");
	free(lf);
	free(crlf);
	free(cr);
	free(other);
	free(a);
	free(b);
}

/* --- Alembic revision modules (revpy.c) -------------------------------------- */

static int parse_py(rt_revfile *rf, const char *text, rt_err *err)
{
	rt_err_clear(err);
	return rt_revpy_parse(rf, "m.py", text, strlen(text), err);
}

static void test_revpy__alembic_template(void **state)
{
	(void)state;
	rt_revfile rf;
	rt_err err;
	const char *text =
		"\"\"\"add contact\n\nRevision ID: 3c9e8f7a6b03\nRevises: 1a2b, 9f8e\n"
		"Create Date: 2026-11-21 10:00:00.000000\n\n\"\"\"\n"
		"from typing import Sequence, Union\n\nfrom alembic import op\n\n"
		"# revision identifiers, used by Alembic.\n"
		"revision: str = '3c9e8f7a6b03'\n"
		"down_revision: Union[str, Sequence[str], None] = (\n    '1a2b',  # main\n"
		"    \"9f8e\",\n)\n"
		"branch_labels = ('contact',)\ndepends_on = None\n\n\n"
		"def upgrade() -> None:\n    op.execute(\"\"\"\nrevision = 'trap'\n\"\"\")\n"
		"    revision = 'also not'\n";
	assert_int_equal(parse_py(&rf, text, &err), 0);
	assert_true(rf.python);
	assert_string_equal(rf.id, "3c9e8f7a6b03");
	assert_string_equal(rf.message, "add contact");
	assert_string_equal(rf.create_date, "2026-11-21 10:00:00.000000");
	assert_int_equal(rf.revises.len, 2);
	assert_string_equal(rf.revises.v[0], "1a2b");
	assert_string_equal(rf.revises.v[1], "9f8e");
	assert_int_equal(rf.branch_labels.len, 1);
	assert_string_equal(rf.branch_labels.v[0], "contact");
	assert_int_equal(rf.depends_on.len, 0);
	assert_int_equal(rf.id_line, 13);
	assert_string_equal(rf.upgrade.sql, "");
	rt_revfile_free(&rf);
}

static void test_revpy__forms_python_allows(void **state)
{
	(void)state;
	rt_revfile rf;
	rt_err err;
	/* a root, a list, ';' on one line, a string label, r-prefix, concatenation */
	assert_int_equal(parse_py(&rf, "revision = r'ab' 'cd'; down_revision = None\n"
				  "branch_labels = 'solo'\ndepends_on = ['x', 'y']\n", &err), 0);
	assert_string_equal(rf.id, "abcd");
	assert_int_equal(rf.revises.len, 0);
	assert_string_equal(rf.branch_labels.v[0], "solo");
	assert_int_equal(rf.depends_on.len, 2);
	assert_string_equal(rf.message, "");
	rt_revfile_free(&rf);
	/* the last assignment wins, as in Python; one inside a def does not count */
	assert_int_equal(parse_py(&rf, "revision = 'a1'\ndown_revision = None\n"
				  "revision = 'b2'\ndef f():\n    revision = 'c3'\n", &err), 0);
	assert_string_equal(rf.id, "b2");
	rt_revfile_free(&rf);
}

static void test_revpy__refusals_name_the_line(void **state)
{
	(void)state;
	rt_revfile rf;
	rt_err err;
	static const struct { const char *text, *msg; } bad[] = {
		{ "revision = 'a'\ndown_revision = parent()\n",
		  "m.py:2: 'down_revision' is not a literal" },
		{ "revision = 'a'\ndown_revision = ('b', x)\n",
		  "m.py:2: 'down_revision' is not a literal" },
		{ "revision = f'a{x}'\ndown_revision = None\n", "m.py:1: 'revision' is not a literal" },
		{ "down_revision = None\n", "m.py:1: no module-level 'revision" },
		{ "revision = 'a'\n", "m.py:1: no module-level 'down_revision" },
		{ "revision = None\ndown_revision = None\n", "m.py:1: 'revision' must be one string" },
		{ "revision = 'a@b'\ndown_revision = None\n", "m.py:1: " },
		{ "revision = 'a'\ndown_revision = ''\n", "m.py:2: 'down_revision' holds an empty" },
		{ "\"\"\"open\nrevision = 'a'\n", "m.py:1: unterminated string" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse_py(&rf, bad[i].text, &err);
		assert_int_equal(rc, RETORT_EPARSE);
		if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)))
			fail_msg("case %zu: got '%s', want '%s...'", i, err.msg, bad[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_revfile__good_cases_give_their_fields),
		cmocka_unit_test(test_revfile__bad_cases_give_their_errors),
		cmocka_unit_test(test_revfile__crlf_is_read_as_lf),
		cmocka_unit_test(test_revfile__utf8_bom_is_skipped),
		cmocka_unit_test(test_revfile__message_is_first_paragraph),
		cmocka_unit_test(test_revfile__no_message_gives_empty_string),
		cmocka_unit_test(test_revfile__megabyte_header_line),
		cmocka_unit_test(test_revfile__ten_thousand_lines),
		cmocka_unit_test(test_revfile__parsing_allocates_a_bounded_amount_per_file),
		cmocka_unit_test(test_revfile__text_without_nul_terminator),
		cmocka_unit_test(test_revfile__revid_valid),
		cmocka_unit_test(test_revfile__checksum_known_vectors),
		cmocka_unit_test(test_revfile__checksum_normalises_line_endings),
		cmocka_unit_test(test_revpy__alembic_template),
		cmocka_unit_test(test_revpy__forms_python_allows),
		cmocka_unit_test(test_revpy__refusals_name_the_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
