/*
 * test_graph.c: the revision graph, revision arguments and plans.
 *
 * Graphs are built from rt_revfile values made in memory, so each test reads
 * as its picture:  a - b - c  /  b - d  /  (c, d) - e.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "graph.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <string.h>

typedef struct fixture {
	rt_revfile files[64];
	uint32_t n;
	rt_graph g;
	rt_state st;
	rt_err err;
} fixture;

static void rev(fixture *f, const char *id, const char *revises, const char *deps,
		const char *labels)
{
	rt_revfile *rf = &f->files[f->n++];
	memset(rf, 0, sizeof(*rf));
	rf->id = rt_xstrdup(id);
	rt_buf p = RT_BUF_INIT;
	rt_buf_printf(&p, "versions/%s.sql", id);
	rf->path = rt_buf_detach(&p);
	rf->message = rt_xstrdup(id);
	rf->doc = rt_xstrdup("");
	rf->create_date = rt_xstrdup("");
	rf->id_line = 3;
	rf->revises_line = 4;
	rf->depends_on_line = 7;
	rt_strvec_split(&rf->revises, revises ? revises : "", ",");
	rt_strvec_split(&rf->depends_on, deps ? deps : "", ",");
	rt_strvec_split(&rf->branch_labels, labels ? labels : "", ",");
	rf->upgrade.sql = rt_xstrdup("");
	rf->downgrade.sql = rt_xstrdup("");
}

static int build(fixture *f)
{
	return rt_graph_build(&f->g, f->files, f->n, &f->err);
}

static void fixture_free(fixture *f)
{
	rt_state_free(&f->st);
	rt_graph_free(&f->g);
	for (uint32_t i = 0; i < f->n; i++) {
		rt_revfile *rf = &f->files[i];
		free(rf->id);
		free(rf->path);
		free(rf->message);
		free(rf->doc);
		free(rf->create_date);
		free(rf->upgrade.sql);
		free(rf->downgrade.sql);
		rt_strvec_free(&rf->revises);
		rt_strvec_free(&rf->depends_on);
		rt_strvec_free(&rf->branch_labels);
	}
}

/* Set the database's rows ("a,b"; "" for none). */
static int rows(fixture *f, const char *list)
{
	rt_strvec v = RT_STRVEC_INIT;
	rt_strvec_split(&v, list, ",");
	rt_state_free(&f->st);
	int rc = rt_state_init(&f->st, &f->g, v.v, v.len, &f->err);
	rt_strvec_free(&v);
	return rc;
}

/* The ids a spec resolves to, joined with ','; "base" for base. */
static char *resolve(fixture *f, const char *spec, bool down)
{
	rt_targets t;
	int rc = down ? rt_resolve_downgrade(&t, &f->g, &f->st, spec, &f->err)
		      : rt_resolve(&t, &f->g, f->st.applied ? &f->st : NULL, spec, &f->err);
	if (rc < 0)
		return NULL;
	rt_buf b = RT_BUF_INIT;
	if (t.base && !t.n)
		rt_buf_puts(&b, "base");
	for (size_t i = 0; i < t.n; i++)
		rt_buf_printf(&b, "%s%s", i ? "," : "", f->g.nodes[t.v[i]].rf->id);
	rt_targets_free(&t);
	return rt_buf_detach(&b);
}

static void assert_resolves(fixture *f, const char *spec, const char *want)
{
	char *got = resolve(f, spec, false);
	if (!got)
		fail_msg("'%s' failed: %s", spec, f->err.msg);
	assert_string_equal(got, want);
	free(got);
}

static void assert_fails(fixture *f, const char *spec, int code, const char *needle)
{
	char *got = resolve(f, spec, false);
	if (got)
		fail_msg("'%s' resolved to '%s'", spec, got);
	assert_int_equal(f->err.code, code);
	if (!strstr(f->err.msg, needle))
		fail_msg("'%s': '%s' not in '%s'", spec, needle, f->err.msg);
}

