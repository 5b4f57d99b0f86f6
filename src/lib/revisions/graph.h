/*
 * graph.h: the revision graph and the database's place in it.
 *
 * Nodes are the revision files; edges go from a revision to its parents
 * (Revises) and to what it depends on (Depends On, which orders but does not
 * make a branch).  Everything here is linear in the number of revisions:
 * ids are found through a hash map, one depth-first walk gives a global
 * topological order at build time, and every later question (what to apply,
 * what to revert, what the version table becomes) is answered by filtering
 * that order or by counters kept per node, never by walking ancestors once
 * per step as Alembic does.
 */
#ifndef RT_LIB_GRAPH_H
#define RT_LIB_GRAPH_H

#include "error.h"
#include "revfile.h"
#include "util/map.h"
#include "util/vec.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct rt_node {
	retort_rev pub;       /* the public view; its arrays point below */
	rt_revfile *rf;       /* borrowed from the caller of rt_graph_build */
	uint32_t *parents;    /* Revises, file order */
	uint32_t nparents;
	uint32_t *deps;       /* Depends On, resolved, without duplicates */
	uint32_t ndeps;
	uint32_t *children;
	uint32_t nchildren;
	uint32_t *dependents;
	uint32_t ndependents;
	uint32_t topo;        /* position in the topological order */
	const char **child_ids, **dep_ids, **label_list; /* backing for pub */
	uint32_t nlabels;
} rt_node;

typedef struct rt_graph {
	rt_node *nodes;       /* in the order of the files given */
	uint32_t n;
	rt_map by_id;         /* id -> rt_node* */
	rt_map by_label;      /* declared label -> rt_node* */
	uint32_t *order;      /* topological: parents and dependencies first */
	uint32_t *heads;      /* no children, newest first */
	uint32_t nheads;
	uint32_t *bases;      /* no parents, oldest first */
	uint32_t nbases;
	uint32_t *edge_pool;  /* behind every node's edge arrays */
	const char **id_pool; /* behind every node's child_ids and dep_ids */
} rt_graph;

/*
 * Build the graph over files[0..n).  Fails with RETORT_EPARSE naming the file
 * and line for: two files with one id, an unknown id in Revises or Depends On,
 * a label declared twice, a cycle (listing it).
 */
#define RT_NIL UINT32_MAX

/*
 * The revisions marked in `in`, in the order Alembic gives them (order.c):
 * from the heads down, heads[] being the heads of the set (the targets of
 * an upgrade, the database's rows for a downgrade).  `history` prints this
 * order, `downgrade` runs it, `upgrade` runs it backwards.  out has room
 * for every node; returns how many were written.
 */
size_t rt_alembic_order(const rt_graph *g, const uint8_t *in, const uint32_t *heads,
			size_t nheads, uint32_t *out);

/*
 * r's dependencies that no ancestor along its Revises lines depends on
 * (Alembic's _normalized_resolved_dependencies) into out, which has room for
 * r's dependencies; their count.  stack and seen have room for every node.
 */
uint32_t rt_normalized_deps(const rt_graph *g, uint32_t r, uint32_t *out, uint32_t *stack,
			    uint8_t *seen);

/*
 * The k-th node that must come before nd: its dependencies first, then its
 * parents last-first (the order that makes Alembic's upgrade order).  RT_NIL
 * past the end.
 */
static inline uint32_t rt_pred_at(const rt_node *nd, uint32_t k)
{
	if (k < nd->ndeps)
		return nd->deps[k];
	k -= nd->ndeps;
	if (k < nd->nparents)
		return nd->parents[nd->nparents - 1 - k];
	return RT_NIL;
}

/* Which edges a walk follows. */
typedef enum rt_walk {
	RT_WALK_UP,       /* parents and dependencies: what a revision needs */
	RT_WALK_DOWN,     /* children and dependents: what needs it */
	RT_WALK_CHILDREN, /* children only: the revisions of its branch */
	RT_WALK_PARENTS   /* parents only (Revises), no dependencies */
} rt_walk;

/*
 * Mark start and every node reached from it along dir, iteratively.  A node
 * already marked stops the walk there; so does one whose only[] value is
 * not only_is (only may be NULL: every node may be walked).  stack must
 * hold g->n entries.  Linear in what it marks.
 */
void rt_graph_mark(const rt_graph *g, uint32_t start, rt_walk dir, const uint8_t *only,
		   uint8_t only_is, uint8_t *mark, uint32_t *stack);

int rt_graph_build(rt_graph *g, rt_revfile *files, uint32_t n, rt_err *err);
void rt_graph_free(rt_graph *g);
rt_node *rt_graph_get(const rt_graph *g, const char *id);

