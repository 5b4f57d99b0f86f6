/*
 * revspec.c: turning a revision argument into revisions.
 *
 * The grammar is Alembic's, `[branch@][symbol][+N|-N]`:
 *
 *   form            meaning
 *   ------------    ---------------------------------------------------
 *   3f2a9c1b7d4e    a full id; or a label; or a unique prefix of 4+ chars
 *   head, heads     the single head / every head
 *   base            before the first revision (no revisions)
 *   current         the database's rows
 *   +N, -N          N steps up / down from the database's current revision
 *   X+N, X-N        N steps up / down from X (X: any symbol above)
 *   L@head, L@heads the head(s) of branch L (a label, or a revision's branch)
 *   L@base          the first revision of branch L
 *   L@X             X, looked up among the revisions of branch L
 *   L@+N, L@-N      N steps from the current revision of branch L
 *
 * A walk that meets a fork (several children going up, a merge going down)
 * is ambiguous; a walk past the head or below base has "walked too far".
 * Everything here is linear in the number of revisions.
 */
#include "graph.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/*
 * A branch, as Alembic reads "L@...": a label (its revision is the one that
 * declares it) or a revision.  A revision is "on" it when it shares a line
 * with that revision: it is an ancestor or a descendant of it along Revises
 * (RevisionMap.filter_for_lineage).  line marks those.
 */
typedef struct branch {
	const char *name;          /* as written, for messages */
	const rt_node *at;         /* the revision that names the branch */
	uint8_t *line;             /* per node: shares a line with at */
} branch;

static void push(rt_targets *t, uint32_t i)
{
	for (size_t k = 0; k < t->n; k++)
		if (t->v[k] == i)
			return;
	t->v = rt_xreallocarray(t->v, t->n + 1, sizeof(uint32_t));
	t->v[t->n++] = i;
}

void rt_targets_free(rt_targets *t)
{
	free(t->v);
	free(t->line);
	memset(t, 0, sizeof(*t));
}

static uint32_t idx(const rt_graph *g, const rt_node *nd)
{
	return (uint32_t)(nd - g->nodes);
}

/* Mark what shares a line with node i: its ancestors and descendants by Revises. */
static uint8_t *lineage(const rt_graph *g, uint32_t i)
{
	size_t n = g->n ? g->n : 1;
	uint8_t *mark = rt_xcalloc(n, 1), *up = rt_xcalloc(n, 1);
	uint32_t *stack = rt_xcalloc(n, sizeof(uint32_t));
	rt_graph_mark(g, i, RT_WALK_CHILDREN, NULL, 0, mark, stack);
	rt_graph_mark(g, i, RT_WALK_PARENTS, NULL, 0, up, stack);
	for (uint32_t k = 0; k < g->n; k++)
		mark[k] |= up[k];
	free(up);
	free(stack);
	return mark;
}

static bool in_branch(const branch *b, uint32_t i)
{
	return !b || b->line[i];
}

/*
 * Find one revision by id, label or prefix, as Alembic's _revision_for_ident:
 * an exact id or label first; else the ids and labels longer than three
 * characters that start with s (s itself may be shorter), kept to branch b
 * when there is one.  A revision found outside b is "not a member".
 */
static int find_one(const rt_graph *g, const branch *b, const char *s, uint32_t *out, rt_err *err)
{
	rt_node *nd = rt_graph_get(g, s);
	if (!nd)
		nd = rt_map_get(&g->by_label, s);
	if (!nd) {
		size_t len = strlen(s), found = 0;
		rt_buf list = RT_BUF_INIT;
		/* each matching key of Alembic's map counts, ids first, then
		 * labels: a revision whose id and own label both match is two */
		for (int labels = 0; labels < 2; labels++)
			for (uint32_t i = 0; i < g->n; i++) {
				const rt_node *c = &g->nodes[i];
				for (uint32_t l = 0; l < (labels ? c->nlabels : 1); l++) {
					const char *key = labels ? c->label_list[l] : c->rf->id;
					if (labels && rt_map_get(&g->by_label, key) != c)
						continue;  /* inherited: another's key */
					if (strlen(key) <= 3 || strncmp(key, s, len) || !in_branch(b, i))
						continue;
					if (found++ < 3)
						rt_buf_printf(&list, "%s'%s'", found > 1 ? ", " : "", key);
					nd = &g->nodes[i];
				}
			}
		int rc = 0;
		if (found > 1)
			rc = rt_error(err, RETORT_EAMBIGUOUS, "Multiple revisions start with '%s': %s...",
				      s, list.ptr);
		else if (!found)
			rc = rt_error(err, RETORT_ENOTFOUND, "No such revision or branch '%s'%s", s,
				      len < 4 ? "; please ensure at least four characters are present "
						"for partial revision identifier matches" : "");
		rt_buf_free(&list);
		if (rc)
			return rc;
	}
	if (!in_branch(b, idx(g, nd)))
		return rt_error(err, RETORT_ENOTFOUND, "Revision %s is not a member of branch '%s'",
				nd->rf->id, b->name);
	*out = idx(g, nd);
	return 0;
}