/* A plan as text: "+a[I:a] +b[U:a>b]" (steps with their row ops). */
static char *plan_text(const rt_plan *p, const rt_graph *g)
{
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < p->n; i++) {
		const rt_step *s = &p->steps[i];
		rt_buf_printf(&b, "%s%s%s[", i ? " " : "",
			      s->kind == RT_STEP_UPGRADE ? "+" : s->kind == RT_STEP_DOWNGRADE ? "-" : "=",
			      s->kind == RT_STEP_STAMP ? "" : g->nodes[s->node].rf->id);
		for (uint32_t k = 0; k < s->nops; k++) {
			const rt_row_op *op = &s->ops[k];
			if (k)
				rt_buf_putc(&b, ' ');
			if (op->kind == RT_ROW_INSERT)
				rt_buf_printf(&b, "I:%s", op->to);
			else if (op->kind == RT_ROW_DELETE)
				rt_buf_printf(&b, "D:%s", op->from);
			else
				rt_buf_printf(&b, "U:%s>%s", op->from, op->to);
		}
		rt_buf_putc(&b, ']');
	}
	return rt_buf_detach(&b);
}

static void assert_plan(fixture *f, const char *spec, bool down, const char *want,
			const char *want_rows)
{
	rt_targets t;
	rt_plan p;
	int rc = down ? rt_resolve_downgrade(&t, &f->g, &f->st, spec, &f->err)
		      : rt_resolve(&t, &f->g, &f->st, spec, &f->err);
	if (rc < 0)
		fail_msg("'%s': %s", spec, f->err.msg);
	rc = down ? rt_plan_downgrade(&p, &f->g, &f->st, t.v, t.n, &f->err)
		  : rt_plan_upgrade(&p, &f->g, &f->st, t.v, t.n, &f->err);
	assert_int_equal(rc, 0);
	char *got = plan_text(&p, &f->g);
	if (strcmp(got, want))
		fail_msg("'%s': plan '%s', want '%s'", spec, got, want);
	rt_buf r = RT_BUF_INIT;
	for (size_t i = 0; i < p.rows_after.len; i++)
		rt_buf_printf(&r, "%s%s", i ? "," : "", p.rows_after.v[i]);
	assert_string_equal(r.ptr, want_rows);
	rt_buf_free(&r);
	free(got);
	rt_plan_free(&p);
	rt_targets_free(&t);
}

/* a - b - c(label x) ; b - d ; (d, c) - e : Alembic's own example. */
static void branchy(fixture *f)
{
	rev(f, "aaaa0001", "", "", "");
	rev(f, "bbbb0002", "aaaa0001", "", "");
	rev(f, "cccc0003", "bbbb0002", "", "xb");
	rev(f, "dddd0004", "bbbb0002", "", "");
	rev(f, "eeee0005", "dddd0004, cccc0003", "", "");
	assert_int_equal(build(f), 0);
}

static void test_graph__linear_chain_has_one_head_and_base(void **state)
{
	fixture f = { 0 };
	rev(&f, "c", "b", "", "");
	rev(&f, "a", "", "", "");
	rev(&f, "b", "a", "", "");
	assert_int_equal(build(&f), 0);
	assert_int_equal(f.g.nheads, 1);
	assert_string_equal(f.g.nodes[f.g.heads[0]].rf->id, "c");
	assert_int_equal(f.g.nbases, 1);
	assert_string_equal(f.g.nodes[f.g.bases[0]].rf->id, "a");
	assert_string_equal(f.g.nodes[f.g.order[0]].rf->id, "a");
	assert_string_equal(f.g.nodes[f.g.order[2]].rf->id, "c");
	assert_true(f.g.nodes[0].pub.flags & RETORT_REV_HEAD);
	assert_true(f.g.nodes[1].pub.flags & RETORT_REV_BASE);
	fixture_free(&f);
}

static void test_graph__duplicate_id_names_both_files(void **state)
{
	fixture f = { 0 };
	rev(&f, "a", "", "", "");
	rev(&f, "a", "", "", "");
	assert_int_equal(build(&f), RETORT_EPARSE);
	assert_non_null(strstr(f.err.msg, "versions/a.sql:3: revision id 'a' is also used by"));
	fixture_free(&f);
}

static void test_graph__unknown_parent_names_file_and_line(void **state)
{
	fixture f = { 0 };
	rev(&f, "a", "", "", "");
	rev(&f, "b", "zzzz", "", "");
	assert_int_equal(build(&f), RETORT_EPARSE);
	assert_string_equal(f.err.msg, "versions/b.sql:4: unknown revision 'zzzz' in 'Revises'");
	fixture_free(&f);
}

static void test_graph__unknown_dependency_is_an_error(void **state)
{
	fixture f = { 0 };
	rev(&f, "a", "", "nope", "");
	assert_int_equal(build(&f), RETORT_EPARSE);
	assert_non_null(strstr(f.err.msg, "versions/a.sql:7: unknown revision or branch label 'nope'"));
	fixture_free(&f);
}

