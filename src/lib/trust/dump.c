/*
 * dump.c: `dump`, the database's schema as SQL, in the order and form
 * autogenerate writes it.
 */
#include "db.h"
#include "model.h"
#include "replay.h"
#include "trust.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>

/* --- dump ---------------------------------------------------------------------- */

/* The SQL that makes s in an empty database, in autogenerate's order. */
int rt_render_from_empty(retort *r, const rt_schema *s, bool down, rt_buf *out)
{
	rt_schema empty;
	memset(&empty, 0, sizeof(empty));
	rt_diff d;
	rt_diff_compute(&d, down ? s : &empty, down ? &empty : s, NULL, false);
	int rc = rt_diff_render(out, &d, r->backend->name, &r->err);
	rt_diff_free(&d);
	return rc;
}

int retort_dump(retort *r, char **sql_out)
{
	*sql_out = NULL;
	rt_err_clear(&r->err);
	rt_schema s;
	memset(&s, 0, sizeof(s));
	int rc = rt_project_connect(r);
	if (!rc)
		rc = rt_replay_inspect(r, r->conn, &s);
	rt_buf out = RT_BUF_INIT;
	if (!rc)
		rc = rt_render_from_empty(r, &s, false, &out);
	rt_schema_free(&s);
	if (rc) {
		rt_buf_free(&out);
		return rc;
	}
	*sql_out = out.ptr ? rt_buf_detach(&out) : rt_xstrdup("");
	return 0;
}