static int open_branch(branch *b, const rt_graph *g, const char *name, rt_err *err)
{
	uint32_t i;
	memset(b, 0, sizeof(*b));
	b->name = name;
	b->at = *name ? rt_map_get(&g->by_label, name) : NULL;
	if (!*name)
		return rt_error(err, RETORT_ENOTFOUND, "No such branch: ''");
	if (!b->at) {
		int rc = find_one(g, NULL, name, &i, err);
		if (rc == RETORT_ENOTFOUND)
			return rt_error(err, RETORT_ENOTFOUND, "No such branch: '%s'", name);
		if (rc)
			return rc;
		b->at = &g->nodes[i];
	}
	b->line = lineage(g, idx(g, b->at));
	return 0;
}

static void close_branch(branch *b)
{
	free(b->line);
	b->line = NULL;
}

/* Whether a head has dependents only: Alembic's "heads" leaves it out. */
static bool effective_head(const rt_node *nd)
{
	return nd->ndependents > 0;
}

/* "heads": the real heads; "L@heads": every head on L's line. */
static void branch_heads(const rt_graph *g, const branch *b, rt_targets *out)
{
	/* in file order, as Alembic's map keeps them */
	for (uint32_t i = 0; i < g->n; i++) {
		const rt_node *nd = &g->nodes[i];
		if (nd->nchildren)
			continue;
		if (b ? in_branch(b, i) : !effective_head(nd))
			push(out, i);
	}
}

/* "head" / "L@head": the one head (a head others only depend on counts). */
static int one_head(const rt_graph *g, const branch *b, uint32_t *out, bool *none, rt_err *err)
{
	rt_targets h = { 0 };
	rt_buf list = RT_BUF_INIT;
	int rc = 0;
	*none = false;
	for (uint32_t k = 0; k < g->nheads; k++)
		if (in_branch(b, g->heads[k]))
			push(&h, g->heads[k]);
	if (h.n == 1) {
		*out = h.v[0];
	} else if (h.n == 0) {
		*none = true;
	} else {
		for (size_t i = 0; i < h.n; i++)
			rt_buf_printf(&list, "%s%s", i ? ", " : "", g->nodes[h.v[i]].rf->id);
		if (b)
			rc = rt_error(err, RETORT_EAMBIGUOUS,
				      "Multiple heads are present for given argument '%s@head'; %s",
				      b->name, list.ptr);
		else
			rc = rt_error(err, RETORT_EAMBIGUOUS,
				      "multiple head revisions are present for given argument 'head' (%s); please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads",
				      list.ptr);
	}
	rt_buf_free(&list);
	rt_targets_free(&h);
	return rc;
}

static int need_state(const rt_state *st, const char *spec, rt_err *err)
{
	if (st)
		return 0;
	return rt_error(err, RETORT_ESTATE, "'%s' needs the database's current revision", spec);
}

/* The database's rows on branch b (all rows when b is NULL), in table order. */
static void current_rows(const rt_graph *g, const rt_state *st, const branch *b, rt_targets *out)
{
	for (size_t i = 0; i < st->rows.len; i++) {
		const rt_node *nd = rt_graph_get(g, st->rows.v[i]);
		if (nd && in_branch(b, idx(g, nd)))
			push(out, idx(g, nd));
	}
}

#define WALK_BASE (RT_NIL - 1) /* Alembic's "base" while walking */

/*
 * Alembic's RevisionMap._walk: n steps from start (RT_NIL: None, below every
 * root; WALK_BASE: "base"), up (dir > 0) through Revises children on b's line
 * or down through Revises parents.  More than one way is "Ambiguous walk";
 * no way ends the walk: *out = RT_NIL, "walked too far".
 */
