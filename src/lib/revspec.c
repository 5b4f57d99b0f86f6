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

typedef struct branch {
	const char *name;   /* as written, for messages */
	const rt_node *label_node; /* a label: the node that declares it */
	const rt_node *rev;        /* a revision's branch: that revision */
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
	memset(t, 0, sizeof(*t));
}

static uint32_t idx(const rt_graph *g, const rt_node *nd)
{
	return (uint32_t)(nd - g->nodes);
}

static bool has_label(const rt_node *nd, const char *label)
{
	for (uint32_t i = 0; i < nd->nlabels; i++)
		if (!strcmp(nd->label_list[i], label))
			return true;
	return false;
}

/* Whether node i belongs to branch b (NULL: every node does). */
static bool in_branch(const rt_graph *g, const branch *b, uint32_t i, const uint8_t *desc)
{
	if (!b)
		return true;
	if (b->label_node)
		return has_label(&g->nodes[i], b->name);
	return desc && desc[i];
}

/*
 * Find one revision by id, label or unique prefix, among the nodes of
 * branch b.  Prefixes need four characters, as in Alembic.
 */
static int find_one(const rt_graph *g, const branch *b, const uint8_t *desc, const char *s,
		    uint32_t *out, rt_err *err)
{
	rt_node *nd = rt_graph_get(g, s);
	if (!nd)
		nd = rt_map_get(&g->by_label, s);
	if (nd && in_branch(g, b, idx(g, nd), desc)) {
		*out = idx(g, nd);
		return 0;
	}
	size_t len = strlen(s), found = 0;
	rt_buf list = RT_BUF_INIT;
	if (len >= 4) {
		for (uint32_t i = 0; i < g->n; i++) {
			if (strncmp(g->nodes[i].rf->id, s, len) || !in_branch(g, b, i, desc))
				continue;
			if (found++ < 10)
				rt_buf_printf(&list, "%s%s", found > 1 ? ", " : "", g->nodes[i].rf->id);
			*out = i;
		}
	}
	if (found == 1) {
		rt_buf_free(&list);
		return 0;
	}
	int rc;
	if (found > 1)
		rc = rt_error(err, RETORT_EAMBIGUOUS, "multiple revisions start with '%s': %s%s", s,
			      list.ptr, found > 10 ? ", ..." : "");
	else if (b)
		rc = rt_error(err, RETORT_ENOTFOUND, "no such revision '%s' on branch '%s'", s, b->name);
	else if (len < 4)
		rc = rt_error(err, RETORT_ENOTFOUND,
			      "no such revision or branch '%s'; please ensure at least four characters are present for partial revision identifier matches",
			      s);
	else
		rc = rt_error(err, RETORT_ENOTFOUND, "no such revision or branch '%s'", s);
	rt_buf_free(&list);
	return rc;
}

/* Mark start and everything that descends from it (children only). */
static uint8_t *descendants(const rt_graph *g, uint32_t start)
{
	uint8_t *mark = rt_xcalloc(g->n ? g->n : 1, 1);
	uint32_t *stack = rt_xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	rt_graph_mark(g, start, RT_WALK_CHILDREN, NULL, 0, mark, stack);
	free(stack);
	return mark;
}

/* The heads among the nodes of a branch (all heads when b is NULL). */
static void branch_heads(const rt_graph *g, const branch *b, const uint8_t *desc, rt_targets *out)
{
	for (uint32_t k = 0; k < g->nheads; k++)
		if (in_branch(g, b, g->heads[k], desc))
			push(out, g->heads[k]);
}

static int one_head(const rt_graph *g, const branch *b, const uint8_t *desc, uint32_t *out,
		    rt_err *err)
{
	rt_targets h = { 0 };
	rt_buf list = RT_BUF_INIT;
	int rc = 0;
	/* heads that something depends on are implied by their dependents */
	for (uint32_t k = 0; k < g->nheads; k++) {
		uint32_t i = g->heads[k];
		if (in_branch(g, b, i, desc) && !g->nodes[i].ndependents)
			push(&h, i);
	}
	if (h.n == 1) {
		*out = h.v[0];
	} else if (h.n == 0) {
		rc = rt_error(err, RETORT_ENOTFOUND, "no head revision%s%s%s",
			      b ? " on branch '" : "", b ? b->name : "", b ? "'" : "");
	} else {
		for (size_t i = 0; i < h.n; i++)
			rt_buf_printf(&list, "%s%s", i ? ", " : "", g->nodes[h.v[i]].rf->id);
		if (b)
			rc = rt_error(err, RETORT_EAMBIGUOUS,
				      "branch '%s' has several heads (%s); use '%s@heads' or name one",
				      b->name, list.ptr, b->name);
		else
			rc = rt_error(err, RETORT_EAMBIGUOUS,
				      "multiple head revisions are present for given argument 'head' (%s); please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads",
				      list.ptr);
	}
	rt_buf_free(&list);
	rt_targets_free(&h);
	return rc;
}

