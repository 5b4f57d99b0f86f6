/*
 * runner_sql.c: the statements the core adds to a migration, and how they
 * are sent (runner.h).
 */
#include "runner.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

char *rt_run_applied_by(void)
{
	/* getpwuid_r: getpwuid's static result is any thread's */
	struct passwd pwd, *pw = NULL;
	char buf[4096];
	if (getpwuid_r(geteuid(), &pwd, buf, sizeof(buf), &pw) != 0)
		pw = NULL;
	const char *user = pw && pw->pw_name ? pw->pw_name : getenv("USER");
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "%s@%s", user ? user : "unknown", host[0] ? host : "localhost");
	return rt_buf_detach(&b);
}

static void utc_now(rt_buf *out)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	rt_buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		      ts.tv_nsec / 1000);
}

/* --- The statements ------------------------------------------------------- */

static void put_name(run *u, rt_buf *b, const char *name)
{
	if (rt_plain_ident(name))
		rt_buf_puts(b, name);
	else
		u->r->backend->ident(b, name);
}

/*
 * Alembic's DDL, byte for byte: online SQLAlchemy indents with a tab, the
 * offline script with four spaces.
 */
static void ddl_version_table(run *u, rt_buf *b, const char *ind)
{
	rt_buf pkc = RT_BUF_INIT;
	rt_buf_printf(&pkc, "%s_pkc", u->r->cfg.version_table);
	rt_buf_printf(b, "CREATE TABLE %s (\n%sversion_num VARCHAR(32) NOT NULL, \n%sCONSTRAINT ",
		      u->table.ptr, ind, ind);
	put_name(u, b, pkc.ptr);
	rt_buf_puts(b, " PRIMARY KEY (version_num)\n)");
	rt_buf_free(&pkc);
}

static void ddl_log_table(run *u, rt_buf *b, const char *ind)
{
	const rt_backend *d = u->r->backend;
	rt_buf_printf(b,
		      "CREATE TABLE IF NOT EXISTS %s (\n"
		      "%sid %s, \n"
		      "%srevision VARCHAR(32) NOT NULL, \n"
		      "%soperation VARCHAR(16) NOT NULL, \n"
		      "%schecksum VARCHAR(80), \n"
		      "%sdowngrade_sql %s, \n"
		      "%sapplied_at %s NOT NULL, \n"
		      "%sduration_ms INTEGER NOT NULL, \n"
		      "%sapplied_by VARCHAR(255) NOT NULL, \n"
		      "%sretort_version VARCHAR(32) NOT NULL, \n"
		      "%stag VARCHAR(255), \n"
		      "%s" LOG_HEADER " %s, \n"
		      "%s" LOG_PROGRESS " %s, \n"
		      "%s" LOG_ROW_SUM " VARCHAR(80)\n"
		      ")",
		      u->logtable.ptr, ind, d->log_id_type, ind, ind, ind, ind, d->text_type, ind,
		      d->time_type, ind, ind, ind, ind, ind, d->text_type, ind, d->text_type, ind);
}

static void put_lit(run *u, rt_buf *b, const char *s)
{
	if (s)
		u->r->backend->literal(b, s);
	else
		rt_buf_puts(b, "NULL");
}

/* A version table change, exactly as Alembic writes it. */
void rt_run_sql_row_op(run *u, rt_buf *b, const rt_row_op *op)
{
	const char *t = u->table.ptr;
	switch (op->kind) {
	case RT_ROW_INSERT:
		rt_buf_printf(b, "INSERT INTO %s (version_num) VALUES (", t);
		put_lit(u, b, op->to);
		rt_buf_putc(b, ')');
		if (u->offline && u->r->backend->version_insert_returning)
			rt_buf_printf(b, " RETURNING %s.version_num", t);
		break;
	case RT_ROW_UPDATE:
		rt_buf_printf(b, "UPDATE %s SET version_num=", t);
		put_lit(u, b, op->to);
		rt_buf_printf(b, " WHERE %s.version_num = ", t);
		put_lit(u, b, op->from);
		break;
	case RT_ROW_DELETE:
		rt_buf_printf(b, "DELETE FROM %s WHERE %s.version_num = ", t, t);
		put_lit(u, b, op->from);
		break;
	}
}


