/*
 * plan.c: what an upgrade, a downgrade or a stamp will do, step by step.
 *
 * A plan is computed before anything runs: the steps in order, and for each
 * the version table changes Alembic would make.  Those follow from one rule:
 * the rows are exactly the applied revisions that no applied revision
 * revises or depends on.  We keep, per node, a count of its applied
 * children (and dependents), so that each step decides its row changes by
 * looking at its own edges only.  Alembic instead walks every ancestor of
 * the other heads on each step, which makes `downgrade base` quadratic.
 *
 *   upgrade r:    the parents and dependencies of r that are rows stop being
 *                 rows (DELETE all but the last, UPDATE the last to r);
 *                 none: INSERT r.
 *   downgrade r:  r stops being a row; each parent or dependency left with
 *                 no applied child becomes one (UPDATE r to the last of
 *                 them, INSERT the others); none: DELETE r.
 */
#include "graph.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <string.h>

typedef struct sim {
	const rt_graph *g;
	uint8_t *applied;
	uint32_t *children;  /* applied children and dependents */
	uint8_t *row;
} sim;

static void sim_init(sim *s, const rt_graph *g, const rt_state *st)
{
	size_t n = g->n ? g->n : 1;
	s->g = g;
	s->applied = rt_xmalloc(n);
	s->children = rt_xmalloc(n * sizeof(uint32_t));
	s->row = rt_xcalloc(n, 1);
	memcpy(s->applied, st->applied, g->n);
	memcpy(s->children, st->applied_children, g->n * sizeof(uint32_t));
	for (size_t i = 0; i < st->rows.len; i++) {
		const rt_node *nd = rt_graph_get(g, st->rows.v[i]);
		if (nd)
			s->row[nd - g->nodes] = 1;
	}
}

static void sim_free(sim *s)
{
	free(s->applied);
	free(s->children);
	free(s->row);
}

static void add_op(rt_step *st, rt_row_kind kind, const char *from, const char *to)
{
	st->ops = rt_xreallocarray(st->ops, st->nops + 1, sizeof(*st->ops));
	st->ops[st->nops].kind = kind;
	st->ops[st->nops].from = from;
	st->ops[st->nops].to = to;
	st->nops++;
}

static char *join_parents(const rt_graph *g, const rt_node *nd)
{
	rt_buf b = RT_BUF_INIT;
	for (uint32_t i = 0; i < nd->nparents; i++) {
		if (i)
			rt_buf_puts(&b, ", ");
		rt_buf_puts(&b, g->nodes[nd->parents[i]].rf->id);
	}
	return rt_buf_detach(&b);
}

/* The edges of r in Alembic's down-revision order: parents, then dependencies. */
static uint32_t down_at(const rt_node *nd, uint32_t k)
{
	if (k < nd->nparents)
		return nd->parents[k];
	k -= nd->nparents;
	return k < nd->ndeps ? nd->deps[k] : RT_NIL;
}

static void step_upgrade(sim *s, rt_step *st, uint32_t r)
{
	const rt_node *nd = &s->g->nodes[r];
	uint32_t last = RT_NIL;
	st->kind = RT_STEP_UPGRADE;
	st->node = r;
	for (uint32_t k = 0, q; (q = down_at(nd, k)) != RT_NIL; k++) {
		if (!s->row[q])
			continue;
		if (last != RT_NIL)
			add_op(st, RT_ROW_DELETE, s->g->nodes[last].rf->id, NULL);
		last = q;
		s->row[q] = 0;
	}
	if (last != RT_NIL)
		add_op(st, RT_ROW_UPDATE, s->g->nodes[last].rf->id, nd->rf->id);
	else
		add_op(st, RT_ROW_INSERT, NULL, nd->rf->id);
	for (uint32_t k = 0, q; (q = down_at(nd, k)) != RT_NIL; k++)
		s->children[q]++;
	s->applied[r] = 1;
	s->row[r] = 1;
	st->from_desc = join_parents(s->g, nd);
	st->to_desc = rt_xstrdup(nd->rf->id);
}

