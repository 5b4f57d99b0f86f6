/*
 * order.c: the order Alembic gives a set of revisions (rt_alembic_order).
 *
 * Alembic (script/revision.py, RevisionMap._topological_sort) does not sort
 * a set of revisions by one global order: it walks down from the heads of
 * the set, one line at a time, taking the heads in the order their files
 * were read, and leaves a line for another head whenever that head's
 * ancestors hold the revision it was about to emit.  The order of `history`
 * is that walk; `upgrade` runs it backwards and `downgrade` forwards.  Two
 * graphs with the same edges can so give different orders, and a merge's
 * parents are taken in the order of its Revises line.  This is that
 * algorithm, step for step, so that retort runs and prints revisions in
 * Alembic's order.  Its one nondeterminism is mirrored deterministically:
 * Alembic keeps a revision's dependencies that its ancestors do not already
 * depend on in a Python set; here they keep the order of its Depends On.
 *
 * Ancestor sets are bitsets, recomputed as Alembic recomputes them: at a
 * merge, a branch point or a dependency, not on a plain line.
 */
#include "graph.h"
#include "util/xalloc.h"

#include <string.h>

typedef struct bits {
	uint64_t *w;
} bits;

static size_t words(const rt_graph *g)
{
	return (g->n + 63) / 64 ? (g->n + 63) / 64 : 1;
}

static bool bit(const bits *b, uint32_t i)
{
	return (b->w[i / 64] >> (i % 64)) & 1;
}

static void set_bit(bits *b, uint32_t i)
{
	b->w[i / 64] |= (uint64_t)1 << (i % 64);
}

static void clear_bit(bits *b, uint32_t i)
{
	b->w[i / 64] &= ~((uint64_t)1 << (i % 64));
}

/* start and all its ancestors (parents and dependencies). */
static bits ancestors(const rt_graph *g, uint32_t start, uint32_t *stack)
{
	bits b = { rt_xcalloc(words(g), sizeof(uint64_t)) };
	uint32_t depth = 0;
	stack[depth++] = start;
	set_bit(&b, start);
	while (depth) {
		const rt_node *nd = &g->nodes[stack[--depth]];
		for (uint32_t k = 0, q; (q = rt_pred_at(nd, k)) != RT_NIL; k++)
			if (!bit(&b, q)) {
				set_bit(&b, q);
				stack[depth++] = q;
			}
	}
	return b;
}

/* graph.h */
uint32_t rt_normalized_deps(const rt_graph *g, uint32_t r, uint32_t *out, uint32_t *stack,
			    uint8_t *seen)
{
	const rt_node *nd = &g->nodes[r];
	uint32_t n = 0;
	if (!nd->ndeps)
		return 0;
	memset(seen, 0, g->n);
	uint32_t depth = 0;
	for (uint32_t k = 0; k < nd->nparents; k++)
		if (!seen[nd->parents[k]]) {
			seen[nd->parents[k]] = 1;
			stack[depth++] = nd->parents[k];
		}
	/* seen: strict ancestors by Revises; mark 2 on what they depend on */
	uint8_t *dep_of_anc = rt_xcalloc(g->n ? g->n : 1, 1);
	while (depth) {
		const rt_node *a = &g->nodes[stack[--depth]];
		for (uint32_t k = 0; k < a->ndeps; k++)
			dep_of_anc[a->deps[k]] = 1;
		for (uint32_t k = 0; k < a->nparents; k++)
			if (!seen[a->parents[k]]) {
				seen[a->parents[k]] = 1;
				stack[depth++] = a->parents[k];
			}
	}
	for (uint32_t k = 0; k < nd->ndeps; k++)
		if (!dep_of_anc[nd->deps[k]])
			out[n++] = nd->deps[k];
	free(dep_of_anc);
	return n;
}

