/*
 * cmd_heads.c: `retort heads [-v] [--resolve-dependencies]`:
 *
 *   dddd0004 (head)
 *   cccc0003 (xb) (head)
 */
#include "cli.h"

enum { O_VERBOSE = 'v', O_RESOLVE = 256 };

static const cli_opt opts[] = {
	{ O_VERBOSE, 'v', "verbose", 0 },
	{ O_RESOLVE, 0, "resolve-dependencies", 0 },
	{ 0, 0, NULL, 0 }
};

struct args {
	int verbose;
	int resolve;
};

static int on_opt(void *data, int id, const char *arg)
{
	struct args *a = data;
	if (id == O_VERBOSE)
		a->verbose = 1;
	else if (id == O_RESOLVE)
		a->resolve = 1;
	return 0;
}

static void print_text(const struct args *a, const retort_rev **revs, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		rt_buf_clear(&b);
		if (a->verbose)
			cli_fmt_entry(&b, revs[i], 0);
		else
			cli_fmt_line(&b, revs[i], CLI_FMT_LABELS | CLI_FMT_HEADS);
		cli_puts(&b);
	}
	rt_buf_free(&b);
}

static int cmd_heads(cli *c, int argc, char **argv)
{
	struct args a = { c->verbose, 0 };
	int code = cli_parse_none(c, &cli_cmd_heads, opts, argc, argv, on_opt, &a);
	if (code >= 0)
		return code;

	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	const retort_rev **revs = NULL;
	size_t n = 0;
	int rc = retort_heads(r, a.resolve, &revs, &n);
	if (rc < 0) {
		code = cli_fail(r, rc);
	} else if (c->json) {
		cli_json_print_revs(revs, n);
	} else {
		print_text(&a, revs, n);
	}
	if (revs)
		retort_revs_free(revs);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_heads = {
	"heads", NULL, cmd_heads,
	"show the heads of the revision graph",
	"heads [-v] [--resolve-dependencies]",
	"  -v, --verbose               the full entry of each head\n"
	"      --resolve-dependencies  a head that another revision depends on\n"
	"                              is not a head\n"
};
