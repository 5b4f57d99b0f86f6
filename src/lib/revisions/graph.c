/*
 * graph.c: building the revision graph, and the database's state in it.
 *
 * Building is linear: one hash-map insert per id, one look-up per edge, one
 * iterative depth-first walk for the topological order (which also finds
 * cycles).  The order is chosen to match Alembic's: a merge's parents are
 * visited last-first, so that `upgrade` applies them in the order Alembic
 * does and `history` (the order reversed) lists them as Alembic does.
 */
#include "graph.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <string.h>


static int add_ids(rt_err *err, rt_node *nodes, uint32_t n, rt_map *by_id)
{
	for (uint32_t i = 0; i < n; i++) {
		rt_node *prev = rt_map_put(by_id, nodes[i].rf->id, &nodes[i]);
		if (prev) {
			rt_map_put(by_id, prev->rf->id, prev);
			return rt_error_at(err, RETORT_EPARSE, nodes[i].rf->path, nodes[i].rf->id_line,
					   "revision id '%s' is also used by '%s'",
					nodes[i].rf->id, prev->rf->path);
		}
	}
	return 0;
}

static int add_labels(rt_err *err, rt_node *nodes, uint32_t n, rt_map *by_label,
		      const rt_map *by_id)
{
	for (uint32_t i = 0; i < n; i++) {
		const rt_strvec *labels = &nodes[i].rf->branch_labels;
		for (size_t j = 0; j < labels->len; j++) {
			const char *l = labels->v[j];
			rt_node *prev = rt_map_put(by_label, l, &nodes[i]);
			if (prev && prev != &nodes[i])
				return rt_error_at(err, RETORT_EPARSE, nodes[i].rf->path, nodes[i].rf->id_line,
						   "branch label '%s' is already used by revision '%s'", l,
						prev->rf->id);
			rt_node *same = rt_map_get(by_id, l);
			if (same && same != &nodes[i])
				return rt_error_at(err, RETORT_EPARSE, nodes[i].rf->path, nodes[i].rf->id_line,
						   "branch label '%s' is the id of revision '%s'", l,
						same->rf->path);
		}
	}
	return 0;
}

static bool has_idx(const uint32_t *v, uint32_t n, uint32_t x)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* Resolve Revises and Depends On of one node to indices. */
static int link_node(rt_err *err, rt_graph *g, rt_node *nd, uint32_t **pool)
{
	const rt_revfile *rf = nd->rf;
	nd->parents = *pool;
	*pool += rf->revises.len;
	for (size_t j = 0; j < rf->revises.len; j++) {
		rt_node *p = rt_map_get(&g->by_id, rf->revises.v[j]);
		if (!p)
			return rt_error_at(err, RETORT_EPARSE, rf->path, rf->revises_line,
					   "unknown revision '%s' in 'Revises'",
					   rf->revises.v[j]);
		uint32_t pi = (uint32_t)(p - g->nodes);
		if (p == nd)
			return rt_error_at(err, RETORT_EPARSE, rf->path, rf->revises_line,
					   "revision '%s' revises itself", rf->id);
		if (!has_idx(nd->parents, nd->nparents, pi))
			nd->parents[nd->nparents++] = pi;
	}
	nd->deps = *pool;
	*pool += rf->depends_on.len;
	for (size_t j = 0; j < rf->depends_on.len; j++) {
		const char *name = rf->depends_on.v[j];
		rt_node *d = rt_map_get(&g->by_id, name);
		if (!d)
			d = rt_map_get(&g->by_label, name);
		if (!d)
			return rt_error_at(err, RETORT_EPARSE, rf->path, rf->depends_on_line,
					   "unknown revision or branch label '%s' in 'Depends On'", name);
		uint32_t di = (uint32_t)(d - g->nodes);
		if (d == nd)
			return rt_error_at(err, RETORT_EPARSE, rf->path, rf->depends_on_line,
					   "revision '%s' depends on itself", rf->id);
		if (!has_idx(nd->deps, nd->ndeps, di) && !has_idx(nd->parents, nd->nparents, di))
			nd->deps[nd->ndeps++] = di;
	}
	return 0;
}