/* The lowest revision of a label's branch: its ancestors back to a fork. */
static uint32_t branch_base(const rt_graph *g, const branch *b)
{
	const rt_node *nd = b->label_node ? b->label_node : b->rev;
	while (nd->nparents == 1 && has_label(&g->nodes[nd->parents[0]], b->name))
		nd = &g->nodes[nd->parents[0]];
	return idx(g, nd);
}

static int need_state(const rt_state *st, const char *spec, rt_err *err)
{
	if (st)
		return 0;
	return rt_error(err, RETORT_ESTATE, "'%s' needs the database's current revision", spec);
}

/* The database's rows that lie on branch b (all rows when b is NULL). */
static void current_rows(const rt_graph *g, const rt_state *st, const branch *b,
			 const uint8_t *desc, rt_targets *out)
{
	for (size_t i = 0; i < st->rows.len; i++) {
		const rt_node *nd = rt_graph_get(g, st->rows.v[i]);
		if (nd && in_branch(g, b, idx(g, nd), desc))
			push(out, idx(g, nd));
	}
}

/*
 * Walk n steps from start (RT_NIL: from base) up (dir > 0) or down.
 * Going down past the last revision gives *base = true.
 */
static int walk(const rt_graph *g, const branch *b, const uint8_t *desc, uint32_t start,
		long n, int dir, const char *spec, uint32_t *out, bool *base, rt_err *err)
{
	uint32_t cur = start;
	*base = false;
	for (long k = 0; k < n; k++) {
		if (dir > 0) {
			const uint32_t *next = cur == RT_NIL ? g->bases : g->nodes[cur].children;
			uint32_t nn = cur == RT_NIL ? g->nbases : g->nodes[cur].nchildren;
			uint32_t pick = RT_NIL, count = 0;
			for (uint32_t j = 0; j < nn; j++)
				if (in_branch(g, b, next[j], desc)) {
					pick = next[j];
					count++;
				}
			if (count == 0)
				return rt_error(err, RETORT_ENOTFOUND,
						"relative revision '%s' walked too far: no revision %s '%s'",
						spec, "after", cur == RT_NIL ? "base" : g->nodes[cur].rf->id);
			if (count > 1)
				return rt_error(err, RETORT_EAMBIGUOUS,
						"relative revision '%s' is ambiguous: '%s' has %u following revisions; name one, or use '<branch>@+N'",
						spec, cur == RT_NIL ? "base" : g->nodes[cur].rf->id, count);
			cur = pick;
		} else {
			if (cur == RT_NIL)
				return rt_error(err, RETORT_ENOTFOUND,
						"relative revision '%s' walked too far: it goes below base", spec);
			const rt_node *nd = &g->nodes[cur];
			if (nd->nparents > 1)
				return rt_error(err, RETORT_EAMBIGUOUS,
						"relative revision '%s' is ambiguous: '%s' is a merge point; name one of its parents",
						spec, nd->rf->id);
			cur = nd->nparents ? nd->parents[0] : RT_NIL;
		}
	}
	*out = cur;
	*base = cur == RT_NIL;
	return 0;
}

/* Split "[sym][+-N]" into its symbol and its signed step count. */
static bool split_relative(const char *s, char **sym, long *n)
{
	size_t len = strlen(s), i = len;
	while (i > 0 && isdigit((unsigned char)s[i - 1]))
		i--;
	if (i == len || i == 0 || (s[i - 1] != '+' && s[i - 1] != '-'))
		return false;
	char *end;
	long v = strtol(s + i, &end, 10);
	if (v < 0 || v > 1000000000L)
		return false;
	*n = s[i - 1] == '-' ? -v : v;
	*sym = rt_xstrndup(s, i - 1);
	return true;
}