static void test_graph__cycle_is_listed(void **state)
{
	fixture f = { 0 };
	rev(&f, "a", "c", "", "");
	rev(&f, "b", "a", "", "");
	rev(&f, "c", "b", "", "");
	assert_int_equal(build(&f), RETORT_EPARSE);
	assert_non_null(strstr(f.err.msg, "cycle"));
	assert_non_null(strstr(f.err.msg, "a -> "));
	fixture_free(&f);
}

static void test_graph__duplicate_label_is_an_error(void **state)
{
	fixture f = { 0 };
	rev(&f, "a", "", "", "x");
	rev(&f, "b", "a", "", "x");
	assert_int_equal(build(&f), RETORT_EPARSE);
	assert_non_null(strstr(f.err.msg, "branch label 'x' is already used"));
	fixture_free(&f);
}

static void test_graph__flags_and_inherited_labels_match_alembic(void **state)
{
	fixture f = { 0 };
	branchy(&f);
	rt_node *b = rt_graph_get(&f.g, "bbbb0002"), *c = rt_graph_get(&f.g, "cccc0003");
	rt_node *d = rt_graph_get(&f.g, "dddd0004"), *e = rt_graph_get(&f.g, "eeee0005");
	assert_true(b->pub.flags & RETORT_REV_BRANCHPOINT);
	assert_true(e->pub.flags & RETORT_REV_MERGEPOINT);
	assert_true(e->pub.flags & RETORT_REV_HEAD);
	assert_int_equal(c->pub.nlabels, 1);
	assert_int_equal(e->pub.nlabels, 1); /* descendants inherit */
	assert_int_equal(b->pub.nlabels, 0); /* the branch point does not */
	assert_int_equal(d->pub.nlabels, 0);
	/* history order (newest first) is Alembic's: e d c b a */
	assert_string_equal(f.g.nodes[f.g.order[4]].rf->id, "eeee0005");
	assert_string_equal(f.g.nodes[f.g.order[3]].rf->id, "dddd0004");
	assert_string_equal(f.g.nodes[f.g.order[2]].rf->id, "cccc0003");
	fixture_free(&f);
}

static void test_resolve__ids_prefixes_and_symbols(void **state)
{
	fixture f = { 0 };
	branchy(&f);
	assert_resolves(&f, "cccc0003", "cccc0003");
	assert_resolves(&f, "cccc", "cccc0003");
	assert_resolves(&f, "xb", "cccc0003");
	assert_resolves(&f, "heads", "eeee0005");
	assert_resolves(&f, "head", "eeee0005");
	assert_resolves(&f, "base", "base");
	fixture_free(&f);
}

static void test_resolve__walking_down_a_merge_is_ambiguous(void **state)
{
	fixture f = { 0 };
	branchy(&f);
	assert_fails(&f, "head-1", RETORT_EAMBIGUOUS, "Ambiguous walk");
	assert_resolves(&f, "cccc-2", "aaaa0001");
	assert_resolves(&f, "aaaa0001+1", "bbbb0002");
	assert_fails(&f, "aaaa0001+2", RETORT_EAMBIGUOUS, "Ambiguous walk");
	assert_resolves(&f, "cccc0003+1", "eeee0005");
	assert_fails(&f, "eeee+1", RETORT_ENOTFOUND, "Walked too far");
	assert_resolves(&f, "aaaa-1", "base");
	assert_fails(&f, "aaaa-2", RETORT_ENOTFOUND, "Walked too far");
	fixture_free(&f);
}

static void test_resolve__errors_read_like_alembic(void **state)
{
	fixture f = { 0 };
	rev(&f, "abcd1111", "", "", "");
	rev(&f, "abcd2222", "abcd1111", "", "");
	rev(&f, "ffff0000", "abcd1111", "", "");
	assert_int_equal(build(&f), 0);
	assert_fails(&f, "abcd", RETORT_EAMBIGUOUS, "Multiple revisions start with 'abcd': 'abcd1111', 'abcd2222'");
	assert_fails(&f, "head", RETORT_EAMBIGUOUS, "'<branchname>@head'");
	assert_fails(&f, "zzzzzz", RETORT_ENOTFOUND, "No such revision or branch 'zzzzzz'");
	/* Alembic's prefixes may be short: the ids they match are longer than 3 */
	assert_fails(&f, "abc", RETORT_EAMBIGUOUS, "Multiple revisions start with 'abc'");
	assert_resolves(&f, "ff", "ffff0000");
	assert_fails(&f, "zz", RETORT_ENOTFOUND, "at least four characters");
	assert_fails(&f, "+1", RETORT_ESTATE, "needs the database");
	assert_resolves(&f, "abcd2222@head", "abcd2222");
	assert_resolves(&f, "heads", "abcd2222,ffff0000"); /* file order, as Alembic */
	fixture_free(&f);
}