static int walk(const rt_graph *g, const branch *b, uint32_t start, long n, int dir,
		uint32_t *out, rt_err *err)
{
	uint32_t cur = start;
	for (long k = 0; k < n; k++) {
		uint32_t pick = RT_NIL, count = 0;
		if (dir > 0) {
			const uint32_t *next = cur == RT_NIL ? g->bases : g->nodes[cur].children;
			uint32_t nn = cur == RT_NIL ? g->nbases : g->nodes[cur].nchildren;
			for (uint32_t j = 0; j < nn; j++)
				if (in_branch(b, next[j]) && (cur != RT_NIL || !g->nodes[next[j]].nparents)) {
					pick = next[j];
					count++;
				}
		} else if (cur == WALK_BASE) {
			count = 0;
		} else if (cur == RT_NIL) {
			/* "base-N": Alembic walks down from the heads; below base is nothing */
			count = 0;
		} else {
			const rt_node *nd = &g->nodes[cur];
			count = nd->nparents;
			pick = count ? nd->parents[0] : WALK_BASE;
			if (!count)
				count = 1;
		}
		if (count == 0) {
			*out = RT_NIL;
			return 0;
		}
		if (count > 1)
			return rt_error(err, RETORT_EAMBIGUOUS, "Ambiguous walk");
		cur = pick;
	}
	*out = cur;
	return 0;
}

/* Alembic's relative argument, `[branch@][symbol](+|-)N`, split; false if it is none. */
static bool split_relative(const char *s, char **branch_name, char **sym, long *n)
{
	const char *at = strchr(s, '@');
	const char *rest = at ? at + 1 : s;
	size_t i = 0;
	while (rest[i] && (isalnum((unsigned char)rest[i]) || rest[i] == '_'))
		i++;
	if ((rest[i] != '+' && rest[i] != '-') || !isdigit((unsigned char)rest[i + 1]))
		return false;
	const char *d = rest + i + 1;
	size_t nd = strspn(d, "0123456789");
	if (d[nd] || nd > 9)
		return false;
	long v = strtol(d, NULL, 10);
	*n = rest[i] == '-' ? -v : v;
	*sym = rt_xstrndup(rest, i);
	*branch_name = at ? rt_xstrndup(s, (size_t)(at - s)) : NULL;
	return true;
}

static int too_far(rt_err *err, long n)
{
	return rt_error(err, RETORT_ENOTFOUND, "Relative revision %s%ld didn't produce %ld migrations",
			n < 0 ? "-" : "+", n < 0 ? -n : n, n < 0 ? -n : n);
}

/* The tips of a set: members that no member has as a parent or dependency. */
static void tips(const rt_graph *g, const uint8_t *set, rt_targets *out)
{
	uint8_t *below = rt_xcalloc(g->n ? g->n : 1, 1);
	for (uint32_t i = 0; i < g->n; i++)
		if (set[i])
			for (uint32_t k = 0, q; (q = rt_pred_at(&g->nodes[i], k)) != RT_NIL; k++)
				below[q] = 1;
	for (uint32_t i = 0; i < g->n; i++)
		if (set[i] && !below[i])
			push(out, i);
	free(below);
}

/*
 * The revision a relative argument counts from (Alembic's get_revision):
 * an id, a label, "head", "heads" when there is one, "base" (RT_NIL).
 */
static int start_of(const rt_graph *g, const branch *b, const char *sym, uint32_t *out,
		    rt_err *err)
{
	*out = RT_NIL;
	if (!strcmp(sym, "base"))
		return 0;
	if (!strcmp(sym, "head") || !strcmp(sym, "heads")) {
		rt_targets h = { 0 };
		bool none;
		int rc = 0;
		if (!strcmp(sym, "head"))
			rc = one_head(g, b, out, &none, err);
		else {
			branch_heads(g, b, &h);
			if (h.n > 1)
				rc = rt_error(err, RETORT_EAMBIGUOUS,
					      "Multiple heads are present; please specify a single "
					      "target revision");
			else if (h.n == 1)
				*out = h.v[0];
			rt_targets_free(&h);
		}
		return rc;
	}
	return find_one(g, b, sym, out, err);
}

