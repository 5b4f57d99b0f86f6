/*
 * test_threads.c: the library in many threads, and cancellation, on SQLite
 * and on PostgreSQL (the server RETORT_TEST_PG_URL names; without it the
 * PostgreSQL half is skipped, saying so).
 *
 * - retort_interrupt() from another thread stops a statement that is
 *   running (a long query on SQLite, pg_sleep on PostgreSQL): the step is
 *   rolled back, the steps before it stay, and the error names the step.
 * - retort_interrupt() stops a wait for the run lock at once.
 * - A progress callback that cancels after a step's SQL ran rolls it back
 *   on both databases.
 * - Eight threads, one handle each, run upgrade, current, check, verify,
 *   downgrade and upgrade again at the same time.  Built with
 *   -fsanitize=thread (scripts/check's TSan run), any data race fails it.
 * - retort_last_error() gives the failure's parts as data.
 *
 * Only the public API is used, and psql to set up and look at PostgreSQL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "retort.h"

#define NTHREADS 8

static const char *pg_url;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* --- Projects -------------------------------------------------------------- */

typedef struct project {
	char dir[64];
	char url[512];
	char ini[128];
	retort *r;
	const char *db; /* "sqlite" or "postgresql" */
} project;

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The output of a shell command, trimmed; "" when it printed nothing. */
static void run_out(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
	assert_int_equal(pclose(p), 0);
}

/* psql on url with one command; its rows unaligned, '|' between columns. */
static void psql(const char *url, const char *sql, char *out, size_t cap)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "psql -X -q -A -t -v ON_ERROR_STOP=1 '%s' -c \"%s\" 2>&1", url,
		 sql);
	run_out(cmd, out, cap);
}

/* pg_url with its database replaced by db. */
static void pg_url_for(char *out, size_t cap, const char *db)
{
	const char *slash = strrchr(pg_url, '/');
	assert_non_null(slash);
	snprintf(out, cap, "%.*s/%s", (int)(slash - pg_url), pg_url, db);
}

static void fresh_pg_database(const char *name)
{
	char sql[256], out[1024];
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	psql(pg_url, sql, out, sizeof(out));
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	psql(pg_url, sql, out, sizeof(out));
}

/*
 * A project in a fresh folder on db ("sqlite", or "postgresql" on a fresh
 * database named dbname), with three revisions; rev2_up replaces the
 * second's upgrade when given.  extra: more ini lines.
 */
static void project_init(project *p, const char *db, const char *dbname, const char *rev2_up,
			 const char *extra)
{
	memset(p, 0, sizeof(*p));
	p->db = db;
	snprintf(p->dir, sizeof(p->dir), "/tmp/rt_threads_XXXXXX");
	assert_non_null(mkdtemp(p->dir));
	if (!strcmp(db, "sqlite")) {
		snprintf(p->url, sizeof(p->url), "sqlite:///%s/app.db", p->dir);
	} else {
		fresh_pg_database(dbname);
		pg_url_for(p->url, sizeof(p->url), dbname);
	}
	char path[256], text[2048];
	snprintf(p->ini, sizeof(p->ini), "%s/retort.ini", p->dir);
	snprintf(text, sizeof(text),
		 "[retort]\nscript_location = %%(here)s/migrations\nurl = %s\n"
		 "model = %%(here)s/schema.sql\n%s",
		 p->url, extra ? extra : "");
	write_text(p->ini, text);
	snprintf(path, sizeof(path), "mkdir -p %s/migrations/versions", p->dir);
	assert_int_equal(system(path), 0);
	const char *ups[3] = { "CREATE TABLE t1 (id INTEGER);", rev2_up ? rev2_up
		: "CREATE TABLE t2 (id INTEGER);", "CREATE TABLE t3 (id INTEGER);" };
	const char *ids[3] = { "aaaa0001", "bbbb0002", "cccc0003" };
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/migrations/versions/%s_rev.sql", p->dir, ids[i]);
		snprintf(text, sizeof(text),
			 "-- step %d\n--\n-- Revision ID: %s\n-- Revises: %s\n"
			 "-- Create Date: 2026-12-08 10:00:00.000000\n\n"
			 "-- migrate:upgrade\n%s\n\n-- migrate:downgrade\nDROP TABLE t%d;\n",
			 i + 1, ids[i], i ? ids[i - 1] : "", ups[i], i + 1);
		write_text(path, text);
	}
	snprintf(path, sizeof(path), "%s/schema.sql", p->dir);
	write_text(path, "CREATE TABLE t1 (id INTEGER);\nCREATE TABLE t2 (id INTEGER);\n"
			 "CREATE TABLE t3 (id INTEGER);\n");
	retort_options o = RETORT_OPTIONS_INIT;
	o.config = p->ini;
	int rc = retort_open(&p->r, &o);
	if (rc)
		fail_msg("retort_open: %s", retort_errmsg(p->r));
}

