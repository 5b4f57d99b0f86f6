/*
 * db.c: the thin layer between the core and a driver.
 *
 * Each wrapper calls the driver, turns its retort_dberror into the handle's
 * error, and counts the call.  The counter is what fault injection keys on:
 * built with -DRETORT_FAULT_INJECTION, the call whose number equals
 * $RETORT_FAULT_AT fails with "injected fault" before reaching the driver
 * (RETORT_FAULT_KIND and RETORT_FAULT_COUNT below refine that).
 */
#include "db.h"
#include "util/xalloc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned long rt_db_calls(const retort *r)
{
	return r->db_calls;
}

#ifdef RETORT_FAULT_INJECTION
/*
 * Test-only knobs beside RETORT_FAULT_AT (tests/e2e/faults.bats):
 *   RETORT_FAULT_KIND=lost  the fault is a lost connection: the open
 *       transaction is rolled back (as the server does when a session dies)
 *       and every later call fails too, as on a dead connection.
 *   RETORT_FAULT_COUNT=FILE  at exit, write the number of calls made to FILE,
 *       so a test knows how many fault points a command has.
 */
static bool conn_lost;
static unsigned long process_calls; /* every handle's, for RETORT_FAULT_COUNT */

static void write_count(void)
{
	const char *path = getenv("RETORT_FAULT_COUNT");
	FILE *f = path && *path ? fopen(path, "w") : NULL;
	if (!f)
		return;
	fprintf(f, "%lu\n", process_calls);
	fclose(f);
}

static bool fault_lost(void)
{
	const char *kind = getenv("RETORT_FAULT_KIND");
	return kind && !strcmp(kind, "lost");
}
#endif

/* Count a call; true when this one is to fail (fault-injection builds only). */
static bool fault_here(retort *r)
{
	r->db_calls++;
#ifdef RETORT_FAULT_INJECTION
	if (++process_calls == 1 && getenv("RETORT_FAULT_COUNT"))
		atexit(write_count);
	if (conn_lost)
		return true;
	const char *at = getenv("RETORT_FAULT_AT");
	if (at && *at && strtoul(at, NULL, 10) == r->db_calls)
		return true;
#endif
	return false;
}

#ifdef RETORT_FAULT_INJECTION
/* A lost connection takes the open transaction with it, once. */
static void fault_lose(retort *r, retort_dberror *e)
{
	if (fault_lost() && !conn_lost) {
		retort_dberror ignored = { .offset = -1 };
		conn_lost = true;
		r->conn->driver->rollback(r->conn, &ignored);
	}
	if (conn_lost) {
		snprintf(e->message, sizeof(e->message),
			 "server closed the connection unexpectedly (injected fault)");
		e->lost = 1;
	}
}
#endif

void rt_db_describe(rt_buf *out, const retort_dberror *e)
{
	rt_buf_puts(out, e->message[0] ? e->message : "unknown database error");
	rt_buf_rtrim(out);
	if (e->sqlstate[0])
		rt_buf_printf(out, " (SQLSTATE %s)", e->sqlstate);
	if (e->detail[0])
		rt_buf_printf(out, "; DETAIL: %s", e->detail);
	if (e->hint[0])
		rt_buf_printf(out, "; HINT: %s", e->hint);
}

static int db_failed(retort *r, int code, const retort_dberror *e)
{
	rt_buf msg = RT_BUF_INIT;
	rt_db_describe(&msg, e);
	rt_error(&r->err, code ? code : RETORT_EDB, "%s", msg.ptr);
	snprintf(r->err.sqlstate, sizeof(r->err.sqlstate), "%s", e->sqlstate);
	snprintf(r->err.detail, sizeof(r->err.detail), "%s", e->detail);
	snprintf(r->err.hint, sizeof(r->err.hint), "%s", e->hint);
	rt_buf_free(&msg);
	return r->err.code;
}

static int injected(retort *r, retort_dberror *dbe)
{
	retort_dberror local;
	retort_dberror *e = dbe ? dbe : &local;
	memset(e, 0, sizeof(*e));
	snprintf(e->message, sizeof(e->message), "injected fault");
	e->offset = -1;
#ifdef RETORT_FAULT_INJECTION
	fault_lose(r, e);
#endif
	return db_failed(r, RETORT_EDB, e);
}

/*
 * A driver call retort_interrupt() may cancel: the connection is published
 * for the call's length (the interrupt reads it from another thread or a
 * signal handler), and a call that starts after the interrupt is not made.
 */
static void call_start(retort *r, retort_conn *c)
{
	atomic_store(&r->inflight, c);
}

static int call_end(retort *r, int rc)
{
	atomic_store(&r->inflight, NULL);
	return rc;
}

#define CANCELLABLE(r, call) (call_start((r), (r)->conn), call_end((r), (call)))

/* Driver codes other than RETORT_EDB (a lost connection) pass through. */
static int finish(retort *r, int rc, retort_dberror *e)
{
	if (!rc)
		return 0;
	return db_failed(r, rc < 0 ? rc : RETORT_EDB, e);
}

int rt_db_exec(retort *r, const char *sql, retort_dberror *dbe)
{
	retort_dberror local;
	retort_dberror *e = dbe ? dbe : &local;
	if (fault_here(r))
		return injected(r, dbe);
	memset(e, 0, sizeof(*e));
	e->offset = -1;
	return finish(r, CANCELLABLE(r, r->conn->driver->exec(r->conn, sql, e)), e);
}