static void test_resolve__labels_and_relative_from_current(void **state)
{
	fixture f = { 0 };
	branchy(&f);
	assert_int_equal(rows(&f, "bbbb0002"), 0);
	assert_fails(&f, "+1", RETORT_EAMBIGUOUS, "Ambiguous walk");
	assert_resolves(&f, "xb@+1", "cccc0003");
	assert_resolves(&f, "xb@head", "eeee0005");
	assert_resolves(&f, "xb@base", "base"); /* Alembic: base, whatever the branch */
	assert_int_equal(rows(&f, "cccc0003"), 0);
	assert_resolves(&f, "xb@+1", "eeee0005");
	assert_resolves(&f, "+1", "eeee0005");
	assert_fails(&f, "xb@dddd0004", RETORT_ENOTFOUND, "not a member of branch 'xb'");
	assert_resolves(&f, "xb@bbbb0002", "bbbb0002"); /* on its line, below the label */
	fixture_free(&f);
}

static void test_resolve__relative_needs_a_single_path(void **state)
{
	fixture f = { 0 };
	rev(&f, "a000", "", "", "");
	rev(&f, "b000", "a000", "", "");
	rev(&f, "c000", "b000", "", "lbl");
	rev(&f, "d000", "c000", "", "");
	assert_int_equal(build(&f), 0);
	assert_int_equal(rows(&f, ""), 0);
	assert_resolves(&f, "+1", "a000");
	assert_resolves(&f, "+3", "c000");
	assert_int_equal(rows(&f, "b000"), 0);
	assert_resolves(&f, "+1", "c000");
	assert_fails(&f, "-1", RETORT_ENOTFOUND, "Relative revision -1 didn't produce 1 migrations");
	assert_resolves(&f, "b000-1", "a000");
	assert_resolves(&f, "current", "b000");
	assert_resolves(&f, "lbl@head", "d000");
	assert_resolves(&f, "lbl@c000", "c000");
	assert_resolves(&f, "lbl@base", "base");
	assert_fails(&f, "+5", RETORT_ENOTFOUND, "Relative revision +5 didn't produce 5 migrations");
	fixture_free(&f);
}

static void test_plan__branches_then_merge_rows_match_alembic(void **state)
{
	fixture f = { 0 };
	branchy(&f);
	assert_int_equal(rows(&f, ""), 0);
	/* the exact row changes Alembic 1.8.1 writes for `upgrade heads` */
	assert_plan(&f, "heads", false,
		    "+aaaa0001[I:aaaa0001] +bbbb0002[U:aaaa0001>bbbb0002] "
		    "+cccc0003[U:bbbb0002>cccc0003] +dddd0004[I:dddd0004] "
		    "+eeee0005[D:dddd0004 U:cccc0003>eeee0005]",
		    "eeee0005");
	/* one branch only, then the other, then the merge */
	assert_plan(&f, "cccc0003", false,
		    "+aaaa0001[I:aaaa0001] +bbbb0002[U:aaaa0001>bbbb0002] +cccc0003[U:bbbb0002>cccc0003]",
		    "cccc0003");
	assert_int_equal(rows(&f, "cccc0003"), 0);
	assert_plan(&f, "dddd0004", false, "+dddd0004[I:dddd0004]", "cccc0003,dddd0004");
	assert_int_equal(rows(&f, "cccc0003,dddd0004"), 0);
	assert_plan(&f, "heads", false, "+eeee0005[D:dddd0004 U:cccc0003>eeee0005]", "eeee0005");
	fixture_free(&f);
}

