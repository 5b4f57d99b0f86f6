/*
 * rows.c: a query's rows held in memory (inspect.h), for the backends'
 * inspectors.
 */
#include "db.h"
#include "inspect.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static int rows_add(void *data, int ncols, const char *const *values)
{
	rt_rows *rs = data;
	rs->ncols = (size_t)ncols;
	size_t need = (rs->nrows + 1) * rs->ncols;
	if (need > rs->cap) {
		rs->cap = need * 2;
		rs->cells = rt_xreallocarray(rs->cells, rs->cap, sizeof(char *));
	}
	for (int i = 0; i < ncols; i++)
		rs->cells[rs->nrows * rs->ncols + (size_t)i] =
			values[i] ? rt_xstrdup(values[i]) : NULL;
	rs->nrows++;
	return 0;
}

int rt_rows_query(retort *r, rt_rows *out, const char *sql)
{
	memset(out, 0, sizeof(*out));
	return rt_db_query(r, sql, rows_add, out);
}

const char *rt_rows_cell(const rt_rows *rs, size_t row, size_t col)
{
	return rs->cells[row * rs->ncols + col];
}

void rt_rows_free(rt_rows *rs)
{
	for (size_t i = 0; i < rs->nrows * rs->ncols; i++)
		free(rs->cells[i]);
	free(rs->cells);
	memset(rs, 0, sizeof(*rs));
}

