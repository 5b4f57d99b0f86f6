/*
 * backends/sqlite/driver.c: the built-in SQLite driver, the only file that includes
 * <sqlite3.h>.
 *
 * A URL's path is opened as given, relative to the working folder, as
 * SQLAlchemy does; no path means an in-memory database.  SQLite's defaults
 * are left alone (foreign_keys stays off, as under Alembic), except the busy
 * timeout, which is the project's lock_timeout: each step's write
 * transaction is a BEGIN IMMEDIATE, and whoever finds the file busy waits
 * instead of failing with "database is locked".
 *
 * The run lock.  BEGIN IMMEDIATE alone cannot keep two runners apart: a
 * transaction:false section runs outside any transaction, so both could run
 * it.  A run therefore also takes an flock(2) on a sidecar file,
 * "<database>-retort.lock" (created when missing, never removed: removing a
 * lock file races with whoever opens it next), polled with backoff and
 * jitter up to lock_timeout.  The kernel drops the lock when the holder
 * closes it or dies, so a killed runner never blocks the next one.  The
 * holder writes its pid into the file, so that a runner that gives up can
 * say who holds it.  An in-memory database has no lock: no one else sees it.
 */
#include "retort.h"
#include "backends/backend.h"
#include "sqlite.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct sqlite_conn {
	retort_conn base; /* first, as the driver interface requires */
	sqlite3 *db;
	char *lock_path;  /* "<database>-retort.lock"; NULL in memory */
	int lock_fd;      /* >= 0 while this connection holds the run lock */
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
	struct stat st;
	if (ci->no_create == 2 && strcmp(path, ":memory:") && stat(path, &st) != 0 &&
	    errno == ENOENT)
		path = ":memory:";
	if (ci->no_create && strcmp(path, ":memory:") && stat(path, &st) != 0 && errno == ENOENT) {
		char msg[1024];
		snprintf(msg, sizeof(msg),
			 "the database file '%s' does not exist (a reading command never creates "
			 "one; `retort upgrade` does)", path);
		set_error(err, msg, -1);
		return RETORT_EIO; /* not worth waiting for, as a server is */
	}
	int flags = SQLITE_OPEN_READWRITE | (ci->no_create ? 0 : SQLITE_OPEN_CREATE);
	int rc = sqlite3_open_v2(path, &db, flags, NULL);
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
	c->lock_fd = -1;
	/* SQLite's own name for the file: absolute, whatever the URL said */
	const char *file = sqlite3_db_filename(db, "main");
	if (file && *file) {
		rt_buf lp = RT_BUF_INIT;
		rt_buf_printf(&lp, "%s-retort.lock", file);
		c->lock_path = rt_buf_detach(&lp);
	}
	*out = &c->base;
	return 0;
}

/* retort_interrupt(): sqlite3_interrupt, which is safe from another thread. */
static void sqlite_cancel(retort_conn *c)
{
	sqlite3_interrupt(db_of(c));
}

static void sqlite_close(retort_conn *c)
{
	if (!c)
		return;
	sqlite_conn *sc = (sqlite_conn *)c;
	if (sc->lock_fd >= 0)
		close(sc->lock_fd); /* drops the flock */
	sqlite3_close_v2(sc->db);
	free(sc->lock_path);
	free(sc);
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

/*
 * Run a script's statements in order.  Inside a transaction (a step's own),
 * a statement of a longer script that ends it (COMMIT, ROLLBACK, END:
 * refused before the run, but this is the guard for whatever that missed)
 * fails the script, so that the step cannot be recorded outside its
 * transaction.  A script that is nothing but that statement is a caller
 * ending its transaction on purpose.
 */
static int sqlite_exec(retort_conn *c, const char *sql, retort_dberror *err)
{
	sqlite3 *db = db_of(c);
	const char *p = sql;
	bool in_txn = !sqlite3_get_autocommit(db);
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
			if (in_txn && sqlite3_get_autocommit(db) &&
			    (p != skip_space(sql) || *skip_space(tail ? tail : ""))) {
				set_error(err, "this statement ended the step's transaction; put it in a "
					  "section marked transaction:false", (long)(p - sql));
				return RETORT_EDB;
			}
		}
		if (!tail || tail == p)
			break;
		p = tail;
	}
	return 0;
}

/*
 * The statements of a script, as SQLite reads them: a statement ends at
 * the first ';' after which sqlite3_complete() says the text is whole
 * (a trigger's BEGIN ... END body holds several).
 */
