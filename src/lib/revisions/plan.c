/*
 * plan.c: what an upgrade, a downgrade or a stamp will do, step by step.
 *
 * A plan is computed before anything runs: the steps in order, and for each
 * the version table changes Alembic would make.  They are those of
 * Alembic's HeadMaintainer.update_to_step, where r's down revisions D are
 * its parents and then its normalized dependencies (those no ancestor
 * already depends on):
 *
 *   upgrade r:    no row in D: INSERT r.  Several rows in D (a merge):
 *                 those of D that are no ancestor of another row stop
 *                 being rows (DELETE all but the last, UPDATE the last to
 *                 r).  One row in D: UPDATE it to r.
 *   downgrade r:  T = the members of D that are no ancestor of another row.
 *                 None: DELETE r.  Several down revisions (an unmerge):
 *                 INSERT all but the last of T, UPDATE r to the last.  One:
 *                 UPDATE r to it.
 *
 * Alembic walks every ancestor of the other rows on each step, which makes
 * `downgrade base` quadratic.  We do that walk only where D has several
 * members (merges, dependencies); for a plain step, "p is an ancestor of
 * another row" is "p has another applied child or dependent", which a
 * per-node count answers from r's own edges.  An unmerge may leave a row
 * that is an ancestor of another (r revises p and depends on a child of p:
 * both become rows), as Alembic's does; reading such rows is the same state.
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
	uint32_t *down;      /* one revision's D */
	uint32_t *stack;
	uint8_t *seen;
	uint8_t *anc;        /* the ancestors of the other rows */
} sim;

