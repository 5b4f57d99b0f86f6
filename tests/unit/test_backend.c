/*
 * test_backend.c: a backend registered by a program (rt_backend_register)
 * is one the core runs through its table alone.  The fake here answers
 * the URL scheme fake:// with SQLite's table and a driver that counts
 * every call before handing it to SQLite's: a whole upgrade and downgrade
 * run through it, and the step protocol makes the same calls for every
 * step (the direct sink: one BEGIN, one guard query, the section, the
 * bookkeeping, one check query and one COMMIT a step).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "retort.h"

extern const rt_backend rt_sqlite_backend;
extern const retort_driver rt_sqlite_driver;

typedef struct counts {
	int connect, exec, query, begin, commit, rollback;
} counts;

static counts calls;

static retort_driver fake_driver;

static int fake_connect(retort_conn **out, const retort_conninfo *ci, retort_dberror *e)
{
	calls.connect++;
	int rc = rt_sqlite_driver.connect(out, ci, e);
	if (!rc)
		(*out)->driver = &fake_driver; /* the core calls back through the fake */
	return rc;
}

static int fake_exec(retort_conn *c, const char *sql, retort_dberror *e)
{
	calls.exec++;
	return rt_sqlite_driver.exec(c, sql, e);
}

static int fake_query(retort_conn *c, const char *sql, retort_row_fn fn, void *data,
		      retort_dberror *e)
{
	calls.query++;
	return rt_sqlite_driver.query(c, sql, fn, data, e);
}

static int fake_begin(retort_conn *c, retort_dberror *e)
{
	calls.begin++;
	return rt_sqlite_driver.begin(c, e);
}

static int fake_commit(retort_conn *c, retort_dberror *e)
{
	calls.commit++;
	return rt_sqlite_driver.commit(c, e);
}

static int fake_rollback(retort_conn *c, retort_dberror *e)
{
	calls.rollback++;
	return rt_sqlite_driver.rollback(c, e);
}

static rt_backend fake;
static const char *const fake_schemes[] = { "fake", NULL };