static int sqlite_split(const char *sql, int (*fn)(void *data, size_t off, size_t len), void *data,
			retort_dberror *err)
{
	size_t n = strlen(sql), start = 0;
	rt_buf piece = RT_BUF_INIT;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && sql[i] != ';')
			continue;
		size_t from = (size_t)(skip_space(sql + start) - sql);
		if (from > i)
			continue; /* this ';' is inside a comment before the statement */
		if (from == i) {
			start = i + 1; /* an empty statement */
			continue;
		}
		rt_buf_clear(&piece);
		rt_buf_put(&piece, sql + from, i - from + (i < n));
		if (i < n && !sqlite3_complete(piece.ptr))
			continue;
		size_t end = i;
		while (end > from && strchr(" \t\r\n\f\v", sql[end - 1]))
			end--;
		if (fn(data, from, end - from))
			break;
		start = i + 1;
	}
	rt_buf_free(&piece);
	return 0;
}

/* The file's device and inode: the same for every name of it. */
static int sqlite_locate(retort_conn *c, const char *schema, const char *table,
			 retort_target *out, retort_dberror *err)
{
	const char *file = sqlite3_db_filename(db_of(c), "main");
	struct stat st;
	memset(out, 0, sizeof(*out));
	if (file && *file && stat(file, &st) == 0)
		snprintf(out->database, sizeof(out->database), "%llu:%llu",
			 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	snprintf(out->schema, sizeof(out->schema), "%s", schema ? schema : "");
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

/* ---- the run lock ------------------------------------------------------- */

/*
 * Write our pid into the lock file we hold (no pid: empty it).  Callers
 * ignore a failure: it only costs a waiting runner's message the pid.
 */
static bool write_holder(int fd, bool with_pid)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0)
		return false;
	return !with_pid || pwrite(fd, text, (size_t)n, 0) == n;
}

/* The holder's pid from the file, or 0 when it has written none (yet). */
static long read_holder(int fd)
{
	char text[32];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	char *end = NULL;
	long pid = strtol(text, &end, 10);
	return end != text && (*end == '\n' || *end == '\0') && pid > 0 ? pid : 0;
}

static int lock_failed(retort_dberror *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int lock_failed(retort_dberror *err, const char *fmt, ...)
{
	va_list ap;
	memset(err, 0, sizeof(*err));
	err->offset = -1;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return RETORT_ELOCK;
}

/*
 * Take the run lock: flock(LOCK_EX | LOCK_NB) at once, then every 20 ms,
 * doubling up to 500 ms, each wait +-25%, until timeout seconds have
 * passed.  The key is not needed: the lock file is the database's own.
 */
static int sqlite_lock(retort_conn *c, const char *key, double timeout, retort_dberror *err)
{
	sqlite_conn *sc = (sqlite_conn *)c;
	if (!sc->lock_path || sc->lock_fd >= 0)
		return 0;
	int fd = open(sc->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return lock_failed(err, "cannot open the lock file '%s': %s", sc->lock_path,
				   strerror(errno));
	rt_backoff b;
	rt_backoff_init(&b, timeout, 0.02, 0.5, sc);
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			(void)write_holder(fd, true);
			sc->lock_fd = fd;
			return 0;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;
			close(fd);
			return lock_failed(err, "cannot lock '%s': %s", sc->lock_path, strerror(e));
		}
		if (!rt_backoff_wait_or(&b, c->interrupted))
			break;
	}
	if (c->interrupted && atomic_load(c->interrupted)) {
		close(fd);
		set_error(err, "interrupted while waiting for the migration lock", -1);
		return RETORT_EINTERRUPTED;
	}
	long pid = read_holder(fd);
	close(fd);
	char who[48] = "";
	if (pid)
		snprintf(who, sizeof(who), " (pid %ld)", pid);
	return lock_failed(err,
			   "could not take the migration lock on '%s' within %g s; "
			   "held by another retort run%s",
			   sc->lock_path, timeout > 0 ? timeout : 0, who);
}

/* Empty the file while still holding it: then it names no one. */
static int sqlite_unlock(retort_conn *c, const char *key, retort_dberror *err)
{
	sqlite_conn *sc = (sqlite_conn *)c;
	if (sc->lock_fd < 0)
		return 0;
	(void)write_holder(sc->lock_fd, false);
	flock(sc->lock_fd, LOCK_UN);
	close(sc->lock_fd);
	sc->lock_fd = -1;
	return 0;
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
	.split = sqlite_split,
	.lock = sqlite_lock,
	.unlock = sqlite_unlock,
	.locate = sqlite_locate,
	.check_outside = NULL,
	.cancel = sqlite_cancel,
};