static int resolve_in(rt_targets *out, const rt_graph *g, const rt_state *st, const branch *b,
		      const uint8_t *desc, const char *spec, const char *s, rt_err *err);

/* "[sym]+N" / "[sym]-N" */
static int resolve_relative(rt_targets *out, const rt_graph *g, const rt_state *st,
			    const branch *b, const uint8_t *desc, const char *spec,
			    const char *sym, long n, rt_err *err)
{
	uint32_t start = RT_NIL, to = RT_NIL;
	bool base;
	int rc;
	if (!*sym) {
		/* from the current revision; from base (+1 is the first) if none */
		rt_targets cur = { 0 };
		if ((rc = need_state(st, spec, err)) < 0)
			return rc;
		current_rows(g, st, b, desc, &cur);
		size_t ncur = cur.n;
		if (ncur == 1)
			start = cur.v[0];
		rt_targets_free(&cur);
		if (ncur > 1)
			return rt_error(err, RETORT_EAMBIGUOUS,
					"relative revision '%s' is ambiguous: the database has several current heads; use '<branch>@%s' or '<revision>%s'",
					spec, spec, spec);
		if (ncur == 0 && n < 0)
			return rt_error(err, RETORT_ENOTFOUND,
					"relative revision '%s' walked too far: the database has no current revision",
					spec);
		if (ncur == 0 && b && n > 0) {
			/* nothing of the branch applied yet: +1 is its first revision */
			start = branch_base(g, b);
			n--;
		}
	} else {
		rt_targets t = { 0 };
		if ((rc = resolve_in(&t, g, st, b, desc, spec, sym, err)) < 0)
			return rc;
		if (t.n > 1) {
			rt_targets_free(&t);
			return rt_error(err, RETORT_EAMBIGUOUS,
					"relative revision '%s': '%s' names several revisions", spec, sym);
		}
		if (t.n == 1)
			start = t.v[0];
		rt_targets_free(&t);
	}
	if ((rc = walk(g, b, desc, start, n < 0 ? -n : n, n < 0 ? -1 : 1, spec, &to, &base, err)) < 0)
		return rc;
	if (base)
		out->base = true;
	else
		push(out, to);
	return 0;
}

static int resolve_in(rt_targets *out, const rt_graph *g, const rt_state *st, const branch *b,
		      const uint8_t *desc, const char *spec, const char *s, rt_err *err)
{
	char *sym = NULL;
	long n = 0;
	uint32_t i = RT_NIL;
	int rc = 0;

	if (!strcmp(s, "heads")) {
		branch_heads(g, b, desc, out);
	} else if (!strcmp(s, "head")) {
		if ((rc = one_head(g, b, desc, &i, err)) == 0)
			push(out, i);
	} else if (!strcmp(s, "base")) {
		if (b)
			push(out, branch_base(g, b));
		else
			out->base = true;
	} else if (!strcmp(s, "current")) {
		if ((rc = need_state(st, spec, err)) == 0)
			current_rows(g, st, b, desc, out);
	} else if (split_relative(s, &sym, &n)) {
		rc = resolve_relative(out, g, st, b, desc, spec, sym, n, err);
	} else if (!*s) {
		rc = rt_error(err, RETORT_EUSAGE, "empty revision in '%s'", spec);
	} else if ((rc = find_one(g, b, desc, s, &i, err)) == 0) {
		push(out, i);
	}
	free(sym);
	return rc;
}

int rt_resolve(rt_targets *out, const rt_graph *g, const rt_state *st, const char *spec,
	       rt_err *err)
{
	memset(out, 0, sizeof(*out));
	const char *at = strchr(spec, '@');
	if (!at)
		return resolve_in(out, g, st, NULL, NULL, spec, spec, err);

	char *name = rt_xstrndup(spec, (size_t)(at - spec));
	branch b = { name, NULL, NULL };
	uint8_t *desc = NULL;
	uint32_t i;
	int rc = 0;
	b.label_node = rt_map_get(&g->by_label, name);
	if (!b.label_node) {
		if ((rc = find_one(g, NULL, NULL, name, &i, err)) < 0) {
			if (rc == RETORT_ENOTFOUND)
				rc = rt_error(err, RETORT_ENOTFOUND,
					      "no such branch label or revision '%s' in '%s'", name, spec);
			goto done;
		}
		b.rev = &g->nodes[i];
		desc = descendants(g, i);
	}
	rc = resolve_in(out, g, st, &b, desc, spec, at + 1, err);
done:
	if (rc < 0)
		rt_targets_free(out);
	free(desc);
	free(name);
	return rc;
}