/* Fill children and dependents with two passes (count, then place). */
static void link_reverse(rt_graph *g, uint32_t *pool)
{
	for (uint32_t i = 0; i < g->n; i++) {
		rt_node *nd = &g->nodes[i];
		for (uint32_t j = 0; j < nd->nparents; j++)
			g->nodes[nd->parents[j]].nchildren++;
		for (uint32_t j = 0; j < nd->ndeps; j++)
			g->nodes[nd->deps[j]].ndependents++;
	}
	for (uint32_t i = 0; i < g->n; i++) {
		rt_node *nd = &g->nodes[i];
		nd->children = pool;
		pool += nd->nchildren;
		nd->dependents = pool;
		pool += nd->ndependents;
		nd->nchildren = nd->ndependents = 0;
	}
	for (uint32_t i = 0; i < g->n; i++) {
		rt_node *nd = &g->nodes[i];
		for (uint32_t j = 0; j < nd->nparents; j++) {
			rt_node *p = &g->nodes[nd->parents[j]];
			p->children[p->nchildren++] = i;
		}
		for (uint32_t j = 0; j < nd->ndeps; j++) {
			rt_node *d = &g->nodes[nd->deps[j]];
			d->dependents[d->ndependents++] = i;
		}
	}
}


static int cycle_error(rt_err *err, const rt_graph *g, const uint32_t *stack,
		       uint32_t depth, uint32_t back)
{
	rt_buf b = RT_BUF_INIT;
	uint32_t from = depth;
	while (from > 0 && stack[from - 1] != back)
		from--;
	if (from > 0)
		from--;
	for (uint32_t i = from; i < depth; i++)
		rt_buf_printf(&b, "%s -> ", g->nodes[stack[i]].rf->id);
	rt_buf_puts(&b, g->nodes[back].rf->id);
	const rt_revfile *rf = g->nodes[back].rf;
	rt_error_at(err, RETORT_EPARSE, rf->path, rf->revises_line ? rf->revises_line : rf->depends_on_line,
		    "revisions form a cycle: %s", b.ptr);
	rt_buf_free(&b);
	return RETORT_EPARSE;
}

/* Iterative depth-first post-order over predecessors: parents first. */
static int topo_sort(rt_err *err, rt_graph *g)
{
	uint8_t *color = rt_xcalloc(g->n, 1); /* 0 new, 1 on the stack, 2 done */
	uint32_t *stack = rt_xcalloc(g->n, sizeof(uint32_t));
	uint32_t *next = rt_xcalloc(g->n, sizeof(uint32_t));
	uint32_t depth = 0, placed = 0;
	int rc = 0;

	g->order = rt_xcalloc(g->n, sizeof(uint32_t));
	for (uint32_t s = 0; s < g->n && !rc; s++) {
		if (color[s])
			continue;
		stack[depth++] = s;
		color[s] = 1;
		next[s] = 0;
		while (depth && !rc) {
			uint32_t top = stack[depth - 1];
			uint32_t p = rt_pred_at(&g->nodes[top], next[top]++);
			if (p == RT_NIL) {
				color[top] = 2;
				g->nodes[top].topo = placed;
				g->order[placed++] = top;
				depth--;
			} else if (color[p] == 1) {
				rc = cycle_error(err, g, stack, depth, p);
			} else if (!color[p]) {
				color[p] = 1;
				next[p] = 0;
				stack[depth++] = p;
			}
		}
	}
	free(color);
	free(stack);
	free(next);
	return rc;
}

/* The ids of v[0..n), NULL-terminated, placed at *pool. */
static const char **ids_of(const rt_graph *g, const uint32_t *v, uint32_t n,
			   const char ***pool)
{
	const char **ids = *pool;
	for (uint32_t i = 0; i < n; i++)
		ids[i] = g->nodes[v[i]].rf->id;
	ids[n] = NULL;
	*pool += n + 1;
	return ids;
}

static void add_label(rt_node *nd, const char *label)
{
	nd->label_list = rt_xreallocarray(nd->label_list, nd->nlabels + 2, sizeof(char *));
	nd->label_list[nd->nlabels++] = label;
	nd->label_list[nd->nlabels] = NULL;
}

/*
 * Alembic's labels (RevisionMap._add_branches): a label names its revision
 * and every descendant; then, from the last descendant its depth-first walk
 * reaches (a stack, children pushed in order, the last pushed taken first),
 * the label climbs single parents until a real branch point (what depends
 * on it counts as a child) or a merge point.  Alembic climbs from that last
 * node, not from the labelled revision: where a merge lies between them,
 * the labelled revision's ancestors get no label.  Its children come from
 * a Python set, so where the descendants branch, which node is last varies
 * between Alembic's runs; retort takes the children in file order.
 */
