/*
 * backends/sqlite/sqlite.h: the functions of this folder that its table
 * (backend.c) names; the core reaches them only through the table.
 */
#ifndef RT_BACKENDS_SQLITE_H
#define RT_BACKENDS_SQLITE_H

#include "diff.h"
#include "lint.h"
#include "model.h"
#include "project.h"
#include "schema.h"

/* driver.c: the driver (SQLite is built in). */
extern const retort_driver rt_sqlite_driver;
/* inspect.c: the schema of r->conn's main database. */
int rt_inspect_sqlite(retort *r, rt_schema *out);
/* render.c: a diff as SQLite SQL; name bare when it is a plain identifier, else quoted. */
void rt_render_sqlite(rt_buf *out, const rt_diff *d);
void rt_sqlite_put_name(rt_buf *b, const char *name);
/* lint.c: the statement rules, on the words of SQLite's own split. */
int rt_lint_sqlite(rt_lint_ctx *c, const rt_lint_section *s);
/* scratch.c: a temporary file a second process can open too. */
int rt_sqlite_scratch_own(retort *r, rt_scratch *sc, rt_buf *url);

#endif