/* Alembic's _parse_upgrade_target for a relative argument. */
static int upgrade_relative(rt_targets *out, const rt_graph *g, const rt_state *st,
			    const char *spec, const char *bname, const char *sym, long n, rt_err *err)
{
	branch b, *bp = NULL;
	uint32_t start = RT_NIL, to = RT_NIL;
	int rc = 0;
	if (bname && (rc = open_branch(&b, g, bname, err)))
		return rc;
	if (bname)
		bp = &b;
	if (n > 0 && !*sym) {
		rt_targets cur = { 0 };
		if ((rc = need_state(st, spec, err)))
			goto done;
		current_rows(g, st, bp, &cur);
		if (bp && !cur.n && st->rows.len) {
			/* the branch has no row: the tips of what is applied on it */
			uint8_t *on = rt_xcalloc(g->n ? g->n : 1, 1);
			for (uint32_t i = 0; i < g->n; i++)
				on[i] = st->applied[i] && in_branch(bp, i);
			tips(g, on, &cur);
			free(on);
		}
		if (cur.n > 1)
			rc = rt_error(err, RETORT_EAMBIGUOUS,
				      "Ambiguous upgrade from multiple current revisions");
		else if (cur.n == 1)
			start = cur.v[0];
		rt_targets_free(&cur);
		if (!rc && !(rc = walk(g, bp, start, n, 1, &to, err)) && to == RT_NIL)
			rc = too_far(err, n);
	} else if (n > 0) {
		if (!(rc = start_of(g, NULL, sym, &start, err)) &&
		    !(rc = walk(g, bp, start, n, 1, &to, err)) && to == RT_NIL)
			rc = rt_error(err, RETORT_ENOTFOUND, "Walked too far");
	} else if (!*sym) {
		rc = too_far(err, n);
	} else {
		if (!(rc = start_of(g, bp, sym, &start, err)) &&
		    !(rc = walk(g, NULL, start, -n, -1, &to, err)) && to == RT_NIL)
			rc = rt_error(err, RETORT_ENOTFOUND, "Walked too far");
	}
	if (!rc) {
		if (to == WALK_BASE || to == RT_NIL)
			out->base = true;
		else
			push(out, to);
	}
done:
	if (bp)
		close_branch(bp);
	return rc;
}

/* An absolute symbol on branch b (NULL: none). */
static int resolve_symbol(rt_targets *out, const rt_graph *g, const rt_state *st, const branch *b,
			  const char *spec, const char *s, rt_err *err)
{
	uint32_t i = RT_NIL;
	bool none;
	int rc = 0;
	if (!strcmp(s, "heads")) {
		branch_heads(g, b, out);
	} else if (!strcmp(s, "head")) {
		if ((rc = one_head(g, b, &i, &none, err)) == 0 && !none)
			push(out, i);
		else if (!rc && none && !b)
			out->base = true;
		else if (!rc && none)
			rc = rt_error(err, RETORT_ENOTFOUND, "No head revision on branch '%s'", b->name);
	} else if (!strcmp(s, "base")) {
		out->base = true;
	} else if (!strcmp(s, "current")) {
		if ((rc = need_state(st, spec, err)) == 0)
			current_rows(g, st, b, out);
	} else if (!*s) {
		rc = rt_error(err, RETORT_EUSAGE, "empty revision in '%s'", spec);
	} else if ((rc = find_one(g, b, s, &i, err)) == 0) {
		push(out, i);
	}
	return rc;
}

int rt_resolve(rt_targets *out, const rt_graph *g, const rt_state *st, const char *spec,
	       rt_err *err)
{
	char *bname = NULL, *sym = NULL;
	long n = 0;
	int rc;
	memset(out, 0, sizeof(*out));
	if (split_relative(spec, &bname, &sym, &n)) {
		rc = upgrade_relative(out, g, st, spec, bname, sym, n, err);
	} else {
		const char *at = strchr(spec, '@');
		branch b;
		if (!at)
			return resolve_symbol(out, g, st, NULL, spec, spec, err);
		bname = rt_xstrndup(spec, (size_t)(at - spec));
		if ((rc = open_branch(&b, g, bname, err)) == 0) {
			rc = resolve_symbol(out, g, st, &b, spec, at + 1, err);
			close_branch(&b);
		}
	}
	if (rc < 0)
		rt_targets_free(out);
	free(bname);
	free(sym);
	return rc;
}

static void line_add(rt_targets *t, uint32_t v)
{
	t->line = rt_xreallocarray(t->line, t->nline + 1, sizeof(uint32_t));
	t->line[t->nline++] = v;
}

static bool has_label(const rt_node *nd, const char *label)
{
	for (uint32_t l = 0; l < nd->nlabels; l++)
		if (!strcmp(nd->label_list[l], label))
			return true;
	return false;
}

/*
 * The rows a stamp replaces are those on the line of the label before '@'
 * (a label or a revision) or of a revision named; an argument that names
 * neither ("base") keeps every row in play.
 */
