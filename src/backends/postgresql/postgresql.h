/*
 * backends/postgresql/postgresql.h: the functions of this folder that its
 * table (backend.c) names; the core reaches them only through the table.
 * scratch.h has the scratch's.
 */
#ifndef RT_BACKENDS_POSTGRESQL_H
#define RT_BACKENDS_POSTGRESQL_H

#include "diff.h"
#include "lint.h"
#include "project.h"
#include "schema.h"

/* inspect.c: schema: the one to read; NULL: the connection's current_schema(). */
int rt_inspect_postgres(retort *r, const char *schema, rt_schema *out);
/*
 * inspect.c: on the scratch connection holding the model, bring the CHECK
 * expressions of tables in both schemas whose checks differ to the text
 * PostgreSQL reads them back as (in_txn: the scratch is inside a
 * transaction).
 */
void rt_pg_canon_checks(retort *r, rt_schema *db, rt_schema *model, bool in_txn);
/* render.c: a diff as PostgreSQL SQL; name bare unless it needs quotes here. */
void rt_render_postgres(rt_buf *out, const rt_diff *d);
void rt_pg_put_name(rt_buf *b, const char *name);
/* lexer.c: from p, past blanks and (nested) comments, not past end. */
size_t rt_pg_skip_trivia(const char *s, size_t p, size_t end);
/* lint.c: the statement rules, on libpg_query's parse trees. */
int rt_lint_postgres(rt_lint_ctx *c, const rt_lint_section *s);

#endif