static void test_plan__downgrade_one_step_from_a_merge_leaves_both_parents(void **state)
{
	fixture f = { 0 };
	branchy(&f);
	assert_int_equal(rows(&f, "eeee0005"), 0);
	assert_plan(&f, "-1", true, "-eeee0005[I:dddd0004 U:eeee0005>cccc0003]",
		    "dddd0004,cccc0003");
	assert_int_equal(rows(&f, "cccc0003,dddd0004"), 0);
	/* one branch only */
	assert_plan(&f, "xb@-1", true, "-cccc0003[D:cccc0003]", "dddd0004");
	assert_plan(&f, "xb@bbbb0002", true, "-cccc0003[D:cccc0003]", "dddd0004");
	assert_plan(&f, "dddd0004@bbbb", true, "-dddd0004[D:dddd0004]", "cccc0003");
	assert_plan(&f, "cccc0003", true, "", "cccc0003,dddd0004");
	/* Alembic's order: the rows' lines in file order, cccc0003's first */
	assert_plan(&f, "bbbb0002", true, "-cccc0003[D:cccc0003] -dddd0004[U:dddd0004>bbbb0002]",
		    "bbbb0002");
	assert_plan(&f, "base", true,
		    "-cccc0003[D:cccc0003] -dddd0004[U:dddd0004>bbbb0002] "
		    "-bbbb0002[U:bbbb0002>aaaa0001] -aaaa0001[D:aaaa0001]",
		    "");
	char *t = resolve(&f, "-1", true);
	assert_null(t);
	assert_int_equal(f.err.code, RETORT_EAMBIGUOUS);
	fixture_free(&f);
}

static void test_plan__not_applied_downgrade_target_is_refused(void **state)
{
	fixture f = { 0 };
	branchy(&f);
	assert_int_equal(rows(&f, "cccc0003"), 0);
	assert_null(resolve(&f, "dddd0004", true));
	assert_int_equal(f.err.code, RETORT_EUSAGE);
	assert_non_null(strstr(f.err.msg, "not a valid downgrade target"));
	fixture_free(&f);
}

static void test_plan__dependency_is_applied_first_and_merged_into_the_row(void **state)
{
	fixture f = { 0 };
	rev(&f, "a000", "", "", "");
	rev(&f, "b000", "a000", "", "");
	rev(&f, "x000", "", "", "other"); /* a second root */
	rev(&f, "c000", "b000", "other", "");
	assert_int_equal(build(&f), 0);
	rt_node *x = rt_graph_get(&f.g, "x000");
	assert_true(x->pub.flags & RETORT_REV_EFFECTIVE_HEAD);
	assert_false(x->pub.flags & RETORT_REV_HEAD);
	assert_int_equal(rows(&f, ""), 0);
	/* Alembic's order: its walk down from c000 takes x000's line first */
	assert_plan(&f, "c000", false,
		    "+x000[I:x000] +a000[I:a000] +b000[U:a000>b000] +c000[D:b000 U:x000>c000]",
		    "c000");
	assert_int_equal(rows(&f, "c000"), 0);
	assert_plan(&f, "-1", true, "-c000[I:b000 U:c000>x000]", "b000,x000");
	fixture_free(&f);
}

/*
 * c revises a and depends on b, a child of a.  Reverting c, Alembic's
 * HeadMaintainer unmerges to both of c's down revisions (a is no ancestor of
 * another row: b is not one yet), so a and b are both rows after, although
 * a is b's parent; retort writes the same rows.
 */
static void test_plan__unmerge_to_a_parent_and_its_child_keeps_both_rows(void **state)
{
	fixture f = { 0 };
	rev(&f, "a000", "", "", "");
	rev(&f, "b000", "a000", "", "");
	rev(&f, "c000", "a000", "b000", "");
	assert_int_equal(build(&f), 0);
	assert_int_equal(rows(&f, "c000"), 0);
	assert_plan(&f, "-1", true, "-c000[I:a000 U:c000>b000]", "a000,b000");
	/* and from those rows, reverting b leaves a alone */
	assert_int_equal(rows(&f, "a000,b000"), 0);
	assert_plan(&f, "a000", true, "-b000[D:b000]", "a000");
	fixture_free(&f);
}

