/*
 * replay.c: running SQL on a scratch database and comparing schemas
 * (replay.h).
 */
#include "replay.h"

#include "db.h"
#include "model.h"
#include "util/xalloc.h"

#include <string.h>

typedef struct exec_ctx {
	retort *r;
	const char *sql;
	int rc;
	retort_dberror e;
} exec_ctx;

static int exec_piece(void *data, size_t off, size_t len)
{
	exec_ctx *x = data;
	char *stmt = rt_xstrndup(x->sql + off, len);
	x->rc = rt_db_exec(x->r, stmt, &x->e);
	free(stmt);
	return x->rc != 0;
}

int rt_replay_exec(retort *r, retort_conn *conn, const char *sql)
{
	retort_conn *own = r->conn;
	r->conn = conn;
	exec_ctx x = { r, sql, 0, { .offset = -1 } };
	retort_dberror e;
	int rc = rt_db_split(r, sql, exec_piece, &x, &e);
	if (rc && !x.rc)
		rc = rt_error(&r->err, RETORT_EDB, "%s", e.message);
	else
		rc = x.rc;
	r->conn = own;
	return rc;
}

void rt_replay_filter(retort *r, rt_schema *s)
{
	rt_strvec inc = RT_STRVEC_INIT, exc = RT_STRVEC_INIT;
	const char *i = rt_config_get(&r->cfg, "include_objects");
	const char *e = rt_config_get(&r->cfg, "exclude_objects");
	if (i)
		rt_strvec_split(&inc, i, " \t\n,");
	if (e)
		rt_strvec_split(&exc, e, " \t\n,");
	rt_strvec_push(&exc, r->cfg.version_table ? r->cfg.version_table : "alembic_version");
	rt_strvec_push(&exc, "retort_log");
	rt_schema_filter(s, &inc, &exc);
	rt_strvec_free(&inc);
	rt_strvec_free(&exc);
}

int rt_replay_inspect(retort *r, retort_conn *conn, rt_schema *out)
{
	retort_conn *own = r->conn;
	r->conn = conn;
	int rc = rt_inspect(r, out);
	r->conn = own;
	if (!rc)
		rt_replay_filter(r, out);
	return rc;
}

size_t rt_replay_differences(retort *r, const rt_schema *a, const rt_schema *b, size_t max,
			     rt_buf *text)
{
	rt_diff d;
	rt_diff_compute(&d, a, b, NULL, r->dialect->name, false);
	size_t n = d.n;
	for (size_t i = 0; i < d.n && (!max || i < max); i++) {
		if (i)
			rt_buf_puts(text, "; ");
		rt_op_describe(text, &d.ops[i]);
	}
	if (max && d.n > max)
		rt_buf_printf(text, "; and %zu more", d.n - max);
	rt_diff_free(&d);
	return n;
}
