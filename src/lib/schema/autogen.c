/*
 * autogen.c: retort_diff(), the comparison behind `revision --autogenerate`,
 * `check` and `diff`.
 *
 * The database side is the project's database, read through its catalog;
 * the model side is the model loaded into a scratch database and read the
 * same way (model.c).  Both are filtered alike (include_objects,
 * exclude_objects, and always the version table and retort_log), then
 * compared both ways: database -> model is the upgrade, model -> database
 * (with the renames turned round) the downgrade.
 */
#include "db.h"
#include "diff.h"
#include "model.h"
#include "project.h"
#include "replay.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

typedef struct diff_result {
	retort_diff_result pub;
	retort_op *ops;
	rt_strvec strings;  /* every string the ops point to */
} diff_result;

/* The database must hold exactly the heads (Alembic's check, in words). */
static int require_head(retort *r)
{
	int rc = rt_project_state(r, true);
	if (rc)
		return rc;
	const rt_graph *g = &r->graph;
	size_t nheads = 0;
	bool ok = true;
	for (uint32_t i = 0; i < g->nheads; i++) {
		const rt_node *n = &g->nodes[g->heads[i]];
		if (n->ndependents)
			continue;
		nheads++;
		ok = ok && rt_strvec_contains(&r->state.rows, n->pub.id);
	}
	if (!ok || nheads != r->state.rows.len)
		return rt_error(&r->err, RETORT_ESTATE, "Target database is not up to date.");
	return 0;
}

static const char *keep(diff_result *res, const char *s)
{
	if (!s)
		return NULL;
	rt_strvec_push(&res->strings, s);
	return res->strings.v[res->strings.len - 1];
}

static void result_ops(diff_result *res, const rt_diff *d)
{
	res->ops = rt_xcalloc(d->n + 1, sizeof(*res->ops));
	/* strings first, pointers after: the vector moves as it grows */
	size_t base = res->strings.len;
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		rt_buf text = RT_BUF_INIT;
		rt_op_describe(&text, op);
		rt_strvec_push(&res->strings, rt_op_kind_name(op->kind));
		rt_strvec_push(&res->strings, op->table ? op->table : "");
		rt_strvec_push(&res->strings, op->name ? op->name : "");
		rt_strvec_push_owned(&res->strings, rt_buf_detach(&text));
		rt_strvec_push(&res->strings, op->review ? op->review : "");
	}
	for (size_t i = 0; i < d->n; i++) {
		char **s = res->strings.v + base + i * 5;
		const rt_op *op = &d->ops[i];
		res->ops[i] = (retort_op){ s[0], op->table ? s[1] : NULL, op->name ? s[2] : NULL,
					   s[3], op->review ? s[4] : NULL };
	}
	res->pub.ops = res->ops;
	res->pub.nops = d->n;
}

/* Compare, render both ways, and fill res. */
static int compare(retort *r, const rt_schema *db, const rt_schema *model,
		   const rt_renames *renames, diff_result *res)
{
	const char *dialect = r->backend->name;
	rt_renames back;
	rt_diff up, down;
	rt_buf upsql = RT_BUF_INIT, downsql = RT_BUF_INIT;
	rt_renames_invert(&back, renames);
	rt_diff_compute(&up, db, model, renames, true);
	rt_diff_compute(&down, model, db, &back, false);
	int rc = rt_diff_render(&upsql, &up, dialect, &r->err);
	if (!rc)
		rc = rt_diff_render(&downsql, &down, dialect, &r->err);
	if (!rc) {
		result_ops(res, &up);
		res->pub.upgrade_sql = keep(res, upsql.ptr);
		res->pub.downgrade_sql = keep(res, downsql.ptr);
	}
	rt_buf_free(&upsql);
	rt_buf_free(&downsql);
	rt_diff_free(&up);
	rt_diff_free(&down);
	rt_renames_free(&back);
	return rc;
}

void retort_diff_free(retort_diff_result *d)
{
	diff_result *res = (diff_result *)d;
	if (!res)
		return;
	free(res->ops);
	rt_strvec_free(&res->strings);
	free(res);
}

int retort_diff(retort *r, unsigned flags, retort_diff_result **out)
{
	*out = NULL;
	rt_err_clear(&r->err);
	rt_schema db = { 0 }, model = { 0 };
	rt_renames renames = { 0 };
	diff_result *res = rt_xcalloc(1, sizeof(*res));
	int rc = (flags & RETORT_DIFF_AT_HEAD) ? require_head(r) : rt_project_connect(r);
	if (!rc)
		rc = rt_inspect(r, &db);
	if (!rc)
		rc = rt_model_load(r, &model, &renames, &db);
	if (rc)
		goto done;
	rt_replay_filter(r, &db);
	rt_replay_filter(r, &model);
	rc = compare(r, &db, &model, &renames, res);
done:
	if (rc) {
		retort_diff_free(&res->pub);
	} else {
		*out = &res->pub;
	}
	rt_schema_free(&db);
	rt_schema_free(&model);
	rt_renames_free(&renames);
	return rc;
}
