/*
 * inspect.h: what the backends' inspectors (src/backends/<name>/inspect.c,
 * named in their tables as backends/backend.h's inspect) share.
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


#endif
