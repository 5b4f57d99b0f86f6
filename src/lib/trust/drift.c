/*
 * drift.c: `drift`, the database is what its applied revisions make: they
 * run on a scratch database (replay.h) and the two schemas are compared
 * with the inspector.
 */
#include "db.h"
#include "model.h"
#include "replay.h"
#include "findings.h"
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

/* --- drift --------------------------------------------------------------------------- */

/* One difference as a sentence: what the database has that the history does not. */
static void drift_line(rt_buf *out, const rt_op *op)
{
	rt_buf what = RT_BUF_INIT;
	rt_op_describe(&what, op);
	const char *w = what.ptr;
	if (!strncmp(w, "add ", 4))
		rt_buf_printf(out, "%s is in the database but no revision makes it", w + 4);
	else if (!strncmp(w, "remove ", 7))
		rt_buf_printf(out, "%s is missing from the database", w + 7);
	else
		rt_buf_printf(out, "the database differs from what the revisions make: %s", w);
	rt_buf_free(&what);
}

int retort_drift(retort *r)
{
	rt_err_clear(&r->err);
	int rc = rt_project_state(r, true);
	if (rc)
		return rc;
	const rt_graph *g = &r->graph;
	rt_replay p;
	rc = rt_replay_open(r, &p);
	size_t napplied = 0;
	for (uint32_t k = 0; !rc && k < g->n; k++) {
		uint32_t n = g->order[k];
		if (!r->state.applied[n])
			continue;
		rc = rt_replay_section(&p, g->nodes[n].rf, true);
		napplied++;
	}
	rt_schema live, made;
	memset(&live, 0, sizeof(live));
	memset(&made, 0, sizeof(made));
	if (!rc)
		rc = rt_replay_inspect(r, p.sc.conn, &made);
	if (!rc)
		rc = rt_replay_inspect(r, r->conn, &live);
	size_t n = 0;
	if (!rc) {
		rt_diff d;
		rt_diff_compute(&d, &made, &live, NULL, false);
		for (size_t i = 0; i < d.n; i++) {
			rt_buf line = RT_BUF_INIT;
			drift_line(&line, &d.ops[i]);
			rt_problem(r, "drift", NULL, NULL, "%s", line.ptr);
			rt_buf_free(&line);
		}
		n = d.n;
		rt_diff_free(&d);
	}
	rt_schema_free(&live);
	rt_schema_free(&made);
	rc = rt_replay_close(&p, rc);
	if (rc)
		return rc;
	if (n)
		return rt_error(&r->err, RETORT_EDIFF, "the database has drifted: %zu difference%s "
				"from the %zu revision%s it has applied", n, n == 1 ? "" : "s",
				napplied, napplied == 1 ? "" : "s");
	rt_log(r, RETORT_LOG_INFO, "no drift: the database is what its %zu applied revision%s "
	       "make", napplied, napplied == 1 ? "" : "s");
	return 0;
}

/* verify or drift, its problems as data: 0 and the list, or why it could not look. */
int rt_report(retort *r, int (*fn)(retort *, const char *), const char *range,
	      retort_validation **out)
{
	*out = NULL;
	rt_findings *f = rt_findings_new();
	r->findings = f;
	int rc = fn(r, range);
	r->findings = NULL;
	if (rc == RETORT_EDIFF) { /* the problems are the answer */
		rt_err_clear(&r->err);
		rc = 0;
	}
	retort_validation *v = rt_findings_done(f);
	if (rc) {
		retort_validation_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

static int drift_range(retort *r, const char *range)
{
	(void)range;
	return retort_drift(r);
}

int retort_drift_report(retort *r, retort_validation **out)
{
	return rt_report(r, drift_range, NULL, out);
}