int rt_db_query(retort *r, const char *sql, retort_row_fn fn, void *data)
{
	retort_dberror e = { .offset = -1 };
	if (fault_here(r))
		return injected(r, NULL);
	return finish(r, CANCELLABLE(r, r->conn->driver->query(r->conn, sql, fn, data, &e)), &e);
}

int rt_db_begin(retort *r)
{
	retort_dberror e = { .offset = -1 };
	if (fault_here(r))
		return injected(r, NULL);
	return finish(r, CANCELLABLE(r, r->conn->driver->begin(r->conn, &e)), &e);
}

int rt_db_commit(retort *r)
{
	retort_dberror e = { .offset = -1 };
	if (fault_here(r))
		return injected(r, NULL);
	return finish(r, CANCELLABLE(r, r->conn->driver->commit(r->conn, &e)), &e);
}

/*
 * A rollback runs on a path that is already failing: it must not replace
 * the error that explains why, so it keeps r->err when it fails itself.
 */
int rt_db_rollback(retort *r)
{
	retort_dberror e = { .offset = -1 };
	rt_err saved = r->err;
	int rc;
	bool fault = fault_here(r);
	/* an injected fault still rolls back, so no transaction is left open */
	rc = r->conn->driver->rollback(r->conn, &e);
	if (fault) {
		snprintf(e.message, sizeof(e.message), "injected fault");
#ifdef RETORT_FAULT_INJECTION
		fault_lose(r, &e);
#endif
		rc = RETORT_EDB;
	}
	if (rc && saved.code)
		r->err = saved;
	else if (rc)
		return finish(r, rc, &e);
	return rc ? RETORT_EDB : 0;
}

int rt_db_table_exists(retort *r, const char *schema, const char *table, int *exists)
{
	retort_dberror e = { .offset = -1 };
	*exists = 0;
	if (fault_here(r))
		return injected(r, NULL);
	return finish(r, r->conn->driver->table_exists(r->conn, schema, table, exists, &e), &e);
}

/*
 * The calls below take the driver or connection they act on, since a
 * scratch connection (model.c) is not r->conn; they are counted and can
 * be made to fail like the others.
 */
int rt_db_connect(retort *r, const retort_driver *d, retort_conn **out,
		  const retort_conninfo *ci, retort_dberror *e)
{
	*out = NULL;
	memset(e, 0, sizeof(*e));
	e->offset = -1;
	if (fault_here(r)) {
		snprintf(e->message, sizeof(e->message), "injected fault");
		return RETORT_ECONNECT;
	}
	int rc = d->connect(out, ci, e);
	if (rc)
		*out = NULL;
	else
		(*out)->interrupted = &r->interrupted;
	return rc;
}

/* Not counted: closing cannot fail, so there is no fault to inject. */
void rt_db_close(retort *r, retort_conn *c)
{
	if (c)
		c->driver->close(c);
}

int rt_db_split(retort *r, const char *sql, int (*fn)(void *data, size_t off, size_t len),
		void *data, retort_dberror *e)
{
	memset(e, 0, sizeof(*e));
	e->offset = -1;
	if (fault_here(r)) {
		snprintf(e->message, sizeof(e->message), "injected fault");
		return RETORT_EDB;
	}
	return r->backend->driver->split(sql, fn, data, e);
}

int rt_db_lock(retort *r, const char *key, double timeout)
{
	retort_dberror e = { .offset = -1 };
	if (fault_here(r))
		return injected(r, NULL);
	int rc = CANCELLABLE(r, r->conn->driver->lock(r->conn, key, timeout, &e));
	if (rc)
		return rt_error(&r->err, rc == RETORT_EINTERRUPTED ? rc : RETORT_ELOCK, "%s",
				e.message);
	return 0;
}

/*
 * Not counted, as closing is not: it comes after the last commit, where a
 * failure can undo nothing (the session's end frees the lock anyway).
 */
int rt_db_unlock(retort *r, const char *key)
{
	retort_dberror e = { .offset = -1 };
	return finish(r, r->conn->driver->unlock(r->conn, key, &e), &e);
}

int rt_db_locate(retort *r, const char *schema, const char *table, retort_target *out)
{
	retort_dberror e = { .offset = -1 };
	memset(out, 0, sizeof(*out));
	if (fault_here(r))
		return injected(r, NULL);
	return finish(r, r->conn->driver->locate(r->conn, schema, table, out, &e), &e);
}

int rt_db_check_outside(retort *r, const char *sql)
{
	retort_dberror e = { .offset = -1 };
	if (!r->conn->driver->check_outside)
		return 0;
	if (fault_here(r))
		return injected(r, NULL);
	return finish(r, r->conn->driver->check_outside(r->conn, sql, &e), &e);
}

int rt_db_query_e(retort *r, const char *sql, retort_row_fn fn, void *data,
		  retort_dberror *dbe)
{
	if (fault_here(r))
		return injected(r, dbe);
	memset(dbe, 0, sizeof(*dbe));
	dbe->offset = -1;
	return finish(r, CANCELLABLE(r, r->conn->driver->query(r->conn, sql, fn, data, dbe)), dbe);
}
