/*
 * cmd_branches.c: `retort branches [-v]`: each branch point and the
 * revisions it branches into, as Alembic prints them:
 *
 *   bbbb0002 (branchpoint)
 *            -> cccc0003 (xb) (head)
 *            -> dddd0004 (head)
 *   <blank line>
 */
#include "cli.h"

#include <string.h>

enum { O_VERBOSE = 'v' };

static const cli_opt opts[] = {
	{ O_VERBOSE, 'v', "verbose", 0 },
	{ 0, 0, NULL, 0 }
};

static int on_opt(void *data, int id, const char *arg)
{
	*(int *)data = 1;
	return 0;
}

static void print_branchpoint(retort *r, rt_buf *b, const retort_rev *bp,
			      int verbose)
{
	rt_buf_clear(b);
	if (verbose)
		cli_fmt_entry(b, bp, 0); /* ends in a newline: a blank line follows */
	else
		cli_fmt_line(b, bp, CLI_FMT_LABELS | CLI_FMT_HEADS | CLI_FMT_TREE);
	rt_buf_putc(b, '\n');
	size_t pad = strlen(bp->id);
	for (size_t i = 0; i < bp->nchildren; i++) {
		const retort_rev *child = cli_find_rev(r, bp->children[i]);
		for (size_t k = 0; k < pad; k++)
			rt_buf_putc(b, ' ');
		rt_buf_puts(b, " -> ");
		if (child)
			cli_fmt_line(b, child, CLI_FMT_LABELS | CLI_FMT_HEADS |
					       CLI_FMT_TREE |
					       (verbose ? CLI_FMT_DOC : 0));
		else
			rt_buf_puts(b, bp->children[i]);
		if (i + 1 < bp->nchildren)
			rt_buf_putc(b, '\n');
	}
	rt_buf_putc(b, '\n');
	cli_puts(b);
}

static int cmd_branches(cli *c, int argc, char **argv)
{
	int verbose = c->verbose;
	int code = cli_parse_none(c, &cli_cmd_branches, opts,
				  argc, argv, on_opt, &verbose);
	if (code >= 0)
		return code;

	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	const retort_rev **revs = NULL;
	size_t n = 0;
	int rc = retort_branchpoints(r, &revs, &n);
	if (rc < 0) {
		code = cli_fail(r, rc);
	} else if (c->json) {
		cli_json_print_revs(revs, n);
	} else {
		rt_buf b = RT_BUF_INIT;
		for (size_t i = 0; i < n; i++)
			print_branchpoint(r, &b, revs[i], verbose);
		rt_buf_free(&b);
	}
	if (revs)
		retort_revs_free(revs);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_branches = {
	"branches", NULL, cmd_branches,
	"show the branch points",
	"branches [-v]",
	"  -v, --verbose  the full entry of each branch point\n"
};