static void project_free(project *p)
{
	retort_free(p->r);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
	assert_int_equal(system(cmd), 0);
}

/* The version table's rows, ';'-ended, as the database itself reads them. */
static void rows_of(project *p, const char *sql, char *out, size_t cap)
{
	char buf[4096];
	if (!strcmp(p->db, "sqlite")) {
		char cmd[1024];
		/* a busy timeout: a step holding the write lock is no failure to read */
		snprintf(cmd, sizeof(cmd), "sqlite3 -cmd '.timeout 10000' '%s/app.db' \"%s\" 2>&1",
			 p->dir, sql);
		run_out(cmd, buf, sizeof(buf));
	} else {
		psql(p->url, sql, buf, sizeof(buf));
	}
	size_t n = 0;
	out[0] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s;", line);
}

static bool has_table(project *p, const char *name)
{
	char sql[256], out[256];
	if (!strcmp(p->db, "sqlite"))
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%s'", name);
	else
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_tables WHERE tablename = '%s'",
			 name);
	rows_of(p, sql, out, sizeof(out));
	return !strcmp(out, "1;");
}

/* A statement that runs for seconds unless stopped. */
static const char *slow_sql(const char *db)
{
	return !strcmp(db, "sqlite")
		? "CREATE TABLE t2 (id INTEGER);\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
		  "SELECT x + 1 FROM c WHERE x < 40000000) SELECT count(*) FROM c;"
		: "CREATE TABLE t2 (id INTEGER);\nSELECT pg_sleep(6);";
}

#define NEED(db)                                             \
	do {                                                 \
		if (!strcmp((db), "postgresql") && !pg_url)  \
			skip();                              \
	} while (0)

/* --- Interrupting a running statement ------------------------------------- */

typedef struct interrupter {
	retort *r;
	atomic_int in_step_two;
	long after_ms;
} interrupter;

static int note_step_two(void *data, const retort_progress *pr)
{
	interrupter *it = data;
	if (pr->step == 2)
		atomic_store(&it->in_step_two, 1);
	return 0;
}

static void *interrupt_later(void *data)
{
	interrupter *it = data;
	for (int i = 0; i < 2000 && !atomic_load(&it->in_step_two); i++)
		sleep_ms(5);
	sleep_ms(it->after_ms);
	retort_interrupt(it->r);
	return NULL;
}

static void interrupt_running_statement(const char *db)
{
	NEED(db);
	project p;
	project_init(&p, db, "rt_thr_interrupt", slow_sql(db), NULL);
	interrupter it = { p.r, 0, 500 };
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	o.progress = note_step_two;
	o.progress_data = &it;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, interrupt_later, &it), 0);
	int rc = retort_upgrade(p.r, "head", &o);
	pthread_join(th, NULL);
	assert_int_equal(rc, RETORT_EINTERRUPTED);
	const retort_error *e = retort_last_error(p.r);
	assert_int_equal(e->code, RETORT_EINTERRUPTED);
	assert_non_null(e->revision);
	assert_string_equal(e->revision, "bbbb0002");
	assert_non_null(strstr(e->message, "interrupted in step 2 of 3 (bbbb0002), which was "
					   "rolled back; the 1 step before it stays applied "
					   "(aaaa0001)"));
	char rows[256];
	rows_of(&p, "SELECT version_num FROM alembic_version", rows, sizeof(rows));
	assert_string_equal(rows, "aaaa0001;");
	assert_true(has_table(&p, "t1"));
	assert_false(has_table(&p, "t2")); /* made in the step before its slow statement */
	rows_of(&p, "SELECT revision FROM retort_log", rows, sizeof(rows));
	assert_string_equal(rows, "aaaa0001;");
	project_free(&p);
}

static void test_threads__interrupt_stops_a_running_statement_sqlite(void **state)
{
	interrupt_running_statement("sqlite");
}

static void test_threads__interrupt_stops_a_running_statement_postgresql(void **state)
{
	interrupt_running_statement("postgresql");
}

/* --- Interrupting a wait for the run lock ---------------------------------- */

typedef struct holder {
	retort *r;
	int rc;
} holder;

static void *upgrade_thread(void *data)
{
	holder *h = data;
	h->rc = retort_upgrade(h->r, "head", NULL);
	return NULL;
}