static void stamp_line(rt_targets *out, const rt_graph *g, const char *spec)
{
	const char *at = strchr(spec, '@');
	if (at) {
		char *name = rt_xstrndup(spec, (size_t)(at - spec));
		const rt_node *nd = rt_map_get(&g->by_label, name);
		if (!nd)
			nd = rt_graph_get(g, name);
		if (nd)
			line_add(out, idx(g, nd));
		free(name);
	}
	for (size_t i = 0; i < out->n; i++)
		line_add(out, out->v[i]);
	out->line_all = !out->nline;
}

/*
 * Alembic's get_revisions("[label@]-N"): N down from each real head (those
 * that carry the label, own or inherited), each revision once; a line
 * walked down to base or past it gives no row (Alembic fails on the first
 * and does nothing on the second).
 */
static int walk_down_from_heads(rt_targets *out, const rt_graph *g, const char *label, long n,
				rt_err *err)
{
	rt_targets h = { 0 };
	int rc = 0;
	memset(out, 0, sizeof(*out));
	branch_heads(g, NULL, &h);
	for (size_t i = 0; !rc && i < h.n; i++) {
		uint32_t to = RT_NIL;
		if (label && !has_label(&g->nodes[h.v[i]], label))
			continue;
		rc = walk(g, NULL, h.v[i], n, -1, &to, err);
		bool seen = false;
		for (size_t k = 0; k < out->n; k++)
			seen |= out->v[k] == to;
		if (!rc && to != RT_NIL && to != WALK_BASE && !seen)
			push(out, to);
	}
	rt_targets_free(&h);
	if (rc) {
		rt_targets_free(out);
		return rc;
	}
	out->base = !out->n;
	out->line_all = true; /* the table is empty: no row to keep or replace */
	return 0;
}

int rt_resolve_stamp(rt_targets *out, const rt_graph *g, const rt_state *st, const char *spec,
		     rt_err *err)
{
	char *label = NULL, *sym = NULL;
	long n = 0;
	int rc;
	if (split_relative(spec, &label, &sym, &n) && n < 0 && !*sym && !(st && st->rows.len)) {
		if (!(rc = need_state(st, spec, err)))
			rc = walk_down_from_heads(out, g, label, -n, err);
	} else if (!(rc = rt_resolve(out, g, st, spec, err))) {
		stamp_line(out, g, spec);
	}
	free(label);
	free(sym);
	return rc;
}

/*
 * Alembic's _parse_downgrade_target: the branch a downgrade is kept to
 * (*bname, owned; NULL: none) and its target (*target; RT_NIL: base).
 */
/* The one revision the rows (or rows is NULL: the real heads) name, or none. */
static int only_one(rt_targets *t, uint32_t *target, rt_err *err)
{
	int rc = 0;
	if (t->n > 1)
		rc = rt_error(err, RETORT_EAMBIGUOUS,
			      "Multiple heads are present; please specify a single target revision");
	else if (t->n == 1)
		*target = t->v[0];
	rt_targets_free(t);
	return rc;
}

/* A downgrade target that is no relative form: base, head(s), current, an id, label@id. */
static int downgrade_absolute(const rt_graph *g, const rt_state *st, const char *spec,
			      char **bname, uint32_t *target, rt_err *err)
{
	const char *at = strrchr(spec, '@');
	const char *s = at ? at + 1 : spec;
	rt_targets t = { 0 };
	int rc;
	*bname = at ? rt_xstrndup(spec, (size_t)(at - spec)) : NULL;
	if (!strcmp(s, "base"))
		return 0;
	if (!strcmp(s, "head")) {
		bool none = true;
		uint32_t h = RT_NIL;
		if ((rc = one_head(g, NULL, &h, &none, err)))
			return rc;
		*target = none ? RT_NIL : h;
		return 0;
	}
	if (!strcmp(s, "heads")) { /* heads that are real: one of them, or it is ambiguous */
		branch_heads(g, NULL, &t);
		return only_one(&t, target, err);
	}
	if (!strcmp(s, "current")) {
		if ((rc = need_state(st, spec, err)))
			return rc;
		current_rows(g, st, NULL, &t);
		return only_one(&t, target, err);
	}
	return find_one(g, NULL, s, target, err);
}

