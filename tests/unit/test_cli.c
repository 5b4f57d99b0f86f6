/*
 * test_cli.c: the command-line tool's option parser and Alembic's output
 * formats, tested without a process or a database.
 *
 * The CLI is not part of libretort, so its sources are compiled in here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../src/cli/common.c"
#include "../../src/cli/log.c"
#include "../../src/cli/opts.c"
#include "../../src/cli/output.c"
#include "../../src/cli/json.c"

/* Defined by main.c in the tool; unused by the code under test. */
const cli_cmd *const cli_commands[] = { NULL };
void cli_print_usage(FILE *f)
{
	fputs("usage: retort\n", f);
}

static const char *const merge_parents[] = { "dddd0004", "cccc0003" };
static const char *const one_label[] = { "xb" };
static const char *const one_dep[] = { "dddd0004" };
static const char *const two_children[] = { "cccc0003", "dddd0004" };

static retort_rev rev(const char *id, const char *msg, unsigned flags)
{
	retort_rev r;
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.message = msg;
	r.doc = msg;
	r.path = "/p/x.sql";
	r.flags = flags;
	return r;
}

#define HISTORY (CLI_FMT_PARENTS | CLI_FMT_LABELS | CLI_FMT_HEADS | CLI_FMT_TREE | CLI_FMT_DOC)

static void expect_line(const retort_rev *r, unsigned what, const char *want)
{
	rt_buf b = RT_BUF_INIT;
	cli_fmt_line(&b, r, what);
	assert_string_equal(b.ptr, want);
	rt_buf_free(&b);
}

static void test_cli__history_line_of_a_labelled_merge_head(void **state)
{
	retort_rev r = rev("eeee0005", "merge it", RETORT_REV_HEAD | RETORT_REV_MERGEPOINT);
	r.parents = merge_parents;
	r.nparents = 2;
	r.labels = one_label;
	r.nlabels = 1;
	expect_line(&r, HISTORY, "dddd0004, cccc0003 -> eeee0005 (xb) (head) (mergepoint), merge it");
}

static void test_cli__history_line_of_a_root_shows_base_and_depends_on(void **state)
{
	retort_rev r = rev("ffff0006", "other root", RETORT_REV_HEAD | RETORT_REV_BASE);
	r.depends_on = one_dep;
	r.ndepends_on = 1;
	r.depends_on_declared = one_dep; /* printed as written */
	r.ndepends_on_declared = 1;
	expect_line(&r, HISTORY, "<base> (dddd0004) -> ffff0006 (head), other root");
}

static void test_cli__a_depended_on_head_is_an_effective_head(void **state)
{
	retort_rev r = rev("hhhh0007", "x", RETORT_REV_HEAD | RETORT_REV_EFFECTIVE_HEAD);
	expect_line(&r, CLI_FMT_LABELS | CLI_FMT_HEADS, "hhhh0007 (effective head)");
}

static void test_cli__current_is_marked_only_when_asked(void **state)
{
	retort_rev r = rev("bbbb0002", "second", RETORT_REV_CURRENT | RETORT_REV_BRANCHPOINT);
	expect_line(&r, CLI_FMT_HEADS | CLI_FMT_TREE, "bbbb0002 (branchpoint)");
	expect_line(&r, CLI_FMT_HEADS | CLI_FMT_TREE | CLI_FMT_CURRENT,
		    "bbbb0002 (current) (branchpoint)");
}

static void test_cli__verbose_entry_of_a_branchpoint(void **state)
{
	retort_rev r = rev("bbbb0002", "second", RETORT_REV_BRANCHPOINT);
	const char *const parent[] = { "aaaa0001" };
	r.parents = parent;
	r.nparents = 1;
	r.children = two_children;
	r.nchildren = 2;
	r.doc = "second\n\nRevision ID: bbbb0002\n";
	rt_buf b = RT_BUF_INIT;
	cli_fmt_entry(&b, &r, 0);
	assert_string_equal(b.ptr,
		"Rev: bbbb0002 (branchpoint)\n"
		"Parent: aaaa0001\n"
		"Branches into: cccc0003, dddd0004\n"
		"Path: /p/x.sql\n"
		"\n"
		"    second\n"
		"    \n"           /* Alembic indents blank lines too */
		"    Revision ID: bbbb0002\n");
	rt_buf_free(&b);
}

static void test_cli__verbose_entry_of_a_merge_says_merges(void **state)
{
	retort_rev r = rev("eeee0005", "merge it", RETORT_REV_HEAD | RETORT_REV_MERGEPOINT);
	r.parents = merge_parents;
	r.nparents = 2;
	r.labels = one_label;
	r.nlabels = 1;
	rt_buf b = RT_BUF_INIT;
	cli_fmt_entry(&b, &r, 0);
	assert_non_null(strstr(b.ptr, "Rev: eeee0005 (head) (mergepoint)\n"
				      "Merges: dddd0004, cccc0003\n"
				      "Branch names: xb\n"));
	rt_buf_free(&b);
}

/* --- options ---------------------------------------------------------- */

