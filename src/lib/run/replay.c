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
	rt_diff_compute(&d, a, b, NULL, false);
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

/* One row, its fields joined by \x1f, every run of blanks in them one space. */
static int add_row(void *data, int ncols, const char *const *values)
{
	rt_strvec *rows = data;
	rt_buf b = RT_BUF_INIT;
	for (int i = 0; i < ncols; i++) {
		const char *c = values[i] ? values[i] : "\\N";
		while (*c) {
			size_t n = strcspn(c, " \t\n\r");
			rt_buf_put(&b, c, n);
			c += n;
			if (*c) {
				rt_buf_putc(&b, ' ');
				c += strspn(c, " \t\n\r");
			}
		}
		rt_buf_putc(&b, '\x1f');
	}
	rt_strvec_push_owned(rows, rt_buf_detach(&b));
	return 0;
}

int rt_replay_fingerprint(retort *r, retort_conn *conn, rt_strvec *out)
{
	rt_strvec_clear(out);
	retort_conn *own = r->conn;
	r->conn = conn;
	/* equal fingerprints are equal schemas (backends/backend.h) */
	int rc = r->backend->fingerprint_sql
			 ? rt_db_query(r, r->backend->fingerprint_sql, add_row, out)
			 : rt_error(&r->err, RETORT_EUNSUPPORTED, "retort cannot compare %s "
				    "schemas yet", r->backend->name);
	r->conn = own;
	rt_strvec_sort(out); /* byte order, whatever the database's collation */
	return rc;
}

/* --- A scratch database to replay on (verify, drift) ---------------------------------- */

int rt_replay_open(retort *r, rt_replay *p)
{
	memset(p, 0, sizeof(*p));
	p->r = r;
	int rc = rt_scratch_own_database(r, &p->sc, &p->url);
	/* nothing on a scratch database needs to survive a crash */
	if (!rc)
		rc = rt_replay_exec(r, p->sc.conn, r->backend->no_durability_sql);
	return rc;
}

int rt_replay_close(rt_replay *p, int rc)
{
	if (p->url) {
		explicit_bzero(p->url, strlen(p->url));
		free(p->url);
		p->url = NULL;
	}
	if (p->sc.conn || p->sc.dbname || p->sc.file)
		rc = rt_scratch_close(p->r, &p->sc, rc);
	return rc;
}

/* The SQL a revision's section runs, or an error for an Alembic module. */
static int section_of(retort *r, const rt_revfile *rf, bool up, const char **sql)
{
	if (rf->python)
		return rt_error(&r->err, RETORT_EPARSE,
				"%s: an Alembic revision with no .sql twin; `retort convert` "
				"writes its SQL", rf->path);
	*sql = up ? rf->upgrade.sql : rf->downgrade.sql;
	return 0;
}

int rt_replay_section(rt_replay *p, const rt_revfile *rf, bool up)
{
	const char *sql = NULL;
	int rc = section_of(p->r, rf, up, &sql);
	if (!rc && (rc = rt_replay_exec(p->r, p->sc.conn, sql)))
		rc = rt_error_wrap(&p->r->err, rc, "%s: its %s failed: ", rf->path,
				   up ? "upgrade" : "downgrade");
	return rc;
}
