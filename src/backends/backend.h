/*
 * backends/backend.h: what a database backend is, for the core and for
 * whoever writes one (as libgit2's include/git2/sys/ is for its backends).
 * Internal to retort and not installed: each backend is built in, one
 * folder under src/backends/<name>/, whose backend.c defines its table
 * (rt_backend, below) and whose driver.c its connection (retort_driver).
 *
 * Two parts:
 *   - the driver: a versioned const table of functions over one
 *     connection, as SQLite's io_methods.  Each connection struct embeds
 *     retort_conn first.  The core never calls these directly but through
 *     the wrappers in src/lib/run/db.c, which is also where tests inject
 *     faults ("fail at call N") and where retort_interrupt() finds the
 *     connection to cancel;
 *   - the table: what differs between databases, facts and functions (a
 *     function a backend lacks is NULL, and the core says the database
 *     cannot do that yet).  The core asks the table, never
 *     `if (strcmp(name, "postgresql") == 0)`.  A backend without a driver
 *     (none yet, or not built) still serves offline `--sql` output.
 *
 * SQL reaches a driver as text: the core quotes the few values it writes
 * itself (revision ids, log fields) with the backend's literal quoting, so
 * that offline `--sql` output is exactly what an online run would send.
 */
#ifndef RT_BACKENDS_BACKEND_H
#define RT_BACKENDS_BACKEND_H

#include "util/buf.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>


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

/* --- The backend table ------------------------------------------------------- */


#include <stdbool.h>

struct retort;
struct rt_schema;
struct rt_diff;
struct rt_lint_ctx;
struct rt_lint_section;
struct rt_scratch;
struct rt_strvec;

typedef struct rt_backend {
	const char *name;            /* "sqlite", "postgresql", "mysql" */
	const char *const *schemes;  /* the URL schemes it answers to, NULL-ended */
	bool url_is_path;            /* scheme:///path (a file), not a server's URL */
	/*
	 * When DB_HOST or DB_NAME is set (and no url), the URL is this
	 * backend's, made of DB_USER, DB_PASSWORD, DB_HOST, DB_PORT and
	 * DB_NAME, these its defaults for the parts not set (config.c).
	 * NULL: DB_* never name this database.
	 */
	const struct rt_db_env {
		const char *user, *password, *host, *port, *database;
	} *db_env;
	const retort_driver *driver; /* NULL when not available */
	bool transactional_ddl;
	const char *begin_sql;       /* "BEGIN;": a script's and a batched step's */
	const char *commit_sql;
	/* SQL literal and identifier quoting. */
	void (*literal)(rt_buf *b, const char *s);
	void (*ident)(rt_buf *b, const char *s);
	/* Column types for retort_log. */
	const char *log_id_type;     /* "INTEGER PRIMARY KEY" / "BIGSERIAL PRIMARY KEY" */
	const char *text_type;
	const char *time_type;
	/*
	 * The step protocol's guard (step.c), where a statement can fail on a
	 * condition: a statement that fails with SQLSTATE rows_state unless
	 * table holds exactly rows (NULL: any), and with lock_state unless this
	 * session holds the run lock key (NULL: not asked); the rows it found,
	 * as "a, b" (or "<base>"), are the error's DETAIL.  With it, each
	 * online step is one message: open, guard, body, bookkeeping, check,
	 * commit.  NULL: the core reads the rows back itself, a call each
	 * (SQLite: in process, no round trip to save).  elapsed_ms_sql is then
	 * the log row's duration_ms: the milliseconds since the server
	 * received the message, as an SQL expression.
	 */
	void (*guard_sql)(rt_buf *b, const char *table, const struct rt_strvec *rows,
			  const char *key, const char *rows_state, const char *lock_state);
	const char *elapsed_ms_sql;
	/*
	 * A step's re-read of the version table must wait for another
	 * runner's uncommitted change to it: this statement on table runs
	 * first in the step's transaction (PostgreSQL: LOCK TABLE ... IN
	 * EXCLUSIVE MODE).  NULL where beginning the transaction already takes
	 * the write lock (SQLite).
	 */
	void (*lock_table_sql)(rt_buf *b, const char *table);
	/*
	 * The backend's lexer, as the core asks it (the first word of a
	 * statement, whether a section holds only comments, where a statement
	 * starts for lint): from p, past blanks and comments as the database
	 * reads them, not past end.  NULL: ANSI's (-- to the end of the line,
	 * a slash-star comment that does not nest), which is SQLite's.
	 */
	size_t (*skip_trivia)(const char *s, size_t p, size_t end);
	/*
	 * A query whose one row is ('retort:lock', N), N > 0 while this session
	 * still holds the run lock named key.  NULL where SQL cannot release
	 * the run lock (SQLite's is a lock file).
	 */
	void (*lock_held_sql)(rt_buf *b, const char *key);
	/*
	 * In an offline script, retort_log's applied_at and applied_by as SQL
	 * evaluated when the script runs (UTC, as "2026-01-02T03:04:05.678Z"),
	 * not when it was written.  NULL: the writer's time and user@host.
	 */
	const char *offline_now_sql;
	const char *offline_user_sql;
	/*
	 * A query with a row when table (in schema, or found as an unqualified
	 * name is when schema is NULL) has the column: how retort sees that a
	 * retort_log an older retort made lacks a column.  NULL where there is
	 * no driver.
	 */
	void (*column_exists_sql)(rt_buf *b, const char *schema, const char *table,
				  const char *column);
	/*
	 * The SQLSTATEs of creating a table another session created a moment
	 * before (IF NOT EXISTS notwithstanding): retort tries again on them.
	 */
	const char *const *create_race_sqlstates;
	/* For scratch databases, where nothing needs to survive a crash. */
	const char *no_durability_sql;
	/*
	 * Offline scripts end a version row's INSERT with RETURNING, as
	 * SQLAlchemy's implicit RETURNING makes Alembic's (PostgreSQL).
	 */
	bool version_insert_returning;
	/* A query whose first value is the server's version number (lint); NULL: none. */
	const char *server_version_sql;

	/* --- The functions of the backend's folder (NULL: not for this database) --- */
	/* Read the catalog of schema (NULL: the connection's own) on r->conn (inspect.h). */
	int (*inspect)(struct retort *r, const char *schema, struct rt_schema *out);
	/* A diff as this database's SQL (diff.h). */
	void (*render)(rt_buf *out, const struct rt_diff *d);
	/* The statement rules of a section (lint.h). */
	int (*lint)(struct rt_lint_ctx *c, const struct rt_lint_section *s);
	/*
	 * One query whose rows, sorted, are equal exactly when two schemas
	 * are (verify, convert; replay.h): (kind, name, part, definition),
	 * kind a word ("table", "index", "view", "type"...; "column" and
	 * "constraint" with the table as name and their own as part), so
	 * that a differing row can be said in words.
	 */
	const char *fingerprint_sql;
	/* {spelling, the name the catalog gives it}, ended by {NULL, NULL}: for types. */
	const char *const (*type_synonyms)[2];
	/*
	 * On the scratch connection holding the model: CHECK expressions the
	 * database rewrites, brought to its own text (model.c; in_txn: the
	 * scratch is inside a transaction).
	 */
	void (*canon_checks)(struct retort *r, struct rt_schema *db, struct rt_schema *model,
			     bool in_txn);
	/* Whether a line (n bytes) of a dump used as a model is the dump tool's, not SQL. */
	bool (*dump_noise)(const char *line, size_t n);
	/*
	 * The scratch where a model is loaded (model.h).  scratch_create
	 * makes one on the project's connection when dev_url is not set
	 * (NULL: with scratch_in_memory, a connection with no URL, SQLite's
	 * memory; else dev_url is needed); scratch_enter readies a scratch
	 * connection made from dev_url (PostgreSQL: a schema in a
	 * transaction); scratch_drop removes sc->dbname on r->conn;
	 * scratch_own makes a database a second process can reach and puts
	 * its SQLAlchemy URL in url.  session_save and session_restore keep
	 * what model text may change in the session (search_path).
	 */
	bool scratch_in_memory;
	int (*scratch_create)(struct retort *r, struct rt_scratch *sc);
	int (*scratch_enter)(struct retort *r, struct rt_scratch *sc);
	int (*scratch_drop)(struct retort *r, struct rt_scratch *sc);
	int (*scratch_own)(struct retort *r, struct rt_scratch *sc, rt_buf *url);
	int (*session_save)(struct retort *r, struct rt_strvec *saved);
	int (*session_restore)(struct retort *r, const struct rt_strvec *saved, bool in_txn);
} rt_backend;