static void step_downgrade(sim *s, rt_step *st, uint32_t r)
{
	const rt_node *nd = &s->g->nodes[r];
	uint32_t nfreed = 0;
	uint32_t *freed = rt_xcalloc(nd->nparents + nd->ndeps + 1, sizeof(uint32_t));
	st->kind = RT_STEP_DOWNGRADE;
	st->node = r;
	s->applied[r] = 0;
	s->row[r] = 0;
	for (uint32_t k = 0, q; (q = down_at(nd, k)) != RT_NIL; k++) {
		if (--s->children[q] || !s->applied[q] || s->row[q])
			continue;
		s->row[q] = 1;
		freed[nfreed++] = q;
	}
	if (!nfreed) {
		add_op(st, RT_ROW_DELETE, nd->rf->id, NULL);
	} else {
		add_op(st, RT_ROW_UPDATE, nd->rf->id, s->g->nodes[freed[nfreed - 1]].rf->id);
		for (uint32_t i = 0; i + 1 < nfreed; i++)
			add_op(st, RT_ROW_INSERT, NULL, s->g->nodes[freed[i]].rf->id);
	}
	free(freed);
	st->from_desc = rt_xstrdup(nd->rf->id);
	st->to_desc = join_parents(s->g, nd);
}

static void plan_start(rt_plan *p, const rt_state *st)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < st->rows.len; i++)
		rt_strvec_push(&p->rows_before, st->rows.v[i]);
	for (size_t i = 0; i < st->rows.len; i++)
		rt_strvec_push(&p->rows_after, st->rows.v[i]);
}

static rt_step *plan_add(rt_plan *p)
{
	p->steps = rt_xreallocarray(p->steps, p->n + 1, sizeof(*p->steps));
	memset(&p->steps[p->n], 0, sizeof(*p->steps));
	return &p->steps[p->n++];
}

int rt_plan_upgrade(rt_plan *p, const rt_graph *g, const rt_state *st,
		    const uint32_t *targets, size_t ntargets, rt_err *err)
{
	uint8_t *want = rt_xcalloc(g->n ? g->n : 1, 1);
	uint32_t *stack = rt_xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	sim s;

	plan_start(p, st);
	for (size_t i = 0; i < ntargets; i++)
		rt_graph_mark(g, targets[i], RT_WALK_UP, st->applied, 0, want, stack);
	sim_init(&s, g, st);
	for (uint32_t k = 0; k < g->n; k++) {
		uint32_t r = g->order[k];
		if (!want[r])
			continue;
		rt_step *step = plan_add(p);
		step_upgrade(&s, step, r);
		rt_rows_apply(&p->rows_after, step);
	}
	sim_free(&s);
	free(want);
	free(stack);
	(void)err;
	return 0;
}

/* Mark seeds and every applied node that descends from them. */
static uint8_t *applied_descendants(const rt_graph *g, const rt_state *st,
				    const uint32_t *seeds, size_t nseeds)
{
	uint8_t *mark = rt_xcalloc(g->n ? g->n : 1, 1);
	uint32_t *stack = rt_xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	for (size_t i = 0; i < nseeds; i++)
		rt_graph_mark(g, seeds[i], RT_WALK_DOWN, st->applied, 1, mark, stack);
	free(stack);
	return mark;
}

int rt_plan_downgrade(rt_plan *p, const rt_graph *g, const rt_state *st,
		      const uint32_t *seeds, size_t nseeds, rt_err *err)
{
	uint8_t *drop = applied_descendants(g, st, seeds, nseeds);
	sim s;

	plan_start(p, st);
	sim_init(&s, g, st);
	for (uint32_t k = g->n; k-- > 0;) {
		uint32_t r = g->order[k];
		if (!drop[r])
			continue;
		rt_step *step = plan_add(p);
		step_downgrade(&s, step, r);
		rt_rows_apply(&p->rows_after, step);
	}
	sim_free(&s);
	free(drop);
	(void)err;
	return 0;
}

/*
 * Alembic's stamp: each target replaces the rows on its line (its ancestors
 * and descendants); rows on unrelated branches stay.  A row that the others
 * already imply is then dropped.  No targets means base: no row stays.
 */