static void interrupt_lock_wait(const char *db)
{
	NEED(db);
	/* a holds the run lock through its slow step; b waits for it */
	project a;
	project_init(&a, db, "rt_thr_lockwait", !strcmp(db, "sqlite") ? slow_sql(db)
		: "CREATE TABLE t2 (id INTEGER);\nSELECT pg_sleep(3);", "lock_timeout = 60\n");
	retort *b = NULL;
	retort_options o = RETORT_OPTIONS_INIT;
	o.config = a.ini;
	assert_int_equal(retort_open(&b, &o), 0);
	holder h = { a.r, 0 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, upgrade_thread, &h), 0);
	/* wait until a is in its slow step, then b waits for the lock */
	char rows[256] = "";
	for (int i = 0; i < 1000 && strcmp(rows, "aaaa0001;"); i++) {
		sleep_ms(10);
		if (has_table(&a, "alembic_version"))
			rows_of(&a, "SELECT version_num FROM alembic_version", rows, sizeof(rows));
	}
	assert_string_equal(rows, "aaaa0001;");
	interrupter it = { b, 1, 300 };
	pthread_t ti;
	assert_int_equal(pthread_create(&ti, NULL, interrupt_later, &it), 0);
	int rc = retort_upgrade(b, "head", NULL);
	pthread_join(ti, NULL);
	assert_int_equal(rc, RETORT_EINTERRUPTED);
	assert_non_null(strstr(retort_errmsg(b), "interrupted while waiting for the migration lock"));
	retort_interrupt(a.r); /* a need not sleep on: its own step is rolled back */
	pthread_join(th, NULL);
	assert_int_equal(h.rc, RETORT_EINTERRUPTED);
	retort_free(b);
	project_free(&a);
}

static void test_threads__interrupt_stops_a_lock_wait_sqlite(void **state)
{
	interrupt_lock_wait("sqlite");
}

static void test_threads__interrupt_stops_a_lock_wait_postgresql(void **state)
{
	interrupt_lock_wait("postgresql");
}

/* --- The progress callback's cancel ---------------------------------------- */

/* Cancel at the second call for step 2: after its SQL ran, before its commit. */
static int cancel_in_step_two(void *data, const retort_progress *pr)
{
	int *calls = data;
	return pr->step == 2 && ++*calls == 2;
}

static void progress_cancels(const char *db)
{
	NEED(db);
	project p;
	project_init(&p, db, "rt_thr_progress", NULL, NULL);
	int calls = 0;
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	o.progress = cancel_in_step_two;
	o.progress_data = &calls;
	assert_int_equal(retort_upgrade(p.r, "head", &o), RETORT_EINTERRUPTED);
	assert_int_equal(calls, 2);
	char rows[256];
	rows_of(&p, "SELECT version_num FROM alembic_version", rows, sizeof(rows));
	assert_string_equal(rows, "aaaa0001;");
	assert_false(has_table(&p, "t2"));
	/* the next call is not interrupted by this one's cancel */
	assert_int_equal(retort_upgrade(p.r, "head", NULL), 0);
	rows_of(&p, "SELECT version_num FROM alembic_version", rows, sizeof(rows));
	assert_string_equal(rows, "cccc0003;");
	project_free(&p);
}

static void test_threads__progress_callback_cancels_sqlite(void **state)
{
	progress_cancels("sqlite");
}

static void test_threads__progress_callback_cancels_postgresql(void **state)
{
	progress_cancels("postgresql");
}

/* --- Eight threads, one handle each ---------------------------------------- */

typedef struct worker {
	project p;
	int failed_at;    /* 0: every call as expected */
	char why[512];
} worker;

static int expect_call(worker *w, int n, int rc, int want)
{
	if (rc == want || w->failed_at)
		return rc != want;
	w->failed_at = n;
	snprintf(w->why, sizeof(w->why), "call %d returned %d, not %d: %s", n, rc, want,
		 retort_errmsg(w->p.r));
	return 1;
}

