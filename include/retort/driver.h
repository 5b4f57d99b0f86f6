/*
 * retort/driver.h: the interface a database driver implements.
 *
 * Internal to retort and not installed: each backend (src/backends/<name>/)
 * has a driver, named in its table (src/lib/dialect.h), and is built in.
 * A driver is a versioned const table of functions, as SQLite's io_methods.
 * Each connection struct embeds retort_conn first.  The core never calls
 * these directly but through the wrappers in src/lib/db.c, which is also
 * where tests inject faults ("fail at call N").
 *
 * SQL reaches a driver as text: the core quotes the few values it writes
 * itself (revision ids, log fields) with the dialect's literal quoting, so
 * that offline `--sql` output is exactly what an online run would send.
 */
#ifndef RETORT_DRIVER_H
#define RETORT_DRIVER_H

#include <stdatomic.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RETORT_DRIVER_VERSION 3

/* What a failed call tells about the failure. */
typedef struct retort_dberror {
	char message[1024];  /* the server's or library's own message */
	char sqlstate[8];    /* "" when the database has none */
	char detail[512];
	char hint[512];
	long offset;         /* byte offset in the SQL text given of the
	                        statement that failed (its first byte), or -1 */
	long position;       /* 1-based character position of the error within
	                        the whole SQL text given, or 0 if unknown */
	int lost;            /* the connection is gone */
} retort_dberror;

/* The parts of a database URL, decoded. */
typedef struct retort_conninfo {
	const char *scheme;   /* "sqlite", "postgresql", "mysql" */
	const char *user, *password, *host, *port, *database;
	const char *const *query_keys; /* n_query of them */
	const char *const *query_vals;
	size_t n_query;
	double busy_timeout;  /* seconds to wait on a locked database */
	int no_create;        /* a reading command: never create the database
	                         (SQLite: a missing file is an error, or with
	                         2 an empty database, in memory) */
} retort_conninfo;

/*
 * Where a run's version table is, as the database itself names it (not as
 * the URL or the config spell it): the run lock's key is made of this, so
 * two runners that reach one database by different names share one lock.
 */
typedef struct retort_target {
	char database[256];  /* PostgreSQL: current_database(); SQLite: the
	                        file's "device:inode", "" in memory */
	char schema[256];    /* the schema the version table is (or would be
	                        created) in; "" where the database has none */
} retort_target;

typedef struct retort_conn {
	const struct retort_driver *driver;
	/*
	 * Set by the core once connected: non-zero once retort_interrupt() was
	 * called on the handle.  A driver's own waits (the run lock) stop on it.
	 */
	const atomic_int *interrupted;
} retort_conn;

/* Called per row; return non-zero to stop. */
typedef int (*retort_row_fn)(void *data, int ncols, const char *const *values);

typedef struct retort_driver {
	unsigned version;
	const char *name;
	int (*connect)(retort_conn **out, const retort_conninfo *ci, retort_dberror *err);
	void (*close)(retort_conn *c);
	/* Run a script of zero or more statements, in order. */
	int (*exec)(retort_conn *c, const char *sql, retort_dberror *err);
	/* Run one query, calling fn for each row (values may be NULL). */
	int (*query)(retort_conn *c, const char *sql, retort_row_fn fn, void *data,
		     retort_dberror *err);
	/* Transactions.  begin takes the write lock at once where the database
	   has such a thing (SQLite: BEGIN IMMEDIATE). */
	int (*begin)(retort_conn *c, retort_dberror *err);
	int (*commit)(retort_conn *c, retort_dberror *err);
	int (*rollback)(retort_conn *c, retort_dberror *err);
	/* Whether schema.table exists (schema NULL: the default). */
	int (*table_exists)(retort_conn *c, const char *schema, const char *table,
			    int *exists, retort_dberror *err);
	/*
	 * Split a script into statements for a transaction:false section:
	 * calls fn(data, offset, length) for each, in order.  NULL: the core
	 * runs the whole text with exec.
	 */
	int (*split)(const char *sql, int (*fn)(void *data, size_t off, size_t len),
		     void *data, retort_dberror *err);
	/*
	 * Run-wide lock against other runners: take it within timeout seconds
	 * or fail with a message that says who holds it.  NULL: no such lock
	 * (SQLite relies on BEGIN IMMEDIATE per step).
	 */
	int (*lock)(retort_conn *c, const char *key, double timeout, retort_dberror *err);
	int (*unlock)(retort_conn *c, const char *key, retort_dberror *err);
	/*
	 * Where table lives: schema as configured (NULL: wherever an unqualified
	 * name resolves now, or would be created).
	 */
	int (*locate)(retort_conn *c, const char *schema, const char *table,
		      retort_target *out, retort_dberror *err);
	/*
	 * After a section ran outside a transaction: fail, with a message that
	 * says how to recover, if it left something unusable behind that
	 * would otherwise be recorded as done (PostgreSQL: an INVALID index
	 * on a table the section names).  NULL: nothing to check.
	 */
	int (*check_outside)(retort_conn *c, const char *sql, retort_dberror *err);
	/*
	 * Ask that the statement running on c stop (it then fails), from a
	 * signal handler or another thread while c is in a call: it must be
	 * async-signal-safe (PostgreSQL: PQcancel; SQLite: sqlite3_interrupt).
	 * NULL: a running statement cannot be stopped.
	 */
	void (*cancel)(retort_conn *c);
} retort_driver;

#ifdef __cplusplus
}
#endif

#endif