/* X+N, L@X+N: up from X (on L's line). */
static int downgrade_up(const rt_graph *g, const char *sym, long n, const char *bname,
			uint32_t *to, rt_err *err)
{
	branch b, *bp = NULL;
	uint32_t start = RT_NIL;
	int rc = 0;
	if (!*sym)
		rc = too_far(err, n);
	else if (bname && (rc = open_branch(&b, g, bname, err)) == 0)
		bp = &b;
	if (!rc && !(rc = start_of(g, NULL, sym, &start, err)) &&
	    !(rc = walk(g, bp, start, n, 1, to, err)) && *to == RT_NIL)
		rc = rt_error(err, RETORT_ENOTFOUND, "Walked too far");
	if (bp)
		close_branch(bp);
	return rc;
}

/*
 * -N, L@-N: where a walk down starts, the one current revision (on L's
 * line: what the rows imply there, a dependency of one, as Alembic's
 * _get_all_current); *bname becomes its id when none was given.
 */
static int current_start(const rt_graph *g, const rt_state *st, const char *spec, long n,
			 char **bname, uint32_t *start, rt_err *err)
{
	rt_targets cur = { 0 };
	branch b;
	int rc = 0;
	if (*bname) {
		if ((rc = open_branch(&b, g, *bname, err)))
			return rc;
		current_rows(g, st, &b, &cur);
		for (uint32_t i = 0; !cur.n && i < g->n; i++) {
			bool top = st->applied[i] && in_branch(&b, i);
			for (uint32_t k = 0; top && k < g->nodes[i].nchildren; k++)
				top = !st->applied[g->nodes[i].children[k]];
			if (top)
				push(&cur, i);
		}
		close_branch(&b);
	} else {
		current_rows(g, st, NULL, &cur);
	}
	if (!cur.n)
		rc = too_far(err, n);
	else if (cur.n > 1) /* Alembic warns and takes whichever row comes first */
		rc = rt_error(err, RETORT_EAMBIGUOUS,
			      "'%s' is ambiguous: the database has several current heads; name "
			      "one ('<revision>%ld')", spec, n);
	else {
		*start = cur.v[0];
		if (!*bname)
			*bname = rt_xstrdup(g->nodes[*start].rf->id);
	}
	rt_targets_free(&cur);
	return rc;
}

/* -N, X-N, L@-N, L@X-N: down from the current revision or from X. */
static int downgrade_down(const rt_graph *g, const rt_state *st, const char *spec,
			  const char *sym, long n, char **bname, uint32_t *to, rt_err *err)
{
	bool relative = !*sym;
	uint32_t start = RT_NIL;
	int rc;
	if (relative) {
		if (!(rc = need_state(st, spec, err)))
			rc = current_start(g, st, spec, n, bname, &start, err);
	} else {
		branch b, *bp = NULL;
		rc = *bname ? open_branch(&b, g, *bname, err) : 0;
		if (!rc && *bname)
			bp = &b;
		if (!rc)
			rc = start_of(g, bp, sym, &start, err);
		if (bp)
			close_branch(bp);
	}
	if (!rc && !(rc = walk(g, NULL, start, -n, -1, to, err)) && *to == RT_NIL)
		rc = relative ? too_far(err, n) : rt_error(err, RETORT_ENOTFOUND, "Walked too far");
	return rc;
}

static int downgrade_target(const rt_graph *g, const rt_state *st, const char *spec,
			    char **bname, uint32_t *target, rt_err *err)
{
	char *sym = NULL;
	long n = 0;
	uint32_t to = RT_NIL;
	*bname = NULL;
	*target = RT_NIL;
	if (!split_relative(spec, bname, &sym, &n))
		return downgrade_absolute(g, st, spec, bname, target, err);
	int rc = n >= 0 ? downgrade_up(g, sym, n, *bname, &to, err)
			: downgrade_down(g, st, spec, sym, n, bname, &to, err);
	free(sym);
	if (!rc)
		*target = to == WALK_BASE ? RT_NIL : to;
	return rc;
}

/*
 * `downgrade -N` (or L@-N) where Alembic's walk meets a merge ("Ambiguous
 * walk"): revert the current revision and the N-1 below it, so that `-1`
 * from a merge reverts the merge and leaves both parents as rows.  Only
 * for relative arguments from the database's single current revision.
 */
