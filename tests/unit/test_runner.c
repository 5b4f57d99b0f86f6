/*
 * test_runner.c: upgrade, downgrade, stamp and offline output through the
 * public API, on a project written into a fresh temporary folder, with the
 * database checked through sqlite3 directly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "retort.h"
#include "util/buf.h"
#include "util/fs.h"

/* --- A project in a temporary folder --------------------------------------- */

typedef struct project {
	char dir[64];
	rt_buf ini, db, versions;
	rt_buf log;    /* every INFO line, '\n'-terminated */
	rt_buf sql;    /* offline output */
	retort *r;
	void (*on_progress)(struct project *p, const retort_progress *pr);
	int progress_calls;
} project;

static void write_file(const char *dir, const char *name, const char *text)
{
	rt_buf path = RT_BUF_INIT;
	rt_path_join(&path, dir, name);
	FILE *f = fopen(path.ptr, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	rt_buf_free(&path);
}

/* A revision file: id, parent ("" for a root), message, both sections. */
static void write_rev(project *p, const char *id, const char *parent, const char *msg,
		      const char *up, const char *down)
{
	rt_buf text = RT_BUF_INIT, name = RT_BUF_INIT;
	rt_buf_printf(&text,
		      "-- %s\n--\n-- Revision ID: %s\n-- Revises: %s\n"
		      "-- Create Date: 2026-11-21 10:00:00.000000\n\n"
		      "-- migrate:upgrade\n%s\n-- migrate:downgrade\n%s\n",
		      msg, id, parent, up, down);
	rt_buf_printf(&name, "%s_rev.sql", id);
	write_file(p->versions.ptr, name.ptr, text.ptr);
	rt_buf_free(&text);
	rt_buf_free(&name);
}

static void on_log(void *data, retort_level level, const char *msg, const retort_progress *pr)
{
	project *p = data;
	if (level == RETORT_LOG_INFO)
		rt_buf_printf(&p->log, "%s\n", msg);
	if (level == RETORT_LOG_PROGRESS) {
		assert_non_null(pr);
		p->progress_calls++;
		if (p->on_progress)
			p->on_progress(p, pr);
	}
}

static void on_sql(void *data, const char *sql)
{
	rt_buf_puts(&((project *)data)->sql, sql);
}

static void project_init(project *p, const char *extra_ini)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->dir, sizeof(p->dir), "/tmp/rt_runner_XXXXXX");
	assert_non_null(mkdtemp(p->dir));
	rt_buf_init(&p->ini);
	rt_buf_init(&p->db);
	rt_buf_init(&p->versions);
	rt_buf_init(&p->log);
	rt_buf_init(&p->sql);
	rt_path_join(&p->ini, p->dir, "retort.ini");
	rt_path_join(&p->db, p->dir, "app.db");
	rt_path_join(&p->versions, p->dir, "migrations/versions");
	assert_int_equal(rt_mkdir_p(p->versions.ptr), 0);
	rt_buf text = RT_BUF_INIT;
	rt_buf_printf(&text,
		      "[retort]\nscript_location = %%(here)s/migrations\n"
		      "url = sqlite:///%s\n%s",
		      p->db.ptr, extra_ini ? extra_ini : "");
	write_file(p->dir, "retort.ini", text.ptr);
	rt_buf_free(&text);
}

/* Open (or reopen) the handle, so it reads the files written so far. */
static void project_open(project *p)
{
	retort_free(p->r);
	retort_options o = RETORT_OPTIONS_INIT;
	o.config = p->ini.ptr;
	o.log = on_log;
	o.log_data = p;
	int rc = retort_open(&p->r, &o);
	if (rc)
		fail_msg("retort_open: %s", retort_errmsg(p->r));
}

static void project_free(project *p)
{
	retort_free(p->r);
	rt_buf cmd = RT_BUF_INIT;
	rt_buf_printf(&cmd, "rm -rf '%s'", p->dir);
	assert_int_equal(system(cmd.ptr), 0);
	rt_buf_free(&cmd);
	rt_buf_free(&p->ini);
	rt_buf_free(&p->db);
	rt_buf_free(&p->versions);
	rt_buf_free(&p->log);
	rt_buf_free(&p->sql);
}

static void three_revs(project *p)
{
	write_rev(p, "aaaa0001", "", "first one", "CREATE TABLE t1 (id INTEGER);",
		  "DROP TABLE t1;");
	write_rev(p, "bbbb0002", "aaaa0001", "second", "CREATE TABLE t2 (id INTEGER);",
		  "DROP TABLE t2;");
	write_rev(p, "cccc0003", "bbbb0002", "third", "CREATE TABLE t3 (id INTEGER);",
		  "DROP TABLE t3;");
}

/* --- Looking at the database directly --------------------------------------- */

static sqlite3 *db_open(project *p)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(p->db.ptr, &db), SQLITE_OK);
	return db;
}

