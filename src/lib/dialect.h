/*
 * dialect.h: a backend, what differs between databases, in one table per
 * database (its facts, its driver and the functions of its folder).
 *
 * Each database has one folder, src/backends/<name>/, whose backend.c
 * defines its table, and one line in the registry (dialect.c).  The core
 * asks the table, never `if (strcmp(name, "postgresql") == 0)`; a function
 * a backend lacks is NULL, and the core says the database cannot do that
 * yet.  A backend without a driver (none yet, or not built) still serves
 * offline `--sql` output.
 */
#ifndef RT_LIB_DIALECT_H
#define RT_LIB_DIALECT_H

#include "retort/driver.h"
#include "util/buf.h"

#include <stdbool.h>

struct retort;
struct rt_schema;
struct rt_diff;
struct rt_lint_ctx;
struct rt_lint_section;
struct rt_scratch;
struct rt_strvec;

typedef struct rt_dialect {
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
	 * runner's uncommitted change to it: this statement ("LOCK TABLE ",
	 * the table's name, then this), on the version table, runs first in
	 * the step's transaction.  NULL where beginning the transaction
	 * already takes the write lock (SQLite).
	 */
	const char *lock_table_mode;
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
} rt_dialect;

/* The backend a URL scheme names (its len bytes, any case), or NULL. */
const rt_dialect *rt_dialect_for_scheme(const char *name, size_t len);
/* The backend DB_* variables name (its db_env), or NULL. */
const rt_dialect *rt_dialect_of_db_env(void);
/* The backend named name ("sqlite", "postgresql", "mysql"), or NULL. */
const rt_dialect *rt_dialect_named(const char *name);

#endif