char *rt_run_file_header(const rt_revfile *rf)
{
	rt_buf b = RT_BUF_INIT;
	rt_revfile_header(&b, rf);
	rt_buf_printf(&b, "\n-- migrate:upgrade\n\n-- migrate:downgrade%s\n",
		      rf->downgrade.transactional ? "" : " transaction:false");
	return rt_buf_detach(&b);
}

void rt_run_sql_log_insert(run *u, rt_buf *b, const log_entry *e)
{
	rt_buf at = RT_BUF_INIT;
	utc_now(&at);
	rt_buf_printf(b,
		      "INSERT INTO %s (revision, operation, checksum, downgrade_sql, applied_at, "
		      "duration_ms, applied_by, retort_version, tag%s) VALUES (",
		      u->logtable.ptr, u->offline ? "" : ", " LOG_HEADER ", " LOG_ROW_SUM);
	put_lit(u, b, e->revision);
	rt_buf_puts(b, ", ");
	put_lit(u, b, e->operation);
	rt_buf_puts(b, ", ");
	put_lit(u, b, e->checksum);
	rt_buf_puts(b, ", ");
	put_lit(u, b, e->downgrade_sql);
	rt_buf_puts(b, ", ");
	const rt_backend *d = u->r->backend;
	if (u->offline && d->offline_now_sql)
		rt_buf_puts(b, d->offline_now_sql);
	else
		put_lit(u, b, at.ptr);
	if (e->duration_sql)
		rt_buf_printf(b, ", %s, ", e->duration_sql);
	else
		rt_buf_printf(b, ", %ld, ", e->duration_ms);
	if (u->offline && d->offline_user_sql)
		rt_buf_puts(b, d->offline_user_sql);
	else
		put_lit(u, b, u->applied_by);
	rt_buf_puts(b, ", ");
	put_lit(u, b, RETORT_VERSION);
	rt_buf_puts(b, ", ");
	put_lit(u, b, u->o->tag);
	/* an offline script may run where retort_log lacks the columns */
	if (!u->offline) {
		rt_buf_puts(b, ", ");
		put_lit(u, b, e->file_header);
		rt_buf_puts(b, ", ");
		char *sum = e->file_header ? rt_run_row_sum(e->revision, e->file_header,
							   e->downgrade_sql)
					   : NULL;
		put_lit(u, b, sum);
		free(sum);
	}
	rt_buf_putc(b, ')');
	rt_buf_free(&at);
}

void rt_run_sql_journal_insert(run *u, rt_buf *b, const char *rev, const char *direction,
			       const char *checksum, const char *progress)
{
	rt_buf at = RT_BUF_INIT;
	utc_now(&at);
	rt_buf_printf(b, "INSERT INTO %s (revision, operation, checksum, applied_at, duration_ms, "
		      "applied_by, retort_version, tag, " LOG_PROGRESS ") VALUES (", u->logtable.ptr);
	put_lit(u, b, rev);
	rt_buf_puts(b, ", 'partial', ");
	put_lit(u, b, checksum);
	rt_buf_puts(b, ", ");
	put_lit(u, b, at.ptr);
	rt_buf_puts(b, ", 0, ");
	put_lit(u, b, u->applied_by);
	rt_buf_puts(b, ", ");
	put_lit(u, b, RETORT_VERSION);
	rt_buf_puts(b, ", ");
	put_lit(u, b, direction);
	rt_buf_puts(b, ", ");
	put_lit(u, b, progress);
	rt_buf_putc(b, ')');
	rt_buf_free(&at);
}

/* --- Sending statements ---------------------------------------------------- */

/* Offline: a chunk of the script, as Alembic lays it out. */
void rt_run_out_text(run *u, const char *text)
{
	u->o->sql(u->o->sql_data, text);
}

static void out_stmt(run *u, const char *sql)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "%s;\n\n", sql);
	rt_run_out_text(u, b.ptr);
	rt_buf_free(&b);
}

/* A line of the script, then a blank one. */
static void out_line(run *u, const char *line)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "%s\n\n", line);
	rt_run_out_text(u, b.ptr);
	rt_buf_free(&b);
}

/* SQL at -v, without the blank lines a section ends with. */
void rt_run_debug_sql(run *u, const char *sql)
{
	size_t n = strlen(sql);
	while (n && strchr(" \t\r\n", sql[n - 1]))
		n--;
	rt_log(u->r, RETORT_LOG_DEBUG, "%.*s", (int)n, sql);
}

