/*
 * inspect.h: reading an rt_schema back from a database's own catalog.
 *
 * Each inspector reads the handle's current connection (r->conn) through
 * the db.c wrappers; model.c points r->conn at the scratch database for
 * the time it reads the model.  The result holds every user object of the
 * default schema, sorted (rt_schema_sort); filtering is the caller's.
 */
#ifndef RT_LIB_INSPECT_H
#define RT_LIB_INSPECT_H

#include "project.h"
#include "schema.h"

/* A query's rows, for inspectors: cell(r, i, j) is NULL for SQL NULL. */
typedef struct rt_rows {
	size_t ncols, nrows, cap;
	char **cells;   /* nrows * ncols, row-major */
} rt_rows;

int rt_rows_query(retort *r, rt_rows *out, const char *sql);
const char *rt_rows_cell(const rt_rows *rs, size_t row, size_t col);
void rt_rows_free(rt_rows *rs);

int rt_inspect_sqlite(retort *r, rt_schema *out);
/* schema: the one to read; NULL: the connection's current_schema(). */
int rt_inspect_postgres(retort *r, const char *schema, rt_schema *out);
/*
 * On the scratch connection holding the model: bring the CHECK expressions
 * of tables in both schemas whose checks differ to the text PostgreSQL
 * reads them back as (in_txn: the scratch is inside a transaction).
 */
void rt_pg_canon_checks(retort *r, rt_schema *db, rt_schema *model, bool in_txn);

#endif