static void make_fake(void)
{
	fake_driver = rt_sqlite_driver;
	fake_driver.name = "fake";
	fake_driver.connect = fake_connect;
	fake_driver.exec = fake_exec;
	fake_driver.query = fake_query;
	fake_driver.begin = fake_begin;
	fake_driver.commit = fake_commit;
	fake_driver.rollback = fake_rollback;
	fake = rt_sqlite_backend;
	fake.name = "fake";
	fake.schemes = fake_schemes;
	fake.db_env = NULL;
	fake.driver = &fake_driver;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_backend__a_registered_backend_runs_every_step_through_its_table(void **state)
{
	char dir[] = "/tmp/rt_backend_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], text[1024];
	snprintf(path, sizeof(path), "%s/retort.ini", dir);
	snprintf(text, sizeof(text),
		 "[retort]\nscript_location = %%(here)s/m\nurl = fake:///%s/app.db\n", dir);
	write_text(path, text);
	snprintf(text, sizeof(text), "mkdir -p %s/m/versions", dir);
	assert_int_equal(system(text), 0);
	for (int i = 1; i <= 4; i++) {
		char id[16], parent[16] = "";
		snprintf(id, sizeof(id), "f%011d", i);
		if (i > 1)
			snprintf(parent, sizeof(parent), "f%011d", i - 1);
		snprintf(path, sizeof(path), "%s/m/versions/%s_s.sql", dir, id);
		snprintf(text, sizeof(text),
			 "-- step\n--\n-- Revision ID: %s\n-- Revises: %s\n\n-- migrate:upgrade\n"
			 "CREATE TABLE t%d (x INTEGER);\n\n-- migrate:downgrade\nDROP TABLE t%d;\n",
			 id, parent, i, i);
		write_text(path, text);
	}
	retort *r = NULL;
	retort_options o = RETORT_OPTIONS_INIT;
	snprintf(path, sizeof(path), "%s/retort.ini", dir);
	o.config = path;
	assert_int_equal(retort_open(&r, &o), 0);
	/* the first run makes the tables; the next two differ by one step */
	assert_int_equal(retort_upgrade(r, "f00000000001", NULL), 0);
	assert_int_equal(calls.connect, 1);
	counts a = calls;
	assert_int_equal(retort_upgrade(r, "f00000000002", NULL), 0); /* one step */
	counts b = calls;
	assert_int_equal(retort_upgrade(r, "head", NULL), 0);          /* two steps */
	counts c = calls;
	/* what one step costs, the run's own fixed cost taken away: the direct
	   sink's one transaction, one guard query (with the lock) and one check
	   query, and the section, the version row and the log row */
	assert_int_equal((c.begin - b.begin) - (b.begin - a.begin), 1);
	assert_int_equal((c.commit - b.commit) - (b.commit - a.commit), 1);
	assert_int_equal((c.query - b.query) - (b.query - a.query), 2);
	assert_int_equal((c.exec - b.exec) - (b.exec - a.exec), 3);
	assert_int_equal(calls.rollback, 0);
	char **rows = NULL;
	size_t n = 0;
	assert_int_equal(retort_current(r, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0], "f00000000004");
	retort_strings_free(rows);
	assert_int_equal(retort_downgrade(r, "base", NULL), 0);
	assert_int_equal(retort_current(r, &rows, &n), 0);
	assert_int_equal(n, 0);
	retort_strings_free(rows);
	retort_free(r);
	snprintf(text, sizeof(text), "rm -rf '%s'", dir);
	assert_int_equal(system(text), 0);
}

static void test_backend__lookups_find_the_registered_one(void **state)
{
	assert_ptr_equal(rt_backend_for_scheme("FAKE", 4), &fake);
	assert_ptr_equal(rt_backend_named("fake"), &fake);
	assert_ptr_equal(rt_backend_named("sqlite"), &rt_sqlite_backend);
	assert_null(rt_backend_named("nosuch"));
}

/* The lexers the core asks: each database's comments, and only its own. */
static void test_backend__each_backend_lexes_its_own_comments(void **state)
{
	const char *nested = "/* a /* b */ c */ SELECT";
	size_t n = strlen(nested);
	assert_string_equal(nested + rt_sql_skip_trivia(nested, 0, n, RT_LEX_NESTED), "SELECT");
	assert_string_equal(nested + rt_sql_skip_trivia(nested, 0, n, 0), "c */ SELECT");
	const char *hash = "# note\n--x\nSELECT";
	n = strlen(hash);
	assert_string_equal(hash + rt_sql_skip_trivia(hash, 0, n, 0), "# note\n--x\nSELECT");
	assert_string_equal(hash + rt_sql_skip_trivia(hash, 0, n, RT_LEX_HASH | RT_LEX_DASH_SPACE),
			    "--x\nSELECT"); /* MySQL: "--x" is no comment */
	const char *exec = "/*!40101 SET x=1 */";
	assert_int_equal(rt_sql_skip_trivia(exec, 0, strlen(exec), RT_LEX_EXEC_COMMENTS), 0);
	assert_int_equal(rt_sql_skip_trivia(exec, 0, strlen(exec), 0), strlen(exec));
	const char *m = "/*Much ado */ X";
	assert_string_equal(m + rt_sql_skip_trivia(m, 0, strlen(m), RT_LEX_EXEC_COMMENTS), "X");
	assert_true(rt_backend_blank(rt_backend_named("postgresql"), "-- a\n/* b /* c */ */\n"));
	assert_false(rt_backend_blank(rt_backend_named("sqlite"), "/* b /* c */ */\n"));
	assert_true(rt_backend_blank(rt_backend_named("mysql"), "# only a comment\n"));
}

int main(void)
{
	make_fake();
	if (rt_backend_register(&fake) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backend__a_registered_backend_runs_every_step_through_its_table),
		cmocka_unit_test(test_backend__lookups_find_the_registered_one),
		cmocka_unit_test(test_backend__each_backend_lexes_its_own_comments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