/* One statement the core wrote itself: sent online, printed offline. */
int rt_run_send(run *u, const char *sql)
{
	if (u->offline) {
		out_stmt(u, sql);
		return 0;
	}
	rt_run_debug_sql(u, sql);
	return rt_db_exec(u->r, sql, NULL);
}

int rt_run_begin(run *u)
{
	if (u->offline) {
		if (u->r->backend->transactional_ddl)
			out_line(u, u->r->backend->begin_sql);
		return 0;
	}
	rt_log(u->r, RETORT_LOG_DEBUG, "BEGIN");
	return rt_db_begin(u->r);
}

int rt_run_commit(run *u)
{
	if (u->offline) {
		if (u->r->backend->transactional_ddl)
			out_line(u, u->r->backend->commit_sql);
		return 0;
	}
	rt_log(u->r, RETORT_LOG_DEBUG, "COMMIT");
	int rc = rt_db_commit(u->r);
	if (rc) /* a failed COMMIT may leave the transaction open: end it */
		rt_db_rollback(u->r);
	return rc;
}

void rt_run_rollback(run *u)
{
	if (!u->offline) {
		rt_log(u->r, RETORT_LOG_DEBUG, "ROLLBACK");
		rt_db_rollback(u->r);
	}
}

/* --- The tables ------------------------------------------------------------ */

const char *rt_run_schema(run *u)
{
	const char *s = u->located ? u->target.schema : u->r->cfg.version_table_schema;
	return s && *s ? s : NULL;
}

static void put_qualified(run *u, rt_buf *b, const char *schema, const char *name)
{
	if (schema && *schema) {
		put_name(u, b, schema);
		rt_buf_putc(b, '.');
	}
	put_name(u, b, name);
}

int rt_run_locate(run *u)
{
	retort *r = u->r;
	const char *schema = r->cfg.version_table_schema;
	int rc = rt_db_locate(r, schema && *schema ? schema : NULL, r->cfg.version_table,
			      &u->target);
	if (rc)
		return rc;
	u->located = true;
	rt_buf_clear(&u->table);
	rt_buf_clear(&u->logtable);
	put_qualified(u, &u->table, u->target.schema, r->cfg.version_table);
	put_qualified(u, &u->logtable, u->target.schema, "retort_log");
	rt_buf_clear(&u->lockkey);
	rt_buf_printf(&u->lockkey, "retort:%s:%s:%s", u->target.database, u->target.schema,
		      r->cfg.version_table);
	return 0;
}

#define ROW_MARK "retort:row"

void rt_run_sql_rows(run *u, rt_buf *b)
{
	rt_buf_printf(b, "SELECT '" ROW_MARK "', version_num FROM %s", u->table.ptr);
}

int rt_run_collect_rows(void *data, int ncols, const char *const *values)
{
	if (ncols == 2 && values[0] && !strcmp(values[0], ROW_MARK) && values[1])
		rt_strvec_push(data, values[1]);
	return 0;
}

/*
 * Offline, for a range that starts at a revision: retort_log may not exist
 * yet where the script runs (a database only Alembic has run), so the
 * script creates it if missing.
 */
void rt_run_offline_log_table(run *u)
{
	rt_buf sql = RT_BUF_INIT;
	rt_run_begin(u);
	ddl_log_table(u, &sql, "    ");
	rt_run_send(u, sql.ptr);
	rt_run_commit(u);
	rt_buf_free(&sql);
}

/*
 * The end of an offline script that leaves no version row: Alembic drops
 * its version table there (outside any step's transaction), so that the
 * script from base and the one back to it are each other's inverse.
 * retort_log stays: it is the history.
 */
void rt_run_offline_drop_version_table(run *u)
{
	rt_buf sql = RT_BUF_INIT;
	rt_buf_printf(&sql, "DROP TABLE %s", u->table.ptr);
	rt_run_send(u, sql.ptr);
	rt_buf_free(&sql);
}

/*
 * Create the version table and retort_log where missing, in a transaction
 * of their own (check, then create: SQLite's BEGIN IMMEDIATE makes the
 * check and the create one unit against another runner).
 */
static int ensure_once(run *u, bool with_log);

/*
 * Two first runs that do not share a run lock (different version tables)
 * may race to create retort_log: even with IF NOT EXISTS, the loser may
 * fail although the table is there a moment later (PostgreSQL: on a unique
 * index of its catalog, or on the row type or a column made a moment
 * before its own check saw them).  On those errors only (the backend's
 * create_race_sqlstates), try again (then it exists).
 */