static int db_exec(project *p, const char *sql)
{
	sqlite3 *db = db_open(p);
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static int append_row(void *data, int n, char **vals, char **cols)
{
	rt_buf *b = data;
	for (int i = 0; i < n; i++)
		rt_buf_printf(b, "%s%s", i ? "|" : "", vals[i] ? vals[i] : "NULL");
	rt_buf_putc(b, ';');
	return 0;
}

/* The rows of a query as "a|b;c|d;" (static buffer, valid until next call). */
static const char *db_rows(project *p, const char *sql)
{
	static rt_buf out = RT_BUF_INIT;
	rt_buf_clear(&out);
	sqlite3 *db = db_open(p);
	char *err = NULL;
	if (sqlite3_exec(db, sql, append_row, &out, &err) != SQLITE_OK)
		rt_buf_printf(&out, "ERROR: %s", err);
	sqlite3_free(err);
	sqlite3_close(db);
	return out.ptr;
}

static int table_exists(project *p, const char *name)
{
	rt_buf sql = RT_BUF_INIT;
	rt_buf_puts(&sql, "SELECT name FROM sqlite_master WHERE type='table' AND name=");
	rt_buf_put_sqlstr(&sql, name);
	int yes = db_rows(p, sql.ptr)[0] != '\0';
	rt_buf_free(&sql);
	return yes;
}

#define EXPECT_OK(call)                                                      \
	do {                                                                 \
		int rc_ = (call);                                            \
		if (rc_)                                                     \
			fail_msg("%s: %d %s", #call, rc_, retort_errmsg(p.r)); \
	} while (0)

/* --- Tests --------------------------------------------------------------------- */

static void test_runner__upgrade_head_applies_each_revision_once(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	EXPECT_OK(retort_upgrade(p.r, "head", NULL));
	assert_string_equal(db_rows(&p, "SELECT version_num FROM alembic_version"), "cccc0003;");
	assert_true(table_exists(&p, "t1") && table_exists(&p, "t2") && table_exists(&p, "t3"));
	assert_string_equal(db_rows(&p, "SELECT revision, operation, substr(checksum, 1, 7), "
					 "downgrade_sql, retort_version, tag IS NULL "
					 "FROM retort_log ORDER BY id"),
			    "aaaa0001|upgrade|sha256:|DROP TABLE t1;\n|" RETORT_VERSION "|1;"
			    "bbbb0002|upgrade|sha256:|DROP TABLE t2;\n|" RETORT_VERSION "|1;"
			    "cccc0003|upgrade|sha256:|DROP TABLE t3;\n|" RETORT_VERSION "|1;");
	/* a second run has nothing to do */
	EXPECT_OK(retort_upgrade(p.r, "head", NULL));
	assert_string_equal(db_rows(&p, "SELECT count(*) FROM retort_log"), "3;");
	project_free(&p);
}

static void test_runner__log_lines_use_alembic_wording(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	EXPECT_OK(retort_upgrade(p.r, "bbbb0002", NULL));
	assert_int_equal(p.progress_calls, 2);
	assert_non_null(strstr(p.log.ptr, "Running upgrade  -> aaaa0001, first one ("));
	assert_non_null(strstr(p.log.ptr, "Running upgrade aaaa0001 -> bbbb0002, second ("));
	rt_buf_clear(&p.log);
	EXPECT_OK(retort_downgrade(p.r, "-1", NULL));
	assert_non_null(strstr(p.log.ptr, "Running downgrade bbbb0002 -> aaaa0001, second ("));
	assert_string_equal(db_rows(&p, "SELECT version_num FROM alembic_version"), "aaaa0001;");
	project_free(&p);
}

static void test_runner__downgrade_base_empties_the_version_table(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	EXPECT_OK(retort_upgrade(p.r, "head", NULL));
	EXPECT_OK(retort_downgrade(p.r, "base", NULL));
	assert_string_equal(db_rows(&p, "SELECT count(*) FROM alembic_version"), "0;");
	assert_false(table_exists(&p, "t1") || table_exists(&p, "t2") || table_exists(&p, "t3"));
	assert_string_equal(db_rows(&p, "SELECT revision, downgrade_sql IS NULL FROM retort_log "
					 "WHERE operation = 'downgrade' ORDER BY id"),
			    "cccc0003|1;bbbb0002|1;aaaa0001|1;");
	project_free(&p);
}

static void test_runner__version_table_ddl_is_alembics_byte_for_byte(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	EXPECT_OK(retort_upgrade(p.r, "aaaa0001", NULL));
	/* what SQLAlchemy leaves in sqlite_master when Alembic creates it */
	assert_string_equal(db_rows(&p, "SELECT sql FROM sqlite_master WHERE name = 'alembic_version'"),
			    "CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n"
			    "\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);");
	project_free(&p);
}

static void test_runner__failing_statement_names_file_and_line(void **state)
{
	project p;
	project_init(&p, NULL);
	write_rev(&p, "aaaa0001", "", "first one", "CREATE TABLE t1 (id INTEGER);",
		  "DROP TABLE t1;");
	/* upgrade section starts on line 8; the bad statement is its 4th line */
	write_rev(&p, "bbbb0002", "aaaa0001", "second",
		  "CREATE TABLE t2 (id INTEGER);\nINSERT INTO t2 VALUES (1);\n\n"
		  "-- a comment before it\nINSERT INTO nope VALUES (1);",
		  "DROP TABLE t2;");
	project_open(&p);
	int rc = retort_upgrade(p.r, "head", NULL);
	assert_int_equal(rc, RETORT_EDB);
	rt_buf want = RT_BUF_INIT;
	rt_buf_printf(&want, "%s/bbbb0002_rev.sql:12: no such table: nope", p.versions.ptr);
	assert_string_equal(retort_errmsg(p.r), want.ptr);
	rt_buf_free(&want);
	/* the step before stays committed; the failed one left nothing */
	assert_string_equal(db_rows(&p, "SELECT version_num FROM alembic_version"), "aaaa0001;");
	assert_true(table_exists(&p, "t1"));
	assert_false(table_exists(&p, "t2"));
	assert_string_equal(db_rows(&p, "SELECT group_concat(revision) FROM retort_log"), "aaaa0001;");
	project_free(&p);
}

static void test_runner__one_transaction_rolls_back_every_step(void **state)
{
	project p;
	project_init(&p, "transaction_per_migration = false\n");
	write_rev(&p, "aaaa0001", "", "first one", "CREATE TABLE t1 (id INTEGER);",
		  "DROP TABLE t1;");
	write_rev(&p, "bbbb0002", "aaaa0001", "second", "CREATE TABLE t1 (id INTEGER);", "");
	project_open(&p);
	assert_int_equal(retort_upgrade(p.r, "head", NULL), RETORT_EDB);
	assert_non_null(strstr(retort_errmsg(p.r), "bbbb0002_rev.sql:8: table t1 already exists"));
	assert_string_equal(db_rows(&p, "SELECT count(*) FROM alembic_version"), "0;");
	assert_false(table_exists(&p, "t1"));
	project_free(&p);
}

static void test_runner__transaction_false_needs_per_migration_transactions(void **state)
{
	project p;
	project_init(&p, "transaction_per_migration = false\n");
	rt_buf text = RT_BUF_INIT;
	rt_buf_puts(&text, "-- x\n-- Revision ID: aaaa0001\n-- Revises:\n\n"
			   "-- migrate:upgrade transaction:false\nCREATE TABLE t1 (id INTEGER);\n"
			   "-- migrate:downgrade\nDROP TABLE t1;\n");
	write_file(p.versions.ptr, "a.sql", text.ptr);
	rt_buf_free(&text);
	project_open(&p);
	assert_int_equal(retort_upgrade(p.r, "head", NULL), RETORT_EUSAGE);
	assert_non_null(strstr(retort_errmsg(p.r), "a.sql:"));
	assert_false(table_exists(&p, "t1"));
	project_free(&p);
}

static void test_runner__transaction_false_section_runs(void **state)
{
	project p;
	project_init(&p, NULL);
	rt_buf text = RT_BUF_INIT;
	rt_buf_puts(&text, "-- x\n-- Revision ID: aaaa0001\n-- Revises:\n\n"
			   "-- migrate:upgrade transaction:false\nCREATE TABLE t1 (id INTEGER);\n"
			   "CREATE TABLE t2 (id INTEGER);\n"
			   "-- migrate:downgrade\nDROP TABLE t1;\n");
	write_file(p.versions.ptr, "a.sql", text.ptr);
	rt_buf_free(&text);
	project_open(&p);
	EXPECT_OK(retort_upgrade(p.r, "head", NULL));
	assert_true(table_exists(&p, "t1") && table_exists(&p, "t2"));
	assert_string_equal(db_rows(&p, "SELECT version_num FROM alembic_version"), "aaaa0001;");
	project_free(&p);
}

static void test_runner__hostile_version_table_name_is_quoted(void **state)
{
	project p;
	project_init(&p, "version_table = v\"; DROP TABLE keep; --\n");
	three_revs(&p);
	assert_int_equal(db_exec(&p, "CREATE TABLE keep (id INTEGER)"), SQLITE_OK);
	project_open(&p);
	EXPECT_OK(retort_upgrade(p.r, "head", NULL));
	assert_true(table_exists(&p, "keep"));
	assert_true(table_exists(&p, "v\"; DROP TABLE keep; --"));
	assert_string_equal(db_rows(&p, "SELECT version_num FROM \"v\"\"; DROP TABLE keep; --\""),
			    "cccc0003;");
	EXPECT_OK(retort_downgrade(p.r, "base", NULL));
	assert_true(table_exists(&p, "keep"));
	project_free(&p);
}

static void test_runner__reading_commands_create_nothing(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	char **rows = NULL;
	size_t n = 99;
	/* no database file: an error, and still no file */
	assert_int_equal(retort_current(p.r, &rows, &n), RETORT_ECONNECT);
	assert_non_null(strstr(retort_errmsg(p.r), "does not exist"));
	assert_false(rt_isfile(p.db.ptr));
	FILE *f = fopen(p.db.ptr, "w"); /* an empty database */
	assert_non_null(f);
	fclose(f);
	EXPECT_OK(retort_current(p.r, &rows, &n));
	assert_int_equal(n, 0);
	retort_strings_free(rows);
	const retort_rev **revs = NULL;
	EXPECT_OK(retort_pending(p.r, "head", &revs, &n));
	assert_int_equal(n, 3);
	assert_string_equal(revs[0]->id, "aaaa0001");
	assert_string_equal(revs[2]->id, "cccc0003");
	retort_revs_free(revs);
	assert_false(table_exists(&p, "alembic_version"));
	assert_false(table_exists(&p, "retort_log"));
	project_free(&p);
}

static void test_runner__current_and_resolve_read_the_database(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	EXPECT_OK(retort_upgrade(p.r, "+1", NULL));
	char **rows = NULL;
	size_t n = 0;
	EXPECT_OK(retort_current(p.r, &rows, &n));
	assert_int_equal(n, 1);
	assert_string_equal(rows[0], "aaaa0001");
	retort_strings_free(rows);
	const retort_rev **revs = NULL;
	EXPECT_OK(retort_resolve(p.r, "current", &revs, &n));
	assert_int_equal(n, 1);
	assert_string_equal(revs[0]->id, "aaaa0001");
	assert_true(revs[0]->flags & RETORT_REV_CURRENT);
	retort_revs_free(revs);
	EXPECT_OK(retort_resolve(p.r, "+1", &revs, &n));
	assert_int_equal(n, 1);
	assert_string_equal(revs[0]->id, "bbbb0002");
	retort_revs_free(revs);
	const retort_rev **all = NULL;
	EXPECT_OK(retort_revisions(p.r, &all, &n));
	assert_int_equal(n, 3);
	assert_string_equal(all[0]->id, "cccc0003"); /* newest first */
	retort_revs_free(all);
	project_free(&p);
}

static void test_runner__unknown_row_is_refused_until_stamp_purge(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	assert_int_equal(retort_ensure_version(p.r, NULL), 0);
	assert_int_equal(db_exec(&p, "INSERT INTO alembic_version VALUES ('zzzz9999')"), SQLITE_OK);
	assert_int_equal(retort_upgrade(p.r, "head", NULL), RETORT_ENOTFOUND);
	assert_non_null(strstr(retort_errmsg(p.r), "can't locate revision identified by 'zzzz9999'"));
	const char *heads[] = { "heads" };
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	assert_int_equal(retort_stamp(p.r, heads, 1, &o), RETORT_ENOTFOUND);
	o.purge = 1;
	EXPECT_OK(retort_stamp(p.r, heads, 1, &o));
	assert_string_equal(db_rows(&p, "SELECT version_num FROM alembic_version"), "cccc0003;");
	assert_string_equal(db_rows(&p, "SELECT revision, operation, checksum IS NULL FROM retort_log"),
			    "cccc0003|stamp|1;");
	assert_false(table_exists(&p, "t1")); /* stamp runs no SQL */
	project_free(&p);
}

/* Cancel at the second call for step 2: after its SQL ran, before its commit. */
static int cancel_in_step_two(void *data, const retort_progress *pr)
{
	int *calls = data;
	return pr->step == 2 && ++*calls == 2;
}

static void test_runner__progress_callback_cancels_and_rolls_the_step_back(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	int calls = 0;
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	o.progress = cancel_in_step_two;
	o.progress_data = &calls;
	assert_int_equal(retort_upgrade(p.r, "head", &o), RETORT_EINTERRUPTED);
	assert_non_null(strstr(retort_errmsg(p.r), "interrupted in step 2 of 3 (bbbb0002), which was rolled back; "
						  "the 1 step before it stays applied"));
	assert_string_equal(db_rows(&p, "SELECT version_num FROM alembic_version"), "aaaa0001;");
	assert_true(table_exists(&p, "t1"));
	assert_false(table_exists(&p, "t2"));
	/* the next call is not interrupted by this one's cancel */
	EXPECT_OK(retort_upgrade(p.r, "head", NULL));
	assert_string_equal(db_rows(&p, "SELECT version_num FROM alembic_version"), "cccc0003;");
	project_free(&p);
}

/* retort_run_options as version 1 of retort.h had it */
typedef struct run_options_v1 {
	unsigned version;
	retort_sql_fn sql;
	void *sql_data;
	const char *tag;
	int purge;
	int no_validate;
	int (*progress)(void *data, const retort_progress *p);
	void *progress_data;
} run_options_v1;

/*
 * A program built against an older retort.h passes a smaller struct: the
 * library reads only its version's fields (on the heap, so ASan would see
 * a read past it) and takes the rest as their defaults.
 */
static void test_runner__a_version_1_options_struct_still_works(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	run_options_v1 *o1 = calloc(1, sizeof(*o1));
	assert_non_null(o1);
	o1->version = 1;
	o1->tag = "built-against-v1";
	EXPECT_OK(retort_upgrade(p.r, "head", (const retort_run_options *)(void *)o1));
	free(o1);
	assert_string_equal(db_rows(&p, "SELECT DISTINCT tag FROM retort_log"), "built-against-v1;");
	retort_run_options o;
	assert_int_equal(retort_run_options_init(&o, 1), 0);
	assert_int_equal(o.version, 1);
	assert_int_equal(retort_run_options_init(&o, RETORT_RUN_OPTIONS_VERSION + 1), RETORT_EUSAGE);
	assert_int_equal(retort_run_options_init(&o, RETORT_RUN_OPTIONS_VERSION), 0);
	assert_true(o.lock_timeout <= 0);
	o.version = RETORT_RUN_OPTIONS_VERSION + 1;
	assert_int_equal(retort_downgrade(p.r, "base", &o), RETORT_EUSAGE);
	assert_non_null(strstr(retort_errmsg(p.r), "takes 1 to 2"));
	retort_lint_options lo;
	assert_int_equal(retort_lint_options_init(&lo, 1), 0);
	retort_options oo;
	assert_int_equal(retort_options_init(&oo, 0), RETORT_EUSAGE);
	project_free(&p);
}

/* verify and drift hand their problems back as data, not only as log lines. */
static void test_runner__verify_and_drift_report_problems_as_data(void **state)
{
	project p;
	project_init(&p, NULL);
	write_rev(&p, "aaaa0001", "", "first", "CREATE TABLE t1 (id INTEGER);", "DROP TABLE t1;");
	write_rev(&p, "bbbb0002", "aaaa0001", "leaky", "CREATE TABLE t2 (id INTEGER);\n"
		  "CREATE TABLE t2b (id INTEGER);", "DROP TABLE t2;");
	project_open(&p);
	retort_validation *v = NULL;
	assert_int_equal(retort_verify_report(p.r, NULL, &v), 0);
	assert_non_null(v);
	assert_int_equal(v->n, 1);
	assert_string_equal(v->items[0].problem, "downgrade");
	assert_string_equal(v->items[0].revision, "bbbb0002");
	assert_non_null(strstr(v->items[0].path, "bbbb0002_rev.sql"));
	assert_non_null(strstr(v->items[0].message, "t2b"));
	retort_validation_free(v);
	assert_int_equal(retort_verify(p.r), RETORT_EDIFF); /* the old call still fails */
	EXPECT_OK(retort_upgrade(p.r, "head", NULL));
	assert_int_equal(retort_drift_report(p.r, &v), 0);
	assert_int_equal(v->n, 0);
	retort_validation_free(v);
	assert_int_equal(db_exec(&p, "CREATE TABLE by_hand (x INTEGER)"), SQLITE_OK);
	assert_int_equal(retort_drift_report(p.r, &v), 0);
	assert_int_equal(v->n, 1);
	assert_string_equal(v->items[0].problem, "drift");
	assert_non_null(strstr(v->items[0].message, "by_hand"));
	retort_validation_free(v);
	project_free(&p);
}

static void test_runner__options_of_another_version_are_refused(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	retort_options oo = RETORT_OPTIONS_INIT;
	oo.config = p.ini.ptr;
	oo.version = 99;
	retort *r = NULL;
	assert_int_equal(retort_open(&r, &oo), RETORT_EUSAGE);
	assert_non_null(strstr(retort_errmsg(r), "retort_options.version is 99"));
	retort_free(r);
	project_open(&p);
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	o.version = 0;
	assert_int_equal(retort_upgrade(p.r, "head", &o), RETORT_EUSAGE);
	assert_non_null(strstr(retort_errmsg(p.r), "retort_run_options.version is 0"));
	assert_false(table_exists(&p, "t1"));
	retort_lint_options lo = RETORT_LINT_OPTIONS_INIT;
	retort_lint_result *l = NULL;
	lo.version = 2;
	assert_int_equal(retort_lint(p.r, &lo, &l), RETORT_EUSAGE);
	retort_revision_options ro = RETORT_REVISION_OPTIONS_INIT;
	ro.version = 7;
	assert_int_equal(retort_revision(p.r, &ro, NULL), RETORT_EUSAGE);
	project_free(&p);
}

static void test_runner__every_call_clears_the_last_error(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	const retort_rev **revs = NULL;
	size_t n;
	assert_int_equal(retort_resolve(p.r, "nosuch", &revs, &n), RETORT_ENOTFOUND);
	assert_string_not_equal(retort_errmsg(p.r), "");
	EXPECT_OK(retort_heads(p.r, 0, &revs, &n));
	assert_string_equal(retort_errmsg(p.r), "");
	retort_revs_free(revs);
	assert_int_equal(retort_resolve(p.r, "nosuch", &revs, &n), RETORT_ENOTFOUND);
	EXPECT_OK(retort_revisions(p.r, &revs, &n));
	assert_string_equal(retort_errmsg(p.r), "");
	retort_revs_free(revs);
	project_free(&p);
}

static void test_runner__stamp_moves_the_row(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	const char *first[] = { "aaaa0001" }, *base[] = { "base" };
	EXPECT_OK(retort_stamp(p.r, first, 1, NULL));
	assert_string_equal(db_rows(&p, "SELECT version_num FROM alembic_version"), "aaaa0001;");
	EXPECT_OK(retort_upgrade(p.r, "head", NULL));
	assert_false(table_exists(&p, "t1"));
	assert_true(table_exists(&p, "t2") && table_exists(&p, "t3"));
	EXPECT_OK(retort_stamp(p.r, base, 1, NULL));
	assert_string_equal(db_rows(&p, "SELECT count(*) FROM alembic_version"), "0;");
	project_free(&p);
}

/*
 * A writer that takes no run lock (another tool, a hand edit) applies
 * everything while the runner is about to start its first step.
 */
static void race_ahead(project *p, const retort_progress *pr)
{
	if (pr->step != 1 || p->progress_calls != 1)
		return;
	assert_int_equal(db_exec(p, "CREATE TABLE t1 (id INTEGER); CREATE TABLE t2 (id INTEGER); "
				    "CREATE TABLE t3 (id INTEGER); "
				    "INSERT INTO alembic_version VALUES ('cccc0003')"),
			 SQLITE_OK);
}

static void test_runner__a_writer_without_the_lock_makes_the_runner_replan(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	p.on_progress = race_ahead;
	/* CREATE TABLE t1 twice would fail: the runner must re-read and re-plan */
	EXPECT_OK(retort_upgrade(p.r, "head", NULL));
	assert_string_equal(db_rows(&p, "SELECT version_num FROM alembic_version"), "cccc0003;");
	assert_string_equal(db_rows(&p, "SELECT count(*) FROM retort_log"), "0;");
	project_free(&p);
}

/* A second runner, in the middle of the first one's run. */
static int alongside_runs;

static void run_alongside(project *p, const retort_progress *pr)
{
	if (pr->step != 2 || p->progress_calls != 2)
		return;
	rt_buf text = RT_BUF_INIT;
	rt_buf_printf(&text,
		      "[retort]\nscript_location = %%(here)s/migrations\n"
		      "url = sqlite:///%s\nlock_timeout = 200ms\n",
		      p->db.ptr);
	write_file(p->dir, "other.ini", text.ptr);
	rt_buf_clear(&text);
	rt_path_join(&text, p->dir, "other.ini");
	retort *other = NULL;
	retort_options o = RETORT_OPTIONS_INIT;
	o.config = text.ptr;
	assert_int_equal(retort_open(&other, &o), 0);
	assert_int_equal(retort_upgrade(other, "head", NULL), RETORT_ELOCK);
	rt_buf want = RT_BUF_INIT;
	rt_buf_printf(&want,
		      "could not take the migration lock on '%s-retort.lock' within 0.2 s; "
		      "held by another retort run (pid %ld)",
		      p->db.ptr, (long)getpid());
	assert_string_equal(retort_errmsg(other), want.ptr);
	retort_free(other);
	rt_buf_free(&want);
	rt_buf_free(&text);
	alongside_runs++;
}

static void test_runner__a_second_runner_waits_for_the_lock_and_names_its_holder(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	p.on_progress = run_alongside;
	alongside_runs = 0;
	EXPECT_OK(retort_upgrade(p.r, "head", NULL));
	assert_int_equal(alongside_runs, 1);
	assert_string_equal(db_rows(&p, "SELECT count(*) FROM retort_log"), "3;");
	/* the lock was given back: a run after this one takes it at once */
	EXPECT_OK(retort_stamp(p.r, (const char *[]){ "base" }, 1, NULL));
	assert_string_equal(db_rows(&p, "SELECT count(*) FROM alembic_version"), "0;");
	project_free(&p);
}

static void test_runner__offline_upgrade_is_alembics_layout(void **state)
{
	project p;
	project_init(&p, NULL);
	write_rev(&p, "aaaa0001", "", "first one", "CREATE TABLE t1 (id INTEGER);\n\n",
		  "DROP TABLE t1;");
	write_rev(&p, "bbbb0002", "aaaa0001", "second", "CREATE TABLE t2 (id INTEGER);",
		  "DROP TABLE t2;");
	project_open(&p);
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	o.sql = on_sql;
	o.sql_data = &p;
	EXPECT_OK(retort_upgrade(p.r, "aaaa0001:head", &o));
	const char *s = p.sql.ptr;
	assert_string_equal(p.log.ptr, "Running upgrade aaaa0001 -> bbbb0002, second\n");
	/* where only Alembic has run, retort_log is missing: made if so */
	const char *log_ddl = "BEGIN;\n\nCREATE TABLE IF NOT EXISTS retort_log (\n";
	assert_memory_equal(s, log_ddl, strlen(log_ddl));
	s = strstr(s, "COMMIT;\n\n");
	assert_non_null(s);
	s += strlen("COMMIT;\n\n");
	const char *want_start = "-- Running upgrade aaaa0001 -> bbbb0002\n\n"
				 "BEGIN;\n\n"
				 "CREATE TABLE t2 (id INTEGER);\n\n"
				 "UPDATE alembic_version SET version_num='bbbb0002' WHERE "
				 "alembic_version.version_num = 'aaaa0001';\n\n"
				 "INSERT INTO retort_log (";
	assert_memory_equal(s, want_start, strlen(want_start));
	assert_non_null(strstr(s, "'bbbb0002', 'upgrade', 'sha256:"));
	size_t len = strlen(s);
	assert_true(len > 11);
	assert_string_equal(s + len - 11, "\n\nCOMMIT;\n\n");
	assert_false(table_exists(&p, "alembic_version")); /* nothing was touched */

	rt_buf_clear(&p.sql);
	EXPECT_OK(retort_upgrade(p.r, "head", &o));
	const char *create = "BEGIN;\n\nCREATE TABLE alembic_version (\n"
			     "    version_num VARCHAR(32) NOT NULL, \n"
			     "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n"
			     "CREATE TABLE IF NOT EXISTS retort_log (";
	assert_memory_equal(p.sql.ptr, create, strlen(create));
	assert_non_null(strstr(p.sql.ptr, "-- Running upgrade  -> aaaa0001\n\nBEGIN;\n\n"
					  "CREATE TABLE t1 (id INTEGER);\n\n"
					  "INSERT INTO alembic_version (version_num) VALUES ('aaaa0001');\n\n"));
	assert_false(rt_isfile(p.db.ptr) && table_exists(&p, "alembic_version"));
	project_free(&p);
}

static void test_runner__offline_downgrade_requires_a_range(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	o.sql = on_sql;
	o.sql_data = &p;
	assert_int_equal(retort_downgrade(p.r, "base", &o), RETORT_EUSAGE);
	assert_string_equal(retort_errmsg(p.r), "downgrade with --sql requires <fromrev>:<torev>");
	EXPECT_OK(retort_downgrade(p.r, "bbbb0002:base", &o));
	assert_non_null(strstr(p.sql.ptr, "-- Running downgrade bbbb0002 -> aaaa0001\n\nBEGIN;\n\n"
					  "DROP TABLE t2;\n\nUPDATE alembic_version SET "
					  "version_num='aaaa0001' WHERE alembic_version.version_num = "
					  "'bbbb0002';\n\n"));
	assert_non_null(strstr(p.sql.ptr, "DELETE FROM alembic_version WHERE "
					  "alembic_version.version_num = 'aaaa0001';\n\n"));
	assert_null(strstr(p.sql.ptr, "t3"));
	project_free(&p);
}

static void test_runner__online_range_is_refused(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	project_open(&p);
	assert_int_equal(retort_upgrade(p.r, "aaaa0001:head", NULL), RETORT_EUSAGE);
	assert_non_null(strstr(retort_errmsg(p.r), "range revision not allowed"));
	project_free(&p);
}

static void test_runner__xarg_bare_key_is_empty(void **state)
{
	project p;
	project_init(&p, NULL);
	const char *x[] = { "a=1", "flag", "b=x=y" };
	retort_options o = RETORT_OPTIONS_INIT;
	o.config = p.ini.ptr;
	o.xargs = x;
	o.nxargs = 3;
	assert_int_equal(retort_open(&p.r, &o), 0);
	assert_string_equal(retort_xarg(p.r, "a"), "1");
	assert_string_equal(retort_xarg(p.r, "flag"), "");
	assert_string_equal(retort_xarg(p.r, "b"), "x=y");
	assert_null(retort_xarg(p.r, "c"));
	assert_string_equal(retort_config_path(p.r), p.ini.ptr);
	project_free(&p);
}

static void test_runner__missing_version_location_names_it(void **state)
{
	project p;
	project_init(&p, "version_locations = %(here)s/nowhere\n");
	project_open(&p);
	const retort_rev **revs = NULL;
	size_t n = 0;
	assert_int_equal(retort_heads(p.r, 0, &revs, &n), RETORT_ECONFIG);
	assert_non_null(strstr(retort_errmsg(p.r), "nowhere"));
	assert_non_null(strstr(retort_errmsg(p.r), "retort.ini"));
	project_free(&p);
}

/* Without a reachable server (or without the driver) offline output still works. */
static void test_runner__postgresql_offline_needs_no_server(void **state)
{
	project p;
	project_init(&p, NULL);
	three_revs(&p);
	retort_options o = RETORT_OPTIONS_INIT;
	o.config = p.ini.ptr;
	o.url = "postgresql://u:secretpw@127.0.0.1:1/db";
	assert_int_equal(retort_open(&p.r, &o), 0);
	int rc = retort_upgrade(p.r, "head", NULL);
#ifdef RETORT_WITH_POSTGRES
	assert_int_equal(rc, RETORT_ECONNECT);
	assert_non_null(strstr(retort_errmsg(p.r), "cannot connect to postgresql://u:***@127.0.0.1:1/db"));
#else
	assert_int_equal(rc, RETORT_EUNSUPPORTED);
	assert_string_equal(retort_errmsg(p.r), "no driver for 'postgresql' in this build");
#endif
	assert_null(strstr(retort_errmsg(p.r), "secretpw"));
	assert_string_equal(retort_url_redacted(p.r), "postgresql://u:***@127.0.0.1:1/db");
	retort_run_options ro = RETORT_RUN_OPTIONS_INIT;
	ro.sql = on_sql;
	ro.sql_data = &p;
	EXPECT_OK(retort_upgrade(p.r, "head", &ro));
	assert_non_null(strstr(p.sql.ptr, "BIGSERIAL PRIMARY KEY"));
	assert_non_null(strstr(p.sql.ptr, "UPDATE alembic_version SET version_num='cccc0003'"));
	project_free(&p);
}

/*
 * Fail the Nth database call of a run, for every N until a run succeeds:
 * whatever step the failure hits, the database holds exactly the steps
 * before it, each with its table, its row and its log entry.
 */
static void test_runner__a_fault_at_any_call_leaves_whole_steps(void **state)
{
#ifndef RETORT_FAULT_INJECTION
	skip();
#else
	static const char *const tables[] = { "t1", "t2", "t3" };
	static const char *const rows[] = { "0;", "aaaa0001;", "bbbb0002;", "cccc0003;" };
	for (unsigned n = 1;; n++) {
		project p;
		project_init(&p, NULL);
		three_revs(&p);
		project_open(&p);
		char at[32];
		snprintf(at, sizeof(at), "%lu", rt_db_calls(p.r) + n);
		setenv("RETORT_FAULT_AT", at, 1);
		int rc = retort_upgrade(p.r, "head", NULL);
		unsetenv("RETORT_FAULT_AT");
		int done = 0;
		for (int i = 0; i < 3; i++)
			done += table_exists(&p, tables[i]);
		if (table_exists(&p, "alembic_version")) {
			const char *got = db_rows(&p, done ? "SELECT version_num FROM alembic_version"
							   : "SELECT count(*) FROM alembic_version");
			assert_string_equal(got, rows[done]);
		} else {
			assert_int_equal(done, 0);
		}
		if (table_exists(&p, "retort_log")) {
			char want[16];
			snprintf(want, sizeof(want), "%d;", done);
			assert_string_equal(db_rows(&p, "SELECT count(*) FROM retort_log"), want);
		}
		if (!rc) {
			assert_int_equal(done, 3);
			project_free(&p);
			assert_true(n > 10); /* the run made many calls, each one tried */
			break;
		}
		assert_non_null(strstr(retort_errmsg(p.r), "injected fault"));
		/* and a clean run afterwards finishes the job */
		EXPECT_OK(retort_upgrade(p.r, "head", NULL));
		assert_string_equal(db_rows(&p, "SELECT version_num FROM alembic_version"), "cccc0003;");
		project_free(&p);
	}
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runner__upgrade_head_applies_each_revision_once),
		cmocka_unit_test(test_runner__log_lines_use_alembic_wording),
		cmocka_unit_test(test_runner__downgrade_base_empties_the_version_table),
		cmocka_unit_test(test_runner__version_table_ddl_is_alembics_byte_for_byte),
		cmocka_unit_test(test_runner__failing_statement_names_file_and_line),
		cmocka_unit_test(test_runner__one_transaction_rolls_back_every_step),
		cmocka_unit_test(test_runner__transaction_false_needs_per_migration_transactions),
		cmocka_unit_test(test_runner__transaction_false_section_runs),
		cmocka_unit_test(test_runner__hostile_version_table_name_is_quoted),
		cmocka_unit_test(test_runner__reading_commands_create_nothing),
		cmocka_unit_test(test_runner__current_and_resolve_read_the_database),
		cmocka_unit_test(test_runner__unknown_row_is_refused_until_stamp_purge),
		cmocka_unit_test(test_runner__stamp_moves_the_row),
		cmocka_unit_test(test_runner__a_writer_without_the_lock_makes_the_runner_replan),
		cmocka_unit_test(test_runner__a_second_runner_waits_for_the_lock_and_names_its_holder),
		cmocka_unit_test(test_runner__offline_upgrade_is_alembics_layout),
		cmocka_unit_test(test_runner__offline_downgrade_requires_a_range),
		cmocka_unit_test(test_runner__online_range_is_refused),
		cmocka_unit_test(test_runner__progress_callback_cancels_and_rolls_the_step_back),
		cmocka_unit_test(test_runner__options_of_another_version_are_refused),
		cmocka_unit_test(test_runner__verify_and_drift_report_problems_as_data),
		cmocka_unit_test(test_runner__a_version_1_options_struct_still_works),
		cmocka_unit_test(test_runner__every_call_clears_the_last_error),
		cmocka_unit_test(test_runner__xarg_bare_key_is_empty),
		cmocka_unit_test(test_runner__missing_version_location_names_it),
		cmocka_unit_test(test_runner__postgresql_offline_needs_no_server),
		cmocka_unit_test(test_runner__a_fault_at_any_call_leaves_whole_steps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