size_t rt_alembic_order(const rt_graph *g, const uint8_t *in, const uint32_t *heads,
			size_t nheads, uint32_t *out)
{
	size_t n = g->n ? g->n : 1, nout = 0;
	uint8_t *todo = rt_xmalloc(n), *seen = rt_xmalloc(n), *is_head = rt_xcalloc(n, 1);
	uint32_t *stack = rt_xcalloc(n, sizeof(uint32_t));
	uint32_t *down = rt_xcalloc(n + 1, sizeof(uint32_t));
	uint32_t *cur = rt_xcalloc(n + nheads + 1, sizeof(uint32_t));
	bits *anc = rt_xcalloc(n + nheads + 1, sizeof(bits));
	size_t ncur = 0;
	memcpy(todo, in, g->n);

	/* the heads that are in the set, once each, in file order */
	for (size_t i = 0; i < nheads; i++)
		if (heads[i] != RT_NIL && todo[heads[i]])
			is_head[heads[i]] = 1;
	for (uint32_t i = 0; i < g->n; i++)
		if (is_head[i]) {
			cur[ncur] = i;
			anc[ncur++] = ancestors(g, i, stack);
		}
	memset(is_head, 0, n);
	for (size_t i = 0; i < ncur; i++)
		is_head[cur[i]] = 1;

	size_t c = 0;
	while (ncur) {
		uint32_t cand = cur[c];
		size_t other = ncur;
		for (size_t h = 0; h < ncur; h++)
			if (h != c && bit(&anc[h], cand)) {
				other = h;
				break;
			}
		if (other < ncur) {
			/* another head is above us: walk its line first */
			c = other;
			continue;
		}
		if (todo[cand]) {
			out[nout++] = cand;
			todo[cand] = 0;
		}
		/* our down revisions: Revises, then normalized dependencies */
		const rt_node *nd = &g->nodes[cand];
		uint32_t ndown = 0, nnorm;
		for (uint32_t k = 0; k < nd->nparents; k++)
			down[ndown++] = nd->parents[k];
		nnorm = rt_normalized_deps(g, cand, down + ndown, stack, seen);
		ndown += nnorm;
		uint32_t add[64], nadd = 0, *addv = add;
		if (ndown > 64)
			addv = rt_xcalloc(ndown, sizeof(uint32_t));
		for (uint32_t k = 0; k < ndown; k++) {
			uint32_t q = down[k];
			bool dup = false;
			for (uint32_t j = 0; j < nadd; j++)
				dup |= addv[j] == q;
			if (!dup && todo[q] && !is_head[q])
				addv[nadd++] = q;
		}
		if (!nadd) {
			/* the line ends: drop this head */
			is_head[cand] = 0;
			free(anc[c].w);
			memmove(&cur[c], &cur[c + 1], (ncur - c - 1) * sizeof(*cur));
			memmove(&anc[c], &anc[c + 1], (ncur - c - 1) * sizeof(*anc));
			ncur--;
			c = c ? c - 1 : 0;
		} else if (!nnorm && nd->nparents == 1) {
			/* a plain line: move down it */
			is_head[cand] = 0;
			cur[c] = addv[0];
			is_head[addv[0]] = 1;
			clear_bit(&anc[c], cand);
		} else {
			is_head[cand] = 0;
			cur[c] = addv[0];
			is_head[addv[0]] = 1;
			free(anc[c].w);
			anc[c] = ancestors(g, addv[0], stack);
			for (uint32_t j = 1; j < nadd; j++) {
				cur[ncur] = addv[j];
				is_head[addv[j]] = 1;
				anc[ncur++] = ancestors(g, addv[j], stack);
			}
		}
		if (addv != add)
			free(addv);
	}
	/* what no head reached (not expected): after, in global order */
	for (uint32_t k = g->n; k-- > 0;)
		if (todo[g->order[k]])
			out[nout++] = g->order[k];
	free(todo);
	free(seen);
	free(is_head);
	free(stack);
	free(down);
	free(cur);
	free(anc);
	return nout;
}