static void sim_init(sim *s, const rt_graph *g, const rt_state *st)
{
	size_t n = g->n ? g->n : 1;
	s->g = g;
	s->applied = rt_xmalloc(n);
	s->children = rt_xmalloc(n * sizeof(uint32_t));
	s->row = rt_xcalloc(n, 1);
	s->down = rt_xcalloc(n + 1, sizeof(uint32_t));
	s->stack = rt_xcalloc(n, sizeof(uint32_t));
	s->seen = rt_xcalloc(n, 1);
	s->anc = rt_xcalloc(n, 1);
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
	free(s->down);
	free(s->stack);
	free(s->seen);
	free(s->anc);
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

static const char *id_of(const sim *s, uint32_t i)
{
	return s->g->nodes[i].rf->id;
}

/* r's D into s->down: its parents, then its normalized dependencies, no repeats. */
static uint32_t down_of(sim *s, uint32_t r)
{
	const rt_node *nd = &s->g->nodes[r];
	uint32_t n = 0;
	for (uint32_t k = 0; k < nd->nparents; k++)
		s->down[n++] = nd->parents[k];
	uint32_t ndeps = rt_normalized_deps(s->g, r, s->down + n, s->stack, s->seen);
	for (uint32_t k = 0, keep = n; k < ndeps; k++) {
		uint32_t q = s->down[keep + k];
		bool dup = false;
		for (uint32_t i = 0; i < n && !dup; i++)
			dup = s->down[i] == q;
		if (!dup)
			s->down[n++] = q;
	}
	return n;
}

/* s->anc: every row but those in but[], and all their ancestors. */
static void mark_other_rows(sim *s, const uint32_t *but, uint32_t nbut)
{
	memset(s->anc, 0, s->g->n);
	for (uint32_t i = 0; i < s->g->n; i++) {
		bool skip = !s->row[i];
		for (uint32_t k = 0; k < nbut && !skip; k++)
			skip = but[k] == i;
		if (!skip)
			rt_graph_mark(s->g, i, RT_WALK_UP, NULL, 0, s->anc, s->stack);
	}
}

static void step_upgrade(sim *s, rt_step *st, uint32_t r)
{
	const rt_node *nd = &s->g->nodes[r];
	uint32_t nd_down = down_of(s, r), nrows = 0, last = RT_NIL;
	st->kind = RT_STEP_UPGRADE;
	st->node = r;
	for (uint32_t k = 0; k < nd_down; k++)
		nrows += s->row[s->down[k]];
	if (nrows > 1)
		mark_other_rows(s, s->down, nd_down);
	for (uint32_t k = 0; k < nd_down; k++) {
		uint32_t q = s->down[k];
		if (!s->row[q] || (nrows > 1 && s->anc[q]))
			continue;
		if (last != RT_NIL) {
			add_op(st, RT_ROW_DELETE, id_of(s, last), NULL);
			s->row[last] = 0;
		}
		last = q;
	}
	if (last != RT_NIL) {
		add_op(st, RT_ROW_UPDATE, id_of(s, last), nd->rf->id);
		s->row[last] = 0;
	} else {
		add_op(st, RT_ROW_INSERT, NULL, nd->rf->id);
	}
	for (uint32_t k = 0, q; (q = rt_pred_at(nd, k)) != RT_NIL; k++)
		s->children[q]++;
	s->applied[r] = 1;
	s->row[r] = 1;
	st->from_desc = join_parents(s->g, nd);
	st->to_desc = rt_xstrdup(nd->rf->id);
}

static void step_downgrade(sim *s, rt_step *st, uint32_t r)
{
	const rt_node *nd = &s->g->nodes[r];
	uint32_t nd_down = down_of(s, r), nfreed = 0;
	st->kind = RT_STEP_DOWNGRADE;
	st->node = r;
	s->applied[r] = 0;
	s->row[r] = 0;
	for (uint32_t k = 0, q; (q = rt_pred_at(nd, k)) != RT_NIL; k++)
		s->children[q]--;
	if (nd_down > 1)
		mark_other_rows(s, NULL, 0);
	/* T, compacted at the front of s->down */
	for (uint32_t k = 0; k < nd_down; k++) {
		uint32_t q = s->down[k];
		bool other = nd_down > 1 ? s->anc[q] : (s->children[q] || s->row[q]);
		if (!other && s->applied[q])
			s->down[nfreed++] = q;
	}
	if (!nfreed) {
		add_op(st, RT_ROW_DELETE, nd->rf->id, NULL);
	} else {
		for (uint32_t i = 0; i + 1 < nfreed; i++)
			add_op(st, RT_ROW_INSERT, NULL, id_of(s, s->down[i]));
		add_op(st, RT_ROW_UPDATE, nd->rf->id, id_of(s, s->down[nfreed - 1]));
		for (uint32_t i = 0; i < nfreed; i++)
			s->row[s->down[i]] = 1;
	}
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
	/* Alembic's order from the targets down, run backwards */
	uint32_t *order = rt_xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	size_t norder = rt_alembic_order(g, want, targets, ntargets, order);
	for (size_t k = norder; k-- > 0;) {
		uint32_t r = order[k];
		rt_step *step = plan_add(p);
		step_upgrade(&s, step, r);
		rt_rows_apply(&p->rows_after, step);
	}
	free(order);
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
	/* Alembic's order from the database's heads down */
	uint32_t *heads = rt_xcalloc(st->rows.len + 1, sizeof(uint32_t));
	for (size_t i = 0; i < st->rows.len; i++) {
		const rt_node *nd = rt_graph_get(g, st->rows.v[i]);
		heads[i] = nd ? (uint32_t)(nd - g->nodes) : RT_NIL;
	}
	uint32_t *order = rt_xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	size_t norder = rt_alembic_order(g, drop, heads, st->rows.len, order);
	for (size_t k = 0; k < norder; k++) {
		rt_step *step = plan_add(p);
		step_downgrade(&s, step, order[k]);
		rt_rows_apply(&p->rows_after, step);
	}
	free(order);
	free(heads);
	sim_free(&s);
	free(drop);
	(void)err;
	return 0;
}

/* Whether a and b are on one line: one is an ancestor (or dependency) of the other. */
static bool same_lineage(const rt_graph *g, uint32_t a, uint32_t b, uint8_t *mark,
			 uint32_t *stack)
{
	if (a == b)
		return true;
	memset(mark, 0, g->n);
	rt_graph_mark(g, a, RT_WALK_UP, NULL, 0, mark, stack);
	if (mark[b])
		return true;
	memset(mark, 0, g->n);
	rt_graph_mark(g, a, RT_WALK_DOWN, NULL, 0, mark, stack);
	return mark[b] != 0;
}

static char *join_ids(const rt_graph *g, const uint32_t *v, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		rt_buf_printf(&b, "%s%s", i ? ", " : "", g->nodes[v[i]].rf->id);
	return rt_buf_detach(&b);
}

static bool in_rows(const rt_strvec *rows, const char *id)
{
	return rt_strvec_contains(rows, id);
}

/*
 * One stamp step, from the revisions `from` to `to` (RT_NIL: base), applied
 * to the rows as Alembic's HeadMaintainer applies a StampStep: delete a
 * branch (to base), create one (a line not in the rows), merge several rows
 * into one, or move one row.
 */
static void stamp_step(rt_plan *p, const rt_graph *g, const uint32_t *from, size_t nfrom,
		       uint32_t to, bool up, bool branch_move)
{
	rt_step *st = plan_add(p);
	st->kind = RT_STEP_STAMP;
	st->node = RT_NIL;
	const char *to_id = to == RT_NIL ? NULL : g->nodes[to].rf->id;
	const rt_strvec *rows = &p->rows_after;
	bool from_not_rows = false;
	for (size_t i = 0; i < nfrom; i++)
		from_not_rows |= !in_rows(rows, g->nodes[from[i]].rf->id);
	if (!up && branch_move) {
		if (nfrom)
			add_op(st, RT_ROW_DELETE, g->nodes[from[0]].rf->id, NULL);
	} else if (up && (branch_move || from_not_rows) && to_id && !in_rows(rows, to_id)) {
		add_op(st, RT_ROW_INSERT, NULL, to_id);
	} else if (nfrom > 1) {
		for (size_t i = 0; i + 1 < nfrom; i++)
			add_op(st, RT_ROW_DELETE, g->nodes[from[i]].rf->id, NULL);
		add_op(st, RT_ROW_UPDATE, g->nodes[from[nfrom - 1]].rf->id, to_id);
	} else if (nfrom == 1 && to_id) {
		add_op(st, RT_ROW_UPDATE, g->nodes[from[0]].rf->id, to_id);
	} else if (to_id && !in_rows(rows, to_id)) {
		/* Alembic asserts here; a new row is what the stamp means */
		add_op(st, RT_ROW_INSERT, NULL, to_id);
	}
	st->from_desc = join_ids(g, from, nfrom);
	st->to_desc = rt_xstrdup(to_id ? to_id : "");
	rt_rows_apply(&p->rows_after, st);
}

/*
 * Alembic's stamp (ScriptDirectory._stamp_revs): the rows that share a line
 * with a target or its branch label are "the heads filtered" (every row
 * when an argument names neither, as "base" does); then for each target,
 * in order: base deletes each of them, one step each; a target already
 * among them is left alone; one above them (or below) replaces them all in
 * one step; one on a line of its own is a new row.
 */
int rt_plan_stamp(rt_plan *p, const rt_graph *g, const rt_state *st, const rt_targets *tg,
		  bool purge, rt_err *err)
{
	const uint32_t *targets = tg->v;
	size_t ntargets = tg->n;
	size_t n = g->n ? g->n : 1;
	uint8_t *mark = rt_xcalloc(n, 1);
	uint32_t *stack = rt_xcalloc(n, sizeof(uint32_t));
	uint32_t *heads = rt_xcalloc(st->rows.len + 1, sizeof(uint32_t));
	size_t nheads = 0;

	plan_start(p, st);
	if (purge)
		rt_strvec_clear(&p->rows_after);
	for (size_t i = 0; i < p->rows_after.len; i++) {
		const rt_node *nd = rt_graph_get(g, p->rows_after.v[i]);
		uint32_t h = (uint32_t)(nd - g->nodes);
		bool keep = tg->line_all;
		for (size_t l = 0; !keep && l < tg->nline; l++)
			keep = same_lineage(g, h, tg->line[l], mark, stack);
		if (keep)
			heads[nheads++] = h;
	}
	if (!ntargets) {
		for (size_t i = 0; i < nheads; i++)
			stamp_step(p, g, &heads[i], 1, RT_NIL, false, true);
	}
	for (size_t t = 0; t < ntargets; t++) {
		uint32_t dest = targets[t];
		bool among = false, above = false, below = false;
		for (size_t i = 0; i < nheads; i++)
			among |= heads[i] == dest;
		if (among)
			continue;
		memset(mark, 0, n);
		rt_graph_mark(g, dest, RT_WALK_DOWN, NULL, 0, mark, stack);
		for (size_t i = 0; i < nheads; i++)
			above |= mark[heads[i]] != 0;
		memset(mark, 0, n);
		rt_graph_mark(g, dest, RT_WALK_UP, NULL, 0, mark, stack);
		for (size_t i = 0; i < nheads; i++)
			below |= mark[heads[i]] != 0;
		if (above)
			stamp_step(p, g, heads, nheads, dest, false, false);
		else if (below)
			stamp_step(p, g, heads, nheads, dest, true, false);
		else
			stamp_step(p, g, NULL, 0, dest, true, true);
	}
	if (purge && p->n == 0) {
		/* --purge alone still empties the table: one step that does it */
		rt_step *s = plan_add(p);
		s->kind = RT_STEP_STAMP;
		s->node = RT_NIL;
		s->from_desc = rt_xstrdup("");
		s->to_desc = rt_xstrdup("");
	}
	free(mark);
	free(stack);
	free(heads);
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