static void *work(void *data)
{
	worker *w = data;
	retort *r = w->p.r;
	char **rows = NULL;
	size_t n = 0;
	if (expect_call(w, 1, retort_upgrade(r, "head", NULL), 0))
		return NULL;
	if (!expect_call(w, 2, retort_current(r, &rows, &n), 0)) {
		expect_call(w, 3, n == 1 && !strcmp(rows[0], "cccc0003") ? 0 : -1, 0);
		retort_strings_free(rows);
	}
	retort_diff_result *d = NULL;
	if (!expect_call(w, 4, retort_diff(r, RETORT_DIFF_AT_HEAD, &d), 0)) {
		expect_call(w, 5, d->nops == 0 ? 0 : -1, 0);
		retort_diff_free(d);
	}
	expect_call(w, 6, retort_verify(r), 0);
	expect_call(w, 7, retort_downgrade(r, "base", NULL), 0);
	if (!expect_call(w, 8, retort_current(r, &rows, &n), 0)) {
		expect_call(w, 9, n == 0 ? 0 : -1, 0);
		retort_strings_free(rows);
	}
	expect_call(w, 10, retort_upgrade(r, "head", NULL), 0);
	return NULL;
}

static void eight_threads(const char *db)
{
	NEED(db);
	worker *w = calloc(NTHREADS, sizeof(*w));
	pthread_t th[NTHREADS];
	assert_non_null(w);
	for (int i = 0; i < NTHREADS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "rt_thr_w%d", i);
		project_init(&w[i].p, db, name, NULL, NULL);
	}
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NTHREADS; i++) {
		if (w[i].failed_at)
			fail_msg("thread %d: %s", i, w[i].why);
		char rows[256];
		rows_of(&w[i].p, "SELECT version_num FROM alembic_version", rows, sizeof(rows));
		assert_string_equal(rows, "cccc0003;");
		/* each step recorded once per run: up, down, up */
		rows_of(&w[i].p, "SELECT count(*) FROM retort_log", rows, sizeof(rows));
		assert_string_equal(rows, "9;");
		project_free(&w[i].p);
	}
	free(w);
}

static void test_threads__eight_handles_in_eight_threads_sqlite(void **state)
{
	eight_threads("sqlite");
}

static void test_threads__eight_handles_in_eight_threads_postgresql(void **state)
{
	eight_threads("postgresql");
}

/* --- Errors as data ---------------------------------------------------------- */

static void test_threads__last_error_names_file_line_revision_and_sqlstate(void **state)
{
	const char *dbs[2] = { "sqlite", "postgresql" };
	for (int k = 0; k < 2; k++) {
		if (k == 1 && !pg_url)
			continue;
		project p;
		project_init(&p, dbs[k], "rt_thr_errors", "CREATE TABLE t2 (id INTEGER);\n"
			     "INSERT INTO nowhere VALUES (1);", NULL);
		assert_int_equal(retort_upgrade(p.r, "head", NULL), RETORT_EDB);
		const retort_error *e = retort_last_error(p.r);
		assert_int_equal(e->code, RETORT_EDB);
		assert_non_null(e->file);
		assert_non_null(strstr(e->file, "bbbb0002_rev.sql"));
		assert_int_equal(e->line, 9); /* the INSERT's line in the file */
		assert_non_null(e->revision);
		assert_string_equal(e->revision, "bbbb0002");
		if (k == 1) {
			assert_non_null(e->sqlstate);
			assert_string_equal(e->sqlstate, "42P01"); /* undefined_table */
		}
		assert_int_equal(strncmp(e->message, e->file, strlen(e->file)), 0);
		/* a call that succeeds clears it */
		char **rows = NULL;
		size_t n = 0;
		assert_int_equal(retort_current(p.r, &rows, &n), 0);
		retort_strings_free(rows);
		assert_int_equal(retort_last_error(p.r)->code, 0);
		assert_null(retort_last_error(p.r)->file);
		project_free(&p);
	}
}

int main(void)
{
	pg_url = getenv("RETORT_TEST_PG_URL");
	if (pg_url && !*pg_url)
		pg_url = NULL;
	if (!pg_url)
		fprintf(stderr, "test_threads: RETORT_TEST_PG_URL is not set: the PostgreSQL "
				"tests are skipped\n");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads__interrupt_stops_a_running_statement_sqlite),
		cmocka_unit_test(test_threads__interrupt_stops_a_running_statement_postgresql),
		cmocka_unit_test(test_threads__interrupt_stops_a_lock_wait_sqlite),
		cmocka_unit_test(test_threads__interrupt_stops_a_lock_wait_postgresql),
		cmocka_unit_test(test_threads__progress_callback_cancels_sqlite),
		cmocka_unit_test(test_threads__progress_callback_cancels_postgresql),
		cmocka_unit_test(test_threads__eight_handles_in_eight_threads_sqlite),
		cmocka_unit_test(test_threads__eight_handles_in_eight_threads_postgresql),
		cmocka_unit_test(test_threads__last_error_names_file_line_revision_and_sqlstate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