/*
 * What the database holds: the version table's rows, and the applied set
 * they imply (every ancestor and dependency of a row).  applied_children
 * counts, for each applied node, its applied children and dependents: a
 * node is a row exactly when it is applied and that count is 0.
 */
typedef struct rt_state {
	uint8_t *applied;          /* per node */
	uint32_t *applied_children;/* per node */
	rt_strvec rows;            /* version table rows, as read */
} rt_state;

/* Fails with RETORT_ENOTFOUND for a row no revision file has. */
int rt_state_init(rt_state *st, const rt_graph *g, char *const *rows, size_t nrows, rt_err *err);
void rt_state_free(rt_state *st);
/* Recount applied_children from applied. */
void rt_state_count_children(const rt_graph *g, rt_state *st);

/* A change to the version table. */
typedef enum rt_row_kind { RT_ROW_INSERT, RT_ROW_DELETE, RT_ROW_UPDATE } rt_row_kind;
typedef struct rt_row_op {
	rt_row_kind kind;
	const char *from; /* DELETE, UPDATE */
	const char *to;   /* INSERT, UPDATE */
} rt_row_op;

typedef enum rt_step_kind { RT_STEP_UPGRADE, RT_STEP_DOWNGRADE, RT_STEP_STAMP } rt_step_kind;

typedef struct rt_step {
	rt_step_kind kind;
	uint32_t node;        /* upgrade/downgrade: the revision; stamp: unused */
	rt_row_op *ops;       /* row changes, in order, done in the step's transaction */
	uint32_t nops;
	char *from_desc;      /* "a, b" (parents for upgrade, the revision for downgrade) */
	char *to_desc;        /* "c" */
} rt_step;

typedef struct rt_plan {
	rt_step *steps;
	size_t n;
	rt_strvec rows_before;
	rt_strvec rows_after;
} rt_plan;

void rt_plan_free(rt_plan *p);
/* Apply one step's row changes to a list of rows (to follow a plan along). */
void rt_rows_apply(rt_strvec *rows, const rt_step *s);
/* Whether two lists of rows hold the same revisions, in any order. */
bool rt_rows_equal(const rt_strvec *a, const rt_strvec *b);

/* Apply every ancestor of targets not yet applied, in topological order. */
int rt_plan_upgrade(rt_plan *p, const rt_graph *g, const rt_state *st,
		    const uint32_t *targets, size_t ntargets, rt_err *err);
/*
 * Revert every applied revision that is seeds[i] or descends from one,
 * children before parents.
 */
int rt_plan_downgrade(rt_plan *p, const rt_graph *g, const rt_state *st,
		      const uint32_t *seeds, size_t nseeds, rt_err *err);
/* Alembic's stamp steps to the targets t (rt_resolve_stamp's). */
struct rt_targets;
int rt_plan_stamp(rt_plan *p, const rt_graph *g, const rt_state *st, const struct rt_targets *t,
		  bool purge, rt_err *err);

/*
 * Revision arguments (SPEC "The graph and how to name a revision").
 *
 * rt_resolve gives the revisions an argument names; st may be NULL when the
 * database was not read, and then forms that need it fail with RETORT_ESTATE
 * ("'+1' needs the database's current revision").  For downgrade targets use
 * rt_resolve_downgrade, which gives the seeds to revert (what is above the
 * target) for ids, labels, "base", "-N", "X-N" and "label@-N".
 */
typedef struct rt_targets {
	uint32_t *v;
	size_t n;
	bool base;            /* the argument was "base" (or label@base) */
	/*
	 * stamp only: the revisions whose line a row must share to be
	 * replaced (Alembic's filter_for_lineage: the argument's branch
	 * label and its revisions); none, with line_all, keeps every row
	 */
	uint32_t *line;
	size_t nline;
	bool line_all;
} rt_targets;

int rt_resolve(rt_targets *out, const rt_graph *g, const rt_state *st, const char *spec,
	       rt_err *err);
int rt_resolve_downgrade(rt_targets *out, const rt_graph *g, const rt_state *st,
			 const char *spec, rt_err *err);
/*
 * stamp's targets: as rt_resolve, except that on a database with no row a
 * bare "-N" or "label@-N" walks N down from each real head (on the label's
 * line), as Alembic's get_revisions does; out->line is filled.
 */
int rt_resolve_stamp(rt_targets *out, const rt_graph *g, const rt_state *st, const char *spec,
		     rt_err *err);
void rt_targets_free(rt_targets *t);

/* The revisions of a history range "[A]:[B]", in history order (newest first). */
int rt_history_range(rt_targets *out, const rt_graph *g, const rt_state *st,
		     const char *range, rt_err *err);
/* Mark in[node] for each revision of a history range (no database state). */
int rt_mark_range(uint8_t *in, const rt_graph *g, const char *range, rt_err *err);

#endif