static int revert_from_current(rt_targets *out, const rt_graph *g, const rt_state *st,
			       const char *spec, rt_err *err)
{
	char *bname = NULL, *sym = NULL;
	long n = 0;
	int rc = RETORT_EAMBIGUOUS;
	rt_targets cur = { 0 };
	if (!split_relative(spec, &bname, &sym, &n) || *sym || n >= 0 || !st)
		goto done;
	branch b, *bp = NULL;
	if (bname && open_branch(&b, g, bname, err) == 0)
		bp = &b;
	current_rows(g, st, bp, &cur);
	if (bp)
		close_branch(bp);
	if (cur.n != 1)
		goto done;
	uint32_t at = cur.v[0], to = RT_NIL;
	rt_err saved = *err;
	if ((rc = walk(g, NULL, at, -n - 1, -1, &to, err)) || to == RT_NIL || to == WALK_BASE) {
		*err = saved;
		rc = RETORT_EAMBIGUOUS;
		goto done;
	}
	push(out, to);
	rc = 0;
done:
	rt_targets_free(&cur);
	free(bname);
	free(sym);
	return rc;
}

/*
 * Alembic's _collect_downgrade_revisions, up to the revisions to drop: the
 * roots (every root for base, else the target's children by Revises, kept
 * to the branch's ancestors when the branch is given and there are
 * several); the caller drops what is applied of them and above them.
 */
int rt_resolve_downgrade(rt_targets *out, const rt_graph *g, const rt_state *st,
			 const char *spec, rt_err *err)
{
	char *bname = NULL;
	uint32_t target;
	memset(out, 0, sizeof(*out));
	int rc = downgrade_target(g, st, spec, &bname, &target, err);
	if (rc == RETORT_EAMBIGUOUS && !strcmp(err->msg, "Ambiguous walk") &&
	    (rc = revert_from_current(out, g, st, spec, err)) != RETORT_EAMBIGUOUS)
		goto done; /* an extension: -N through a merge (README) */
	if (!rc)
		rc = need_state(st, spec, err);
	if (rc)
		goto done;
	if (target == RT_NIL) {
		out->base = true;
		for (uint32_t i = 0; i < g->n; i++)
			if (!g->nodes[i].nparents)
				push(out, i);
	} else {
		const rt_node *nd = &g->nodes[target];
		for (uint32_t k = 0; k < nd->nchildren; k++)
			push(out, nd->children[k]);
	}
	if (bname && out->n > 1) {
		branch b;
		if ((rc = open_branch(&b, g, bname, err)))
			goto done;
		size_t n = g->n ? g->n : 1;
		uint8_t *anc = rt_xcalloc(n, 1);
		uint32_t *stack = rt_xcalloc(n, sizeof(uint32_t));
		rt_graph_mark(g, idx(g, b.at), RT_WALK_PARENTS, NULL, 0, anc, stack);
		size_t keep = 0;
		for (size_t i = 0; i < out->n; i++)
			if (anc[out->v[i]])
				out->v[keep++] = out->v[i];
		out->n = keep;
		free(anc);
		free(stack);
		close_branch(&b);
		if (!keep) {
			rc = rt_error(err, RETORT_EUSAGE, "Not a valid downgrade target from current heads");
			goto done;
		}
	}
	if (target != RT_NIL) {
		/* something applied must be at or above a root, or the target a row */
		size_t n = g->n ? g->n : 1;
		uint8_t *mark = rt_xcalloc(n, 1);
		uint32_t *stack = rt_xcalloc(n, sizeof(uint32_t));
		bool any = false;
		for (size_t i = 0; i < out->n; i++)
			rt_graph_mark(g, out->v[i], RT_WALK_DOWN, NULL, 0, mark, stack);
		for (uint32_t i = 0; i < g->n && !any; i++)
			any = mark[i] && st->applied[i];
		free(mark);
		free(stack);
		if (!any && !rt_strvec_contains(&st->rows, g->nodes[target].rf->id))
			rc = rt_error(err, RETORT_EUSAGE,
				      "Destination %s is not a valid downgrade target from current "
				      "head(s)", g->nodes[target].rf->id);
	}
done:
	if (rc < 0)
		rt_targets_free(out);
	free(bname);
	return rc;
}

/*
 * One end of a history range: "" is its default; "current" is the
 * database's rows, and with none of them the default again (Alembic's
 * `history -r current:` on an empty database lists from base).
 */
static int range_end(rt_targets *t, const rt_graph *g, const rt_state *st, const char *s,
		     bool upper, rt_err *err)
{
	memset(t, 0, sizeof(*t));
	if (!strcmp(s, "current")) {
		int rc = need_state(st, s, err);
		if (rc)
			return rc;
		current_rows(g, st, NULL, t);
		if (t->n)
			return 0;
		s = "";
	}
	if (!*s) {
		/* Alembic's default end is "heads": the real ones, whose walk
		 * reaches a head others only depend on through its dependent */
		if (upper)
			branch_heads(g, NULL, t);
		else
			t->base = true;
		return 0;
	}
	return rt_resolve(t, g, st, s, err);
}