static bool lost_create_race(const retort *r)
{
	char tag[32];
	for (const char *const *st = r->backend->create_race_sqlstates; st && *st; st++) {
		snprintf(tag, sizeof(tag), "(SQLSTATE %s)", *st);
		if (strstr(r->err.msg, tag))
			return true;
	}
	return false;
}

int rt_run_ensure_tables(run *u, bool with_log)
{
	int rc = ensure_once(u, with_log);
	for (int i = 0; rc && !u->offline && lost_create_race(u->r) && i < 2; i++) {
		rt_log(u->r, RETORT_LOG_DEBUG, "creating the tables failed (%s); trying again",
		       u->r->err.msg);
		rt_err_clear(&u->r->err);
		rc = ensure_once(u, with_log);
	}
	return rc;
}

static int count_row(void *data, int ncols, const char *const *values)
{
	(void)ncols;
	(void)values;
	++*(int *)data;
	return 0;
}

int rt_run_log_has(run *u, const char *column, int *n)
{
	rt_buf sql = RT_BUF_INIT;
	u->r->backend->column_exists_sql(&sql, rt_run_schema(u), "retort_log", column);
	*n = 0;
	int rc = rt_db_query(u->r, sql.ptr, count_row, n);
	rt_buf_free(&sql);
	return rc;
}

int rt_run_log_current(run *u, int *n)
{
	return rt_run_log_has(u, LOG_HEADER, n);
}

char *rt_run_row_sum(const char *rev, const char *header, const char *downgrade_sql)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "retort_log row\n%s\n%s\n%s", rev ? rev : "", header ? header : "",
		      downgrade_sql ? downgrade_sql : "");
	char *sum = rt_section_checksum(b.ptr);
	rt_buf_free(&b);
	return sum;
}

/* The columns newer retorts added to retort_log, oldest first. */
static const struct { const char *name; bool text; } added_columns[] = {
	{ LOG_HEADER, true }, { LOG_PROGRESS, true }, { LOG_ROW_SUM, false },
};
#define NEWEST_COLUMN LOG_ROW_SUM

/*
 * In ensure_once's transaction: create retort_log, or add the columns an
 * older retort's lacks.
 */
static int ensure_log(run *u, rt_buf *sql)
{
	int exists = 0, current = 0, rc = 0;
	if (!u->offline && !(rc = rt_run_log_has(u, NEWEST_COLUMN, &current)) && !current)
		rc = rt_db_table_exists(u->r, rt_run_schema(u), "retort_log", &exists);
	if (rc || current)
		return rc;
	for (size_t k = 0; exists && !rc && k < sizeof(added_columns) / sizeof(*added_columns);
	     k++) {
		int has = 0;
		if ((rc = rt_run_log_has(u, added_columns[k].name, &has)) || has)
			continue;
		rt_buf_clear(sql);
		rt_buf_printf(sql, "ALTER TABLE %s ADD COLUMN %s %s", u->logtable.ptr,
			      added_columns[k].name,
			      added_columns[k].text ? u->r->backend->text_type : "VARCHAR(80)");
		rc = rt_run_send(u, sql->ptr);
	}
	if (exists)
		return rc;
	rt_buf_clear(sql);
	ddl_log_table(u, sql, u->offline ? "    " : "\t");
	return rt_run_send(u, sql->ptr);
}

static int ensure_once(run *u, bool with_log)
{
	retort *r = u->r;
	rt_buf sql = RT_BUF_INIT;
	int exists = 0, rc;
	if (!u->offline) {
		/* both there (every run but the first): no transaction needed */
		int v = 0, l = !with_log;
		if ((rc = rt_db_table_exists(r, rt_run_schema(u), r->cfg.version_table, &v)) ||
		    (with_log && (rc = rt_run_log_has(u, NEWEST_COLUMN, &l))))
			return rc;
		if (v && l)
			return 0;
	}
	if ((rc = rt_run_begin(u)))
		goto done;
	if (!u->offline)
		rc = rt_db_table_exists(r, rt_run_schema(u), r->cfg.version_table, &exists);
	if (!rc && !exists) {
		ddl_version_table(u, &sql, u->offline ? "    " : "\t");
		rc = rt_run_send(u, sql.ptr);
	}
	if (!rc && with_log)
		rc = ensure_log(u, &sql);
	if (!rc)
		rc = rt_run_commit(u);
	else
		rt_run_rollback(u);
done:
	rt_buf_free(&sql);
	return rc;
}
