/*
 * fuzz_revspec: revision arguments (rt_resolve, rt_resolve_downgrade,
 * rt_history_range) over a small fixed graph, and the plans made from what
 * resolves.  The first byte picks the database's state (none read, empty,
 * at a branch point, on two branches, at head); the rest is the argument.
 *
 *   a1a1 -- b2b2 --+-- c3c3 (contact) --+-- e5e5 (merge) -- f6f6
 *                  +-- c3d4 ------------+
 *   0a0a (api, a second base) -- 1b1b, which depends on b2b2
 */
#include "fuzz.h"
#include "graph.h"

static const char *const files[] = {
	"-- Revision ID: a1a1a1a1a1a1\n-- Revises:\n-- migrate:upgrade\n-- migrate:downgrade\n",
	"-- Revision ID: b2b2b2b2b2b2\n-- Revises: a1a1a1a1a1a1\n-- migrate:upgrade\n-- migrate:downgrade\n",
	"-- Revision ID: c3c3c3c3c3c3\n-- Revises: b2b2b2b2b2b2\n-- Branch Labels: contact\n-- migrate:upgrade\n-- migrate:downgrade\n",
	"-- Revision ID: c3c3d4d4d4d4\n-- Revises: b2b2b2b2b2b2\n-- migrate:upgrade\n-- migrate:downgrade\n",
	"-- Revision ID: e5e5e5e5e5e5\n-- Revises: c3c3c3c3c3c3, c3c3d4d4d4d4\n-- migrate:upgrade\n-- migrate:downgrade\n",
	"-- Revision ID: f6f6f6f6f6f6\n-- Revises: e5e5e5e5e5e5\n-- migrate:upgrade\n-- migrate:downgrade\n",
	"-- Revision ID: 0a0a0a0a0a0a\n-- Revises:\n-- Branch Labels: api\n-- migrate:upgrade\n-- migrate:downgrade\n",
	"-- Revision ID: 1b1b1b1b1b1b\n-- Revises: 0a0a0a0a0a0a\n-- Depends On: b2b2b2b2b2b2\n-- migrate:upgrade\n-- migrate:downgrade\n",
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static rt_revfile revs[NFILES];
static rt_graph graph;
static rt_state states[4];
static bool ready;

static void setup(void)
{
	static char *const rows[4][2] = {
		{ NULL, NULL },
		{ "b2b2b2b2b2b2", NULL },
		{ "c3c3c3c3c3c3", "1b1b1b1b1b1b" },
		{ "f6f6f6f6f6f6", "1b1b1b1b1b1b" },
	};
	static const size_t nrows[4] = { 0, 1, 2, 2 };
	rt_err err = { 0 };
	for (size_t i = 0; i < NFILES; i++) {
		char path[32];
		snprintf(path, sizeof(path), "versions/%zu.sql", i);
		FUZZ_CHECK(!rt_revfile_parse(&revs[i], path, files[i], strlen(files[i]), &err),
			   "fixture: %s", err.msg);
	}
	FUZZ_CHECK(!rt_graph_build(&graph, revs, NFILES, &err), "fixture: %s", err.msg);
	for (int i = 0; i < 4; i++)
		FUZZ_CHECK(!rt_state_init(&states[i], &graph, rows[i], nrows[i], &err),
			   "fixture: %s", err.msg);
	ready = true;
}

static void check_targets(const rt_targets *t)
{
	for (size_t i = 0; i < t->n; i++)
		FUZZ_CHECK(t->v[i] < graph.n, "target %u out of range", t->v[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready)
		setup();
	if (size == 0)
		return 0;
	unsigned pick = data[0] % 5;
	const rt_state *st = pick == 4 ? NULL : &states[pick];
	char *spec = fuzz_str(data + 1, size - 1);
	rt_targets t;
	rt_err err = { 0 };
	rt_plan plan;

	int rc = rt_resolve(&t, &graph, st, spec, &err);
	if (rc) {
		fuzz_check_error(&err, rc, NULL);
	} else {
		check_targets(&t);
		if (st) {
			memset(&plan, 0, sizeof(plan));
			if (!rt_plan_upgrade(&plan, &graph, st, t.v, t.n, &err))
				FUZZ_CHECK(plan.n <= graph.n, "a plan of %zu steps", plan.n);
			rt_plan_free(&plan);
			memset(&plan, 0, sizeof(plan));
			rt_plan_stamp(&plan, &graph, st, &t, false, &err);
			rt_plan_free(&plan);
		}
		rt_targets_free(&t);
	}

	memset(&err, 0, sizeof(err));
	rc = rt_resolve_downgrade(&t, &graph, st, spec, &err);
	if (rc) {
		fuzz_check_error(&err, rc, NULL);
	} else {
		check_targets(&t);
		if (st) {
			memset(&plan, 0, sizeof(plan));
			if (!rt_plan_downgrade(&plan, &graph, st, t.v, t.n, &err))
				FUZZ_CHECK(plan.n <= graph.n, "a plan of %zu steps", plan.n);
			rt_plan_free(&plan);
		}
		rt_targets_free(&t);
	}

	memset(&err, 0, sizeof(err));
	rc = rt_history_range(&t, &graph, st, spec, &err);
	if (rc)
		fuzz_check_error(&err, rc, NULL);
	else {
		check_targets(&t);
		rt_targets_free(&t);
	}
	free(spec);
	return 0;
}