enum { T_MSG = 'm', T_SQL = 256 };
static const cli_opt topts[] = {
	{ T_MSG, 'm', "message", 1 },
	{ T_SQL, 0, "sql", 0 },
	{ 0, 0, NULL, 0 }
};
static const cli_cmd tcmd = { "t", NULL, NULL, "test", "t", NULL };

/* Parse argv (a NULL-terminated list); returns the value of -m, or NULL. */
static const char *parse(cli *c, cli_getopt *g, const char **argv, int *last)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	const char *msg = NULL;
	cli_getopt_init(g, &tcmd, topts, argc, (char **)argv);
	int id;
	while ((id = cli_getopt_next(c, g)) > 0)
		if (id == T_MSG)
			msg = g->arg;
	*last = id;
	return msg;
}

static void test_cli__minus_digit_is_a_relative_revision_not_an_option(void **state)
{
	cli c = { 0 };
	cli_getopt g;
	int last;
	const char *argv[] = { "t", "-1", "--sql", NULL };
	parse(&c, &g, argv, &last);
	assert_int_equal(last, CLI_OPT_END);
	assert_int_equal(g.npos, 1);
	assert_string_equal(g.pos[0], "-1");
	cli_getopt_free(&g);
}

static void test_cli__every_spelling_of_an_option_value(void **state)
{
	const char *forms[][4] = {
		{ "t", "-mhello", NULL, NULL },
		{ "t", "-m", "hello", NULL },
		{ "t", "--message=hello", NULL, NULL },
		{ "t", "--message", "hello", NULL },
	};
	for (size_t i = 0; i < 4; i++) {
		cli c = { 0 };
		cli_getopt g;
		int last;
		const char *msg = parse(&c, &g, forms[i], &last);
		assert_int_equal(last, CLI_OPT_END);
		assert_non_null(msg);
		assert_string_equal(msg, "hello");
		assert_int_equal(g.npos, 0);
		cli_getopt_free(&g);
	}
}

static void test_cli__global_options_work_after_the_command(void **state)
{
	cli c = { 0 };
	cli_getopt g;
	int last;
	const char *argv[] = { "t", "head", "-c", "x.ini", "--json", "-qv", "-x", "k=v", NULL };
	parse(&c, &g, argv, &last);
	assert_int_equal(last, CLI_OPT_END);
	assert_string_equal(c.config, "x.ini");
	assert_int_equal(c.json, 1);
	assert_int_equal(c.quiet, 1);
	assert_int_equal(c.verbose, 1);
	assert_int_equal(c.xargs.len, 1);
	assert_string_equal(c.xargs.v[0], "k=v");
	assert_int_equal(g.npos, 1);
	assert_string_equal(g.pos[0], "head");
	cli_getopt_free(&g);
	rt_strvec_free(&c.xargs);
}

static void test_cli__double_dash_ends_the_options(void **state)
{
	cli c = { 0 };
	cli_getopt g;
	int last;
	const char *argv[] = { "t", "--", "--sql", "-m", NULL };
	const char *msg = parse(&c, &g, argv, &last);
	assert_null(msg);
	assert_int_equal(g.npos, 2);
	assert_string_equal(g.pos[0], "--sql");
	cli_getopt_free(&g);
}

static void test_cli__bad_options_are_errors(void **state)
{
	const char *unknown[] = { "t", "--frob", NULL };
	const char *missing[] = { "t", "-m", NULL };
	const char *novalue[] = { "t", "--sql=1", NULL };
	const char *version[] = { "t", "--version", NULL };
	const char **cases[] = { unknown, missing, novalue, version };
	for (size_t i = 0; i < 4; i++) {
		cli c = { 0 };
		cli_getopt g;
		int last;
		parse(&c, &g, cases[i], &last);
		assert_int_equal(last, CLI_OPT_ERROR);
		cli_getopt_free(&g);
	}
}

static void test_cli__global_parse_stops_at_the_command_name(void **state)
{
	cli c = { 0 };
	cli_getopt g;
	const char *argv[] = { "retort", "-q", "history", "-h", NULL };
	cli_getopt_init(&g, NULL, NULL, 4, (char **)argv);
	assert_int_equal(cli_getopt_next(&c, &g), CLI_OPT_END);
	assert_int_equal(g.i, 2); /* at "history" */
	assert_int_equal(c.quiet, 1);
	cli_getopt_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli__history_line_of_a_labelled_merge_head),
		cmocka_unit_test(test_cli__history_line_of_a_root_shows_base_and_depends_on),
		cmocka_unit_test(test_cli__a_depended_on_head_is_an_effective_head),
		cmocka_unit_test(test_cli__current_is_marked_only_when_asked),
		cmocka_unit_test(test_cli__verbose_entry_of_a_branchpoint),
		cmocka_unit_test(test_cli__verbose_entry_of_a_merge_says_merges),
		cmocka_unit_test(test_cli__minus_digit_is_a_relative_revision_not_an_option),
		cmocka_unit_test(test_cli__every_spelling_of_an_option_value),
		cmocka_unit_test(test_cli__global_options_work_after_the_command),
		cmocka_unit_test(test_cli__double_dash_ends_the_options),
		cmocka_unit_test(test_cli__bad_options_are_errors),
		cmocka_unit_test(test_cli__global_parse_stops_at_the_command_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