static void test_plan__stamp_moves_rows_like_alembic(void **state)
{
	fixture f = { 0 };
	branchy(&f);
	assert_int_equal(rows(&f, "bbbb0002"), 0);
	rt_plan p;
	uint32_t v[2] = { (uint32_t)(rt_graph_get(&f.g, "cccc0003") - f.g.nodes),
			  (uint32_t)(rt_graph_get(&f.g, "dddd0004") - f.g.nodes) };
	rt_targets t = { .v = v, .n = 2, .line = v, .nline = 2 };
	assert_int_equal(rt_plan_stamp(&p, &f.g, &f.st, &t, false, &f.err), 0);
	char *s = plan_text(&p, &f.g);
	/* Alembic: one StampStep per target, each applied to the rows it finds */
	assert_string_equal(s, "=[U:bbbb0002>cccc0003] =[I:dddd0004]");
	free(s);
	rt_plan_free(&p);
	assert_int_equal(rows(&f, "eeee0005"), 0);
	t.n = t.nline = 1;
	assert_int_equal(rt_plan_stamp(&p, &f.g, &f.st, &t, false, &f.err), 0);
	s = plan_text(&p, &f.g);
	assert_string_equal(s, "=[U:eeee0005>cccc0003]");
	free(s);
	rt_plan_free(&p);
	rt_targets base = { .base = true, .line_all = true };
	assert_int_equal(rt_plan_stamp(&p, &f.g, &f.st, &base, false, &f.err), 0);
	s = plan_text(&p, &f.g);
	assert_string_equal(s, "=[D:eeee0005]");
	free(s);
	rt_plan_free(&p);
	fixture_free(&f);
}

/* The plan of "stamp spec" from the rows now, as text. */
static char *stamp_text(fixture *f, const char *spec)
{
	rt_targets t;
	rt_plan p;
	if (rt_resolve_stamp(&t, &f->g, &f->st, spec, &f->err))
		fail_msg("'%s': %s", spec, f->err.msg);
	assert_int_equal(rt_plan_stamp(&p, &f->g, &f->st, &t, false, &f->err), 0);
	char *s = plan_text(&p, &f->g);
	rt_plan_free(&p);
	rt_targets_free(&t);
	return s;
}

/*
 * "stamp L@base" deletes only the rows on L's line, as Alembic's
 * filter_for_lineage keeps them; "L@X" also replaces rows on L's line.
 */
