/*
 * drivers/sqlite.c: the built-in SQLite driver, the only file that includes
 * <sqlite3.h>.
 *
 * A URL's path is opened as given, relative to the working folder, as
 * SQLAlchemy does; no path means an in-memory database.  SQLite's defaults
 * are left alone (foreign_keys stays off, as under Alembic), except the busy
 * timeout, which is the project's lock_timeout: two runners serialise on
 * BEGIN IMMEDIATE, one write transaction per step, and the second waits for
 * the first instead of failing with "database is locked".
 */
#include "db.h"
#include "retort/driver.h"
#include "util/xalloc.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

typedef struct sqlite_conn {
	retort_conn base; /* first, as the driver interface requires */
	sqlite3 *db;
} sqlite_conn;

static sqlite3 *db_of(retort_conn *c)
{
	return ((sqlite_conn *)c)->db;
}

static void set_error(retort_dberror *err, const char *msg, long offset)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	snprintf(err->message, sizeof(err->message), "%s", msg);
	err->offset = offset;
}

static int sqlite_connect(retort_conn **out, const retort_conninfo *ci, retort_dberror *err)
{
	const char *path = ci->database && ci->database[0] ? ci->database : ":memory:";
	sqlite3 *db = NULL;
	*out = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "unable to open database file '%s': %s", path,
			 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		set_error(err, msg, -1);
		sqlite3_close(db);
		return RETORT_ECONNECT;
	}
	double timeout = ci->busy_timeout > 0 ? ci->busy_timeout : 60.0;
	sqlite3_busy_timeout(db, timeout * 1000 > 2e9 ? 2000000000 : (int)(timeout * 1000));
	sqlite_conn *c = rt_xcalloc(1, sizeof(*c));
	c->base.driver = &rt_sqlite_driver;
	c->db = db;
	*out = &c->base;
	return 0;
}

static void sqlite_close(retort_conn *c)
{
	if (!c)
		return;
	sqlite3_close_v2(db_of(c));
	free(c);
}

/*
 * Skip blanks and comments, so that the offset of a failing statement is
 * its first real character, on the statement's own line.
 */
static const char *skip_space(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
			p++;
		if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			if (!e)
				return p;
			p = e + 2;
		} else {
			return p;
		}
	}
}

static int fail_db(sqlite3 *db, const char *sql, const char *stmt, retort_dberror *err)
{
	set_error(err, sqlite3_errmsg(db), stmt ? (long)(stmt - sql) : -1);
	if (err && stmt) {
		int pos = sqlite3_error_offset(db);
		if (pos >= 0)
			err->position = (long)(stmt - sql) + pos + 1;
	}
	return RETORT_EDB;
}

static int sqlite_exec(retort_conn *c, const char *sql, retort_dberror *err)
{
	sqlite3 *db = db_of(c);
	const char *p = sql;
	while (*(p = skip_space(p))) {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL;
		if (sqlite3_prepare_v2(db, p, -1, &st, &tail) != SQLITE_OK)
			return fail_db(db, sql, p, err);
		if (st) {
			int rc;
			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				;
			if (rc != SQLITE_DONE) {
				fail_db(db, sql, p, err);
				sqlite3_finalize(st);
				return RETORT_EDB;
			}
			sqlite3_finalize(st);
		}
		if (!tail || tail == p)
			break;
		p = tail;
	}
	return 0;
}

static int sqlite_query(retort_conn *c, const char *sql, retort_row_fn fn, void *data,
			retort_dberror *err)
{
	sqlite3 *db = db_of(c);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, sql, sql, err);
	if (!st)
		return 0;
	int ncols = sqlite3_column_count(st);
	const char **vals = rt_xcalloc((size_t)ncols + 1, sizeof(*vals));
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		if (fn(data, ncols, vals))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = fail_db(db, sql, sql, err);
	free(vals);
	sqlite3_finalize(st);
	return ret;
}

static int simple(retort_conn *c, const char *sql, retort_dberror *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db_of(c), sql, NULL, NULL, &msg) != SQLITE_OK) {
		set_error(err, msg ? msg : sqlite3_errmsg(db_of(c)), -1);
		sqlite3_free(msg);
		return RETORT_EDB;
	}
	return 0;
}

static int sqlite_begin(retort_conn *c, retort_dberror *err)
{
	return simple(c, "BEGIN IMMEDIATE", err);
}

static int sqlite_commit(retort_conn *c, retort_dberror *err)
{
	return simple(c, "COMMIT", err);
}

/* A failed statement may already have ended the transaction (SQLITE_FULL). */
static int sqlite_rollback(retort_conn *c, retort_dberror *err)
{
	if (sqlite3_get_autocommit(db_of(c)))
		return 0;
	return simple(c, "ROLLBACK", err);
}

static int sqlite_table_exists(retort_conn *c, const char *schema, const char *table,
			       int *exists, retort_dberror *err)
{
	sqlite3 *db = db_of(c);
	rt_buf sql = RT_BUF_INIT;
	rt_buf_puts(&sql, "SELECT 1 FROM ");
	if (schema) {
		rt_buf_put_ident(&sql, schema);
		rt_buf_putc(&sql, '.');
	}
	rt_buf_puts(&sql, "sqlite_master WHERE type = 'table' AND name = ?1");
	sqlite3_stmt *st = NULL;
	int ret = 0;
	*exists = 0;
	if (sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL) != SQLITE_OK) {
		ret = fail_db(db, sql.ptr, NULL, err);
		goto done;
	}
	sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*exists = 1;
	else if (rc != SQLITE_DONE)
		ret = fail_db(db, sql.ptr, NULL, err);
done:
	sqlite3_finalize(st);
	rt_buf_free(&sql);
	return ret;
}

const retort_driver rt_sqlite_driver = {
	.version = RETORT_DRIVER_VERSION,
	.name = "sqlite",
	.connect = sqlite_connect,
	.close = sqlite_close,
	.exec = sqlite_exec,
	.query = sqlite_query,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.table_exists = sqlite_table_exists,
	.split = NULL, /* transaction:false sections run as one exec */
	.lock = NULL,  /* BEGIN IMMEDIATE per step serialises runners */
	.unlock = NULL,
};