static void add_applied_above(rt_targets *out, const rt_graph *g, const rt_state *st, uint32_t t)
{
	const rt_node *nd = &g->nodes[t];
	for (uint32_t j = 0; j < nd->nchildren; j++)
		if (st->applied[nd->children[j]])
			push(out, nd->children[j]);
	for (uint32_t j = 0; j < nd->ndependents; j++)
		if (st->applied[nd->dependents[j]])
			push(out, nd->dependents[j]);
}

/* "-N" and "L@-N": revert the current revision and the N-1 below it. */
static int downgrade_steps(rt_targets *out, const rt_graph *g, const rt_state *st,
			   const char *spec, const char *label, long n, rt_err *err)
{
	branch b = { label, label ? rt_map_get(&g->by_label, label) : NULL, NULL };
	rt_targets cur = { 0 };
	bool base;
	uint32_t at = RT_NIL;
	int rc;
	if (label && !b.label_node)
		return rt_error(err, RETORT_ENOTFOUND, "no such branch label '%s' in '%s'", label, spec);
	current_rows(g, st, label ? &b : NULL, NULL, &cur);
	if (cur.n == 0) {
		rt_targets_free(&cur);
		return rt_error(err, RETORT_ENOTFOUND,
				"relative revision '%s' walked too far: %s has no current revision",
				spec, label ? "the branch" : "the database");
	}
	if (cur.n > 1) {
		rt_buf list = RT_BUF_INIT;
		for (size_t i = 0; i < cur.n; i++)
			rt_buf_printf(&list, "%s%s", i ? ", " : "", g->nodes[cur.v[i]].rf->id);
		rc = rt_error(err, RETORT_EAMBIGUOUS,
			      "'%s' is ambiguous: the database has several current heads (%s); use '<revision>%s' or '<branch>@%s'",
			      spec, list.ptr, spec + (label ? strlen(label) + 1 : 0),
			      spec + (label ? strlen(label) + 1 : 0));
		rt_buf_free(&list);
		rt_targets_free(&cur);
		return rc;
	}
	uint32_t top = cur.v[0];
	rt_targets_free(&cur);
	/* the lowest revision to revert is n-1 steps below the current one */
	if ((rc = walk(g, NULL, NULL, top, n - 1, -1, spec, &at, &base, err)) < 0)
		return rc;
	if (base)
		return rt_error(err, RETORT_ENOTFOUND,
				"relative revision '%s' walked too far: it goes below base", spec);
	push(out, at);
	return 0;
}

/*
 * "L@X": revert what is above X on branch L only (Alembic's branch
 * downgrade), e.g. `downgrade contact@<branch point>` leaves the other
 * branches from that point alone.  X is looked up on the branch first,
 * then anywhere (a branch point is not on its branches).
 */
static int downgrade_branch(rt_targets *out, const rt_graph *g, const rt_state *st,
			    const char *spec, const char *at, rt_err *err)
{
	char *name = rt_xstrndup(spec, (size_t)(at - spec));
	branch b = { name, rt_map_get(&g->by_label, name), NULL };
	rt_targets t = { 0 };
	uint8_t *desc = NULL;
	uint32_t i;
	int rc = need_state(st, spec, err);

	if (rc == 0 && !b.label_node) {
		if ((rc = find_one(g, NULL, NULL, name, &i, err)) == 0) {
			b.rev = &g->nodes[i];
			desc = descendants(g, i);
		}
	}
	if (rc == 0 && (rc = rt_resolve(&t, g, st, spec, err)) == RETORT_ENOTFOUND)
		rc = rt_resolve(&t, g, st, at + 1, err);
	for (size_t k = 0; rc == 0 && k < t.n; k++) {
		const rt_node *nd = &g->nodes[t.v[k]];
		if (!st->applied[t.v[k]]) {
			rc = rt_error(err, RETORT_EUSAGE,
				      "destination '%s' is not a valid downgrade target from current head(s): it is not applied",
				      nd->rf->id);
			break;
		}
		for (uint32_t j = 0; j < nd->nchildren; j++)
			if (st->applied[nd->children[j]] && in_branch(g, &b, nd->children[j], desc))
				push(out, nd->children[j]);
	}
	if (rc < 0)
		rt_targets_free(out);
	rt_targets_free(&t);
	free(desc);
	free(name);
	return rc;
}

