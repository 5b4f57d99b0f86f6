/*
 * db.h: the runtime's view of a database connection.
 *
 * Every call the core makes to a driver goes through these wrappers, which
 * turn a retort_dberror into the handle's error and count the calls: a build
 * with -DRETORT_FAULT_INJECTION makes the Nth call fail when RETORT_FAULT_AT=N
 * is set in the environment (curl's torture mode, in small), so tests can
 * prove that a failure at any point leaves the database as it was before the
 * failed step.
 */
#ifndef RT_LIB_DB_H
#define RT_LIB_DB_H

#include "project.h"
#include "backends/backend.h"
#include "util/buf.h"
#include "util/vec.h"

/*
 * Each wrapper returns 0 or RETORT_EDB with r->err set to the database's
 * message (with " (SQLSTATE x)", "; DETAIL: ..." and "; HINT: ..." when the
 * database gave them).  dbe, when not NULL, receives the raw error, so that
 * a caller can say which statement of a script failed.
 */
int rt_db_exec(retort *r, const char *sql, retort_dberror *dbe);
int rt_db_query(retort *r, const char *sql, retort_row_fn fn, void *data);
int rt_db_begin(retort *r);
int rt_db_commit(retort *r);
int rt_db_rollback(retort *r);
int rt_db_table_exists(retort *r, const char *schema, const char *table, int *exists);
/* rt_db_query, with the raw error (which statement of a script failed). */
int rt_db_query_e(retort *r, const char *sql, retort_row_fn fn, void *data,
		  retort_dberror *dbe);
/* The run lock (r->err says who holds it, on a timeout). */
int rt_db_lock(retort *r, const char *key, double timeout);
int rt_db_unlock(retort *r, const char *key);
/* Where the version table is, as the database names it (driver.h). */
int rt_db_locate(retort *r, const char *schema, const char *table, retort_target *out);
/* What a section run outside a transaction left behind (driver.h). */
int rt_db_check_outside(retort *r, const char *sql);
/*
 * Connecting, closing and splitting, on the connection or driver given:
 * e gets the raw error; r->err is left to the caller, which says what it
 * was connecting to.
 */
int rt_db_connect(retort *r, const retort_driver *d, retort_conn **out,
		  const retort_conninfo *ci, retort_dberror *e);
void rt_db_close(retort *r, retort_conn *c);
int rt_db_split(retort *r, const char *sql, int (*fn)(void *data, size_t off, size_t len),
		void *data, retort_dberror *e);

/* The database message of e as one line: "msg (SQLSTATE x); DETAIL: d; HINT: h". */
void rt_db_describe(rt_buf *out, const retort_dberror *e);

/* Calls made through the wrappers on r so far (for fault-injection tests). */
unsigned long rt_db_calls(const retort *r);

/* Whether s is a plain lower-case identifier, [a-z_][a-z0-9_]*, safe unquoted. */
bool rt_plain_ident(const char *s);
/*
 * The version table's name as SQL, schema-qualified when version_table_schema
 * is set; a name that is not a plain lower-case identifier is quoted.
 */
void rt_sql_name(retort *r, rt_buf *out, const char *name);
/* Read the version table's rows (none when the table does not exist). */
int rt_version_rows(retort *r, rt_strvec *rows);
/* Mark the revisions named by the handle's state RETORT_REV_CURRENT. */
void rt_mark_current(retort *r);

#endif