static void add_inherited_label(rt_graph *g, uint32_t at, const char *label,
				uint32_t *stack, uint8_t *seen)
{
	uint32_t depth = 0, last = at;
	memset(seen, 0, g->n);
	stack[depth++] = at;
	while (depth) {
		uint32_t i = stack[--depth];
		if (seen[i])
			continue;
		seen[i] = 1;
		rt_node *nd = &g->nodes[i];
		add_label(nd, label);
		for (uint32_t j = 0; j < nd->nchildren; j++)
			stack[depth++] = nd->children[j];
		last = i;
	}
	for (rt_node *nd = &g->nodes[last];;) {
		if (nd->nchildren + nd->ndependents > 1 || nd->nparents > 1)
			break;
		uint32_t i = (uint32_t)(nd - g->nodes);
		if (!seen[i]) {
			seen[i] = 1;
			add_label(nd, label);
		}
		if (nd->nparents != 1)
			break;
		nd = &g->nodes[nd->parents[0]];
	}
}

static void fill_public(rt_graph *g)
{
	uint32_t *stack = NULL;
	uint8_t *seen = NULL;
	for (uint32_t i = 0; i < g->n; i++) {
		const rt_revfile *rf = g->nodes[i].rf;
		for (size_t j = 0; j < rf->branch_labels.len; j++) {
			if (!stack) {
				/* a node is pushed once for each edge that reaches it */
				size_t edges = 1;
				for (uint32_t k = 0; k < g->n; k++)
					edges += g->nodes[k].nchildren;
				stack = rt_xcalloc(edges, sizeof(uint32_t));
				seen = rt_xcalloc(g->n, 1);
			}
			add_inherited_label(g, i, rf->branch_labels.v[j], stack, seen);
		}
	}
	free(stack);
	free(seen);

	size_t nids = 0;
	for (uint32_t i = 0; i < g->n; i++)
		nids += g->nodes[i].nchildren + g->nodes[i].ndeps + 2;
	const char **pool = g->id_pool = rt_xcalloc(nids, sizeof(char *));
	for (uint32_t i = 0; i < g->n; i++) {
		rt_node *nd = &g->nodes[i];
		const rt_revfile *rf = nd->rf;
		retort_rev *p = &nd->pub;
		p->id = rf->id;
		p->message = rf->message;
		p->doc = rf->doc;
		p->create_date = rf->create_date;
		p->path = rf->path;
		p->parents = (const char *const *)rf->revises.v;
		p->nparents = nd->nparents;
		nd->dep_ids = ids_of(g, nd->deps, nd->ndeps, &pool);
		p->depends_on = nd->dep_ids;
		p->ndepends_on = nd->ndeps;
		nd->child_ids = ids_of(g, nd->children, nd->nchildren, &pool);
		p->children = nd->child_ids;
		p->nchildren = nd->nchildren;
		p->depends_on_declared = (const char *const *)rf->depends_on.v;
		p->ndepends_on_declared = rf->depends_on.len;
		p->labels_declared = (const char *const *)rf->branch_labels.v;
		p->nlabels_declared = rf->branch_labels.len;
		p->labels = nd->label_list;
		p->nlabels = nd->nlabels;
		p->upgrade_sql = rf->upgrade.sql;
		p->downgrade_sql = rf->downgrade.sql;
		p->upgrade_line = rf->upgrade.line;
		p->downgrade_line = rf->downgrade.line;
		p->upgrade_transactional = rf->upgrade.transactional;
		p->downgrade_transactional = rf->downgrade.transactional;
		p->flags = rf->python ? RETORT_REV_PYTHON : 0;
		p->python_path = rf->python ? rf->path : rf->twin;
		if (!nd->nchildren && !nd->ndependents)
			p->flags |= RETORT_REV_HEAD;
		if (!nd->nchildren && nd->ndependents)
			p->flags |= RETORT_REV_EFFECTIVE_HEAD;
		if (!nd->nparents)
			p->flags |= RETORT_REV_BASE;
		if (nd->nchildren > 1)
			p->flags |= RETORT_REV_BRANCHPOINT;
		if (nd->nparents > 1)
			p->flags |= RETORT_REV_MERGEPOINT;
	}
}

static void find_ends(rt_graph *g)
{
	g->heads = rt_xcalloc(g->n, sizeof(uint32_t));
	g->bases = rt_xcalloc(g->n, sizeof(uint32_t));
	for (uint32_t k = g->n; k-- > 0;) {
		uint32_t i = g->order[k];
		if (!g->nodes[i].nchildren)
			g->heads[g->nheads++] = i;
	}
	for (uint32_t k = 0; k < g->n; k++) {
		uint32_t i = g->order[k];
		if (!g->nodes[i].nparents)
			g->bases[g->nbases++] = i;
	}
}