static void test_plan__stamp_label_at_base_keeps_rows_off_the_label(void **state)
{
	fixture f = { 0 };
	rev(&f, "d656", "", "", "");
	rev(&f, "d2eb", "d656", "", "L0");
	rev(&f, "bbfb", "d2eb", "", "");
	rev(&f, "c4c1", "", "", "L1");
	assert_int_equal(build(&f), 0);
	assert_int_equal(rows(&f, "c4c1"), 0);
	const char *cases[][2] = {
		{ "L0@base", "" },
		{ "L1@base", "=[D:c4c1]" },
		{ "base", "=[D:c4c1]" },
		{ "c4c1@base", "=[D:c4c1]" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = stamp_text(&f, cases[i][0]);
		if (strcmp(s, cases[i][1]))
			fail_msg("stamp '%s': got '%s' want '%s'", cases[i][0], s, cases[i][1]);
		free(s);
	}
	assert_int_equal(rows(&f, "bbfb,c4c1"), 0);
	char *s = stamp_text(&f, "L0@base");
	assert_string_equal(s, "=[D:bbfb]");
	free(s);
	fixture_free(&f);
}

static void test_state__unknown_row_is_reported(void **state)
{
	fixture f = { 0 };
	branchy(&f);
	assert_int_equal(rows(&f, "deadbeef"), RETORT_ENOTFOUND);
	assert_non_null(strstr(f.err.msg, "can't locate revision identified by 'deadbeef'"));
	fixture_free(&f);
}

static void test_history__ranges_are_inclusive(void **state)
{
	fixture f = { 0 };
	branchy(&f);
	assert_int_equal(rows(&f, "cccc0003"), 0);
	const char *cases[][2] = {
		{ "bbbb0002:cccc0003", "cccc0003,bbbb0002" },
		{ ":bbbb", "bbbb0002,aaaa0001" },
		{ "dddd:", "eeee0005,dddd0004" },
		{ "current:", "eeee0005,cccc0003" },
		{ ":", "eeee0005,dddd0004,cccc0003,bbbb0002,aaaa0001" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rt_targets t;
		assert_int_equal(rt_history_range(&t, &f.g, &f.st, cases[i][0], &f.err), 0);
		rt_buf b = RT_BUF_INIT;
		for (size_t k = 0; k < t.n; k++)
			rt_buf_printf(&b, "%s%s", k ? "," : "", f.g.nodes[t.v[k]].rf->id);
		if (strcmp(b.ptr, cases[i][1]))
			fail_msg("range '%s': got '%s' want '%s'", cases[i][0], b.ptr, cases[i][1]);
		rt_buf_free(&b);
		rt_targets_free(&t);
	}
	fixture_free(&f);
}

/*
 * A prefix counts every key of Alembic's map that starts with it, labels
 * too: "c2" is c2c2's id and its own label c2branch, two matches.
 */
static void test_resolve__a_prefix_matching_an_id_and_its_label_is_ambiguous(void **state)
{
	fixture f = { 0 };
	rev(&f, "aaaa", "", "", "");
	rev(&f, "c1c1", "aaaa", "", "c1branch");
	rev(&f, "c2c2", "aaaa", "", "c2branch");
	assert_int_equal(build(&f), 0);
	assert_null(resolve(&f, "c2", false));
	assert_non_null(strstr(f.err.msg, "Multiple revisions start with 'c2': 'c2c2', 'c2branch'"));
	assert_resolves(&f, "c2c", "c2c2");
	assert_resolves(&f, "c2b", "c2c2");
	assert_resolves(&f, "aa", "aaaa");
	fixture_free(&f);
}

/* stamp -N on a database with no row walks down from each head, as Alembic does. */
static void test_resolve__stamp_minus_n_on_an_empty_database_walks_down_from_the_heads(void **state)
{
	fixture f = { 0 };
	rev(&f, "aaaa", "", "", "");
	rev(&f, "bbbb", "aaaa", "", "");
	rev(&f, "c1c1", "bbbb", "", "c1branch");
	rev(&f, "c2c2", "bbbb", "", "c2branch");
	rev(&f, "d1d1", "c1c1", "", "");
	rev(&f, "d2d2", "c2c2", "", "");
	assert_int_equal(build(&f), 0);
	assert_int_equal(rows(&f, ""), 0);
	const char *cases[][2] = {
		{ "-1", "c1c1,c2c2" },
		{ "c2branch@-2", "bbbb" },
		{ "c1branch@-1", "c1c1" },
		{ "-2", "bbbb" },  /* reached from both heads: once (Alembic fails) */
		{ "-4", "base" },  /* down to base: no row (Alembic fails there) */
		{ "-9", "base" },  /* past it: nothing, as Alembic */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rt_targets t;
		if (rt_resolve_stamp(&t, &f.g, &f.st, cases[i][0], &f.err))
			fail_msg("'%s': %s", cases[i][0], f.err.msg);
		rt_buf b = RT_BUF_INIT;
		if (t.base && !t.n)
			rt_buf_puts(&b, "base");
		for (size_t k = 0; k < t.n; k++)
			rt_buf_printf(&b, "%s%s", k ? "," : "", f.g.nodes[t.v[k]].rf->id);
		if (strcmp(b.ptr, cases[i][1]))
			fail_msg("stamp '%s': got '%s' want '%s'", cases[i][0], b.ptr, cases[i][1]);
		rt_buf_free(&b);
		rt_targets_free(&t);
	}
	/* without the rows read yet, "-1" asks for them */
	rt_targets t;
	assert_int_equal(rt_resolve_stamp(&t, &f.g, NULL, "-1", &f.err), RETORT_ESTATE);
	/* a database with a row: as rt_resolve (Alembic cannot locate '-1') */
	assert_int_equal(rows(&f, "d1d1"), 0);
	assert_int_not_equal(rt_resolve_stamp(&t, &f.g, &f.st, "c1branch@-1", &f.err), 0);
	fixture_free(&f);
}

/*
 * history's default end is Alembic's "heads", the real ones: a head that
 * another revision only depends on (d96e) is reached through its dependent,
 * so it comes right after that dependent's line, not in file order among
 * the heads (Alembic 1.8 prints this order).
 */
static void test_history__a_head_only_depended_on_follows_its_dependent(void **state)
{
	fixture f = { 0 };
	rev(&f, "a7b0", "abc6", "", "");
	rev(&f, "ab61", "abcf", "", "");
	rev(&f, "ab85", "", "d96e", "");
	rev(&f, "abc6", "", "", "");
	rev(&f, "abcf", "ab85", "", "");
	rev(&f, "cb33", "a7b0", "", "");
	rev(&f, "d96e", "a7b0", "", "");
	assert_int_equal(build(&f), 0);
	assert_int_equal(rows(&f, ""), 0);
	rt_targets t;
	assert_int_equal(rt_history_range(&t, &f.g, &f.st, "", &f.err), 0);
	rt_buf b = RT_BUF_INIT;
	for (size_t k = 0; k < t.n; k++)
		rt_buf_printf(&b, "%s%s", k ? "," : "", f.g.nodes[t.v[k]].rf->id);
	assert_string_equal(b.ptr, "ab61,abcf,ab85,d96e,cb33,a7b0,abc6");
	rt_buf_free(&b);
	rt_targets_free(&t);
	fixture_free(&f);
}

/* 10,000 revisions: every walk stays iterative and linear. */
static void test_graph__ten_thousand_revision_chain(void **state)
{
	enum { N = 10000 };
	rt_revfile *files = rt_xcalloc(N, sizeof(*files));
	for (uint32_t i = 0; i < N; i++) {
		rt_buf b = RT_BUF_INIT;
		rt_buf_printf(&b, "r%05u", i);
		files[i].id = rt_buf_detach(&b);
		files[i].path = rt_xstrdup("x.sql");
		if (i) {
			rt_buf_printf(&b, "r%05u", i - 1);
			rt_strvec_push_owned(&files[i].revises, rt_buf_detach(&b));
		}
	}
	rt_graph g;
	rt_err err;
	rt_state st;
	rt_plan p;
	assert_int_equal(rt_graph_build(&g, files, N, &err), 0);
	assert_int_equal(g.nheads, 1);
	assert_int_equal(rt_state_init(&st, &g, NULL, 0, &err), 0);
	assert_int_equal(rt_plan_upgrade(&p, &g, &st, g.heads, 1, &err), 0);
	assert_int_equal(p.n, N);
	assert_int_equal(p.rows_after.len, 1);
	assert_string_equal(p.rows_after.v[0], "r09999");
	rt_plan_free(&p);
	rt_state_free(&st);
	char *top[] = { (char *)"r09999" };
	assert_int_equal(rt_state_init(&st, &g, top, 1, &err), 0);
	rt_targets t;
	assert_int_equal(rt_resolve_downgrade(&t, &g, &st, "base", &err), 0);
	assert_int_equal(rt_plan_downgrade(&p, &g, &st, t.v, t.n, &err), 0);
	assert_int_equal(p.n, N);
	assert_int_equal(p.rows_after.len, 0);
	rt_targets_free(&t);
	rt_plan_free(&p);
	rt_state_free(&st);
	rt_graph_free(&g);
	for (uint32_t i = 0; i < N; i++) {
		free(files[i].id);
		free(files[i].path);
		rt_strvec_free(&files[i].revises);
	}
	free(files);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graph__linear_chain_has_one_head_and_base),
		cmocka_unit_test(test_graph__duplicate_id_names_both_files),
		cmocka_unit_test(test_graph__unknown_parent_names_file_and_line),
		cmocka_unit_test(test_graph__unknown_dependency_is_an_error),
		cmocka_unit_test(test_graph__cycle_is_listed),
		cmocka_unit_test(test_graph__duplicate_label_is_an_error),
		cmocka_unit_test(test_graph__flags_and_inherited_labels_match_alembic),
		cmocka_unit_test(test_resolve__ids_prefixes_and_symbols),
		cmocka_unit_test(test_resolve__walking_down_a_merge_is_ambiguous),
		cmocka_unit_test(test_resolve__errors_read_like_alembic),
		cmocka_unit_test(test_resolve__labels_and_relative_from_current),
		cmocka_unit_test(test_resolve__relative_needs_a_single_path),
		cmocka_unit_test(test_plan__branches_then_merge_rows_match_alembic),
		cmocka_unit_test(test_plan__downgrade_one_step_from_a_merge_leaves_both_parents),
		cmocka_unit_test(test_plan__not_applied_downgrade_target_is_refused),
		cmocka_unit_test(test_plan__dependency_is_applied_first_and_merged_into_the_row),
		cmocka_unit_test(test_plan__unmerge_to_a_parent_and_its_child_keeps_both_rows),
		cmocka_unit_test(test_plan__stamp_moves_rows_like_alembic),
		cmocka_unit_test(test_state__unknown_row_is_reported),
		cmocka_unit_test(test_history__ranges_are_inclusive),
		cmocka_unit_test(test_history__a_head_only_depended_on_follows_its_dependent),
		cmocka_unit_test(test_resolve__a_prefix_matching_an_id_and_its_label_is_ambiguous),
		cmocka_unit_test(test_plan__stamp_label_at_base_keeps_rows_off_the_label),
		cmocka_unit_test(test_resolve__stamp_minus_n_on_an_empty_database_walks_down_from_the_heads),
		cmocka_unit_test(test_graph__ten_thousand_revision_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