/*
 * SQL's blanks and comments, by rules (0: ANSI's, SQLite's: -- to the end
 * of the line, a slash-star comment that does not nest): from p, not past
 * end.  The backends' lexers are this with their own rules.
 */
#define RT_LEX_NESTED 0x1        /* slash-star comments nest (PostgreSQL) */
#define RT_LEX_HASH 0x2          /* # to the end of the line (MySQL) */
#define RT_LEX_DASH_SPACE 0x4    /* -- is a comment only before a blank (MySQL) */
#define RT_LEX_EXEC_COMMENTS 0x8 /* slash-star-! and slash-star-M! are SQL (MySQL) */
size_t rt_sql_skip_trivia(const char *s, size_t p, size_t end, unsigned rules);
/* b's lexer (skip_trivia, or ANSI's): where the text at p really starts. */
size_t rt_backend_skip(const rt_backend *b, const char *s, size_t p, size_t end);
/* Whether sql is only blanks and comments, by b's lexer. */
bool rt_backend_blank(const rt_backend *b, const char *sql);

/*
 * Add a backend to the registry, before any handle is opened (process-wide,
 * not thread-safe): a test's fake backend, which then answers its URL
 * schemes.  0, or -1 when the registry is full.
 */
int rt_backend_register(const rt_backend *b);
/* The backend a URL scheme names (its len bytes, any case), or NULL. */
const rt_backend *rt_backend_for_scheme(const char *name, size_t len);
/* The backend DB_* variables name (its db_env), or NULL. */
const rt_backend *rt_backend_of_db_env(void);
/* The backend named name ("sqlite", "postgresql", "mysql"), or NULL. */
const rt_backend *rt_backend_named(const char *name);

#endif