/*
 * A range's start that is relative with no symbol ("-3", "L@-2"), as
 * Alembic's walk_revisions reads it (assert_relative_length=False): N
 * down from the range's end, and base when the walk runs out.  false: not
 * such a start (resolved as any other).
 */
static bool relative_start(const rt_graph *g, const rt_targets *end, const char *s,
			   rt_targets *out, int *rc, rt_err *err)
{
	char *bname = NULL, *sym = NULL;
	long n = 0;
	memset(out, 0, sizeof(*out));
	if (!split_relative(s, &bname, &sym, &n) || *sym || n >= 0) {
		free(bname);
		free(sym);
		return false;
	}
	*rc = 0;
	uint32_t to = RT_NIL;
	if (end->n != 1)
		*rc = rt_error(err, RETORT_EAMBIGUOUS, "Ambiguous walk");
	else
		*rc = walk(g, NULL, end->v[0], -n, -1, &to, err);
	if (!*rc && to != RT_NIL && to != WALK_BASE)
		push(out, to);
	else if (!*rc)
		out->base = true;
	free(bname);
	free(sym);
	return true;
}

/*
 * Alembic's walk_revisions(start, end): the ancestors of end (heads by
 * default) that are not ancestors of start, start included, and, when
 * there is a start, only what descends from it along Revises lines; a
 * start that is not below end is an error.  In Alembic's order.
 */
int rt_history_range(rt_targets *out, const rt_graph *g, const rt_state *st,
		     const char *range, rt_err *err)
{
	size_t n = g->n ? g->n : 1;
	uint8_t *need = rt_xcalloc(n, 1), *below = rt_xcalloc(n, 1), *desc = NULL;
	uint32_t *stack = rt_xcalloc(n, sizeof(uint32_t));
	rt_targets a = { 0 }, b = { 0 };
	char *start = NULL;
	const char *end = "";
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (range && *range) {
		const char *colon = strchr(range, ':');
		if (!colon) {
			rc = rt_error(err, RETORT_EUSAGE,
				      "History range requires [start]:[end], [start]:, or :[end]");
			goto done;
		}
		start = rt_xstrndup(range, (size_t)(colon - range));
		end = colon + 1;
	}
	if ((rc = range_end(&b, g, st, end, true, err)))
		goto done;
	/* as Alembic for an end of the heads (other ends: its walk is its own) */
	bool heads_end = !*end || !strcmp(end, "head") || !strcmp(end, "heads");
	if (!(start && heads_end && relative_start(g, &b, start, &a, &rc, err)))
		rc = range_end(&a, g, st, start ? start : "", false, err);
	if (rc)
		goto done;
	for (size_t i = 0; i < b.n; i++)
		rt_graph_mark(g, b.v[i], RT_WALK_UP, NULL, 0, need, stack);
	for (size_t i = 0; i < a.n; i++)
		if (!need[a.v[i]]) {
			rc = rt_error(err, RETORT_EUSAGE,
				      "Requested range %s does not refer to ancestor/descendant "
				      "revisions.", range);
			goto done;
		}
	for (size_t i = 0; i < a.n; i++)
		rt_graph_mark(g, a.v[i], RT_WALK_UP, NULL, 0, below, stack);
	for (uint32_t i = 0; i < g->n; i++)
		if (below[i])
			need[i] = 0;
	if (a.n) {
		/* descendants of start by Revises only: what depends on it is not */
		desc = rt_xcalloc(n, 1);
		for (size_t i = 0; i < a.n; i++) {
			need[a.v[i]] = 1;
			rt_graph_mark(g, a.v[i], RT_WALK_CHILDREN, NULL, 0, desc, stack);
		}
		for (uint32_t i = 0; i < g->n; i++)
			if (!desc[i])
				need[i] = 0;
	}
	out->v = rt_xcalloc(n, sizeof(uint32_t));
	out->n = rt_alembic_order(g, need, b.v, b.n, out->v);
done:
	free(start);
	free(need);
	free(below);
	free(desc);
	free(stack);
	rt_targets_free(&a);
	rt_targets_free(&b);
	return rc;
}

int rt_mark_range(uint8_t *in, const rt_graph *g, const char *range, rt_err *err)
{
	rt_targets t = { 0 };
	int rc = rt_history_range(&t, g, NULL, range, err);
	for (size_t i = 0; !rc && i < t.n; i++)
		in[t.v[i]] = 1;
	rt_targets_free(&t);
	return rc;
}