int rt_graph_build(rt_graph *g, rt_revfile *files, uint32_t n, rt_err *err)
{
	int rc;
	memset(g, 0, sizeof(*g));
	g->n = n;
	g->nodes = rt_xcalloc(n ? n : 1, sizeof(rt_node));
	for (uint32_t i = 0; i < n; i++)
		g->nodes[i].rf = &files[i];
	rt_map_reserve(&g->by_id, n);

	if ((rc = add_ids(err, g->nodes, n, &g->by_id)) < 0 ||
	    (rc = add_labels(err, g->nodes, n, &g->by_label, &g->by_id)) < 0)
		goto fail;
	/*
	 * Every edge array lives in one pool: parents and dependencies first
	 * (at most what the files list), then children and dependents (as
	 * many as there are edges).
	 */
	size_t nedges = 0;
	for (uint32_t i = 0; i < n; i++)
		nedges += files[i].revises.len + files[i].depends_on.len;
	uint32_t *pool = g->edge_pool = rt_xcalloc(2 * nedges, sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++)
		if ((rc = link_node(err, g, &g->nodes[i], &pool)) < 0)
			goto fail;
	link_reverse(g, pool);
	if ((rc = topo_sort(err, g)) < 0)
		goto fail;
	find_ends(g);
	fill_public(g);
	return 0;
fail:
	rt_graph_free(g);
	return rc;
}

void rt_graph_free(rt_graph *g)
{
	if (!g->nodes)
		return;
	for (uint32_t i = 0; i < g->n; i++)
		free(g->nodes[i].label_list);
	free(g->edge_pool);
	free(g->id_pool);
	free(g->nodes);
	free(g->order);
	free(g->heads);
	free(g->bases);
	rt_map_free(&g->by_id);
	rt_map_free(&g->by_label);
	memset(g, 0, sizeof(*g));
}

rt_node *rt_graph_get(const rt_graph *g, const char *id)
{
	return rt_map_get(&g->by_id, id);
}

/* --- State ---------------------------------------------------------------- */

static uint32_t edge_at(const rt_node *nd, rt_walk dir, uint32_t k)
{
	if (dir == RT_WALK_UP)
		return rt_pred_at(nd, k);
	if (dir == RT_WALK_PARENTS)
		return k < nd->nparents ? nd->parents[k] : RT_NIL;
	if (k < nd->nchildren)
		return nd->children[k];
	k -= nd->nchildren;
	return dir == RT_WALK_DOWN && k < nd->ndependents ? nd->dependents[k] : RT_NIL;
}

void rt_graph_mark(const rt_graph *g, uint32_t start, rt_walk dir, const uint8_t *only,
		   uint8_t only_is, uint8_t *mark, uint32_t *stack)
{
	uint32_t depth = 0;
	if (mark[start] || (only && only[start] != only_is))
		return;
	mark[start] = 1;
	stack[depth++] = start;
	while (depth) {
		const rt_node *nd = &g->nodes[stack[--depth]];
		for (uint32_t k = 0, q; (q = edge_at(nd, dir, k)) != RT_NIL; k++)
			if (!mark[q] && (!only || only[q] == only_is)) {
				mark[q] = 1;
				stack[depth++] = q;
			}
	}
}

void rt_state_count_children(const rt_graph *g, rt_state *st)
{
	memset(st->applied_children, 0, g->n * sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++) {
		if (!st->applied[i])
			continue;
		const rt_node *nd = &g->nodes[i];
		for (uint32_t k = 0; rt_pred_at(nd, k) != RT_NIL; k++)
			st->applied_children[rt_pred_at(nd, k)]++;
	}
}

int rt_state_init(rt_state *st, const rt_graph *g, char *const *rows, size_t nrows, rt_err *err)
{
	memset(st, 0, sizeof(*st));
	st->applied = rt_xcalloc(g->n ? g->n : 1, 1);
	st->applied_children = rt_xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	uint32_t *stack = rt_xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	int rc = 0;
	for (size_t i = 0; i < nrows; i++) {
		rt_strvec_push(&st->rows, rows[i]);
		rt_node *nd = rt_graph_get(g, rows[i]);
		if (!nd) {
			rc = rt_error(err, RETORT_ENOTFOUND,
				      "can't locate revision identified by '%s' (it is in the version table but in no revision file)",
				      rows[i]);
			break;
		}
		rt_graph_mark(g, (uint32_t)(nd - g->nodes), RT_WALK_UP, NULL, 0, st->applied, stack);
	}
	free(stack);
	if (!rc)
		rt_state_count_children(g, st);
	return rc;
}

void rt_state_free(rt_state *st)
{
	free(st->applied);
	free(st->applied_children);
	rt_strvec_free(&st->rows);
	memset(st, 0, sizeof(*st));
}
