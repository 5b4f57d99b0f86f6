/*
 * cmd_history.c: `retort history [-r A:B] [-v] [-i]`, newest first, in
 * Alembic's line format:
 *
 *   dddd0004, cccc0003 -> eeee0005 (xb) (head) (mergepoint), merge it
 */
#include "cli.h"

#include <string.h>

enum { O_RANGE = 'r', O_VERBOSE = 'v', O_CURRENT = 'i' };

static const cli_opt opts[] = {
	{ O_RANGE, 'r', "rev-range", 1 },
	{ O_VERBOSE, 'v', "verbose", 0 },
	{ O_CURRENT, 'i', "indicate-current", 0 },
	{ 0, 0, NULL, 0 }
};

struct args {
	const char *range;
	int verbose;
	int indicate_current;
};

static int on_opt(void *data, int id, const char *arg)
{
	struct args *a = data;
	switch (id) {
	case O_RANGE: a->range = arg; break;
	case O_VERBOSE: a->verbose = 1; break;
	case O_CURRENT: a->indicate_current = 1; break;
	}
	return 0;
}

static void print_revs(const cli *c, const struct args *a,
		       const retort_rev **revs, size_t n)
{
	unsigned what = CLI_FMT_PARENTS | CLI_FMT_LABELS | CLI_FMT_HEADS |
			CLI_FMT_TREE | CLI_FMT_DOC;
	if (a->indicate_current)
		what |= CLI_FMT_CURRENT;
	if (c->json) {
		cli_json_print_revs(revs, n);
		return;
	}
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		rt_buf_clear(&b);
		if (a->verbose)
			cli_fmt_entry(&b, revs[i], what);
		else
			cli_fmt_line(&b, revs[i], what);
		cli_puts(&b);
	}
	rt_buf_free(&b);
}

/* Reading the version table marks the current revisions (RETORT_REV_CURRENT). */
static int read_current(retort *r)
{
	char **rows = NULL;
	size_t n = 0;
	int rc = retort_current(r, &rows, &n);
	retort_strings_free(rows);
	return rc;
}

static int cmd_history(cli *c, int argc, char **argv)
{
	struct args a = { NULL, c->verbose, 0 };
	int code = cli_parse_none(c, &cli_cmd_history, opts, argc, argv, on_opt, &a);
	if (code >= 0)
		return code;
	if (a.range && !strchr(a.range, ':'))
		return cli_usage_error(&cli_cmd_history,
			"history range requires [start]:[end], [start]:, or :[end]");

	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	const retort_rev **revs = NULL;
	size_t n = 0;
	int rc = 0;
	if (a.indicate_current)
		rc = read_current(r);
	if (rc >= 0)
		rc = retort_history(r, a.range, &revs, &n);
	if (rc < 0)
		code = cli_fail(r, rc);
	else
		print_revs(c, &a, revs, n);
	if (revs)
		retort_revs_free(revs);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_history = {
	"history", NULL, cmd_history,
	"list the revisions, newest first",
	"history [-r [START]:[END]] [-v] [-i]",
	"  -r, --rev-range START:END  only this range (either side may be empty,\n"
	"                             'current', a label@head, +N/-N)\n"
	"  -v, --verbose              the full entry of each revision\n"
	"  -i, --indicate-current     mark the database's current revisions\n"
};