int rt_resolve_downgrade(rt_targets *out, const rt_graph *g, const rt_state *st,
			 const char *spec, rt_err *err)
{
	rt_targets t = { 0 };
	const char *at = strchr(spec, '@');
	const char *rest = at ? at + 1 : spec;
	char *sym = NULL;
	long n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (split_relative(rest, &sym, &n) && !*sym && n <= 0) {
		char *label = at ? rt_xstrndup(spec, (size_t)(at - spec)) : NULL;
		free(sym);
		rc = need_state(st, spec, err);
		if (rc == 0)
			rc = n == 0 ? 0 : downgrade_steps(out, g, st, spec, label, -n, err);
		free(label);
		return rc;
	}
	free(sym);
	if (at && !strcmp(rest, "base")) {
		/* L@base: revert the whole branch, its first revision included */
		if ((rc = rt_resolve(&t, g, st, spec, err)) < 0)
			return rc;
		*out = t;
		out->base = true;
		return 0;
	}
	if (at)
		return downgrade_branch(out, g, st, spec, at, err);
	if ((rc = rt_resolve(&t, g, st, spec, err)) < 0)
		return rc;
	if (t.base) {
		for (uint32_t k = 0; k < g->nbases; k++)
			push(out, g->bases[k]);
		out->base = true;
		rt_targets_free(&t);
		return 0;
	}
	if ((rc = need_state(st, spec, err)) < 0) {
		rt_targets_free(&t);
		return rc;
	}
	for (size_t k = 0; k < t.n; k++) {
		if (!st->applied[t.v[k]]) {
			rc = rt_error(err, RETORT_EUSAGE,
				      "destination '%s' is not a valid downgrade target from current head(s): it is not applied",
				      g->nodes[t.v[k]].rf->id);
			rt_targets_free(out);
			break;
		}
		add_applied_above(out, g, st, t.v[k]);
	}
	rt_targets_free(&t);
	return rc;
}

int rt_history_range(rt_targets *out, const rt_graph *g, const rt_state *st,
		     const char *range, rt_err *err)
{
	size_t n = g->n ? g->n : 1;
	uint8_t *upper = NULL, *lower = NULL;
	uint32_t *stack = NULL;
	rt_targets a = { 0 }, b = { 0 };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (range && *range) {
		const char *colon = strchr(range, ':');
		if (!colon)
			return rt_error(err, RETORT_EUSAGE,
					"history range '%s' must be of the form [start]:[end]", range);
		char *start = rt_xstrndup(range, (size_t)(colon - range));
		const char *end = colon + 1;
		stack = rt_xcalloc(n, sizeof(uint32_t));
		if (*start && (rc = rt_resolve(&a, g, st, start, err)) == 0 && !a.base) {
			lower = rt_xcalloc(n, 1);
			for (size_t i = 0; i < a.n; i++)
				rt_graph_mark(g, a.v[i], RT_WALK_DOWN, NULL, 0, lower, stack);
		}
		if (rc == 0 && *end && (rc = rt_resolve(&b, g, st, end, err)) == 0) {
			upper = rt_xcalloc(n, 1);
			for (size_t i = 0; i < b.n; i++)
				rt_graph_mark(g, b.v[i], RT_WALK_UP, NULL, 0, upper, stack);
		}
		free(start);
	}
	if (rc == 0) {
		out->v = rt_xcalloc(n, sizeof(uint32_t));
		for (uint32_t k = g->n; k-- > 0;) {
			uint32_t i = g->order[k];
			if ((!upper || upper[i]) && (!lower || lower[i]))
				out->v[out->n++] = i;
		}
	}
	free(upper);
	free(lower);
	free(stack);
	rt_targets_free(&a);
	rt_targets_free(&b);
	return rc;
}