int rt_plan_stamp(rt_plan *p, const rt_graph *g, const rt_state *st,
		  const uint32_t *targets, size_t ntargets, bool purge, rt_err *err)
{
	size_t n = g->n ? g->n : 1;
	uint8_t *related = rt_xcalloc(n, 1), *below = rt_xcalloc(n, 1);
	uint8_t *keep = rt_xcalloc(n, 1);
	uint32_t *stack = rt_xcalloc(n, sizeof(uint32_t));
	rt_strvec del = RT_STRVEC_INIT, ins = RT_STRVEC_INIT;

	plan_start(p, st);
	if (purge)
		rt_strvec_clear(&p->rows_after);
	for (size_t i = 0; i < ntargets; i++) {
		rt_graph_mark(g, targets[i], RT_WALK_UP, NULL, 0, related, stack);
		related[targets[i]] = 0;
		rt_graph_mark(g, targets[i], RT_WALK_DOWN, NULL, 0, related, stack);
		keep[targets[i]] = 1;
	}
	/* with no target ("stamp base") no row stays */
	for (size_t i = 0; ntargets && i < p->rows_after.len; i++) {
		const rt_node *nd = rt_graph_get(g, p->rows_after.v[i]);
		if (!related[nd - g->nodes])
			keep[nd - g->nodes] = 1;
	}
	/* below: strict ancestors of what is kept */
	for (uint32_t i = 0; i < g->n; i++)
		if (keep[i])
			for (uint32_t k = 0, q; (q = rt_pred_at(&g->nodes[i], k)) != RT_NIL; k++)
				rt_graph_mark(g, q, RT_WALK_UP, NULL, 0, below, stack);

	rt_strvec newrows = RT_STRVEC_INIT;
	for (size_t i = 0; i < p->rows_after.len; i++) {
		const rt_node *nd = rt_graph_get(g, p->rows_after.v[i]);
		uint32_t k = (uint32_t)(nd - g->nodes);
		if (keep[k] && !below[k])
			rt_strvec_push(&newrows, nd->rf->id);
		else
			rt_strvec_push(&del, nd->rf->id);
	}
	for (size_t i = 0; i < ntargets; i++) {
		const char *id = g->nodes[targets[i]].rf->id;
		if (!below[targets[i]] && !rt_strvec_contains(&newrows, id)) {
			rt_strvec_push(&newrows, id);
			rt_strvec_push(&ins, id);
		}
	}

	/*
	 * Rows to drop become UPDATEs to rows to add where they pair up, as
	 * Alembic writes a stamp from one revision to another.  The ops point
	 * into the graph's ids, which outlive the plan; every row is known
	 * (rt_state_init refused unknown ones, and --purge starts empty).
	 */
	rt_step *step = plan_add(p);
	step->kind = RT_STEP_STAMP;
	step->node = RT_NIL;
	for (size_t i = 0; i < del.len || i < ins.len; i++) {
		const char *from = i < del.len ? rt_graph_get(g, del.v[i])->rf->id : NULL;
		const char *to = i < ins.len ? rt_graph_get(g, ins.v[i])->rf->id : NULL;
		if (from && to)
			add_op(step, RT_ROW_UPDATE, from, to);
		else if (from)
			add_op(step, RT_ROW_DELETE, from, NULL);
		else
			add_op(step, RT_ROW_INSERT, NULL, to);
	}
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < p->rows_after.len; i++)
		rt_buf_printf(&b, "%s%s", i ? ", " : "", p->rows_after.v[i]);
	step->from_desc = rt_buf_detach(&b);
	for (size_t i = 0; i < newrows.len; i++)
		rt_buf_printf(&b, "%s%s", i ? ", " : "", newrows.v[i]);
	step->to_desc = rt_buf_detach(&b);
	rt_strvec_free(&p->rows_after);
	p->rows_after = newrows;

	rt_strvec_free(&del);
	rt_strvec_free(&ins);
	free(related);
	free(below);
	free(keep);
	free(stack);
	(void)err;
	return 0;
}

void rt_plan_free(rt_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->steps[i].ops);
		free(p->steps[i].from_desc);
		free(p->steps[i].to_desc);
	}
	free(p->steps);
	rt_strvec_free(&p->rows_before);
	rt_strvec_free(&p->rows_after);
	memset(p, 0, sizeof(*p));
}

static void rows_remove(rt_strvec *rows, const char *id)
{
	for (size_t i = 0; i < rows->len; i++) {
		if (strcmp(rows->v[i], id))
			continue;
		free(rows->v[i]);
		memmove(&rows->v[i], &rows->v[i + 1], (rows->len - i) * sizeof(char *));
		rows->len--;
		return;
	}
}

void rt_rows_apply(rt_strvec *rows, const rt_step *s)
{
	for (uint32_t i = 0; i < s->nops; i++) {
		const rt_row_op *op = &s->ops[i];
		if (op->kind == RT_ROW_DELETE || op->kind == RT_ROW_UPDATE)
			rows_remove(rows, op->from);
		if (op->kind == RT_ROW_INSERT || op->kind == RT_ROW_UPDATE)
			rt_strvec_push(rows, op->to);
	}
}

bool rt_rows_equal(const rt_strvec *a, const rt_strvec *b)
{
	if (a->len != b->len)
		return false;
	for (size_t i = 0; i < a->len; i++)
		if (!rt_strvec_contains(b, a->v[i]))
			return false;
	return true;
}
