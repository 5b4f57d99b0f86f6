/*
 * dialect.h: what differs between databases, in one table per dialect.
 *
 * The core asks the dialect, never `if (strcmp(name, "postgresql") == 0)`.
 * A dialect without a driver (none yet, or not built) still serves offline
 * `--sql` output.
 */
#ifndef RT_LIB_DIALECT_H
#define RT_LIB_DIALECT_H

#include "retort/driver.h"
#include "url.h"
#include "util/buf.h"

#include <stdbool.h>

typedef struct rt_dialect {
	const char *name;            /* "sqlite", "postgresql", "mysql" */
	const retort_driver *driver; /* NULL when not available */
	bool transactional_ddl;
	bool has_schemas;            /* version_table_schema means something */
	const char *begin_sql;       /* offline output: "BEGIN;" etc. */
	const char *commit_sql;
	/* SQL literal and identifier quoting. */
	void (*literal)(rt_buf *b, const char *s);
	void (*ident)(rt_buf *b, const char *s);
	/* Column types for retort_log. */
	const char *log_id_type;     /* "INTEGER PRIMARY KEY" / "BIGSERIAL PRIMARY KEY" */
	const char *text_type;
	const char *time_type;
	/*
	 * Send each online step in two messages instead of one per statement:
	 * "BEGIN; SELECT version_num ..." (the re-read, whose answer decides
	 * whether the step runs), then the section, the version table changes,
	 * the retort_log row and COMMIT.  Worth it where the database is a round
	 * trip away; SQLite, in process, has none to save.  elapsed_ms_sql is
	 * then the log row's duration_ms: the milliseconds since the server
	 * received the message, as an SQL expression.
	 */
	bool batch_steps;
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
	/* A query whose first value is the server's version number (lint); NULL: none. */
	const char *server_version_sql;
} rt_dialect;

const rt_dialect *rt_dialect_for(rt_scheme scheme);

#endif
